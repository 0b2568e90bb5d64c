"""Fixtures for the stand-in webui host (see webui_stub.py)."""

from __future__ import annotations

import sys

import pytest
from webui_stub import ROOT, Host


@pytest.fixture(params=["a1111", "forge"])
def host(request, tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m.split(".")[0] in ("modules", "lib_controlnet")]:
        monkeypatch.delitem(sys.modules, name)
    made = Host(tmp_path / "webui", forge=request.param == "forge")
    monkeypatch.syspath_prepend(str(made.folder))
    monkeypatch.syspath_prepend(str(ROOT))
    made.kind = request.param
    made.load_extension()
    made.shared.cmd_opts.dazdepth_output_dir = str(tmp_path / "outputs")
    yield made

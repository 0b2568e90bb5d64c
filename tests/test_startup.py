"""Start-up: a command imports only what it uses (README, Speed; `daz-depth bench` times it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from children import child_env
from exrdata import write_depth

RAMP = np.linspace(100, 200, 64, dtype=np.float32).reshape(8, 8)
PROBE = """
import json, sys
import numpy, OpenEXR, PIL.Image, PIL.PngImagePlugin
libraries = set(sys.modules)
from lib_dazdepth.main import main
status = main(sys.argv[1:])
print(json.dumps([status, sorted(set(sys.modules) - libraries)]))
"""
# Heavy or unrelated to converting one file: the tab, the webui, HTTP, worker processes,
# the shell, the editing layer, and fractions (which brings decimal). PNG rows are
# compressed on threads (concurrent.futures) only for images of several 1 MB blocks.
NEVER_FOR_A_CONVERSION = {
    "gradio",
    "lib_dazdepth.ui",
    "lib_dazdepth.host",
    "lib_dazdepth.editing",
    "lib_dazdepth.cli.shell",
    "lib_dazdepth.cli.batch",
    "lib_dazdepth.cli.send",
    "lib_dazdepth.cli.bench",
    "urllib.request",
    "http.client",
    "multiprocessing",
    "concurrent.futures",
    "cmd",
    "fractions",
}


def imported(tmp_path: Path, *args: str) -> set[str]:
    """The modules the command ``args`` imports beyond numpy, OpenEXR and Pillow's own."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=child_env(start_method=False),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    status, modules = json.loads(done.stdout.splitlines()[-1])
    assert status == 0
    return set(modules)


@pytest.fixture
def depth(tmp_path: Path) -> str:
    return str(write_depth(tmp_path / "a-Canvas2-Depth.exr", RAMP))


def test_converting_one_file_imports_the_engine_it_needs_and_no_more(tmp_path, depth) -> None:
    modules = imported(tmp_path, depth)
    assert {"lib_dazdepth.engine.maps", "lib_dazdepth.engine.outputs"} <= modules
    assert sorted(modules & NEVER_FOR_A_CONVERSION) == []
    assert "lib_dazdepth.engine.autosplit" not in modules
    assert "lib_dazdepth.engine.histogram" not in modules
    ours = sorted(m for m in modules if m.startswith("lib_dazdepth."))
    # The reader is exr, exr_pixels, layers, files and conventions; the writer png, outputs.
    assert len(ours) <= 24, ours


def test_an_option_loads_its_own_module_when_given(tmp_path, depth) -> None:
    assert "lib_dazdepth.engine.autosplit" in imported(tmp_path, depth, "--auto")
    assert "lib_dazdepth.engine.histogram" in imported(tmp_path, depth, "--depth_cutoff", "histo")


def test_the_sample_command_loads_no_front_end_nor_other_commands(tmp_path) -> None:
    modules = imported(tmp_path, "sample", str(tmp_path / "s"), "--size", "16")
    assert "lib_dazdepth.engine.sample" in modules
    # Pillow's JPEG and TIFF writers (loaded when it saves the sample) bring fractions.
    assert sorted(modules & (NEVER_FOR_A_CONVERSION - {"fractions"})) == []

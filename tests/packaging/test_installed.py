"""The installed wheel (tests/run.sh installs it into .venv/gradio6): the ``daz-depth``
command from any folder, without the checkout on the path, and its packaged front-end."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import lib_dazdepth
from lib_dazdepth.main import main as checkout_main

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(sysconfig.get_path("scripts"))
SITE = Path(sysconfig.get_path("purelib")).resolve()  # as the child reports it, links resolved
COMMAND = SCRIPTS / ("daz-depth.exe" if os.name == "nt" else "daz-depth")
pytestmark = pytest.mark.skipif(
    not os.environ.get("DAZDEPTH_INSTALLED"), reason="needs the installed wheel (tests/run.sh)"
)


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    """A program in the environment, started from ``cwd`` with nothing of ours on the path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [*map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def installed(code: str, cwd: Path) -> str:
    done = run(sys.executable, "-c", code, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_package_comes_from_the_wheel_not_the_checkout(tmp_path: Path) -> None:
    where = Path(installed("import lib_dazdepth; print(lib_dazdepth.__file__)", tmp_path)).resolve()
    assert where == SITE / "lib_dazdepth" / "__init__.py"  # the environment may be in ROOT


def test_help_and_version_from_any_folder(tmp_path: Path) -> None:
    done = run(COMMAND, "--help", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("usage: daz-depth [-h]")
    version = run(COMMAND, "--version", cwd=tmp_path)
    assert version.stdout == f"Daz Depth {lib_dazdepth.__version__}\n"
    ui_help = run(COMMAND, "ui", "--help", cwd=tmp_path)
    assert ui_help.returncode == 0 and ui_help.stdout.startswith("usage: daz-depth ui")


def test_sample_then_convert_from_another_folder_gives_the_checkouts_map(tmp_path: Path) -> None:
    renders, elsewhere = tmp_path / "renders", tmp_path / "elsewhere"
    elsewhere.mkdir()
    made = run(COMMAND, "sample", renders, "--size", "64", cwd=elsewhere)
    assert made.returncode == 0, made.stderr
    depth = renders / "sample_scene_canvases" / "sample_scene-Canvas2-Depth.exr"
    converted = run(COMMAND, depth, "--out", "maps", cwd=elsewhere)
    assert converted.returncode == 0, converted.stderr
    assert "mapping status was: Success" in converted.stdout
    assert checkout_main([str(depth), "--out", str(tmp_path / "checkout")]) == 0
    name = "sample_scene-Canvas2-Depth.depth.png"
    with (
        Image.open(elsewhere / "maps" / name) as ours,
        Image.open(tmp_path / "checkout" / name) as ref,
    ):
        assert ours.size == (64, 64)
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))


def test_the_wheel_carries_the_webuis_front_end_files(tmp_path: Path) -> None:
    code = "from lib_dazdepth.ui import launcher; print(launcher.asset_root())"
    frontend = Path(installed(code, tmp_path)).resolve()
    assert frontend == SITE / "lib_dazdepth" / "ui" / "frontend"
    assert (frontend / "style.css").read_bytes() == (ROOT / "style.css").read_bytes()
    shipped = sorted(p.name for p in (frontend / "javascript").glob("*.js"))
    assert shipped == sorted(p.name for p in (ROOT / "javascript").glob("*.js"))
    for name in shipped:
        assert (frontend / "javascript" / name).read_bytes() == (
            ROOT / "javascript" / name
        ).read_bytes()


def test_every_module_was_compiled_at_install(tmp_path: Path) -> None:
    """Where bytecode cannot be written (a read-only install), nothing is compiled per run."""
    code = (
        "import importlib.util, pathlib, lib_dazdepth as p\n"
        "root = pathlib.Path(p.__file__).parent\n"
        "for f in sorted(root.rglob('*.py')):\n"
        "    pyc = pathlib.Path(importlib.util.cache_from_source(f))\n"
        "    print(f.relative_to(root), pyc.is_file())"
    )
    lines = installed(code, tmp_path).splitlines()
    assert len(lines) > 40
    assert [line for line in lines if not line.endswith(" True")] == []

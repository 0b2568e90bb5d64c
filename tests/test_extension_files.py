"""install.py and preload.py, run as the webui runs them."""

from __future__ import annotations

import argparse
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FAKE_LAUNCH = """
import json, os, sys
LOG = os.environ["LAUNCH_LOG"]
PRESENT = set(os.environ.get("PRESENT", "").split(","))
def is_installed(package):
    return package in PRESENT
def run_pip(command, desc=None):
    with open(LOG, "a") as log:
        log.write(json.dumps([command, desc]) + "\\n")
"""


def run_install(tmp_path: Path, present: str) -> list[str]:
    (tmp_path / "launch.py").write_text(FAKE_LAUNCH)
    log = tmp_path / "log.txt"
    log.write_text("")
    done = subprocess.run(
        [sys.executable, str(ROOT / "install.py")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "LAUNCH_LOG": str(log), "PRESENT": present},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    return log.read_text().splitlines()


def test_install_asks_pip_for_openexr_only_when_missing(tmp_path: Path) -> None:
    assert run_install(tmp_path, present="") == [
        '["install \\"OpenEXR>=3.2\\"", "OpenEXR>=3.2 for Daz Depth"]'
    ]


def test_install_is_quiet_and_does_nothing_when_all_is_present(tmp_path: Path) -> None:
    assert run_install(tmp_path, present="OpenEXR") == []


def test_preload_adds_the_output_folder_option() -> None:
    parser = argparse.ArgumentParser()
    runpy.run_path(str(ROOT / "preload.py"))["preload"](parser)
    assert parser.parse_args([]).dazdepth_output_dir is None
    args = parser.parse_args(["--dazdepth-output-dir", "/data/maps"])
    assert args.dazdepth_output_dir == "/data/maps"

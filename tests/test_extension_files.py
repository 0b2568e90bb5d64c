"""install.py and preload.py, run as the webui runs them."""

from __future__ import annotations

import argparse
import re
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


def run_install(tmp_path: Path, present: str, version: str | None = None) -> list[str]:
    """install.py's pip commands, with ``present`` packages and OpenEXR at ``version``."""
    (tmp_path / "launch.py").write_text(FAKE_LAUNCH)
    if version is not None:  # found before the real one: PYTHONPATH precedes site-packages
        info = tmp_path / f"OpenEXR-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: OpenEXR\nVersion: {version}\n"
        )
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


UPGRADE = '["install -U \\"OpenEXR>=3.4.12\\"", "OpenEXR>=3.4.12 for Daz Depth"]'


def test_install_asks_pip_for_openexr_when_missing(tmp_path: Path) -> None:
    assert run_install(tmp_path, present="") == [UPGRADE]


def test_install_upgrades_an_openexr_older_than_the_floor(tmp_path: Path) -> None:
    assert run_install(tmp_path, present="OpenEXR", version="3.2.4") == [UPGRADE]


def test_install_is_quiet_and_does_nothing_when_all_is_present(tmp_path: Path) -> None:
    assert run_install(tmp_path, present="OpenEXR", version="3.4.12") == []
    (tmp_path / "newer").mkdir()
    assert run_install(tmp_path / "newer", present="OpenEXR", version="3.5.3") == []


def test_install_asks_for_the_packages_own_floor() -> None:
    floors = re.search(
        r'^FLOORS = \{"OpenEXR": "([\d.]+)"\}$', (ROOT / "install.py").read_text(), re.M
    )
    project = (ROOT / "pyproject.toml").read_text()
    dependencies = re.search(r"^dependencies = \[(.*)\]$", project, re.M)
    assert floors and dependencies
    assert f'"OpenEXR>={floors.group(1)}"' in dependencies.group(1).split(", ")


def test_preload_adds_the_output_folder_option() -> None:
    parser = argparse.ArgumentParser()
    runpy.run_path(str(ROOT / "preload.py"))["preload"](parser)
    assert parser.parse_args([]).dazdepth_output_dir is None
    args = parser.parse_args(["--dazdepth-output-dir", "/data/maps"])
    assert args.dazdepth_output_dir == "/data/maps"

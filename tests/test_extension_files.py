"""install.py and preload.py, run as the webui runs them."""

from __future__ import annotations

import argparse
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_install_does_nothing_outside_the_webui(tmp_path: Path) -> None:
    """ComfyUI's manager runs ``python install.py`` in the checkout after installing
    requirements.txt: there is no ``launch`` module there."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "install.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(tmp_path)},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


NEEDS_V3 = "Daz Depth's nodes need ComfyUI 0.3.48 or newer (the V3 node API, comfy_api.latest)"
LOAD_AS_COMFYUI = """
import importlib.util, logging, sys
logging.basicConfig(format="%(message)s")
root = sys.argv[1]
name = root.replace(".", "_x_")  # ComfyUI's name for a custom node folder
spec = importlib.util.spec_from_file_location(name, root + "/__init__.py")
module = importlib.util.module_from_spec(spec)
sys.modules[name] = module
spec.loader.exec_module(module)
print(hasattr(module, "comfy_entrypoint"), spec.submodule_search_locations == [root])
"""


@pytest.mark.parametrize(
    ("comfy_api", "said"),
    [
        (None, ""),  # pytest, or any Python without ComfyUI: nothing happens
        ("old", NEEDS_V3),  # a ComfyUI before the V3 node API
    ],
)
def test_the_root_init_is_comfyuis_entry_and_harmless_elsewhere(tmp_path, comfy_api, said):
    if comfy_api:
        (tmp_path / "comfy_api").mkdir()
        (tmp_path / "comfy_api" / "__init__.py").write_text("")  # no comfy_api.latest
    done = subprocess.run(
        [sys.executable, "-c", LOAD_AS_COMFYUI, str(ROOT)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "False True\n"
    assert done.stderr.strip() == said

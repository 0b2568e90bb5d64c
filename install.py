"""Run by the webui at start-up and after installing from the Extensions tab.

Installs only what the webui lacks: OpenEXR, or a newer one when the webui's is older than
Daz Depth's floor (pyproject.toml's dependencies); numpy and Pillow come with the webui.
Quiet and quick when everything is present.
"""

from importlib.metadata import PackageNotFoundError, version

import launch
from packaging.version import Version

FLOORS = {"OpenEXR": "3.4.12"}


def lacking(package: str, floor: str) -> bool:
    if not launch.is_installed(package):
        return True
    try:
        return Version(version(package)) < Version(floor)
    except PackageNotFoundError:
        return True


for package, floor in FLOORS.items():
    if lacking(package, floor):
        requirement = f"{package}>={floor}"
        launch.run_pip(f'install -U "{requirement}"', f"{requirement} for Daz Depth")

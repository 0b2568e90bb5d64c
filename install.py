"""Run by the webui at start-up and after installing from the Extensions tab.

Installs only what the webui lacks: OpenEXR, or a newer one when the webui's is older than
Daz Depth's floor (pyproject.toml's dependencies); numpy and Pillow come with the webui.
Quiet and quick when everything is present. ComfyUI's manager runs this file too, after
installing requirements.txt: outside the webui (no ``launch`` module) it does nothing.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    import launch
except ImportError:  # not the webui: requirements.txt has been installed already
    launch = None

FLOORS = {"OpenEXR": "3.4.12"}


def lacking(package: str, floor: str) -> bool:
    if not launch.is_installed(package):
        return True
    from packaging.version import Version  # the webui has it

    try:
        return Version(version(package)) < Version(floor)
    except PackageNotFoundError:
        return True


if launch is not None:
    for package, floor in FLOORS.items():
        if lacking(package, floor):
            requirement = f"{package}>={floor}"
            launch.run_pip(f'install -U "{requirement}"', f"{requirement} for Daz Depth")

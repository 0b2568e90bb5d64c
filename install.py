"""Run by the webui at start-up and after installing from the Extensions tab.

Installs only what the webui lacks: OpenEXR (numpy and Pillow come with the webui).
Quiet and quick when everything is present. ComfyUI's manager runs this file too, after
installing requirements.txt: outside the webui (no ``launch`` module) it does nothing.
"""

try:
    import launch
except ImportError:  # not the webui: requirements.txt has been installed already
    launch = None

REQUIREMENTS = {"OpenEXR": "OpenEXR>=3.2"}

if launch is not None:
    for package, requirement in REQUIREMENTS.items():
        if not launch.is_installed(package):
            launch.run_pip(f'install "{requirement}"', f"{requirement} for Daz Depth")

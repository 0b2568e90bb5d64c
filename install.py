"""Run by the webui at start-up and after installing from the Extensions tab.

Installs only what the webui lacks: OpenEXR (numpy and Pillow come with the webui).
Quiet and quick when everything is present.
"""

import launch

REQUIREMENTS = {"OpenEXR": "OpenEXR>=3.2"}

for package, requirement in REQUIREMENTS.items():
    if not launch.is_installed(package):
        launch.run_pip(f'install "{requirement}"', f"{requirement} for Daz Depth")

"""A stand-in webui host: the ``modules`` it offers extensions, and the script loading.

It offers what facts.md section 5 documents (script_callbacks.on_ui_tabs/on_ui_settings/
on_app_started, shared.opts.add_option with OptionInfo, shared.cmd_opts) and executes
``scripts/*.py`` with the extension folder on sys.path, as the webui does.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT_CALLBACKS = """
ui_tabs, ui_settings, app_started = [], [], []
def on_ui_tabs(fn): ui_tabs.append(fn)
def on_ui_settings(fn): ui_settings.append(fn)
def on_app_started(fn): app_started.append(fn)
"""
SHARED = """
import argparse
class OptionInfo:
    def __init__(self, default=None, label="", component=None, component_args=None,
                 onchange=None, section=None, refresh=None):
        self.default, self.label, self.component = default, label, component
        self.component_args, self.section = component_args, section
class Options:
    def __init__(self):
        self.__dict__["data_labels"] = {}
        self.__dict__["data"] = {}
    def add_option(self, key, info):
        self.data_labels[key] = info
        self.data.setdefault(key, info.default)
    def __getattr__(self, key):
        if key in self.data:
            return self.data[key]
        raise AttributeError(key)
opts = Options()
cmd_opts = argparse.Namespace(api_auth=None, dazdepth_output_dir=None, data_dir=None)
"""
# Forge's built-in ControlNet (2.0.1): external_code has no model list; global_state does,
# with "None" first, as its /controlnet/model_list route serves it.
FORGE_CONTROLNET = """
def get_max_models_num():
    return 3
"""
FORGE_CONTROLNET_STATE = """
def get_all_controlnet_names():
    return ["None", "control_v11f1p_sd15_depth [cfd03158]",
            "control_v11p_sd15_normalbae [316696f1]", "control_v11p_sd15_openpose [cab727d4]"]
"""


class Host:
    def __init__(self, folder: Path, forge: bool) -> None:
        modules = folder / "modules"
        modules.mkdir(parents=True)
        (modules / "__init__.py").write_text("")
        (modules / "script_callbacks.py").write_text(textwrap.dedent(SCRIPT_CALLBACKS))
        (modules / "shared.py").write_text(textwrap.dedent(SHARED))
        if forge:
            (folder / "lib_controlnet").mkdir()
            (folder / "lib_controlnet" / "__init__.py").write_text("")
            (folder / "lib_controlnet" / "external_code.py").write_text(FORGE_CONTROLNET)
            (folder / "lib_controlnet" / "global_state.py").write_text(FORGE_CONTROLNET_STATE)
        self.folder = folder

    def load_extension(self) -> None:
        """Execute every scripts/*.py with the extension folder on sys.path."""
        for path in sorted((ROOT / "scripts").glob("*.py")):
            code = compile(path.read_text(), str(path), "exec")
            exec(code, {"__name__": f"scripts.{path.stem}", "__file__": str(path)})

    @property
    def callbacks(self):
        import modules.script_callbacks

        return modules.script_callbacks

    @property
    def shared(self):
        import modules.shared

        return modules.shared

"""What scripts/daz_depth.py registers with the webui: the tab, the settings, the API."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from ..ui.blocks import build_tab
from ..ui.controller import TabConfig
from . import bridge, settings


def outputs_folder() -> Path:
    """--dazdepth-output-dir, else outputs/daz-depth beside the webui's own outputs."""
    from modules import shared

    chosen = getattr(shared.cmd_opts, "dazdepth_output_dir", None)
    if chosen:
        return Path(chosen)
    root = getattr(shared.cmd_opts, "data_dir", None) or "."
    return Path(root) / "outputs" / "daz-depth"


def ui_tabs() -> list[tuple[gr.Blocks, str, str]]:
    from modules import shared

    blocks = build_tab(
        TabConfig(outputs=outputs_folder()),
        note=bridge.integrations_note,
        units=lambda: settings.units_from(shared.opts),
    )
    return [(blocks, "Daz Depth", "daz_depth")]


def ui_settings() -> None:
    from modules import shared

    for key, default, label, hints in settings.options():
        component, args = None, {}
        if "slider" in hints:
            component, args = gr.Slider, hints["slider"]
        elif "radio" in hints:
            component, args = gr.Radio, hints["radio"]
        info = shared.OptionInfo(default, label, component, args, section=settings.SECTION)
        shared.opts.add_option(key, info)


def app_started(demo, app) -> None:
    from modules import shared

    from .api import router

    def units():
        return settings.units_from(shared.opts)

    auth = getattr(shared.cmd_opts, "api_auth", None)
    app.include_router(
        router(auth=auth, models=bridge.controlnet_models, host=bridge.host_kind, units=units)
    )

"""The tab shown when the library cannot load; imports nothing but gradio."""

from __future__ import annotations

import gradio as gr


def unavailable_tab(problem: str) -> list[tuple[gr.Blocks, str, str]]:
    """The tab when the library cannot load (OpenEXR missing): says why, breaks nothing."""
    with gr.Blocks(analytics_enabled=False) as blocks:
        gr.Markdown(
            f"**Daz Depth could not start:** {problem}\n\nRestart the webui so that "
            "the extension's install.py can install it, or run `pip install OpenEXR` "
            "in the webui's Python environment.",
            elem_id="dazdepth_unavailable",
        )
    return [(blocks, "Daz Depth", "daz_depth")]

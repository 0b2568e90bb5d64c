"""The few differences between gradio 3.41 (A1111), 4.40 (Forge) and 6 (the standalone
tab) that the tab meets, in one place."""

from __future__ import annotations

from typing import Any

import gradio as gr

GRADIO_MAJOR = int(gr.__version__.split(".")[0])


def js(code: str) -> dict[str, str]:
    """Keyword for front-end code on an event: ``_js`` on gradio 3, ``js`` on gradio 4."""
    return {"_js": code} if GRADIO_MAJOR < 4 else {"js": code}


def update(**changes: Any) -> Any:
    return gr.update(**changes)


def file_list(**kwargs: Any) -> gr.File:
    """A multi-file box whose value reaches Python as paths (or temp files on gradio 3)."""
    if GRADIO_MAJOR >= 4:
        kwargs.setdefault("type", "filepath")
    return gr.File(file_count="multiple", **kwargs)


def launch_options() -> dict[str, Any]:
    """``launch()`` without the "Use via API" link (``show_api`` up to gradio 5,
    ``footer_links`` from 6) and, from gradio 5, without server-side rendering, which
    would need Node and bypass the page template the launcher adds the front-end to."""
    if GRADIO_MAJOR < 5:
        return {"show_api": False}
    options: dict[str, Any] = {"ssr_mode": False}
    if GRADIO_MAJOR >= 6:
        options["footer_links"] = ["gradio", "settings"]
    else:
        options["show_api"] = False
    return options

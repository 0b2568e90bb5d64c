"""The few differences between gradio 3.41 (A1111), 4.40 (Forge) and 6 (the standalone
tab) that the tab meets, in one place."""

from __future__ import annotations

from collections.abc import Callable
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


def drop_box(elem_id: str) -> Any:
    """The hidden upload box that dropped and chosen files go to: the page's scripts put them
    into the file input under ``#elem_id`` (javascript/dazdepth_files.js). gradio 3: a file
    box. gradio 4: an upload button, in a group that carries the id: gradio 4.40's file box
    uploads with a progress stream it closes through a stub that logs "Method not
    implemented." on every upload (gradio-app/gradio#12002); its upload button uploads the
    same files without one."""
    if GRADIO_MAJOR < 4:  # gradio 6's file box logs the same stub's message
        return file_list(elem_id=elem_id, elem_classes=["dazdepth-hidden"])
    with gr.Group(elem_id=elem_id, elem_classes=["dazdepth-hidden"]):
        return gr.UploadButton(file_count="multiple")


def on_close(blocks: gr.Blocks, fn: Callable[[gr.Request], None]) -> None:
    """Run ``fn(request)`` when a page closes or reloads: gradio 4's unload event. gradio 3
    has no such event (and nothing at all for a page that has gone)."""
    if GRADIO_MAJOR >= 4:
        blocks.unload(fn)

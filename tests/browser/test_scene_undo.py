"""An artist drops a second scene over the first one's work and presses Undo: the first
scene comes back with its splits and labels, and Redo goes to the second scene again
(lib_dazdepth/ui/scenes.py). Real drops and clicks in Chromium, on the dark theme at
1280x720 (the note's screenshot)."""

from __future__ import annotations

import numpy as np
from browsing import ARTIFACTS, Tab
from exrdata import write_depth
from test_reload import column
from test_tab import loaded, table_input

UNDO = "#dazdepth_mount .dd-foot button:text-is('Undo')"
REDO = "#dazdepth_mount .dd-foot button:text-is('Redo')"
DEPTH_BOX = "#dazdepth_role_depth input"  # the depth file's list: the scene shown's file


def test_undo_after_dropping_another_scene_brings_the_work_back(
    browser, own_server_url, sample_set, tmp_path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        tab = Tab(context.new_page(), own_server_url + "?__theme=dark")
        first = sample_set["depth"].name
        loaded(tab, sample_set)
        tab.send([{"op": "add", "depth": 226}, {"op": "add", "depth": 560}])
        field = table_input(tab, 1, column(tab, "Label"))
        field.fill("table")
        field.press("Tab")
        before = tab.wait_view("v.splits[1].label === 'table' && !window.dazdepth.busy()")
        ramp = np.linspace(80, 700, 96 * 128, dtype=np.float32).reshape(96, 128)
        other = write_depth(tmp_path / "other-Canvas2-Depth.exr", ramp)
        dropped = tab.upload(other)
        assert dropped["image"]["name"] == other.name and len(dropped["splits"]) == 1
        assert dropped["message"]["kind"] == "info"
        assert dropped["message"]["text"].endswith(
            f"replaced the work on {first}: Undo brings it back"
        )
        note = tab.page.locator("#dazdepth_mount .dd-msg")
        assert f"replaced the work on {first}: Undo brings it back" in note.inner_text()
        note.scroll_into_view_if_needed()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(ARTIFACTS / "scene_undo_note.png"))
        undo_enabled = """() => [...document.querySelectorAll('#dazdepth_mount .dd-foot button')]
            .some((b) => b.textContent.trim() === 'Undo' && !b.disabled)"""
        tab.wait_js(undo_enabled, 30000)  # the page enables it as it draws the view
        tab.page.click(UNDO)
        back = tab.wait_view(f"v.image.name === {first!r} && !window.dazdepth.busy()")
        assert back["message"]["text"].startswith(f"Back to {first} with its work")
        assert [s["label"] for s in back["splits"]] == [s["label"] for s in before["splits"]]
        assert [s["end"] for s in back["splits"]] == [s["end"] for s in before["splits"]]
        assert table_input(tab, 1, column(tab, "Label")).input_value() == "table"
        tab.wait_js(f"() => document.querySelector('{DEPTH_BOX}').value === {first!r}", 30000)
        assert back["can_undo"] and back["can_redo"]
        tab.page.click(REDO)
        forward = tab.wait_view(f"v.image.name === {other.name!r} && !window.dazdepth.busy()")
        assert len(forward["splits"]) == 1 and forward["can_undo"]
        tab.wait_js(f"() => document.querySelector('{DEPTH_BOX}').value === {other.name!r}", 30000)
    finally:
        context.close()

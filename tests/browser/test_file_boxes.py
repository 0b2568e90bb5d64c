"""Files picked in the canvases box's own file dialog load, on gradio 3 and 4; on gradio 4
they go up through the tab's drop box, an upload button (javascript/dazdepth_upload.js),
so gradio's file box logs nothing (the tab fixture fails on any console error or warning).
The preset box's dialog is used by test_tab.py and test_editing.py."""

from __future__ import annotations

from browsing import Tab


def test_canvases_picked_in_the_canvases_boxs_dialog_load(tab: Tab, sample_set) -> None:
    paths = [sample_set["depth"], sample_set["normal"], sample_set["beauty"]]
    box = tab.page.locator("#dazdepth_files input[type=file]")
    box.set_input_files([str(p) for p in paths])
    view = tab.wait_view("v.loaded", 120000)
    assert view["image"]["name"] == "sample_scene-Canvas2-Depth.exr"
    assert view["layers"][-2:] == ["normal", "beauty"]
    listed = tab.page.locator("#dazdepth_files").inner_text()
    assert all(p.stem in listed for p in paths), listed  # the box shows stem and suffix apart

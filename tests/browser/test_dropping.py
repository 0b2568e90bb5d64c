"""Canvases dropped on the empty canvases box load, on gradio 3 and 4; on gradio 4 they go
up through the tab's hidden upload button (javascript/dazdepth_upload.js), with nothing in
the console (the tab fixture fails on any console error or warning)."""

from __future__ import annotations

import base64

from browsing import Tab

DROP = """async ([names, payloads]) => {
    const transfer = new DataTransfer();
    names.forEach((name, i) => {
        const bytes = Uint8Array.from(atob(payloads[i]), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name));
    });
    const zone = document.querySelector('#dazdepth_files input[type=file]').parentElement;
    for (const type of ['dragenter', 'dragover', 'drop']) {
        const init = { bubbles: true, cancelable: true, dataTransfer: transfer };
        zone.dispatchEvent(new DragEvent(type, init));
    }
}"""


def test_canvases_dropped_on_the_empty_box_load(tab: Tab, sample_set) -> None:
    paths = [sample_set["depth"], sample_set["normal"], sample_set["beauty"]]
    payloads = [base64.b64encode(p.read_bytes()).decode("ascii") for p in paths]
    tab.page.evaluate(DROP, [[p.name for p in paths], payloads])
    view = tab.wait_view("v.loaded", 120000)
    assert view["image"]["name"] == "sample_scene-Canvas2-Depth.exr"
    assert view["layers"] == ["depth", "test", "regions", "normal", "beauty"]
    listed = tab.page.locator("#dazdepth_files").inner_text()
    assert all(p.stem in listed for p in paths), listed  # the box shows stem and suffix apart

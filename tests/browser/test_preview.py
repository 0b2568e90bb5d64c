"""The preview in a real browser: the page draws the server's greys itself while a boundary
is dragged, the map over or beside the render, zoom and pan."""

from __future__ import annotations

import base64
import io
import json
import shutil

import numpy as np
from browsing import Tab
from PIL import Image
from test_tab import loaded, mid_y, x_of

# Every curve the page maps: linear, inverse, rank (compression), a split without levels,
# a test colour, regions from flags.
CURVES = [
    {"op": "add", "depth": 181},
    {"op": "add", "depth": 226},
    {"op": "add", "depth": 400},
    {"op": "allocate", "split": 0, "levels": 40},
    {"op": "allocate", "split": 1, "levels": 150},
    {"op": "allocate", "split": 2, "levels": 0},
    {"op": "allocate", "split": 3, "levels": 60},
    {"op": "flag", "split": 1, "key": "curve", "value": "inverse"},
    {"op": "flag", "split": 3, "key": "curve", "value": "rank"},
    {"op": "flag", "split": 0, "key": "test", "value": "#e04040"},
    {"op": "flag", "split": 0, "key": "region", "value": "0"},
    {"op": "flag", "split": 3, "key": "region", "value": "2"},
]


def data_url_pixels(url: str) -> np.ndarray:
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as image:
        return np.asarray(image.convert("RGB"))


def page_drawing(tab: Tab) -> np.ndarray:
    url = tab.page.evaluate("() => window.dazdepthPreview.drawn()")
    assert url, f"the page does not draw the {tab.view()['show']} layer itself"
    return data_url_pixels(url)


def server_preview(tab: Tab) -> np.ndarray:
    return data_url_pixels(tab.view()["preview"]["src"])


def settled(tab: Tab) -> dict:
    return tab.wait_view("!window.dazdepth.busy() && !window.dazdepth.queued()")


def table_counts(tab: Tab) -> list[tuple[float, int]]:
    """Each table row's pixel share (%) and distinct greys, as shown."""
    rows = tab.page.eval_on_selector_all(
        "#dazdepth_mount .dd-table tbody tr",
        "rows => rows.map(r => [...r.cells].map(c => c.innerText))",
    )
    heads = tab.page.eval_on_selector_all(
        "#dazdepth_mount .dd-table thead th", "ths => ths.map(t => t.textContent.trim())"
    )
    share, greys = heads.index("Pixels"), heads.index("Greys")
    return [(float(r[share].rstrip("%")), int(r[greys])) for r in rows]


def assert_same_pixels(tab: Tab, what: str) -> None:
    page, server = page_drawing(tab), server_preview(tab)
    differ = np.count_nonzero((page != server).any(axis=2))
    assert differ == 0, f"{what}: {differ} of {page.shape[0] * page.shape[1]} pixels differ"


def test_the_page_draws_exactly_the_servers_greys_and_follows_a_drag(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send(CURVES)
    for layer in ("depth", "test", "regions"):
        tab.send([{"op": "show", "layer": layer}])
        assert tab.page.evaluate("() => window.dazdepthPreview.source()") == "page"
        assert_same_pixels(tab, layer)
    tab.send([{"op": "show", "layer": "depth"}, {"op": "flag", "split": 1, "key": "curve"}])
    tab.send([{"op": "compress", "value": True}])  # every split by rank but the inverse one
    assert_same_pixels(tab, "compression")
    tab.send([{"op": "compress", "value": False}])
    # a drag: the page redraws every frame; what it drew mid-drag is the server's map there
    tab.page.evaluate(
        """() => { window.drawnBounds = [];
            addEventListener('dazdepth-preview', (e) => window.drawnBounds.push(e.detail)); }"""
    )
    start = tab.page.evaluate("() => window.dazdepth.boundaryX(2)")
    tab.page.mouse.move(start, mid_y(tab))
    tab.page.mouse.down()
    target = x_of(tab, 300)
    for step in range(1, 6):
        tab.page.mouse.move(start + (target - start) * step / 10, mid_y(tab))
    tab.page.wait_for_timeout(300)  # the table follows within 0.1 s of the last move
    middle, counted = page_drawing(tab), table_counts(tab)
    drawn = tab.page.evaluate("() => window.drawnBounds.filter((d) => d.source === 'page')")
    assert len(drawn) >= 2, drawn  # the page drew while the mouse moved
    bounds = [float(b) for b in drawn[-1]["bounds"].split(",")]
    for step in range(6, 11):
        tab.page.mouse.move(start + (target - start) * step / 10, mid_y(tab))
    tab.page.mouse.up()
    view = tab.wait_view(
        "Math.abs(v.splits[2].start - 300) < 2 && !window.dazdepth.busy()"
        " && !window.dazdepth.queued()"
    )
    assert_same_pixels(tab, "after the drag")
    tab.send([{"op": "move", "boundary": 2, "depth": bounds[1]}])
    assert [s["start"] for s in tab.view()["splits"][1:]] == bounds
    differ = np.count_nonzero((middle != server_preview(tab)).any(axis=2))
    assert differ == 0, f"mid-drag: {differ} pixels differ from the server's map there"
    # the table's counts followed on the page too
    for (share, greys), row in zip(counted, tab.view()["splits"]):
        assert abs(share - row["share"]) <= 0.01 and greys == row["greys"], (counted, row)
    assert view["message"]["kind"] == "info"


def test_the_server_image_shows_where_the_page_cannot_draw(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "show", "layer": "normal"}])
    tab.wait_js("() => document.querySelector('#dazdepth_mount img.dd-img').naturalWidth", 30000)
    assert tab.page.evaluate("() => window.dazdepthPreview.source()") == "server"
    src = tab.page.eval_on_selector("#dazdepth_mount img.dd-img", "img => img.src")
    assert src == tab.view()["preview"]["src"]
    over = [
        {"op": "add", "depth": 226},  # the new split takes a share of the levels
        {"op": "allocate", "split": 0, "levels": 256},
        {"op": "allocate", "split": 1, "levels": 44},
    ]
    tab.send([{"op": "show", "layer": "depth"}, *over])
    assert tab.view()["status"].startswith("Failure to map")
    assert tab.page.evaluate("() => window.dazdepthPreview.source()") == "server"
    tab.send([{"op": "allocate", "split": 1, "levels": 0}])
    assert tab.page.evaluate("() => window.dazdepthPreview.source()") == "page"


def pane(tab: Tab, which: str = "map") -> dict:
    """The pane's box on screen (scrolled into view)."""
    locator = tab.page.locator(f"#dazdepth_mount .dd-pane-{which}")
    locator.scroll_into_view_if_needed()
    return locator.bounding_box()


def readout(tab: Tab) -> str:
    return tab.page.inner_text("#dazdepth_mount .dd-preview > .dd-read")


def test_the_map_over_the_render_with_a_blend_and_beside_it(tab, sample_set, tmp_path) -> None:
    loaded(tab, sample_set)
    beauty = tab.view()["beauty"]["src"] if "beauty" in tab.view() else None
    assert beauty and data_url_pixels(beauty).shape == (600, 600, 3)
    mode = "#dazdepth_mount select.dd-viewmode"
    assert tab.page.locator("#dazdepth_mount .dd-pane-render").is_hidden()
    tab.page.select_option(mode, "over")
    under = tab.page.locator("#dazdepth_mount img.dd-under")
    assert under.is_visible() and under.get_attribute("src") == beauty
    tab.page.locator("#dazdepth_mount input.dd-blend").fill("25")
    opacity = tab.page.eval_on_selector("#dazdepth_mount canvas.dd-map", "c => c.style.opacity")
    assert opacity == "0.25"
    # map | render: two panes of one size, the same pixel under the pointer in each
    tab.page.select_option(mode, "side")
    left, right = pane(tab, "map"), pane(tab, "render")
    assert right["width"] == left["width"] > 200 and right["x"] > left["x"] + left["width"]
    readings = []
    for box in (left, right):
        at = (box["x"] + box["width"] * 180.5 / 600, box["y"] + box["height"] * 360.5 / 600)
        tab.page.mouse.move(*at)
        readings.append(readout(tab))
    assert readings[0] == readings[1] and readings[0].startswith("x 180, y 360")
    tab.page.select_option(mode, "map")
    assert tab.page.locator("#dazdepth_mount .dd-pane-render").is_hidden()
    # a scene without a render: no render views, none of the old render left
    tab.page.select_option(mode, "over")
    alone = tmp_path / "alone-Canvas2-Depth.exr"
    shutil.copyfile(sample_set["depth"], alone)
    view = tab.upload(alone)
    assert view["loaded"] and view["image"]["name"] == alone.name and "beauty" not in view
    assert tab.page.is_disabled(mode) and tab.page.locator("img.dd-under").is_hidden()
    assert tab.page.get_attribute("#dazdepth_mount img.dd-under", "src") is None


def test_the_preview_grows_with_the_window_zooms_and_pans(browser, server_url, sample_set):
    for width, height in ((1920, 1080), (1280, 720)):
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = Tab(context.new_page(), server_url)
        loaded(tab, sample_set)
        tab.page.check("#dazdepth_mount input.dd-wand")  # for the click below
        mount = tab.page.locator("#dazdepth_mount").bounding_box()
        box = pane(tab)
        tallest = tab.page.eval_on_selector(
            "#dazdepth_mount .dd-panes", "e => parseFloat(getComputedStyle(e).maxHeight)"
        )
        # half the tab's width at least, unless the picture is as tall as it may be; on a
        # laptop the split table keeps the width it needs to show every column (about 60%)
        share = 0.5 if width >= 1600 else 0.38
        assert box["width"] >= mount["width"] * share - 8 or box["height"] >= tallest - 1, box
        if width == 1920:  # its column is half the tab; the picture fits the screen's height
            column = tab.page.locator("#dazdepth_mount .dd-preview").bounding_box()
            assert column["width"] >= mount["width"] / 2 - 8, (column, mount)
        # wheel over a point: it stays under the pointer, at a larger scale
        point = (box["x"] + box["width"] * 180.5 / 600, box["y"] + box["height"] * 240.5 / 600)
        tab.page.mouse.move(*point)
        before = readout(tab)
        tab.page.mouse.wheel(0, -600)
        tab.page.wait_for_function("() => window.dazdepthPreview.zoom().zoom > 2")
        tab.page.mouse.move(point[0] + 1, point[1])
        tab.page.mouse.move(*point)
        assert readout(tab).split(" · ")[0] == before.split(" · ")[0]
        # drag: the picture pans by as much
        zoom = tab.page.evaluate("() => window.dazdepthPreview.zoom()")
        tab.page.mouse.down()
        tab.page.mouse.move(point[0] + 60, point[1] + 40, steps=4)
        tab.page.mouse.up()
        panned = tab.page.evaluate("() => window.dazdepthPreview.zoom()")
        assert (panned["x"] - zoom["x"], panned["y"] - zoom["y"]) == (60, 40)
        # the readout and a wand click at this zoom name the full-size pixel under the pointer
        scale = box["width"] * panned["zoom"] / 600
        spot = [round(box["x"] + box["width"] * 0.7), round(box["y"] + box["height"] * 0.6)]
        for axis, origin in ((0, box["x"] + panned["x"]), (1, box["y"] + panned["y"])):
            if abs((spot[axis] - origin) / scale % 1 - 0.5) > 0.4:  # not on a pixel's edge
                spot[axis] += 0.5 * scale if scale > 1 else 0.5
        x = int((spot[0] - box["x"] - panned["x"]) // scale)
        y = int((spot[1] - box["y"] - panned["y"]) // scale)
        tab.page.mouse.move(*spot)
        assert readout(tab).startswith(f"x {x}, y {y} "), (readout(tab), x, y)
        seq = tab.page.evaluate("() => window.dazdepth.seq()")
        tab.page.mouse.click(*spot)
        tab.wait_view(f"v.seq > {seq} && !window.dazdepth.busy()")
        command = tab.page.input_value("#dazdepth_command textarea")
        (op,) = json.loads(command)["ops"]
        assert (op["op"], op["x"], op["y"]) == ("select_at", x, y)
        tab.page.click("#dazdepth_mount button.dd-fit")
        assert tab.page.evaluate("() => window.dazdepthPreview.zoom().zoom") == 1
        assert tab.errors == []
        context.close()

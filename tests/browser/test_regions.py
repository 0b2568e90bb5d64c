"""The regions panel in a real browser: the one mapping region -> colour -> BREAK section ->
label, the "As the Regional Prompter reads it" layer, warnings, Order regions' message,
and Regions from IDs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from browsing import SAMPLE_SIZE
from exrdata import write_depth
from PIL import Image
from test_tab import loaded

from lib_dazdepth.engine.sample import render_scene

MAP_ROWS = "#dazdepth_mount table.dd-region-map tbody tr"


def panel_rows(tab) -> list[list[str]]:
    """The mapping table as shown: region, colour, section, label (the input's value)."""
    return tab.page.eval_on_selector_all(
        MAP_ROWS,
        """rows => rows.map((tr) => [...tr.cells].slice(0, 4).map((td) => {
            const input = td.querySelector('input');
            return (input ? input.value : td.textContent).trim();
        }))""",
    )


def preview_pixel(tab, u: float, v: float) -> list[int]:
    """The preview's RGB at (u, v), fractions of its width and height."""
    return tab.page.evaluate(
        """([u, v]) => {
            const img = document.querySelector('#dazdepth_mount img.dd-img');
            const c = document.createElement('canvas');
            c.width = img.naturalWidth; c.height = img.naturalHeight;
            const ctx = c.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const x = Math.floor(u * c.width), y = Math.floor(v * c.height);
            const d = ctx.getImageData(x, y, 1, 1).data;
            return [d[0], d[1], d[2]];
        }""",
        [u, v],
    )


def test_the_mapping_and_the_reading_show_what_each_object_gets(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send(
        [
            {"op": "add", "depth": 226},
            {"op": "flag", "split": 0, "key": "label", "value": "figure"},
            {"op": "flag", "split": 0, "key": "region", "value": "3"},
            {"op": "flag", "split": 1, "key": "region", "value": "1"},
        ]
    )
    tab.page.locator(MAP_ROWS).nth(1).wait_for()
    assert panel_rows(tab) == [["1", "#804040", "1", ""], ["3", "#408080", "2", "figure"]]
    # the split table's swatch shows the mask's colour of region 3, not palette entry 3
    swatch = tab.page.eval_on_selector(
        "#dazdepth_mount .dd-table tbody tr:first-child .dd-swatch", "s => s.style.background"
    )
    assert swatch == "rgb(64, 128, 128)"
    label = tab.page.locator(f"{MAP_ROWS} input.dd-region-label").first
    label.fill("the room")
    label.press("Tab")
    view = tab.wait_view("v.regions.rows[0].label === 'the room' && !window.dazdepth.busy()")
    assert view["regions"]["template"] == "(base prompt)\nBREAK\nthe room\nBREAK\nfigure"
    # the prompt to paste, shown under the mapping
    shown = tab.page.locator("#dazdepth_mount textarea.dd-template")
    assert shown.input_value() == view["regions"]["template"]
    assert tab.page.locator("#dazdepth_mount button.dd-copy-prompt").is_visible()
    regions_src = tab.page.eval_on_selector("#dazdepth_mount img.dd-img", "img => img.src")
    tab.page.locator("#dazdepth_mount input[type=radio][value=reading]").check()
    view = tab.wait_view("v.show === 'reading' && !window.dazdepth.busy()")
    assert [s["words"] for s in view["reading"]] == ["(base prompt)", "the room", "figure"]
    key = tab.page.inner_text("#dazdepth_mount .dd-reading-key")
    assert "1: the room" in key and "2: figure" in key
    tab.page.wait_for_function(
        "(old) => document.querySelector('#dazdepth_mount img.dd-img').src !== old", arg=regions_src
    )
    # the figure's chest, tinted toward #408080; the no-hit strip at the top, untinted
    r, g, b = preview_pixel(tab, 0.5, 0.45)
    assert g > r + 20 and b > r + 20
    r, g, b = preview_pixel(tab, 0.5, 0.01)
    assert r == g == b


def test_warnings_show_and_order_regions_says_what_moved(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send(
        [
            {"op": "add", "depth": 226},
            {"op": "flag", "split": 0, "key": "region", "value": "5"},
            {"op": "flag", "split": 1, "key": "region", "value": "2"},
            {"op": "label_region", "region": 7, "value": "hat"},
        ]
    )
    warnings = tab.page.locator("#dazdepth_mount .dd-region-warnings")
    warnings.get_by_text("region 7 (hat) holds no pixel").wait_for()
    assert panel_rows(tab)[-1] == ["7", "none", "none: no pixel", "hat"]
    tab.page.click("#dazdepth_mount button.dd-order-regions")
    view = tab.wait_view("v.message.text.startsWith('Ordered regions')")
    assert (
        view["message"]["text"] == "Ordered regions near → far: 2 → 1, 5 (Default) → 0, 7 (hat) → 2"
    )
    assert "Ordered regions near → far" in tab.page.inner_text("#dazdepth_mount .dd-msg")
    assert [s["region"] for s in view["splits"]] == [0, 1]


def sample_id_canvas(folder: Path) -> Path:
    """An ID canvas of the sample scene: a flat colour per object (backstop, floor, figure,
    orb), black where nothing was hit."""
    ids = render_scene(SAMPLE_SIZE).object_id  # 0 no hit, 1 backstop, 2 floor, 3 figure, 4 orb
    colours = np.array([(0, 0, 0), (40, 80, 200), (200, 120, 30), (220, 60, 90), (250, 240, 60)])
    path = folder / "sample_scene-Canvas4-ObjectId.png"
    Image.fromarray(colours[ids].astype(np.uint8)).save(path)
    return path


def test_regions_from_ids_give_each_object_its_own_region(tab, sample_set, tmp_path) -> None:
    path = sample_id_canvas(tmp_path)
    view = tab.upload(sample_set["depth"], path)
    assert "4 objects in sample_scene-Canvas4-ObjectId.png" in view["message"]["text"]
    assert tab.page.locator("#dazdepth_role_ids input").input_value() == path.name
    button = tab.page.locator("#dazdepth_mount button.dd-regions-from-ids")
    assert button.is_visible()
    button.click()
    view = tab.wait_view("v.message.text.startsWith('Regions from IDs')")
    assert view["message"]["text"] == f"Regions from IDs: 4 objects of {path.name} → regions 0–3"
    assert [r["region"] for r in view["regions"]["rows"]] == [0, 1, 2, 3]
    assert len(panel_rows(tab)) == 4
    assert "(regions from IDs)" in tab.page.inner_text("#dazdepth_mount .dd-regions-head")


def test_wand_numbers_stay_as_typed(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 226}, {"op": "regions_from_splits"}])
    tab.page.check("#dazdepth_mount input.dd-wand")
    tab.page.fill("#dazdepth_mount input.dd-tolerance", "2")
    box = tab.page.locator("#dazdepth_mount .dd-pane-map").bounding_box()
    tab.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)  # the floor
    tab.wait_view("v.selected_pixels > 0 && !window.dazdepth.busy()")
    tab.page.fill("#dazdepth_mount input.dd-region-no", "7")
    tab.page.click("#dazdepth_mount button.dd-assign")
    view = tab.wait_view("v.region_edits && !window.dazdepth.busy()")
    assert [s["region"] for s in view["splits"]] == [0, 1]  # the table's numbers: as they were
    assert [r["region"] for r in view["regions"]["rows"]] == [0, 1, 7]  # 7, not closed up to 2
    assert [r[0] for r in panel_rows(tab)] == ["0", "1", "7"]
    colours = [r["colour"] for r in view["regions"]["rows"]]
    assert len(set(colours)) == 3


def test_regions_from_splits_leaves_a_sliver_without_a_region(tab, tmp_path) -> None:
    depth = np.full((100, 100), 500.0, dtype=np.float32)
    depth[:40] = 100.0
    depth[99, :5] = 300.0  # five pixels between: 0.05% of the image
    view = tab.upload(write_depth(tmp_path / "sliver-Canvas2-Depth.exr", depth))
    assert view["loaded"], view["message"]
    tab.send([{"op": "add", "depth": 200}, {"op": "add", "depth": 400}])
    tab.page.click("#dazdepth_mount button.dd-regions-from-splits")
    view = tab.wait_view("v.message.text.startsWith('Regions from splits')")
    assert [s["region"] for s in view["splits"]] == [0, -1, 1]
    assert "split 1 (5 px, 0.05%) is under 0.1% of the pixels: no region of its own" in (
        tab.page.inner_text("#dazdepth_mount .dd-msg")
    )

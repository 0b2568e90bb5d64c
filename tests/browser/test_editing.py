"""The preview's editing tools in a real browser: the region wand and depth overpaint."""

from __future__ import annotations

import colorsys
import json

import numpy as np
from browsing import SAMPLE_SIZE
from PIL import Image
from test_tab import command_line, loaded, png, saved_files, table_input

from lib_dazdepth.engine.exr import read_depth
from lib_dazdepth.engine.palette import region_colours
from lib_dazdepth.engine.sample import OBJECT_NAMES, render_scene


def test_region_wand_selects_by_click_and_assigns_a_region(tab, sample_set, tmp_path) -> None:
    view = loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 226}, {"op": "show", "layer": "regions"}])
    tab.page.check("#dazdepth_mount input.dd-wand")
    # on the regions layer the wand picks regions (test_region_wand.py): by grey here
    assert tab.page.input_value("#dazdepth_mount select.dd-wand-by") == "region"
    tab.page.select_option("#dazdepth_mount select.dd-wand-by", "depth")
    tab.page.fill("#dazdepth_mount input.dd-tolerance", "0")
    box = tab.page.locator("#dazdepth_mount .dd-pane-map").bounding_box()
    # the top left corner: the no-hit strip above the backstop selects nothing; the middle
    # of the bottom row is floor, nearest to the camera
    tab.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    view = tab.wait_view("v.selected_pixels > 0 && !window.dazdepth.busy()")
    first = view["selected_pixels"]
    tab.page.keyboard.down("Shift")
    tab.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 12)
    tab.page.keyboard.up("Shift")
    view = tab.wait_view(f"v.selected_pixels > {first} && !window.dazdepth.busy()")
    picked = view["selected_pixels"]
    tab.page.fill("#dazdepth_mount input.dd-region-no", "0")
    tab.page.click("#dazdepth_mount button.dd-assign")
    view = tab.wait_view("v.region_edits && !window.dazdepth.busy()")
    tab.page.click("#dazdepth_save")
    files = saved_files(tab)
    (mask,) = [n for n in files if n.endswith(".regions.png")]
    regions = png(files[mask]).reshape(-1, 3)
    first_colour = np.array([int(c) for c in region_colour_of(tab, 0)])
    assert (regions == first_colour).all(axis=1).sum() == picked


def region_colour_of(tab, region: int) -> list[int]:
    hex_colour = tab.page.evaluate("(r) => window.dazdepth.regionColour(r)", region)
    return [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]


def click_pixel(tab, x: int, y: int, size: tuple[int, int]) -> None:
    """Click the preview over full-size pixel (x, y) of a ``size`` (width, height) image."""
    box = tab.page.locator("#dazdepth_mount .dd-pane-map").bounding_box()
    width, height = size
    tab.page.mouse.click(
        box["x"] + (x + 0.5) * box["width"] / width, box["y"] + (y + 0.5) * box["height"] / height
    )


def test_overpaint_a_selection_with_a_picked_depth_undo_save_and_reload(
    tab, sample_set, tmp_path
) -> None:
    view = loaded(tab, sample_set)
    size = (view["image"]["width"], view["image"]["height"])
    depth = read_depth(sample_set["depth"]).values
    tab.page.check("#dazdepth_mount input.dd-wand")
    tab.page.fill("#dazdepth_mount input.dd-tolerance", "0")
    click_pixel(tab, size[0] // 2, size[1] - 1, size)  # the floor, nearest the camera
    view = tab.wait_view("v.selected_pixels > 0 && !window.dazdepth.busy()")
    picked = view["selected_pixels"]
    # the backstop beside the figure's head: the wall behind, as in the seed's mirror example
    wall = (size[0] // 8, size[1] // 3)
    tab.page.click("#dazdepth_mount button.dd-pick-depth")
    click_pixel(tab, *wall, size)
    view = tab.wait_view(f"v.painted_pixels === {picked} && !window.dazdepth.busy()")
    assert "overpainted" in tab.page.inner_text("#dazdepth_mount .dd-paintbar")
    tab.page.click("#dazdepth_mount .dd-foot button:text-is('Undo')")
    tab.wait_view("v.painted_pixels === 0 && !window.dazdepth.busy()")
    tab.page.click("#dazdepth_mount .dd-foot button:text-is('Redo')")
    tab.wait_view(f"v.painted_pixels === {picked} && !window.dazdepth.busy()")
    tab.page.click("#dazdepth_save")
    files = saved_files(tab)
    (preset,) = [n for n in files if n.endswith(".json")]
    stem = preset.removesuffix(".json")
    sidecar = f"{stem}.depth-edits.png"
    assert json.loads(files[preset])["depth_edits"] == sidecar
    for name in (preset, sidecar):
        (tmp_path / name).write_bytes(files[name])
    with Image.open(tmp_path / sidecar) as image:
        (painted_depth,) = json.loads(image.info["depths"])
        painted = np.asarray(image) == 1
    assert painted.sum() == picked
    near_wall = depth[wall[1] - 1 : wall[1] + 2, wall[0] - 1 : wall[0] + 2]
    assert np.float32(painted_depth) in near_wall
    saved_depth = png(files[f"{stem}.depth.png"])
    assert len(np.unique(saved_depth[painted])) == 1  # one depth, one grey
    assert (
        saved_depth[painted][0] in saved_depth[wall[1] - 1 : wall[1] + 2, wall[0] - 1 : wall[0] + 2]
    )
    cli = tmp_path / "cli"
    command_line(sample_set["depth"], "--preset", tmp_path / preset, "--out", cli)
    made = cli / "sample_scene-Canvas2-Depth.depth.png"
    np.testing.assert_array_equal(png(made.read_bytes()), saved_depth)
    tab.page.click("#dazdepth_mount button.dd-clear-depth-edits")
    tab.wait_view("v.painted_pixels === 0 && !window.dazdepth.busy()")
    box = tab.page.locator("#dazdepth_preset_file")
    box.locator("input[type=file]").set_input_files(
        [str(tmp_path / preset), str(tmp_path / sidecar)]
    )
    view = tab.wait_view(f"v.painted_pixels === {picked} && v.message.text.includes('depth edits')")


def accepted_regions(mask: np.ndarray) -> dict[tuple[int, ...], int]:
    """The Regional Prompter's reading of a mask (facts.md 4): colours whose S and V round
    into 0.49..0.51 are regions, matched by exact hue; any other such colour is an error."""
    palette = {colour: k for k, colour in enumerate(region_colours(64))}
    found = {}
    for colour in np.unique(mask.reshape(-1, 3), axis=0):
        _, s, v = colorsys.rgb_to_hsv(*(colour / 255))
        if 0.49 <= round(s, 2) <= 0.51 and 0.49 <= round(v, 2) <= 0.51:
            assert tuple(colour) in palette, f"{tuple(colour)} is no region colour"
            found[tuple(int(c) for c in colour)] = palette[tuple(colour)]
    return found


def test_regions_for_figure_orb_floor_and_backstop_with_clicks_alone(tab, sample_set) -> None:
    view = loaded(tab, sample_set)
    size = (view["image"]["width"], view["image"]["height"])
    tab.page.click("#dazdepth_mount button.dd-auto")
    tab.wait_view("v.splits.length > 1 && !window.dazdepth.busy()")
    tab.page.click("#dazdepth_mount button.dd-regions-from-splits")
    view = tab.wait_view("v.splits.some((s) => s.region >= 0) && !window.dazdepth.busy()")
    # the thin band between the orb and the figure holds only their rims: no region of its own
    rims = next(i for i, s in enumerate(view["splits"]) if s["label"] == "Surroundings")
    field = table_input(tab, rims, 5)
    field.fill("")
    field.press("Tab")
    tab.wait_view(f"v.splits[{rims}].region === -1 && !window.dazdepth.busy()")
    # the floor, one plane, in one click of the surface wand; it gets the far surroundings' region
    floor_region = view["splits"][-2]["region"]
    tab.page.check("#dazdepth_mount input.dd-wand")
    tab.page.select_option("#dazdepth_mount select.dd-wand-by", "surface")
    assert tab.page.input_value("#dazdepth_mount input.dd-tolerance") == "10"
    click_pixel(tab, size[0] // 2, size[1] - 1, size)
    tab.wait_view("v.selected_pixels > 0 && !window.dazdepth.busy()")
    tab.page.fill("#dazdepth_mount input.dd-region-no", str(floor_region))
    tab.page.click("#dazdepth_mount button.dd-assign")
    tab.wait_view("v.region_edits && !window.dazdepth.busy()")
    tab.page.click("#dazdepth_mount button.dd-order-regions")
    tab.wait_view("!window.dazdepth.busy()")
    tab.page.click("#dazdepth_save")
    files = saved_files(tab)
    (mask_name,) = [n for n in files if n.endswith(".regions.png")]
    mask = png(files[mask_name])
    regions = accepted_regions(mask)
    assert sorted(regions.values()) == list(range(len(regions)))  # numbered 0..n-1
    objects = render_scene(SAMPLE_SIZE).object_id
    majority = {}
    for object_id in (1, 2, 3, 4):
        colours, counts = np.unique(mask[objects == object_id], axis=0, return_counts=True)
        best = int(np.argmax(counts))
        name = OBJECT_NAMES[object_id]
        assert counts[best] >= 0.9 * counts.sum(), f"the {name} is split over regions"
        majority[name] = regions[tuple(int(c) for c in colours[best])]
    assert len(set(majority.values())) == 4, majority  # four separate regions
    assert majority["orb"] < majority["figure"] < majority["backstop"]  # near to far


def test_the_selection_shows_on_white_takes_the_orbs_rim_and_ends_with_the_action(
    tab, sample_set
) -> None:
    from test_preview import data_url_pixels, page_drawing, server_preview
    from test_rim import near

    view = loaded(tab, sample_set)
    size = (view["image"]["width"], view["image"]["height"])
    objects = render_scene(SAMPLE_SIZE).object_id
    orb, figure = objects == 4, objects == 3
    ys, xs = np.nonzero(orb)
    x, y = int(xs.mean()), int(ys.mean())
    # the defaults take the sample's orb with its anti-aliased rim (tests/test_rim.py)
    assert tab.page.input_value("#dazdepth_mount input.dd-tolerance") == "3"
    assert tab.page.is_checked("#dazdepth_mount input.dd-rim")
    tab.page.check("#dazdepth_mount input.dd-wand")
    click_pixel(tab, x, y, size)
    view = tab.wait_view("v.selection && !window.dazdepth.busy()")
    selected = data_url_pixels(view["selection"]["src"])[..., 0] > 127  # preview = full size
    assert (selected | ~(orb & ~near(figure, 2))).all()
    assert not (selected & ~near(orb, 2)).any()
    # seen on the nearest, white pixels: a magenta tint, an opaque outline
    assert page_drawing(tab)[y, x].tolist() == [255, 255, 255]
    tab.wait_js("() => window.dazdepthPreview.overlay()", 10000)
    overlay = overlay_pixels(tab)
    tint = overlay[y, x].astype(int)
    over_white = 255 * (255 - tint[3]) / 255 + tint[:3] * tint[3] / 255
    assert tint[3] >= 100 and 255 - over_white[1] >= 40, tint  # green drops: plainly pink
    np.testing.assert_array_equal(overlay[..., 3] > 0, selected)
    padded = np.pad(selected, 1)
    inside = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    assert (overlay[selected & ~inside][:, 3] == 255).all()  # the outline, opaque
    # assigned: the selection ends; painted: it ends too, and the map shows no tint
    tab.page.click("#dazdepth_mount button.dd-assign")
    tab.wait_view("v.region_edits && v.selection === null && !window.dazdepth.busy()")
    assert tab.page.evaluate("() => window.dazdepthPreview.overlay()") is None
    click_pixel(tab, x, y, size)
    tab.wait_view("v.selection && !window.dazdepth.busy()")
    tab.page.click("#dazdepth_mount button.dd-paint-far")
    tab.wait_view("v.painted_pixels > 0 && v.selection === null && !window.dazdepth.busy()")
    assert tab.page.evaluate("() => window.dazdepthPreview.overlay()") is None
    np.testing.assert_array_equal(page_drawing(tab), server_preview(tab))


def overlay_pixels(tab) -> np.ndarray:
    import base64
    import io

    url = tab.page.evaluate("() => window.dazdepthPreview.overlay()")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as image:
        return np.asarray(image.convert("RGBA"))

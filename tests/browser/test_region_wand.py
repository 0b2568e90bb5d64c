"""The wand picks what the artist sees (a real browser): on the regions layer, or on any
view but the depth map when the regions come from IDs, a click selects the clicked region
whole; on the depth map, the pixels of its grey. The list under the preview follows the
view and says which."""

from __future__ import annotations

from test_regions import sample_id_canvas

TORSO = (0.5, 0.42)  # the figure's chest, as fractions of the preview


def wand_by(tab) -> str:
    return tab.page.input_value("#dazdepth_mount select.dd-wand-by")


def show(tab, layer: str) -> None:
    tab.page.check(f"#dazdepth_mount input[name=dazdepth_layer][value={layer}]")
    tab.wait_view(f"v.show === '{layer}' && !window.dazdepth.busy()")


def click_torso(tab, mode_key: str | None = None) -> dict:
    before = tab.view()["seq"]
    box = tab.page.locator("#dazdepth_mount .dd-pane-map").bounding_box()
    at = (box["x"] + box["width"] * TORSO[0], box["y"] + box["height"] * TORSO[1])
    if mode_key:
        tab.page.keyboard.down(mode_key)
    tab.page.mouse.click(*at)
    if mode_key:
        tab.page.keyboard.up(mode_key)
    return tab.wait_view(f"v.seq > {before} && !window.dazdepth.busy()")


def test_the_wand_takes_the_clicked_object_where_regions_are_seen(tab, sample_set, tmp_path):
    path = sample_id_canvas(tmp_path)
    view = tab.upload(sample_set["depth"], path)
    assert view["loaded"], view["message"]
    tab.page.check("#dazdepth_mount input.dd-wand")
    assert wand_by(tab) == "depth"
    # The splits' regions, shown: the one split's region is everything.
    tab.send([{"op": "add", "depth": 226}, {"op": "regions_from_splits"}])
    show(tab, "regions")
    assert wand_by(tab) == "region"
    view = click_torso(tab)
    near = view["regions"]["rows"][0]  # split 0: the figure and the orb, one region
    assert view["selected_pixels"] == near["pixels"]
    # From IDs: the figure alone (region 1: orb 0, figure 1, floor 2, backstop 3).
    tab.page.click("#dazdepth_mount button.dd-regions-from-ids")
    view = tab.wait_view("v.message.text.startsWith('Regions from IDs') && !window.dazdepth.busy()")
    figure = view["regions"]["rows"][1]
    view = click_torso(tab)
    assert view["selected_pixels"] == figure["pixels"]
    tab.screenshot("region-wand.png")
    # The depth map: the pixels of the clicked grey again.
    show(tab, "depth")
    assert wand_by(tab) == "depth"
    view = click_torso(tab)
    assert 0 < view["selected_pixels"] < figure["pixels"]  # a band of the chest's grey
    show(tab, "test")  # with regions from IDs, every other view picks objects
    assert wand_by(tab) == "region"
    tab.page.select_option("#dazdepth_mount select.dd-wand-by", "depth")  # the artist's say
    view = click_torso(tab)
    assert view["selected_pixels"] != figure["pixels"]
    assert wand_by(tab) == "depth"

"""The tab as an artist meets it: dropping files, the first screen, the dark theme, the keys."""

from __future__ import annotations

import shutil

import pytest
from browsing import Tab
from contrast import LOW_CONTRAST_JS
from test_tab import loaded, mid_y, preview_src, saved_files, x_of

SIZES = {"laptop": (1280, 720), "desktop": (1920, 1080)}


def open_tab(browser, server_url: str, size: str = "laptop", theme: str = "light") -> Tab:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    url = server_url + ("?__theme=dark" if theme == "dark" else "")
    return Tab(context.new_page(), url)


def role_names(tab: Tab) -> list[str]:
    return [
        tab.page.locator(f"#dazdepth_role_{role} input").first.input_value()
        for role in ("depth", "normal", "beauty")
    ]


def test_the_empty_tab_shows_the_first_map_in_three_steps(tab) -> None:
    steps = tab.page.locator("#dazdepth_mount .dd-steps li")
    assert steps.count() == 3
    assert steps.nth(0).inner_text().startswith("Drop your canvases anywhere on this tab")
    assert tab.page.locator("#dazdepth_mount .dd-filebar").is_hidden()


def test_a_drop_on_the_listed_files_replaces_the_scene_and_says_what_it_found(
    tab, sample_set, tmp_path
) -> None:
    loaded(tab, sample_set)
    tab.page.click("#dazdepth_mount .dd-files-toggle")  # the file boxes, listing the scene
    assert tab.page.locator("#dazdepth_files").is_visible()
    other = tmp_path / "other"
    other.mkdir()
    for role in ("depth", "normal"):
        shutil.copy(sample_set[role], other / sample_set[role].name.replace("sample", "second"))
    notes = other / "notes.txt"
    notes.write_text("not a canvas")
    view = tab.upload(*sorted(other.iterdir()), target="#dazdepth_files")
    assert view["image"]["name"] == "second_scene-Canvas2-Depth.exr"
    assert view["message"] == {
        "kind": "info",
        "text": "Loaded depth: second_scene-Canvas2-Depth.exr,"
        " normal: second_scene-Canvas3-Normal.exr; not used: notes.txt;"
        " read depth from Y (float), planar depth, normals from R,G,B",
    }
    assert role_names(tab) == [
        "second_scene-Canvas2-Depth.exr",
        "second_scene-Canvas3-Normal.exr",
        "(none)",
    ]


def test_a_whole_canvases_folder_with_the_render_beside_it_can_be_chosen(
    tab, sample_set, tmp_path
) -> None:
    render = tmp_path / "render"
    canvases = render / "scene_canvases"
    canvases.mkdir(parents=True)
    for role in ("depth", "normal", "beauty_exr"):
        shutil.copy(sample_set[role], canvases / sample_set[role].name)
    shutil.copy(sample_set["beauty"], render / sample_set["beauty"].name)
    tab.page.locator("#dazdepth_mount input[webkitdirectory]").set_input_files(render)
    view = tab.wait_view("v.loaded", 120000)
    text = view["message"]["text"]
    assert text.startswith("Loaded depth: sample_scene-Canvas2-Depth.exr,")
    assert "normal: sample_scene-Canvas3-Normal.exr" in text
    assert view["canvases"]["normal"] == "sample_scene-Canvas3-Normal.exr"


def test_a_drop_of_no_canvas_keeps_the_scene_and_its_roles(tab, sample_set, tmp_path) -> None:
    loaded(tab, sample_set)
    roles = role_names(tab)
    stray = tmp_path / "holiday.txt"
    stray.write_text("hello")
    view = tab.upload(stray)
    assert (
        view["message"]["kind"] == "error"
        and "Nothing to load among holiday.txt" in (view["message"]["text"])
    )
    assert view["loaded"] and view["image"]["name"] == sample_set["depth"].name
    assert role_names(tab) == roles


def status_after(tab, click: str, before: str) -> str:
    tab.page.click(click)
    tab.page.wait_for_function(
        "(before) => { const t = document.querySelector('#dazdepth_status').innerText;"
        " return /^(Saved|Nothing|Not)/.test(t.trim()) && t !== before; }",
        arg=before,
    )
    return tab.page.inner_text("#dazdepth_status")


def test_the_preset_and_the_maps_saved_after_it_share_one_name(tab, sample_set, tmp_path):
    """Save preset, then Save maps with no change between: one name for both, the status
    says what went where, both stay in the download list; saved again: nothing new."""
    loaded(tab, sample_set)
    tab.send([{"op": "flag", "split": 0, "key": "label", "value": tmp_path.name}])  # this work
    text = status_after(tab, "#dazdepth_save_preset", "")
    (preset,) = saved_files(tab)
    stem = preset.removesuffix(".json")
    assert text.startswith("Saved the preset to ") and text.endswith(f": {preset}")
    text = status_after(tab, "#dazdepth_save", text)
    maps = [f"{stem}.{kind}.png" for kind in ("mask", "depth", "normal")]
    assert text.endswith(f": {', '.join(maps)}; beside {preset}, saved before from this work")
    both = saved_files(tab)
    assert set(both) == {preset, *maps}
    text = status_after(tab, "#dazdepth_save_preset", text)
    assert text.startswith(f"Nothing new to save: {preset} in ")
    assert set(saved_files(tab)) == set(both)
    tab.screenshot("saved-under-one-name.png")


def test_ctrl_z_undoes_in_the_tab_but_not_while_typing(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 300}])
    tab.page.locator("#dazdepth_mount .dd-canvas").focus()
    tab.page.keyboard.press("Control+z")
    tab.wait_view("v.splits.length === 1 && !window.dazdepth.busy()")
    tab.page.keyboard.press("Control+Shift+z")
    tab.wait_view("v.splits.length === 2 && !window.dazdepth.busy()")
    label = tab.page.locator("#dazdepth_mount .dd-table tbody tr input[type=text]").first
    label.focus()
    label.press("x")
    label.press("Control+z")  # the field's own undo; the splits stay
    tab.page.wait_for_timeout(500)
    assert tab.view()["splits"].__len__() == 2 and tab.view()["can_undo"]


def test_the_histogram_readout_follows_auto_splits(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 300}])
    tab.page.locator("#dazdepth_mount .dd-canvas").focus()
    tab.page.keyboard.press("ArrowRight")
    read = tab.page.locator("#dazdepth_mount .dd-hist .dd-read")
    tab.page.wait_for_function("() => !window.dazdepth.busy() && !window.dazdepth.queued()")
    assert read.inner_text().startswith("boundary 1:")
    tab.page.click("#dazdepth_mount button.dd-auto")
    view = tab.wait_view("v.splits.length > 2 && !window.dazdepth.busy()")
    assert read.inner_text() == f"boundary 1: {view['splits'][1]['start']:.2f}"  # not the old one


def test_every_column_and_button_says_what_it_does(tab, sample_set) -> None:
    loaded(tab, sample_set)
    untitled = tab.page.eval_on_selector_all(
        "#dazdepth_mount th, #dazdepth_mount button",
        "els => els.filter(e => e.offsetParent && !e.title).map(e => e.outerHTML.slice(0, 80))",
    )
    assert untitled == []
    words = tab.page.inner_text("#dazdepth_mount") + tab.page.inner_text("#dazdepth_inputs")
    for jargon in ("no hit", "÷ parts", "Far end of split", "Greys:", "rank"):
        assert jargon not in words


@pytest.mark.parametrize("size", SIZES)
def test_loaded_the_work_area_leads_the_first_screen(browser, server_url, sample_set, size):
    tab = open_tab(browser, server_url, size)
    loaded(tab, sample_set)
    tab.page.wait_for_timeout(300)
    page, (width, height) = tab.page, SIZES[size]
    tab.screenshot(f"first-screen-{size}.png")
    assert page.locator("#dazdepth_inputs").is_hidden()  # folded into the file bar
    assert page.locator("#dazdepth_mount .dd-filebar").is_visible()
    for part in ("#dazdepth_mount .dd-canvas", "#dazdepth_mount .dd-pane-map"):
        box = page.locator(part).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (part, box)
    preview = page.locator("#dazdepth_mount .dd-preview").bounding_box()
    mount = page.locator("#dazdepth_mount").bounding_box()
    if width >= 1600:
        assert preview["width"] >= mount["width"] / 2 - 20
    clipped = page.eval_on_selector(
        "#dazdepth_mount .dd-tablewrap",
        """wrap => [wrap.scrollWidth > wrap.clientWidth + 1,
                   ...[...wrap.querySelectorAll('th, td, button')]
                     .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)]""",
    )
    assert clipped == [False], clipped
    # The lines that say how to work are whole and on screen, beside the file names and the
    # background count that give way to them.
    for hint in ("#dazdepth_mount .dd-drop-hint", "#dazdepth_mount .dd-hist .dd-read"):
        box, cut = page.eval_on_selector(hint, CUT_JS)
        assert not cut and box["x"] >= 0 and box["x"] + box["width"] <= width, (hint, box)
    assert page.inner_text("#dazdepth_mount .dd-drop-hint").startswith("drop a new scene")
    assert wide_table_fits(tab)
    tab.page.context.close()


# An element's box, and whether its text is cut short (an ellipsis, or hidden overflow).
# The text's own width against the box's, unrounded: scrollWidth rounds a cut of a fraction
# of a pixel away, and the ellipsis shows all the same.
CUT_JS = """e => { const r = e.getBoundingClientRect(), text = document.createRange();
  text.selectNodeContents(e);
  return [{ x: r.x, width: r.width }, text.getBoundingClientRect().width > r.width + 0.01]; }"""


def wide_table_fits(tab: Tab) -> bool:
    """With seven splits the table still fits its column, merge buttons in view."""
    tab.send([{"op": "auto"}])
    right = tab.page.locator("#dazdepth_mount .dd-tablewrap").bounding_box()
    merge = tab.page.locator("#dazdepth_mount .dd-table tbody tr button", has_text="Merge").first
    box = merge.bounding_box()
    return box["x"] + box["width"] <= right["x"] + right["width"] + 1


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_in_the_tab_is_readable(browser, server_url, sample_set, theme) -> None:
    tab = open_tab(browser, server_url, "laptop", theme)
    assert tab.page.evaluate(LOW_CONTRAST_JS, 4.5) == []  # the empty tab
    loaded(tab, sample_set)
    tab.page.click("#dazdepth_mount .dd-files-toggle")
    tab.screenshot(f"contrast-{theme}.png")
    assert tab.page.evaluate(LOW_CONTRAST_JS, 4.5) == []
    assert preview_src(tab)
    tab.page.context.close()


def test_a_new_split_takes_its_share_of_levels_and_the_far_side_stays_lit(tab, sample_set):
    loaded(tab, sample_set)
    tab.page.mouse.dblclick(x_of(tab, 226), mid_y(tab))
    view = tab.wait_view("v.splits.length === 2 && !window.dazdepth.busy()")
    near, far = view["splits"]
    assert near["levels"] + far["levels"] == 256 and far["levels"] > 0
    assert abs(far["levels"] / 256 - far["share"] / 100) < 0.01  # by pixel share
    assert not tab.page.locator("#dazdepth_mount .dd-msg.dd-error").count()
    tab.page.wait_for_timeout(200)
    grey = tab.page.evaluate(  # the floor far back in the preview is not black
        """() => { const img = document.querySelector('#dazdepth_mount img');
            const c = document.createElement('canvas'); c.width = img.naturalWidth;
            c.height = img.naturalHeight; const g = c.getContext('2d'); g.drawImage(img, 0, 0);
            return g.getImageData(c.width >> 1, Math.round(c.height * 0.75), 1, 1).data[0]; }"""
    )
    assert grey > 0


def test_a_preset_dropped_without_its_edits_loads_its_splits_and_warns(
    tab, sample_set, tmp_path
) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 300}, {"op": "regions_from_splits"}])
    tab.send([{"op": "divide", "split": 0}])
    tab.page.click("#dazdepth_save_preset")
    files = saved_files(tab)
    (name,) = [n for n in files if n.endswith(".json")]
    (tmp_path / name).write_bytes(files[name])  # without its .edits.png
    tab.send([{"op": "remove", "split": 1}])
    view = tab.upload(tmp_path / name)
    assert (
        view["message"]["kind"] == "warning" and "edits were not found" in (view["message"]["text"])
    )
    assert len(view["splits"]) == 2 and not view["region_edits"]
    assert tab.page.locator("#dazdepth_mount .dd-msg.dd-warning").is_visible()


def test_the_histogram_says_how_to_add_a_split_and_stays_put_under_the_pointer(
    tab, sample_set
) -> None:
    loaded(tab, sample_set)
    tab.page.set_viewport_size({"width": 1280, "height": 720})
    read = tab.page.locator("#dazdepth_mount .dd-hist .dd-read")
    assert read.inner_text() == "double-click: add a boundary · drag one: move it"
    canvas = tab.page.locator("#dazdepth_mount .dd-hist canvas.dd-canvas")
    before = canvas.bounding_box()
    tab.page.mouse.move(before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)
    tab.page.wait_for_function(
        "() => document.querySelector('#dazdepth_mount .dd-hist .dd-read').textContent"
        ".startsWith('depth')"
    )
    assert canvas.bounding_box()["y"] == before["y"]  # the readout took no new line

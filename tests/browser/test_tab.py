"""The Daz Depth tab in a real browser, on this interpreter's gradio (3.41 or 4.40)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from browsing import ROOT, Tab
from PIL import Image

THREE_SPLITS = [
    {"op": "add", "depth": 226},
    {"op": "add", "depth": 560},
    {"op": "allocate", "split": 0, "levels": 200},
    {"op": "allocate", "split": 1, "levels": 40},
    {"op": "allocate", "split": 2, "levels": 16},
]


def loaded(tab: Tab, sample_set: dict[str, Path]) -> dict:
    view = tab.upload(sample_set["depth"], sample_set["normal"], sample_set["beauty"])
    assert view["loaded"], view["message"]
    return view


def x_of(tab: Tab, depth: float) -> float:
    """The client x where the histogram shows ``depth`` (inverting the widget's mapping)."""
    return tab.page.evaluate(
        """(depth) => {
            const rect = window.dazdepth.histogramRect();
            let lo = rect.left, hi = rect.right;
            for (let i = 0; i < 60; i++) {
                const mid = (lo + hi) / 2;
                if (window.dazdepth.depthAtX(mid) < depth) lo = mid; else hi = mid;
            }
            return (lo + hi) / 2;
        }""",
        depth,
    )


def mid_y(tab: Tab) -> float:
    rect = tab.page.evaluate("() => window.dazdepth.histogramRect()")
    return rect["top"] + rect["height"] / 2


def preview_src(tab: Tab) -> str:
    """The server's preview PNG in the last view."""
    return tab.view()["preview"]["src"]


def shown_preview(tab: Tab) -> str:
    """What the preview pane shows: the page's own drawing, or the server's image."""
    return tab.page.evaluate(
        "() => window.dazdepthPreview.drawn()"
        " || document.querySelector('#dazdepth_mount img.dd-img').src"
    )


def saved_files(tab: Tab) -> dict[str, bytes]:
    """Download every file linked in the saved-files box, as a remote user would."""
    tab.page.wait_for_selector("#dazdepth_downloads a[href]", timeout=30000)
    links = tab.page.eval_on_selector_all(
        "#dazdepth_downloads a[href]", "els => els.map(e => [e.getAttribute('download'), e.href])"
    )
    return {name: tab.page.request.get(href).body() for name, href in links}


def command_line(*args) -> None:
    """``python -m lib_dazdepth ARGS``: the maps the command line makes, to compare."""
    command = [sys.executable, "-m", "lib_dazdepth", *map(str, args)]
    subprocess.run(command, check=True, capture_output=True, env={"PYTHONPATH": str(ROOT)})


def png(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image)


def test_upload_recognises_the_canvases_and_shows_the_depth_map(tab, sample_set) -> None:
    view = loaded(tab, sample_set)
    assert view["image"]["name"] == "sample_scene-Canvas2-Depth.exr"
    assert view["layers"] == ["depth", "test", "regions", "reading", "normal", "beauty"]
    assert [s["levels"] for s in view["splits"]] == [256]
    for role, name in [
        ("depth", "sample_scene-Canvas2-Depth.exr"),
        ("normal", "sample_scene-Canvas3-Normal.exr"),
        ("beauty", "sample_scene.png"),
    ]:
        assert tab.page.locator(f"#dazdepth_role_{role} input").input_value() == name
    assert preview_src(tab).startswith("data:image/png;base64,")
    assert tab.page.locator("#dazdepth_mount canvas").count() >= 1


def test_double_click_adds_a_boundary_and_dragging_it_changes_the_map(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.page.mouse.dblclick(x_of(tab, 226), mid_y(tab))
    view = tab.wait_view("v.splits.length === 2")
    assert abs(view["splits"][1]["start"] - 226) < 2  # within a couple of bins
    before = shown_preview(tab)
    start = tab.page.evaluate("() => window.dazdepth.boundaryX(1)")
    tab.page.mouse.move(start, mid_y(tab))
    tab.page.mouse.down()
    target = x_of(tab, 300)
    for step in range(1, 11):
        tab.page.mouse.move(start + (target - start) * step / 10, mid_y(tab))
    tab.page.mouse.up()
    view = tab.wait_view("Math.abs(v.splits[1].start - 300) < 2 && !window.dazdepth.busy()")
    assert view["message"]["kind"] == "info"
    assert shown_preview(tab) != before


def test_keyboard_nudges_the_selected_boundary(tab, sample_set) -> None:
    loaded(tab, sample_set)
    view = tab.send([{"op": "add", "depth": 300}])
    width = (view["histogram"]["hi"] - view["histogram"]["lo"]) / len(view["histogram"]["counts"])
    handle = tab.page.evaluate("() => window.dazdepth.boundaryX(1)")
    tab.page.mouse.click(handle, mid_y(tab))
    # One bin per press, ten with Shift (the widget rounds to a readable depth).
    tab.page.keyboard.press("ArrowRight")
    view = tab.wait_view(f"Math.abs(v.splits[1].start - {300 + width}) < {width / 2}")
    tab.page.keyboard.press("Shift+ArrowLeft")
    view = tab.wait_view(f"Math.abs(v.splits[1].start - {300 - 9 * width}) < {width}")


def table_input(tab: Tab, row: int, column: int):
    return (
        tab.page.locator("#dazdepth_mount .dd-table tbody tr")
        .nth(row)
        .locator("td")
        .nth(column)
        .locator("input, select")
        .first
    )


def test_table_edits_allocate_levels_label_and_flags(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 226}, {"op": "add", "depth": 560}])
    headers = tab.page.eval_on_selector_all(
        "#dazdepth_mount .dd-table thead th", "ths => ths.map(t => t.textContent.trim())"
    )
    levels, label = headers.index("Levels"), headers.index("Label")
    for row, value in ((0, "200"), (1, "40"), (2, "16")):
        field = table_input(tab, row, levels)
        field.fill(value)
        field.press("Tab")
    view = tab.wait_view("v.splits.map((s) => s.levels).join() === '200,40,16'")
    assert view["total_levels"] == 256
    assert view["splits"][0]["greys"] >= 190
    field = table_input(tab, 0, label)
    field.fill("figure")
    field.press("Tab")
    view = tab.wait_view("v.splits[0].label === 'figure'")
    assert "256 / 256" in tab.page.inner_text("#dazdepth_mount")


def test_over_256_levels_shows_the_reference_failure(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 226}])
    before = preview_src(tab)
    over = [
        {"op": "allocate", "split": 0, "levels": 256},
        {"op": "allocate", "split": 1, "levels": 44},
    ]
    view = tab.send(over)
    assert view["status"] == "Failure to map: 300 levels allocated."
    text = tab.page.inner_text("#dazdepth_mount")
    assert "Failure to map: 300 levels allocated." in text
    assert "take 44 off some split" in text  # what to fix, said plainly
    # the shares stay shown, and the preview keeps the last map that fit under a banner
    shares = tab.page.eval_on_selector_all(
        "#dazdepth_mount .dd-table tbody tr", "rows => rows.map(r => r.cells[7].textContent)"
    )
    assert all(s.endswith("%") and "–" not in s for s in shares)
    assert preview_src(tab) == before
    banner = tab.page.eval_on_selector(
        "#dazdepth_mount .dd-panes", "e => getComputedStyle(e, '::after').content"
    )
    assert "Last map that fit" in banner
    tab.page.get_by_text("Undo").click()
    tab.wait_view("v.status === 'Success'")


def test_layers_toggle_and_the_preview_reads_out_depth(tab, sample_set) -> None:
    loaded(tab, sample_set)
    depth_src = preview_src(tab)
    tab.page.locator("#dazdepth_mount input[type=radio][value=normal]").check()
    view = tab.wait_view("v.show === 'normal'")
    assert preview_src(tab) != depth_src and view["preview"]["width"] == 600
    tab.page.locator("#dazdepth_mount input[type=radio][value=depth]").check()
    tab.wait_view("v.show === 'depth'")
    box = tab.page.locator("#dazdepth_mount .dd-pane-map").bounding_box()
    tab.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.45)
    readout = tab.page.inner_text("#dazdepth_mount")
    assert "grey" in readout.lower() and "depth" in readout.lower()


def test_save_and_reload_a_preset(tab, sample_set, tmp_path) -> None:
    loaded(tab, sample_set)
    tab.send(
        [
            {"op": "add", "depth": 226},
            {"op": "allocate", "split": 0, "levels": 200},
            {"op": "allocate", "split": 1, "levels": 56},
            {"op": "flag", "split": 0, "key": "label", "value": "figure"},
        ]
    )
    edited = tab.view()["splits"]
    tab.page.click("#dazdepth_save_preset")
    files = saved_files(tab)
    (name,) = files
    assert name.endswith(".json")
    document = json.loads(files[name])
    assert [s["levels"] for s in document["splits"]] == [200, 56]
    tab.send([{"op": "remove", "split": 1}])
    preset = tmp_path / name
    preset.write_bytes(files[name])
    tab.page.locator("#dazdepth_preset_file input[type=file]").set_input_files(str(preset))
    view = tab.wait_view("v.splits.length === 2")
    assert view["splits"] == edited


def test_saved_maps_equal_the_command_lines_pixel_for_pixel(tab, sample_set, tmp_path) -> None:
    loaded(tab, sample_set)
    tab.send(
        [
            *THREE_SPLITS,
            {"op": "flag", "split": 0, "key": "region", "value": "0"},
            {"op": "flag", "split": 2, "key": "region", "value": "1"},
            {"op": "flag", "split": 1, "key": "test", "value": "#00ff00"},
        ]
    )
    tab.page.click("#dazdepth_save")
    files = saved_files(tab)
    stem = "sample_scene-Canvas2-Depth"
    preset = tmp_path / "preset.json"
    preset.write_bytes(next(data for name, data in files.items() if name.endswith(".json")))
    cli = tmp_path / "cli"
    command_line(sample_set["depth"], "--preset", preset, "--regions", "--mask", "--out", cli)
    for kind in ("depth", "regions", "mask"):
        (name,) = [n for n in files if n.endswith(f".{kind}.png")]
        np.testing.assert_array_equal(
            png(files[name]), png((cli / f"{stem}.{kind}.png").read_bytes())
        )
    (test_name,) = [n for n in files if n.endswith(".test.png")]
    test = png(files[test_name])
    assert (test.reshape(-1, 3) == (0, 255, 0)).all(axis=1).any()
    assert any(n.endswith(".normal.png") for n in files)
    tab.screenshot("tab-saved.png")


def test_a_bad_upload_is_reported_and_the_work_is_kept(tab, sample_set, tmp_path) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 226}])
    bad = tmp_path / "broken-Canvas2-Depth.exr"
    bad.write_text("not an exr at all")
    view = tab.upload(bad)
    assert view["message"]["kind"] == "error"
    assert "not an OpenEXR file; kept the previous work" in view["message"]["text"]
    assert len(view["splits"]) == 2 and view["image"]["name"] == "sample_scene-Canvas2-Depth.exr"
    assert "not an OpenEXR file" in tab.page.inner_text("#dazdepth_mount")


def test_two_browsers_do_not_see_each_others_work(browser, server_url, sample_set) -> None:
    pages = [browser.new_context().new_page() for _ in range(2)]
    first, second = (Tab(page, server_url) for page in pages)
    loaded(first, sample_set)
    loaded(second, sample_set)
    first.send([{"op": "add", "depth": 226}, {"op": "add", "depth": 400}])
    second.send([{"op": "allocate", "split": 0, "levels": 100}])
    assert len(first.view()["splits"]) == 3 and first.view()["total_levels"] == 256
    assert len(second.view()["splits"]) == 1 and second.view()["total_levels"] == 100
    for page in pages:
        page.context.close()


@pytest.mark.skipif(
    bool(__import__("os").environ.get("DAZDEPTH_URL")),
    reason="the README screenshot is taken on the standalone launcher",
)
def test_readme_screenshot(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.send(
        [
            *THREE_SPLITS,
            {"op": "flag", "split": 0, "key": "label", "value": "figure"},
            {"op": "flag", "split": 1, "key": "label", "value": "floor"},
            {"op": "flag", "split": 2, "key": "label", "value": "backstop"},
            {"op": "flag", "split": 0, "key": "test", "value": "#e04040"},
            {"op": "flag", "split": 2, "key": "test", "value": "#4060e0"},
            {"op": "select", "split": 0},
        ]
    )
    path = tab.screenshot("tab.png")
    assert path.stat().st_size > 10000


@pytest.mark.skipif(
    bool(__import__("os").environ.get("DAZDEPTH_URL")),
    reason="the frames must be on the server's disk",
)
def test_batch_section_maps_every_frame_with_the_current_splits(tab, sample_set, tmp_path):
    from test_batch import write_sequence

    loaded(tab, sample_set)
    tab.send(THREE_SPLITS)
    frames = tmp_path / "anim_canvases"
    write_sequence(frames, 4, normals=False)
    tab.page.get_by_text("Batch: every frame of an animation").click()
    tab.page.locator("#dazdepth_batch_inputs textarea, #dazdepth_batch_inputs input").first.fill(
        str(frames)
    )
    tab.page.click("#dazdepth_batch_run")
    status = tab.page.locator("#dazdepth_batch_status").get_by_text("4 frames: 4 done").first
    status.wait_for(timeout=60000)
    assert "0 failed" in status.inner_text()


def test_the_repair_edges_box_reloads_with_silhouettes_repaired(tab, sample_set) -> None:
    view = loaded(tab, sample_set)
    before = view["background"]["count"]
    tab.page.click("#dazdepth_mount .dd-files-toggle")  # "Files and options"
    tab.page.locator("#dazdepth_repair_edges input").check()
    view = tab.wait_view(f"v.background.count < {before}")
    assert view["image"]["name"] == "sample_scene-Canvas2-Depth.exr"
    tab.page.locator("#dazdepth_repair_edges input").uncheck()
    tab.wait_view(f"v.background.count === {before}")


def test_auto_splits_button_finds_the_figure_and_gives_it_most_levels(tab, sample_set) -> None:
    loaded(tab, sample_set)
    tab.page.click("#dazdepth_mount button.dd-auto")
    view = tab.wait_view("v.splits.length > 1 && !window.dazdepth.busy()")
    assert view["total_levels"] == 255
    figure = max(view["splits"], key=lambda s: s["levels"])
    assert figure["levels"] >= 200 and figure["label"] == "Cluster 2"
    assert figure["start"] < 200 < figure["end"]  # the figure stands at about 181-226 cm
    tab.page.click("#dazdepth_mount button:text('Undo')")
    assert len(tab.wait_view("v.splits.length === 1")["splits"]) == 1


def test_divide_regions_save_and_reload_the_edits(tab, sample_set, tmp_path) -> None:
    loaded(tab, sample_set)
    # the figure and the orb (about 173-226 cm) in split 0, the rest in split 1
    tab.send([{"op": "add", "depth": 226}])
    tab.page.click("#dazdepth_mount button.dd-regions-from-splits")
    tab.wait_view("v.splits[1].region === 1")
    tab.page.locator("#dazdepth_mount button.dd-divide").first.click()
    view = tab.wait_view("v.region_edits && !window.dazdepth.busy()")
    assert view["splits"][0]["region"] == -1  # its parts have their own regions now
    tab.page.click("#dazdepth_save")
    files = saved_files(tab)
    (sidecar,) = [n for n in files if n.endswith(".edits.png")]
    (preset,) = [n for n in files if n.endswith(".json")]
    (mask,) = [n for n in files if n.endswith(".regions.png")]
    assert json.loads(files[preset])["region_edits"] == sidecar
    saved_mask = png(files[mask])
    colours = np.unique(saved_mask.reshape(-1, 3), axis=0)
    assert len(colours) >= 3  # the rest, and at least the figure and the orb apart
    tab.page.click("#dazdepth_mount button.dd-clear-edits")
    tab.wait_view("!v.region_edits && !window.dazdepth.busy()")
    for name in (preset, sidecar):
        (tmp_path / name).write_bytes(files[name])
    box = tab.page.locator("#dazdepth_preset_file")
    box.locator("input[type=file]").set_input_files(
        [str(tmp_path / preset), str(tmp_path / sidecar)]
    )
    view = tab.wait_view("v.region_edits && v.message.text.includes('region edits')")
    cli = tmp_path / "cli"
    command_line(sample_set["depth"], "--preset", tmp_path / preset, "--regions", "--out", cli)
    stem = "sample_scene-Canvas2-Depth"
    np.testing.assert_array_equal(png((cli / f"{stem}.regions.png").read_bytes()), saved_mask)

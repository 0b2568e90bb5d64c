"""The tab on a multilayer EXR: the status line names the layers read, and each canvas's
layer list and the depth list change what is read (a real browser)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR
from browsing import Tab
from test_tab import loaded


def blender_like(path: Path) -> Path:
    """Depth, Normal and the Denoising Data pass, named as Blender names them."""
    rng = np.random.default_rng(3)
    shape = (48, 64)
    channels = {"ViewLayer.Depth.Z": rng.uniform(300, 900, shape).astype(np.float32)}
    for c in "XYZ":
        channels[f"ViewLayer.Normal.{c}"] = rng.uniform(-1, 1, shape).astype(np.float32)
        channels[f"ViewLayer.Denoising Normal.{c}"] = rng.uniform(0.8, 1, shape).astype(np.float32)
    for c in "RGBA":
        channels[f"ViewLayer.Combined.{c}"] = rng.random(shape, dtype=np.float32)
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    OpenEXR.File(header, channels).write(str(path))
    return path


def choose(tab: Tab, elem_id: str, value: str) -> None:
    """Pick ``value`` in a gradio dropdown (3.41 and 4.40 draw it alike: an input and a list)."""
    tab.page.locator(f"#{elem_id} input").first.click()
    tab.page.locator(f"#{elem_id} li", has_text=value).first.click()


def test_layer_lists_and_depth_list(tab: Tab, tmp_path: Path) -> None:
    depth = blender_like(tmp_path / "b-Depth.exr")
    normal = blender_like(tmp_path / "b-Normal.exr")
    view = tab.upload(depth, normal)
    assert view["loaded"], view["message"]
    assert view["message"]["text"] == (
        "Loaded depth: b-Depth.exr, normal: b-Normal.exr; read depth from ViewLayer.Depth.Z"
        " (float), planar depth, normals from ViewLayer.Normal (X,Y,Z)"
    )
    tab.page.click("#dazdepth_mount .dd-files-toggle")  # "Files and options"
    choose(tab, "dazdepth_layer_normal", "ViewLayer.Denoising Normal (X,Y,Z)")
    tab.wait_view("v.message.text.includes('normals from ViewLayer.Denoising Normal')")
    choose(tab, "dazdepth_depth_is", "inverse depth (1/z)")
    view = tab.wait_view("v.message.text.includes('inverse depth (1/z)')")
    assert "normals from ViewLayer.Denoising Normal (X,Y,Z)" in view["message"]["text"]
    assert view["image"]["name"] == "b-Depth.exr"
    depth_head = "#dazdepth_mount table.dd-table th:nth-child(2)"
    assert tab.page.inner_text(depth_head) == "Depth (cm)"
    choose(tab, "dazdepth_depth_unit", "no unit")  # a 0..1 map: no readout says cm
    view = tab.wait_view("v.message.text.includes('without a unit')")
    assert view["range"]["unit"] == ""
    shows = f"document.querySelector('{depth_head}').textContent"
    tab.page.wait_for_function(f"() => {shows} === 'Depth'")
    choose(tab, "dazdepth_depth_unit", "m (Blender, Nuke)")
    view = tab.wait_view("v.message.text.includes('in metres')")
    assert view["range"]["unit"] == "cm" and tab.page.inner_text(depth_head) == "Depth (cm)"
    tab.screenshot("canvas-layers.png")


def test_a_multilayer_file_dropped_alone_fills_its_roles(tab: Tab, tmp_path: Path) -> None:
    """Its Normal and Combined layers are the normal canvas and the beauty: the role lists
    name the file, the layer lists the layer read, the line says what came from where."""
    path = blender_like(tmp_path / "scene.exr")
    view = tab.upload(path)
    assert view["loaded"], view["message"]
    text = view["message"]["text"]
    assert text.startswith("Loaded depth: scene.exr, normal: scene.exr, beauty: scene.exr;")
    assert "normal from ViewLayer.Normal in scene.exr, whose space is unknown" in text
    assert text.endswith("beauty from ViewLayer.Combined in scene.exr")
    assert view["layers"][-2:] == ["normal", "beauty"]
    assert view["canvases"] == {
        "depth": "scene.exr",
        "normal": "scene.exr",
        "beauty": "scene.exr",
        "ids": None,
    }
    tab.page.click("#dazdepth_mount .dd-files-toggle")  # "Files and options"
    shown = {
        role: (
            tab.page.locator(f"#dazdepth_role_{role} input").first.input_value(),
            tab.page.locator(f"#dazdepth_layer_{role} input").first.input_value(),
        )
        for role in ("depth", "normal", "beauty")
    }
    assert shown == {
        "depth": ("scene.exr", "ViewLayer.Depth.Z"),
        "normal": ("scene.exr", "ViewLayer.Normal (X,Y,Z)"),
        "beauty": ("scene.exr", "ViewLayer.Combined (R,G,B)"),
    }
    choose(tab, "dazdepth_layer_normal", "ViewLayer.Denoising Normal (X,Y,Z)")
    view = tab.wait_view("v.message.text.includes('normals from ViewLayer.Denoising Normal')")
    assert "beauty from ViewLayer.Combined (R,G,B)" in view["message"]["text"]
    layer = tab.page.locator("#dazdepth_layer_normal input").first.input_value()
    assert layer == "ViewLayer.Denoising Normal (X,Y,Z)"
    tab.screenshot("multilayer-alone.png")


def test_the_depth_list_shows_its_choice_whole_on_a_laptop(browser, server_url, sample_set):
    """At 1280x720 the depth list read 'by name (Distanc', cut off in its narrow box."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = Tab(context.new_page(), server_url + "?__theme=dark")
    loaded(tab, sample_set)
    tab.page.click("#dazdepth_mount .dd-files-toggle")  # "Files and options"
    box = tab.page.locator("#dazdepth_depth_is input").first
    assert box.input_value() == "by its name"
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")
    label = tab.page.inner_text("#dazdepth_depth_is")
    assert "(by its name: a …-Distance canvas holds distance, any other planar depth)" in label
    context.close()

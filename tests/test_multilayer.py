"""A Blender multilayer EXR dropped alone: its Normal and Combined layers are the normal
canvas and the beauty (the tab, the command line, send), and the lines say so."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_exr import write

from lib_dazdepth.cli.main import Converter, convert_parser
from lib_dazdepth.cli.send import render_maps
from lib_dazdepth.engine.canvases import CanvasSet, recognise
from lib_dazdepth.engine.multilayer import fill_roles
from lib_dazdepth.ui import controller, drops
from lib_dazdepth.ui.controller import TabConfig

DEPTH = np.array([[100, 200, 300], [400, 500, 600]], np.float32)
# camera-space unit normals: toward the camera, right, up / left, down, toward the camera
NORMAL = np.array(
    [[[0, 0, 1], [1, 0, 0], [0, 1, 0]], [[-1, 0, 0], [0, -1, 0], [0, 0, 1]]], np.float32
)
COMBINED = np.array(
    [[[0, 0, 0], [1, 1, 1], [0.5, 0, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 0.5]]], np.float32
)
# sRGB of COMBINED (0.5 linear is 188 of 255)
BEAUTY = np.array(
    [[[0, 0, 0], [255, 255, 255], [188, 0, 255]], [[255, 0, 0], [0, 255, 0], [0, 0, 188]]],
    np.uint8,
)
# normalbae: ((1 - x) / 2, (1 + y) / 2, (1 + z) / 2) of 255
NORMAL_MAP = np.array(
    [
        [[128, 128, 255], [0, 128, 128], [128, 255, 128]],
        [[255, 128, 128], [128, 0, 128], [128, 128, 255]],
    ],
    np.uint8,
)
SPACE = "Blender's Normal pass is world space; read as camera space"


def scene(path: Path, denoising: bool = True) -> Path:
    """Depth, Normal and Combined as Blender names them, with the Denoising Data pass."""
    channels = {"ViewLayer.Depth.Z": DEPTH}
    for k, c in enumerate("XYZ"):
        channels[f"ViewLayer.Normal.{c}"] = NORMAL[..., k].copy()
    for k, c in enumerate("RGB"):
        channels[f"ViewLayer.Combined.{c}"] = COMBINED[..., k].copy()
    channels["ViewLayer.Combined.A"] = np.ones(DEPTH.shape, np.float32)
    if denoising:
        channels["ViewLayer.Denoising Depth.Z"] = DEPTH + 1
        for c in "XYZ":
            channels[f"ViewLayer.Denoising Normal.{c}"] = np.full(DEPTH.shape, 0.5, np.float32)
        for c in "RGB":
            channels[f"ViewLayer.Denoising Albedo.{c}"] = np.full(DEPTH.shape, 0.25, np.float32)
    return write(path, channels)


def test_a_multilayer_file_alone_fills_every_role_it_has_a_layer_for(tmp_path: Path) -> None:
    path = scene(tmp_path / "scene.exr")
    filled = fill_roles(recognise([path]), [path])
    assert filled.canvases == CanvasSet(depth=path, normal=path, beauty=path)
    assert filled.layers == {
        "depth": "ViewLayer.Depth.Z",
        "normal": "ViewLayer.Normal (X,Y,Z)",
        "beauty": "ViewLayer.Combined (R,G,B)",
    }
    assert filled.lines == (
        f"normal from ViewLayer.Normal in scene.exr, whose space is unknown ({SPACE})",
        "beauty from ViewLayer.Combined in scene.exr",
    )


def picture(path: Path) -> Path:
    Image.new("RGB", (3, 2)).save(path)
    return path


@pytest.mark.parametrize(
    ("channels", "normal", "beauty"),
    [
        ({"Y": DEPTH}, None, None),  # a Daz Depth canvas
        # plain R,G,B is a beauty, never normals unasked
        ({"Z": DEPTH, "R": DEPTH, "G": DEPTH, "B": DEPTH}, None, "R,G,B"),
        (
            {"depth.Z": DEPTH, **{f"Denoising Normal.{c}": DEPTH for c in "XYZ"}},
            "Denoising Normal (X,Y,Z)",
            None,
        ),
        # a colour triple named for neither is no beauty
        ({"depth.Z": DEPTH, **{f"albedo.{c}": DEPTH for c in "RGB"}}, None, None),
    ],
)
def test_only_layers_named_for_a_role_fill_it(tmp_path, channels, normal, beauty) -> None:
    path = write(tmp_path / "s.exr", channels)
    filled = fill_roles(recognise([path]), [path])
    assert filled.canvases.normal == (path if normal else None)
    assert filled.canvases.beauty == (path if beauty else None)
    wanted = {"normal": normal, "beauty": beauty}
    assert {r: v for r, v in filled.layers.items() if r != "depth"} == {
        r: v for r, v in wanted.items() if v
    }


def test_with_other_files_the_names_decide(tmp_path: Path) -> None:
    path = scene(tmp_path / "scene.exr")
    render = picture(tmp_path / "scene.png")
    assert fill_roles(recognise([path, render]), [path, render]).canvases == CanvasSet(
        depth=path, beauty=render
    )
    missing = tmp_path / "gone.exr"  # unreadable: loading says why, not this
    assert fill_roles(recognise([missing]), [missing]).canvases == CanvasSet(depth=missing)


def test_the_tab_loads_its_normal_and_beauty_and_shows_the_layers(tmp_path: Path) -> None:
    path = scene(tmp_path / "scene.exr")
    loaded = controller.load_files([path], None, TabConfig(tmp_path / "out"))
    assert loaded.roles == {
        "depth": "scene.exr",
        "normal": "scene.exr",
        "beauty": "scene.exr",
        "ids": "(none)",
    }
    assert loaded.shows == {
        "depth": "ViewLayer.Depth.Z",
        "normal": "ViewLayer.Normal (X,Y,Z)",
        "beauty": "ViewLayer.Combined (R,G,B)",
    }
    assert all(loaded.shows[r] in loaded.layers[r] for r in loaded.shows)
    np.testing.assert_array_equal(loaded.workspace.normal, NORMAL)
    np.testing.assert_array_equal(loaded.workspace.beauty, BEAUTY)
    text = json.loads(loaded.view)["message"]["text"]
    assert text == (
        "Loaded scene.exr: depth from ViewLayer.Depth.Z (float), planar depth, normals from"
        " ViewLayer.Normal (X,Y,Z), beauty from ViewLayer.Combined (R,G,B); normal from"
        f" ViewLayer.Normal in scene.exr, whose space is unknown ({SPACE}); beauty from"
        " ViewLayer.Combined in scene.exr"
    )
    # Chosen again (a role's list): the user's choice, not the names, decides.
    reading = controller.reading_of(
        ["ViewLayer.Depth.Z", "ViewLayer.Denoising Normal (X,Y,Z)", ""], "", None
    )
    again = controller.load_files(
        [path], loaded.workspace, TabConfig(tmp_path / "out"), loaded.roles, False, reading
    )
    np.testing.assert_array_equal(again.workspace.normal, np.full((2, 3, 3), 0.5, np.float32))
    assert again.workspace.beauty is not None and again.shows == {}


def test_dropped_alone_the_line_says_what_came_from_where(tmp_path: Path) -> None:
    path = scene(tmp_path / "scene.exr", denoising=False)
    loaded, shown = drops.load_dropped([path], None, TabConfig(tmp_path / "out"))
    assert shown == [str(path)]
    message = json.loads(loaded.view)["message"]
    assert message["kind"] == "warning"  # the normals' space is a guess
    assert message["text"].startswith(
        "Loaded depth: scene.exr, normal: scene.exr, beauty: scene.exr; read depth from"
    )
    assert message["text"].endswith(
        f"normal from ViewLayer.Normal in scene.exr, whose space is unknown ({SPACE});"
        " beauty from ViewLayer.Combined in scene.exr"
    )


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = Converter(convert_parser().parse_args([str(a) for a in args]), out, err).run()
    return status, out.getvalue(), err.getvalue()


def test_the_command_line_writes_its_normal_map_too(tmp_path: Path) -> None:
    path = scene(tmp_path / "scene.exr")
    status, out, err = run(path, "-v")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert "** scene.exr: normal from ViewLayer.Normal in scene.exr" in lines
    assert f"** warning: scene.exr: the space of ViewLayer.Normal is unknown ({SPACE})" in lines
    assert f"** wrote {tmp_path / 'scene.normal.png'}" in lines
    with Image.open(tmp_path / "scene.normal.png") as image:
        np.testing.assert_array_equal(np.asarray(image), NORMAL_MAP)
    with Image.open(tmp_path / "scene.depth.png") as image:
        grey = np.asarray(image)
    assert grey[0, 0] == 255 and grey[1, 2] == 0  # nearest white, farthest black
    # A Daz Depth canvas has no normal layer: no normal map.
    daz = write(tmp_path / "d-Depth.exr", {"Y": DEPTH})
    status, out, _ = run(daz)
    assert status == 0 and not (tmp_path / "d-Depth.normal.png").exists()


def test_send_takes_its_normal_and_beauty(tmp_path: Path) -> None:
    path = scene(tmp_path / "scene.exr")
    rendered = render_maps([path], None)
    maps = rendered.maps.maps
    with Image.open(io.BytesIO(maps["normal"])) as image:
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), NORMAL_MAP)
    with Image.open(io.BytesIO(maps["beauty"])) as image:
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), BEAUTY)

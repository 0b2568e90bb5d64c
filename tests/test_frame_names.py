"""Numbered canvases (an animation's image series) are recognised as their stills are:
``anim-Canvas2-Depth.0007.exr`` is a depth canvas, ``anim-Canvas4-Distance.0007.exr`` a
Distance canvas read as distance, in the tab's drop, ``send`` and ``batch``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from exrdata import write_depth
from test_cli_inputs import png
from test_conventions import FOV, scene
from test_reading_options import batch, distance, preset, reference

from lib_dazdepth.engine.batch import Frame, pair_frames
from lib_dazdepth.engine.canvases import CanvasSet, recognise
from lib_dazdepth.engine.conventions import convention_for
from lib_dazdepth.engine.frame_names import unnumbered_stem


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("anim-Canvas2-Depth.0007.exr", "anim-Canvas2-Depth"),
        ("anim-Canvas2-Depth_0007.exr", "anim-Canvas2-Depth"),
        ("anim-Canvas2-Depth.exr", "anim-Canvas2-Depth"),
        ("scene2.exr", "scene2"),  # a digit that is no frame number stays
        ("anim.0007.png", "anim"),
    ],
)
def test_the_frame_number_is_left_out_of_the_stem(name: str, stem: str) -> None:
    assert unnumbered_stem(Path(name)) == stem


def test_a_numbered_frames_canvases_take_their_roles() -> None:
    files = [
        Path("anim-Canvas2-Depth.0007.exr"),
        Path("anim-Canvas3-Normal.0007.exr"),
        Path("anim-Canvas5-ObjectId.0007.exr"),
        Path("anim.0007.png"),
    ]
    assert recognise(files) == CanvasSet(
        depth=files[0], normal=files[1], beauty=files[3], ids=files[2]
    )


def test_a_numbered_distance_canvas_is_the_depth_read_as_distance() -> None:
    alone = Path("anim-Canvas4-Distance.0007.exr")
    assert recognise([alone]).depth == alone
    assert convention_for(alone) == "distance"
    assert convention_for(alone, "depth") == "depth"  # asked for: as asked
    depth = Path("anim-Canvas2-Depth.0007.exr")
    assert recognise([alone, depth]).depth == depth  # a Depth canvas first
    assert convention_for(depth) == "depth"


def test_batch_pairs_distance_frames_and_prefers_a_depth_canvas() -> None:
    folder = Path("/renders")
    names = [
        "anim-Canvas2-Depth.0001.exr",
        "anim-Canvas4-Distance.0001.exr",
        "anim-Canvas3-Normal.0001.exr",
        "anim-Canvas4-Distance.0002.exr",
        "anim-Canvas3-Normal.0002.exr",
    ]
    frames = pair_frames([folder / name for name in names])
    assert frames == [
        Frame("anim.0001", folder / names[0], folder / names[2]),
        Frame("anim.0002", folder / names[3], folder / names[4]),
    ]


def test_batch_maps_numbered_distance_frames_with_the_field_of_view(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in (1, 2):
        write_depth(folder / f"s-Canvas4-Distance.{i:04d}.exr", distance(scene()))
    args = [folder, "--preset", preset(tmp_path), "--out", tmp_path / "out"]
    batch(*args, "--fov", str(FOV))  # distance by the name: no --depth-is
    expected = reference(tmp_path, scene().astype(np.float32))
    for i in (1, 2):
        np.testing.assert_array_equal(
            png(tmp_path / "out" / f"s-Canvas4-Distance.{i:04d}.depth.png"), expected
        )

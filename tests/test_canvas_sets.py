"""A canvas set lines up pixel for pixel: the depth, normal and beauty canvases share the
display window, whatever their data windows; differences are reported or refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_exr import problem, window, write

from lib_dazdepth.engine.canvases import read_extra, recognise, role_of
from lib_dazdepth.engine.depthmap import load_depth_map
from lib_dazdepth.engine.errors import InputError

DISPLAY = window(0, 0, 63, 47)


def depth_crop(path: Path) -> Path:
    """Depth over the data window (8,4)-(55,43) of a 64x48 display; a marker at (20, 10)."""
    depth = np.full((40, 48), 500.0, dtype=np.float32)
    depth[10 - 4, 20 - 8] = 100.0
    return write(path, {"Y": depth}, dataWindow=window(8, 4, 55, 43), displayWindow=DISPLAY)


def normals(path: Path, data=None, display=DISPLAY) -> Path:
    """Normals facing the camera; the one at display pixel (20, 10) faces right."""
    data = data if data is not None else DISPLAY
    x0, y0 = (int(v) for v in data[0])
    x1, y1 = (int(v) for v in data[1])
    rgb = np.zeros((y1 - y0 + 1, x1 - x0 + 1, 3), dtype=np.float32)
    rgb[..., 2] = 1.0
    if x0 <= 20 <= x1 and y0 <= 10 <= y1:
        rgb[10 - y0, 20 - x0] = (1.0, 0.0, 0.0)
    channels = {c: rgb[..., k].copy() for k, c in enumerate("RGB")}
    return write(path, channels, dataWindow=data, displayWindow=display)


def test_a_cropped_depth_and_a_full_normal_line_up(tmp_path: Path) -> None:
    depth_map = load_depth_map(depth_crop(tmp_path / "s-Canvas2-Depth.exr"))
    extra = read_extra("normal", normals(tmp_path / "s-Canvas3-Normal.exr"), depth_map)
    assert depth_map.shape == extra.values.shape[:2] == (48, 64)
    assert depth_map.depth[10, 20] == 100.0
    np.testing.assert_array_equal(extra.values[10, 20], (1.0, 0.0, 0.0))
    assert extra.label == "normals from R,G,B"
    assert extra.notes == (
        "s-Canvas3-Normal.exr: data window (0,0)-(63,47) is not the depth's (8,4)-(55,43);"
        " lined up on the display window",
    )


def test_a_cropped_normal_is_background_outside_its_data(tmp_path: Path) -> None:
    depth_map = load_depth_map(depth_crop(tmp_path / "s-Depth.exr"))
    extra = read_extra(
        "normal", normals(tmp_path / "s-Normal.exr", window(16, 8, 40, 30)), depth_map
    )
    np.testing.assert_array_equal(extra.values[10, 20], (1.0, 0.0, 0.0))
    assert not extra.values[:8].any() and not extra.values[:, 41:].any()


def test_another_display_window_is_refused(tmp_path: Path) -> None:
    depth_map = load_depth_map(depth_crop(tmp_path / "s-Depth.exr"))
    path = normals(tmp_path / "s-Normal.exr", window(0, 0, 63, 47), window(0, 0, 63, 49))
    with pytest.raises(InputError) as excinfo:
        read_extra("normal", path, depth_map)
    assert problem(excinfo, path).endswith(
        "display window (0,0)-(63,49) (64x50) is not the depth's (0,0)-(63,47) (64x48); not used"
    )
    moved = normals(tmp_path / "m-Normal.exr", window(10, 0, 73, 47), window(10, 0, 73, 47))
    with pytest.raises(InputError, match="display window \\(10,0\\)-\\(73,47\\)"):
        read_extra("normal", moved, depth_map)


def test_a_picture_must_have_the_display_windows_size(tmp_path: Path) -> None:
    depth_map = load_depth_map(depth_crop(tmp_path / "s-Depth.exr"))
    good, bad = tmp_path / "s.png", tmp_path / "t.png"
    Image.new("RGB", (64, 48), (10, 20, 30)).save(good)
    Image.new("RGB", (48, 40)).save(bad)
    assert read_extra("beauty", good, depth_map).values.shape == (48, 64, 3)
    with pytest.raises(InputError) as excinfo:
        read_extra("beauty", bad, depth_map)
    assert problem(excinfo, bad).endswith("is 48x40, the depth is 64x48; not used")


def test_a_distance_canvas_is_the_depth_when_there_is_no_depth_canvas() -> None:
    assert role_of(Path("s-Canvas4-Distance.exr")) == "depth"
    both = [Path("s-Canvas4-Distance.exr"), Path("s-Canvas5-Depth.exr")]
    assert recognise(both).depth == Path("s-Canvas5-Depth.exr")
    assert recognise(both[:1]).depth == Path("s-Canvas4-Distance.exr")

"""Depth conventions: inverse depth (Nuke) and radial distance (Iray's Distance canvas) read
as planar depth, from generated canvases with a known field of view."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from test_exr import problem, window, write

from lib_dazdepth.engine.conventions import Camera, camera_from_header, convention_for, cosines
from lib_dazdepth.engine.depthmap import load_depth_map
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.exr_pixels import Window
from lib_dazdepth.engine.mapping import MappingPlan, grey8, map_depth
from lib_dazdepth.engine.splits import SplitSet

WIDTH, HEIGHT = 40, 30
FOV = 50.0  # horizontal, degrees


def scene() -> np.ndarray:
    """Planar depth: a wall at 500 behind a box at 200 (float64, HEIGHT x WIDTH)."""
    depth = np.full((HEIGHT, WIDTH), 500.0)
    depth[10:20, 12:30] = 200.0
    return depth


def rays(fov: float = FOV) -> tuple[np.ndarray, np.ndarray]:
    """Image-plane offsets (a, b) of each pixel centre's ray (a, b, 1), square pixels."""
    tangent = math.tan(math.radians(fov) / 2)
    a = ((np.arange(WIDTH) + 0.5) / WIDTH - 0.5) * 2 * tangent
    b = ((np.arange(HEIGHT) + 0.5) - HEIGHT / 2) * (2 * tangent / WIDTH)
    return np.broadcast_to(a[None, :], (HEIGHT, WIDTH)), np.broadcast_to(
        b[:, None], (HEIGHT, WIDTH)
    )


def distance_canvas(path: Path, **header) -> Path:
    a, b = rays()
    distance = scene() * np.sqrt(a * a + b * b + 1.0)  # along each ray to the same point
    return write(path, {"Y": distance.astype(np.float32)}, **header)


def matrices(fov: float = FOV) -> dict[str, np.ndarray]:
    """worldToCamera (a turn and a shift) and worldToNDC of a perspective camera with this
    horizontal field of view, in OpenEXR's row-vector convention: NDC (0, 0) is the display
    window's top left corner, y down; camera z is the viewing direction."""
    tangent = math.tan(math.radians(fov) / 2)
    vertical = tangent * HEIGHT / WIDTH
    to_ndc = np.zeros((4, 4))
    to_ndc[0, 0] = 0.5 / tangent
    to_ndc[1, 1] = -0.5 / vertical
    to_ndc[2] = (0.5, 0.5, 1.0, 1.0)
    angle = math.radians(30)
    world_to_camera = np.eye(4)
    world_to_camera[:2, :2] = [
        [math.cos(angle), math.sin(angle)],
        [-math.sin(angle), math.cos(angle)],
    ]
    world_to_camera[3, :3] = (10.0, -4.0, 2.5)
    return {
        "worldToCamera": world_to_camera.astype(np.float32),
        "worldToNDC": (world_to_camera @ to_ndc).astype(np.float32),
    }


def test_distance_with_a_given_field_of_view(tmp_path: Path) -> None:
    path = distance_canvas(tmp_path / "scene-Canvas4-Distance.exr")
    depth_map = load_depth_map(path, fov=FOV)
    np.testing.assert_allclose(depth_map.depth, scene(), rtol=2e-7)
    assert depth_map.source.convention == "distance"
    assert depth_map.source.describe() == (
        "depth from Y (float), distance made planar with a 50° horizontal field of view"
    )
    plain = load_depth_map(path, convention="depth")  # the same file read as it stands
    assert plain.max > depth_map.max * 1.1


def test_distance_with_the_headers_camera(tmp_path: Path) -> None:
    path = distance_canvas(tmp_path / "d.exr", **matrices())
    depth_map = load_depth_map(path, convention="distance", fov=10.0)  # the header wins
    np.testing.assert_allclose(depth_map.depth, scene(), rtol=2e-6)
    assert depth_map.source.camera == "the header's camera"


def test_distance_without_a_camera_is_refused(tmp_path: Path) -> None:
    path = distance_canvas(tmp_path / "scene-Distance.exr")
    with pytest.raises(InputError) as excinfo:
        load_depth_map(path)
    assert "horizontal field of view (--fov DEGREES)" in problem(excinfo, path)
    with pytest.raises(InputError) as excinfo:
        load_depth_map(path, fov=180)
    assert "not between 0 and 180" in problem(excinfo, path)


def test_cosines_from_the_field_of_view_and_from_the_matrices_agree() -> None:
    display = Window(0, 0, WIDTH - 1, HEIGHT - 1)
    from_fov = cosines(Camera(fov=FOV), display)
    to_ndc = camera_from_header(matrices())  # stored as float32: agree to float32 precision
    np.testing.assert_allclose(cosines(Camera(to_ndc=to_ndc), display), from_fov, rtol=1e-7)
    a, b = rays()
    np.testing.assert_allclose(from_fov, 1 / np.sqrt(a * a + b * b + 1), rtol=1e-15)
    assert camera_from_header({"worldToNDC": np.eye(4)}) is None  # no worldToCamera
    assert camera_from_header({"worldToCamera": np.eye(4), "worldToNDC": np.eye(4)}) is None


def test_inverse_depth_near_is_white(tmp_path: Path) -> None:
    """Nuke's ScanlineRender: 1/z, 0 for no hit. Read as stored, near comes out dark."""
    inverse = (1.0 / scene()).astype(np.float32)
    inverse[:3] = 0.0  # no hit
    path = write(tmp_path / "nuke.exr", {"depth.Z": inverse})
    depth_map = load_depth_map(path, convention="inverse")
    with np.errstate(divide="ignore"):
        expected = np.where(inverse == 0, np.float32(0), np.float32(1) / inverse)
    np.testing.assert_array_equal(depth_map.depth, expected)
    assert depth_map.background.non_positive == 3 * WIDTH
    assert depth_map.range == (float(np.float32(1) / np.float32(1 / 200)), float(expected.max()))
    splits = SplitSet.default(depth_map.min, depth_map.max)
    grey = grey8(map_depth(depth_map.depth, depth_map.valid, MappingPlan.from_splits(splits)).fine)
    assert grey[15, 20] == 255 and grey[25, 2] < 10 and grey[0, 0] == 0  # box, wall, no hit
    stored = load_depth_map(path)  # as stored: the box is the farthest thing
    assert stored.depth[15, 20] == stored.max


def test_convention_by_name() -> None:
    assert convention_for("scene-Canvas4-Distance.exr") == "distance"
    assert convention_for("scene_distance.exr") == "distance"
    assert convention_for("scene-Canvas2-Depth.exr") == "depth"
    assert convention_for("scene-Canvas4-Distance.exr", "depth") == "depth"
    with pytest.raises(ValueError, match="one of auto, depth, inverse, distance"):
        convention_for("a.exr", "metres")


def test_crop_pixels_are_no_data_not_non_finite(tmp_path: Path) -> None:
    data = np.full((40, 48), 300.0, dtype=np.float32)
    data[0, 0] = np.nan
    path = write(
        tmp_path / "crop.exr",
        {"Y": data},
        dataWindow=window(8, 4, 55, 43),
        displayWindow=window(0, 0, 63, 47),
    )
    depth_map = load_depth_map(path)
    assert depth_map.shape == (48, 64)
    report = depth_map.background
    assert (report.no_data, report.non_finite, report.total) == (1152, 1, 1153)
    assert report.describe() == "1 not finite, 1152 outside the data window"
    assert depth_map.source.notes()[0].startswith("data window (8,4)-(55,43) differs")


FLAT_CAMERA = np.array([[1, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])  # no 2-D image
FOLDED = np.array([[0, 1, 0, 0], [0.5, 0, 0, 1], [0, 0, 1, 0], [0, 0, 0, 1]])  # folds at x = 0.5


@pytest.mark.parametrize("to_ndc", [FLAT_CAMERA, FOLDED, np.full((4, 4), 3e38)])
def test_a_header_camera_that_sees_no_image_is_not_used(tmp_path: Path, to_ndc) -> None:
    """worldToNDC matrices giving no ray, or two for one pixel, somewhere on the image: read
    as given they made every pixel not finite ('every pixel is background') or drew the
    distance with a camera that does not exist. They are set aside as having no camera."""
    header = {"worldToCamera": np.eye(4, dtype=np.float32), "worldToNDC": to_ndc.astype("f4")}
    assert camera_from_header(header) is None
    path = distance_canvas(tmp_path / "scene-Distance.exr", **header)
    with pytest.raises(InputError) as excinfo:
        load_depth_map(path)
    assert "no usable camera matrices" in problem(excinfo, path)
    depth_map = load_depth_map(path, fov=FOV)
    np.testing.assert_allclose(depth_map.depth, scene(), rtol=2e-7)
    assert depth_map.source.camera == "a 50° horizontal field of view"

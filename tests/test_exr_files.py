"""EXRs shaped like other renderers' (Blender, Nuke, stereo) and any data window, written
with the OpenEXR package and read through both decoders (the package's InputFile, which
decodes the chosen channels only, and OpenEXR.File, which decodes everything)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_exr import problem, tiles, window, write

from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.exr import channel_choices, read_depth, read_rgb

RNG = np.random.default_rng(7)
SHAPE = (6, 5)
DEPTH = RNG.uniform(3.0, 10.0, SHAPE).astype(np.float32)  # the scene: 3 to 10 units


def blender(path: Path) -> dict[str, np.ndarray]:
    """A Blender multilayer EXR: Combined, Depth, Normal and the Denoising Data pass."""
    unit = RNG.normal(size=(*SHAPE, 3)).astype(np.float32)
    unit /= np.linalg.norm(unit, axis=-1, keepdims=True)
    channels = {f"ViewLayer.Combined.{c}": RNG.random(SHAPE, dtype=np.float32) for c in "RGBA"}
    channels["ViewLayer.Depth.Z"] = DEPTH
    channels["ViewLayer.Denoising Depth.Z"] = DEPTH + 0.5
    for k, c in enumerate("XYZ"):
        channels[f"ViewLayer.Normal.{c}"] = unit[..., k].copy()
        channels[f"ViewLayer.Denoising Normal.{c}"] = RNG.uniform(0.8, 1.0, SHAPE).astype(
            np.float32
        )
    for c in "RGB":
        channels[f"ViewLayer.Denoising Albedo.{c}"] = RNG.random(SHAPE, dtype=np.float32)
    write(path, dict(channels))  # the package wraps the arrays of the dict it is given
    return channels


@pytest.fixture(params=[True, False], ids=["chosen-channels", "whole-file"])
def legacy(request) -> bool:
    return request.param


def test_blender_multilayer(tmp_path: Path, legacy: bool) -> None:
    channels = blender(tmp_path / "blender.exr")
    path = tmp_path / "blender.exr"
    depth = read_depth(path, legacy=legacy)
    assert depth.channel == "ViewLayer.Depth.Z"
    np.testing.assert_array_equal(depth.values, DEPTH)
    assert depth.also == ()
    assert depth.others == ("ViewLayer.Denoising Depth.Z",)
    assert depth.notes() == []
    normal = read_rgb(path, legacy=legacy)
    assert normal.channel == "ViewLayer.Normal"
    expected = np.stack([channels[f"ViewLayer.Normal.{c}"] for c in "XYZ"], axis=-1)
    np.testing.assert_array_equal(normal.values, expected)
    beauty = read_rgb(path, role="beauty", legacy=legacy)
    assert beauty.channel == "ViewLayer.Combined"
    chosen = read_rgb(path, layer="ViewLayer.Denoising Normal", legacy=legacy)
    assert chosen.values.min() >= 0.8
    asked = read_depth(path, channel="ViewLayer.Denoising Normal.Z", legacy=legacy)
    np.testing.assert_array_equal(asked.values, channels["ViewLayer.Denoising Normal.Z"])


def test_denoising_data_alone_has_no_depth(tmp_path: Path) -> None:
    names = [f"ViewLayer.Denoising Normal.{c}" for c in "XYZ"]
    path = write(tmp_path / "d.exr", {n: DEPTH for n in names})
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    message = problem(excinfo, path)
    assert "no depth channel found; channels: part 0: ViewLayer.Denoising Normal.X" in message
    assert "choose one with --channel" in message


def test_nuke_rgba_with_a_depth_layer(tmp_path: Path, legacy: bool) -> None:
    channels = {c: RNG.random(SHAPE, dtype=np.float32) for c in "RGBA"}
    channels["depth.Z"] = (1 / DEPTH).astype(np.float32)
    image = read_depth(write(tmp_path / "nuke.exr", dict(channels)), legacy=legacy)
    assert image.channel == "depth.Z"
    np.testing.assert_array_equal(image.values, channels["depth.Z"])


def test_stereo_depth_is_a_guess_and_says_so(tmp_path: Path, legacy: bool) -> None:
    path = write(tmp_path / "s.exr", {"left.Z": DEPTH, "right.Z": DEPTH + 1})
    image = read_depth(path, legacy=legacy)
    assert (image.channel, image.also) == ("left.Z", ("right.Z",))
    assert image.notes() == ["used left.Z, but right.Z could be meant too (choose with --channel)"]


def test_channel_choices_from_the_header(tmp_path: Path) -> None:
    blender(tmp_path / "b.exr")
    depth = [c.label for c in channel_choices(tmp_path / "b.exr", "depth")]
    assert depth[:2] == ["ViewLayer.Depth.Z", "ViewLayer.Denoising Depth.Z"]
    assert "ViewLayer.Combined.R" in depth  # anything may be picked, after the candidates
    normal = [c.label for c in channel_choices(tmp_path / "b.exr", "normal")]
    assert normal[0] == "ViewLayer.Normal (X,Y,Z)"


# ----------------------------------------------------------------------------- windows


def test_crop_is_placed_in_the_display_window(tmp_path: Path, legacy: bool) -> None:
    """Display 64x48, data (8,4)-(55,43): a 64x48 map with the data at its offset."""
    data = RNG.uniform(3.0, 10.0, (40, 48)).astype(np.float32)
    path = write(
        tmp_path / "crop.exr",
        {"Y": data},
        dataWindow=window(8, 4, 55, 43),
        displayWindow=window(0, 0, 63, 47),
    )
    image = read_depth(path, legacy=legacy)
    assert image.values.shape == (48, 64)
    np.testing.assert_array_equal(image.values[4:44, 8:56], data)
    assert np.isnan(image.values[:4]).all() and np.isnan(image.values[:, 56:]).all()
    assert image.notes() == [
        "data window (8,4)-(55,43) differs from the display window (0,0)-(63,47):"
        " the image is 64x48, 1152 pixels without data"
    ]


def test_overscan_is_cut_to_the_display_window(tmp_path: Path, legacy: bool) -> None:
    data = np.arange(12 * 10, dtype=np.float32).reshape(12, 10).astype(np.float16)
    path = write(
        tmp_path / "over.exr",
        {"R": data, "G": data, "B": data},
        dataWindow=window(-2, -3, 7, 8),
        displayWindow=window(0, 0, 5, 5),
    )
    image = read_rgb(path, legacy=legacy)
    assert image.values.shape == (6, 6, 3)
    np.testing.assert_array_equal(image.values[..., 1], data[3:9, 2:8].astype(np.float32))
    assert image.uncovered() == 0


def test_data_window_beside_the_display_window(tmp_path: Path, legacy: bool) -> None:
    path = write(
        tmp_path / "beside.exr",
        {"N.X": DEPTH, "N.Y": DEPTH, "N.Z": DEPTH},
        dataWindow=window(100, 0, 104, 5),
        displayWindow=window(0, 0, 3, 2),
    )
    image = read_rgb(path, legacy=legacy)
    np.testing.assert_array_equal(image.values, np.zeros((3, 4, 3), np.float32))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    box=st.tuples(
        st.integers(-300, 40), st.integers(-300, 40), st.integers(1, 40), st.integers(1, 700)
    ),
    tiled=st.sampled_from([0, 7, 64]),
    half=st.booleans(),
)
def test_any_data_window_both_decoders(tmp_path: Path, box, tiled: int, half: bool) -> None:
    """Many strips (up to 700 rows), tiles of odd heights: both decoders give the display
    window with the data at its offset, exactly."""
    x0, y0, width, height = box
    data = np.random.default_rng(width * height).random((height, width), dtype=np.float32)
    data = data.astype(np.float16) if half else data
    header = {"dataWindow": window(x0, y0, x0 + width - 1, y0 + height - 1)}
    header["displayWindow"] = window(0, 0, 29, 399)
    header["compression"] = OpenEXR.ZIP_COMPRESSION
    if tiled:
        header.update(type=OpenEXR.tiledimage, tiles=tiles(tiled))
    path = write(tmp_path / "w.exr", {"Z": data, "other": data}, **header)
    expected = np.full((400, 30), np.nan, dtype=np.float32)
    ys, xs = slice(max(y0, 0), min(y0 + height, 400)), slice(max(x0, 0), min(x0 + width, 30))
    if ys.start < ys.stop and xs.start < xs.stop:
        expected[ys, xs] = data[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0]
    for legacy in (True, False):
        np.testing.assert_array_equal(read_depth(path, legacy=legacy).values, expected)


def test_without_the_packages_input_file(tmp_path: Path, monkeypatch) -> None:
    """A package without the deprecated InputFile: everything goes through OpenEXR.File."""
    blender(tmp_path / "b.exr")
    monkeypatch.delattr(OpenEXR, "InputFile")
    np.testing.assert_array_equal(read_depth(tmp_path / "b.exr").values, DEPTH)

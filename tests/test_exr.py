"""Tests for lib_dazdepth.engine.exr: every file is written here with the OpenEXR package."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.exr import list_channels, read_depth, read_rgb

DEPTH = np.array(
    [[1.0, 2.5, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0], [100.0, 250.5, 1e9, 3.0e38]],
    dtype=np.float32,
)
SMALL = np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5  # exact in half and uint


def write(path: Path, channels: dict, **header) -> Path:
    header.setdefault("compression", OpenEXR.NO_COMPRESSION)
    header.setdefault("type", OpenEXR.scanlineimage)
    OpenEXR.File(header, channels).write(str(path))
    return path


def tiles(size: int = 2) -> OpenEXR.TileDescription:
    desc = OpenEXR.TileDescription()
    desc.xSize = size
    desc.ySize = size
    return desc


def window(x0: int, y0: int, x1: int, y1: int) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([x0, y0], dtype=np.int32), np.array([x1, y1], dtype=np.int32))


def problem(excinfo: pytest.ExceptionInfo, path: Path) -> str:
    message = str(excinfo.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


def spy_on_open(monkeypatch) -> list[str]:
    """Record how the reader opens files: "header" (OpenEXR.File, header only), "all"
    (OpenEXR.File decoding every channel), "chosen" (InputFile: the named channels only)."""
    calls: list[str] = []
    real_file, real_input = OpenEXR.File, OpenEXR.InputFile

    def spy_file(*args, **kwargs):
        calls.append("header" if kwargs.get("header_only", False) else "all")
        return real_file(*args, **kwargs)

    def spy_input(*args, **kwargs):
        calls.append("chosen")
        return real_input(*args, **kwargs)

    monkeypatch.setattr(OpenEXR, "File", spy_file)
    monkeypatch.setattr(OpenEXR, "InputFile", spy_input)
    return calls


# ----------------------------------------------------------------------------- depth


def test_float_y_daz_canvas(tmp_path: Path) -> None:
    path = write(tmp_path / "scene-Canvas1-Depth.exr", {"Y": DEPTH})
    image = read_depth(path)
    assert image.values.dtype == np.float32
    assert image.values.shape == (3, 4)
    np.testing.assert_array_equal(image.values, DEPTH)
    assert (image.channel, image.part, image.part_name) == ("Y", 0, "")
    assert (image.pixel_type, image.origin, image.path) == ("float", (0, 0), str(path))


def test_half_y(tmp_path: Path) -> None:
    path = write(tmp_path / "h.exr", {"Y": SMALL.astype(np.float16)})
    image = read_depth(str(path))
    assert image.pixel_type == "half"
    assert image.values.dtype == np.float32
    np.testing.assert_array_equal(image.values, SMALL)


def test_uint_y(tmp_path: Path) -> None:
    data = np.array([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 16777216]], dtype=np.uint32)
    image = read_depth(write(tmp_path / "u.exr", {"Y": data}))
    assert image.pixel_type == "uint"
    assert image.values.dtype == np.float32
    np.testing.assert_array_equal(image.values, data.astype(np.float32))


@pytest.mark.parametrize(
    ("channels", "expected"),
    [
        ({"Z": DEPTH}, "Z"),
        ({"ViewLayer.Depth.Z": DEPTH, "ViewLayer.Combined.R": SMALL}, "ViewLayer.Depth.Z"),
        ({"depth": DEPTH, "A": SMALL}, "depth"),
        ({"DEPTH": DEPTH}, "DEPTH"),
        ({"pass.Depth": DEPTH}, "pass.Depth"),
        ({"Y": DEPTH, "Z": SMALL, "depth": SMALL}, "Y"),
        ({"Z": DEPTH, "a.Z": SMALL, "depth": SMALL}, "Z"),
        ({"a.Z": DEPTH, "depth.Z": SMALL}, "depth.Z"),
        ({"a.Z": DEPTH, "R": SMALL, "G": SMALL, "B": SMALL}, "a.Z"),
        ({"R": SMALL, "G": SMALL, "B": SMALL, "depth": DEPTH}, "depth"),
    ],
)
def test_depth_channel_choice(tmp_path: Path, channels: dict, expected: str) -> None:
    image = read_depth(write(tmp_path / "c.exr", channels))
    assert image.channel == expected
    np.testing.assert_array_equal(image.values, SMALL if expected == "depth.Z" else DEPTH)


@pytest.mark.parametrize("alpha", [False, True])
def test_grey_rgb_depth_is_read_when_asked(tmp_path: Path, alpha: bool) -> None:
    """R of an RGB layer is one component of a vector: only taken when named."""
    channels = {"R": DEPTH, "G": DEPTH.copy(), "B": DEPTH.copy()}
    if alpha:
        channels["A"] = np.ones_like(DEPTH)
    path = write(tmp_path / "grey.exr", channels)
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    message = problem(excinfo, path)
    assert "no depth channel found" in message
    assert "(a grey depth stored as RGB: --channel R)" in message
    image = read_depth(path, channel="R")
    assert image.channel == "R"
    np.testing.assert_array_equal(image.values, DEPTH)


def test_colour_rgb_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "colour.exr", {"R": DEPTH, "G": DEPTH, "B": DEPTH + 1})
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    message = problem(excinfo, path)
    assert "no depth channel found; channels: part 0: B, G, R" in message
    assert "--channel" in message


def test_explicit_channel(tmp_path: Path) -> None:
    path = write(tmp_path / "e.exr", {"Y": SMALL, "other": DEPTH})
    image = read_depth(path, channel="other")
    assert image.channel == "other"
    np.testing.assert_array_equal(image.values, DEPTH)
    colour = write(tmp_path / "colour.exr", {"R": DEPTH, "G": SMALL, "B": SMALL})
    np.testing.assert_array_equal(read_depth(colour, channel="G").values, SMALL)


def test_explicit_channel_missing(tmp_path: Path) -> None:
    path = write(tmp_path / "e.exr", {"Y": SMALL, "other": DEPTH})
    with pytest.raises(InputError) as excinfo:
        read_depth(path, channel="y")
    message = problem(excinfo, path)
    assert "no channel 'y'" in message
    assert "part 0: Y, other" in message


def test_nan_and_inf_preserved(tmp_path: Path) -> None:
    data = DEPTH.copy()
    data[0, 1] = np.nan
    data[1, 2] = np.inf
    data[2, 0] = -np.inf
    with np.errstate(over="ignore"):
        halves = data.astype(np.float16)
    for kind, array in (("float", data), ("half", halves)):
        image = read_depth(write(tmp_path / f"{kind}.exr", {"Y": array}))
        assert np.isnan(image.values[0, 1])
        assert image.values[1, 2] == np.inf
        assert image.values[2, 0] == -np.inf
    # Values beyond the half range become +inf when stored as half.
    image = read_depth(tmp_path / "half.exr")
    assert image.values[2, 3] == np.inf


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=arrays(np.float32, st.tuples(st.integers(1, 5), st.integers(1, 5))),
    compression=st.sampled_from([OpenEXR.NO_COMPRESSION, OpenEXR.ZIP_COMPRESSION]),
)
def test_any_float_y_round_trips(tmp_path: Path, data: np.ndarray, compression) -> None:
    image = read_depth(write(tmp_path / "p.exr", {"Y": data}, compression=compression))
    assert image.values.shape == data.shape
    np.testing.assert_array_equal(image.values, data)  # NaN equals NaN here


@pytest.mark.parametrize(
    "compression",
    [
        OpenEXR.NO_COMPRESSION,
        OpenEXR.ZIP_COMPRESSION,
        OpenEXR.ZIPS_COMPRESSION,
        OpenEXR.PIZ_COMPRESSION,
        OpenEXR.RLE_COMPRESSION,
    ],
)
@pytest.mark.parametrize("tiled", [False, True])
def test_compressions_scanline_and_tiled(tmp_path: Path, compression, tiled: bool) -> None:
    header = {"compression": compression}
    if tiled:
        header.update(type=OpenEXR.tiledimage, tiles=tiles(2))
    path = write(tmp_path / "c.exr", {"Y": DEPTH}, **header)
    stored = OpenEXR.File(str(path), header_only=True).parts[0].header["type"]
    assert stored == (OpenEXR.tiledimage if tiled else OpenEXR.scanlineimage)
    image = read_depth(path)
    np.testing.assert_array_equal(image.values, DEPTH)


def test_offset_data_window_inside_the_display_window(tmp_path: Path) -> None:
    path = write(
        tmp_path / "o.exr",
        {"Z": SMALL},
        dataWindow=window(5, 7, 8, 9),
        displayWindow=window(0, 0, 15, 11),
    )
    image = read_depth(path)
    assert image.origin == (5, 7)
    assert image.values.shape == (12, 16)
    np.testing.assert_array_equal(image.values[7:10, 5:9], SMALL)
    outside = np.ones((12, 16), dtype=bool)
    outside[7:10, 5:9] = False
    assert np.isnan(image.values[outside]).all()
    assert image.uncovered() == 12 * 16 - 12


def test_negative_offset_data_window(tmp_path: Path) -> None:
    """Data from (-2, -1) to (1, 1) in a display window from (-2, -1) to (1, 1)."""
    path = write(
        tmp_path / "n.exr",
        {"Y": SMALL},
        dataWindow=window(-2, -1, 1, 1),
        displayWindow=window(-2, -1, 1, 1),
    )
    image = read_depth(path)
    assert image.origin == (-2, -1)
    np.testing.assert_array_equal(image.values, SMALL)
    assert image.notes() == []


def multipart(path: Path) -> Path:
    beauty = OpenEXR.Part({}, {"R": SMALL, "G": SMALL * 2, "B": SMALL * 3}, "beauty")
    depth = OpenEXR.Part({}, {"Y": DEPTH}, "depth")
    normal = OpenEXR.Part({}, {"R": -SMALL, "G": SMALL, "B": SMALL + 1}, "normal")
    OpenEXR.File([beauty, depth, normal]).write(str(path))
    return path


def test_multipart_depth_in_part_1(tmp_path: Path) -> None:
    path = multipart(tmp_path / "m.exr")
    for part in (None, 1, np.int64(1), "depth"):
        image = read_depth(path, part=part)
        assert (image.part, image.part_name, image.channel) == (1, "depth", "Y")
        np.testing.assert_array_equal(image.values, DEPTH)


def test_multipart_explicit_channel_in_chosen_part(tmp_path: Path) -> None:
    path = multipart(tmp_path / "m.exr")
    image = read_depth(path, channel="R", part="normal")
    assert image.part == 2
    np.testing.assert_array_equal(image.values, -SMALL)
    image = read_depth(path, channel="R")
    assert image.part == 0


def test_multipart_rgb_by_index_and_name(tmp_path: Path) -> None:
    path = multipart(tmp_path / "m.exr")
    first = read_rgb(path)
    assert (first.part, first.part_name) == (0, "beauty")
    normal = read_rgb(path, part="normal")
    assert normal.part == 2
    np.testing.assert_array_equal(normal.values, np.stack([-SMALL, SMALL, SMALL + 1], -1))
    assert read_rgb(path, part=2).part_name == "normal"


def test_multipart_part_without_depth(tmp_path: Path) -> None:
    path = multipart(tmp_path / "m.exr")
    with pytest.raises(InputError) as excinfo:
        read_depth(path, part="beauty")
    message = problem(excinfo, path)
    assert "no depth channel found; channels: part 0 (beauty): B, G, R —" in message
    assert "depth" not in message.split("channels:")[1].split("—")[0]


@pytest.mark.parametrize(
    ("part", "words"),
    [(3, "no part 3; the file has 3 part(s)"), (-1, "no part -1"), ("nope", "'nope'")],
)
def test_bad_part(tmp_path: Path, part, words: str) -> None:
    path = multipart(tmp_path / "m.exr")
    with pytest.raises(InputError) as excinfo:
        read_depth(path, part=part)
    message = problem(excinfo, path)
    assert words in message
    if isinstance(part, str):
        assert "'beauty', 'depth', 'normal'" in message


def test_list_channels(tmp_path: Path) -> None:
    assert list_channels(multipart(tmp_path / "m.exr")) == [
        (0, "beauty", ["B", "G", "R"]),
        (1, "depth", ["Y"]),
        (2, "normal", ["B", "G", "R"]),
    ]
    assert list_channels(write(tmp_path / "s.exr", {"Y": SMALL})) == [(0, "", ["Y"])]


def test_list_channels_does_not_decode(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path / "s.exr", {"Y": SMALL})
    calls = spy_on_open(monkeypatch)
    list_channels(path)
    assert calls == ["header"]


# ----------------------------------------------------------------------------- rgb


def test_rgb_float_exact(tmp_path: Path) -> None:
    red, green, blue = SMALL, -SMALL, DEPTH
    path = write(tmp_path / "n.exr", {"R": red, "G": green, "B": blue, "A": SMALL})
    image = read_rgb(path)
    assert image.values.dtype == np.float32
    assert image.values.shape == (3, 4, 3)
    np.testing.assert_array_equal(image.values, np.stack([red, green, blue], axis=-1))
    assert (image.channel, image.pixel_type) == ("R,G,B", "float")


def test_rgb_half_exact(tmp_path: Path) -> None:
    red, green, blue = SMALL, -SMALL, SMALL + 0.25
    halves = {k: v.astype(np.float16) for k, v in {"R": red, "G": green, "B": blue}.items()}
    image = read_rgb(write(tmp_path / "h.exr", halves, compression=OpenEXR.PIZ_COMPRESSION))
    assert image.pixel_type == "half"
    np.testing.assert_array_equal(image.values, np.stack([red, green, blue], axis=-1))


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("Normal.R", "Normal.G", "Normal.B"), "Normal"),
        (("X", "Y", "Z"), "X,Y,Z"),
        (("normal.x", "normal.y", "normal.z"), "normal"),
    ],
)
def test_rgb_other_names(tmp_path: Path, names: tuple[str, str, str], expected: str) -> None:
    arrays = (SMALL, -SMALL, DEPTH)
    image = read_rgb(write(tmp_path / "l.exr", dict(zip(names, arrays, strict=True))))
    assert image.channel == expected
    np.testing.assert_array_equal(image.values, np.stack(arrays, axis=-1))


def test_rgb_plain_wins_over_layer(tmp_path: Path) -> None:
    channels = {"R": SMALL, "G": SMALL, "B": SMALL, "a.R": DEPTH, "a.G": DEPTH, "a.B": DEPTH}
    assert read_rgb(write(tmp_path / "p.exr", channels)).channel == "R,G,B"


def test_rgb_mixed_pixel_types(tmp_path: Path) -> None:
    channels = {"R": SMALL.astype(np.float16), "G": SMALL, "B": SMALL}
    image = read_rgb(write(tmp_path / "mix.exr", channels))
    assert image.pixel_type == "half,float,float"


def test_rgb_missing(tmp_path: Path) -> None:
    path = write(tmp_path / "d.exr", {"Y": SMALL, "R": SMALL, "G": SMALL})
    with pytest.raises(InputError) as excinfo:
        read_rgb(path)
    message = problem(excinfo, path)
    assert "no normal layer found; channels: part 0: G, R, Y" in message
    assert "--normal-channel" in message

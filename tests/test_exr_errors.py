"""lib_dazdepth.engine.exr's errors: one InputError naming the file for every bad input, before
decoding where it can; every file is written here with the OpenEXR package."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from test_exr import DEPTH, SMALL, problem, spy_on_open, tiles, write

from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.exr import list_channels, read_depth, read_rgb
from lib_dazdepth.engine.exr_pixels import interleaves_mixed_types_safely


def test_decodes_once(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path / "g.exr", {"R": DEPTH, "G": DEPTH, "B": DEPTH, "Z": SMALL})
    calls = spy_on_open(monkeypatch)
    read_depth(path)
    assert calls == ["header", "chosen"]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.exr"
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert "file not found" in problem(excinfo, path)


def test_directory(tmp_path: Path) -> None:
    path = tmp_path / "folder.exr"
    path.mkdir()
    with pytest.raises(InputError) as excinfo:
        read_rgb(path)
    assert "directory" in problem(excinfo, path)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40),
        b"depth values as text\n1 2 3\n",
        b"v/",
    ],
)
def test_not_exr(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fake.exr"
    path.write_bytes(content)
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert "not an OpenEXR file" in problem(excinfo, path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.exr"
    path.write_bytes(b"")
    for reader in (read_depth, read_rgb, list_channels):
        with pytest.raises(InputError) as excinfo:
            reader(path)
        assert "empty file" in problem(excinfo, path)


def test_magic_then_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.exr"
    path.write_bytes(b"\x76\x2f\x31\x01" + b"\xff" * 64)
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert "truncated or corrupt EXR" in problem(excinfo, path)


@pytest.mark.parametrize("keep", ["half", "minus3", "minus1"])
@pytest.mark.parametrize("compression", [OpenEXR.NO_COMPRESSION, OpenEXR.ZIP_COMPRESSION])
@pytest.mark.parametrize("tiled", [False, True])
def test_truncated(tmp_path: Path, keep: str, compression, tiled: bool) -> None:
    rng = np.random.default_rng(1)
    data = rng.random((64, 48), dtype=np.float32)
    header = {"compression": compression}
    if tiled:
        header.update(type=OpenEXR.tiledimage, tiles=tiles(16))
    path = write(tmp_path / "t.exr", {"Y": data}, **header)
    whole = path.read_bytes()
    cut = {"half": len(whole) // 2, "minus3": len(whole) - 3, "minus1": len(whole) - 1}[keep]
    path.write_bytes(whole[:cut])
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert "truncated or corrupt EXR (pixel data cannot be decoded)" in problem(excinfo, path)


def test_truncated_header(tmp_path: Path) -> None:
    path = write(tmp_path / "t.exr", {"Y": SMALL})
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(InputError) as excinfo:
        list_channels(path)
    assert "truncated or corrupt EXR (cannot read header" in problem(excinfo, path)


def deep_pixels(shape: tuple[int, int]) -> np.ndarray:
    pixels = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        pixels[index] = np.array([1.0, 2.0], dtype=np.float32)
    return pixels


@pytest.mark.parametrize("storage", [OpenEXR.deepscanline, OpenEXR.deeptile])
def test_deep_refused(tmp_path: Path, storage, monkeypatch) -> None:
    header = {"type": storage, "compression": OpenEXR.ZIPS_COMPRESSION}
    if storage == OpenEXR.deeptile:
        header["tiles"] = tiles(2)
    path = write(tmp_path / "deep.exr", {"Z": deep_pixels((3, 4))}, **header)
    calls = spy_on_open(monkeypatch)
    for reader in (read_depth, read_rgb):
        with pytest.raises(InputError) as excinfo:
            reader(path)
        assert "deep EXR images are not supported" in problem(excinfo, path)
    assert set(calls) == {"header"}


def test_too_large_fails_before_decoding(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path / "big.exr", {"Y": DEPTH})
    calls = spy_on_open(monkeypatch)
    for reader in (read_depth, read_rgb):
        with pytest.raises(InputError) as excinfo:
            reader(path, max_pixels=11)
        message = problem(excinfo, path)
        assert "too large" in message
        assert "4x3" in message
    assert calls == ["header", "header"]
    assert read_depth(path, max_pixels=12).values.shape == (3, 4)


def test_many_channels_decode_only_the_chosen_one(tmp_path: Path, monkeypatch) -> None:
    """Nine more channels than needed: only Y is decoded, so the size limit is Y's."""
    channels = {f"c{i:02d}": SMALL for i in range(9)}
    channels["Y"] = DEPTH
    path = write(tmp_path / "many.exr", channels)
    asked: list[list[str]] = []
    real = OpenEXR.InputFile

    class Spy:
        def __init__(self, name):
            self.file = real(name)

        def header(self):
            return self.file.header()

        def channels(self, names, **rows):
            asked.append(list(names))
            return self.file.channels(names, **rows)

        def close(self):
            self.file.close()

    monkeypatch.setattr(OpenEXR, "InputFile", Spy)
    np.testing.assert_array_equal(read_depth(path, max_pixels=12).values, DEPTH)
    assert asked == [["Y"]]


def test_too_many_samples_when_every_part_is_decoded(tmp_path: Path) -> None:
    """Through OpenEXR.File alone (legacy=False, or a package without InputFile) a later
    part is decoded with every other: then the total is capped. With InputFile it is
    decoded alone (test_exr_parts.py), within the pixel limit."""
    extra = OpenEXR.Part({}, {f"c{i:02d}": SMALL for i in range(9)}, "extra")
    depth = OpenEXR.Part({}, {"Y": DEPTH}, "depth")
    path = tmp_path / "parts.exr"
    OpenEXR.File([extra, depth]).write(str(path))
    with pytest.raises(InputError) as excinfo:
        read_depth(path, max_pixels=12, legacy=False)
    assert "too large: 120 samples in all channels and parts" in problem(excinfo, path)
    np.testing.assert_array_equal(read_depth(path, max_pixels=15, legacy=False).values, DEPTH)
    np.testing.assert_array_equal(read_depth(path, max_pixels=12).values, DEPTH)


def test_no_usable_channel(tmp_path: Path) -> None:
    path = write(tmp_path / "alpha.exr", {"A": SMALL, "mask": SMALL, "R": SMALL})
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    message = problem(excinfo, path)
    assert "no depth channel found; channels: part 0: A, R, mask" in message
    assert "choose one with --channel" in message


def test_subsampled_channel_refused(tmp_path: Path) -> None:
    channel = OpenEXR.Channel(np.arange(4, dtype=np.float32).reshape(2, 2), 2, 2)
    path = write(tmp_path / "sub.exr", {"Y": channel})
    assert OpenEXR.File(str(path), header_only=True).parts[0].header["channels"][0].xSampling == 2
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert "subsampled" in problem(excinfo, path)


def test_errors_are_input_errors_for_pathlike_and_str(tmp_path: Path) -> None:
    path = tmp_path / "x.exr"
    path.write_bytes(b"not exr")
    for arg in (path, str(path)):
        with pytest.raises(InputError) as excinfo:
            read_depth(arg)
        assert excinfo.value.path == str(path)


def test_a_daz_canvas_is_the_packages_own_array(tmp_path: Path, monkeypatch) -> None:
    """Y alone, or R,G,B alone: OpenEXR.File decodes exactly what is wanted (R,G,B as one
    interleaved array), so its arrays are used as they are; anything more is read by name."""
    rgb = {"R": SMALL, "G": -SMALL, "B": DEPTH}
    paths = [
        write(tmp_path / "d.exr", {"Y": DEPTH}),
        write(tmp_path / "n.exr", dict(rgb)),
        write(tmp_path / "a.exr", {**rgb, "A": SMALL}),
    ]
    calls = spy_on_open(monkeypatch)
    depth = read_depth(paths[0])
    assert calls == ["header", "all"] and depth.values.flags.writeable
    calls.clear()
    normal = read_rgb(paths[1])
    # OpenEXR 3.4 would interleave mixed pixel types unconverted: it reads R,G,B by name
    assert calls == ["header", "all" if interleaves_mixed_types_safely() else "chosen"]
    assert normal.values.flags.c_contiguous and normal.values.base is None
    np.testing.assert_array_equal(normal.values, np.stack([SMALL, -SMALL, DEPTH], axis=-1))
    calls.clear()
    read_rgb(paths[2])
    assert calls == ["header", "chosen"]

"""A later part of a multipart EXR is decoded alone, and only its chosen channels: copied
undecoded to a one-part file (engine/exr_part.py) and read strip by strip. Every layout
(scanlines, tiles, compressions, pixel types, data windows) gives exactly what the
package's own full decode gives; a damaged structure is one error naming the file."""

from __future__ import annotations

import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_exr import problem, spy_on_open, tiles, window, write

from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.exr import read_depth, read_rgb

SIZE = 1024  # 4 MB a float channel


def extra_first(path: Path, depth: np.ndarray, extra: int = 8) -> Path:
    """Part 0: ``extra`` float channels of noise (Nuke's rgba and more); part 1: depth and
    a mask, as ``alone`` stores them."""
    rng = np.random.default_rng(5)
    noise = {f"extra{k}": rng.random(depth.shape, dtype=np.float32) for k in range(extra)}
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    parts = [
        OpenEXR.Part(dict(header), noise, "extra"),
        OpenEXR.Part(dict(header), {"Y": depth, "mask": (depth < 300).astype(np.float16)}, "depth"),
    ]
    OpenEXR.File(parts).write(str(path))
    return path


def alone(path: Path, depth: np.ndarray) -> Path:
    """The depth part of ``extra_first`` as a one-part file."""
    channels = {"Y": depth, "mask": (depth < 300).astype(np.float16)}
    return write(path, channels, compression=OpenEXR.ZIP_COMPRESSION)


def peak_bytes(read) -> int:
    """The peak of Python and numpy allocations (numpy reports its arrays to tracemalloc,
    the package's decoded channels among them) while ``read`` runs."""
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_later_part_is_decoded_alone(tmp_path: Path, monkeypatch) -> None:
    """Depth behind 32 MB of other channels in part 0 peaks as the same part in a file of
    its own does (decoding every part, as before, held all of them: about 7x)."""
    depth = np.linspace(100, 500, SIZE * SIZE, dtype=np.float32).reshape(SIZE, SIZE)
    parts = extra_first(tmp_path / "parts.exr", depth)
    single = alone(tmp_path / "alone.exr", depth)
    read_depth(single)  # the first read of a process imports and sets the thread pool
    baseline = peak_bytes(lambda: read_depth(single))
    later = peak_bytes(lambda: read_depth(parts))
    assert later < 1.2 * baseline, (later, baseline)
    everything = peak_bytes(lambda: read_depth(parts, legacy=False))  # OpenEXR.File: all
    assert everything > 5 * baseline
    calls = spy_on_open(monkeypatch)
    image = read_depth(parts)
    assert (image.part, image.label) == (1, "Y (part 1 depth)")
    np.testing.assert_array_equal(image.values, depth)
    assert calls == ["header", "chosen"]  # never OpenEXR.File's decode of every part


COMPRESSIONS = [
    OpenEXR.NO_COMPRESSION,
    OpenEXR.ZIP_COMPRESSION,
    OpenEXR.ZIPS_COMPRESSION,
    OpenEXR.RLE_COMPRESSION,
    OpenEXR.PIZ_COMPRESSION,
    OpenEXR.PXR24_COMPRESSION,
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    box=st.tuples(
        st.integers(-20, 20), st.integers(-20, 20), st.integers(1, 40), st.integers(1, 300)
    ),
    tiled=st.sampled_from([0, 1, 7, 64]),
    kind=st.sampled_from([np.float32, np.float16, np.uint32]),
    compression=st.sampled_from(COMPRESSIONS),
    part=st.integers(1, 2),
)
def test_every_layout_of_a_later_part(tmp_path, box, tiled, kind, compression, part) -> None:
    """The part read alone is what the package's full decode gives (the stored values, but
    for the lossy PXR24), with the data at its offset in the display window, exactly."""
    x0, y0, width, height = box
    rng = np.random.default_rng(width * height + part)
    data = (rng.random((height, width), dtype=np.float32) * 1000).astype(kind)
    header = {
        "dataWindow": window(x0, y0, x0 + width - 1, y0 + height - 1),
        "displayWindow": window(0, 0, 29, 199),
        "compression": compression,
        "type": OpenEXR.scanlineimage,
    }
    if tiled:
        header.update(type=OpenEXR.tiledimage, tiles=tiles(tiled))
    first = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    first["displayWindow"] = header["displayWindow"]  # the parts of a file share it
    grey = np.ones((200, 30), dtype=np.float32)
    parts = [OpenEXR.Part(dict(first), {"R": grey, "G": grey, "B": grey}, "rgb")]
    parts += [OpenEXR.Part(dict(first), {"A": grey}, "alpha")] * (part - 1)
    parts.append(OpenEXR.Part(header, {"Z": data, "other": data}, "depth"))
    path = tmp_path / "layout.exr"
    OpenEXR.File(parts).write(str(path))
    decoded = OpenEXR.File(str(path), separate_channels=True).parts[part].channels["Z"].pixels
    if compression != OpenEXR.PXR24_COMPRESSION:  # the one lossy compression here
        np.testing.assert_array_equal(decoded, data)
    expected = np.full((200, 30), np.nan, dtype=np.float32)
    ys, xs = slice(max(y0, 0), min(y0 + height, 200)), slice(max(x0, 0), min(x0 + width, 30))
    if ys.start < ys.stop and xs.start < xs.stop:
        expected[ys, xs] = decoded[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0]
    image = read_depth(path, part="depth")
    assert (
        image.part == part
        and image.pixel_type == {np.float32: "float", np.float16: "half", np.uint32: "uint"}[kind]
    )
    np.testing.assert_array_equal(image.values, expected)
    np.testing.assert_array_equal(read_depth(path, part=part, legacy=False).values, expected)


def test_normals_from_a_later_part_with_long_names(tmp_path: Path) -> None:
    """A Normal layer in part 2 whose channel names pass 31 bytes (the long-names flag)."""
    layer = "RenderLayer_with_a_long_name.Normal"
    rng = np.random.default_rng(2)
    normal = {f"{layer}.{c}": rng.uniform(-1, 1, (6, 5)).astype(np.float32) for c in "XYZ"}
    expected = np.stack(list(normal.values()), axis=-1)  # before Part takes the arrays over
    header = {"compression": OpenEXR.PIZ_COMPRESSION, "type": OpenEXR.tiledimage, "tiles": tiles(4)}
    first = {"compression": OpenEXR.NO_COMPRESSION, "type": OpenEXR.scanlineimage}
    flat = np.full((6, 5), 300.0, dtype=np.float32)  # the parts of a file share a size
    parts = [
        OpenEXR.Part(dict(first), {"R": flat}, "beauty"),
        OpenEXR.Part(dict(first), {"Y": flat}, "depth"),
        OpenEXR.Part(header, normal, "normals"),
    ]
    path = tmp_path / "n.exr"
    OpenEXR.File(parts).write(str(path))
    image = read_rgb(path, part="normals")
    assert image.part == 2 and image.channel == layer
    assert int.from_bytes(path.read_bytes()[4:8], "little") & 0x400  # the long-names flag
    np.testing.assert_array_equal(image.values, expected)


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("dazdepth-part-*")}


@pytest.mark.parametrize("damage", ["truncated", "part number", "chunk size", "offset"])
def test_a_damaged_multipart_file_is_one_error(tmp_path: Path, damage: str) -> None:
    depth = np.linspace(100, 500, 64 * 64, dtype=np.float32).reshape(64, 64)
    path = extra_first(tmp_path / "d.exr", depth, extra=2)
    data = bytearray(path.read_bytes())
    offsets_at = _offset_table(data, part=1)
    first_chunk = int.from_bytes(data[offsets_at : offsets_at + 8], "little")
    if damage == "truncated":
        data = data[: len(data) - 200]
    elif damage == "part number":
        data[first_chunk : first_chunk + 4] = (7).to_bytes(4, "little")
    elif damage == "chunk size":
        data[first_chunk + 8 : first_chunk + 12] = (1 << 30).to_bytes(4, "little")
    else:
        data[offsets_at : offsets_at + 8] = (len(data) + 5).to_bytes(8, "little")
    path.write_bytes(bytes(data))
    before = leftovers()
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert "truncated or corrupt EXR" in problem(excinfo, path)
    assert leftovers() == before  # the one-part copy is gone


def _offset_table(data: bytearray, part: int) -> int:
    """Where part ``part``'s offset table starts: after the headers' closing empty header,
    past the earlier parts' tables (each chunkCount offsets of 8 bytes)."""
    counts, at = [], 8
    while data[at] != 0:  # each header: attributes up to a null byte
        while data[at] != 0:
            name_end = data.index(0, at)
            kind_end = data.index(0, name_end + 1)
            size = int.from_bytes(data[kind_end + 1 : kind_end + 5], "little")
            if data[at:name_end] == b"chunkCount":
                counts.append(int.from_bytes(data[kind_end + 5 : kind_end + 9], "little"))
            at = kind_end + 5 + size
        at += 1
    return at + 1 + 8 * sum(counts[:part])

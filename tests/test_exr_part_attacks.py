"""Hostile multipart EXRs against the one-part copy (engine/exr_part.py): a small file never
makes a large temporary copy, a failing copy is one error naming the file, and no copy is
left behind. Files are written with the OpenEXR package, then their bytes are patched."""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import numpy as np
import OpenEXR
import pytest
from attacks import one_error_line, run_cli
from test_batch_stops import limit_file_size
from test_exr import problem, spy_on_open
from test_exr_parts import _offset_table

from lib_dazdepth.engine import exr_part
from lib_dazdepth.engine.depthmap import load_depth_map
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.exr import read_depth
from lib_dazdepth.engine.exr_part import MAX_ATTRIBUTES, MAX_CHANNELS, MAX_PARTS

FLAT = {"compression": OpenEXR.NO_COMPRESSION, "type": OpenEXR.scanlineimage}


def column_parts(path: Path, rows: int) -> Path:
    """Part 0: ``R``; part 1: depth ``Y``; one column of ``rows`` uncompressed scanlines,
    so each part has ``rows`` chunks of 4 bytes."""
    column = np.linspace(100, 500, rows, dtype=np.float32).reshape(rows, 1)
    parts = [
        OpenEXR.Part(dict(FLAT), {"R": np.ones((rows, 1), np.float32)}, "beauty"),
        OpenEXR.Part(dict(FLAT), {"Y": column}, "depth"),
    ]
    OpenEXR.File(parts).write(str(path))
    return path


def copies_made(monkeypatch) -> list[int]:
    """The size of each one-part copy when it is closed."""
    sizes: list[int] = []
    made: set[int] = set()
    real_mkstemp, real_close = tempfile.mkstemp, os.close

    def mkstemp(*args, **kwargs):
        handle, name = real_mkstemp(*args, **kwargs)
        made.add(handle)
        return handle, name

    def close(handle):
        if handle in made:
            sizes.append(os.fstat(handle).st_size)
        return real_close(handle)

    monkeypatch.setattr(exr_part.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(exr_part.os, "close", close)
    return sizes


def test_offsets_repeating_one_chunk_never_copy_more_than_the_file(tmp_path, monkeypatch):
    """Every offset of part 1 points at one 64 KB chunk appended to a 30 KB file: copied as
    it says, the one-part copy would grow to 64 MB (1024 x 64 KB); the chunks of a part lie
    after the offset tables and together fit in the file, or the file is damaged."""
    path = column_parts(tmp_path / "fat.exr", rows=1024)
    data = bytearray(path.read_bytes())
    table = _offset_table(data, part=1)
    fat = len(data)
    data += struct.pack("<iii", 1, 0, 1 << 16) + bytes(1 << 16)
    data[table : table + 8 * 1024] = struct.pack("<Q", fat) * 1024
    path.write_bytes(bytes(data))
    sizes = copies_made(monkeypatch)
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert len(sizes) == 1 and sizes[0] <= len(data), (sizes, len(data))
    assert "damaged multipart structure" in problem(excinfo, path)


def test_an_offset_back_into_the_offset_tables_is_damage(tmp_path: Path) -> None:
    """A chunk read from part 0's offset table, forged to look like a chunk of part 1."""
    path = column_parts(tmp_path / "back.exr", rows=4)
    data = bytearray(path.read_bytes())
    first_table, table = _offset_table(data, part=0), _offset_table(data, part=1)
    data[first_table : first_table + 12] = struct.pack("<iii", 1, 0, 4)  # part 1, y 0, 4 bytes
    data[table : table + 8] = struct.pack("<Q", first_table)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert "damaged multipart structure" in problem(excinfo, path)


def test_a_full_disk_under_the_copy_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """The temporary folder's disk fills (a file size limit) while part 1 is copied."""
    path = column_parts(tmp_path / "parts-Depth.exr", rows=4096)  # 64 KB a part
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    ran = run_cli(
        path,
        "--out",
        tmp_path / "out",
        env={"TMPDIR": str(temporary), "PYTHONDONTWRITEBYTECODE": "1"},  # no .pyc cut short
        preexec_fn=limit_file_size(16384),
    )
    line = one_error_line(ran, str(path))
    assert line == f"error: {path}: cannot copy part 1 to a temporary file (File too large)"
    assert list(temporary.iterdir()) == []
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def header_ends(data: bytes) -> list[int]:
    """Where each header of a multipart file ends (past its closing null byte)."""
    ends, at = [], 8
    while data[at] != 0:
        while data[at] != 0:  # an attribute: name, type, size, value
            kind_end = data.index(0, data.index(0, at) + 1)
            at = kind_end + 5 + int.from_bytes(data[kind_end + 1 : kind_end + 5], "little")
        at += 1
        ends.append(at)
    return ends


def many_parts(path: Path, count: int) -> Path:
    """``count`` parts of one pixel, the last holding depth ``Y`` = 5: the headers of a
    two-part file written by the package, repeated with names of one length."""
    template = path.with_suffix(".two.exr")
    OpenEXR.File(
        [
            OpenEXR.Part(dict(FLAT), {"R": np.ones((1, 1), np.float32)}, "p000000"),
            OpenEXR.Part(dict(FLAT), {"Y": np.full((1, 1), 5, np.float32)}, "d000000"),
        ]
    ).write(str(template))
    data = template.read_bytes()
    template.unlink()
    second, end = header_ends(data)
    first, last = data[8:second], data[second:end]
    headers = b"".join(first.replace(b"p000000", b"p%06d" % i) for i in range(count - 1))
    start = 8 + len(headers) + len(last) + 1 + 8 * count
    table = b"".join(struct.pack("<Q", start + 16 * i) for i in range(count))
    chunks = b"".join(struct.pack("<iiif", i, 0, 4, 1.0) for i in range(count - 1))
    chunks += struct.pack("<iiif", count - 1, 0, 4, 5.0)
    path.write_bytes(data[:8] + headers + last + b"\0" + table + chunks)
    return path


def test_a_file_of_too_many_parts_is_refused_before_its_headers_are_decoded(
    tmp_path: Path, monkeypatch
) -> None:
    """1025 parts are refused from a count of the headers (the package's header read of
    100,000 parts, a 37 MB file, ran for minutes and took gigabytes); 1024 are read."""
    limit = many_parts(tmp_path / "limit.exr", MAX_PARTS)
    assert read_depth(limit).values.tolist() == [[5.0]]
    path = many_parts(tmp_path / "many.exr", MAX_PARTS + 1)
    calls = spy_on_open(monkeypatch)
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert problem(excinfo, path) == f"{path}: more than {MAX_PARTS} parts; not read"
    assert calls == []


@pytest.mark.parametrize("parts", [1, 2])
def test_a_part_of_too_many_channels_is_refused_before_its_header_is_decoded(
    tmp_path: Path, monkeypatch, parts: int
) -> None:
    """4097 one-pixel channels beside the depth: the package's header read grows as the
    square of a part's channels (100,000 in a 3 MB file ran for minutes)."""
    pixel = np.ones((1, 1), np.float32)
    channels = {f"c{k:05d}": pixel for k in range(MAX_CHANNELS + 1)}
    path = tmp_path / "wide.exr"
    depth = OpenEXR.Part(dict(FLAT), {"Y": pixel}, "depth")
    OpenEXR.File([OpenEXR.Part(dict(FLAT), channels, "wide"), depth][:parts]).write(str(path))
    calls = spy_on_open(monkeypatch)
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert problem(excinfo, path) == f"{path}: more than {MAX_CHANNELS} channels; not read"
    assert calls == []


def test_headers_of_too_many_attributes_are_refused_before_they_are_decoded(
    tmp_path: Path, monkeypatch
) -> None:
    """32,769 one-letter attributes: the package's header read takes about 0.8 KB and
    40 us each (300,000 in a 6 MB file: 250 MB, 11.5 s)."""
    notes = {f"n{k:05d}": "x" for k in range(MAX_ATTRIBUTES + 1)}
    path = tmp_path / "notes.exr"
    OpenEXR.File({**FLAT, **notes}, {"Y": np.ones((1, 1), np.float32)}).write(str(path))
    calls = spy_on_open(monkeypatch)
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert problem(excinfo, path) == f"{path}: more than {MAX_ATTRIBUTES} attributes; not read"
    assert calls == []


def test_messages_stay_short_whatever_the_names(tmp_path: Path) -> None:
    """An error lists at most 12 channels or part names, each cut to 40 characters (in the
    middle, where names of one render are alike): a render
    of 300 passes without depth, or a 100,000-character --channel, made a line of tens of
    kilobytes (every channel, every character)."""
    pixel = np.ones((1, 1), np.float32)
    passes = {f"{'Cryptomatte' * 8}{k:03d}.R": pixel for k in range(300)}
    path = tmp_path / "passes.exr"
    OpenEXR.File(dict(FLAT), passes).write(str(path))
    for kwargs in ({}, {"channel": "x" * 100_000}, {"part": "p" * 100_000}):
        with pytest.raises(InputError) as excinfo:
            read_depth(path, **kwargs)
        message = problem(excinfo, path)
        assert len(message) < 600 + len(str(path)), len(message)
    assert message.endswith("part names: none")
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    assert "; … (288 more) — choose one with --channel" in problem(excinfo, path)
    assert "part 0: CryptomatteCryptoma…atteCryptomatte000.R, " in str(excinfo.value)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="Linux's /proc/self/fd")
def test_the_copy_has_no_name_while_it_is_made_and_read(tmp_path: Path, monkeypatch) -> None:
    """Where /proc/self/fd is, the copy is removed from its folder as soon as it is made,
    so a process killed meanwhile (SIGTERM, SIGKILL) leaves nothing: a SIGTERM 1.3 s into
    reading a 128 MB file left a 64 MB dazdepth-part-*.exr in /tmp."""
    path = column_parts(tmp_path / "parts.exr", rows=64)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    seen: list[list[str]] = []
    real_input = OpenEXR.InputFile

    def spy(name, *args, **kwargs):
        seen.append(sorted(os.listdir(temporary)))
        return real_input(name, *args, **kwargs)

    monkeypatch.setattr(OpenEXR, "InputFile", spy)
    np.testing.assert_array_equal(
        read_depth(path).values[:, 0], np.linspace(100, 500, 64, dtype=np.float32)
    )
    assert seen == [[]]
    assert os.listdir(temporary) == []


def test_a_long_attribute_name_without_the_long_names_flag_is_read(tmp_path: Path) -> None:
    """The package reads a later part whose header has a 40-character attribute name in a
    file without the long-names flag (a writer's slip); the copy refused it as damaged."""
    depth = np.linspace(100, 500, 16, dtype=np.float32).reshape(4, 4)
    parts = [
        OpenEXR.Part(dict(FLAT), {"R": depth}, "beauty"),
        OpenEXR.Part({**FLAT, "renderer/" + "x" * 31: "note"}, {"Y": depth}, "depth"),
    ]
    path = tmp_path / "notes.exr"
    OpenEXR.File(parts).write(str(path))
    data = bytearray(path.read_bytes())
    data[5] &= ~0x04  # bit 10 of the version field: long names
    path.write_bytes(bytes(data))
    stored = OpenEXR.File(str(path), separate_channels=True).parts[1].channels["Y"].pixels
    np.testing.assert_array_equal(stored, depth)
    np.testing.assert_array_equal(read_depth(path).values, depth)


def test_names_holding_control_characters_stay_on_one_line(tmp_path: Path) -> None:
    """Channel, part and file names are the file's or the user's: a newline in one made a
    second line ('error: fake line' under the real one), an escape sequence coloured the
    terminal. Messages show them escaped, as Python's ascii() does."""
    pixel = np.ones((1, 1), np.float32)
    spoof = {"a\nerror: fake line": pixel, "b\x1b[31mred\u2028": pixel}
    parts = [OpenEXR.Part(dict(FLAT), spoof, "p\rq"), OpenEXR.Part(dict(FLAT), {"G": pixel}, "g")]
    path = tmp_path / "new\nline.exr"
    OpenEXR.File(parts).write(str(path))
    with pytest.raises(InputError) as excinfo:
        read_depth(path)
    message = str(excinfo.value)
    assert message.isprintable(), message
    assert message == (
        "new\\nline.exr: no depth channel found; channels: part 0 (p\\rq): a\\nerror: fake line,"
        " b\\x1b[31mred\\u2028; part 1 (g): G — choose one with --channel"
    ).replace("new", f"{tmp_path}/new", 1)
    with pytest.raises(InputError) as excinfo:
        read_depth(tmp_path / "gone\n.exr")
    assert str(excinfo.value) == f"{tmp_path}/gone\\n.exr: file not found"


def test_a_guess_between_names_with_newlines_is_one_line_each(tmp_path: Path) -> None:
    pixel = np.full((1, 1), 5.0, np.float32)
    path = tmp_path / "stereo.exr"
    OpenEXR.File(dict(FLAT), {"left\n.Z": pixel, "right\n.Z": pixel}).write(str(path))
    depth_map = load_depth_map(path)
    lines = [depth_map.source.describe(), *depth_map.source.notes()]
    assert all(line.isprintable() for line in lines), lines
    assert lines[1].startswith("used left\\n.Z, but right\\n.Z could be meant too")

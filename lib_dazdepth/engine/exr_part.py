"""One part of a multipart EXR as a one-part file of its own, so that only its chosen
channels are decoded.

The ``OpenEXR`` package reads chosen channels strip by strip only from a file's first part
(``InputFile``); its ``File`` decodes every channel of every part. So the part wanted is
copied, undecoded, into a temporary one-part file: its header's attributes as they are,
an offset table, and its chunks without the part number a multipart file puts before
each one (OpenEXR file layout: magic and version, headers ending with an empty one, an
offset table per part, chunks ``part, y, size, data`` for scanlines and ``part, tile x,
tile y, level x, level y, size, data`` for tiles). Deep parts are refused before this.
A part's chunks must lie after the offset tables and fit in the file together, so the copy
is never larger than the file, whatever its offsets say.
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from .errors import InputError

CORRUPT = "truncated or corrupt EXR (damaged multipart structure)"
# What the headers of a file may hold, counted before the package reads them: its header
# read took 11.5 s and 250 MB for 300,000 attributes (a 6 MB file), minutes for 100,000
# parts (37 MB), and grows as the square of a part's channels (30,000: 4 s).
MAX_PARTS = 1024
MAX_CHANNELS = 4096  # in all parts
MAX_ATTRIBUTES = 32768  # in all headers
_TILED, _LONG_NAMES, _MULTIPART = 0x200, 0x400, 0x1000
# Longest name read: 255, the long-names flag's, with or without the flag, as the package
# reads a 40-character attribute name in a file that lacks it.
_NAMES = 255
_COPY = 1 << 22  # bytes copied at a time
_OPEN_FILES = "/proc/self/fd"  # Linux: a path to each open file, named or not


class _Damaged(Exception):
    pass


def _exactly(handle: BinaryIO, count: int) -> bytes:
    """``count`` bytes, read a piece at a time: a size the file cannot hold (2 GB in a
    forged header) is never allocated."""
    data = handle.read(min(count, _COPY))
    while len(data) < count:
        more = handle.read(min(count - len(data), _COPY))
        if not more:
            raise _Damaged
        data += more
    return data


def _text(handle: io.BufferedReader, limit: int) -> bytes:
    """A null-terminated name of at most ``limit`` bytes (empty: the end of a list), found
    in what the buffer holds ahead (byte by byte, headers of 1024 parts took seconds)."""
    found = b""
    while len(found) <= limit:
        ahead = handle.peek(limit + 1)[: limit + 1 - len(found)]
        if not ahead:
            raise _Damaged
        end = ahead.find(b"\0")
        if end >= 0:
            return found + handle.read(end + 1)[:-1]
        found += handle.read(len(ahead))
    raise _Damaged


def _header(
    handle: io.BufferedReader, limit: int, most: int = MAX_ATTRIBUTES
) -> tuple[bytes, dict[bytes, bytes], int] | None:
    """One header's attributes as stored (without its closing null byte), their values by
    name and their count (at most ``most``); None for the empty header that ends a
    multipart file's list."""
    raw, values, count = bytearray(), {}, 0
    while count < most:
        name = _text(handle, limit)
        if not name:
            return (bytes(raw), values, count) if raw else None
        count += 1
        kind = _text(handle, limit)
        size_bytes = _exactly(handle, 4)
        (size,) = struct.unpack("<i", size_bytes)
        if size < 0:
            raise _Damaged
        value = _exactly(handle, size)
        raw += name + b"\0" + kind + b"\0" + size_bytes + value
        values[name] = value
    return bytes(raw), values, count


def _copy(source: BinaryIO, target: BinaryIO, count: int) -> None:
    while count > 0:
        data = _exactly(source, min(count, _COPY))
        target.write(data)
        count -= len(data)


def _extract(source: io.BufferedReader, target: BinaryIO, part: int, file_size: int) -> None:
    magic_version = _exactly(source, 8)
    (flags,) = struct.unpack("<I", magic_version[4:])
    if not flags & _MULTIPART:
        raise _Damaged
    headers = []
    while (found := _header(source, _NAMES)) is not None:
        headers.append(found[:2])
    if not 0 <= part < len(headers):
        raise _Damaged
    counts = []
    for _, values in headers:
        count = struct.unpack("<i", values.get(b"chunkCount", b"\xff\xff\xff\xff"))[0]
        if count < 0 or count * 8 > file_size:
            raise _Damaged
        counts.append(count)
    chunks_from = source.tell() + 8 * sum(counts)  # chunks lie after every offset table
    source.seek(8 * sum(counts[:part]), os.SEEK_CUR)
    offsets = struct.unpack(f"<{counts[part]}Q", _exactly(source, 8 * counts[part]))
    # What a part's chunks hold fits in the file: a small file never makes a large copy
    # (offsets repeating one chunk would copy it again for each).
    budget = file_size - chunks_from
    raw, values = headers[part]
    tiled = values.get(b"type", b"").startswith(b"tiledimage") or b"tiles" in values
    head = 24 if tiled else 12  # part number, coordinates and the data size
    table = 8 + len(raw) + 1 + 8 * len(offsets)
    long_names = flags & _LONG_NAMES or any(len(name) > 31 for name in values)
    version = 2 | (_TILED if tiled else 0) | (_LONG_NAMES if long_names else 0)
    target.write(magic_version[:4] + struct.pack("<I", version) + raw + b"\0")
    target.seek(table)
    new_offsets = []
    for offset in offsets:
        if not chunks_from <= offset <= file_size - head:
            raise _Damaged
        source.seek(offset)
        chunk_head = _exactly(source, head)
        (number,), (size,) = (
            struct.unpack("<i", chunk_head[:4]),
            struct.unpack("<i", chunk_head[-4:]),
        )
        budget -= head + size
        if number != part or size < 0 or offset + head + size > file_size or budget < 0:
            raise _Damaged
        new_offsets.append(target.tell())
        target.write(chunk_head[4:])
        _copy(source, target, size)
    target.seek(table - 8 * len(offsets))
    target.write(struct.pack(f"<{len(new_offsets)}Q", *new_offsets))


def check_counts(path: str) -> None:
    """InputError naming ``path`` when its headers hold more than ``MAX_PARTS`` parts,
    ``MAX_CHANNELS`` channels or ``MAX_ATTRIBUTES`` attributes, counted before anything
    else reads them; nothing for a damaged file (the reader that follows says what)."""
    counts = {"parts": 0, "channels": 0, "attributes": 0}
    limits = {"parts": MAX_PARTS, "channels": MAX_CHANNELS, "attributes": MAX_ATTRIBUTES}
    try:
        with open(path, "rb") as source:
            (flags,) = struct.unpack("<I", _exactly(source, 8)[4:])
            while (found := _header(source, _NAMES, MAX_ATTRIBUTES + 1)) is not None:
                counts["parts"] += 1
                counts["channels"] += _channel_count(found[1].get(b"channels", b""))
                counts["attributes"] += found[2]
                over = [what for what, count in counts.items() if count > limits[what]]
                if over:
                    raise InputError(path, f"more than {limits[over[0]]} {over[0]}; not read")
                if not flags & _MULTIPART:
                    return
    except (OSError, _Damaged, struct.error):
        return


def _channel_count(channels: bytes) -> int:
    """Entries of a ``chlist`` value: each a name, its null byte and 16 bytes."""
    count, at = 0, 0
    while at < len(channels) and channels[at] != 0 and count <= MAX_CHANNELS:
        at = channels.find(b"\0", at) + 17
        if at < 17:
            raise _Damaged
        count += 1
    return count


@contextlib.contextmanager
def part_as_file(path: str, part: int) -> Iterator[str]:
    """The path of a temporary one-part EXR holding part ``part`` of the multipart EXR at
    ``path`` (pixels undecoded, bytes as stored), removed afterwards. Where the system has
    ``/proc/self/fd`` (Linux), the copy leaves its folder as soon as it is made and is read
    through its descriptor, so even a killed process leaves nothing behind. InputError
    naming ``path`` when its structure is damaged or the copy cannot be written (a full
    disk)."""
    try:
        handle, single = tempfile.mkstemp(suffix=".exr", prefix="dazdepth-part-")
    except OSError as error:
        raise InputError(path, _cannot_copy(part, error)) from None
    named = single
    try:
        if os.path.isdir(_OPEN_FILES):
            os.unlink(single)
            single, named = "", f"{_OPEN_FILES}/{handle}"
        try:
            with open(path, "rb") as source, os.fdopen(handle, "wb", closefd=False) as target:
                _extract(source, target, part, os.fstat(source.fileno()).st_size)
        except (_Damaged, struct.error, OverflowError):
            raise InputError(path, CORRUPT) from None
        except OSError as error:  # the copy's disk is full, or the file went away
            raise InputError(path, _cannot_copy(part, error)) from None
        yield named
    finally:
        os.close(handle)
        if single:
            os.unlink(single)


def _cannot_copy(part: int, error: OSError) -> str:
    return f"cannot copy part {part} to a temporary file ({error.strerror or error})"

"""PNG writing: every row with the "Up" filter, done in numpy, then zlib.

Pillow tries five filters on every row and keeps the best; on depth maps, masks and normal
maps (smooth or flat) the Up filter alone (each byte minus the byte above it, modulo 256)
compresses about as well, and is several times faster (``bench`` measures both). The file is
a plain PNG (ISO/IEC 15948): IHDR, the text chunks, IDAT, IEND; readers decode exactly the
pixels given. Rows go through zlib a block at a time, so an image can also be written as it
is made (``PngWriter``) without holding it whole. Blocks are compressed on every core: each
is its own run of deflate blocks ending on a byte boundary (a sync flush), so they join into
one zlib stream, whose Adler-32 is combined from theirs.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
UP = 2  # the filter type byte of the Up filter
BLOCK_BYTES = 1 << 20  # rows filtered and compressed at a time (about 1 MB): a task
IDAT_BYTES = 1 << 20  # compressed bytes per IDAT chunk
COLOUR_TYPES = {1: 0, 3: 2}  # channels -> PNG colour type: grey, RGB
ZLIB_HEADER = b"\x78\x01"  # deflate, 32 KB window, fastest (the header zlib writes at level 1)
ADLER_BASE = 65521


def adler32_join(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings joined, from theirs. With A = 1 + the sum of the
    bytes and B = the sum of the A after each byte (mod 65521), appending n bytes adds
    their sum - (A2 - 1) - to A, and to B their own B2 plus n times the A reached before."""
    a1, b1 = first & 0xFFFF, first >> 16
    a2, b2 = second & 0xFFFF, second >> 16
    a = (a1 + a2 - 1) % ADLER_BASE
    b = (b1 + b2 + second_length * (a1 - 1)) % ADLER_BASE
    return (b << 16) | a


def _deflated(filtered: np.ndarray, level: int) -> tuple[bytes, int, int]:
    """One block's raw deflate data ending on a byte boundary, its Adler-32 and length."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = packer.compress(filtered) + packer.flush(zlib.Z_SYNC_FLUSH)
    return data, zlib.adler32(filtered), filtered.size


def chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def text_chunk(key: str, value: str, compress: bool = False) -> bytes:
    """tEXt (or zTXt when ``compress``) for Latin-1 text, iTXt (UTF-8) otherwise; as Pillow's
    ``PngInfo.add_text`` writes them, so Pillow reads them back into ``image.text``."""
    name = key.encode("latin-1")
    if not 1 <= len(name) <= 79:
        raise ValueError(f"PNG text key must be 1 to 79 Latin-1 characters: {key!r}")
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        utf8 = value.encode("utf-8")
        body = zlib.compress(utf8) if compress else utf8
        return chunk(b"iTXt", name + b"\0" + bytes((int(compress), 0)) + b"\0\0" + body)
    if compress:
        return chunk(b"zTXt", name + b"\0\0" + zlib.compress(raw))
    return chunk(b"tEXt", name + b"\0" + raw)


def _layout(image: np.ndarray) -> tuple[int, int]:
    """(bit depth, colour type) of an (H, W) or (H, W, 3) uint8/uint16 image."""
    channels = 1 if image.ndim == 2 else image.shape[2] if image.ndim == 3 else 0
    if channels not in COLOUR_TYPES or image.dtype not in (np.uint8, np.uint16):
        raise ValueError(f"a PNG image is (H, W) or (H, W, 3) uint8/uint16, got {image.dtype}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"a PNG image cannot be empty: {image.shape}")
    return 8 * image.dtype.itemsize, COLOUR_TYPES[channels]


class PngWriter:
    """Write a PNG to ``handle`` block of rows by block of rows (``rows``), then ``close``.

    ``width``, ``height``, ``dtype`` and ``channels`` say what the rows will be; ``text``
    becomes text chunks before the pixels (values over 512 characters compressed, as
    before with Pillow).
    """

    def __init__(
        self,
        handle: BinaryIO,
        width: int,
        height: int,
        dtype: type | np.dtype = np.uint8,
        channels: int = 1,
        text: dict[str, str] | None = None,
        level: int = 1,
    ) -> None:
        shape = (1, width) if channels == 1 else (1, width, channels)
        bits, colour = _layout(np.empty(shape, dtype=dtype))
        self.handle, self.height, self.done = handle, height, 0
        self.row_shape = shape[1:]
        self.dtype = np.dtype(dtype).newbyteorder(">")  # PNG samples are big-endian
        self.previous = np.zeros(width * channels * self.dtype.itemsize, dtype=np.uint8)
        self.level, self.adler = level, 1
        self.pending: list[bytes] = [ZLIB_HEADER]  # compressed bytes not yet in an IDAT
        header = struct.pack(">IIBBBBB", width, height, bits, colour, 0, 0, 0)
        parts = [SIGNATURE, chunk(b"IHDR", header)]
        parts += [text_chunk(k, v, len(v) > 512) for k, v in (text or {}).items()]
        handle.write(b"".join(parts))

    def rows(self, block: np.ndarray) -> None:
        """Add the next rows: (n, W) or (n, W, 3) of the writer's dtype."""
        if block.shape[1:] != self.row_shape or self.done + block.shape[0] > self.height:
            raise ValueError(f"rows of shape {self.row_shape} expected, got {block.shape}")
        step = max(1, BLOCK_BYTES // self.previous.size)
        tops = range(0, block.shape[0], step)
        above = [self.previous, *(self._raw(block[t - 1 : t])[0] for t in tops[1:])]
        self.previous = self._raw(block[-1:])[0].copy()

        def pack(k: int) -> tuple[bytes, int, int]:
            return _deflated(self._filtered(block[tops[k] : tops[k] + step], above[k]), self.level)

        workers = min(len(tops), os.cpu_count() or 1, 4)
        if workers > 1:
            with ThreadPoolExecutor(workers) as pool:
                packed = list(pool.map(pack, range(len(tops))))
        else:
            packed = [pack(k) for k in range(len(tops))]
        for data, adler, length in packed:
            self.adler = adler32_join(self.adler, adler, length)
            self._idat(data)
        self.done += block.shape[0]

    def _raw(self, rows: np.ndarray) -> np.ndarray:
        """Rows as the bytes PNG stores, one row of bytes per image row."""
        raw = np.ascontiguousarray(rows, dtype=self.dtype).view(np.uint8)
        return raw.reshape(rows.shape[0], -1)

    def _filtered(self, rows: np.ndarray, above: np.ndarray) -> np.ndarray:
        """The Up filter: a filter-type byte, then each byte minus the one above (mod 256)."""
        raw = self._raw(rows)
        filtered = np.empty((raw.shape[0], raw.shape[1] + 1), dtype=np.uint8)
        filtered[:, 0] = UP
        np.subtract(raw[1:], raw[:-1], out=filtered[1:, 1:])  # wraps modulo 256
        np.subtract(raw[0], above, out=filtered[0, 1:])
        return filtered

    def close(self) -> None:
        if self.done != self.height:
            raise ValueError(f"{self.done} of {self.height} rows written")
        end = zlib.compressobj(self.level, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
        self._idat(end + struct.pack(">I", self.adler), last=True)
        self.handle.write(chunk(b"IEND", b""))

    def _idat(self, data: bytes, last: bool = False) -> None:
        """Gather zlib's output into IDAT chunks of at least IDAT_BYTES (but the last)."""
        self.pending.append(data)
        if last or sum(map(len, self.pending)) >= IDAT_BYTES:
            self.handle.write(chunk(b"IDAT", b"".join(self.pending)))
            self.pending = []


def write_png(
    handle: BinaryIO, image: np.ndarray, text: dict[str, str] | None = None, level: int = 1
) -> None:
    """Write ``image`` ((H, W) or (H, W, 3), uint8 or uint16) as a PNG."""
    _layout(image)
    channels = 1 if image.ndim == 2 else 3
    writer = PngWriter(handle, image.shape[1], image.shape[0], image.dtype, channels, text, level)
    writer.rows(image)
    writer.close()


def png_bytes(image: np.ndarray, text: dict[str, str] | None = None, level: int = 1) -> bytes:
    """``image`` as PNG file bytes."""
    parts: list[bytes] = []

    class Sink:
        write = parts.append

    write_png(Sink(), image, text, level)  # type: ignore[arg-type]
    return b"".join(parts)


def chunks_of(data: bytes) -> Iterable[tuple[bytes, bytes]]:
    """(type, data) of each chunk of a PNG file's bytes (for tests and checks)."""
    at = len(SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        yield data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        at += 12 + length

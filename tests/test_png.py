"""lib_dazdepth.engine.png: PNGs with the Up filter decode (with Pillow) to exactly the pixels
given, in blocks or streamed, with Pillow-readable text chunks."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from lib_dazdepth.engine import png
from lib_dazdepth.engine.png import PngWriter, chunks_of, png_bytes


def decoded(data: bytes) -> tuple[np.ndarray, Image.Image]:
    image = Image.open(io.BytesIO(data))
    image.load()
    return np.asarray(image), image


SHAPES = st.tuples(st.integers(1, 9), st.integers(1, 9))


@settings(max_examples=60, deadline=None)
@given(
    image=st.one_of(
        arrays(np.uint8, SHAPES),
        arrays(np.uint16, SHAPES),
        arrays(np.uint8, st.tuples(st.integers(1, 9), st.integers(1, 9), st.just(3))),
    ),
    block=st.integers(1, 64),
)
def test_any_image_decodes_exactly(image: np.ndarray, block: int) -> None:
    original = png.BLOCK_BYTES
    png.BLOCK_BYTES = block  # small blocks: the row above comes from the previous block
    try:
        data = png_bytes(image)
    finally:
        png.BLOCK_BYTES = original
    pixels, opened = decoded(data)
    expected_mode = {1: "L", 2: "I"}[image.itemsize] if image.ndim == 2 else "RGB"
    assert opened.mode in (expected_mode, "I;16")
    np.testing.assert_array_equal(pixels.astype(image.dtype), image)


def test_every_row_uses_the_up_filter() -> None:
    image = np.arange(4 * 5, dtype=np.uint8).reshape(4, 5) * 13
    data = png_bytes(image)
    idat = b"".join(body for kind, body in chunks_of(data) if kind == b"IDAT")
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(4, 6)
    assert (rows[:, 0] == 2).all()
    np.testing.assert_array_equal(rows[0, 1:], image[0])
    np.testing.assert_array_equal(rows[1:, 1:], (image[1:] - image[:-1]).astype(np.uint8))
    assert [kind for kind, _ in chunks_of(data)] == [b"IHDR", b"IDAT", b"IEND"]


def test_streamed_rows_give_the_same_pixels() -> None:
    rng = np.random.default_rng(5)
    image = rng.integers(0, 255, (50, 7, 3), dtype=np.uint8)
    out = io.BytesIO()
    writer = PngWriter(out, 7, 50, np.uint8, 3)
    for top in (0, 1, 20, 33):
        writer.rows(image[top : {0: 1, 1: 20, 20: 33, 33: 50}[top]])
    writer.close()
    np.testing.assert_array_equal(decoded(out.getvalue())[0], image)
    with pytest.raises(ValueError, match="30 of 50 rows written"):
        short = PngWriter(io.BytesIO(), 7, 50, np.uint8, 3)
        short.rows(image[:30])
        short.close()
    with pytest.raises(ValueError, match="rows of shape"):
        PngWriter(io.BytesIO(), 7, 50).rows(image[:2])


def test_text_chunks_read_back_with_pillow() -> None:
    text = {"Software": "Daz Depth 0.1", "long": "x" * 600, "unicode": "Tiefe ≥ 2 m — ok"}
    data = png_bytes(np.zeros((2, 2), np.uint8), text)
    kinds = [kind for kind, _ in chunks_of(data)]
    assert kinds == [b"IHDR", b"tEXt", b"zTXt", b"iTXt", b"IDAT", b"IEND"]
    assert decoded(data)[1].text == text


@pytest.mark.parametrize(
    "image",
    [np.zeros((2, 2), np.float32), np.zeros((0, 3), np.uint8), np.zeros((2, 2, 4), np.uint8)],
)
def test_what_is_not_a_png_image_is_refused(image: np.ndarray) -> None:
    with pytest.raises(ValueError, match="PNG image"):
        png_bytes(image)


def test_adler32_of_joined_bytes_from_the_parts() -> None:
    rng = np.random.default_rng(2)
    for length in (0, 1, 5552, 70000):
        first = rng.integers(0, 256, 3000, dtype=np.uint8).tobytes()
        second = rng.integers(0, 256, length, dtype=np.uint8).tobytes()
        joined = png.adler32_join(zlib.adler32(first), zlib.adler32(second), length)
        assert joined == zlib.adler32(first + second)


def test_blocks_compressed_on_several_threads_make_one_zlib_stream(monkeypatch) -> None:
    monkeypatch.setattr(png, "BLOCK_BYTES", 64)  # 60 blocks of 4 rows
    image = (np.arange(240 * 16) % 251).astype(np.uint8).reshape(240, 16)
    data = png_bytes(image)
    idat = b"".join(body for kind, body in chunks_of(data) if kind == b"IDAT")
    assert idat[:2] == b"\x78\x01" and len(zlib.decompress(idat)) == 240 * 17
    np.testing.assert_array_equal(decoded(data)[0], image)

"""Masks read as the Regional Prompter reads them, compared with what the artist set."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from lib_dazdepth.engine.mask_reading import read_mask

NO_SECTION = "<no section>"


def words_per_pixel(mask: np.ndarray | bytes, prompt: str, use_base: bool = True) -> np.ndarray:
    """The words of the BREAK section the Regional Prompter applies to each pixel of
    ``mask`` (an RGB array or PNG bytes), an (H, W) object array."""
    if isinstance(mask, bytes):
        with Image.open(io.BytesIO(mask)) as image:
            mask = np.asarray(image.convert("RGB"))
    reading = read_mask(mask, prompt, use_base)
    table = np.array([*reading.sections, NO_SECTION], dtype=object)
    return table[reading.section]


def assert_reads_as(mask, prompt: str, expected: np.ndarray, use_base: bool = True) -> None:
    got = words_per_pixel(mask, prompt, use_base)
    wrong = got != expected
    assert not wrong.any(), (
        f"{int(wrong.sum())} pixels read wrong, e.g. at {np.argwhere(wrong)[0].tolist()}:"
        f" {got[wrong][0]!r} instead of {expected[wrong][0]!r}"
    )

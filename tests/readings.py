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


def artist_words(
    regions: np.ndarray, labels: dict[int, str], base: str, use_base: bool
) -> np.ndarray:
    """What each pixel should get: its region's label (``regions``: the region number the
    artist gave each pixel, -1 for none); pixels without a region get the base prompt, or
    without "use base" the first region's (the lowest number's) label."""
    first = labels[min(labels)] if labels else base
    rest = base if use_base else first
    out = np.full(regions.shape, rest, dtype=object)
    for number, label in labels.items():
        out[regions == number] = label
    return out


def assert_reads_as(mask, prompt: str, expected: np.ndarray, use_base: bool = True) -> None:
    got = words_per_pixel(mask, prompt, use_base)
    wrong = got != expected
    assert not wrong.any(), (
        f"{int(wrong.sum())} pixels read wrong, e.g. at {np.argwhere(wrong)[0].tolist()}:"
        f" {got[wrong][0]!r} instead of {expected[wrong][0]!r}"
    )

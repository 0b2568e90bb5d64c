"""A region mask as the Regional Prompter reads it: which BREAK section each pixel gets.

Written from the facts (facts.md section 4; the Regional Prompter's source at be62345,
``scripts/regions.py``, ``detect_image_colours`` and ``inpaintmaskdealer``), not from its
code:

- it finds the palette colours present in the image: colours whose saturation and value
  round (2 places) into 0.49..0.51 and whose hue is exactly a palette hue (here: the
  8-bit colour is exactly the palette's, as ``palette.region_colours`` writes it);
- it keeps them in palette order and drops any whose palette index is more than 20
  above the number of colours found;
- it makes one mask per kept colour that has pixels, in that order; the i-th mask takes
  the i-th BREAK section, counting after the base section when "use base prompt" is on;
- without "use base", the first mask also takes every uncoloured pixel.

Every mask the product writes goes through :func:`read_mask` in the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .palette import region_colours

PALETTE_SIZE = 256  # distinct 8-bit colours: the first 256 palette entries all differ
DROP_MARGIN = 20  # an index more than this above the number of colours found is dropped
NO_SECTION = -1  # a pixel whose mask has no BREAK section (the prompt has too few)
BREAK = re.compile(r"\bBREAK\b")


def prompt_sections(prompt: str) -> list[str]:
    """The prompt's sections between ``BREAK`` keywords (upper case, a whole word), each
    stripped of surrounding spaces: ``"a BREAK b"`` -> ``["a", "b"]``."""
    return [part.strip() for part in BREAK.split(prompt)]


@lru_cache(maxsize=1)
def _palette_codes() -> dict[int, int]:
    """Packed 0xRRGGBB -> palette index, for the first PALETTE_SIZE entries."""
    return {(r << 16) | (g << 8) | b: i for i, (r, g, b) in enumerate(region_colours(PALETTE_SIZE))}


def _saturation_value_ok(codes: np.ndarray) -> np.ndarray:
    """Whether each packed colour's HSV saturation and value round into 0.49..0.51."""
    rgb = np.stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255], axis=-1) / 255.0
    high, low = rgb.max(axis=-1), rgb.min(axis=-1)
    saturation = np.divide(high - low, high, out=np.zeros_like(high), where=high > 0)
    inside = [(np.round(x, 2) >= 0.49) & (np.round(x, 2) <= 0.51) for x in (saturation, high)]
    return inside[0] & inside[1]


def palette_indices(image: np.ndarray) -> np.ndarray:
    """Palette index of each pixel of an (H, W, 3) uint8 image, -1 where the colour is not
    a palette colour the Regional Prompter detects."""
    rgb = np.asarray(image)
    if rgb.ndim != 3 or rgb.shape[2] < 3 or rgb.dtype != np.uint8:
        raise ValueError("a region mask is an (H, W, 3) 8-bit RGB image")
    packed = (
        (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) | rgb[..., 2]
    ).ravel()
    # A mask is mostly runs of one colour: look up the first pixel of each run only.
    starts = np.flatnonzero(np.r_[True, packed[1:] != packed[:-1]])
    codes, inverse = np.unique(packed[starts], return_inverse=True)
    lookup = _palette_codes()
    index = np.array([lookup.get(int(c), -1) for c in codes], dtype=np.int32)
    index[~_saturation_value_ok(codes)] = -1
    per_run = index[inverse.ravel()]
    return np.repeat(per_run, np.diff(np.r_[starts, packed.size])).reshape(rgb.shape[:2])


@dataclass(frozen=True)
class Reading:
    """What the Regional Prompter makes of a mask and a prompt."""

    sections: tuple[str, ...]  # the prompt's BREAK sections, the base first when used
    section: np.ndarray  # (H, W) int16: index into ``sections`` per pixel, or NO_SECTION
    masks: tuple[int, ...]  # palette indices kept, in order: mask i is masks[i]
    dropped: tuple[int, ...]  # palette indices present but dropped (index too high)
    use_base: bool

    @property
    def first_region_section(self) -> int:
        return 1 if self.use_base else 0

    def mask_section(self, mask: int) -> int:
        """The section mask ``mask`` (0-based) takes; NO_SECTION when the prompt has none."""
        section = mask + self.first_region_section
        return section if section < len(self.sections) else NO_SECTION


def read_mask(image: np.ndarray, prompt: str, use_base: bool = True) -> Reading:
    """Per pixel, the BREAK section of ``prompt`` the Regional Prompter applies.

    ``image``: (H, W, 3) uint8 RGB mask. With ``use_base``, section 0 is the base prompt and
    uncoloured pixels get it alone (0); the i-th mask gets section i + 1. Without it, the
    i-th mask gets section i and uncoloured pixels take the first mask's (0). A mask beyond
    the last section gets NO_SECTION. Raises ValueError for a non-RGB image.
    """
    index = palette_indices(image)
    present = np.unique(index[index >= 0]).tolist()
    kept = [k for k in present if k <= len(present) + DROP_MARGIN]
    dropped = [k for k in present if k not in kept]
    sections = prompt_sections(prompt)
    reading = Reading(tuple(sections), np.empty(0, np.int16), tuple(kept), tuple(dropped), use_base)
    table = np.zeros(PALETTE_SIZE + 1, dtype=np.int16)  # last entry: uncoloured (-1)
    for mask, palette_index in enumerate(kept):
        table[palette_index] = reading.mask_section(mask)
    if not use_base and kept:  # the first mask takes every uncoloured pixel
        table[-1] = table[kept[0]]
        table[dropped] = table[kept[0]]
    section = table[np.where(index >= 0, index, PALETTE_SIZE)]
    return Reading(tuple(sections), section, tuple(kept), tuple(dropped), use_base)

"""Images from mapped levels: grey depth (8 or 16 bit), test colours, regions, mask."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ids import IdObjects
from .mapping import BLACK, Mapped
from .palette import RGB, parse_colour
from .region_plan import RegionPlan, build_plan
from .region_sources import number_counts, override, region_numbers
from .splits import SplitSet


def levels(fine: np.ndarray) -> np.ndarray:
    """8-bit level per pixel, 256 where black."""
    return fine >> 8


def grey16(fine: np.ndarray) -> np.ndarray:
    """16-bit grey: ``grey16 >> 8 == grey8``, with 256 steps inside each level."""
    out = (BLACK - 1 - np.minimum(fine, BLACK - 1)).astype(np.uint16)
    out[fine >= BLACK] = 0
    return out


def paint(base: np.ndarray, split: np.ndarray, colours: list[RGB | None]) -> np.ndarray:
    """RGB image: grey ``base`` where the pixel's split has no colour, else the colour."""
    count = len(colours)
    table = np.zeros((count + 1, 3), dtype=np.uint8)
    has = np.zeros(count + 1, dtype=bool)
    for i, colour in enumerate(colours):
        if colour is not None:
            table[i], has[i] = colour, True
    index = np.where(split < 0, count, split)
    rgb = np.repeat(base[..., None], 3, axis=2)
    chosen = has[index]
    rgb[chosen] = table[index[chosen]]
    return rgb


def test_image(mapped: Mapped, splits: SplitSet) -> np.ndarray:
    """Grey depth with each split flagged ``test`` painted its colour."""
    colours = [parse_colour(s.test_colour) if s.test_colour else None for s in splits.splits]
    return paint(mapped.grey8(), _need_split(mapped), colours)


@dataclass(frozen=True)
class RegionOutput:
    """A full-size Regional Prompter mask and the plan it was painted from: the template
    and the payloads come from the same plan (region_plan.py)."""

    image: np.ndarray  # (H, W, 3) uint8: palette colour i for the plan's i-th region
    plan: RegionPlan


def region_output(
    mapped: Mapped,
    splits: SplitSet,
    edits: np.ndarray | None = None,
    objects: IdObjects | None = None,
) -> RegionOutput:
    """The mask of a full-size mapping: each pixel's region (the split's ``region`` flag,
    the ID canvas's objects over it, the region edits over both) in its plan colour; grey
    depth where it has none. Raises RegionPlanError over 256 regions."""
    numbers = region_map(mapped, splits, edits, objects)
    plan = build_plan(number_counts(numbers), splits)
    return RegionOutput(plan.image(mapped.grey8(), numbers), plan)


def region_map(
    mapped: Mapped,
    splits: SplitSet,
    edits: np.ndarray | None = None,
    objects: IdObjects | None = None,
) -> np.ndarray:
    """Region number per pixel (``regions.NONE`` for none)."""
    return region_numbers(_need_split(mapped), splits, override(splits, objects, edits))


def mask_image(mapped: Mapped) -> np.ndarray:
    """The reference's --mask: 0 where the level is the image's largest, 255 elsewhere.

    Black pixels (background, splits with 0 levels) count as the level past the last,
    so when there are any, exactly they are 0; otherwise the farthest level is.
    """
    level = levels(mapped.fine)
    return np.where(level == level.max(), 0, 255).astype(np.uint8)


def add_noise(grey: np.ndarray, seed: int | None = None) -> np.ndarray:
    """Replace black pixels by random grey (the reference's --noise)."""
    rng = np.random.default_rng(seed)
    top = np.iinfo(grey.dtype).max
    black = grey == 0
    out = grey.copy()
    out[black] = rng.integers(0, top, size=int(black.sum()), endpoint=True, dtype=grey.dtype)
    return out


def _need_split(mapped: Mapped) -> np.ndarray:
    if mapped.split is None:
        raise ValueError("map with want_split=True to paint splits")
    return mapped.split

"""Region edits on a full-size depth map: divide a split, grow regions, order them.

Each function takes the split setup and the current edits (``None``: none yet) and
returns new ones; nothing is changed in place (undo keeps the old arrays).
"""

from __future__ import annotations

import numpy as np

from ..engine.depthmap import DepthMap
from ..engine.mapping import MappingPlan, map_depth, split_index
from ..engine.regions import (
    INHERIT,
    NONE,
    compact,
    compose,
    divide,
    from_splits,
    grow,
    near_to_far,
    relabel,
)
from ..engine.splits import SplitSet

Edits = np.ndarray | None


def pixel_splits(depth_map: DepthMap, splits: SplitSet) -> np.ndarray:
    """Split index per pixel (-1 on background), depths beyond the ends clamped into the
    end splits as mapping does."""
    inner = np.asarray(splits.bounds[1:-1], dtype=np.float64)
    index = split_index(depth_map.depth.astype(np.float64), inner).astype(np.int16)
    index[~depth_map.valid] = -1
    return index


def current_regions(depth_map: DepthMap, splits: SplitSet, edits: Edits) -> np.ndarray:
    flags = [s.region for s in splits.splits]
    return compose(from_splits(pixel_splits(depth_map, splits), flags), edits)


def _with_flags(splits: SplitSet, flags: list[int]) -> SplitSet:
    for i, region in enumerate(flags):
        if region >= 0:
            splits = splits.set_flag(i, "region", str(region))
        elif splits.splits[i].region >= 0:
            splits = splits.clear_flag(i, "region")
    return splits


def _edited(shape: tuple[int, ...], edits: Edits) -> np.ndarray:
    return np.full(shape, INHERIT, dtype=np.int16) if edits is None else edits.copy()


def divide_split(
    depth_map: DepthMap, splits: SplitSet, edits: Edits, split: int, min_pixels: int
) -> tuple[SplitSet, np.ndarray]:
    """Each connected part of the split becomes its own region; parts smaller than
    ``min_pixels`` join the region around them."""
    splits.check_index(split)
    index = pixel_splits(depth_map, splits)
    inside = index == split
    if not inside.any():
        raise ValueError(f"split {split} holds no pixels")
    current = compose(from_splits(index, [s.region for s in splits.splits]), edits)
    divided = divide(current, inside, min_pixels)
    new = _edited(index.shape, edits)
    new[inside] = divided[inside]
    splits = splits.clear_flag(split, "region")  # its pixels have their own now
    flags, new = compact([s.region for s in splits.splits], new)
    return _with_flags(splits, flags), new


def grow_regions(depth_map: DepthMap, splits: SplitSet, edits: Edits) -> np.ndarray:
    """Every valid pixel without a region next to one takes it: one pixel of growth."""
    current = current_regions(depth_map, splits, edits)
    grown = grow(current, depth_map.valid)
    if np.array_equal(grown, current):
        raise ValueError("no pixel without a region touches a region")
    new = _edited(current.shape, edits)
    changed = grown != current
    new[changed] = grown[changed]
    return new


def order_regions(
    depth_map: DepthMap, splits: SplitSet, edits: Edits
) -> tuple[SplitSet, np.ndarray | None]:
    """Regions renumbered by median depth, nearest first (the Regional Prompter's colour
    and BREAK order); a region no pixel shows is dropped."""
    current = current_regions(depth_map, splits, edits)
    table = near_to_far(current, depth_map.depth, depth_map.valid)  # old -> new
    flags = [table.get(s.region, NONE) for s in splits.splits]
    return _with_flags(splits, flags), None if edits is None else relabel(edits, table)


def grey_levels(depth_map: DepthMap, splits: SplitSet) -> np.ndarray:
    """The full-size 8-bit depth map of the splits (what the magic wand looks at)."""
    plan = MappingPlan.from_splits(splits)
    return map_depth(depth_map.depth, depth_map.valid, plan, want_grey=True).grey8()


def assign(
    splits: SplitSet, edits: Edits, selection: np.ndarray | None, region: int
) -> tuple[SplitSet, np.ndarray]:
    """The selected pixels get ``region`` (-1: no region); numbers then close up."""
    if region < NONE:
        raise ValueError(f"region {region} must be a whole number, -1 for none")
    if selection is None or not selection.any():
        raise ValueError("nothing is selected: click the preview to select first")
    new = _edited(selection.shape, edits)
    new[selection] = region
    flags, new = compact([s.region for s in splits.splits], new)
    return _with_flags(splits, flags), new

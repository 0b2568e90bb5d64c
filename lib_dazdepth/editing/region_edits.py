"""Region edits on a full-size depth map: divide a split, grow, assign, regions from the
splits or an ID canvas, and the one explicit renumbering, "Order regions".

Region numbers the artist set (in the table, with the wand, in the ID table) are never
renumbered here except by ``order_regions``, which says what moved. Each function takes
the split setup and the current edits (``None``: none yet) and returns new ones; nothing
is changed in place (undo keeps the old arrays).
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from ..engine.depthmap import DepthMap
from ..engine.ids import IdObjects, number_objects
from ..engine.mapping import MappingPlan, map_depth, split_index
from ..engine.region_plan import referenced, region_labels
from ..engine.region_sources import override, region_numbers
from ..engine.regions import (
    INHERIT,
    NONE,
    divide,
    grow,
    near_to_far,
    relabel,
    small_splits,
    split_pixel_counts,
    splits_as_regions,
)
from ..engine.splits import SplitSet

Edits = np.ndarray | None


class Changed(NamedTuple):
    """A region command's result and the sentence that tells the artist what it did."""

    splits: SplitSet
    edits: np.ndarray | None
    note: str


def pixel_splits(depth_map: DepthMap, splits: SplitSet) -> np.ndarray:
    """Split index per pixel (-1 on background), depths beyond the ends clamped into the
    end splits as mapping does."""
    inner = np.asarray(splits.bounds[1:-1], dtype=np.float64)
    index = split_index(depth_map.depth.astype(np.float64), inner).astype(np.int16)
    index[~depth_map.valid] = -1
    return index


def current_regions(
    depth_map: DepthMap, splits: SplitSet, edits: Edits, objects: IdObjects | None = None
) -> np.ndarray:
    over = override(splits, objects, edits)
    return region_numbers(pixel_splits(depth_map, splits), splits, over)


def _with_flags(splits: SplitSet, flags: list[int]) -> SplitSet:
    for i, region in enumerate(flags):
        if region >= 0:
            splits = splits.set_flag(i, "region", str(region))
        elif splits.splits[i].region >= 0:
            splits = splits.clear_flag(i, "region")
    return splits


def _edited(shape: tuple[int, ...], edits: Edits) -> np.ndarray:
    return np.full(shape, INHERIT, dtype=np.int16) if edits is None else edits.copy()


def next_free(splits: SplitSet, regions: np.ndarray) -> int:
    """The first number above every region number in use or set by the artist."""
    return max([int(regions.max()), *referenced(splits), NONE]) + 1


def divide_split(
    depth_map: DepthMap,
    splits: SplitSet,
    edits: Edits,
    split: int,
    min_pixels: int,
    objects: IdObjects | None = None,
) -> tuple[SplitSet, np.ndarray]:
    """Each connected part of the split becomes its own region, numbered after every
    number in use; parts smaller than ``min_pixels`` join the region around them."""
    splits.check_index(split)
    index = pixel_splits(depth_map, splits)
    inside = index == split
    if not inside.any():
        raise ValueError(f"split {split} holds no pixels")
    current = region_numbers(index, splits, override(splits, objects, edits))
    divided = divide(current, inside, min_pixels, next_free(splits, current))
    new = _edited(index.shape, edits)
    new[inside] = divided[inside]
    return splits.clear_flag(split, "region"), new  # its pixels have their own now


def grow_regions(
    depth_map: DepthMap, splits: SplitSet, edits: Edits, objects: IdObjects | None = None
) -> np.ndarray:
    """Every valid pixel without a region next to one takes it: one pixel of growth."""
    current = current_regions(depth_map, splits, edits, objects)
    grown = grow(current, depth_map.valid)
    if np.array_equal(grown, current):
        raise ValueError("no pixel without a region touches a region")
    new = _edited(current.shape, edits)
    changed = grown != current
    new[changed] = grown[changed]
    return new


def _name(number: int, labels: dict[int, str]) -> str:
    return f"{number} ({labels[number]})" if labels.get(number) else str(number)


def order_regions(
    depth_map: DepthMap, splits: SplitSet, edits: Edits, objects: IdObjects | None = None
) -> Changed:
    """Regions renumbered by median depth, nearest first (the Regional Prompter's colour
    and BREAK order); numbers the artist set that hold no pixel follow, in their order.
    The note lists each number that moved."""
    current = current_regions(depth_map, splits, edits, objects)
    table = near_to_far(current, depth_map.depth, depth_map.valid)  # old -> new
    for number in sorted(referenced(splits) - set(table)):
        table[number] = len(table)
    labels = region_labels(splits)
    moved = [f"{_name(old, labels)} → {new}" for old, new in sorted(table.items()) if old != new]
    flags = [table.get(s.region, NONE) for s in splits.splits]
    ordered = dataclasses.replace(
        _with_flags(splits, flags),
        id_regions=tuple(sorted((key, table[n]) for key, n in splits.id_regions)),
        region_labels=tuple(sorted((table[n], text) for n, text in splits.region_labels)),
    )
    note = (
        "Ordered regions near → far: " + ", ".join(moved)
        if moved
        else "Regions are already in order near → far: nothing moved"
    )
    return Changed(ordered, None if edits is None else relabel(edits, table), note)


def source_labels(before: SplitSet, after: SplitSet) -> SplitSet:
    """Labels belong to the source of regions they were typed for: region 2 from the splits
    and region 2 from the IDs are other pixels. When the source changes (the ID table
    is set or cleared), the labels typed for the old source are put aside and those
    typed before for the new one come back."""
    if bool(before.id_regions) == bool(after.id_regions):
        return after
    return dataclasses.replace(
        after, region_labels=before.other_labels, other_labels=before.region_labels
    )


def regions_from_splits(depth_map: DepthMap, splits: SplitSet, edits: Edits) -> Changed:
    """Every split holding 0.1% of the pixels or more gets its own region, near to far;
    the ID canvas no longer decides (its table is cleared, its labels put aside)."""
    pixels = split_pixel_counts(depth_map.valid_values(), splits.bounds)
    result = source_labels(splits, splits_as_regions(splits, pixels).with_id_regions({}))
    count = sum(s.region >= 0 for s in result.splits)
    parts = [f"Regions from splits: {count} regions"]
    total = max(1, sum(pixels))
    for i in small_splits(pixels):
        label = f" {splits.splits[i].label!r}" if splits.splits[i].label else ""
        parts.append(
            f"split {i}{label} ({pixels[i]} px, {pixels[i] / total:.2%}) is under 0.1% of"
            " the pixels: no region of its own"
        )
    if splits.id_regions:
        parts.append("the ID canvas's regions are cleared")
    return Changed(result, edits, "; ".join(parts))


def regions_from_ids(
    depth_map: DepthMap, splits: SplitSet, edits: Edits, objects: IdObjects | None
) -> Changed:
    """Each object of the ID canvas gets its own region (objects already in the ID table
    keep theirs; new ones are numbered near to far after them). The splits' region numbers
    and the region edits are cleared: the IDs decide who, the splits the grey levels. The
    splits' region labels are put aside, the IDs' come back (``source_labels``)."""
    if objects is None:
        raise ValueError("no ID canvas loaded: drop an Object Id (or Material Id, Alpha) canvas")
    table = number_objects(objects, depth_map, dict(splits.id_regions))
    if not table:
        raise ValueError(f"{objects.source} shows no object (it is all background)")
    result = source_labels(splits, _with_flags(splits, [NONE] * len(splits)).with_id_regions(table))
    numbers = sorted(set(table.values()))
    note = f"Regions from IDs: {len(table)} objects of {objects.source} → regions " + (
        f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
    )
    cleared = ["the splits' region numbers"] if any(x.region >= 0 for x in splits.splits) else []
    cleared += ["the region edits"] if edits is not None else []
    if cleared:
        note += f"; {' and '.join(cleared)} are cleared (Undo brings them back)"
    return Changed(result, None, note)


def grey_levels(depth_map: DepthMap, splits: SplitSet) -> np.ndarray:
    """The full-size 8-bit depth map of the splits (what the magic wand looks at)."""
    plan = MappingPlan.from_splits(splits)
    return map_depth(depth_map.depth, depth_map.valid, plan, want_grey=True).grey8()


def assign(edits: Edits, selection: np.ndarray | None, region: int) -> np.ndarray:
    """The selected pixels get ``region`` (-1: no region), exactly that number: no number
    is changed behind the artist's back."""
    if region < NONE:
        raise ValueError(f"region {region} must be a whole number, -1 for none")
    if selection is None or not selection.any():
        raise ValueError("nothing is selected: click the preview to select first")
    new = _edited(selection.shape, edits)
    new[selection] = region
    return new

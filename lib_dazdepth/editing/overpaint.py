"""Depth overpaint: selected pixels given another depth, or hidden as no hit.

The edits are a full-size float32 array: NaN where a pixel keeps the canvas's depth,
+inf where it is hidden (drawn as no hit), else the depth painted there. Arrays are
replaced, never changed in place, so undo can keep the old ones. The seed's mirror
example: an elbow poking out of a mirror frame is selected and painted with the depth
of the wall behind it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..engine.depthmap import DepthMap
from ..engine.errors import InputError
from ..engine.splits import SplitSet
from .region_edits import pixel_splits

UNEDITED = np.float32(np.nan)
NO_HIT = np.float32(np.inf)

DepthEdits = np.ndarray | None


def _selected(selection: np.ndarray | None) -> np.ndarray:
    if selection is None or not selection.any():
        raise ValueError("nothing is selected: click the preview to select first")
    return selection


def paint(edits: DepthEdits, selection: np.ndarray | None, depth) -> np.ndarray:
    """The selected pixels get ``depth``: one value, or a full-size array read at them
    (NaN there: that pixel is left as it was)."""
    chosen = _selected(selection)
    new = np.full(chosen.shape, UNEDITED) if edits is None else edits.copy()
    if np.ndim(depth) == 0:
        new[chosen] = np.float32(depth)
    else:
        values = np.asarray(depth, dtype=np.float32)[chosen]
        keep = np.isnan(values)
        new[chosen] = np.where(keep, new[chosen], values)
    return new


def restore(edits: DepthEdits, selection: np.ndarray | None) -> DepthEdits:
    """The selected pixels keep the canvas's depth again; None when nothing stays painted."""
    chosen = _selected(selection)
    if edits is None or np.isnan(edits[chosen]).all():
        raise ValueError("no selected pixel is overpainted")
    new = edits.copy()
    new[chosen] = UNEDITED
    return None if np.isnan(new).all() else new


def picked_depth(depth_map: DepthMap, x: int, y: int) -> np.float32:
    """The depth shown at pixel (x, y), NO_HIT on background."""
    if not (0 <= x < depth_map.width and 0 <= y < depth_map.height):
        raise ValueError(f"({x}, {y}) is outside the {depth_map.width}x{depth_map.height} image")
    return depth_map.depth[y, x] if depth_map.valid[y, x] else NO_HIT


def far_end_depths(depth_map: DepthMap, splits: SplitSet) -> np.ndarray:
    """For every valid pixel, the farthest float32 depth inside its split (just below the
    split's end, which belongs to the next one); NaN on background."""
    bounds = np.asarray(splits.bounds[1:], dtype=np.float64)
    ends = bounds.astype(np.float32)
    ends = np.where(ends >= bounds, np.nextafter(ends, np.float32(-np.inf)), ends)
    index = pixel_splits(depth_map, splits)  # -1 on background
    return np.where(index >= 0, ends[index], UNEDITED)


def apply_depth_edits(original: DepthMap, edits: DepthEdits) -> DepthMap:
    """``original`` with the edits painted in; its background report counts the pixels
    hidden and the background pixels given a depth."""
    if edits is None:
        return original
    if edits.shape != original.shape:
        raise InputError(original.path, "the depth edits do not match the canvas's size")
    painted = ~np.isnan(edits)
    shown = painted & np.isfinite(edits)
    depth = np.where(shown, edits, original.depth).astype(np.float32)
    valid = np.where(painted, shown, original.valid)
    values = depth[valid]
    if values.size == 0:
        raise InputError(original.path, "the depth edits hide every pixel; nothing to map")
    report = dataclasses.replace(
        original.background,
        hidden=int(np.count_nonzero(original.valid & ~valid)),
        revealed=int(np.count_nonzero(valid & ~original.valid)),
    )
    return dataclasses.replace(
        original,
        depth=depth,
        valid=valid,
        background=report,
        min=float(values.min()),
        max=float(values.max()),
    )

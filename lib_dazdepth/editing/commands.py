"""Commands on pixels, read from the tab's operations: the wand, depth overpaint and the
region commands."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..engine.depthmap import DepthMap
from ..engine.ids import IdObjects
from ..engine.regions import select_connected, select_region, select_surface
from ..engine.rim import with_rim
from ..engine.splits import SplitError, SplitSet
from .overpaint import far_end_depths, paint, picked_depth, restore
from .region_edits import (
    Changed,
    Edits,
    assign,
    divide_split,
    grow_regions,
    order_regions,
    regions_from_ids,
    regions_from_splits,
)


def whole(value: Any, name: str) -> int:
    number = float(value)
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number")
    return int(number)


def depth_value(value: Any) -> float:
    depth = float(value)
    if not math.isfinite(depth):
        raise ValueError(f"{value!r} is not a depth")
    return depth


def boundary_limits(splits: SplitSet, boundary: int, step: float) -> tuple[float, float]:
    """How far inner boundary ``boundary`` may go: ``step`` (cm; the tab gives one
    histogram bin) short of each neighbour boundary, or a quarter of the two splits'
    span when they are narrower than four steps. A boundary never reaches a neighbour,
    so no drag leaves a split with no depth keeping its grey levels."""
    if not 0 < boundary < len(splits.splits):
        raise SplitError(f"Error - boundary {boundary} cannot be moved")
    low, high = splits.bounds[boundary - 1], splits.bounds[boundary + 1]
    gap = min(step, (high - low) / 4)
    return low + gap, high - gap


def clamp_boundary(splits: SplitSet, boundary: int, depth: float, step: float) -> float:
    """``depth`` held within ``boundary_limits`` (the page clamps the same way while it
    drags; this holds for a command from the API or a stale page)."""
    low, high = boundary_limits(splits, boundary, step)
    return min(max(depth, low), high)


def zoom_range(lo: Any, hi: Any) -> tuple[float, float] | None:
    """The histogram's zoom: both depths, or neither (no zoom)."""
    if lo is None and hi is None:
        return None
    low, high = depth_value(lo), depth_value(hi)
    if not low < high:
        raise ValueError("zoom needs lo < hi")
    return low, high


def wand(
    depth_map: DepthMap,
    levels: Callable[[], np.ndarray],
    normal: np.ndarray | None,
    op: dict[str, Any],
    regions: Callable[[], np.ndarray] | None = None,
) -> np.ndarray:
    """The pixels a click selects: by grey level (``levels()``: the full-size 8-bit map;
    tolerance in levels; ``rim``: with the anti-aliased edge, engine/rim.py), by region
    (``regions()``: the full-size region numbers; the clicked object or split region
    whole) or by surface direction on the Normal canvas (in degrees)."""
    x, y = whole(op["x"], "x"), whole(op["y"], "y")
    by = op.get("by", "depth")
    if by == "region" and regions is not None:
        return select_region(regions(), depth_map.valid, x, y)
    if by == "depth":
        tolerance = whole(op.get("tolerance", 0), "tolerance")
        grey = levels()
        picked = select_connected(grey, depth_map.valid, x, y, tolerance)
        if not op.get("rim", False):
            return picked
        return with_rim(picked, depth_map.depth, depth_map.valid, grey, tolerance)
    if by != "surface":
        raise ValueError(f"select by {by!r}: use depth, region or surface")
    if normal is None:
        raise ValueError("selecting by surface needs the Normal canvas: load it with the depth")
    degrees = float(op.get("tolerance", 10))
    if not 0 <= degrees <= 180:
        raise ValueError("the surface tolerance is an angle from 0 to 180 degrees")
    return select_surface(normal, depth_map.valid, x, y, degrees)


def overpaint(
    depth_map: DepthMap,
    splits: SplitSet,
    edits: np.ndarray | None,
    selection: np.ndarray | None,
    op: dict[str, Any],
) -> np.ndarray | None:
    """New depth edits: the selection painted with the depth at (x, y), or ``to`` its
    split's far end, no hit, or the canvas's own depth."""
    to = op.get("to", "picked")
    if to == "picked":
        depth = picked_depth(depth_map, whole(op["x"], "x"), whole(op["y"], "y"))
        return paint(edits, selection, depth)
    if to == "far_end":
        return paint(edits, selection, far_end_depths(depth_map, splits))
    if to == "no_hit":
        return paint(edits, selection, np.inf)
    if to == "original":
        return restore(edits, selection)
    raise ValueError(f"paint to {to!r}: use picked, far_end, no_hit or original")


REGION_OPS = (
    "divide",
    "grow_regions",
    "order_regions",
    "assign_selection",
    "regions_from_splits",
    "regions_from_ids",
    "label_region",
    "clear_region_edits",
)


def region_command(
    op: dict,
    depth_map: DepthMap,
    splits: SplitSet,
    edits: Edits,
    objects: IdObjects | None,
    selection: np.ndarray | None,
) -> Changed:
    """One of REGION_OPS (docs/ui-protocol.md) on the session's regions."""
    kind = op["op"]
    if kind == "divide":
        smallest = whole(
            op.get("min_pixels", max(16, int(depth_map.valid.sum()) // 1000)), "min_pixels"
        )
        divided = divide_split(depth_map, splits, edits, int(op["split"]), smallest, objects)
        return Changed(*divided, "")
    if kind == "grow_regions":
        return Changed(splits, grow_regions(depth_map, splits, edits, objects), "")
    if kind == "order_regions":
        return order_regions(depth_map, splits, edits, objects)
    if kind == "assign_selection":
        return Changed(splits, assign(edits, selection, int(op["region"])), "")
    if kind == "regions_from_splits":
        return regions_from_splits(depth_map, splits, edits)
    if kind == "regions_from_ids":
        return regions_from_ids(depth_map, splits, edits, objects)
    if kind == "label_region":
        labelled = splits.with_region_label(int(op["region"]), str(op.get("value") or ""))
        return Changed(labelled, edits, "")
    if kind == "clear_region_edits":
        return Changed(splits, None, "")
    raise ValueError(f"unknown operation {kind!r}")

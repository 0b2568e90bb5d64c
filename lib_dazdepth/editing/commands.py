"""Commands on pixels, read from the tab's operations: the wand and depth overpaint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..engine.depthmap import DepthMap
from ..engine.regions import select_connected, select_surface
from ..engine.rim import with_rim
from ..engine.splits import SplitSet
from .overpaint import far_end_depths, paint, picked_depth, restore


def whole(value: Any, name: str) -> int:
    number = float(value)
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number")
    return int(number)


def wand(
    depth_map: DepthMap,
    levels: Callable[[], np.ndarray],
    normal: np.ndarray | None,
    op: dict[str, Any],
) -> np.ndarray:
    """The pixels a click selects: by grey level (``levels()``: the full-size 8-bit map;
    tolerance in levels; ``rim``: with the anti-aliased edge, engine/rim.py) or by
    surface direction on the Normal canvas (in degrees)."""
    x, y = whole(op["x"], "x"), whole(op["y"], "y")
    by = op.get("by", "depth")
    if by == "depth":
        tolerance = whole(op.get("tolerance", 0), "tolerance")
        grey = levels()
        picked = select_connected(grey, depth_map.valid, x, y, tolerance)
        if not op.get("rim", False):
            return picked
        return with_rim(picked, depth_map.depth, depth_map.valid, grey, tolerance)
    if by != "surface":
        raise ValueError(f"select by {by!r}: use depth or surface")
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

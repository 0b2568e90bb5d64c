"""Edge repair: give filtered silhouette pixels the depth of the object they mostly show.

A renderer's pixel filter writes ``w * object + (1 - w) * no_hit`` on a silhouette against
no hit. With the scene's no-hit value known (the most common of the background values),
the object's share ``w = (no_hit - v) / (no_hit - object)`` follows, the object's depth
being the nearest valid neighbour. Pixels mostly covered by the object (``w >= 1/2``)
take that depth and count as valid; the others stay background. Without this, a scene
rendered with no backstop loses its silhouettes (a float-max no-hit makes every mix huge)
or, with a modest no-hit value such as 1e10, gets stray far pixels on every edge.
"""

from __future__ import annotations

import numpy as np

from .background import dilate

COVERAGE = 0.5
ROUNDS = 2  # filter footprints reach about two pixels


def no_hit_value(depth: np.ndarray, valid: np.ndarray) -> float | None:
    """The most common finite background value, or None when there is none."""
    rejected = depth[~valid]
    rejected = rejected[np.isfinite(rejected) & (rejected > 0)]
    if rejected.size == 0:
        return None
    values, counts = np.unique(rejected, return_counts=True)
    return float(values[np.argmax(counts)])


def repair_edges(depth: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(repaired depth, repaired valid mask, pixels repaired); the inputs are not changed."""
    no_hit = no_hit_value(depth, valid)
    if no_hit is None:
        return depth, valid, 0
    depth, valid = depth.copy(), valid.copy()
    repaired = 0
    for _ in range(ROUNDS):
        candidates = ~valid & dilate(valid, 1) & np.isfinite(depth) & (depth > 0)
        candidates &= depth != no_hit
        if not candidates.any():
            break
        rows, cols = np.nonzero(candidates)
        nearest = _nearest_valid_neighbour(depth, valid, rows, cols)
        values = depth[rows, cols].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (no_hit - values) / (no_hit - nearest)
        take = np.isfinite(nearest) & (share >= COVERAGE)
        depth[rows[take], cols[take]] = nearest[take]
        valid[rows[take], cols[take]] = True
        repaired += int(take.sum())
        if not take.any():
            break
    return depth, valid, repaired


def _nearest_valid_neighbour(depth, valid, rows, cols) -> np.ndarray:
    """For each pixel, the smallest depth among its valid 8-neighbours (inf when none)."""
    height, width = depth.shape
    best = np.full(rows.size, np.inf)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == dx == 0:
                continue
            y, x = rows + dy, cols + dx
            inside = (y >= 0) & (y < height) & (x >= 0) & (x < width)
            yy, xx = np.where(inside, y, 0), np.where(inside, x, 0)
            ok = inside & valid[yy, xx]
            best = np.where(ok, np.minimum(best, depth[yy, xx]), best)
    return best

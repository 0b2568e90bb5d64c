"""The anti-aliased rim of a wand selection.

A renderer's pixel filter averages the depths of an object and what lies behind it along
the object's silhouette, so the outermost pixels of a sphere get depths between the two
(e.g. 285 cm where the orb is at 180 cm and the backstop at 597 cm). Their grey is far
from the object's, so a wand tolerance that keeps off the neighbours leaves them out.

``with_rim`` adds them: an unselected pixel next to the selection is taken when its depth
lies strictly between a selected neighbour's and that of the unselected pixel straight
opposite (the edge runs through it), at least about half the selected one's, across a
real edge: the jump between those two is more than STEEPER times the surface's own slope
(the selected neighbour against the pixel beyond it) and more grey levels than the wand
could bridge (``2 * tolerance + 1``). A floor's slope or a hand touching the orb has no
such jump, so the selection does not creep. Two rings: the silhouette pixel, then the
blend beyond it; and single pixels the rings enclose.
"""

from __future__ import annotations

import numpy as np

RINGS = 2
MOSTLY = 0.55  # a blend of at least 45% object (a pixel split in half by the edge too)
STEEPER = 4  # an edge: the jump across the pixel beats the surface's slope 4 times
_STEPS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx]


def with_rim(
    selection: np.ndarray,
    depth: np.ndarray,
    valid: np.ndarray,
    levels: np.ndarray,
    tolerance: int,
) -> np.ndarray:
    """``selection`` (H, W) bool with its anti-aliased rim; ``depth`` (H, W) in cm,
    ``valid`` (H, W) bool, ``levels`` (H, W) the grey levels the wand looked at,
    ``tolerance`` the wand's, in grey levels. A new array; nothing is changed in place."""
    found = np.flatnonzero(selection.any(axis=1)), np.flatnonzero(selection.any(axis=0))
    if not found[0].size:
        return selection.copy()
    # Work on the selection's box with a margin: the rings and their neighbours.
    margin = RINGS + 1
    top, left = max(0, found[0][0] - margin), max(0, found[1][0] - margin)
    bottom = min(selection.shape[0], found[0][-1] + margin + 1)
    right = min(selection.shape[1], found[1][-1] + margin + 1)
    box = np.s_[top:bottom, left:right]
    part = selection[box].copy()
    for _ in range(RINGS):
        taken = _ring(part, depth[box], valid[box], levels[box], tolerance)
        if taken is None:
            break
        part[taken] = True
    part |= _holes(part, valid[box])
    result = selection.copy()
    result[box] = part
    return result


def _holes(selected: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Single pixels left out with every neighbour selected (a grey level between)."""
    height, width = selected.shape
    padded = np.pad(selected, 1)
    enclosed = valid & ~selected
    for dy, dx in _STEPS:
        enclosed &= padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width]
    return enclosed


def _ring(selected, depth, valid, levels, tolerance: int):
    """Positions (rows, cols) of the rim pixels next to ``selected``, or None."""
    height, width = selected.shape
    padded_sel = np.pad(selected, 2)
    touching = np.zeros_like(selected)
    for dy, dx in _STEPS:
        touching |= padded_sel[2 + dy : 2 + dy + height, 2 + dx : 2 + dx + width]
    ys, xs = np.nonzero(touching & ~selected & valid)
    if not ys.size:
        return None
    shown = np.where(valid, depth, np.nan).astype(np.float64)
    padded_depth = np.pad(shown, 2, constant_values=np.nan)
    padded_levels = np.pad(levels.astype(np.int32), 2)

    def at(padded: np.ndarray, reach: int) -> np.ndarray:
        """(N, 8): for each candidate, the pixel ``reach`` steps along each direction."""
        return np.stack([padded[ys + 2 + reach * dy, xs + 2 + reach * dx] for dy, dx in _STEPS], 1)

    inside = at(padded_sel, 1)
    mine = np.where(inside, at(padded_depth, 1), np.nan)  # a selected neighbour
    beyond = at(padded_depth, 2)  # the next pixel past it, for the surface's own slope
    opposite = at(padded_depth, -1)  # the neighbour on the other side
    theirs = np.where(at(padded_sel, -1), np.nan, opposite)
    here = shown[ys, xs][:, None]
    with np.errstate(invalid="ignore"):
        between = ((mine < here) & (here < theirs)) | ((mine > here) & (here > theirs))
        mostly_mine = np.abs(here - mine) < MOSTLY * np.abs(theirs - mine)
        slope = np.abs(mine - beyond)  # unknown (NaN) at the border: no edge
        jump = np.abs(theirs - mine) > STEEPER * slope
    levels_apart = np.abs(at(padded_levels, 1) - at(padded_levels, -1)) > 2 * tolerance + 1
    take = (between & mostly_mine & jump & levels_apart).any(axis=1)
    if not take.any():
        return None
    return ys[take], xs[take]

"""Which depth pixels are background: no hit, non-finite, or filtered mixes with no-hit.

Iray's no-hit value is unverified (facts.md section 2): a huge float, or +inf once stored
as half. So non-finite, non-positive and values over ``threshold`` are background (the
threshold in the file's unit: depthmap.load_depth_map scales it with the depths).
A renderer's pixel filter also mixes an object's depth with the no-hit value on edges
("pinholing"); such a mix can land anywhere between the scene and the threshold and would
stretch the range. Pixels close to the no-hit area that lie beyond the farthest depth of
the pixels away from it (plus ``edge_tolerance``) are taken to be such mixes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EDGE_RADIUS = 2  # filter footprints reach about two pixels into an object


@dataclass(frozen=True)
class BackgroundSettings:
    threshold: float = 1e9
    edge_tolerance: float | None = 0.1  # relative; None keeps every edge pixel
    repair_edges: bool = False  # give mostly-covered silhouette pixels their object's depth
    zero_is_depth: bool = False  # a map without a unit (0..1): 0 is the nearest, not no hit

    def __post_init__(self) -> None:
        if not (self.threshold > 0 and np.isfinite(self.threshold)):
            raise ValueError("background threshold must be a positive number")
        if self.edge_tolerance is not None and not self.edge_tolerance >= 0:
            raise ValueError("edge tolerance must be zero or more")


@dataclass(frozen=True)
class BackgroundReport:
    non_finite: int = 0
    non_positive: int = 0
    too_far: int = 0
    edge_mixes: int = 0
    repaired: int = 0  # of the above, edge pixels given back their object's depth
    hidden: int = 0  # object pixels a depth edit made no hit (overpaint.py)
    revealed: int = 0  # of the first four, pixels a depth edit gave a depth
    no_data: int = 0  # outside the EXR's data window (not counted in non_finite)

    @property
    def total(self) -> int:
        found = self.non_finite + self.non_positive + self.too_far + self.edge_mixes
        return found + self.no_data - self.repaired + self.hidden - self.revealed

    def describe(self) -> str:
        parts = [
            (self.too_far, "beyond the threshold (no hit)"),
            (self.non_finite, "not finite"),
            (self.non_positive, "zero or negative"),
            (self.edge_mixes, "edge mixes with no hit"),
            (self.no_data, "outside the data window"),
        ]
        text = ", ".join(f"{n} {what}" for n, what in parts if n)
        notes = [
            (self.repaired, "edge pixels repaired"),
            (self.hidden, "hidden by depth edits"),
            (self.revealed, "given a depth by depth edits"),
        ]
        text += "".join(f" ({n} {what})" for n, what in notes if n)
        return text.strip()


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Square (2r+1)^2 binary dilation, separable, without SciPy."""
    out = mask.copy()
    for axis in (0, 1):
        grown = out.copy()
        for shift in range(1, radius + 1):
            lead = [slice(None)] * 2
            lag = [slice(None)] * 2
            lead[axis], lag[axis] = slice(shift, None), slice(None, -shift)
            grown[tuple(lead)] |= out[tuple(lag)]
            grown[tuple(lag)] |= out[tuple(lead)]
        out = grown
    return out


@dataclass(frozen=True)
class Classified:
    valid: np.ndarray  # (H, W) bool
    report: BackgroundReport
    nearest: float  # over valid pixels; inf when there are none
    farthest: float  # -inf when there are none


def classify_background(
    depth: np.ndarray, settings: BackgroundSettings | None = None
) -> tuple[np.ndarray, BackgroundReport]:
    """Return (valid mask, report) for a 2-D depth array."""
    result = classify(depth, settings)
    return result.valid, result.report


def classify(depth: np.ndarray, settings: BackgroundSettings | None = None) -> Classified:
    """Background, and the range of the rest, in one pass over the image."""
    settings = settings or BackgroundSettings()
    scan = _scan(depth, settings.threshold, settings.zero_is_depth)
    if not scan.bad_rows.any():
        return Classified(scan.valid, BackgroundReport(), scan.nearest, scan.farthest)
    box = _box(scan.bad_rows, scan.bad_cols, EDGE_RADIUS)  # all background is in here
    valid = scan.valid
    rejected = depth[box][~valid[box]]
    finite = np.isfinite(rejected)
    non_finite = int(rejected.size - np.count_nonzero(finite))
    negative = rejected[finite] < 0 if settings.zero_is_depth else rejected[finite] <= 0
    non_positive = int(np.count_nonzero(negative))
    too_far = int(rejected.size) - non_finite - non_positive
    edge_mixes, farthest = 0, scan.farthest
    if settings.edge_tolerance is not None:
        edge_mixes = clear_edge_mixes(depth, valid, box, settings.edge_tolerance, scan.whole)
        if edge_mixes:
            farthest = float(depth.max(where=valid, initial=-np.inf))
    report = BackgroundReport(non_finite, non_positive, too_far, edge_mixes)
    return Classified(valid, report, scan.nearest, farthest)


@dataclass(frozen=True)
class _Scan:
    valid: np.ndarray
    nearest: float
    farthest: float
    bad_rows: np.ndarray  # (H,) rows holding background
    bad_cols: np.ndarray  # (W,)
    whole: tuple[tuple[int, int, float], ...] = ()  # (first row, end, max) of valid blocks


def _scan(depth: np.ndarray, threshold: float, zero_is_depth: bool = False) -> _Scan:
    """``0 < depth <= threshold`` (``0 <=`` with ``zero_is_depth``; False for NaN and inf)
    and the valid range, block by
    block: no full-size temporary (first touches of fresh memory are slow) and a single
    read of the depths."""
    height, width = depth.shape
    valid = np.empty(depth.shape, dtype=bool)
    bad_rows = np.zeros(height, dtype=bool)
    bad_cols = np.zeros(width, dtype=bool)
    nearest, farthest = np.inf, -np.inf
    rows = max(1, (1 << 18) // max(1, width))
    scratch = np.empty((rows, width), dtype=bool)
    whole: list[tuple[int, int, float]] = []
    with np.errstate(invalid="ignore"):
        for top in range(0, height, rows):
            block = depth[top : top + rows]
            out = valid[top : top + rows]
            (np.greater_equal if zero_is_depth else np.greater)(block, 0, out=out)
            near = scratch[: block.shape[0]]
            np.less_equal(block, threshold, out=near)
            out &= near
            full_rows = out.all(axis=1)
            if full_rows.all():  # the common case: plain reductions are much faster
                nearest = min(nearest, float(block.min()))
                block_max = float(block.max())
                farthest = max(farthest, block_max)
                whole.append((top, top + block.shape[0], block_max))
                continue
            bad_rows[top : top + rows] = ~full_rows
            bad_cols |= ~out.all(axis=0)
            nearest = min(nearest, float(block.min(where=out, initial=np.inf)))
            farthest = max(farthest, float(block.max(where=out, initial=-np.inf)))
    return _Scan(valid, nearest, farthest, bad_rows, bad_cols, tuple(whole))


def clear_edge_mixes(
    depth: np.ndarray,
    valid: np.ndarray,
    box: tuple[slice, slice],
    tolerance: float,
    whole: tuple[tuple[int, int, float], ...] = (),
) -> int:
    """Mark filtered no-hit mixes invalid in ``valid``; return how many there were.

    They are valid pixels within EDGE_RADIUS of background that lie more than
    ``tolerance`` beyond every pixel farther from it. ``box`` holds all background;
    ``whole``: the maxima of blocks of rows known to be all valid (the scan's), so the
    rows above and below the box need no second pass.
    """
    box_valid = valid[box]
    near = dilate(~box_valid, EDGE_RADIUS)
    edge = box_valid & near
    if not edge.any():
        return 0
    box_depth = depth[box]
    farthest = box_depth.max(where=box_valid & ~near, initial=-np.inf)
    for slab in _outside(box, valid.shape):
        if depth[slab].size:  # outside the box every pixel is valid: a plain max
            farthest = max(farthest, _slab_max(depth, slab, whole))
    if not np.isfinite(farthest):
        return 0  # nothing but edges: no reference to judge them by
    mixes = edge & (box_depth > farthest * (1.0 + tolerance))
    valid[box] &= ~mixes
    return int(np.count_nonzero(mixes))


def _slab_max(
    depth: np.ndarray, slab: tuple[slice, slice], whole: tuple[tuple[int, int, float], ...]
) -> float:
    """The max of ``depth[slab]`` (all valid), taking the known maxima of ``whole`` blocks
    of rows that lie inside a slab of whole rows instead of reading them again."""
    rows, cols = slab
    if cols != slice(None):
        return float(depth[slab].max())
    start, stop, _ = rows.indices(depth.shape[0])
    best, at = -np.inf, start
    for top, end, value in whole:
        if top >= at and end <= stop:
            if top > at:
                best = max(best, float(depth[at:top].max()))
            best, at = max(best, value), end
    if at < stop:
        best = max(best, float(depth[at:stop].max()))
    return best


def _box(bad_rows: np.ndarray, bad_cols: np.ndarray, margin: int) -> tuple[slice, slice]:
    """The bounding box of the background, grown by ``margin``."""
    spans = []
    for flags in (bad_rows, bad_cols):
        hits = np.flatnonzero(flags)
        spans.append(slice(max(0, hits[0] - margin), hits[-1] + margin + 1))
    return spans[0], spans[1]


def _outside(box: tuple[slice, slice], shape: tuple[int, ...]) -> list[tuple[slice, slice]]:
    """The up to four slabs of an image around ``box``."""
    rows, cols = box
    top, bottom = rows.start, min(rows.stop, shape[0])
    left, right = cols.start, min(cols.stop, shape[1])
    return [
        (slice(0, top), slice(None)),
        (slice(bottom, None), slice(None)),
        (slice(top, bottom), slice(0, left)),
        (slice(top, bottom), slice(right, None)),
    ]

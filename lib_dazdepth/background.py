"""Which depth pixels are background: no hit, non-finite, or filtered mixes with no-hit.

Iray's no-hit value is unverified (facts.md section 2): a huge float, or +inf once stored
as half. So non-finite, non-positive and values over ``threshold`` are background.
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

    @property
    def total(self) -> int:
        return self.non_finite + self.non_positive + self.too_far + self.edge_mixes

    def describe(self) -> str:
        parts = [
            (self.too_far, "beyond the threshold (no hit)"),
            (self.non_finite, "not finite"),
            (self.non_positive, "zero or negative"),
            (self.edge_mixes, "edge mixes with no hit"),
        ]
        return ", ".join(f"{n} {what}" for n, what in parts if n)


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


def classify_background(
    depth: np.ndarray, settings: BackgroundSettings | None = None
) -> tuple[np.ndarray, BackgroundReport]:
    """Return (valid mask, report) for a 2-D depth array."""
    settings = settings or BackgroundSettings()
    with np.errstate(invalid="ignore"):
        valid = depth > 0  # False for NaN and -inf
        valid &= depth <= settings.threshold  # False for NaN and +inf
    if valid.all():
        return valid, BackgroundReport()
    rejected = depth[~valid]
    finite = np.isfinite(rejected)
    non_finite = int(rejected.size - np.count_nonzero(finite))
    non_positive = int(np.count_nonzero(rejected[finite] <= 0))
    too_far = int(rejected.size) - non_finite - non_positive
    edge_mixes = 0
    if settings.edge_tolerance is not None:
        mixes = find_edge_mixes(depth, valid, settings.edge_tolerance)
        edge_mixes = int(np.count_nonzero(mixes))
        if edge_mixes:
            valid &= ~mixes
    return valid, BackgroundReport(non_finite, non_positive, too_far, edge_mixes)


def find_edge_mixes(depth: np.ndarray, valid: np.ndarray, tolerance: float) -> np.ndarray:
    near_background = np.zeros_like(valid)
    rows, cols = _around(~valid, EDGE_RADIUS)  # only where background is, for speed
    near_background[rows, cols] = dilate(~valid[rows, cols], EDGE_RADIUS)
    edge = valid & near_background
    interior = valid & ~near_background
    if not interior.any() or not edge.any():
        return np.zeros_like(valid)
    farthest = float(depth.max(where=interior, initial=-np.inf))
    return edge & (depth > farthest * (1.0 + tolerance))


def _around(mask: np.ndarray, margin: int) -> tuple[slice, slice]:
    """The bounding box of ``mask``'s True pixels, grown by ``margin``."""
    spans = []
    for axis in (1, 0):
        hits = np.flatnonzero(mask.any(axis=axis))
        spans.append(slice(max(0, hits[0] - margin), hits[-1] + margin + 1))
    return spans[0], spans[1]

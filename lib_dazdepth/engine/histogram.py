"""Depth histograms: the reference's 20-bin advice lines, and counts for the UI."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Histogram:
    edges: tuple[float, ...]  # bins + 1 bounds
    counts: tuple[int, ...]
    total: int  # the pixels shares are taken of (background included)
    background: int = 0

    def shares(self) -> list[float]:
        return [count / self.total * 100.0 if self.total else 0.0 for count in self.counts]


def reference_edges(lo: float, hi: float, bins: int) -> list[float]:
    """Bin bounds as format_depthmap.py computes them (its last bin also holds the max)."""
    step = (hi - lo) / bins
    return [lo + i * step for i in range(bins + 1)]


def depth_histogram(
    values: np.ndarray, total: int | None = None, bins: int = 20, background: int = 0
) -> Histogram:
    """Bins ``[a, b)`` over [min, max] of ``values``; the last bin also holds the maximum."""
    values = np.asarray(values).reshape(-1)
    total = values.size + background if total is None else total
    if values.size == 0:
        return Histogram((), (), total, background)
    lo, hi = float(values.min()), float(values.max())
    edges = reference_edges(lo, hi, bins)
    inner = np.array(edges[1:-1], dtype=np.float64)
    index = np.searchsorted(inner, values.astype(np.float64), side="right")
    counts = np.bincount(index, minlength=bins)
    return Histogram(tuple(edges), tuple(int(c) for c in counts), total, background)


def reference_lines(histogram: Histogram) -> list[str]:
    """``** - 07 - 00.03% - 349.62 to 371.16``, one line per bin, then any background."""
    lines = [
        f"** - {i:02} - {share:05.2f}% - {round(a, 2)} to {round(b, 2)}"
        for i, (share, a, b) in enumerate(
            zip(histogram.shares(), histogram.edges, histogram.edges[1:])
        )
    ]
    if histogram.background:
        share = histogram.background / histogram.total * 100.0
        lines.append(
            f"** background: {share:05.2f}% ({histogram.background} pixels of no hit or"
            " invalid depth, not binned)"
        )
    return lines

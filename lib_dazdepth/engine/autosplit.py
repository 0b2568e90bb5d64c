"""Automatic splits: find the depth clusters of a scene and share the grey levels out.

The depth histogram of a Daz scene is a smooth *trend* (a floor or a wall seen in
perspective: a pixel density that changes steadily over metres of depth) with *clusters*
on top (a figure, a prop, the backstop: bumps less than about ``OBJECT_DEPTH`` deep) and
*gaps* where almost nothing is. The trend is a morphological opening of the histogram (a
rolling minimum then a rolling maximum over ``OBJECT_DEPTH``): it follows every stretch
that stays level or monotone for longer than that, and cuts off the bumps. Whatever stands
clearly above it is a cluster; gaps cut the histogram into independent groups.

The histogram's bins are even in 1 / depth, so near things get the finer bins, and a
floor seen by a level camera (one depth per image row, rows evenly spaced in 1 / depth)
fills them evenly instead of as a comb.

Levels: 255, so that grey 0 stays the no-hit background's alone. Empty stretches get none,
stretches of stray pixels one, the backstop (the farthest cluster, when it is large and
something is nearer) ``BACKSTOP_LEVELS``, the surroundings (trend) a ``SURROUNDINGS`` share,
and the clusters the rest, in proportion to pixels x (nearest depth / depth) ** 2, so the
nearest clusters get the most.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .splits import EPSILON, MAX_LEVELS, Split, SplitSet

BINS = 512  # at most; fewer for small images (bin_count)
BUDGET = MAX_LEVELS - 1  # grey 0 is left to the no-hit background
WINDOW = 1 / 6  # the trend's window, as a share of the bins
SMOOTH = 7  # bins: the histogram is smoothed by this box, twice
GAP = 0.02  # a bin this empty (as a share of a typical bin) is a gap
GAP_BINS = 3  # when this many lie in a row
COMB_TEETH = 3  # occupied runs of 1-2 bins in a row that make a comb (a floor's rows)
COMB_SPREAD = 3.0  # a comb's empty runs are within this factor of their median
CORE = 0.5  # a cluster somewhere stands this far above the trend (as a share of it)
RIM = 0.1  # and reaches as far as it stands this far above
MIN_CLUSTER = 0.003  # a cluster holds at least this share of the valid pixels
STRAY = 0.002  # a stretch with less than this share of the pixels is a gap
SURROUNDINGS = 0.12  # the trend's share of the levels
BACKSTOP_SHARE = 0.15  # a far cluster this large is the backstop
BACKSTOP_LEVELS = 4
LABELS = {"backstop": "Backstop", "surroundings": "Surroundings", "gap": "Gap"}


@dataclass(frozen=True)
class Stretch:
    """One proposed split: a depth range, what it holds, and its levels."""

    start: float
    end: float
    kind: str  # "cluster", "backstop", "surroundings" or "gap"
    pixels: int
    levels: int = 0


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True."""
    edges = np.flatnonzero(np.diff(np.r_[0, np.asarray(mask, dtype=np.int8), 0]))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def close_gaps(mask: np.ndarray, longest: int) -> np.ndarray:
    """``mask`` with every run of False shorter than ``longest`` between two Trues filled."""
    out = np.array(mask, dtype=bool)
    for a, b in runs(~out):
        if a > 0 and b < len(out) and b - a < longest:
            out[a:b] = True
    return out


def opening(values: np.ndarray, reach: int) -> np.ndarray:
    """Rolling minimum then rolling maximum over ``reach`` bins each way, each pass padding
    the ends with its end values: a bump at an end of the range stands out of it."""
    width = 2 * reach + 1
    low = sliding_window_view(np.pad(values, reach, mode="edge"), width).min(axis=1)
    return sliding_window_view(np.pad(low, reach, mode="edge"), width).max(axis=1)


def smoothed(values: np.ndarray) -> np.ndarray:
    """A centred box of ``SMOOTH`` bins, the ends padded with the end values."""
    half = SMOOTH // 2
    padded = np.pad(values, half, mode="edge")
    return np.convolve(padded, np.ones(SMOOTH) / SMOOTH, mode="valid")


def bin_count(pixels: int) -> int:
    """Fewer bins for small images, whose floors' rows lie farther apart in depth."""
    return int(np.clip(round(0.9 * pixels**0.5), 32, BINS))


def bin_edges(lo: float, hi: float, bins: int) -> np.ndarray:
    if lo <= 0:
        return np.linspace(lo, hi, bins + 1)
    edges = 1.0 / np.linspace(1.0 / lo, 1.0 / hi, bins + 1)
    edges[0], edges[-1] = lo, hi
    return edges


def comb_gaps(occupied: np.ndarray) -> set[tuple[int, int]]:
    """The empty runs of a comb: a floor or a ramp whose pixel rows each hold one depth
    leaves its rows in every few bins (near the camera, where bins are finest), with even
    empty runs between. Those runs lie between teeth (occupied runs of one or two bins),
    at least COMB_TEETH in a row, and each is within a factor of COMB_SPREAD of the
    comb's median run: they are not gaps between objects."""
    filled = runs(occupied)
    empty = [(b0, a1) for (_, b0), (a1, _) in pairwise(filled)]
    teeth = [b - a <= 2 for a, b in filled]
    found: set[tuple[int, int]] = set()
    i = 0
    while i < len(filled):
        j = i
        while j + 1 < len(filled) and teeth[j] and teeth[j + 1]:
            j += 1
        if j - i + 1 >= COMB_TEETH:
            between = empty[i:j]
            median = float(np.median([b - a for a, b in between]))
            found.update(r for r in between if r[1] - r[0] <= COMB_SPREAD * median)
        i = j + 1
    return found


def classify_bins(counts: np.ndarray, total: int) -> np.ndarray:
    """Per bin: 0 gap, 1 surroundings, 2 cluster."""
    typical = np.median(counts[counts > 0])
    gap = np.zeros(len(counts), dtype=bool)
    combed = comb_gaps(counts > GAP * typical)
    for a, b in runs(counts <= GAP * typical):
        if b - a >= GAP_BINS and (a, b) not in combed:
            gap[a:b] = True
    kind = np.where(gap, 0, 1)
    reach = max(1, round(len(counts) * WINDOW / 2))
    for g0, g1 in runs(~gap):  # each group on its own: never join across a gap
        group = counts[g0:g1]
        smooth = smoothed(smoothed(group))
        base = opening(smooth, reach)
        excess = smooth - base
        rim = close_gaps(excess > RIM * base, 3 * SMOOTH)
        for a, b in runs(rim):
            if np.any(excess[a:b] > CORE * base[a:b]) and group[a:b].sum() >= MIN_CLUSTER * total:
                kind[g0 + a : g0 + b] = 2
        if not np.any(kind[g0:g1] == 2) and g1 - g0 < 4 * reach:
            kind[g0:g1] = 2  # a narrow group with nothing above its trend: one object
    return kind


def stretches(values: np.ndarray, bins: int | None = None) -> list[Stretch]:
    """The scene's depth range cut into clusters, surroundings and gaps (no levels yet)."""
    lo, hi = float(values.min()), float(values.max())
    if not hi > lo:
        return [Stretch(lo, hi, "cluster", int(values.size))]
    bins = bins or bin_count(values.size)
    edges = bin_edges(lo, hi, bins)
    if lo > 0:  # even bins in 1 / depth: numpy's fast path for even bins
        counts = np.histogram(np.reciprocal(values), bins, range=(1.0 / hi, 1.0 / lo))[0][::-1]
    else:
        counts = np.histogram(values, bins=edges)[0]
    counts = counts.astype(np.float64)
    kind = classify_bins(counts, values.size)
    cuts = np.flatnonzero(np.diff(kind)) + 1
    found = []
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(kind)]):
        pixels = int(counts[a:b].sum())
        name = ("gap", "surroundings", "cluster")[kind[a]]
        if name == "surroundings" and pixels < STRAY * values.size:
            name = "gap"
        if found and found[-1].kind == name:  # two gaps in a row
            found[-1] = replace(found[-1], end=float(edges[b]), pixels=found[-1].pixels + pixels)
        else:
            found.append(Stretch(float(edges[a]), float(edges[b]), name, pixels))
    return mark_backstop(merge_tails(found), values.size)


def merge_tails(found: list[Stretch]) -> list[Stretch]:
    """Surroundings between a cluster and a gap (or an end of the range) that hold fewer
    pixels than the cluster are its fringe: they join it."""
    out = list(found)
    i = 0
    while i < len(out):
        s = out[i]
        if s.kind == "surroundings":
            before = out[i - 1] if i > 0 else None
            after = out[i + 1] if i + 1 < len(out) else None
            for side, other in ((-1, before), (1, after)):
                rest = after if side < 0 else before
                if (
                    other is not None
                    and other.kind == "cluster"
                    and (rest is None or rest.kind == "gap")
                    and s.pixels < other.pixels
                ):
                    start = min(s.start, other.start)
                    end = max(s.end, other.end)
                    j = i + side
                    out[min(i, j)] = replace(
                        other, start=start, end=end, pixels=s.pixels + other.pixels
                    )
                    del out[max(i, j)]
                    i = min(i, j) - 1
                    break
        i += 1
    return out


def mark_backstop(found: list[Stretch], total: int) -> list[Stretch]:
    """The farthest cluster is the backstop when it is large, only gaps lie beyond it and
    something (a cluster or surroundings) lies nearer."""
    clusters = [i for i, s in enumerate(found) if s.kind == "cluster"]
    if not clusters:
        return found
    far = clusters[-1]
    nearer = any(s.kind in ("cluster", "surroundings") for s in found[:far])
    beyond = all(s.kind == "gap" for s in found[far + 1 :])
    if nearer and beyond and found[far].pixels >= BACKSTOP_SHARE * total:
        found = [*found[:far], replace(found[far], kind="backstop"), *found[far + 1 :]]
    return found


def share_out(weights: list[float], budget: int, minimum: list[int]) -> list[int]:
    """Integers >= ``minimum`` summing to ``budget`` (when it allows), in proportion to
    ``weights`` by the largest remainder (ties to the first)."""
    levels = list(minimum)
    left = budget - sum(levels)
    total = sum(weights)
    if left <= 0 or total <= 0:
        return levels
    exact = [w / total * left for w in weights]
    extra = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - extra[i], reverse=True)
    for i in order[: left - sum(extra)]:
        extra[i] += 1
    return [a + b for a, b in zip(levels, extra)]


def allocate(found: list[Stretch], nearest: float, budget: int = BUDGET) -> list[Stretch]:
    """Give each stretch its levels (see the module's notes)."""
    fixed = {"gap": 1, "backstop": BACKSTOP_LEVELS}
    levels = [fixed.get(s.kind, 0) if s.pixels else 0 for s in found]
    clusters = [i for i, s in enumerate(found) if s.kind == "cluster"]
    around = [i for i, s in enumerate(found) if s.kind == "surroundings"]
    left = budget - sum(levels)
    share = max(len(around), round(left * SURROUNDINGS)) if clusters else left
    if around:
        weights = [float(found[i].pixels) for i in around]
        for i, n in zip(around, share_out(weights, share, [1] * len(around))):
            levels[i] = n
        left -= share
    if clusters:
        weights = []
        for i in clusters:
            centre = (found[i].start + found[i].end) / 2
            nearness = (nearest / centre) ** 2 if nearest > 0 and centre > 0 else 1.0
            weights.append(found[i].pixels * nearness)
        for i, n in zip(clusters, share_out(weights, left, [1] * len(clusters))):
            levels[i] = n
    return [replace(s, levels=n) for s, n in zip(found, levels)]


def auto_stretches(values: np.ndarray) -> list[Stretch]:
    """The stretches of the valid depths ``values``, with their levels."""
    values = np.asarray(values).ravel()
    if values.size == 0:
        raise ValueError("no valid depth to split")
    found = allocate(stretches(values), float(values.min()))
    return [*found[:-1], replace(found[-1], end=found[-1].end + EPSILON)]  # max inside


def auto_splits(values: np.ndarray, compress: bool = False, curve: str = "linear") -> SplitSet:
    """A labelled split setup for the valid depths ``values`` (see the module's notes)."""
    splits = []
    numbered = 0
    for s in auto_stretches(values):
        if s.kind == "cluster":
            numbered += 1
            label = f"Cluster {numbered}"
        else:
            label = LABELS[s.kind]
        splits.append(Split(s.start, s.end, s.levels).with_flag("label", label))
    return SplitSet(tuple(splits), compress=compress, curve=curve)

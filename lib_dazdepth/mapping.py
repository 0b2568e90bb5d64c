"""Depth to grey levels.

Each pixel gets a *fine level*: 256 steps per grey level, so one array serves 8-bit output
(``fine >> 8`` is the level) and 16-bit output. Inside split ``i`` with ``L`` levels and
offset ``o`` (levels of the splits before it) a pixel at curve position ``t`` in [0, 1]
gets ``o * 256 + min(floor(t * L * 256), L * 256 - 1)``: exactly ``L`` grey values,
disjoint from the neighbours', and the far end stays inside the split. Background and
pixels of splits with 0 levels get ``BLACK``. Depths beyond the first or last boundary
are clamped into the first or last split (and counted).

Two drivers compute the same thing: ``map_depth`` streams through the image in chunks
(the command line), ``DepthIndex`` sorts the valid depths once so that each split edit
only touches contiguous slices (the live UI).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .splits import MAX_LEVELS, SplitSet

STEPS = 256  # fine steps per grey level
BLACK = MAX_LEVELS * STEPS  # 65536: drawn black
CHUNK = 1 << 18
WORKERS = max(1, min(4, os.cpu_count() or 1))


class MappingError(ValueError):
    """The split setup cannot be mapped; the message is the reference's status line."""


@dataclass(frozen=True)
class MappingPlan:
    """Per-split tables derived once from a SplitSet."""

    bounds: np.ndarray  # float64 (S + 1,)
    levels: np.ndarray  # int64 (S,)
    offsets: np.ndarray  # int64 (S,)
    curves: tuple[str, ...]

    @classmethod
    def from_splits(cls, splits: SplitSet) -> MappingPlan:
        status = splits.mapping_status()
        if status != "Success":
            raise MappingError(status)
        curves = tuple(splits.effective_curve(i) for i in range(len(splits)))
        bounds = np.array(splits.bounds, dtype=np.float64)
        for i, curve in enumerate(curves):
            if curve == "inverse" and bounds[i] <= 0:
                raise MappingError(
                    f"Failure to map: split {i} starts at {bounds[i]}; the inverse curve"
                    " needs depths above 0"
                )
        return cls(
            bounds=bounds,
            levels=np.array([s.levels for s in splits.splits], dtype=np.int64),
            offsets=np.array(splits.offsets, dtype=np.int64),
            curves=curves,
        )

    @property
    def count(self) -> int:
        return len(self.curves)

    @cached_property
    def inner(self) -> np.ndarray:
        return self.bounds[1:-1]

    @cached_property
    def steps(self) -> np.ndarray:
        """Fine steps per split as float64; 1 for 0-level splits (their base is BLACK)."""
        return np.maximum(self.levels * STEPS, 1).astype(np.float64)

    @cached_property
    def base(self) -> np.ndarray:
        return np.where(self.levels > 0, self.offsets * STEPS, BLACK).astype(np.float64)

    @cached_property
    def near(self) -> np.ndarray:
        """Curve origin per split: start (linear) or 1/start (inverse)."""
        starts = self.bounds[:-1]
        with np.errstate(divide="ignore"):
            return np.where(self.inverse, 1.0 / starts, starts)

    @cached_property
    def span(self) -> np.ndarray:
        """Curve length per split: end - start, or 1/start - 1/end."""
        starts, ends = self.bounds[:-1], self.bounds[1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.inverse, 1.0 / starts - 1.0 / ends, ends - starts)

    @cached_property
    def inverse(self) -> np.ndarray:
        return np.array([c == "inverse" for c in self.curves])


def curve_position(values: np.ndarray, near, span, inverse) -> np.ndarray:
    """Where float64 ``values`` sit along a split: 0 at its start, 1 at its end.

    Linear: ``(v - start) / (end - start)``. Inverse (MiDaS-like, equal steps of 1/z, so
    more levels near): ``(1/start - 1/v) / (1/start - 1/end)``. ``values`` is reused.
    """
    if np.ndim(inverse) == 0:
        if inverse:
            np.reciprocal(values, out=values)
            np.subtract(near, values, out=values)
        else:
            np.subtract(values, near, out=values)
    else:
        flipped = np.where(inverse, -1.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(inverse, np.reciprocal(values), values)
        values -= near
        values *= flipped
    values /= span
    return values


def rank_position(ranks: np.ndarray, distinct: int) -> np.ndarray:
    """Compression: distinct depths spread evenly, nearest at 0 and farthest at 1."""
    if distinct <= 1:
        return np.zeros(ranks.shape, dtype=np.float64)
    return ranks / float(distinct - 1)


def fine_levels(t: np.ndarray, steps, base) -> np.ndarray:
    """Fine levels (uint32) of positions ``t`` (reused): base + min(floor(t*steps), steps-1)."""
    np.clip(t, 0.0, 1.0, out=t)
    t *= steps
    np.floor(t, out=t)
    np.minimum(t, np.subtract(steps, 1.0), out=t)
    t += base
    return t.astype(np.uint32)


@dataclass(frozen=True)
class Mapped:
    fine: np.ndarray  # (H, W) uint32
    split: np.ndarray | None  # (H, W) int16: split index, -1 on background


def outside(depth: np.ndarray, valid: np.ndarray, bounds: tuple[float, ...]) -> tuple[int, int]:
    """Valid pixels nearer than the first boundary, and at or past the last one."""
    with np.errstate(invalid="ignore"):
        below = np.count_nonzero(valid & (depth < bounds[0]))
        beyond = np.count_nonzero(valid & (depth >= bounds[-1]))
    return int(below), int(beyond)


def split_index(x: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """Split of each float64 depth: the number of inner boundaries at or below it."""
    if inner.size > 16:
        return np.searchsorted(inner, x, side="right")
    idx = np.zeros(x.shape, dtype=np.uint8 if inner.size < 255 else np.intp)
    for bound in inner:  # a compare per boundary beats a binary search for few splits
        idx += x >= bound
    return idx


def _table(values: np.ndarray, idx: np.ndarray | None):
    """Per-split values for each pixel; a scalar when every split has the same one."""
    if idx is None or (values == values[0]).all():
        return values[0]
    return values[idx]


def _map_chunk(x32: np.ndarray, good: np.ndarray, plan: MappingPlan, split_out, fine_out):
    x = x32.astype(np.float64)
    bad = ~good
    x[bad] = plan.bounds[0]  # background: any depth will do, it is overwritten below
    idx = split_index(x, plan.inner) if plan.count > 1 else None
    t = curve_position(x, _table(plan.near, idx), _table(plan.span, idx), _table(plan.inverse, idx))
    fine = fine_levels(t, _table(plan.steps, idx), _table(plan.base, idx))
    fine[bad] = BLACK
    fine_out[...] = fine
    if split_out is not None:
        split_out[...] = np.where(good, 0 if idx is None else idx, -1)


def map_depth(
    depth: np.ndarray, valid: np.ndarray, plan: MappingPlan, want_split: bool = False
) -> Mapped:
    """Map a whole image in chunks, on every core, keeping memory flat."""
    flat, ok = depth.reshape(-1), valid.reshape(-1)
    has_rank = "rank" in plan.curves
    fine = np.empty(flat.size, dtype=np.uint32)
    split = np.empty(flat.size, dtype=np.int16) if (want_split or has_rank) else None
    chunks = [slice(a, a + CHUNK) for a in range(0, flat.size, CHUNK)]

    def run(part: slice) -> None:
        target = None if split is None else split[part]
        _map_chunk(flat[part], ok[part], plan, target, fine[part])

    if len(chunks) == 1:
        run(chunks[0])
    else:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(run, chunks))
    if has_rank:
        _map_ranks(flat, split, plan, fine)
    shape = depth.shape
    return Mapped(
        fine.reshape(shape),
        split.reshape(shape) if (split is not None and want_split) else None,
    )


def _map_ranks(flat: np.ndarray, split: np.ndarray, plan: MappingPlan, fine: np.ndarray):
    for i, curve in enumerate(plan.curves):
        if curve == "rank":
            members = split == i
            distinct, ranks = np.unique(flat[members], return_inverse=True)
            t = rank_position(ranks.reshape(-1), distinct.size)
            fine[members] = fine_levels(t, plan.steps[i], plan.base[i])


@dataclass(frozen=True, eq=False)
class DepthIndex:
    """Valid depths sorted once, so that remapping after an edit costs one gather."""

    shape: tuple[int, int]
    sorted_values: np.ndarray  # float64 (N,)
    position: np.ndarray  # int32 (H * W,): index into sorted order, N on background

    @classmethod
    def build(cls, depth: np.ndarray, valid: np.ndarray) -> DepthIndex:
        flat_valid = np.flatnonzero(valid.reshape(-1))
        values = depth.reshape(-1)[flat_valid]
        order = np.argsort(values, kind="stable")
        position = np.full(depth.size, flat_valid.size, dtype=np.int32)
        position[flat_valid[order]] = np.arange(flat_valid.size, dtype=np.int32)
        return cls(depth.shape, values[order].astype(np.float64), position)

    @property
    def count(self) -> int:
        return self.sorted_values.size

    @cached_property
    def distinct_rank(self) -> np.ndarray:
        """Rank of each sorted value among the distinct values (for compression)."""
        steps = np.empty(self.count, dtype=np.int32)
        steps[:1] = 0
        np.not_equal(self.sorted_values[1:], self.sorted_values[:-1], out=steps[1:])
        return np.cumsum(steps, dtype=np.int32)

    def slices(self, plan: MappingPlan) -> np.ndarray:
        """Start of each split's slice in sorted order, with the end: (S + 1,)."""
        cuts = np.searchsorted(self.sorted_values, plan.inner, side="left")
        return np.concatenate(([0], cuts, [self.count]))

    def sorted_fine(self, plan: MappingPlan) -> np.ndarray:
        """Fine levels in sorted order, plus a trailing BLACK for background pixels."""
        out = np.empty(self.count + 1, dtype=np.uint32)
        out[-1] = BLACK
        cuts = self.slices(plan)
        for i, curve in enumerate(plan.curves):
            a, b = cuts[i], cuts[i + 1]
            if a == b:
                continue
            if curve == "rank":
                ranks = self.distinct_rank[a:b] - self.distinct_rank[a]
                t = rank_position(ranks, int(ranks[-1]) + 1)
            else:
                values = self.sorted_values[a:b].copy()
                t = curve_position(values, plan.near[i], plan.span[i], plan.inverse[i])
            out[a:b] = fine_levels(t, plan.steps[i], plan.base[i])
        return out

    def sorted_split(self, plan: MappingPlan) -> np.ndarray:
        cuts = self.slices(plan)
        sizes = np.diff(cuts)
        return np.concatenate((np.repeat(np.arange(plan.count, dtype=np.int16), sizes), [-1]))

    def gather(self, sorted_data: np.ndarray) -> np.ndarray:
        """An image from per-sorted-position data (with the trailing background entry)."""
        return sorted_data[self.position].reshape(self.shape)

    def map(self, plan: MappingPlan, want_split: bool = False) -> Mapped:
        fine = self.gather(self.sorted_fine(plan))
        split = self.gather(self.sorted_split(plan)) if want_split else None
        return Mapped(fine, split)

    def outside(self, bounds: tuple[float, ...]) -> tuple[int, int]:
        """As ``outside()``, from the sorted depths: two binary searches."""
        below = int(np.searchsorted(self.sorted_values, bounds[0], side="left"))
        beyond = self.count - int(np.searchsorted(self.sorted_values, bounds[-1], side="left"))
        return below, beyond

"""Depth to grey levels.

Each pixel gets a *fine level*: 256 steps per grey level, so one array serves 8-bit output
(``fine >> 8`` is the level) and 16-bit output. Inside split ``i`` with ``L`` levels and
offset ``o`` (levels of the splits before it) a pixel at curve position ``t`` in [0, 1]
gets ``o * 256 + min(floor(t * L * 256), L * 256 - 1)``: exactly ``L`` grey values,
disjoint from the neighbours', and the far end stays inside the split. Background and
pixels of splits with 0 levels get ``BLACK``. Depths beyond the first or last boundary
are clamped into the first or last split (and counted).

Two drivers compute the same thing: ``map_depth`` here streams through the image in
chunks (the command line); ``index.DepthIndex`` sorts the valid depths once so that each
split edit only touches contiguous slices (the live UI).
"""

from __future__ import annotations

import os
import threading
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
    def grey_steps(self) -> np.ndarray:
        """Levels per split as float64; 1 for 0-level splits (their grey base is 256)."""
        return np.maximum(self.levels, 1).astype(np.float64)

    @cached_property
    def grey_top(self) -> np.ndarray:
        """Grey of each split's first level, uint8: 255 - offset; 0 for 0-level splits."""
        return np.where(self.levels > 0, 255 - self.offsets, 0).astype(np.uint8)

    @cached_property
    def grey_last(self) -> np.ndarray:
        """Each split's last level from its start, uint16: levels - 1; 0 for none."""
        return (np.maximum(self.levels, 1) - 1).astype(np.uint16)

    @cached_property
    def grey_scale(self) -> np.ndarray | None:
        """``span / levels`` per split when every split's levels are a power of two (256 by
        default): then ``t / span * L`` is exactly ``t / (span / L)``, one pass less
        (scaling by a power of two commutes with rounding); else None."""
        steps = self.grey_steps.astype(np.int64)
        if np.any(steps & (steps - 1)) or self.inverse.any():
            return None
        return self.span / self.grey_steps

    @cached_property
    def below_ends(self) -> bool:
        """Whether the greatest float32 depth below each split's end still gets a level
        below L there (t * L < L): then no depth inside a split needs clamping to its last
        level. Levels only grow with depth (each step is a monotone, correctly rounded
        operation), so that depth is the one to try."""
        ends = self.bounds[1:]
        below = ends.astype(np.float32)
        below = np.where(below >= ends, np.nextafter(below, np.float32(-np.inf)), below)
        below = below.astype(np.float64)
        holds = below >= self.bounds[:-1]  # the split holds any float32 at all
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            scaled = _grey_scaled(below.copy(), self, np.arange(self.count))
        return bool(np.all(~holds | (scaled < self.grey_steps)))

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


def fine_levels(t: np.ndarray, steps, base, out: np.ndarray | None = None) -> np.ndarray:
    """Fine levels of curve positions ``t`` (reused): base + min(floor(clip(t) * steps), steps - 1).

    Clipping after the floor gives the same integers with one pass less.
    """
    t *= steps
    np.floor(t, out=t)
    np.clip(t, 0.0, np.subtract(steps, 1.0), out=t)
    t += base
    if out is None:
        return t.astype(np.uint32)
    out[...] = t
    return out


def grey8(fine: np.ndarray) -> np.ndarray:
    """8-bit grey: 255 - level; level 256 (black) and 255 both give 0. Near is white."""
    level = np.right_shift(fine, 8)
    np.minimum(level, 255, out=level)
    return (255 - level).astype(np.uint8)


@dataclass(frozen=True)
class Mapped:
    fine: np.ndarray | None  # (H, W) uint32, unless only grey was asked for
    split: np.ndarray | None = None  # (H, W) int16: split index, -1 on background
    grey: np.ndarray | None = None  # (H, W) uint8, when asked for

    def grey8(self) -> np.ndarray:
        return self.grey if self.grey is not None else grey8(self.fine)


def outside(depth: np.ndarray, valid: np.ndarray, bounds: tuple[float, ...]) -> tuple[int, int]:
    """Valid pixels nearer than the first boundary, and at or past the last one."""
    with np.errstate(invalid="ignore"):
        below = np.count_nonzero(valid & (depth < bounds[0]))
        beyond = np.count_nonzero(valid & (depth >= bounds[-1]))
    return int(below), int(beyond)


def in_parallel(work, items: list) -> None:
    """``work(item)`` for every item on WORKERS threads (numpy releases the GIL)."""
    if len(items) == 1 or WORKERS == 1:
        for item in items:
            work(item)
        return
    pending = iter(items)
    lock = threading.Lock()
    failures: list[BaseException] = []

    def worker() -> None:
        while not failures:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            try:
                work(item)
            except BaseException as error:  # re-raised in the caller's thread
                failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


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


def _grey_scaled(x: np.ndarray, plan: MappingPlan, idx) -> np.ndarray:
    """t * L for float64 depths ``x`` (reused) in splits ``idx`` (None: the one split)."""
    scale = plan.grey_scale
    if scale is not None:  # linear, levels a power of two: (x - start) / (span / L)
        x -= _table(plan.near, idx)
        x /= _table(scale, idx)
        return x
    x = curve_position(x, _table(plan.near, idx), _table(plan.span, idx), _table(plan.inverse, idx))
    x *= _table(plan.grey_steps, idx)
    return x


def _map_chunk(x, good, plan: MappingPlan, fine_out, split_out, grey_out, inside) -> None:
    """Map float64 depths ``x`` (reused) into the given outputs; ``good``: valid."""
    idx = split_index(x, plan.inner) if plan.count > 1 else None
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # Background values (NaN, inf, huge) give nonsense here; they are set black below.
        if fine_out is None and grey_out is not None:
            _grey_levels(_grey_scaled(x, plan, idx), plan, idx, grey_out, inside)
            np.multiply(grey_out, good.view(np.uint8), out=grey_out)
        else:
            t = curve_position(
                x, _table(plan.near, idx), _table(plan.span, idx), _table(plan.inverse, idx)
            )
            fine_levels(t, _table(plan.steps, idx), _table(plan.base, idx), out=fine_out)
            np.putmask(fine_out, ~good, BLACK)
            if grey_out is not None:
                grey_out[...] = grey8(fine_out)
    if split_out is not None:
        split_out[...] = np.where(good, 0 if idx is None else idx, np.int16(-1))


def _grey_levels(scaled: np.ndarray, plan: MappingPlan, idx, out: np.ndarray, inside) -> None:
    """8-bit grey from ``scaled`` = t * L (reused), equal to ``grey8(fine_levels(...))``:
    scaling by 256 commutes with rounding, so floor(t * L) is the fine level's top byte.
    The level in its split is min(floor(t * L), L - 1), clipped at 0; the grey is the
    split's top grey minus it. Truncating a clipped value is its floor. ``inside``: every
    valid pixel lies in the splits' range, so its t * L lies in [0, L] (L only by rounding
    at a split's end, and not even that when ``plan.below_ends``): then a cast (and an
    integer minimum) do what the float clip does. Background pixels get nonsense here."""
    top = _table(plan.grey_top, idx)
    if inside and plan.below_ends:
        np.copyto(out, scaled, casting="unsafe")  # levels 0 to L - 1: bytes
        np.subtract(top, out, out=out)
        return
    last = _table(plan.grey_last, idx)
    if not inside:
        np.clip(scaled, 0.0, last, out=scaled)
    level = scaled.astype(np.uint16)
    if inside:
        np.minimum(level, last, out=level)
    np.subtract(top, level, out=out, casting="unsafe")


def map_depth(
    depth: np.ndarray,
    valid: np.ndarray,
    plan: MappingPlan,
    want_split: bool = False,
    want_fine: bool = True,
    want_grey: bool = False,
    valid_range: tuple[float, float] | None = None,
) -> Mapped:
    """Map a whole image in chunks, on every core. Only what is asked for is kept whole:
    large temporaries are slow to allocate (first touch), chunks are reused.
    ``valid_range``: the nearest and farthest valid depth when known (DepthMap.range),
    which lets a setup covering them skip the clamping of depths outside the splits."""
    flat, ok = depth.reshape(-1), valid.reshape(-1)
    has_rank = "rank" in plan.curves
    keep_fine = want_fine or has_rank  # ranks need the whole image before grey
    fine = np.empty(flat.size, dtype=np.uint32) if keep_fine else None
    split = np.empty(flat.size, dtype=np.int16) if (want_split or has_rank) else None
    grey = np.empty(flat.size, dtype=np.uint8) if (want_grey and not has_rank) else None

    inside = valid_range is not None and bool(
        plan.bounds[0] <= valid_range[0] and valid_range[1] < plan.bounds[-1]
    )

    scratch = threading.local()  # a chunk's float64 depths, one buffer per thread

    def run(part: slice) -> None:
        depths = flat[part]
        buffer = getattr(scratch, "x", None)
        if buffer is None:
            buffer = scratch.x = np.empty(min(CHUNK, flat.size), dtype=np.float64)
        x = buffer[: depths.size]
        np.copyto(x, depths)
        _map_chunk(
            x,
            ok[part],
            plan,
            None if fine is None else fine[part],
            None if split is None else split[part],
            None if grey is None else grey[part],
            inside,
        )

    in_parallel(run, [slice(a, a + CHUNK) for a in range(0, flat.size, CHUNK)])
    if has_rank:
        _map_ranks(flat, split, plan, fine)
        if want_grey:
            grey = grey8(fine)
    shape = depth.shape
    return Mapped(
        fine.reshape(shape) if want_fine else None,
        split.reshape(shape) if want_split else None,
        grey.reshape(shape) if grey is not None else None,
    )


def _map_ranks(flat: np.ndarray, split: np.ndarray, plan: MappingPlan, fine: np.ndarray):
    for i, curve in enumerate(plan.curves):
        if curve == "rank":
            members = split == i
            distinct, ranks = np.unique(flat[members], return_inverse=True)
            t = rank_position(ranks.reshape(-1), distinct.size)
            fine[members] = fine_levels(t, plan.steps[i], plan.base[i])

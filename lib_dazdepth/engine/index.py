"""The live path: valid depths sorted once, so that a split edit touches only its splits.

Each split is a contiguous slice of the sorted depths; after an edit only the splits whose
range, levels, offset or curve changed are recomputed (a drag touches two) and their
pixels written into a copy of the previous image. Same results as ``mapping.map_depth``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .mapping import (
    BLACK,
    Mapped,
    MappingPlan,
    curve_position,
    fine_levels,
    rank_position,
)
from .splits import MAX_LEVELS


@dataclass(frozen=True, eq=False)
class DepthIndex:
    """Valid depths sorted once, for the live UI.

    Each split is a contiguous slice of the sorted depths, so after an edit only the
    splits whose range, levels, offset or curve changed are recomputed (a drag touches
    two), and their pixels are written into a copy of the previous image.
    """

    shape: tuple[int, int]
    sorted_values: np.ndarray  # float64 (N,)
    order: np.ndarray  # int32 or int64 (N,): flat pixel index of each sorted value
    _stats: dict = field(default_factory=dict, repr=False)  # signature -> (pixels, greys)

    @classmethod
    def build(cls, depth: np.ndarray, valid: np.ndarray) -> DepthIndex:
        flat_valid = np.flatnonzero(valid.reshape(-1))
        values = depth.reshape(-1)[flat_valid]
        order = np.argsort(values, kind="stable")
        index_type = np.int32 if depth.size < 2**31 else np.int64
        return cls(
            depth.shape, values[order].astype(np.float64), flat_valid[order].astype(index_type)
        )

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

    def split_fine(self, plan: MappingPlan, i: int, a: int, b: int) -> np.ndarray:
        """Fine levels of split ``i``, whose depths are sorted positions a..b."""
        if plan.curves[i] == "rank":
            ranks = self.distinct_rank[a:b] - self.distinct_rank[a]
            t = rank_position(ranks, int(ranks[-1]) + 1)
        else:
            values = self.sorted_values[a:b].copy()
            t = curve_position(values, plan.near[i], plan.span[i], plan.inverse[i])
        return fine_levels(t, plan.steps[i], plan.base[i])

    def map(self, plan: MappingPlan, want_split: bool = False) -> Mapped:
        fine = np.full(self.shape, BLACK, dtype=np.uint32)
        split = np.full(self.shape, -1, dtype=np.int16) if want_split else None
        self._paint(plan, range(plan.count), fine, split)
        return Mapped(fine, split)

    def update(self, previous: Mapped, old: MappingPlan, new: MappingPlan) -> Mapped:
        """``map(new)``, recomputing only the splits that differ from ``old``."""
        before = set(_signatures(old))
        changed = [i for i, sig in enumerate(_signatures(new)) if sig not in before]
        fine = previous.fine.copy()
        split = None
        if previous.split is not None:
            if old.count != new.count:  # split numbers moved: redo the split image
                split = np.full(self.shape, -1, dtype=np.int16)
                cuts = self.slices(new)
                sizes = np.diff(cuts)
                split.reshape(-1)[self.order] = np.repeat(
                    np.arange(new.count, dtype=np.int16), sizes
                )
            else:
                split = previous.split.copy()
        self._paint(new, changed, fine, split)
        return Mapped(fine, split)

    def _paint(self, plan: MappingPlan, splits, fine: np.ndarray, split) -> None:
        cuts = self.slices(plan)
        flat_fine = fine.reshape(-1)
        flat_split = None if split is None else split.reshape(-1)
        signatures = _signatures(plan)
        for i in splits:
            a, b = int(cuts[i]), int(cuts[i + 1])
            if a == b:
                continue
            pixels = self.order[a:b]
            fine = self.split_fine(plan, i, a, b)
            flat_fine[pixels] = fine
            self._remember(signatures[i], fine)
            if flat_split is not None:
                flat_split[pixels] = i

    def _remember(self, signature: tuple, fine: np.ndarray) -> None:
        if len(self._stats) > 4096:
            self._stats.clear()
        # Levels rise with depth inside a split, so distinct greys = changes + 1.
        levels = fine >> 8
        greys = 0 if levels[0] >= MAX_LEVELS else int(np.count_nonzero(np.diff(levels))) + 1
        self._stats[signature] = (fine.size, greys)

    def pixels_per_split(self, bounds: tuple[float, ...]) -> np.ndarray:
        """Sampled pixels of each split of ``bounds`` (cm), whatever its levels: int (S,).
        The first and last splits take what lies beyond the ends, as in the mapping."""
        cuts = np.searchsorted(self.sorted_values, bounds[1:-1], side="left")
        return np.diff(np.concatenate(([0], cuts, [self.count])))

    def split_stats(self, plan: MappingPlan) -> list[tuple[int, int]]:
        """(sampled pixels, distinct grey levels) of each split; cached per split."""
        cuts = self.slices(plan)
        result = []
        for i, signature in enumerate(_signatures(plan)):
            if signature not in self._stats:
                a, b = int(cuts[i]), int(cuts[i + 1])
                if a == b:
                    self._stats[signature] = (0, 0)
                else:
                    self._remember(signature, self.split_fine(plan, i, a, b))
            result.append(self._stats[signature])
        return result

    def outside(self, bounds: tuple[float, ...]) -> tuple[int, int]:
        """As ``outside()``, from the sorted depths: two binary searches."""
        below = int(np.searchsorted(self.sorted_values, bounds[0], side="left"))
        beyond = self.count - int(np.searchsorted(self.sorted_values, bounds[-1], side="left"))
        return below, beyond


def _signatures(plan: MappingPlan) -> list[tuple]:
    """What decides a split's pixels and levels; equal signature, equal output."""
    return [
        (
            plan.bounds[i],
            plan.bounds[i + 1],
            plan.steps[i],
            plan.base[i],
            plan.curves[i],
            i == 0,
            i == plan.count - 1,
        )  # the first and last also take clamped depths
        for i in range(plan.count)
    ]

"""Each pixel's region number, and the full-size pixels each region holds.

Three sources, each over the one before: the splits' ``region`` flags (every pixel of a
split), the ID canvas's objects (``SplitSet.id_regions``: object key -> region number),
and the region edits (wand, divide, grow: a number, NONE or INHERIT per pixel). The last
two together are the *override*: it does not change when a split boundary moves.
"""

from __future__ import annotations

import numpy as np

from .depthmap import DepthMap
from .ids import IdObjects, id_layer
from .regions import INHERIT, compose, from_splits
from .splits import SplitSet


def override(
    splits: SplitSet, objects: IdObjects | None, edits: np.ndarray | None
) -> np.ndarray | None:
    """The ID canvas's regions with the region edits over them (int16, INHERIT where the
    splits' flags decide), or None when neither applies."""
    layer = None
    if objects is not None and splits.id_regions:
        layer = id_layer(objects, dict(splits.id_regions))
    if layer is None or edits is None:
        return edits if layer is None else layer
    return np.where(edits == INHERIT, layer, edits).astype(np.int16)


def region_numbers(split: np.ndarray, splits: SplitSet, over: np.ndarray | None) -> np.ndarray:
    """Region number per pixel (NONE for none); ``split``: split index per pixel, -1 on
    background (``Mapped.split``)."""
    return compose(from_splits(split, [s.region for s in splits.splits]), over)


def number_counts(numbers: np.ndarray) -> dict[int, int]:
    """Pixels per region number (numbers below 0 left out)."""
    found, counts = np.unique(numbers[numbers >= 0], return_counts=True)
    return dict(zip(found.tolist(), counts.tolist()))


class RegionCounter:
    """Full-size pixels per region, fast across split edits: the depths of the valid
    pixels the override leaves to the splits are sorted once, so each new split setup
    costs one binary search per boundary (the same clamping as ``mapping.split_index``)."""

    def __init__(self, depth_map: DepthMap, over: np.ndarray | None) -> None:
        self.depth_map, self.over = depth_map, over
        self.fixed = {} if over is None else number_counts(over)
        self._free: np.ndarray | None = None  # sorted when a split first has a region

    @property
    def free(self) -> np.ndarray:
        if self._free is None:
            dm, over = self.depth_map, self.over
            free = dm.valid if over is None else dm.valid & (over == INHERIT)
            self._free = np.sort(dm.depth[free].astype(np.float64))
        return self._free

    def counts(self, splits: SplitSet) -> dict[int, int]:
        if not any(s.region >= 0 for s in splits.splits):
            return dict(self.fixed)
        inner = np.asarray(splits.bounds[1:-1], dtype=np.float64)
        cuts = np.searchsorted(self.free, inner, side="left")
        per_split = np.diff(np.concatenate([[0], cuts, [self.free.size]]))
        result = dict(self.fixed)
        for split, count in zip(splits.splits, per_split.tolist()):
            if split.region >= 0 and count:
                result[split.region] = result.get(split.region, 0) + count
        return result

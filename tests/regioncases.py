"""The region cases of issue 11, as small depth scenes: every writer of region masks is
checked on them through the reading function (readings.py), pixel by pixel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from exrdata import write_depth

from lib_dazdepth.engine.splits import SplitSet

HEIGHT = 4
BASE = "photo"


@dataclass(frozen=True)
class Case:
    name: str
    bands: tuple[tuple[int, str, int | None], ...]  # per split: columns, label, region

    def depth(self) -> np.ndarray:
        """Each band of columns at its split's depth (100, 110, ...); an empty split has
        no column. (HEIGHT, width) float32."""
        columns = [np.full(n, 100.0 + 10 * k) for k, (n, _, _) in enumerate(self.bands)]
        row = np.concatenate(columns).astype(np.float32)
        return np.repeat(row[None, :], HEIGHT, axis=0)

    def splits(self) -> SplitSet:
        count = len(self.bands)
        bounds = [95.0 + 10 * k for k in range(count + 1)]
        bounds[0] = 100.0  # the nearest depth starts the first split, as a load gives it
        levels = [256 // count + (k < 256 % count) for k in range(count)]
        splits = SplitSet.from_bounds(bounds, levels)
        for k, (_, label, region) in enumerate(self.bands):
            if label:
                splits = splits.set_flag(k, "label", label)
            if region is not None:
                splits = splits.set_flag(k, "region", str(region))
        return splits

    def regions(self) -> np.ndarray:
        """The region number the artist gave each pixel (-1: none)."""
        row = [r if r is not None else -1 for n, _, r in self.bands for _ in range(n)]
        return np.repeat(np.array(row)[None, :], HEIGHT, axis=0)

    def labels(self) -> dict[int, str]:
        """The label of each region that holds pixels."""
        return {r: label for n, label, r in self.bands if n and r is not None}

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        return write_depth(folder / f"{self.name}-Canvas2-Depth.exr", self.depth())


CASES = [
    # the found case: 'table' (region 2) holds no pixel in this frame
    Case("found", ((5, "woman", 1), (0, "table", 2), (7, "wall", 3))),
    Case("from-one", ((4, "figure", 1), (4, "floor", 2), (4, "wall", 3))),
    Case("gaps", ((4, "figure", 0), (4, "floor", 4), (4, "wall", 9))),
    Case("empty-split-between", ((4, "figure", 0), (0, "air", 1), (4, "wall", 2))),
    Case("split-without-region", ((4, "figure", 0), (3, "floor", None), (4, "wall", 1))),
    # twelve regions, the nearest with the highest number: the list follows the numbers
    Case("twelve", tuple((2, f"thing {k}", 22 - 2 * k) for k in range(12))),
]
CASE_IDS = [case.name for case in CASES]


def expected_words(case: Case, use_base: bool, base: str = BASE) -> np.ndarray:
    """The words each pixel should get: its region's label (as its section reads: without
    "use base" the base words open every section), pixels without a region the base prompt,
    or without "use base" the first region's section (the lowest number's)."""
    labels = case.labels()

    def section(label: str) -> str:
        return label if use_base or not base else f"{base}, {label}"

    regions = case.regions()
    first = section(labels[min(labels)])
    out = np.full(regions.shape, base if use_base else first, dtype=object)
    for number, label in labels.items():
        out[regions == number] = section(label)
    return out

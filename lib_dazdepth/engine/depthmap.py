"""A loaded depth canvas: the values, which pixels are background, and the data range."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .background import BackgroundReport, BackgroundSettings, classify
from .edges import repair_edges
from .errors import InputError
from .exr import DEFAULT_MAX_PIXELS, read_depth
from .mapping import outside


@dataclass(frozen=True)
class DepthMap:
    path: str
    depth: np.ndarray  # (H, W) float32
    valid: np.ndarray  # (H, W) bool: False on background
    background: BackgroundReport
    channel: str = "Y"
    min: float = np.nan  # nearest valid depth, as the Python float of the stored float32
    max: float = np.nan  # farthest valid depth

    @property
    def shape(self) -> tuple[int, int]:
        return self.depth.shape  # type: ignore[return-value]

    @property
    def width(self) -> int:
        return self.depth.shape[1]

    @property
    def height(self) -> int:
        return self.depth.shape[0]

    def outside(self, bounds: tuple[float, ...]) -> tuple[int, int]:
        """Valid pixels nearer than the first boundary and at or past the last; the known
        range answers without a pass over the image when none can be."""
        if self.min >= bounds[0] and self.max < bounds[-1]:
            return 0, 0
        return outside(self.depth, self.valid, bounds)

    @property
    def range(self) -> tuple[float, float]:
        return self.min, self.max

    @property
    def stem(self) -> str:
        """The name outputs are built from: the file name without its extension."""
        return Path(self.path).stem

    def valid_values(self) -> np.ndarray:
        return self.depth[self.valid]

    def with_cutoff(self, cutoff: float) -> DepthMap:
        """Every depth beyond ``cutoff`` becomes ``cutoff`` (the reference's --depth_cutoff)."""
        clipped = np.minimum(
            self.depth, np.float32(cutoff), where=self.valid, out=self.depth.copy()
        )
        return dataclasses.replace(
            self,
            depth=clipped,
            min=min(self.min, float(np.float32(cutoff))),
            max=min(self.max, float(np.float32(cutoff))),
        )


def from_array(
    depth: np.ndarray,
    path: str = "<array>",
    settings: BackgroundSettings | None = None,
    channel: str = "Y",
) -> DepthMap:
    depth = np.ascontiguousarray(depth, dtype=np.float32)
    if depth.ndim != 2 or depth.size == 0:
        raise InputError(path, "depth must be a non-empty 2-D image")
    found = classify(depth, settings)
    valid, report = found.valid, found.report
    if settings is not None and settings.repair_edges and report.total:
        depth, valid, count = repair_edges(depth, valid)
        report = dataclasses.replace(report, repaired=count)
    if found.nearest > found.farthest:
        problem = f"every pixel is background ({report.describe()}); nothing to map"
        raise InputError(path, problem)
    return DepthMap(path, depth, valid, report, channel, found.nearest, found.farthest)


def load_depth_map(
    path: str | Path,
    *,
    channel: str | None = None,
    part: int | str | None = None,
    settings: BackgroundSettings | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> DepthMap:
    image = read_depth(path, channel=channel, part=part, max_pixels=max_pixels)
    return from_array(image.values, str(path), settings, image.channel)

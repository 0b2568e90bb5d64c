"""Test data: EXR files written with the OpenEXR package, and the seed's three scenes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import OpenEXR


def write_exr(path: Path, channels: dict[str, np.ndarray], **header) -> Path:
    header.setdefault("compression", OpenEXR.ZIP_COMPRESSION)
    header.setdefault("type", OpenEXR.scanlineimage)
    # The binding ignores strides: a non-contiguous slice would be written scrambled.
    channels = {name: np.ascontiguousarray(data) for name, data in channels.items()}
    OpenEXR.File(header, channels).write(str(path))
    return path


def write_depth(path: Path, depth, channel: str = "Y") -> Path:
    """A Daz-style depth canvas: one float channel ``Y``."""
    return write_exr(path, {channel: np.asarray(depth, dtype=np.float32)})


def binned_values(edges: list[float], counts: list[int]) -> np.ndarray:
    """float32 values with exactly ``counts[i]`` in bin ``[edges[i], edges[i+1])``.

    The first value is edges[0] and the last edges[-1] (the last bin is closed), so the
    data's min and max are the histogram's bounds.
    """
    values = []
    for i, count in enumerate(counts):
        lo, hi = edges[i], edges[i + 1]
        inside = np.linspace(lo, hi, count + 2)[1:-1].astype(np.float32)
        values.append(inside)
    flat = np.concatenate(values)
    flat[0], flat[-1] = np.float32(edges[0]), np.float32(edges[-1])
    return flat


def seed_histogram_scene(lo: float, hi: float, shares: list[float], side: int = 100):
    """A side x side depth image whose 20-bin histogram prints ``shares`` (percent)."""
    counts = [round(share * side * side / 100) for share in shares]
    assert sum(counts) == side * side
    step = (hi - lo) / 20
    edges = [lo + i * step for i in range(21)]
    values = binned_values(edges, counts)
    # Keep each value in the bin the reference would count it in despite float32 rounding.
    index = np.searchsorted(np.array(edges[1:-1]), values.astype(np.float64), side="right")
    assert np.bincount(index, minlength=20).tolist() == counts
    return np.sort(values).reshape(side, side)


SIMPLE_SHARES = [
    7.76,
    15.21,
    0.10,
    0.05,
    0.04,
    0.03,
    0.03,
    0.03,
    0.03,
    0.03,
    0.03,
    0.03,
    0.02,
    0.03,
    0.03,
    0.04,
    0.04,
    0.05,
    0.07,
    76.35,
]
RUIN_SHARES = [
    20.31,
    36.53,
    4.65,
    3.60,
    2.37,
    1.18,
    1.03,
    2.36,
    1.99,
    1.21,
    4.02,
    0.40,
    0.80,
    0.63,
    1.12,
    3.68,
    0.53,
    1.02,
    3.24,
    9.33,
]


def seed_scenes(folder: Path) -> dict[str, Path]:
    """The seed's three depth canvases, with the ranges (and histograms) its transcripts show."""
    # float32 bounds whose bin edges print as the seed's (found by searching float32 values).
    simple = seed_histogram_scene(177.3521270751953, 608.0313110351562, SIMPLE_SHARES)
    ruins = seed_histogram_scene(355.4339904785156, 2425.211669921875, RUIN_SHARES)
    mirrors = np.linspace(93.46874237060547, 281.4759216308594, 10000).astype(np.float32)
    mirrors[0], mirrors[-1] = np.float32(93.46874237060547), np.float32(281.4759216308594)
    scenes = {
        "simple_example-Canvas2-Depth.exr": simple,
        "ruin_scene-Canvas2-Depth.exr": ruins,
        "mirrors-Canvas2-Depth.exr": mirrors.reshape(100, 100),
    }
    return {name: write_depth(folder / name, values) for name, values in scenes.items()}

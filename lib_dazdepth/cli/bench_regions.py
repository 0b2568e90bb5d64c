"""The benchmark's region figures (part of ``python -m lib_dazdepth bench``): the tab's
regions layer and the Regional Prompter's reading of the mask per edit, and the objects of
an ID canvas. Each against a baseline measured in the same run; nothing asserts a time."""

from __future__ import annotations

import statistics
import time

import numpy as np

from ..engine.ids import objects_from_values
from ..engine.mapping import split_index
from ..engine.splits import SplitSet


def _line(label: str, seconds: float, baseline: float, note: str) -> str:
    ratio = baseline / seconds
    says = f"{ratio:7.1f}x faster" if ratio >= 1 else f"{1 / ratio:7.2f}x slower"
    return f"  {label:<44}{seconds * 1000:9.1f} ms  {says}{note}"


def id_canvas(depth_map, splits: SplitSet) -> np.ndarray:
    """A stand-in Object Id canvas: a flat colour per split of the depth, filtered 2x2 at
    the edges as a renderer's pixel filter mixes them."""
    inner = np.asarray(splits.bounds[1:-1], dtype=np.float64)
    index = split_index(depth_map.depth.astype(np.float64), inner).astype(np.int64)
    index[~depth_map.valid] = -1
    rng = np.random.default_rng(7)
    colours = np.vstack([rng.random((len(splits), 3)), np.zeros((1, 3))]).astype(np.float32)
    flat = colours[index]
    mixed = flat.copy()
    mixed[1:, 1:] = (flat[1:, 1:] + flat[:-1, 1:] + flat[1:, :-1] + flat[:-1, :-1]) / 4
    return mixed


def bench_regions(workspace, full_map: float) -> None:
    """Per edit with the regions layer shown, the reading layer, and regions from IDs."""
    from ..editing.view import build_view, dumps

    splits = workspace.splits
    workspace.apply([{"op": "regions_from_splits"}, {"op": "show", "layer": "regions"}])
    low, high = splits.bounds[1] * 0.98, splits.bounds[1] * 1.02
    drags = []
    for step, depth in enumerate(np.linspace(low, high, 11)):
        start = time.perf_counter()
        workspace.apply([{"op": "move", "boundary": 1, "depth": float(depth)}])
        dumps(build_view(workspace, step))
        drags.append(time.perf_counter() - start)
    compare = " than a full-size remap alone"
    drag = statistics.median(drags)
    print(_line("regions: drag with the regions layer shown", drag, full_map, compare))
    start = time.perf_counter()
    workspace.apply([{"op": "show", "layer": "reading"}])
    dumps(build_view(workspace))
    reading = time.perf_counter() - start
    print(_line("regions: show the reading (full mask read)", reading, full_map, compare))
    workspace.apply([{"op": "show", "layer": "depth"}])
    values = id_canvas(workspace.depth_map, workspace.splits)
    start = time.perf_counter()
    objects = objects_from_values(values)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    np.sort(values[..., 0], axis=None)
    one_sort = time.perf_counter() - start
    note = f" than one sort of the pixels ({len(objects.keys)} objects)"
    print(_line("regions from IDs: objects of the ID canvas", seconds, one_sort, note))

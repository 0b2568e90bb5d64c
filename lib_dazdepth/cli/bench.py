"""``python -m lib_dazdepth bench``: time the engine on the sample scene.

Every figure is printed with a ratio against a baseline measured in the same run, so the
numbers mean something on any machine:

- read, map and write, each alone; the whole command-line run, the reader's memory, PNG
  writing and the sample generator against their baselines (``bench_io``);
- the mapping against a straightforward per-pixel pure-Python version of the reference
  mapping (timed on a slice of the pixels, scaled per pixel);
- a split edit as the live UI does it (sorted index) against mapping from scratch.

Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ..engine.autosplit import auto_splits
from ..engine.depthmap import load_depth_map
from ..engine.exr import read_depth
from ..engine.index import DepthIndex
from ..engine.mapping import MappingPlan, grey8, map_depth
from ..engine.maps import MapOptions, depth_outputs, map_for
from ..engine.outputs import write_outputs
from ..engine.presets import dumps
from ..engine.sample import write_sample
from ..engine.splits import SplitSet
from .bench_io import bench_io, best_cpu, best_of, ms, row, sample_generator
from .bench_startup import PACKAGE, bench_startup, environment

PURE_PYTHON_PIXELS = 200_000


def reference_mapping(values: list[float], splits: SplitSet) -> list[int]:
    """format_depthmap.py's mapping, pixel by pixel in pure Python (the baseline)."""
    out = []
    for value in values:
        level = 255
        offset = 0
        for split in splits.splits:
            if split.start <= value < split.end:
                if split.levels:
                    span = (value - split.start) / (split.end - split.start)
                    level = offset + round(span * split.levels)
                break
            offset += split.levels
        out.append(255 - min(level, 255))
    return out


def edited_splits(low: float, high: float) -> SplitSet:
    """A seed-like setup: subject, gap, props, backstop."""
    cuts = [low + (high - low) * f for f in (0.1, 0.2, 0.9)]
    return SplitSet.from_bounds([low, *cuts, high + 0.01], [150, 10, 80, 16])


def line(label: str, seconds: float, baseline: float | None = None, note: str = "") -> str:
    ratio = f"  {baseline / seconds:7.1f}x faster" if baseline else ""
    if baseline and seconds > baseline:
        ratio = f"  {seconds / baseline:7.2f}x slower"
    return f"  {label:<44}{seconds * 1000:9.1f} ms{ratio}{note}"


def bench_size(size: int, folder: Path, repeat: int) -> None:
    print(f"\n== sample scene {size}x{size}")
    paths = write_sample(folder / f"s{size}", size=size)
    exr = str(paths.depth_exr)
    depth_map = load_depth_map(exr)
    splits = edited_splits(depth_map.min, depth_map.max)
    out = folder / f"out{size}"

    read = best_of(repeat, lambda: read_depth(exr))
    load = best_of(repeat, lambda: load_depth_map(exr))
    mapping = best_of(repeat, lambda: depth_outputs(depth_map, splits, MapOptions(), out / "x"))
    default = SplitSet.default(depth_map.min, depth_map.max)
    grey_cpu = best_cpu(
        repeat, lambda: map_for(depth_map, default, False, want_fine=False, want_grey=True)
    )
    outputs = depth_outputs(depth_map, splits, MapOptions(), out / "x")
    write = best_of(repeat, lambda: write_outputs(outputs))
    grey = outputs[-1].image

    values = depth_map.valid_values()[:PURE_PYTHON_PIXELS].astype(np.float64).tolist()
    pure = best_of(1, lambda: reference_mapping(values, splits))
    pure_full = pure / len(values) * depth_map.depth.size
    engine = best_of(
        repeat, lambda: map_depth(depth_map.depth, depth_map.valid, MappingPlan.from_splits(splits))
    )

    print(line("read EXR (OpenEXR decode)", read))
    print(
        line("read + background classification", load, None, f"   (+{(load - read) * 1000:.1f} ms)")
    )
    print(line("map + render the depth PNG's pixels", mapping))
    print(row("map a plain run's grey pixels (one split)", f"{'':12}   cpu {ms(grey_cpu)}"))
    print(line("write outputs (PNG, atomic)", write))
    bench_io(paths, grey, folder, size, repeat)
    print(
        line(
            "mapping, vectorised (4 splits)",
            engine,
            pure_full,
            f" than pure Python ({pure_full:.2f} s, scaled from {len(values)} px)",
        )
    )

    index_build = best_of(1, lambda: DepthIndex.build(depth_map.depth, depth_map.valid))
    index = DepthIndex.build(depth_map.depth, depth_map.valid)
    plan = MappingPlan.from_splits(splits)
    shown = index.map(plan)
    drag = [
        splits.move_boundary(1, float(p))
        for p in np.linspace(splits.bounds[1] * 0.98, splits.bounds[1] * 1.02, 21)
    ]
    times = []
    for moved in drag:
        start = time.perf_counter()
        new_plan = MappingPlan.from_splits(moved)
        shown = index.update(shown, plan, new_plan)
        grey8(shown.fine)
        times.append(time.perf_counter() - start)
        plan = new_plan
    scratch = best_of(
        repeat,
        lambda: grey8(
            map_depth(depth_map.depth, depth_map.valid, MappingPlan.from_splits(splits)).fine
        ),
    )
    print(
        line(
            "drag a boundary: update + grey (median)",
            statistics.median(times),
            scratch,
            " than mapping anew",
        )
    )
    print(line("  mapping anew (allocation change)", scratch))
    print(line("  index build, once per loaded image", index_build))
    values = depth_map.valid_values()
    auto = best_of(repeat, lambda: auto_splits(values))
    plain = best_of(repeat, lambda: np.histogram(values, 512))
    print(line("auto splits (the Auto button, --auto)", auto, plain, " than a numpy histogram"))
    bench_tab(depth_map, splits, scratch)


def bench_tab(depth_map, splits: SplitSet, full_map: float) -> None:
    """The tab's server work per edit: apply the command, remap the preview, build the view."""
    from ..editing.view import build_view, dumps
    from ..editing.workspace import Workspace

    start = time.perf_counter()
    workspace = Workspace(depth_map, splits=splits)
    dumps(build_view(workspace, with_grid=True))
    opened = time.perf_counter() - start
    low, high = splits.bounds[1] * 0.98, splits.bounds[1] * 1.02
    drags, allocations = [], []
    for step, depth in enumerate(np.linspace(low, high, 21)):
        start = time.perf_counter()
        workspace.apply([{"op": "move", "boundary": 1, "depth": float(depth)}])
        dumps(build_view(workspace, step))
        drags.append(time.perf_counter() - start)
        start = time.perf_counter()
        workspace.apply([{"op": "allocate", "split": 2, "levels": 40 + step % 2}])
        dumps(build_view(workspace, step))
        allocations.append(time.perf_counter() - start)
    print(line("tab: open (index, histogram, first view)", opened))
    print(
        line(
            "tab: drag edit, command to view JSON",
            statistics.median(drags),
            full_map,
            " than a full-size remap alone",
        )
    )
    print(line("tab: allocation edit, command to view JSON", statistics.median(allocations)))
    bench_clicks(workspace, full_map)
    from .bench_regions import bench_regions

    bench_regions(workspace, full_map)


def bench_clicks(workspace, full_map: float) -> None:
    """The region wand and depth overpaint: one click each, command to view JSON."""
    from ..editing.view import build_view, dumps

    dm = workspace.depth_map
    ys, xs = np.nonzero(dm.valid)
    near = int(np.argmin(dm.depth[ys, xs]))
    x, y = int(xs[near]), int(ys[near])

    def click(ops) -> float:
        start = time.perf_counter()
        workspace.apply(ops)
        dumps(build_view(workspace, with_grid=workspace.depth_map is not dm))
        return time.perf_counter() - start

    first = click([{"op": "select_at", "x": x, "y": y, "tolerance": 2}])
    wand = click([{"op": "select_at", "x": x, "y": y, "tolerance": 2, "mode": "add"}])
    paint = click([{"op": "paint_depth", "to": "far_end"}])
    undo = click([{"op": "undo"}])
    compare = " than a full-size remap alone"
    print(line("tab: first wand click (maps the full image)", first, full_map, compare))
    print(line("tab: next wand click, command to view JSON", wand, full_map, compare))
    print(line("tab: depth overpaint (reindexes the preview)", paint, full_map, compare))
    print(line("tab: undo of an overpaint", undo, full_map, compare))


def bench_batch(folder: Path, frames: int, size: int = 1200) -> None:
    """Frames per second of ``batch`` with 1 and 2 jobs, against one command per frame."""
    import shutil

    print(f"\n== batch of {frames} frames at {size}x{size}")
    source = write_sample(folder / "batch-sample", size=size).depth_exr
    inputs = folder / "frames"
    inputs.mkdir()
    for i in range(frames):
        shutil.copyfile(source, inputs / f"anim-Canvas2-Depth.{i:04d}.exr")
    preset = folder / "batch-preset.json"
    preset.write_text(dumps(edited_splits(*load_depth_map(source).range)))
    root = str(PACKAGE.parent)  # the folder holding lib_dazdepth
    env = environment(Path(root))

    def run(*args: str) -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lib_dazdepth", *args], check=True, capture_output=True, env=env
        )
        return time.perf_counter() - start

    one_by_one = sum(
        run(str(p), "--preset", str(preset), "--out", str(folder / "single"))
        for p in sorted(inputs.iterdir())
    )
    for jobs in (1, 2):
        seconds = run(
            "batch",
            str(inputs),
            "--preset",
            str(preset),
            "--out",
            str(folder / f"batch{jobs}"),
            "--jobs",
            str(jobs),
        )
        print(
            f"  {'batch, --jobs ' + str(jobs):<44}{frames / seconds:9.1f} frames/s"
            f"  {one_by_one / seconds:7.1f}x faster than one command per frame"
        )
    print(f"  {'one command per frame':<44}{frames / one_by_one:9.1f} frames/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="daz-depth bench", description="Time the engine on the sample scene."
    )
    parser.add_argument("--sizes", default="1200,4096", help="comma-separated square sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--batch",
        type=int,
        default=20,
        metavar="FRAMES",
        help="frames for the batch figures (0 skips them)",
    )
    parser.add_argument(
        "--sample",
        default="",
        metavar="SIZES",
        help="also time the sample generator alone at these sizes, e.g. 8192",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(
        f"Daz Depth benchmark: Python {sys.version.split()[0]}, numpy {np.__version__};"
        " best of {0}, fresh processes too".format(args.repeat)
    )
    bench_startup(args.repeat)
    with tempfile.TemporaryDirectory(prefix="dazdepth-bench-") as folder:
        for size in sizes:
            bench_size(size, Path(folder), args.repeat)
        if args.batch:
            bench_batch(Path(folder), args.batch)
        for size in (int(s) for s in args.sample.split(",") if s.strip()):
            print(f"\n== sample generator at {size}x{size}")
            sample_generator(Path(folder), size)
    return 0

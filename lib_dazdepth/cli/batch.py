"""``python -m lib_dazdepth batch``: every frame of an animation with one preset.

Frames stream through a process pool (``--jobs``), a progress line shows rate and time
left, a frame that fails is reported and the rest go on, a rerun skips finished frames,
and Ctrl-C stops with nothing half-written (workers finish the frame under way).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from ..engine.background import BackgroundSettings
from ..engine.batch import (
    BatchJob,
    Frame,
    FrameResult,
    Manifest,
    expand,
    frame_range,
    load_frame_depth,
    pair_frames,
    run_frame,
    union_splits,
)
from ..engine.errors import DazDepthError
from ..engine.ids import check_size, number_objects, read_ids
from ..engine.maps import MapOptions, sixteen_bit_note
from ..engine.outputs import Output, json_bytes, write_outputs
from ..engine.presets import load_preset, to_document
from ..engine.splits import SplitSet
from .arguments import add_background_argument, add_reading_arguments, positive_whole, reading_of


class Progress:
    """A progress line: redrawn in place on a terminal, a line per tenth elsewhere."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream = total, stream
        self.started = time.monotonic()
        self.counts = {"done": 0, "skipped": 0, "failed": 0}
        self.live = stream.isatty()
        self.shown_tenth = -1

    @property
    def finished(self) -> int:
        return sum(self.counts.values())

    def text(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.finished / elapsed
        left = (self.total - self.finished) / rate if rate else 0.0
        filled = int(20 * self.finished / max(self.total, 1))
        bar = "#" * filled + "." * (20 - filled)
        return (
            f"[{bar}] {self.finished}/{self.total} frames  {rate:.1f} frames/s"
            f"  {int(left) // 60}:{int(left) % 60:02d} left"
        )

    def note(self, line: str) -> None:
        self.stream.write(("\r\033[K" if self.live else "") + line + "\n")
        self.show(force=True)

    def step(self, result: FrameResult) -> None:
        self.counts[result.status] += 1
        self.show()

    def show(self, force: bool = False) -> None:
        tenth = 10 * self.finished // max(self.total, 1)
        if self.live:
            self.stream.write("\r\033[K" + self.text())
        elif force or tenth > self.shown_tenth:
            self.shown_tenth = tenth
            self.stream.write(self.text() + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")


class _Worker:
    """A worker process's own state: the batch's stop event, handed over by the pool's
    initializer (multiprocessing shares an Event only when a process starts)."""

    stop = None


def _worker_start(stop=None) -> None:
    # Ctrl-C is the parent's to handle (SIGINT stays blocked, as the parent blocked it
    # while starting the pool, until it is ignored here): it sets ``stop``, and each
    # worker finishes the frame under way and begins no other. Workers are never sent
    # a signal (see ``drain``).
    _Worker.stop = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # POSIX; Windows has no signal masks
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _unless_stopped(function: Callable, item):
    """``function(item)``, or None once the batch is stopping (the item is not begun)."""
    if _Worker.stop is not None and _Worker.stop.is_set():
        return None
    return function(item)


def _run(args: tuple[Frame, BatchJob, str | None]) -> FrameResult:
    return run_frame(*args)


def _range(args: tuple[Frame, BatchJob]):
    return args[0], frame_range(*args)


def stream(function: Callable, items: list, jobs: int) -> Iterator:
    """``function`` over ``items``, in worker processes when ``jobs`` > 1; any order."""
    if jobs <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    stop, pool = multiprocessing.Event(), None
    try:
        with ctrl_c_held():
            count = min(jobs, len(items))
            pool = multiprocessing.Pool(count, initializer=_worker_start, initargs=(stop,))
        yield from pool.imap_unordered(functools.partial(_unless_stopped, function), items)
    except BaseException:  # Ctrl-C, or an error in the parent: stop early
        stop.set()  # frames under way finish, the rest are not begun
        ignore_ctrl_c()
        raise
    finally:
        if pool is not None:
            drain(pool)


def ignore_ctrl_c() -> None:
    """Ctrl-C from now on does nothing: a batch stopping has nothing left for it to stop
    (the frames under way finish either way), and a Ctrl-C landing while the process
    shuts down would print a traceback from wherever it lands (the command's main does
    the same for a Ctrl-C anywhere else)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def ctrl_c_held() -> Iterator[None]:
    """A Ctrl-C inside the block is held until it ends, then raised as KeyboardInterrupt:
    workers started in it begin with SIGINT blocked (POSIX: a thread's mask is what the
    processes it starts inherit) and ignore it before it lands; a manifest rewritten in it
    is never cut short. The process records the signal meanwhile, as it may land in
    another of its threads (numpy's, OpenEXR's), where the mask does not hold it back.
    multiprocessing's resource tracker, started by the first lock under spawn, unblocks
    SIGINT as it starts: make a lock before starting workers in here."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread handles signals
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    masks = hasattr(signal, "pthread_sigmask")  # POSIX only
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if masks else None
    try:
        yield
    finally:  # the usual handler first: a Ctrl-C the mask held lands as KeyboardInterrupt
        signal.signal(signal.SIGINT, previous or signal.default_int_handler)
        if masks:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    if caught:
        raise KeyboardInterrupt


def drain(pool) -> None:
    """Close a pool and wait until its workers have left on its own sentinels, each once
    it has finished the task under way (a stopped batch's tasks come back None at once).

    Never terminate(): it kills the workers with SIGTERM, and either way that can hang
    for ever. A worker killed inside multiprocessing's queue code leaves that queue's
    lock held (the result queue's while it sends a result), and terminate() then waits on
    it. And terminate() first takes the task queue's lock itself and never gives it back,
    so a worker about to take a task blocks on that lock; a SIGTERM landing just before
    the worker blocks is consumed by Python's C-level handler, the Python-level one never
    runs, and terminate() waits for that worker for ever (seen with a second Ctrl-C
    30 ms after the first: the parent in _terminate_pool joining the worker, the worker
    in SimpleQueue.get on ``_rlock`` with no signal pending)."""
    pool.close()
    while True:
        try:
            pool.join()
            return
        except KeyboardInterrupt:  # the work is done or stopping: waiting is all there is
            continue


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="daz-depth batch",
        description="Map every frame of an animation with one preset.",
    )
    p.add_argument("inputs", nargs="+", help="files, folders or glob patterns of canvases")
    p.add_argument("--preset", help="split setup in absolute depths (JSON or a depth PNG)")
    p.add_argument(
        "--union",
        action="store_true",
        help="without --preset: one split over the union of all frames' ranges",
    )
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument(
        "--jobs", type=positive_whole, default=os.cpu_count() or 1, help="worker processes"
    )
    p.add_argument("--force", action="store_true", help="redo frames already done")
    p.add_argument("--regions", action="store_true")
    p.add_argument(
        "--regions-from-ids",
        action="store_true",
        help="with --regions: a region per object of each frame's ID canvas (paired by name);"
        " objects keep the preset's ID table, else the first frame's, near to far",
    )
    p.add_argument("--mask", action="store_true")
    p.add_argument("--bits", type=int, choices=(8, 16), default=8)
    add_background_argument(p)
    add_reading_arguments(p)
    return p


def main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    args = parser().parse_args(argv)
    if bool(args.preset) == bool(args.union):
        parser().error("give either --preset FILE or --union")
    if args.regions_from_ids and not args.regions:
        parser().error("--regions-from-ids gives the regions of --regions: add --regions")
    frames = pair_frames(expand(args.inputs))
    if not frames:
        raise DazDepthError("no Depth canvases among the inputs (names like *-Depth.exr)")
    out_dir = Path(args.out)
    job = BatchJob(
        splits=load_preset(args.preset) if args.preset else None,
        out_dir=out_dir,
        options=MapOptions(args.bits, args.regions, args.mask),
        background=BackgroundSettings(args.background_threshold),
        ids=args.regions_from_ids,
        reading=reading_of(args),
    )
    if args.union:
        job = derive_union(frames, job, args.jobs, out)
    if args.bits == 16:
        out.write(sixteen_bit_note("every NAME.depth.png") + "\n")
    if job.ids and not job.splits.id_regions:
        job = derive_ids(frames, job, out)
    return run_batch(frames, job, args.jobs, args.force, out, err)


def derive_ids(frames: list[Frame], job: BatchJob, out: TextIO) -> BatchJob:
    """The ID table from the first frame with an ID canvas (its objects near to far),
    kept for every frame and saved with the splits as the output folder's preset."""
    first = next((f for f in frames if f.ids), None)
    if first is None:
        raise DazDepthError("--regions-from-ids: no frame has an ID canvas (e.g. *-ObjectId.exr)")
    depth_map = load_frame_depth(first.depth, job)
    objects = read_ids(list(first.ids), job.max_pixels)
    check_size(objects, depth_map)
    splits = job.splits.with_id_regions(number_objects(objects, depth_map))
    written = save_batch_preset(job, splits)
    out.write(
        f"** {len(splits.id_regions)} objects of frame {first.key} → regions, kept for every"
        f" frame; saved as {written}\n"
    )
    return dataclasses.replace(job, splits=splits)


def save_batch_preset(job: BatchJob, splits: SplitSet) -> Path:
    """The splits every frame is mapped with, saved in the output folder; returns the path
    written (write_outputs' rules for a file in the way)."""
    (written,) = write_outputs(
        [Output(job.out_dir / "batch-preset.json", data=json_bytes(to_document(splits)))]
    )
    return written.path


def derive_union(frames: list[Frame], job: BatchJob, jobs: int, out: TextIO) -> BatchJob:
    """First pass, reading only: one preset over every frame's range, saved beside."""
    ranges = [
        r for _, r in stream(_range, [(f, job) for f in frames], jobs) if not isinstance(r, str)
    ]
    if not ranges:
        raise DazDepthError("no frame could be read to find the depth range")
    splits = union_splits(ranges)
    written = save_batch_preset(job, splits)
    out.write(
        f"** preset over all frames: {splits.bounds[0]} to {splits.bounds[-1]},"
        f" saved as {written}\n"
    )
    return dataclasses.replace(job, splits=splits)


def run_batch(
    frames: list[Frame], job: BatchJob, jobs: int, force: bool, out: TextIO, err: TextIO
) -> int:
    manifest = Manifest(job.out_dir)
    progress = Progress(len(frames), err)
    tasks = [(f, job, None if force else manifest.frames.get(f.key)) for f in frames]
    clipped = [0, 0]  # frames, pixels

    def handle(result: FrameResult) -> None:
        if result.status == "failed":
            progress.note(f"error: {result.message}")
        elif result.status == "done":
            with ctrl_c_held():  # a Ctrl-C leaves no half-made temporary file
                manifest.record(result.key, result.fingerprint)
            if result.message:
                progress.note(result.message)
        if result.clipped:
            clipped[0] += 1
            clipped[1] += result.clipped
            progress.note(
                f"** frame {result.key}: {result.clipped} pixels outside the"
                " preset's range, clamped"
            )
        progress.step(result)

    try:
        with contextlib.closing(stream(_run, tasks, jobs)) as results:  # any exit stops workers
            for result in results:
                handle(result)
    except KeyboardInterrupt:
        ignore_ctrl_c()
        progress.close()
        err.write(f"interrupted: {progress.counts['done']} frames written; run again to go on\n")
        return 130
    except DazDepthError:  # the manifest cannot be written (a full disk): nothing else can
        progress.close()
        raise
    progress.close()
    counts = progress.counts
    summary = (
        f"batch: {len(frames)} frames: {counts['done']} done, {counts['skipped']}"
        f" skipped (done before), {counts['failed']} failed"
    )
    if clipped[1]:
        summary += (
            f"; {clipped[1]} pixels in {clipped[0]} frames lie outside the preset's range (clamped)"
        )
    out.write(summary + "\n")
    return 2 if counts["failed"] else 0

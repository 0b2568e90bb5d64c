"""The tab's batch: every frame of an animation with the splits set in the tab."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ..editing.workspace import Workspace
from ..engine.batch import BatchJob, Manifest, expand, pair_frames, run_frame
from ..engine.errors import DazDepthError
from .controller import TabConfig, shown


def batch_folder(config: TabConfig, inputs: str) -> Path:
    """Where a batch goes: outputs/batch/<the input folder's name>, stable so reruns resume."""
    source = Path(inputs.strip().rstrip("/*")).name or "frames"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in source)
    return config.outputs / "batch" / safe


def run_batch(
    inputs: str,
    state: Workspace | None,
    config: TabConfig,
    report: Callable[[int, int, str], None],
    stop: threading.Event,
) -> str:
    """Every frame under ``inputs`` with the current splits; returns the summary line."""
    if state is None:
        return "Load a depth canvas and set the splits first: the batch uses them."
    if state.splits.mapping_status() != "Success":
        return f"Not run: {state.splits.mapping_status()}"
    try:
        frames = pair_frames(expand([inputs.strip()])) if inputs.strip() else []
    except DazDepthError as error:
        return f"Not run: {error}"
    if not frames:
        return "Not run: no Depth canvases there (names like *-Depth.exr)"
    job = BatchJob(state.splits, batch_folder(config, inputs))
    manifest = Manifest(job.out_dir)
    counts = {"done": 0, "skipped": 0, "failed": 0}
    failures = []
    for number, frame in enumerate(frames):
        if stop.is_set():
            return (
                f"Cancelled after {number} of {len(frames)} frames; run again to go on"
                f" ({job.out_dir})"
            )
        report(number, len(frames), frame.key)
        result = run_frame(frame, job, manifest.frames.get(frame.key))
        counts[result.status] += 1
        if result.status == "done":
            manifest.record(result.key, result.fingerprint)
        elif result.status == "failed":
            failures.append(shown(result.message))
    report(len(frames), len(frames), "")
    summary = (
        f"{len(frames)} frames: {counts['done']} done, {counts['skipped']} skipped"
        f" (done before), {counts['failed']} failed; in {job.out_dir}"
    )
    return "; ".join([summary, *failures])

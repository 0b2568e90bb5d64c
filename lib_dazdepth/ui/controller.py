"""What the tab's events do, in plain Python: the gradio layer only wires these up.

Every handler takes the session's ``Workspace`` (or None) and returns the new one with the
view JSON; a bad file or command becomes a message in the view, and the work is kept.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..editing.edits import is_sidecar, load_edits_for
from ..editing.saving import dated_folder, save_maps, save_preset
from ..editing.view import build_view, dumps, message
from ..editing.workspace import CommandError, Workspace
from ..engine.background import BackgroundSettings
from ..engine.batch import BatchJob, Manifest, expand, pair_frames, run_frame
from ..engine.canvases import ROLES, CanvasSet, read_beauty, read_normals, recognise
from ..engine.depthmap import DepthMap, load_depth_map
from ..engine.errors import DazDepthError, InputError
from ..engine.maps import png_maps
from ..engine.payload import BASE_RATIO, UnitSettings, region_prompt
from ..engine.presets import load_preset

NONE = "(none)"


@dataclass(frozen=True)
class TabConfig:
    outputs: Path  # saves go to outputs/<date>/
    max_pixels: int = 8192 * 8192


@dataclass(frozen=True)
class Loaded:
    workspace: Workspace | None
    view: str
    roles: dict[str, str]  # role -> file name shown in the dropdowns
    choices: list[str]
    warnings: tuple[str, ...] = ()  # canvases left out of a loaded set, and why


def shown(error: DazDepthError | str) -> str:
    """An error as the tab shows it: uploads live in temp folders, so name the file only.
    Batch failures arrive as text (``PATH: problem``) from the worker processes."""
    path = getattr(error, "path", None)
    if path is not None:
        return f"{Path(path).name}: {error.problem}"
    head, sep, rest = str(error).partition(": ")
    return f"{Path(head).name}{sep}{rest}" if sep and isinstance(error, str) else str(error)


def file_paths(files: Any) -> list[Path]:
    """gradio 3 gives temp-file objects, gradio 4 paths; one file or a list."""
    if files is None:
        return []
    items = files if isinstance(files, list | tuple) else [files]
    return [Path(item if isinstance(item, str | os.PathLike) else item.name) for item in items]


def load_files(
    files: Any,
    state: Workspace | None,
    config: TabConfig,
    overrides: dict[str, str] | None = None,
    repair_edges: bool = False,
    read: Reader | None = None,
) -> Loaded:
    """Recognise and load the canvases; ``overrides`` maps roles to file names; ``read``
    reads them (default ``read_canvases``; sharing.ReadOnce shares them between pages)."""
    paths = file_paths(files)
    names = [p.name for p in paths]
    canvases = recognise(paths)
    if overrides:
        by_name = {p.name: p for p in paths}
        canvases = CanvasSet(
            **{
                role: by_name.get(overrides.get(role, ""))
                if role in overrides
                else canvases.get(role)
                for role in ROLES
            }
        )
    roles = {role: canvases.get(role).name if canvases.get(role) else NONE for role in ROLES}
    if canvases.depth is None:
        note = (
            message(
                "error",
                "No Depth canvas among the files: name it *-Depth.exr or choose it as the depth.",
            )
            if paths
            else None
        )
        return (
            rejected(state, note)
            if state
            else Loaded(state, dumps(build_view(state, note=note)), roles, names)
        )
    try:
        workspace, warnings = open_workspace(canvases, config, repair_edges, read)
    except DazDepthError as error:
        note = message(
            "error", f"{shown(error)}; kept the previous work" if state else shown(error)
        )
        return (
            rejected(state, note)
            if state
            else Loaded(state, dumps(build_view(state, note=note)), roles, names)
        )
    text = "; ".join([f"Loaded {canvases.depth.name}", *warnings])
    note = message("error" if warnings else "info", text)
    view = build_view(workspace, note=note, with_grid=True)
    return Loaded(workspace, dumps(view), roles, names, tuple(warnings))


def keep(state: Workspace | None, view: str) -> Loaded:
    """The scene loaded stays: the role dropdowns keep showing its files."""
    canvases = state.canvases if state is not None else CanvasSet()
    roles = {role: canvases.get(role).name if canvases.get(role) else NONE for role in ROLES}
    return Loaded(state, view, roles, [name for name in roles.values() if name != NONE])


def rejected(state: Workspace | None, note: dict[str, str] | None) -> Loaded:
    """A refused upload: the message says why, and everything shows the scene loaded."""
    return keep(state, dumps(build_view(state, note=note)))


class Read(NamedTuple):
    """Canvases as read from their files, before a workspace is built on them."""

    depth_map: DepthMap
    extras: dict[str, np.ndarray]  # "normal" and "beauty", when given and usable
    warnings: list[str]  # why a given normal or beauty file is not used


Reader = Callable[[CanvasSet, TabConfig, bool], Read]


def open_workspace(
    canvases: CanvasSet, config: TabConfig, repair_edges: bool = False, read: Reader | None = None
) -> tuple[Workspace, list[str]]:
    depth_map, extras, warnings = (read or read_canvases)(canvases, config, repair_edges)
    return Workspace(depth_map, canvases, **extras), warnings


def read_canvases(canvases: CanvasSet, config: TabConfig, repair_edges: bool = False) -> Read:
    """Read the depth canvas and the normal and beauty beside it; raises DazDepthError for
    an unusable depth canvas."""
    settings = BackgroundSettings(repair_edges=repair_edges)
    depth_map = load_depth_map(canvases.depth, settings=settings, max_pixels=config.max_pixels)
    extras: dict[str, Any] = {}
    warnings = []
    for role, reader in (("normal", read_normals), ("beauty", read_beauty)):
        path = canvases.get(role)
        if path is None:
            continue
        try:
            image = reader(path, config.max_pixels)
            if image.shape[:2] != depth_map.shape:
                size = f"{image.shape[1]}x{image.shape[0]}"
                raise InputError(
                    path, f"is {size}, the depth is {depth_map.width}x{depth_map.height}; not used"
                )
            extras[role] = image
        except DazDepthError as error:
            warnings.append(shown(error))
    return Read(depth_map, extras, warnings)


def run_command(text: str, state: Workspace | None) -> tuple[Workspace | None, str]:
    """Apply one command from the front-end; the view always comes back."""
    try:
        command = json.loads(text or "{}")
        seq = int(command.get("seq", 0))
        ops = command["ops"]
        if not isinstance(ops, list):
            raise TypeError
    except (ValueError, TypeError, KeyError, AttributeError):
        return state, dumps(build_view(state, note=message("error", "Error - bad command")))
    if state is None:
        return state, dumps(build_view(None, seq))
    depth_map = state.depth_map
    try:
        state.apply(ops)
    except CommandError as error:
        return state, dumps(build_view(state, seq, message("error", str(error))))
    return state, dumps(build_view(state, seq, with_grid=state.depth_map is not depth_map))


def load_preset_file(file: Any, state: Workspace | None) -> tuple[Workspace | None, str]:
    """A preset (JSON or our depth PNG), with the region edits file it names when that was
    dropped with it or lies beside it."""
    paths = file_paths(file)
    if not paths:
        return state, dumps(build_view(state))
    if state is None:
        note = message("error", "Load the canvases before a preset.")
        return state, dumps(build_view(None, note=note))
    presets = [p for p in paths if not is_sidecar(p)] or paths
    preset = next((p for p in presets if p.suffix.lower() == ".json"), presets[0])
    missing: list[str] = []
    try:
        splits = load_preset(preset)
        edits = load_edits_for(preset, state.depth_map.shape, paths, missing)
        state.load_splits(splits, edits.regions, edits.depth)
    except DazDepthError as error:
        return state, dumps(build_view(state, note=message("error", shown(error))))
    text = f"Loaded {len(splits)} splits from {preset.name}"
    kinds = [
        name for name, e in (("region", edits.regions), ("depth", edits.depth)) if e is not None
    ]
    if kinds:
        text += f" with its {' and '.join(kinds)} edits"
    if missing:
        text += (
            f"; its edits were not found ({', '.join(missing)}): drop them together with"
            " the preset to have the painted regions and depths too"
        )
    return state, dumps(build_view(state, note=message("warning" if missing else "info", text)))


def save_all(state: Workspace | None, config: TabConfig) -> tuple[list[str], str]:
    """Save every map; returns (paths for the download list, status HTML text)."""
    if state is None:
        return [], "Nothing to save yet."
    status = state.splits.mapping_status()
    if status != "Success":
        return [], f"Not saved: {status}"
    try:
        paths = save_maps(state, dated_folder(config.outputs))
    except DazDepthError as error:
        return [], f"Not saved: {error}"
    return [str(p) for p in paths], f"Saved {len(paths)} files to {paths[0].parent}"


def save_preset_only(state: Workspace | None, config: TabConfig) -> tuple[list[str], str]:
    if state is None:
        return [], "Nothing to save yet."
    try:
        paths = save_preset(state, dated_folder(config.outputs))
    except DazDepthError as error:
        return [], f"Not saved: {error}"
    return [str(p) for p in paths], f"Saved the preset to {paths[0]}"


def dumps_empty() -> str:
    return dumps(build_view(None))


def dumps_error(text: str) -> str:
    """The empty tab's view with an error line."""
    return dumps(build_view(None, note=message("error", text)))


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


SEND_ROLES = ("depth", "normal", "beauty")


def send_order(
    state: Workspace | None,
    target: str,
    roles: list[str],
    units: dict[str, UnitSettings],
    regions: bool,
) -> tuple[str, str]:
    """What the page should put where (javascript/dazdepth_send.js carries it out).

    Returns (order JSON, status text); the order is empty when there is nothing to send.
    """
    if state is None:
        return "", "Load the canvases first."
    status = state.splits.mapping_status()
    if status != "Success":
        return "", f"Not sent: {status}"
    edits = state.region_edits
    maps = png_maps(state.depth_map, state.splits, state.normal, state.beauty, edits)
    stem = Path(state.depth_map.path).stem
    items = [
        {
            "role": role,
            "unit": units[role].unit,
            "model": units[role].model,
            "module": units[role].module,
            "weight": units[role].weight,
            "guidance_end": units[role].guidance_end,
            "control_mode": units[role].control_mode,
            "name": f"{stem}.{role}.png",
            "png": base64.b64encode(maps[role]).decode("ascii"),
        }
        for role in roles
        if role in maps
    ]
    missing = [role for role in roles if role not in maps]
    order: dict[str, Any] = {
        "tab": target,
        "items": items,
        "regions": None,
        "size": {"width": state.depth_map.width, "height": state.depth_map.height},
        "note": [f"no {role} map loaded" for role in missing],
    }
    if regions:
        if "regions" not in maps:
            return "", "No split has a region: set region numbers in the table first."
        order["regions"] = {
            "mask": base64.b64encode(maps["regions"]).decode("ascii"),
            "prompt": region_prompt(state.splits, edits=edits),
            "base_ratio": BASE_RATIO,
            "use_base": True,
        }
    if not items and not order["regions"]:
        return "", "Nothing to send: " + "; ".join(order["note"])
    return json.dumps(order), "Sending..."

"""What the tab's events do, in plain Python: the gradio layer only wires these up.

Every handler takes the session's ``Workspace`` (or None) and returns the new one with the
view JSON; a bad file or command becomes a message in the view, and the work is kept.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..editing.edits import is_sidecar, load_edits_for
from ..editing.saving import dated_folder, save_maps, save_preset
from ..editing.view import build_view, dumps, message
from ..editing.workspace import CommandError, Workspace
from ..engine.background import BackgroundSettings
from ..engine.canvases import (
    BY_NAME,
    LAYERED_ROLES,
    ROLES,
    CanvasSet,
    LoadedSet,
    Reading,
    layer_labels,
    load_set,
    recognise,
)
from ..engine.errors import DazDepthError
from ..engine.ids import check_size, read_ids
from ..engine.maps import png_maps
from ..engine.multilayer import Filled, fill_roles
from ..engine.payload import (
    BASE_RATIO,
    UnitSettings,
    generation_size,
    region_prompt,
    unit_options,
)
from ..engine.presets import load_preset
from ..engine.region_checks import region_warnings

NONE = "(none)"
# Reads a canvas set as engine.canvases.load_set does (canvases, reading, settings, max_pixels).
Reader = Callable[[CanvasSet, Reading, BackgroundSettings, int], LoadedSet]
# What the depth canvas holds, as the tab's list names it (conventions.py).
DEPTH_IS = {
    "by its name": "auto",  # DEPTH_IS_RULE says how
    "planar depth": "depth",
    "inverse depth (1/z)": "inverse",
    "distance from the camera": "distance",
}
# In the list's label: gradio 4's info line under a list is too faint on the light theme.
DEPTH_IS_RULE = "by its name: a …-Distance canvas holds distance, any other planar depth"
# What its numbers are in, as the tab's list names it (conventions.UNITS).
DEPTH_UNIT = {
    "cm (Daz)": "cm",
    "mm": "mm",
    "m (Blender, Nuke)": "m",
    "inches": "in",
    "feet": "ft",
    "no unit (a 0..1 map: kept as stored)": "none",
}


def reading_of(layers: list[str], depth_is: str, fov: float | None, unit: str = "") -> Reading:
    """The tab's layer lists (one per role), depth list, field of view (0: none) and unit."""
    chosen = {role: layer for role, layer in zip(ROLES, layers) if layer and layer != BY_NAME}
    how = DEPTH_IS.get(depth_is, "auto"), float(fov) if fov else None
    return Reading(chosen, *how, DEPTH_UNIT.get(unit or "", "cm"))


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
    layers: dict[str, list[str]] = field(default_factory=dict)  # role -> its file's layers
    read: str = ""  # what was read: the channel, the convention
    shows: dict[str, str] = field(default_factory=dict)  # role -> the layer list's value
    kept_work: bool = False  # the same depth dropped again: the scene kept its work (scenes.py)


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
    reading: Reading | None = None,
    read: Reader = load_set,
) -> Loaded:
    """Recognise and load the canvases; ``overrides`` maps roles to file names, ``reading``
    says which layer of each to read and what the depth holds; ``read`` reads them
    (sharing.ReadOnce shares them between pages)."""
    paths = file_paths(files)
    names = [p.name for p in paths]
    filled = Filled(recognise(paths)) if overrides else fill_roles(recognise(paths), paths)
    canvases = filled.canvases  # a multilayer EXR alone fills the roles it has layers for
    if overrides:
        by_name = {p.name: p for p in paths}
        canvases = CanvasSet(
            **{
                role: by_name.get(overrides.get(role, ""))
                if role in overrides
                else canvases.get(role)
                for role in ROLES
            },
            alphas=canvases.alphas,
        )
    roles = {role: canvases.get(role).name if canvases.get(role) else NONE for role in ROLES}
    layers = {role: [BY_NAME] for role in ROLES}  # an ID canvas is read by its name
    for role in LAYERED_ROLES:
        layers[role] += layer_labels(canvases.get(role), role)
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
            else Loaded(state, dumps(build_view(state, note=note)), roles, names, layers=layers)
        )
    try:
        settings = BackgroundSettings(repair_edges=repair_edges)
        reading = reading or Reading()
        # A layer picked for another file is dropped: the new file's names decide.
        picked = {r: lab for r, lab in reading.layers.items() if lab in layers.get(r, [])}
        reading = dataclasses.replace(reading, layers={**filled.layers, **picked})
        loaded = read(canvases, reading, settings, config.max_pixels)
    except DazDepthError as error:
        note = message(
            "error", f"{shown(error)}; kept the previous work" if state else shown(error)
        )
        return (
            rejected(state, note)
            if state
            else Loaded(state, dumps(build_view(state, note=note)), roles, names, layers=layers)
        )
    problems = [shown(error) for error in loaded.problems]
    objects = None
    if canvases.ids is not None:
        try:
            objects = read_ids(canvases.id_paths(), config.max_pixels)
            check_size(objects, loaded.depth)
        except DazDepthError as error:
            objects = None
            problems.append(f"{shown(error)}; not used")
    workspace = Workspace(loaded.depth, canvases, **loaded.extras, objects=objects)
    # The status line says what was read (the channel, the convention), the ID canvas's
    # objects and any warning.
    head = f"Loaded {canvases.depth.name}: {', '.join(loaded.read)}"
    found = [f"{len(objects.keys)} objects in {objects.source}"] if objects else []
    notes = [*filled.lines, *loaded.notes]
    text = "; ".join([head, *found, *notes, *problems])
    note = message("error" if problems else "info", text)
    view = build_view(workspace, note=note, with_grid=True)
    read = ", ".join(loaded.read)
    return Loaded(
        workspace, dumps(view), roles, names, (*notes, *problems), layers, read, filled.layers
    )


def keep(state: Workspace | None, view: str) -> Loaded:
    """The scene loaded stays: the role dropdowns keep showing its files."""
    canvases = state.canvases if state is not None else CanvasSet()
    roles = {role: canvases.get(role).name if canvases.get(role) else NONE for role in ROLES}
    return Loaded(state, view, roles, [name for name in roles.values() if name != NONE])


def rejected(state: Workspace | None, note: dict[str, str] | None) -> Loaded:
    """A refused upload: the message says why, and everything shows the scene loaded."""
    return keep(state, dumps(build_view(state, note=note)))


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
    note = message("info", state.note) if state.note else None
    return state, dumps(build_view(state, seq, note, with_grid=state.depth_map is not depth_map))


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
    except (DazDepthError, ValueError) as error:  # ValueError: an edit the canvas refuses
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
        saved = save_maps(state, dated_folder(config.outputs))
    except DazDepthError as error:
        return [], f"Not saved: {error}"
    return [str(p) for p in saved.paths], saved.said()


def save_preset_only(state: Workspace | None, config: TabConfig) -> tuple[list[str], str]:
    if state is None:
        return [], "Nothing to save yet."
    try:
        saved = save_preset(state, dated_folder(config.outputs))
    except DazDepthError as error:
        return [], f"Not saved: {error}"
    return [str(p) for p in saved.paths], saved.said("the preset")


def dumps_empty() -> str:
    return dumps(build_view(None))


SEND_ROLES = ("depth", "normal", "beauty")


def send_order(
    state: Workspace | None,
    target: str,
    roles: list[str],
    units: dict[str, UnitSettings],
    regions: bool,
) -> tuple[str, str]:
    """What the page should put where (javascript/dazdepth_send.js carries it out): each
    map's unit with the options and the generation size every send path gives
    (payload.unit_options, payload.generation_size).

    Returns (order JSON, status text); the order is empty when there is nothing to send.
    """
    if state is None:
        return "", "Load the canvases first."
    status = state.splits.mapping_status()
    if status != "Success":
        return "", f"Not sent: {status}"
    edits = state.region_edits
    try:
        rendered = png_maps(
            state.depth_map, state.splits, state.normal, state.beauty, edits, state.objects
        )
    except DazDepthError as error:
        return "", f"Not sent: {error}"
    maps = rendered.maps
    stem = Path(state.depth_map.path).stem
    items = [
        {
            "role": role,
            "unit": units[role].unit,
            "model": units[role].model,
            **unit_options(units[role]),
            "name": f"{stem}.{role}.png",
            "png": base64.b64encode(maps[role]).decode("ascii"),
        }
        for role in roles
        if role in maps
    ]
    missing = [role for role in roles if role not in maps]
    width, height = generation_size(state.depth_map.width, state.depth_map.height)
    order: dict[str, Any] = {
        "tab": target,
        "items": items,
        "regions": None,
        "size": {"width": width, "height": height},
        "note": [f"no {role} map loaded" for role in missing],
    }
    warnings: list[str] = []
    if regions:
        plan = rendered.plan
        if plan is None or not len(plan):
            return "", "No split has a region: set region numbers in the table first."
        prompt = region_prompt(plan)
        warnings = region_warnings(plan, rendered.mask, prompt, True, (width, height))
        order["regions"] = {
            "mask": base64.b64encode(maps["regions"]).decode("ascii"),
            "prompt": prompt,
            "base_ratio": BASE_RATIO,
            "use_base": True,
            "mapping": plan.rows(),
            "warnings": warnings,
        }
    if not items and not order["regions"]:
        return "", "Nothing to send: " + "; ".join(order["note"])
    return json.dumps(order), "; ".join(["Sending...", *(f"warning: {w}" for w in warnings)])

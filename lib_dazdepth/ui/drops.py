"""Files dropped anywhere on the tab (or chosen as a folder): sorted into the canvas set and a
preset, loaded, and what was recognised said in one line."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from ..editing.edits import is_sidecar
from ..editing.view import build_view, dumps, message
from ..editing.workspace import Workspace
from ..engine.canvases import ROLES, CanvasSet, Reading, load_set, recognise
from ..engine.outputs import SETUP_KEY, is_ours, read_text_chunks
from . import controller, scenes
from .controller import Loaded, Reader, TabConfig, file_paths

CANVAS_SUFFIXES = (".exr", ".png", ".jpg", ".jpeg")
NOTHING = (
    "Nothing to load among {names}: drop the Depth canvas (…-Depth.exr), with the Normal"
    " canvas and the render if you have them, or a whole _canvases folder; or a preset (.json)"
)
# A Normal, Beauty or ID canvas dropped without a Depth canvas: an artist who replaces one
# canvas of the scene drops it alone, and must hear that a scene starts from its depth.
WITHOUT_DEPTH = (
    "No Depth canvas among {names}: a scene starts from its …-Depth.exr, so {found} cannot"
    " be used alone; drop {it} with the Depth canvas (or the whole _canvases folder)"
)
ROLE_NAMES = {"normal": "a Normal canvas", "beauty": "a render", "ids": "an ID canvas"}


def sort_dropped(paths: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """(canvas candidates, preset files with their edits PNGs, files of neither kind).

    Our own outputs (a depth PNG saved by Daz Depth carries its splits) are presets, never
    a beauty render."""
    canvases, presets, other = [], [], []
    for path in paths:
        suffix = path.suffix.lower()
        if suffix == ".json" or is_sidecar(path) or (suffix == ".png" and carries_setup(path)):
            presets.append(path)
        elif suffix in CANVAS_SUFFIXES:
            canvases.append(path)
        else:
            other.append(path)
    return canvases, presets, other


def carries_setup(path: Path) -> bool:
    """A depth PNG saved by Daz Depth: it carries its split setup (our sample's render, also
    written by Daz Depth, carries none and is a beauty render)."""
    try:
        return is_ours(path) and SETUP_KEY in read_text_chunks(path)
    except (OSError, ValueError, SyntaxError):
        return False


ROLE_WORDS = {"ids": "IDs"}  # how the line names a role where its key is not a word


def recognised(result: Loaded, unused: list[Path]) -> str:
    """'depth: a.exr, normal: b.exr, beauty: c.png; not used: d.txt'."""
    parts = [
        f"{ROLE_WORDS.get(role, role)}: {result.roles[role]}"
        for role in ROLES
        if result.roles[role] != "(none)"
    ]
    text = ", ".join(parts)
    if unused:
        text += f"; not used: {', '.join(p.name for p in unused)}"
    return text


def with_note(view_json: str, kind: str, text: str) -> str:
    view = json.loads(view_json)
    view["message"] = message(kind, text)
    return json.dumps(view, separators=(",", ":"))


def load_dropped(
    files: Any,
    state: Workspace | None,
    config: TabConfig,
    repair_edges: bool = False,
    reading: Reading | None = None,
    read: Reader = load_set,
) -> tuple[Loaded, list[str]]:
    """Load what was dropped: a new canvas set replaces the scene (the sample or the last
    one); a preset among the files is applied to it; a preset alone applies to the scene
    loaded. Returns the result and the file list the canvases box should show. ``read``
    reads the canvases (controller.load_files)."""
    paths = file_paths(files)
    canvas_paths, preset_paths, other = sort_dropped(paths)
    if recognise(canvas_paths).depth is None:
        if preset_paths and state is not None:
            state, view = controller.load_preset_file(preset_paths, state)
            return controller.keep(state, view), current_files(state)
        names = ", ".join(p.name for p in paths) or "the drop"
        text = nothing_to_load(names, recognise(canvas_paths), state is not None)
        note = message("error", text)
        return controller.rejected(state, note), current_files(state)
    result = controller.load_files(canvas_paths, state, config, None, repair_edges, reading, read)
    if result.workspace is state:  # refused: the scene before stays, and says why
        return result, current_files(state)
    if scenes.same_depth(state, result.workspace):  # its own depth again: keep the work
        text = scenes.refresh(state, result.workspace)
        view = dumps(build_view(state, note=message("info", text), with_grid=True))
        result = dataclasses.replace(controller.keep(state, view), kept_work=True)
        if preset_paths:
            view = with_preset(view, preset_paths, state, text)
        return dataclasses.replace(result, view=view), current_files(state)
    used = {result.roles[role] for role in ROLES}
    unused = [p for p in canvas_paths if p.name not in used] + other
    read = [f"read {result.read}"] if result.read else []
    objects = result.workspace.objects
    found = [f"{len(objects.keys)} objects in {objects.source}"] if objects else []
    warnings = result.warnings
    text = "; ".join([f"Loaded {recognised(result, unused)}", *read, *found, *warnings])
    view = with_note(result.view, "warning" if warnings else "info", text)
    if preset_paths:
        view = with_preset(view, preset_paths, result.workspace, text)
    loaded = dataclasses.replace(result, view=view)
    return loaded, [str(p) for p in canvas_paths]


def nothing_to_load(names: str, found: CanvasSet, loaded: bool = False) -> str:
    """The one line for a drop with no Depth canvas: the canvases it held that need one, if
    any, and what to drop instead; ``loaded``: a scene is loaded, and stays."""
    held = [
        f"{path.name} ({ROLE_NAMES[role]})"
        for role in ("normal", "beauty", "ids")
        if (path := found.get(role)) is not None
    ]
    if not held:
        return NOTHING.format(names=names)
    it = "it" if len(held) == 1 else "them"
    text = WITHOUT_DEPTH.format(names=names, found=" and ".join(held), it=it)
    return text + ("; the scene loaded stays" if loaded else "")


def with_preset(view: str, presets: list[Path], workspace: Workspace, text: str) -> str:
    """The preset dropped with the canvases applied to the scene; the note says both."""
    _, view = controller.load_preset_file(presets, workspace)
    note = json.loads(view)["message"]
    return with_note(view, note["kind"], f"{text}. {note['text']}")


def current_files(state: Workspace | None) -> list[str]:
    if state is None:
        return []
    return [str(p) for p in (state.canvases.get(role) for role in ROLES) if p is not None]

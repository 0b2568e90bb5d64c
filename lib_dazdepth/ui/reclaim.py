"""A reloaded page's work given back: what the tab's boxes showed for it (``Form``), the
view with a note saying what the page found under its tab's key (pages.Claim), and the
page's script that keeps the key over a reload (javascript/dazdepth_tab.js)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..editing.view import build_view, dumps, message
from ..engine.canvases import BY_NAME, ROLES
from .controller import NONE, Loaded, file_paths
from .pages import Claim

KEPT = "Kept this tab's work over the reload: {name} with its splits, edits and undo history."
GONE = (
    "This tab's work from before the reload was let go to free the server's memory (newer"
    " pages needed the room, or the tab stayed closed too long)."
)
UNKNOWN = (
    "This tab's work from before the reload is not on the server any more (the server"
    " restarted since)."
)
COPY = "This tab is a copy of another open tab: it starts afresh, the work stays with the other."
AGAIN = "Drop the canvases again."
NOTES = {"gone": GONE, "unknown": UNKNOWN, "copy": COPY}

# The load event's front-end code: the page hands the server its tab's key from
# sessionStorage (taken out while this page holds it: a duplicated tab copies no key of a
# live page); ``page`` (gr.State) passes through as it is.
TAKE = "(asked, page) => [window.dazdepthTab ? window.dazdepthTab.take() : '', page]"
# After it: the page holds the key the server gave (written back on pagehide), then draws.
HOLD = (
    "(view, key) => { if (window.dazdepthTab) { window.dazdepthTab.hold(key); }"
    " if (window.dazdepthRender) { window.dazdepthRender(view); } return []; }"
)


@dataclass(frozen=True)
class Form:
    """What the tab's boxes show for a page's work: the canvases box's files (server
    paths), the role dropdowns' choices and values, each role's layers and the one picked,
    the depth reading and edge repair. ``roles``, ``layers`` and ``picked`` follow ROLES."""

    files: tuple[str, ...]
    choices: tuple[str, ...]
    roles: tuple[str, ...]
    layers: tuple[tuple[str, ...], ...]
    picked: tuple[str, ...]
    depth_is: str
    fov: float
    depth_unit: str
    repair: bool


def form_of(result: Loaded, files: Any, picked, repair, depth_is, fov, unit) -> Form:
    """The form after ``result`` was loaded from ``files`` with these settings."""
    lists = [tuple(result.layers.get(role, [BY_NAME])) for role in ROLES]
    return Form(
        files=tuple(str(path) for path in file_paths(files)),
        choices=(NONE, *result.choices),
        roles=tuple(result.roles[role] for role in ROLES),
        layers=tuple(lists),
        picked=tuple(  # the layer picked, else the one read (a multilayer file alone)
            p if p in c and p != BY_NAME else result.shows.get(role, BY_NAME)
            for role, c, p in zip(ROLES, lists, picked)
        ),
        depth_is=depth_is,
        fov=float(fov or 0),
        depth_unit=unit,
        repair=bool(repair),
    )


def dropdowns(form: Form) -> list[dict[str, Any]]:
    """The role dropdowns' changes (gr.update's keywords), then the layer dropdowns'."""
    roles = [{"choices": list(form.choices), "value": value} for value in form.roles]
    layers = [{"choices": list(c), "value": p} for c, p in zip(form.layers, form.picked)]
    return roles + layers


BOXES = 2 * len(ROLES) + 5  # the dropdowns, the canvases box, the reading, edge repair


def restored(claim: Claim) -> tuple[str, list[dict[str, Any] | None]]:
    """A page's view and boxes for its work claimed back: the view (its note says so),
    then the changes (gr.update's keywords; None: as it is) to the role and layer
    dropdowns, the canvases box (its files still there), the depth reading's three boxes
    and edge repair."""
    form, workspace = claim.form, claim.workspace
    name = workspace.canvases.depth.name if workspace.canvases.depth else "the scene"
    note = message("info", KEPT.format(name=name))
    view = dumps(build_view(workspace, note=note, with_grid=True))
    return view, form_boxes(form)


def form_boxes(form: Form | None) -> list[dict[str, Any] | None]:
    """The boxes' changes for a form (see ``restored``); None: kept without a form, the
    boxes stay as they are."""
    if form is None:
        return [None] * BOXES
    files = [path for path in form.files if Path(path).is_file()] or None
    values = [files, form.depth_is, form.fov, form.depth_unit, form.repair]
    return [*dropdowns(form), *({"value": value} for value in values)]


def saved_boxes(claim: Claim) -> list[dict[str, Any]]:
    """The download list and the save status line for work claimed back: the files it
    saved that are still there (gr.update's keywords), and the last save's line while
    all of them are; with some gone, a line saying how many are left."""
    there = [path for path in claim.saved if Path(path).is_file()]
    if len(there) == len(claim.saved):
        said = claim.said
    else:
        gone = len(claim.saved) - len(there)
        verb = "is" if gone == 1 else "are"
        said = f"{gone} of the {len(claim.saved)} files saved from this tab {verb} no longer there"
    return [{"value": there or None}, {"value": said}]


def note_text(claim: Claim) -> str:
    """What the page is told for a claim that found no work ("" for a new page)."""
    return NOTES.get(claim.found, "")


def empty_view(claim: Claim) -> str:
    """The empty tab, with the note for a claim that found no work."""
    text = note_text(claim)
    if not text:
        return dumps(build_view(None))
    kind = "info" if claim.found == "copy" else "warning"
    return dumps(build_view(None, note=message(kind, f"{text} {AGAIN}")))

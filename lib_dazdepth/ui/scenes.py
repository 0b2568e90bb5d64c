"""A drop that replaces a scene can be undone, and a drop of the scene's own depth file
keeps its work.

A page holds its scene and at most one other (pages.Other): the scene a drop (or the
canvases box, or a role list) replaced while it had work, which Undo brings back once
the new scene's own undo history is used up; after that Undo, the dropped scene, which
Redo goes forward to again. The replace is one step of a single history: it clears the
replaced scene's redo (as any new change does), and a new change to the scene brought
back lets go of the scene Redo would go to. The page's Undo and Redo reach the server as
commands (javascript/dazdepth_table.js, dazdepth.js: ``{"op": "undo"}``); ``travel``
answers those that cross a replace. The other scene is the first thing the page store
lets go of when it needs room (pages.Pages.keep).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..editing.view import build_view, dumps, message
from ..editing.workspace import Workspace
from . import controller
from .controller import Loaded
from .pages import Other, Page, Pages

# The note of a drop that replaced a scene with work.
REPLACED = "replaced the work on {name}: Undo brings it back"
# When the server had no room to keep the replaced scene (other tabs hold their work).
LET_GO = (
    "replaced the work on {name}, which was let go to free the server's memory (other tabs"
    " hold theirs): Undo cannot bring it back, a preset saved before can"
)
# The note of an Undo or Redo across a replace.
BACK = "Back to {name} with its work (Redo goes to {other} again)"
FORWARD = "Forward to {name} again (Undo goes back to {other})"
# A drop of the scene's own depth file (same name and depth) over its work.
KEPT = "Kept the work on {name}: the same depth file"
REFRESHED = "{kept}; loaded anew: {what}"
UNCHANGED = "{kept}, and nothing new in the drop"
CANVAS_WORDS = {"normal": "its Normal canvas", "beauty": "its render", "ids": "its ID canvas"}


def keep_loaded(
    pages: Pages, page: str | None, loaded: Loaded, session: str | None, form: Any
) -> tuple[str | None, str]:
    """Hold what a load gave as the page's work (pages.Pages.keep); the scene it replaced,
    when that had work, is kept for Undo and the note says so. Returns (key, view)."""
    before = pages.get(page)
    # a refused load keeps the work before, and the form that went with it
    fresh = loaded.workspace is not None and (loaded.workspace is not before or loaded.kept_work)
    kept = replacing(before, loaded.workspace)
    form = form if fresh else None
    key = pages.keep(page, loaded.workspace, session, form, keep_replaced=kept)
    other = pages.other(key)
    view = loaded.view
    if kept:  # say whether the store had room to keep it (released first when it has not)
        view = replaced_note(view, before, REPLACED if other is not None else LET_GO)
    return key, with_history(view, other)


def command(text: str, pages: Pages, page: str | None) -> tuple[str, Page | None]:
    """A command from the page: (the view, the page when it crossed to its other scene,
    whose form the boxes show again; else None)."""
    crossed = travel(text, pages, page)
    if crossed is not None:
        return crossed[1], crossed[0]
    workspace = pages.get(page)
    before = mark(workspace)
    view = controller.run_command(text, workspace)[1]
    if not travels(text):
        after_change(pages, page, before)
    return with_history(view, pages.other(page)), None


def preset(file: Any, pages: Pages, page: str | None) -> str:
    """A preset loaded on the page's scene (a change: see ``after_change``)."""
    workspace = pages.get(page)
    before = mark(workspace)
    view = controller.load_preset_file(file, workspace)[1]
    after_change(pages, page, before)
    return with_history(view, pages.other(page))


def name_of(workspace: Workspace) -> str:
    depth = workspace.canvases.depth
    return depth.name if depth is not None else "the scene before"


def has_work(workspace: Workspace | None) -> bool:
    """Whether a scene has work a replace would lose: an undo (or redo) history."""
    return workspace is not None and bool(workspace.undo_stack or workspace.redo_stack)


def replacing(before: Workspace | None, after: Workspace | None) -> bool:
    """Whether ``after`` replaces ``before`` and ``before`` is kept for Undo. The replace
    is a new change in ``before``'s history, so its redo is cleared (Redo after Undo goes
    to ``after``)."""
    if after is None or before is None or after is before or not has_work(before):
        return False
    before.redo_stack = []
    return True


def replaced_note(view_json: str, before: Workspace, said: str = REPLACED) -> str:
    """The load's note, saying which scene's work was replaced and whether Undo brings it
    back (``said``: REPLACED, or LET_GO as a warning)."""
    view = json.loads(view_json)
    note = view.get("message") or {"kind": "info", "text": "Loaded"}
    text = f"{note['text']}; {said.format(name=name_of(before))}"
    kind = "warning" if said is LET_GO and note["kind"] == "info" else note["kind"]
    view["message"] = message(kind, text)
    return json.dumps(view, separators=(",", ":"))


def with_history(view_json: str, other: Other | None) -> str:
    """The view with Undo (Redo) offered when the page's other scene lies behind (ahead)."""
    if other is None:
        return view_json
    view = json.loads(view_json)
    if not view.get("loaded"):
        return view_json
    key = "can_redo" if other.ahead else "can_undo"
    if view.get(key):
        return view_json
    view[key] = True
    return json.dumps(view, separators=(",", ":"))


def steps(text: str) -> tuple[list[str | None], int]:
    """A command's operations' kinds and its seq; ([], 0) for one that cannot be read
    (``controller.run_command`` answers that)."""
    try:
        command = json.loads(text or "{}")
        ops, seq = command["ops"], int(command.get("seq", 0))
    except (ValueError, TypeError, KeyError, AttributeError):
        return [], 0
    if not isinstance(ops, list):
        return [], seq
    return [op.get("op") if isinstance(op, dict) else None for op in ops], seq


def history_op(text: str) -> tuple[str | None, int]:
    """("undo" or "redo", seq) for a command that is only that, else (None, seq)."""
    kinds, seq = steps(text)
    if len(kinds) == 1 and kinds[0] in ("undo", "redo"):
        return kinds[0], seq
    return None, seq


def travel(text: str, pages: Pages, key: str | None) -> tuple[Page, str] | None:
    """An Undo past the start of the scene's history to the scene a drop replaced, or a
    Redo past its end to the scene it left: the page (its new work and form) and the
    view, saying so. None: the command is the scene's own (``controller.run_command``)."""
    kind, seq = history_op(text)
    workspace = pages.get(key)
    if kind is None or workspace is None:
        return None
    own = workspace.undo_stack if kind == "undo" else workspace.redo_stack
    if own:
        return None
    page = pages.swap(key, ahead=kind == "redo")
    if page is None:
        return None
    now, other = name_of(page.workspace), name_of(page.other.workspace)
    said = (BACK if kind == "undo" else FORWARD).format(name=now, other=other)
    view = dumps(build_view(page.workspace, seq, message("info", said), with_grid=True))
    return page, with_history(view, page.other)


def mark(workspace: Workspace | None) -> tuple[int, int | None]:
    """What tells a new change: the undo history's length and its last step."""
    if workspace is None:
        return 0, None
    stack = workspace.undo_stack
    return len(stack), id(stack[-1]) if stack else None


def travels(text: str) -> bool:
    """Whether a command holds an Undo or Redo (a step in the history, not a change)."""
    kinds = steps(text)[0]
    return "undo" in kinds or "redo" in kinds


def after_change(pages: Pages, key: str | None, before: tuple[int, int | None]) -> None:
    """After a command (not Undo or Redo) or a preset: a new change lets go of the scene
    Redo would have gone to."""
    if mark(pages.get(key)) != before:
        pages.let_go_ahead(key)


def same_depth(before: Workspace | None, after: Workspace | None) -> bool:
    """Whether a drop read the scene's own depth file again: the same name, the same
    depth read (its values and background) and the same size."""
    if before is None or after is None or after is before:
        return False
    old, new = before.original, after.original
    named = before.canvases.depth is not None and after.canvases.depth is not None
    return (
        named
        and before.canvases.depth.name == after.canvases.depth.name
        and old.depth.shape == new.depth.shape
        and old.unit == new.unit
        and np.array_equal(old.valid, new.valid)
        and np.array_equal(old.depth, new.depth, equal_nan=True)
    )


def refresh(before: Workspace, after: Workspace) -> str:
    """Take into ``before`` (keeping its splits, edits and history) the canvases ``after``
    read anew beside the same depth; returns the note saying what was loaded anew."""
    changed = [
        CANVAS_WORDS[role]
        for role, attribute in (("normal", "normal"), ("beauty", "beauty"), ("ids", "objects"))
        if getattr(after, attribute) is not None
        and not same(getattr(before, attribute), getattr(after, attribute))
    ]
    if changed:
        before.take_canvases(after)
    kept = KEPT.format(name=name_of(before))
    if not changed:
        return UNCHANGED.format(kept=kept)
    return REFRESHED.format(kept=kept, what=", ".join(changed))


def same(old: Any, new: Any) -> bool:
    """Whether a canvas read again is what the scene has (ID objects: by their keys and
    pixels)."""
    if old is None or new is None:
        return old is new
    if isinstance(old, np.ndarray):
        return old.shape == new.shape and bool(np.array_equal(old, new, equal_nan=True))
    return old.keys == new.keys and same(old.labels, new.labels)

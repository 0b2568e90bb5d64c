"""A drop that replaces a scene can be undone (ui/scenes.py, pages.Other): Undo right after
it brings back the scene before with all its work, Redo goes to the dropped scene again; a
page keeps one replaced scene, the first thing the page store lets go; the scene's own
depth dropped again keeps its work. Real EXR files through the tab's drop path."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import numpy as np
from exrdata import write_depth, write_exr
from test_page_claims import Clock

from lib_dazdepth.engine.canvases import BY_NAME
from lib_dazdepth.ui import drops, reclaim, scenes
from lib_dazdepth.ui.controller import TabConfig
from lib_dazdepth.ui.pages import Pages

A_DEPTH = np.linspace(100, 400, 48 * 64, dtype=np.float32).reshape(48, 64)
B_DEPTH = np.linspace(50, 900, 48 * 64, dtype=np.float32).reshape(48, 64)
READ = "read depth from Y (float), planar depth"


def normal(folder: Path) -> Path:
    normals = np.zeros((48, 64), np.float32)
    channels = {"R": normals, "G": normals, "B": normals + 1}
    return write_exr(folder / "a-Canvas3-Normal.exr", channels)


def scene(folder: Path, name: str, depth: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_depth(folder / f"{name}-Canvas2-Depth.exr", depth)


class Tab:
    """One page of the tab, driven as blocks.py does: drops and commands."""

    def __init__(self, pages: Pages, tmp_path: Path, key: str | None = None) -> None:
        self.pages, self.key, self.seq = pages, key, 0
        self.config = TabConfig(tmp_path / "out")

    def drop(self, *paths: Path) -> dict:
        loaded, files = drops.load_dropped(list(paths), self.pages.get(self.key), self.config)
        form = reclaim.form_of(loaded, files, (BY_NAME,) * 4, False, "by its name", 0, "cm")
        self.key, view = scenes.keep_loaded(self.pages, self.key, loaded, None, form)
        return json.loads(view)

    def send(self, *ops: dict) -> dict:
        self.seq += 1
        text = json.dumps({"seq": self.seq, "ops": list(ops)})
        view, self.moved = scenes.command(text, self.pages, self.key)
        return json.loads(view)

    @property
    def workspace(self):
        return self.pages.get(self.key)


def rows(view: dict) -> list[tuple]:
    return [(s["start"], s["end"], s["label"]) for s in view["splits"]]


def worked(tab: Tab, path: Path) -> dict:
    """The scene loaded, split at 250 and the near split labelled."""
    tab.drop(path)
    tab.send({"op": "add", "depth": 250})
    return tab.send({"op": "flag", "split": 0, "key": "label", "value": "table"})


def test_undo_after_a_drop_brings_back_the_scene_before_and_redo_goes_forward(
    tmp_path,
) -> None:
    tab = Tab(Pages(), tmp_path)
    a, b = scene(tmp_path / "a", "a", A_DEPTH), scene(tmp_path / "b", "b", B_DEPTH)
    before = worked(tab, a)
    first = tab.workspace
    tab.send({"op": "undo"})  # the label: its redo goes with the replace (a new change)
    before = tab.send({"op": "redo"})
    dropped = tab.drop(b)
    assert dropped["message"] == {
        "kind": "info",
        "text": f"Loaded depth: b-Canvas2-Depth.exr; {READ};"
        " replaced the work on a-Canvas2-Depth.exr: Undo brings it back",
    }
    assert dropped["image"]["name"] == "b-Canvas2-Depth.exr"
    assert dropped["can_undo"] and not dropped["can_redo"]
    second = tab.workspace
    assert len(tab.send({"op": "add", "depth": 600})["splits"]) == 2
    assert len(tab.send({"op": "undo"})["splits"]) == 1  # the dropped scene's own history
    assert tab.moved is None
    back = tab.send({"op": "undo"})
    assert back["message"] == {
        "kind": "info",
        "text": "Back to a-Canvas2-Depth.exr with its work (Redo goes to b-Canvas2-Depth.exr"
        " again)",
    }
    assert tab.workspace is first and tab.moved.form.files == (str(a),)
    assert back["image"]["name"] == "a-Canvas2-Depth.exr" and back["seq"] == tab.seq
    assert rows(back) == rows(before) and len(rows(back)) == 2
    assert rows(back)[0] == (100.0, 250.0, "table")
    assert back["can_undo"] and back["can_redo"] and "grid" in back
    assert rows(tab.send({"op": "undo"}))[0][2] != "table"  # the scene's own history goes on
    assert rows(tab.send({"op": "redo"}))[0][2] == "table"
    forward = tab.send({"op": "redo"})
    assert forward["message"]["text"] == (
        "Forward to b-Canvas2-Depth.exr again (Undo goes back to a-Canvas2-Depth.exr)"
    )
    assert tab.workspace is second and tab.moved.form.files == (str(b),)
    assert forward["can_undo"] and forward["can_redo"]  # its split undone, to redo
    assert len(tab.send({"op": "redo"})["splits"]) == 2
    assert not tab.send({"op": "redo"})["can_redo"]
    assert len(tab.send({"op": "undo"})["splits"]) == 1
    assert tab.send({"op": "undo"})["image"]["name"] == "a-Canvas2-Depth.exr"


def test_a_change_after_undo_lets_go_of_the_dropped_scene(tmp_path) -> None:
    tab = Tab(Pages(), tmp_path)
    worked(tab, scene(tmp_path / "a", "a", A_DEPTH))
    tab.drop(scene(tmp_path / "b", "b", B_DEPTH))
    dropped = weakref.ref(tab.workspace)
    assert tab.send({"op": "undo"})["can_redo"]
    changed = tab.send({"op": "add", "depth": 350})
    assert not changed["can_redo"] and tab.pages.other(tab.key) is None
    gc.collect()
    assert dropped() is None
    assert tab.send({"op": "redo"})["message"] == {
        "kind": "error",
        "text": "Error - nothing to redo",
    }


def test_a_page_keeps_one_replaced_scene_and_none_for_an_untouched_one(tmp_path) -> None:
    tab = Tab(Pages(), tmp_path)
    worked(tab, scene(tmp_path / "a", "a", A_DEPTH))
    first = weakref.ref(tab.workspace)
    worked(tab, scene(tmp_path / "b", "b", B_DEPTH))
    second = tab.workspace
    tab.drop(scene(tmp_path / "c", "c", A_DEPTH * 2))
    gc.collect()
    assert first() is None  # the older replaced scene was let go
    assert tab.pages.other(tab.key).workspace is second
    assert tab.send({"op": "undo"})["image"]["name"] == "b-Canvas2-Depth.exr"
    tab.send({"op": "undo"})
    assert not tab.send({"op": "undo"})["can_undo"]  # b's start: no way on to a
    # an untouched scene replaced is not kept: Undo has nothing, the note says nothing more
    fresh = Tab(Pages(), tmp_path)
    fresh.drop(scene(tmp_path / "a", "a", A_DEPTH))
    view = fresh.drop(scene(tmp_path / "b", "b", B_DEPTH))
    assert view["message"] == {"kind": "info", "text": f"Loaded depth: b-Canvas2-Depth.exr; {READ}"}
    assert not view["can_undo"] and fresh.pages.other(fresh.key) is None


def test_the_replaced_scene_is_the_first_thing_let_go(tmp_path) -> None:
    pages = Pages(capacity=3, timers=False)
    one, two, three = Tab(pages, tmp_path), Tab(pages, tmp_path), Tab(pages, tmp_path)
    worked(one, scene(tmp_path / "a", "a", A_DEPTH))
    replaced = weakref.ref(one.workspace)
    one.drop(scene(tmp_path / "b", "b", B_DEPTH))
    two.drop(scene(tmp_path / "c", "c", A_DEPTH))  # three workspaces held: the capacity
    assert pages.other(one.key) is not None
    three.drop(scene(tmp_path / "d", "d", B_DEPTH))
    gc.collect()
    assert replaced() is None and pages.other(one.key) is None
    assert len(pages) == 3 and all(pages.get(t.key) is not None for t in (one, two, three))
    assert not one.send({"op": "select", "split": 0})["can_undo"]
    four = Tab(pages, tmp_path)  # then, as before, the page used longest ago (not one)
    four.drop(scene(tmp_path / "e", "e", A_DEPTH))
    assert pages.get(two.key) is None and pages.released(two.key)
    assert pages.get(one.key) is not None


def test_a_replace_with_no_room_to_keep_the_scene_says_undo_cannot_bring_it_back(
    tmp_path,
) -> None:
    """Three tabs hold their work (gradio 3 never says a tab closed): the scene a drop
    replaces is let go at once, and the note says so instead of promising Undo."""
    pages = Pages(capacity=3, timers=False)
    one, two, three = Tab(pages, tmp_path), Tab(pages, tmp_path), Tab(pages, tmp_path)
    worked(one, scene(tmp_path / "a", "a", A_DEPTH))
    two.drop(scene(tmp_path / "c", "c", A_DEPTH))
    three.drop(scene(tmp_path / "d", "d", B_DEPTH))
    dropped = one.drop(scene(tmp_path / "b", "b", B_DEPTH))
    assert pages.other(one.key) is None and not dropped["can_undo"]
    assert dropped["message"] == {
        "kind": "warning",
        "text": f"Loaded depth: b-Canvas2-Depth.exr; {READ}; "
        + scenes.LET_GO.format(name="a-Canvas2-Depth.exr"),
    }
    assert all(pages.get(t.key) is not None for t in (one, two, three))


def test_a_reload_after_a_replace_keeps_undo_to_the_scene_before(tmp_path) -> None:
    pages = Pages(clock=Clock(), timers=False)
    tab = Tab(pages, tmp_path)
    worked(tab, scene(tmp_path / "a", "a", A_DEPTH))
    tab.drop(scene(tmp_path / "b", "b", B_DEPTH))
    pages.keep(tab.key, tab.workspace, "old")
    pages.close_session("old")
    claim = pages.claim(tab.key, "new")
    assert claim.found == "kept" and claim.workspace is tab.workspace
    view, _ = reclaim.restored(claim)
    assert json.loads(scenes.with_history(view, pages.other(claim.key)))["can_undo"]
    back = tab.send({"op": "undo"})
    assert back["image"]["name"] == "a-Canvas2-Depth.exr" and rows(back)[0][2] == "table"


def test_the_same_depth_dropped_again_keeps_the_work_and_loads_what_is_new(tmp_path) -> None:
    tab = Tab(Pages(), tmp_path)
    depth = scene(tmp_path / "a", "a", A_DEPTH)
    before = worked(tab, depth)
    work, history = tab.workspace, list(tab.workspace.undo_stack)
    again = tab.drop(depth, normal(tmp_path / "a"))
    assert again["message"] == {
        "kind": "info",
        "text": "Kept the work on a-Canvas2-Depth.exr: the same depth file; loaded anew:"
        " its Normal canvas",
    }
    assert tab.workspace is work and work.undo_stack == history
    assert rows(again) == rows(before) and again["layers"][-1] == "normal"
    assert again["canvases"]["normal"] == "a-Canvas3-Normal.exr"
    assert work.normal.shape == (48, 64, 3) and np.all(work.normal[..., 2] == 1)
    same = tab.drop(depth)
    assert same["message"]["text"] == (
        "Kept the work on a-Canvas2-Depth.exr: the same depth file, and nothing new in the drop"
    )
    assert same["canvases"]["normal"] == "a-Canvas3-Normal.exr" and tab.pages.other(tab.key) is None
    # the same name with other depths (re-rendered): a replace, which Undo brings back
    changed = tab.drop(scene(tmp_path / "again", "a", A_DEPTH + 1))
    assert changed["message"]["text"].endswith("Undo brings it back")
    assert tab.send({"op": "undo"})["splits"][0]["label"] == "table"

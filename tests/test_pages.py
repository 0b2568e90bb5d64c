"""The server's hold on each page's work (ui/pages.py) and the canvases shared between pages
(ui/sharing.py): bounded, let go when asked, and never written into."""

from __future__ import annotations

import gc
import json
import os
import re
import threading
import weakref
from pathlib import Path

import numpy as np
import pytest
from test_controller import write_set
from test_page_claims import Clock
from test_workspace import workspace

from lib_dazdepth.editing.saving import save_maps
from lib_dazdepth.engine.canvases import Reading
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig
from lib_dazdepth.ui.pages import RELEASED, Pages, released_view
from lib_dazdepth.ui.sharing import ReadOnce


def test_a_page_gets_a_key_with_its_first_workspace_and_keeps_it() -> None:
    pages = Pages()
    assert pages.keep(None, None) is None  # nothing loaded: no key
    first, second = workspace(), workspace()
    key = pages.keep(None, first)
    assert re.fullmatch("[0-9a-f]{32}", key) and pages.get(key) is first
    assert pages.keep(key, second) == key and pages.get(key) is second
    assert pages.keep(key, None) == key  # a failed load keeps the work
    assert pages.get(None) is None and len(pages) == 1


def test_beyond_the_capacity_the_page_used_longest_ago_is_let_go() -> None:
    pages = Pages(capacity=3)
    a, b, c = (pages.keep(None, workspace()) for _ in range(3))
    pages.get(a)  # a is used again: b is now the page used longest ago
    d = pages.keep(None, workspace())
    assert pages.get(b) is None
    assert all(pages.get(k) is not None for k in (a, c, d))
    assert len(pages) == 3
    assert pages.released(b) and not pages.released(a)  # the page is told so
    assert pages.keep(b, None) == b  # a failed load: the tab keeps its key
    again = pages.keep(b, workspace())  # a page let go can load again, under its tab's key
    assert again == b and pages.get(b) is not None and len(pages) == 3
    assert not pages.released(b)


def test_a_workspace_let_go_is_freed() -> None:
    pages = Pages(capacity=1)
    first = workspace()
    gone = weakref.ref(first)
    pages.keep(None, first)
    del first
    pages.keep(None, workspace())
    gc.collect()
    assert gone() is None  # nothing else holds it: its arrays are freed


def test_a_closed_session_lets_go_of_its_page_only_after_the_grace() -> None:
    clock = Clock()
    pages = Pages(grace=60, clock=clock, timers=False)
    mine = pages.keep(None, workspace(), session="s1")
    other = pages.keep(None, workspace(), session="s2")
    pages.close_session("s1")
    clock.now += 60
    pages.sweep()
    assert pages.released(mine) and len(pages) == 1
    assert pages.get(mine) is None and pages.get(other) is not None
    pages.close_session("s1")  # twice, or an unknown session: nothing happens
    pages.close_session(None)
    pages.drop(other)
    assert len(pages) == 0
    pages.drop(other)
    pages.drop(None)


def test_capacity_must_hold_a_page() -> None:
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        Pages(capacity=0)


def test_pages_used_from_many_threads_stay_within_capacity() -> None:
    pages = Pages(capacity=2)
    shared = workspace()

    def use() -> None:
        key = None
        for _ in range(200):
            key = pages.keep(key, shared)
            pages.get(key)

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(pages) == 2


def test_read_once_shares_read_only_canvases_and_rereads_a_changed_file(tmp_path: Path) -> None:
    files = write_set(tmp_path)
    config = TabConfig(outputs=tmp_path / "out")
    shared = ReadOnce()
    first = controller.load_files(files, None, config, read=shared).workspace
    second = controller.load_files(files, None, config, read=shared).workspace
    assert first is not second
    for role in ("normal", "beauty"):
        assert getattr(first, role) is getattr(second, role)
    assert first.depth_map.depth is second.depth_map.depth
    arrays = [first.depth_map.depth, first.depth_map.valid, first.normal, first.beauty]
    assert not any(array.flags.writeable for array in arrays)
    with pytest.raises(ValueError, match="read-only"):
        first.depth_map.depth[0, 0] = 1
    # a new render written over the depth file is read again
    depth = files[0]
    old = depth.stat().st_mtime_ns
    replaced = write_set(tmp_path)[0]
    assert replaced == depth
    if depth.stat().st_mtime_ns == old:  # a coarse clock: make the change visible
        os.utime(depth, ns=(old + 1_000_000, old + 1_000_000))
    third = controller.load_files(files, None, config, read=shared).workspace
    assert third.depth_map.depth is not first.depth_map.depth


def test_every_edit_on_a_shared_scene_leaves_the_other_page_as_it_was(tmp_path: Path) -> None:
    files = write_set(tmp_path)
    config = TabConfig(outputs=tmp_path / "out")
    read = ReadOnce()
    mine = controller.load_files(files, None, config, read=read).workspace
    other = controller.load_files(files, None, config, read=read).workspace
    before = other.depth_map.depth.copy(), other.normal.copy(), other.beauty.copy()
    mine.apply([{"op": "add", "depth": 150}, {"op": "regions_from_splits"}])
    for layer in ("depth", "test", "regions", "reading", "normal", "beauty"):
        mine.apply([{"op": "show", "layer": layer}])
        assert mine.layer(layer) is not None
    mine.apply([{"op": "select_at", "x": 5, "y": 5, "rim": True, "tolerance": 3}])
    mine.apply([{"op": "paint_depth", "x": 60, "y": 40}])
    mine.apply([{"op": "select_at", "x": 5, "y": 5}, {"op": "assign_selection", "region": 3}])
    mine.apply([{"op": "divide", "split": 0, "min_pixels": 4}])
    mine.apply([{"op": "order_regions"}, {"op": "auto"}, {"op": "undo"}, {"op": "redo"}])
    assert save_maps(mine, tmp_path / "saved")
    after = other.depth_map.depth, other.normal, other.beauty
    assert all(np.array_equal(b, a) for b, a in zip(before, after))


def test_a_page_let_go_is_shown_the_empty_tab_saying_why() -> None:
    view = json.loads(released_view())
    assert view["message"] == {"kind": "error", "text": RELEASED}
    assert not view["loaded"]


def test_read_once_reads_again_for_another_reading_or_edge_repair(tmp_path: Path) -> None:
    files = write_set(tmp_path)
    config = TabConfig(outputs=tmp_path / "out")
    shared = ReadOnce()

    def depth(**how) -> np.ndarray:
        return controller.load_files(
            files, None, config, read=shared, **how
        ).workspace.depth_map.depth

    first = depth()
    assert depth() is first
    planar = depth(reading=Reading(convention="depth"))
    assert planar is not first and np.array_equal(planar, first)  # read again, same depths
    assert depth(repair_edges=True) is not planar
    assert depth() is not first  # one set is held: the last read

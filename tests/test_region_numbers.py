"""Region numbers the artist set stay theirs: the wand and the table never renumber;
"Order regions" is the one explicit renumbering and says what moved; "Regions from
splits" gives a sliver of a split no region of its own (issue 10, items 2 and 13)."""

from __future__ import annotations

import numpy as np

from lib_dazdepth.editing.workspace import Workspace
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.regions import INHERIT


def figures() -> Workspace:
    depth = np.full((6, 8), 500.0, dtype=np.float32)  # a wall
    depth[1:3, 1:3] = 100.0  # figure one
    depth[1:4, 5:7] = 101.0  # figure two, at the same depth: one split holds both
    ws = Workspace(from_array(depth, "scene-Canvas2-Depth.exr"))
    ws.apply([{"op": "add", "depth": 300}, {"op": "regions_from_splits"}])
    return ws


def colour_of(ws: Workspace, x: int, y: int) -> tuple[int, ...]:
    ws.apply([{"op": "clear_selection"}])  # the selection is shown lightened
    return tuple(int(c) for c in ws.layer("regions")[y, x])


def test_numbers_typed_with_the_wand_stay_as_typed() -> None:
    ws = figures()
    ws.apply([{"op": "select_at", "x": 5, "y": 1}, {"op": "assign_selection", "region": 7}])
    ws.apply([{"op": "select_at", "x": 1, "y": 1}, {"op": "assign_selection", "region": 4}])
    assert ws.region_edits[1, 5] == 7 and ws.region_edits[1, 1] == 4  # not closed up to 2, 3
    assert [s.region for s in ws.splits.splits] == [0, 1]  # the table's numbers too
    assert ws.note == ""
    # four numbers, four colours, in number order: 0 (no pixel left), 1 wall, 4, 7
    plan, _ = ws.region_plan()
    assert [e.number for e in plan.entries] == [1, 4, 7] and plan.empty == ((0, "Default"),)
    colours = {colour_of(ws, 0, 0), colour_of(ws, 1, 1), colour_of(ws, 5, 1)}
    assert len(colours) == 3


def test_two_objects_share_a_colour_only_when_given_the_same_number() -> None:
    ws = figures()
    ws.apply([{"op": "select_at", "x": 1, "y": 1}, {"op": "assign_selection", "region": 3}])
    ws.apply([{"op": "select_at", "x": 5, "y": 1}, {"op": "assign_selection", "region": 3}])
    assert colour_of(ws, 1, 1) == colour_of(ws, 5, 1) != colour_of(ws, 0, 0)
    ws.apply([{"op": "select_at", "x": 5, "y": 1}, {"op": "assign_selection", "region": 2}])
    assert len({colour_of(ws, 1, 1), colour_of(ws, 5, 1), colour_of(ws, 0, 0)}) == 3


def test_a_number_typed_in_the_table_stays_and_a_divide_numbers_after_it() -> None:
    ws = figures()
    ws.apply([{"op": "flag", "split": 1, "key": "region", "value": "9"}])
    ws.apply([{"op": "divide", "split": 0, "min_pixels": 2}])
    assert [s.region for s in ws.splits.splits] == [-1, 9]
    assert {int(ws.region_edits[1, 1]), int(ws.region_edits[1, 5])} == {10, 11}


def test_order_regions_renumbers_near_to_far_and_says_what_moved() -> None:
    ws = figures()
    ws.apply([{"op": "flag", "split": 0, "key": "label", "value": "figures"}])
    ws.apply([{"op": "flag", "split": 0, "key": "region", "value": "5"}])
    ws.apply([{"op": "flag", "split": 1, "key": "region", "value": "2"}])  # the wall first
    ws.apply([{"op": "label_region", "region": 8, "value": "hat"}])  # a label, no pixel
    ws.apply([{"op": "order_regions"}])
    assert ws.note == "Ordered regions near → far: 2 → 1, 5 (figures) → 0, 8 (hat) → 2"
    assert [s.region for s in ws.splits.splits] == [0, 1]
    assert ws.splits.region_labels == ((2, "hat"),)
    ws.apply([{"op": "order_regions"}])
    assert ws.note == "Regions are already in order near → far: nothing moved"
    ws.apply([{"op": "undo"}])  # the second changed nothing: undo takes back the first
    assert [s.region for s in ws.splits.splits] == [5, 2]


def test_regions_from_splits_gives_a_sliver_no_region_of_its_own() -> None:
    depth = np.full((50, 40), 500.0, dtype=np.float32)  # 2000 pixels: 0.1% is 2
    depth[:20] = 100.0
    depth[49, 0] = 300.0  # one pixel between: a filtered edge, under 0.1%
    depth[49, 1:3] = 350.0  # two pixels: exactly 0.1%, a region
    ws = Workspace(from_array(depth, "scene-Canvas2-Depth.exr"))
    ws.apply([{"op": "add", "depth": 200}, {"op": "add", "depth": 320}])
    ws.apply(
        [{"op": "add", "depth": 400}, {"op": "flag", "split": 1, "key": "label", "value": "Gap"}]
    )
    ws.apply([{"op": "regions_from_splits"}])
    assert [s.region for s in ws.splits.splits] == [0, -1, 1, 2]
    assert ws.note == (
        "Regions from splits: 3 regions; split 1 'Gap' (1 px, 0.05%) is under 0.1% of the"
        " pixels: no region of its own"
    )
    assert ws.region_edits is None or (ws.region_edits == INHERIT).all()

"""The wand's commands in the workspace: by grey level and by surface direction."""

from __future__ import annotations

import numpy as np
import pytest

from lib_dazdepth.editing.workspace import CommandError, Workspace
from lib_dazdepth.engine.depthmap import from_array


def room() -> tuple[np.ndarray, np.ndarray]:
    """A wall (rows 0-2) over a floor (rows 3-5) running away from the camera: the floor's
    depth changes every row, its normal does not."""
    depth = np.empty((6, 5), dtype=np.float32)
    depth[:3] = 500.0
    depth[3:] = np.array([480.0, 300.0, 120.0])[:, None]
    normals = np.zeros((6, 5, 3), dtype=np.float32)
    normals[:3] = (0.0, 0.0, 1.0)
    normals[3:] = (0.0, 1.0, 0.0)
    return depth, normals


def test_the_surface_wand_takes_the_whole_floor_where_the_grey_wand_takes_a_row() -> None:
    depth, normals = room()
    ws = Workspace(from_array(depth, "room-Canvas2-Depth.exr"), normal=normals)
    ws.apply([{"op": "select_at", "x": 2, "y": 5, "tolerance": 0}])
    np.testing.assert_array_equal(ws.selection.nonzero()[0], [5] * 5)
    ws.apply([{"op": "allocate", "split": 0, "levels": 1}, {"op": "select_at", "x": 2, "y": 5}])
    assert ws.selection.all()  # one grey level now: the wand sees the new map
    ws.apply([{"op": "undo"}, {"op": "select_at", "x": 2, "y": 5}])
    assert ws.selection.sum() == 5
    ws.apply([{"op": "select_at", "x": 2, "y": 5, "by": "surface", "tolerance": 10}])
    expected = np.zeros((6, 5), dtype=bool)
    expected[3:] = True
    np.testing.assert_array_equal(ws.selection, expected)
    ws.apply([{"op": "select_at", "x": 0, "y": 0, "by": "surface", "mode": "add"}])
    assert ws.selection.all()
    with pytest.raises(CommandError, match="select by 'colour': use depth, region or surface"):
        ws.apply([{"op": "select_at", "x": 0, "y": 0, "by": "colour"}])
    with pytest.raises(CommandError, match="an angle from 0 to 180 degrees"):
        ws.apply([{"op": "select_at", "x": 0, "y": 0, "by": "surface", "tolerance": 200}])
    assert ws.selection.all()  # refused commands keep the selection


def test_the_surface_wand_needs_the_normal_canvas() -> None:
    depth, _ = room()
    ws = Workspace(from_array(depth, "room-Canvas2-Depth.exr"))
    with pytest.raises(CommandError, match="needs the Normal canvas"):
        ws.apply([{"op": "select_at", "x": 0, "y": 0, "by": "surface"}])


def hand_on_table():
    """A table (object 1) with a hand (object 2) resting on it at its depth, a wall behind
    (object 0) and a pixel of sky (no hit) in a corner: one grey for hand and table."""
    from lib_dazdepth.engine.ids import IdObjects

    depth = np.full((6, 7), 500.0, dtype=np.float32)
    depth[0, 0] = np.nan  # sky
    labels = np.zeros((6, 7), dtype=np.int32)
    labels[0, 0] = -1
    depth[3:], labels[3:] = 200.0, 1  # the table
    depth[3:5, 2:4], labels[3:5, 2:4] = 200.0, 2  # the hand, on it
    depth[5, 6], labels[5, 6] = 200.0, 2  # a finger seen apart, beyond the table's edge
    objects = IdObjects(labels, ("1,0,0", "0,1,0", "0,0,1"), "t-ObjectId.exr")
    return Workspace(from_array(depth, "t-Canvas2-Depth.exr"), objects=objects)


def test_the_region_wand_takes_the_clicked_object_where_the_grey_wand_takes_its_grey() -> None:
    ws = hand_on_table()
    ws.apply([{"op": "select_at", "x": 2, "y": 3, "tolerance": 0}])
    table_and_hand = np.zeros((6, 7), dtype=bool)
    table_and_hand[3:] = True
    np.testing.assert_array_equal(ws.selection, table_and_hand)  # one grey: hand and table
    ws.apply([{"op": "regions_from_ids"}, {"op": "select_at", "x": 2, "y": 3, "by": "region"}])
    hand = np.zeros((6, 7), dtype=bool)
    hand[3:5, 2:4] = True
    hand[5, 6] = True  # the whole object, its pieces apart too
    np.testing.assert_array_equal(ws.selection, hand)
    ws.apply([{"op": "select_at", "x": 0, "y": 1, "by": "region", "mode": "add"}])
    wall = np.zeros((6, 7), dtype=bool)
    wall[:3] = True
    wall[0, 0] = False
    np.testing.assert_array_equal(ws.selection, hand | wall)
    ws.apply([{"op": "select_at", "x": 0, "y": 0, "by": "region"}])  # the sky: nothing
    assert not ws.selection.any()


def test_the_region_wand_on_the_splits_regions_and_the_pixels_without_one() -> None:
    ws = hand_on_table()
    ws.apply([{"op": "add", "depth": 300}, {"op": "flag", "split": 0, "key": "region", "value": 4}])
    ws.apply([{"op": "select_at", "x": 2, "y": 3, "by": "region"}])
    near = np.zeros((6, 7), dtype=bool)
    near[3:] = True  # split 0's region: hand and table, as the splits see them
    np.testing.assert_array_equal(ws.selection, near)
    ws.apply([{"op": "select_at", "x": 5, "y": 1, "by": "region"}])  # the wall: no region
    wall = np.zeros((6, 7), dtype=bool)
    wall[:3] = True
    wall[0, 0] = False
    np.testing.assert_array_equal(ws.selection, wall)
    ws.apply([{"op": "assign_selection", "region": 1}, {"op": "select_at", "x": 0, "y": 5}])
    ws.apply([{"op": "select_at", "x": 0, "y": 2, "by": "region"}])
    np.testing.assert_array_equal(ws.selection, wall)  # its number from the region edits

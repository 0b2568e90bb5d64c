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
    with pytest.raises(CommandError, match="select by 'colour': use depth or surface"):
        ws.apply([{"op": "select_at", "x": 0, "y": 0, "by": "colour"}])
    with pytest.raises(CommandError, match="an angle from 0 to 180 degrees"):
        ws.apply([{"op": "select_at", "x": 0, "y": 0, "by": "surface", "tolerance": 200}])
    assert ws.selection.all()  # refused commands keep the selection


def test_the_surface_wand_needs_the_normal_canvas() -> None:
    depth, _ = room()
    ws = Workspace(from_array(depth, "room-Canvas2-Depth.exr"))
    with pytest.raises(CommandError, match="needs the Normal canvas"):
        ws.apply([{"op": "select_at", "x": 0, "y": 0, "by": "surface"}])

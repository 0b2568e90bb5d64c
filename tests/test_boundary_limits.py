"""A boundary never reaches its neighbour, and a split left holding levels but no pixel is
named in the status line (the newcomer's 18 of 256 levels given to nothing)."""

from __future__ import annotations

import numpy as np
import pytest
from test_workspace import workspace

from lib_dazdepth.editing.commands import boundary_limits, clamp_boundary
from lib_dazdepth.editing.view import build_view
from lib_dazdepth.editing.workspace import PREVIEW_MAX, CommandError, Workspace, sample_rows_cols
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.splits import SplitError, SplitSet

THREE = SplitSet.from_bounds([100, 150, 175, 200], [100, 100, 56])


def test_limits_are_a_step_short_of_each_neighbour_or_a_quarter_when_narrow() -> None:
    assert boundary_limits(THREE, 1, 0.25) == (100.25, 174.75)
    assert boundary_limits(THREE, 2, 0.25) == (150.25, 199.75)
    narrow = SplitSet.from_bounds([100, 100.5, 101, 200], [1, 1, 1])
    assert boundary_limits(narrow, 1, 0.25) == (100.25, 100.75)  # a quarter of 1.0
    assert clamp_boundary(THREE, 1, 180.0, 0.25) == 174.75
    assert clamp_boundary(THREE, 1, 20.0, 0.25) == 100.25
    assert clamp_boundary(THREE, 1, 160.5, 0.25) == 160.5
    for bad in (0, 3):
        with pytest.raises(SplitError, match=f"boundary {bad} cannot be moved"):
            boundary_limits(THREE, bad, 0.25)


def test_a_move_past_the_neighbour_stops_one_histogram_bin_short() -> None:
    ws = workspace()  # 100..200 cm: one bin of 400 is 0.25 cm
    assert ws.histogram_step == 0.25
    ws.splits = THREE
    ws.apply([{"op": "move", "boundary": 1, "depth": 190}])  # past boundary 2 at 175
    assert ws.splits.bounds == (100, 174.75, 175, 200)
    ws.apply([{"op": "move", "boundary": 1, "depth": 175}])  # onto it: no change
    assert ws.splits.bounds == (100, 174.75, 175, 200)
    ws.apply([{"op": "move", "boundary": 2, "depth": -1e9}])  # a stale page's far throw
    assert ws.splits.bounds == (100, 174.75, 175, 200)  # 174.75 + 0.25: where it was
    ws.apply([{"op": "move", "boundary": 2, "depth": 1e9}])
    assert ws.splits.bounds == (100, 174.75, 199.75, 200)
    assert [s.levels for s in ws.splits.splits] == [100, 100, 56]
    with pytest.raises(CommandError, match="boundary 3 cannot be moved"):
        ws.apply([{"op": "move", "boundary": 3, "depth": 180}])


def test_the_step_follows_the_histograms_zoom() -> None:
    ws = workspace()
    ws.splits = SplitSet.from_bounds([100, 150, 200], [128, 128])
    ws.apply([{"op": "zoom", "lo": 140, "hi": 160}])
    assert ws.histogram_step == 20 / 400
    ws.apply([{"op": "move", "boundary": 1, "depth": 300}])
    assert ws.splits.bounds == (100, 200 - 20 / 400, 200)


TWO_DEPTHS = np.where(np.arange(64)[None, :] < 32, 100.0, 200.0).repeat(8, 0).astype(np.float32)


def test_a_split_with_levels_but_no_pixel_is_named_in_the_line() -> None:
    ws = workspace(TWO_DEPTHS)  # half at 100 cm, half at 200 cm: nothing between
    ws.splits = SplitSet.from_bounds([100, 150, 160, 200.01], [120, 18, 118])
    view = build_view(ws)
    assert [row["pixels"] for row in view["splits"]] == [256, 0, 256]
    assert view["message"] == {
        "kind": "warning",
        "text": "Split 1 holds no pixels but keeps 18 of 256 grey levels: move a boundary to"
        " give it depths, or take the levels off (the Levels column).",
    }
    ws.splits = SplitSet.from_bounds([100, 120, 150, 160, 200.01], [100, 5, 18, 133])
    assert build_view(ws)["message"] == {
        "kind": "warning",
        "text": "Splits 1, 2 hold no pixels but keep 23 of 256 grey levels: move a boundary to"
        " give them depths, or take the levels off (the Levels column).",
    }
    ws.apply(
        [{"op": "allocate", "split": 1, "levels": 0}, {"op": "allocate", "split": 2, "levels": 0}]
    )
    assert build_view(ws)["message"] == {
        "kind": "info",
        "text": "4 splits, 233 of 256 grey levels given out",
    }


def test_a_sliver_the_preview_sample_missed_is_not_named() -> None:
    width = 3000  # sampled to 1024 columns
    _, cols = sample_rows_cols(1, width, PREVIEW_MAX)
    unseen = next(c for c in range(width) if c not in set(cols.tolist()))
    depth = np.full((1, width), 100.0, dtype=np.float32)
    depth[0, -1] = 200.0
    depth[0, unseen] = 155.0  # the one pixel of split 1, not in the preview's sample
    ws = Workspace(from_array(depth, "scene-Canvas2-Depth.exr"))
    ws.splits = SplitSet.from_bounds([100, 150, 160, 200.01], [120, 18, 118])
    view = build_view(ws)
    assert view["splits"][1]["pixels"] == 0  # the table's estimate, from the sample
    assert view["message"]["kind"] == "info"

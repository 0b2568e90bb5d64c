"""The tab's logic without a browser: loading canvases, commands, the view, saving."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

from lib_dazdepth.editing.workspace import CommandError, Workspace
from lib_dazdepth.engine.canvases import recognise, role_of
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.index import DepthIndex
from lib_dazdepth.engine.mapping import MappingPlan, map_depth
from lib_dazdepth.engine.splits import SplitSet, spread
from lib_dazdepth.ui import controller

RAMP = np.linspace(100, 200, 64 * 48, dtype=np.float32).reshape(48, 64)


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("scene-Canvas2-Depth.exr", "depth"),
        ("scene-Canvas3-Normal.exr", "normal"),
        ("scene-Canvas1-Beauty.exr", "beauty"),
        ("scene.png", "beauty"),
        ("scene.jpg", "beauty"),
        ("scene-Canvas2-Depth.depth.png", None),  # our own output is not a canvas
        ("scene-Canvas4-Diffuse.exr", None),
    ],
)
def test_roles_are_recognised_by_name(name, role) -> None:
    assert role_of(Path(name)) == role


def test_a_lone_unnamed_exr_is_the_depth() -> None:
    assert recognise([Path("render.exr"), Path("render.png")]).depth == Path("render.exr")


def workspace(depth=RAMP) -> Workspace:
    return Workspace(from_array(depth, "scene-Canvas2-Depth.exr"))


def test_commands_edit_the_splits_and_the_preview_follows() -> None:
    ws = workspace()
    ws.apply(
        [
            {"op": "add", "depth": 150},
            {"op": "allocate", "split": 0, "levels": 200},
            {"op": "allocate", "split": 1, "levels": 56},
        ]
    )
    assert ws.splits.bounds[1] == 150 and ws.splits.total_levels == 256
    expected = map_depth(ws.small_depth, ws.small_valid, MappingPlan.from_splits(ws.splits))
    np.testing.assert_array_equal(ws.layer("depth"), expected.grey8())
    ws.apply([{"op": "move", "boundary": 1, "depth": 120}])
    expected = map_depth(ws.small_depth, ws.small_valid, MappingPlan.from_splits(ws.splits))
    np.testing.assert_array_equal(ws.layer("depth"), expected.grey8())


def test_a_failing_command_changes_nothing_and_says_why() -> None:
    ws = workspace()
    before = ws.splits
    with pytest.raises(CommandError, match="boundary 2 cannot be moved"):
        ws.apply([{"op": "add", "depth": 150}, {"op": "move", "boundary": 2, "depth": 50}])
    assert ws.splits == before and ws.undo_stack == []
    for bad in (
        {"op": "nope"},
        {"op": "allocate", "split": 0},
        {"op": "add", "depth": "x"},
        {"op": "allocate", "split": 0, "levels": 1.5},
        {"op": "show", "layer": "normal"},
        {"op": "flag", "split": 0, "key": "offset", "value": "1"},
    ):
        with pytest.raises(CommandError):
            ws.apply([bad])
    assert ws.splits == before


def test_undo_and_redo_walk_the_history() -> None:
    ws = workspace()
    original = ws.splits
    ws.apply([{"op": "add", "depth": 150}])
    added = ws.splits
    ws.apply([{"op": "allocate", "split": 1, "levels": 128}])  # no change: no history entry
    assert [snap.splits for snap in ws.undo_stack] == [original]
    ws.apply([{"op": "undo"}])
    assert ws.splits == original and [snap.splits for snap in ws.redo_stack] == [added]
    ws.apply([{"op": "redo"}])
    assert ws.splits == added
    with pytest.raises(CommandError, match="nothing to redo"):
        ws.apply([{"op": "redo"}])


def test_flags_set_and_clear() -> None:
    ws = workspace()
    ws.apply(
        [
            {"op": "flag", "split": 0, "key": "label", "value": "figure"},
            {"op": "flag", "split": 0, "key": "test", "value": "#ff0000"},
            {"op": "flag", "split": 0, "key": "curve", "value": "inverse"},
        ]
    )
    split = ws.splits.splits[0]
    assert (split.label, split.test_colour, split.curve) == ("figure", "#ff0000", "inverse")
    ws.apply(
        [
            {"op": "flag", "split": 0, "key": "test", "value": None},
            {"op": "flag", "split": 0, "key": "curve", "value": None},
        ]
    )
    assert ws.splits.splits[0].flags == (("label", "figure"),)


def test_spread_equally_and_by_share_uses_every_remaining_level() -> None:
    splits = SplitSet.from_bounds([0, 1, 2, 3], [100, 0, 0])
    assert [s.levels for s in spread(splits, "equal", [1, 1, 1]).splits] == [152, 52, 52]
    shared = spread(splits, "share", [10, 30, 60])
    assert [s.levels for s in shared.splits] == [116, 47, 93]
    assert shared.total_levels == 256


def test_a_cut_in_the_tab_shares_its_splits_levels_and_the_map_stays_lit() -> None:
    ws = workspace()
    ws.apply([{"op": "add", "depth": 175}])  # a quarter of the ramp's pixels beyond the cut
    assert [s.levels for s in ws.splits.splits] == [192, 64]
    assert ws.splits.mapping_status() == "Success"
    assert int(ws.layer("depth").min()) == 0 and int(ws.layer("depth")[-1, -1]) == 0
    assert np.count_nonzero(ws.layer("depth") == 0) < ws.layer("depth").size // 100


def test_split_rows_report_share_and_distinct_greys() -> None:
    ws = workspace()
    ws.apply([{"op": "add", "depth": 150}, {"op": "allocate", "split": 0, "levels": 10}])
    rows = ws.split_rows()
    assert [r["greys"] for r in rows] == [10, 128]
    assert rows[0]["share"] + rows[1]["share"] == pytest.approx(100, abs=0.02)
    assert rows[0]["pixels"] + rows[1]["pixels"] == RAMP.size


def test_split_stats_match_a_direct_count() -> None:
    rng = np.random.default_rng(3)
    depth = rng.uniform(1, 9, (40, 50)).astype(np.float32)
    valid = depth < 8.5
    index = DepthIndex.build(depth, valid)
    plan = MappingPlan.from_splits(SplitSet.from_bounds([1, 3, 6, 9], [40, 5, 0]))
    mapped = map_depth(depth, valid, plan, want_split=True)
    for i, (pixels, greys) in enumerate(index.split_stats(plan)):
        inside = mapped.split == i
        assert pixels == inside.sum()
        levels = np.unique(mapped.fine[inside] >> 8)
        assert greys == (0 if i == 2 else len(levels))


def test_the_view_carries_what_the_front_end_draws() -> None:
    ws = workspace()
    view = json.loads(controller.dumps(controller.build_view(ws, 7, with_grid=True)))
    assert view["seq"] == 7 and view["loaded"] and view["status"] == "Success"
    assert view["image"] == {"name": "scene-Canvas2-Depth.exr", "width": 64, "height": 48}
    assert sum(view["histogram"]["counts"]) == RAMP.size
    assert view["preview"]["src"].startswith("data:image/png;base64,")
    grid = np.frombuffer(base64.b64decode(view["grid"]["data"]), "<f4")
    assert grid.size == view["grid"]["width"] * view["grid"]["height"] == RAMP.size
    np.testing.assert_array_equal(grid.reshape(48, 64), RAMP)
    assert view["layers"] == ["depth", "test", "regions", "reading"]
    assert view["regions"] == {"rows": [], "empty": [], "template": "", "warnings": []}


def test_zoom_gives_a_finer_histogram_of_the_range() -> None:
    ws = workspace()
    ws.apply([{"op": "zoom", "lo": 120, "hi": 130}])
    histogram = ws.histogram()
    assert histogram["zoomed"] and (histogram["lo"], histogram["hi"]) == (120, 130)
    assert sum(histogram["counts"]) == np.count_nonzero((RAMP >= 120) & (RAMP <= 130))
    ws.apply([{"op": "zoom"}])
    assert not ws.histogram()["zoomed"]


def test_auto_splits_replace_the_splits_and_can_be_undone() -> None:
    from lib_dazdepth.engine.autosplit import auto_splits

    depth = RAMP.copy()
    depth[:10] = 120.0  # a wall across the top: a cluster on the ramp
    ws = workspace(depth)
    original = ws.splits
    ws.apply([{"op": "auto"}])
    assert ws.splits == auto_splits(depth.ravel())
    assert ws.splits.total_levels == 255
    ws.apply([{"op": "undo"}])
    assert ws.splits == original


def test_divide_gives_each_part_of_a_split_its_own_region_and_undo_takes_it_back() -> None:
    from lib_dazdepth.engine.regions import INHERIT

    depth = np.full((6, 8), 500.0, dtype=np.float32)  # a wall
    depth[1:3, 1:3] = 100.0  # two figures at one depth, apart
    depth[1:4, 5:7] = 101.0
    depth[5, 0] = 100.5  # a one-pixel speck at the figures' depth, on the wall
    ws = workspace(depth)
    ws.apply([{"op": "add", "depth": 300}, {"op": "regions_from_splits"}])
    assert [s.region for s in ws.splits.splits] == [0, 1]
    ws.apply([{"op": "divide", "split": 0, "min_pixels": 2}])
    # figure one, figure two: new regions after those in use; the speck joins the wall's
    # region, which keeps its number (no number the artist set moves)
    assert [s.region for s in ws.splits.splits] == [-1, 1]
    edits = ws.region_edits
    assert edits[1, 1] == 2 and edits[1, 5] == 3 and edits[5, 0] == 1
    assert edits[0, 0] == INHERIT
    regions = ws.layer("regions")
    assert regions.shape == (6, 8, 3)
    colours = {tuple(regions[1, 1]), tuple(regions[1, 5]), tuple(regions[0, 0])}
    assert len(colours) == 3 and tuple(regions[5, 0]) == tuple(regions[0, 0])
    ws.apply([{"op": "undo"}])
    assert ws.region_edits is None and [s.region for s in ws.splits.splits] == [0, 1]
    ws.apply([{"op": "redo"}])
    assert ws.region_edits is edits


def test_dividing_an_empty_split_is_refused() -> None:
    ws = workspace()
    ws.apply([{"op": "add", "depth": 150}, {"op": "add", "depth": 150.001}])
    with pytest.raises(CommandError, match="holds no pixels"):
        ws.apply([{"op": "divide", "split": 1}])


def test_order_regions_numbers_them_near_to_far() -> None:
    depth = np.full((6, 8), 500.0, dtype=np.float32)
    depth[1:3, 1:3] = 100.0
    depth[1:4, 5:7] = 101.0
    ws = workspace(depth)
    ws.apply([{"op": "add", "depth": 300}, {"op": "regions_from_splits"}])
    ws.apply([{"op": "flag", "split": 0, "key": "region", "value": "1"}])
    ws.apply([{"op": "flag", "split": 1, "key": "region", "value": "0"}])  # wall first
    ws.apply([{"op": "order_regions"}])
    assert [s.region for s in ws.splits.splits] == [0, 1] and ws.region_edits is None
    ws.apply([{"op": "divide", "split": 0, "min_pixels": 2}, {"op": "order_regions"}])
    edits = ws.region_edits
    # wall 0 -> 2; figure parts 1, 2 -> 0, 1 (both nearer; the first is nearer still)
    assert [s.region for s in ws.splits.splits] == [-1, 2]
    assert edits[1, 1] == 0 and edits[1, 5] == 1 and edits[0, 0] == -2


def test_grow_regions_closes_a_one_pixel_seam() -> None:
    depth = np.full((3, 5), 300.0, dtype=np.float32)
    depth[:, 0:2] = 100.0
    depth[:, 2] = 200.0  # a seam split without a region
    ws = workspace(depth)
    ws.apply([{"op": "add", "depth": 150}, {"op": "add", "depth": 250}])
    ws.apply([{"op": "flag", "split": 0, "key": "region", "value": "0"}])
    ws.apply([{"op": "flag", "split": 2, "key": "region", "value": "1"}])
    ws.apply([{"op": "grow_regions"}])
    # the seam column takes the first region found above, below, left, right: the left one
    np.testing.assert_array_equal(ws.region_edits[:, 2], [0, 0, 0])
    assert (ws.region_edits[:, [0, 1, 3, 4]] == -2).all()
    with pytest.raises(CommandError, match="no pixel without a region"):
        ws.apply([{"op": "grow_regions"}])


def test_click_select_then_assign_a_region_and_undo() -> None:
    depth = np.full((6, 8), 500.0, dtype=np.float32)  # a wall
    depth[1:3, 1:3] = 100.0  # two figures at one depth, apart
    depth[1:4, 5:7] = 101.0
    ws = workspace(depth)
    ws.apply([{"op": "add", "depth": 300}, {"op": "regions_from_splits"}])
    ws.apply([{"op": "select_at", "x": 1, "y": 1}])
    assert ws.selection.sum() == 4
    ws.apply([{"op": "select_at", "x": 5, "y": 1, "mode": "add"}])
    assert ws.selection.sum() == 4 + 6
    ws.apply([{"op": "select_at", "x": 1, "y": 1, "mode": "subtract"}])
    assert ws.selection.sum() == 6
    ws.apply([{"op": "assign_selection", "region": 2}])
    # figure two is region 2; the flags keep 0 (figures' split) and 1 (wall)
    assert ws.region_edits[1, 5] == 2 and ws.region_edits[1, 1] == -2
    assert [s.region for s in ws.splits.splits] == [0, 1]
    assert ws.selection is None  # assigned: done with
    ws.apply([{"op": "select_at", "x": 5, "y": 1}, {"op": "assign_selection", "region": -1}])
    assert ws.region_edits[1, 5] == -1  # no region there now
    ws.apply([{"op": "undo"}, {"op": "undo"}])
    assert ws.region_edits is None
    ws.apply([{"op": "select_at", "x": 5, "y": 1}])
    with pytest.raises(CommandError, match="outside the 8x6 image"):
        ws.apply([{"op": "select_at", "x": 8, "y": 0}])
    assert ws.selection.sum() == 6  # a failed command keeps the selection
    ws.apply([{"op": "clear_selection"}])
    with pytest.raises(CommandError, match="nothing is selected"):
        ws.apply([{"op": "assign_selection", "region": 0}])

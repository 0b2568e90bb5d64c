"""Depth overpaint: a selection painted with a picked depth, its split's far end or no hit;
undoable, saved with the preset, applied by the command line and by send."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from exrdata import write_depth
from PIL import Image, PngImagePlugin
from test_cli import cli

from lib_dazdepth.editing.edits import (
    PresetEdits,
    depth_edits_output,
    load_edits_for,
    read_depth_edits,
)
from lib_dazdepth.editing.overpaint import (
    NO_HIT,
    apply_depth_edits,
    far_end_depths,
    paint,
    picked_depth,
    restore,
)
from lib_dazdepth.editing.workspace import CommandError, Workspace
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.errors import InputError
from lib_dazdepth.engine.mapping import MappingPlan, map_depth
from lib_dazdepth.engine.outputs import write_outputs
from lib_dazdepth.engine.splits import SplitSet
from lib_dazdepth.ui import controller
from lib_dazdepth.ui.controller import TabConfig

N = np.nan
FAR = 1e10  # no hit


def mirror_scene() -> np.ndarray:
    """A wall at 500, a mirror frame at 200 (rows 1-4, cols 3-6), a figure at 100 in front
    of it whose elbow (row 2, col 2) pokes out past the frame at 120; no hit in row 5."""
    depth = np.full((6, 8), 500.0, dtype=np.float32)
    depth[1:5, 3:7] = 200.0
    depth[2:4, 4:6] = 100.0
    depth[2, 2] = 120.0
    depth[5, :] = FAR
    return depth


def elbow_selection() -> np.ndarray:
    picked = np.zeros((6, 8), dtype=bool)
    picked[2, 2] = True
    return picked


def test_paint_sets_the_selection_and_keeps_the_rest_unedited() -> None:
    picked = elbow_selection()
    edits = paint(None, picked, 500.0)
    assert edits.dtype == np.float32 and edits[2, 2] == 500.0
    assert np.isnan(edits[~picked]).all()
    both = picked.copy()
    both[0, 0] = True
    per_pixel = np.full((6, 8), N, dtype=np.float32)
    per_pixel[0, 0] = 7.0  # NaN at (2, 2): that pixel keeps its earlier edit
    again = paint(edits, both, per_pixel)
    assert again[0, 0] == 7.0 and again[2, 2] == 500.0
    assert np.isnan(edits[0, 0])  # the old array is left as it was (undo keeps it)
    assert restore(again, picked)[2, 2] != restore(again, picked)[2, 2]  # NaN again
    assert restore(restore(again, picked), both) is None  # nothing painted any more
    with pytest.raises(ValueError, match="no selected pixel is overpainted"):
        restore(None, picked)
    with pytest.raises(ValueError, match="nothing is selected"):
        paint(None, np.zeros((6, 8), dtype=bool), 1.0)


def test_picked_depth_is_the_shown_depth_or_no_hit() -> None:
    dm = from_array(mirror_scene())
    assert picked_depth(dm, 0, 0) == np.float32(500.0)
    assert picked_depth(dm, 2, 2) == np.float32(120.0)
    assert picked_depth(dm, 0, 5) == NO_HIT
    with pytest.raises(ValueError, match=r"\(8, 0\) is outside the 8x6 image"):
        picked_depth(dm, 8, 0)


def test_far_end_is_just_inside_each_split_and_maps_to_its_farthest_level() -> None:
    dm = from_array(mirror_scene())
    splits = SplitSet.default(dm.min, dm.max).add(300.0)  # [100, 300) and [300, 500]
    ends = far_end_depths(dm, splits)
    below_300 = np.nextafter(np.float32(300.0), np.float32(0.0))
    assert ends[2, 2] == below_300 and ends[1, 3] == below_300 and ends[2, 4] == below_300
    last_end = np.float32(splits.bounds[-1])
    assert ends[0, 0] == np.nextafter(last_end, np.float32(0.0)) and ends[0, 0] >= 500.0
    assert np.isnan(ends[5]).all()  # background has no split
    plan = MappingPlan.from_splits(splits)
    ends[5] = 1.0
    greys = map_depth(ends, dm.valid, plan, want_grey=True).grey8()
    near, far = (s.levels for s in splits.splits)
    assert greys[2, 2] == 255 - (near - 1) and greys[0, 0] == 255 - (near + far - 1)


def test_applying_edits_moves_depths_hides_and_reveals_pixels() -> None:
    dm = from_array(mirror_scene())
    assert dm.background.total == 8 and dm.max == 500.0
    edits = np.full((6, 8), N, dtype=np.float32)
    edits[2, 2] = 200.0  # the elbow goes behind the frame's plane
    edits[0, :] = np.inf  # the top row hidden
    edits[5, 0] = 50.0  # one no-hit pixel given a depth
    edited = apply_depth_edits(dm, edits)
    assert edited.depth[2, 2] == 200.0 and edited.depth[5, 0] == 50.0
    expected_valid = np.ones((6, 8), dtype=bool)
    expected_valid[0, :] = False
    expected_valid[5, 1:] = False
    np.testing.assert_array_equal(edited.valid, expected_valid)
    assert (edited.min, edited.max) == (50.0, 500.0)
    assert (edited.background.hidden, edited.background.revealed) == (8, 1)
    assert edited.background.total == 8 + 8 - 1
    assert "8 hidden by depth edits" in edited.background.describe()
    assert dm.depth[2, 2] == 120.0 and dm.valid[0, 0]  # the loaded map is untouched
    assert apply_depth_edits(dm, None) is dm
    with pytest.raises(InputError, match="hide every pixel"):
        apply_depth_edits(dm, np.full((6, 8), np.inf, dtype=np.float32))


def test_overpaint_commands_in_the_workspace_and_undo() -> None:
    ws = Workspace(from_array(mirror_scene(), "mirror-Canvas2-Depth.exr"))
    wall_grey = ws.layer("depth")[0, 0]
    ws.apply([{"op": "select_at", "x": 2, "y": 2}])
    assert ws.selection.sum() == 1  # the elbow alone: its grey differs from the figure's
    ws.apply([{"op": "paint_depth", "x": 0, "y": 0}])  # the wall behind it
    assert ws.depth_map.depth[2, 2] == 500.0
    assert ws.selection is None  # done with: the preview shows the wall's grey there
    assert ws.layer("depth")[2, 2] == wall_grey
    painted = ws.depth_map
    ws.apply([{"op": "undo"}])
    assert ws.depth_edits is None and ws.depth_map.depth[2, 2] == 120.0
    assert ws.depth_map is ws.original  # kept with its index: undo builds nothing
    assert ws.layer("depth")[2, 2] != wall_grey
    ws.apply([{"op": "redo"}])
    assert ws.depth_map is painted and ws.depth_map.depth[2, 2] == 500.0
    figure = (slice(2, 4), slice(4, 6))
    ws.apply([{"op": "select_at", "x": 4, "y": 2}])
    picked = ws.selection
    assert picked.sum() == 4

    def paint_again(op: dict) -> None:  # each paint ends the selection: select it anew
        ws.selection = picked
        ws.apply([op])
        assert ws.selection is None

    paint_again({"op": "paint_depth", "to": "far_end"})
    far = ws.depth_map.depth[figure]
    assert (far == far[0, 0]).all() and 500.0 <= far[0, 0] < ws.splits.bounds[-1]  # one split
    paint_again({"op": "paint_depth", "to": "no_hit"})
    assert not ws.depth_map.valid[figure].any() and ws.depth_map.background.hidden == 4
    paint_again({"op": "paint_depth", "to": "far_end"})  # hidden pixels have no split
    assert not ws.depth_map.valid[figure].any()
    paint_again({"op": "paint_depth", "to": "original"})
    assert (ws.depth_map.depth[figure] == 100.0).all() and ws.depth_map.valid[figure].all()
    assert ws.depth_map.depth[2, 2] == 500.0  # the elbow's edit stays
    paint_again({"op": "paint_depth", "x": 4, "y": 5})  # picked on no hit: hidden
    assert not ws.depth_map.valid[figure].any()
    ws.apply([{"op": "clear_depth_edits"}])
    assert ws.depth_edits is None and ws.depth_map is ws.original


def test_a_refused_overpaint_changes_nothing() -> None:
    ws = Workspace(from_array(mirror_scene(), "mirror-Canvas2-Depth.exr"))
    with pytest.raises(CommandError, match="nothing is selected"):
        ws.apply([{"op": "paint_depth", "x": 0, "y": 0}])
    ws.apply([{"op": "select_at", "x": 2, "y": 2}, {"op": "paint_depth", "x": 0, "y": 0}])
    ws.apply([{"op": "select_at", "x": 4, "y": 2}])
    before = (ws.depth_edits, ws.depth_map, len(ws.undo_stack), ws.selection)
    with pytest.raises(CommandError, match="paint to 'sideways'"):
        ws.apply([{"op": "paint_depth", "to": "far_end"}, {"op": "paint_depth", "to": "sideways"}])
    assert ws.depth_edits is before[0] and ws.depth_map is before[1]
    assert ws.selection is before[3]  # refused: the selection stays for another try
    assert len(ws.undo_stack) == before[2]
    everything = {"op": "select_at", "x": 0, "y": 0, "tolerance": 255}
    with pytest.raises(CommandError, match="hide every pixel"):
        ws.apply([everything, {"op": "paint_depth", "to": "no_hit"}])
    assert ws.depth_map is before[1]


def test_depth_edits_round_trip_exactly(tmp_path: Path) -> None:
    edits = np.full((2, 3), N, dtype=np.float32)
    edits[0, 1] = np.float32(123.456)
    edits[1, 0] = np.inf
    edits[1, 2] = np.float32(1e-3)
    write_outputs([depth_edits_output(tmp_path / "p.json", edits)])
    back = read_depth_edits(tmp_path / "p.depth-edits.png", (2, 3))
    assert back.dtype == np.float32
    np.testing.assert_array_equal(back, edits)  # NaN equals NaN here


@pytest.mark.parametrize(
    ("depths", "problem"),
    [
        (None, "without a valid list of depths"),
        ('[1.0, "far"]', "without a valid list of depths"),
        ('{"a": 1}', "without a valid list of depths"),
        ("[1e39]", "without a valid list of depths"),
        ("[]", "use depth 1 of 0"),
    ],
)
def test_a_wrong_depth_edits_file_is_one_clear_error(tmp_path: Path, depths, problem) -> None:
    path = tmp_path / "p.depth-edits.png"
    info = PngImagePlugin.PngInfo()
    if depths is not None:
        info.add_text("depths", depths)
    Image.fromarray(np.ones((2, 3), dtype=np.uint16)).save(path, pnginfo=info)
    preset = tmp_path / "p.json"
    preset.write_text(json.dumps({"depth_edits": path.name}))
    with pytest.raises(InputError, match=problem):
        load_edits_for(preset, (2, 3))
    with pytest.raises(InputError, match="depth edits are 3x2 but the depth canvas is 2x2"):
        load_edits_for(preset, (2, 2))
    path.unlink()
    with pytest.raises(InputError, match="depth edits file named by the preset is missing"):
        load_edits_for(preset, (2, 3))


def overpainted_session(tmp_path: Path):
    exr = write_depth(tmp_path / "mirror-Canvas2-Depth.exr", mirror_scene())
    state = controller.load_files([exr], None, TabConfig(tmp_path / "out")).workspace
    state.apply([{"op": "select_at", "x": 2, "y": 2}, {"op": "paint_depth", "x": 0, "y": 0}])
    state.apply([{"op": "select_at", "x": 4, "y": 2}, {"op": "paint_depth", "to": "no_hit"}])
    return exr, state


def test_overpaint_is_saved_reloads_and_the_command_line_applies_it(tmp_path: Path) -> None:
    exr, state = overpainted_session(tmp_path)
    paths, _ = controller.save_all(state, TabConfig(tmp_path / "out"))
    saved = {Path(p).name: Path(p) for p in paths}
    preset = saved["mirror-Canvas2-Depth.json"]
    assert json.loads(preset.read_text())["depth_edits"] == "mirror-Canvas2-Depth.depth-edits.png"
    with Image.open(saved["mirror-Canvas2-Depth.depth.png"]) as image:
        tab_depth = np.asarray(image)
    assert tab_depth[2, 2] == tab_depth[0, 0] and (tab_depth[2:4, 4:6] == 0).all()
    fresh = controller.load_files([exr], None, TabConfig(tmp_path / "out")).workspace
    fresh, view = controller.load_preset_file([str(preset)], fresh)
    assert "with its depth edits" in json.loads(view)["message"]["text"]
    np.testing.assert_array_equal(fresh.depth_edits, state.depth_edits)
    state.apply([{"op": "clear_selection"}])
    np.testing.assert_array_equal(fresh.layer("depth"), state.layer("depth"))
    fresh.apply([{"op": "undo"}])  # loading a preset is undoable, its edits too
    assert fresh.depth_edits is None
    dropped = tmp_path / "dropped"  # uploaded together, the edits file first
    dropped.mkdir()
    files = [saved["mirror-Canvas2-Depth.depth-edits.png"], preset]
    copies = [Path(shutil.copy(path, dropped)) for path in files]
    fresh, view = controller.load_preset_file([str(path) for path in copies], fresh)
    assert (
        "from mirror-Canvas2-Depth.json with its depth edits" in json.loads(view)["message"]["text"]
    )
    np.testing.assert_array_equal(fresh.depth_edits, state.depth_edits)
    out = tmp_path / "cli"
    result = cli(exr, "--preset", preset, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "** depth edits from the preset: 5 pixels overpainted" in result.stdout.splitlines()
    with Image.open(out / "mirror-Canvas2-Depth.depth.png") as image:
        np.testing.assert_array_equal(np.asarray(image), tab_depth)
    assert load_edits_for(preset, (6, 8)).regions is None
    assert load_edits_for(tmp_path / "nothing.json", (6, 8)) == PresetEdits()

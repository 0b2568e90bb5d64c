"""The wand's anti-aliased rim (engine/rim.py): blends of the object and what lies behind
it join the selection; a surface's own slope and a touching object do not."""

from __future__ import annotations

import numpy as np
import pytest

from lib_dazdepth.editing.region_edits import grey_levels
from lib_dazdepth.editing.workspace import Workspace
from lib_dazdepth.engine.depthmap import from_array, load_depth_map
from lib_dazdepth.engine.regions import select_connected
from lib_dazdepth.engine.rim import with_rim
from lib_dazdepth.engine.sample import render_scene, write_sample
from lib_dazdepth.engine.splits import SplitSet

PAGE_TOLERANCE = 3  # the tab's default (javascript/dazdepth_edit.js)


def rows(*values: float, height: int = 3) -> np.ndarray:
    return np.tile(np.array(values, dtype=np.float32), (height, 1))


def levels_of(depth: np.ndarray) -> np.ndarray:
    """One split, 256 levels from 100 to 300 cm: 255 near, 0 far."""
    return (255 - np.floor((depth - 100) / 200 * 255)).clip(0, 255).astype(np.uint8)


def rim_of(depth: np.ndarray, selected_columns: int, tolerance: int = 0) -> np.ndarray:
    selection = np.zeros(depth.shape, dtype=bool)
    selection[:, :selected_columns] = True
    valid = np.ones(depth.shape, dtype=bool)
    return with_rim(selection, depth, valid, levels_of(depth), tolerance)


def test_a_blend_mostly_of_the_object_joins_it_and_one_mostly_of_the_back_does_not() -> None:
    taken = rim_of(rows(100, 100, 150, 300, 300), 2)
    np.testing.assert_array_equal(taken[0], [True, True, True, False, False])
    taken = rim_of(rows(100, 100, 250, 300, 300), 2)
    np.testing.assert_array_equal(taken[0], [True, True, False, False, False])


def test_two_rings_the_silhouette_then_the_blend_beyond_it() -> None:
    # 104 is the object's own edge (past a tolerance of 0), 180 a blend with the back at 300
    taken = rim_of(rows(100, 100, 104, 180, 300, 300), 2)
    np.testing.assert_array_equal(taken[0], [True, True, True, True, False, False])


def test_a_slope_or_a_touching_surface_does_not_creep_in() -> None:
    slope = rows(*np.arange(100, 110, dtype=np.float32))  # a floor: a level per pixel
    np.testing.assert_array_equal(rim_of(slope, 3), rim_of(slope, 3) & (np.arange(10) < 3))
    touching = rows(100, 100, 102, 103, 104, 300)  # a hand against the orb: no real edge
    np.testing.assert_array_equal(rim_of(touching, 2)[0], [True] * 2 + [False] * 4)


def test_the_far_side_must_be_straight_opposite() -> None:
    """The back only above the pixel, the object to its left: the edge does not run
    through it, so it is no blend."""
    depth = np.full((3, 4), 200.0, dtype=np.float32)
    depth[1:, :2] = 100.0  # the object
    depth[0, 2] = 300.0  # the back, above the pixel at (1, 2)
    selection = depth == 100.0
    valid = np.ones(depth.shape, dtype=bool)
    np.testing.assert_array_equal(with_rim(selection, depth, valid, levels_of(depth), 0), selection)
    depth[1, 3] = 300.0  # now straight opposite the object
    taken = with_rim(selection, depth, valid, levels_of(depth), 0)
    assert taken[1, 2] and taken.sum() == selection.sum() + 1


def test_a_single_pixel_the_rim_encloses_joins() -> None:
    depth = np.full((5, 5), 100.0, dtype=np.float32)
    depth[2, 2] = 103.0  # a level past the tolerance, inside the object
    selection = depth == 100.0
    valid = np.ones(depth.shape, dtype=bool)
    assert with_rim(selection, depth, valid, levels_of(depth), 0).all()
    selection[2, 3] = False  # two pixels: a hole, not the rim's business
    assert with_rim(selection, depth, valid, levels_of(depth), 0).sum() == 23


def test_an_empty_selection_and_the_input_stay_as_they_are() -> None:
    depth = rows(100, 150, 300)
    nothing = np.zeros(depth.shape, dtype=bool)
    assert not with_rim(nothing, depth, ~nothing, levels_of(depth), 0).any()
    selection = nothing.copy()
    selection[:, 0] = True
    kept = selection.copy()
    with_rim(selection, depth, ~nothing, levels_of(depth), 0)
    np.testing.assert_array_equal(selection, kept)


def near(mask: np.ndarray, pixels: int) -> np.ndarray:
    """``mask`` grown by ``pixels`` (8 ways)."""
    grown = mask.copy()
    for _ in range(pixels):
        padded = np.pad(grown, 1)
        grown = np.zeros_like(mask)
        for dy in range(3):
            for dx in range(3):
                grown |= padded[dy : dy + mask.shape[0], dx : dx + mask.shape[1]]
    return grown


@pytest.mark.parametrize("size", [600, 1200])
def test_the_default_wand_takes_the_sample_orb_with_its_rim(tmp_path, size) -> None:
    """Clicking the middle of the sample's orb at the tab's default tolerance takes every
    orb pixel but where it touches the hand (there depth cannot tell them apart), and no
    more than the blends just outside it."""
    depth_map = load_depth_map(write_sample(tmp_path, size=size).depth_exr)
    objects = render_scene(size).object_id
    orb, figure = objects == 4, objects == 3
    ys, xs = np.nonzero(orb)
    x, y = int(xs.mean()), int(ys.mean())
    ws = Workspace(depth_map)
    ws.apply([{"op": "select_at", "x": x, "y": y, "tolerance": PAGE_TOLERANCE, "rim": True}])
    picked = ws.selection
    away_from_hand = orb & ~near(figure, 2)
    assert (picked | ~away_from_hand).all(), f"{np.count_nonzero(away_from_hand & ~picked)} left"
    assert (picked & ~orb).sum() <= 0.01 * orb.sum()
    assert not (picked & ~near(orb, 2)).any()
    # without the rim, the same click leaves the anti-aliased edge out
    grey = grey_levels(depth_map, SplitSet.default(depth_map.min, depth_map.max))
    plain = select_connected(grey, depth_map.valid, x, y, PAGE_TOLERANCE)
    assert (away_from_hand & ~plain).sum() > 10


def test_the_grey_wand_takes_the_rim_when_asked() -> None:
    depth = rows(100, 100, 150, 300, 300)
    ws = Workspace(from_array(depth, "rim-Canvas2-Depth.exr"))
    ws.apply([{"op": "select_at", "x": 0, "y": 0}])
    assert ws.selection.sum() == 6
    ws.apply([{"op": "select_at", "x": 0, "y": 0, "rim": True}])
    assert ws.selection.sum() == 9

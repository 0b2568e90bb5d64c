"""Automatic splits: the histogram helpers on tiny arrays, scenes with one, two and four
clusters and a ramp, invariants on random depths, and the sample scene's figure."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from lib_dazdepth.engine.autosplit import (
    BACKSTOP_LEVELS,
    BUDGET,
    Stretch,
    allocate,
    auto_splits,
    auto_stretches,
    close_gaps,
    opening,
    runs,
    share_out,
    smoothed,
)
from lib_dazdepth.engine.mapping import MappingPlan, map_depth
from lib_dazdepth.engine.sample import NO_HIT, render_scene


def test_runs_lists_each_run_of_true() -> None:
    assert runs(np.array([False, True, True, False, True])) == [(1, 3), (4, 5)]
    assert runs(np.zeros(3, dtype=bool)) == []


def test_close_gaps_fills_short_inner_holes_only() -> None:
    mask = np.array([0, 1, 0, 0, 1, 0, 0, 0, 1, 0], dtype=bool)
    expected = np.array([0, 1, 1, 1, 1, 0, 0, 0, 1, 0], dtype=bool)
    np.testing.assert_array_equal(close_gaps(mask, 3), expected)


def test_opening_cuts_narrow_bumps_and_keeps_wide_plateaus() -> None:
    values = np.array([0, 0, 5, 0, 0, 3, 3, 3, 3, 3], dtype=float)
    np.testing.assert_array_equal(opening(values, 1), [0, 0, 0, 0, 0, 3, 3, 3, 3, 3])


def test_opening_keeps_a_monotone_run() -> None:
    values = np.arange(10, 0, -1, dtype=float)
    np.testing.assert_array_equal(opening(values, 2)[2:-2], values[2:-2])


def test_smoothed_is_a_centred_box_with_end_values_beyond_the_ends() -> None:
    values = np.array([7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    out = smoothed(values)
    padded = np.r_[[7.0] * 3, values, [0.0] * 3]
    np.testing.assert_allclose(out, sliding_window_view(padded, 7).mean(axis=1))
    assert out[0] == pytest.approx(4 * 7 / 7)


def test_share_out_uses_the_largest_remainder_ties_first() -> None:
    assert share_out([3.0, 1.0], 8, [1, 1]) == [6, 2]
    assert share_out([1.0, 1.0, 1.0], 10, [0, 0, 0]) == [4, 3, 3]
    assert share_out([0.0, 0.0], 5, [1, 1]) == [1, 1]
    assert share_out([1.0], 1, [2]) == [2]  # the minimum wins over the budget


def test_allocate_gives_gaps_nothing_the_backstop_a_few_and_clusters_the_rest() -> None:
    found = [
        Stretch(100, 110, "cluster", 900),
        Stretch(110, 200, "gap", 0),
        Stretch(200, 300, "surroundings", 100),
        Stretch(300, 310, "backstop", 1000),
    ]
    levels = [s.levels for s in allocate(found, nearest=100)]
    assert levels == [221, 0, 30, BACKSTOP_LEVELS]
    assert sum(levels) == BUDGET


def test_allocate_weighs_clusters_by_pixels_and_nearness() -> None:
    found = [Stretch(100, 110, "cluster", 100), Stretch(200, 210, "cluster", 100)]
    near, far = (s.levels for s in allocate(found, nearest=100))
    assert near + far == BUDGET
    weight = (100 / 105) ** 2 / ((100 / 105) ** 2 + (100 / 205) ** 2)
    assert abs((near - 1) - (BUDGET - 2) * weight) <= 1  # 1 each, the rest by weight


# ----------------------------------------------------------------------------- scenes


def spheres(size: int, items: list[tuple[float, float, float, float]]) -> np.ndarray:
    """Depth of half-squashed spheres (centre x, y, radius in pixels, far depth); inf
    where nothing is."""
    y, x = np.mgrid[0:size, 0:size] + 0.5
    depth = np.full((size, size), np.inf, dtype=np.float32)
    for cx, cy, r, z in items:
        rr = (x - cx) ** 2 + (y - cy) ** 2
        d = z - 0.5 * np.sqrt(np.maximum(r * r - rr, 0))
        depth = np.where((rr < r * r) & (d < depth), d, depth).astype(np.float32)
    return depth


def split_of(stretches: list[Stretch], values: np.ndarray) -> np.ndarray:
    bounds = np.array([s.start for s in stretches[1:]])
    return np.searchsorted(bounds, values, side="right")


def test_one_object_gets_every_level() -> None:
    depth = spheres(200, [(100, 100, 60, 300)])
    found = auto_stretches(depth[np.isfinite(depth)])
    assert [s.levels for s in found] == [BUDGET]


def test_two_objects_near_one_gets_the_most_far_one_is_the_backstop() -> None:
    depth = spheres(200, [(60, 100, 40, 150), (150, 100, 40, 400)])
    found = auto_stretches(depth[np.isfinite(depth)])
    assert [s.kind for s in found] == ["cluster", "gap", "backstop"]
    assert [s.levels for s in found] == [BUDGET - BACKSTOP_LEVELS, 0, BACKSTOP_LEVELS]
    values = depth[np.isfinite(depth)]
    np.testing.assert_array_equal(split_of(found, values), np.where(values < 200, 0, 2))


def test_four_objects_get_fewer_levels_the_farther_they_are() -> None:
    items = [(50, 50, 40, 100), (150, 50, 40, 200), (50, 150, 40, 300), (150, 150, 40, 400)]
    depth = spheres(200, items)
    found = auto_stretches(depth[np.isfinite(depth)])
    assert [s.kind for s in found] == ["cluster", "gap"] * 3 + ["backstop"]
    levels = [s.levels for s in found if s.kind != "gap"]
    assert levels == sorted(levels, reverse=True) and levels[-1] == BACKSTOP_LEVELS
    assert sum(levels) == BUDGET
    for cx, cy, r, _far in items:  # each object lies inside one split
        y, x = np.mgrid[0:200, 0:200] + 0.5
        own = depth[((x - cx) ** 2 + (y - cy) ** 2 < r * r)]
        assert np.unique(split_of(found, own)).size == 1


def test_a_tilted_plane_is_one_stretch_of_every_level() -> None:
    # A plane's planar depth is 1 / (a + b x + c y): here from 100 to 500 cm down the view.
    size = 200
    y, x = np.mgrid[0:size, 0:size] + 0.5
    inverse = 1 / 100 + (1 / 500 - 1 / 100) * (y * size + x) / size**2
    depth = (1 / inverse).astype(np.float32)
    found = auto_stretches(depth.ravel())
    assert [(s.kind, s.levels) for s in found] == [("surroundings", BUDGET)]


def test_a_floor_whose_rows_each_hold_one_depth_is_not_cut_at_every_row() -> None:
    # Near the camera the bins are finer than the floor's rows are apart in depth (5/3 cm),
    # so its rows fill every few bins: a comb, not 270 objects with gaps between them.
    floor = np.repeat(150 + (5 / 3) * np.arange(1, 271), 960)
    wall = np.full(450 * 900, 350.0)
    figure = np.random.default_rng(1).normal(220, 6, 450 * 60)
    found = auto_stretches(np.concatenate([floor, wall, figure]).astype(np.float32))
    kinds = [s.kind for s in found]
    assert kinds == [
        "cluster",
        "gap",
        "cluster",
        "surroundings",
        "cluster",
        "surroundings",
        "cluster",
    ]
    (wall_stretch,) = [s for s in found if s.start <= 350 < s.end]
    assert wall_stretch.kind == "cluster" and wall_stretch.levels == max(s.levels for s in found)


def test_a_flat_wall_is_one_split() -> None:
    splits = auto_splits(np.full(100, 300.0, dtype=np.float32))
    assert [s.levels for s in splits.splits] == [BUDGET]
    assert splits.splits[0].start == 300.0 and splits.splits[0].end > 300.0


def test_no_valid_depth_is_refused() -> None:
    with pytest.raises(ValueError, match="no valid depth"):
        auto_splits(np.array([], dtype=np.float32))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(1, 2000), st.floats(0.1, 300), st.integers(1, 3000)),
        min_size=1,
        max_size=5,
    ),
    st.integers(0, 2**32 - 1),
)
def test_any_scene_gets_a_valid_setup_that_keeps_black_for_no_hit(blobs, seed) -> None:
    rng = np.random.default_rng(seed)
    parts = [rng.uniform(near, near + deep, count) for near, deep, count in blobs]
    values = np.concatenate(parts).astype(np.float32)
    splits = auto_splits(values)
    assert splits.total_levels <= BUDGET
    assert splits.bounds[0] <= values.min() and splits.bounds[-1] > values.max()
    depth = np.r_[values, np.float32(NO_HIT)].reshape(1, -1)
    valid = np.r_[np.ones(values.size, dtype=bool), False].reshape(1, -1)
    grey = map_depth(depth, valid, MappingPlan.from_splits(splits), want_grey=True).grey8()
    assert grey[0, -1] == 0 and np.all(grey[0, :-1] >= 1)


def test_the_sample_scene_gives_the_figure_200_levels_and_keeps_the_backstop_off_black():
    scene = render_scene(1200)
    valid = scene.depth < 1e9
    splits = auto_splits(scene.depth[valid])
    grey = map_depth(scene.depth, valid, MappingPlan.from_splits(splits), want_grey=True).grey8()

    def interior(object_id: int) -> np.ndarray:  # away from edges that mix two objects
        padded = np.pad(scene.object_id, 1, mode="edge")
        return (sliding_window_view(padded, (3, 3)) == object_id).all(axis=(2, 3))

    assert np.unique(grey[interior(3)]).size >= 200  # the figure
    assert grey[interior(1)].min() >= 1  # the backstop
    assert np.all(grey[~valid] == 0) and np.all(grey[valid] >= 1)

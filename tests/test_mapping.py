"""Depth to levels: exact arrays on tiny images, and invariants of both mapping drivers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lib_dazdepth.engine.index import DepthIndex
from lib_dazdepth.engine.mapping import (
    BLACK,
    MappingError,
    MappingPlan,
    grey8,
    map_depth,
    outside,
)
from lib_dazdepth.engine.render import grey16
from lib_dazdepth.engine.splits import SplitSet

NO_BACKGROUND = None


def mapped_grey(depth, splits: SplitSet, valid=None) -> np.ndarray:
    depth = np.asarray(depth, dtype=np.float32)
    valid = np.ones(depth.shape, bool) if valid is None else np.asarray(valid)
    plan = MappingPlan.from_splits(splits)
    direct = map_depth(depth, valid, plan, want_split=True)
    indexed = DepthIndex.build(depth, valid).map(plan, want_split=True)
    np.testing.assert_array_equal(direct.fine, indexed.fine)
    np.testing.assert_array_equal(direct.split, indexed.split)
    only_grey = map_depth(depth, valid, plan, want_fine=False, want_grey=True)
    assert only_grey.fine is None and only_grey.split is None
    np.testing.assert_array_equal(only_grey.grey, grey8(direct.fine))
    assert_known_range_maps_alike(depth, valid, plan, grey8(direct.fine))
    return grey8(direct.fine)


def assert_known_range_maps_alike(depth, valid, plan: MappingPlan, expected) -> None:
    """Told the valid range (as DepthMap knows it), the grey path gives the same greys,
    whether the splits cover that range (no clamping pass) or not."""
    if not valid.any():
        return
    known = (float(depth[valid].min()), float(depth[valid].max()))
    grey = map_depth(depth, valid, plan, want_fine=False, want_grey=True, valid_range=known)
    np.testing.assert_array_equal(grey.grey, expected)


def test_one_split_spreads_256_levels_linearly_near_white_far_black() -> None:
    depth = [[100, 125, 150, 175, 199.99]]
    splits = SplitSet.default(100, 199.99)  # [100, 200)
    # level = floor((d - 100) / 100 * 256); grey = 255 - level
    assert mapped_grey(depth, splits).tolist() == [[255, 191, 127, 63, 0]]


def test_a_depth_rounding_onto_its_splits_end_keeps_the_last_level() -> None:
    """1000 (a float32) just below the end 1000.0000000000001: (1000 - start) / span rounds
    to exactly 1 for this start, so t * L is L and must be clamped to level L - 1 (grey 0),
    on every path: the plan knows its ends do not all stay below L."""
    start, end = 422.84184675526313, 1000.0000000000001
    splits = SplitSet.from_bounds([start, end], [256])
    assert not MappingPlan.from_splits(splits).below_ends
    assert MappingPlan.from_splits(SplitSet.from_bounds([400, end], [256])).below_ends
    grey = mapped_grey([[423.0, 711.5, 1000.0]], splits)
    # floor((d - start) / span * 256): 0.28 -> 0, 128.2 -> 128, 256 -> 255 (clamped)
    assert grey.tolist() == [[255, 127, 0]]


def test_each_split_uses_exactly_its_levels_disjoint_from_its_neighbours() -> None:
    depth = np.linspace(0, 10, 1001, dtype=np.float32)[:-1].reshape(20, 50)
    splits = SplitSet.from_bounds([0, 4, 10], [3, 5])
    grey = mapped_grey(depth, splits)
    near, far = grey[depth < 4], grey[depth >= 4]
    assert sorted(set(near.tolist())) == [253, 254, 255]
    assert sorted(set(far.tolist())) == [248, 249, 250, 251, 252]


def test_the_farthest_pixel_stays_in_its_split() -> None:
    # The reference maps the maximum to level 256 (off the end); here it gets level 255.
    depth = [[0.0, 5.0, 9.999999]]
    assert mapped_grey(depth, SplitSet.from_bounds([0, 10], [256])).tolist() == [[255, 127, 0]]
    # 200 levels: 5.0 -> level 100 -> grey 155; the far end takes level 199 -> grey 56
    assert mapped_grey(depth, SplitSet.from_bounds([0, 10], [200])).tolist() == [[255, 155, 56]]


def test_zero_level_splits_and_background_are_black() -> None:
    depth = [[1, 2, 3, 4]]
    valid = [[True, True, True, False]]
    splits = SplitSet.from_bounds([1, 2, 5], [10, 0])
    assert mapped_grey(depth, splits, valid).tolist() == [[255, 0, 0, 0]]


def test_depths_outside_the_splits_clamp_to_the_first_and_last_levels() -> None:
    depth = np.array([[0.5, 1, 2.5, 4, 9]], dtype=np.float32)
    splits = SplitSet.from_bounds([1, 2, 4], [100, 100])
    plan = MappingPlan.from_splits(splits)
    mapped = map_depth(depth, np.ones(depth.shape, bool), plan)
    # 2.5 is a quarter into split 1 (offset 100): level 125, grey 130
    assert grey8(mapped.fine).tolist() == [[255, 255, 130, 56, 56]]
    valid = np.ones(depth.shape, bool)
    assert outside(depth, valid, splits.bounds) == (1, 2)
    assert DepthIndex.build(depth, valid).outside(splits.bounds) == (1, 2)


def test_inverse_curve_spends_more_levels_near() -> None:
    # t = (1/100 - 1/d) / (1/100 - 1/400); d = 160 -> t = 0.5 -> level 128
    depth = [[100, 160, 399.9]]
    splits = SplitSet.from_bounds([100, 400], [256]).with_curve("inverse")
    assert mapped_grey(depth, splits).tolist() == [[255, 127, 0]]


def test_inverse_curve_refuses_splits_at_or_below_zero_depth() -> None:
    splits = SplitSet.from_bounds([0, 400], [256]).with_curve("inverse")
    with pytest.raises(MappingError, match="above 0"):
        MappingPlan.from_splits(splits)


def test_compression_spreads_distinct_depths_evenly_by_rank() -> None:
    # The reference README's example: depths 10, 200, 250, 350 -> 0, 85, 170, 255.
    depth = [[10, 200, 250, 350, 200, 10]]
    splits = SplitSet.default(10, 350).with_compress(True)
    assert mapped_grey(depth, splits).tolist() == [[255, 170, 85, 0, 170, 255]]


def test_compression_of_a_single_distinct_depth_does_not_divide_by_zero() -> None:
    splits = SplitSet.default(5, 5).with_compress(True)
    assert mapped_grey([[5, 5]], splits).tolist() == [[255, 255]]


def test_over_256_levels_fails_with_the_reference_status() -> None:
    splits = SplitSet.from_bounds([0, 1, 2], [200, 100])
    with pytest.raises(MappingError, match=r"^Failure to map: 300 levels allocated\.$"):
        MappingPlan.from_splits(splits)


def test_sixteen_bit_output_refines_eight_bit_output() -> None:
    depth = np.linspace(0, 1, 5000, endpoint=False, dtype=np.float32).reshape(50, 100)
    plan = MappingPlan.from_splits(SplitSet.from_bounds([0, 0.5, 1], [200, 56]))
    fine = map_depth(depth, np.ones(depth.shape, bool), plan).fine
    g16, g8 = grey16(fine), grey8(fine)
    np.testing.assert_array_equal(g16 >> 8, g8)
    assert len(np.unique(g16)) == 5000 and g16.dtype == np.uint16
    assert grey16(np.array([BLACK], np.uint32)).tolist() == [0]


splits_strategy = st.lists(
    st.tuples(
        st.floats(0.01, 5), st.integers(0, 42), st.sampled_from(["linear", "inverse", "rank", None])
    ),
    min_size=1,
    max_size=6,
)


def depth_images(side: int):
    """float32 depth images up to ``side`` x ``side``, depths 1 to 30."""
    return hnp.arrays(
        np.float32,
        st.tuples(st.integers(1, side), st.integers(1, side)),
        elements=st.floats(1, 30, width=32),
    )


@settings(max_examples=150, deadline=None)
@given(
    depth_images(12),
    splits_strategy,
    st.booleans(),
)
def test_both_drivers_agree_and_levels_stay_in_their_split(depth, spec, compress) -> None:
    bounds = [1.0]
    for width, _, _ in spec:
        bounds.append(bounds[-1] + width)
    splits = SplitSet.from_bounds(bounds, [n for _, n, _ in spec]).with_compress(compress)
    for i, (_, _, curve) in enumerate(spec):
        if curve:
            splits = splits.set_flag(i, "curve", curve)
    valid = depth < 29
    plan = MappingPlan.from_splits(splits)
    direct = map_depth(depth, valid, plan, want_split=True)
    indexed = DepthIndex.build(depth, valid).map(plan, want_split=True)
    np.testing.assert_array_equal(direct.fine, indexed.fine)
    np.testing.assert_array_equal(direct.split, indexed.split)
    only_grey = map_depth(depth, valid, plan, want_fine=False, want_grey=True)
    np.testing.assert_array_equal(only_grey.grey, grey8(direct.fine))
    assert_known_range_maps_alike(depth, valid, plan, grey8(direct.fine))
    level = direct.fine >> 8
    offsets = np.array(splits.offsets)
    for i, split in enumerate(splits.splits):
        inside = level[direct.split == i]
        if split.levels == 0:
            assert (inside == 256).all()
        else:
            assert ((inside >= offsets[i]) & (inside < offsets[i] + split.levels)).all()
    assert (level[~valid] == 256).all()
    # Nearer never maps darker within the valid pixels of one linear/inverse split.
    for i in range(len(splits)):
        if splits.effective_curve(i) != "rank":
            members = direct.split == i
            order = np.argsort(depth[members], kind="stable")
            assert (np.diff(direct.fine[members][order].astype(np.int64)) >= 0).all()


def test_chunked_mapping_of_a_large_image_equals_the_index_driver() -> None:
    rng = np.random.default_rng(1)
    depth = rng.uniform(100, 700, (700, 900)).astype(np.float32)  # several chunks
    valid = rng.random(depth.shape) > 0.05
    splits = SplitSet.from_bounds([100, 180, 260, 600, 700.01], [120, 80, 40, 16])
    plan = MappingPlan.from_splits(splits)
    direct = map_depth(depth, valid, plan, want_split=True)
    indexed = DepthIndex.build(depth, valid).map(plan, want_split=True)
    np.testing.assert_array_equal(direct.fine, indexed.fine)
    np.testing.assert_array_equal(direct.split, indexed.split)


edits = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.floats(1, 30)),
        st.tuples(st.just("move"), st.integers(1, 6), st.floats(1, 30)),
        st.tuples(st.just("remove"), st.integers(0, 6)),
        st.tuples(st.just("allocate"), st.integers(0, 6), st.integers(0, 60)),
        st.tuples(
            st.just("curve"), st.integers(0, 6), st.sampled_from(["linear", "inverse", "rank"])
        ),
    ),
    max_size=12,
)


def edit(splits: SplitSet, op) -> SplitSet:
    kind, *args = op
    index = min(args[0], len(splits) - 1) if kind != "add" else 0
    if kind == "add":
        return splits.add(args[0])
    if kind == "move":
        return splits.move_boundary(min(args[0], len(splits) - 1), args[1])
    if kind == "remove":
        return splits.remove(index)[0]
    if kind == "allocate":
        return splits.allocate(index, args[1])
    return splits.set_flag(index, "curve", args[1])


@settings(max_examples=150, deadline=None)
@given(
    depth_images(10),
    edits,
)
def test_incremental_updates_equal_a_full_remap_after_any_edits(depth, ops) -> None:
    valid = depth < 28
    index = DepthIndex.build(depth, valid)
    splits = SplitSet.from_bounds([0.5, 10, 31], [100, 100])
    plan = MappingPlan.from_splits(splits)
    shown = index.map(plan, want_split=True)
    for op in ops:
        try:
            changed = edit(splits, op)
            new_plan = MappingPlan.from_splits(changed)
        except (ValueError, MappingError):
            continue
        shown = index.update(shown, plan, new_plan)
        splits, plan = changed, new_plan
        full = map_depth(depth, valid, plan, want_split=True)
        np.testing.assert_array_equal(shown.fine, full.fine)
        np.testing.assert_array_equal(shown.split, full.split)


def test_mask_marks_black_pixels_or_else_the_farthest_level() -> None:
    from lib_dazdepth.engine.render import mask_image

    depth = np.array([[1, 2, 3, 4]], dtype=np.float32)
    valid = np.ones(depth.shape, bool)
    one_split = MappingPlan.from_splits(SplitSet.from_bounds([1, 4.01], [4]))
    assert mask_image(map_depth(depth, valid, one_split)).tolist() == [[255, 255, 255, 0]]
    with_black = MappingPlan.from_splits(SplitSet.from_bounds([1, 3, 4.01], [4, 0]))
    assert mask_image(map_depth(depth, valid, with_black)).tolist() == [[255, 255, 0, 0]]


def test_a_depth_map_counts_pixels_outside_the_splits_without_a_pass_when_none_can_be() -> None:
    from lib_dazdepth.engine.depthmap import from_array

    depth_map = from_array(np.array([[0.5, 1, 2.5, 4, 9]], dtype=np.float32))
    assert depth_map.outside((1, 2, 4)) == (1, 2)
    assert depth_map.outside((0.5, 9.01)) == (0, 0)
    assert depth_map.outside((0.5, 9.0)) == (0, 1)

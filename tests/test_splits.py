"""The split model: the reference's operations and messages, and invariants under any edits."""

from __future__ import annotations

import contextlib
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib_dazdepth.engine.splits import MAX_LEVELS, Split, SplitError, SplitSet, cut_sharing


def default() -> SplitSet:
    return SplitSet.default(93.46874237060547, 281.4759216308594)


def test_default_split_covers_min_to_max_plus_epsilon_with_256_levels() -> None:
    splits = default()
    assert splits.splits == (
        Split(93.46874237060547, 281.48592163085937, 256, (("label", "Default"),)),
    )


def test_add_cuts_the_owner_and_the_new_upper_split_starts_empty() -> None:
    splits = default().set_flag(0, "test", "red").add(100)
    assert splits.bounds == (93.46874237060547, 100.0, 281.48592163085937)
    assert splits.splits[0].flags == (("label", "Default"), ("test", "red"))
    assert splits.splits[0].levels == 256
    assert splits.splits[1] == Split(100.0, 281.48592163085937)


def test_add_outside_the_data_is_nudged_inside_as_the_reference_does() -> None:
    assert default().add(10).bounds[1] == 93.46874237060547 + 0.01
    assert default().add(1000).bounds[1] == 281.48592163085937 - 0.02


def test_add_on_an_existing_boundary_is_refused_instead_of_making_an_empty_split() -> None:
    with pytest.raises(SplitError, match=r"already a boundary at 100\.0\."):
        default().add(100).add(100)


@pytest.mark.parametrize(
    ("move", "message"),
    [
        ((100, 90), "will not move the start of split 1 past the beginning of split 0"),
        ((100, 300), "will not move the start of split 1 past its own ending"),
        ((93.46874237060547, 95), "will not move the start of the first split"),
        ((281.48592163085937, 200), "will not move the end of the last split"),
        ((101, 120), "could not identify 101.0 as uniquely pointing"),
    ],
)
def test_move_refusals_use_the_reference_messages(move, message) -> None:
    with pytest.raises(SplitError, match=message):
        default().add(100).move(*move)


def test_move_accepts_a_boundary_as_displayed_within_the_typed_tolerance() -> None:
    splits = default().add(132.0000001)
    assert splits.move(132, 120, tolerance=0.5).bounds[1] == 120
    with pytest.raises(SplitError):
        splits.move(132, 120)  # exact match only without a tolerance


def test_move_with_a_tolerance_that_matches_two_boundaries_is_ambiguous() -> None:
    with pytest.raises(SplitError, match="uniquely"):
        default().add(100).add(100.3).move(100.2, 120, tolerance=0.5)


def test_remove_merges_into_the_neighbour_with_the_reference_messages() -> None:
    splits = default().add(100).add(200)
    merged, message = splits.remove(0)
    assert message == "Success - Removed split 0 and expanded split 1 backwards."
    assert merged.bounds == (93.46874237060547, 200.0, 281.48592163085937)
    merged, message = splits.remove(2)
    assert message == "Success - Removed split 2 and expanded split 1 forwards."
    assert merged.bounds == (93.46874237060547, 100.0, 281.48592163085937)
    with pytest.raises(SplitError, match="only one split"):
        default().remove(0)
    with pytest.raises(SplitError, match="index of 5 is out of range"):
        splits.remove(5)


def test_allocation_totals_and_the_over_256_failure_status() -> None:
    splits = default().add(100).allocate(0, 200).allocate(1, 100)
    assert splits.totals_message() == "300 levels allocated."
    assert splits.mapping_status() == "Failure to map: 300 levels allocated."
    assert splits.offsets == (0, 200)
    with pytest.raises(SplitError, match="from 0 to 256"):
        splits.allocate(0, 257)
    with pytest.raises(SplitError, match=r"index 7 out of range \(2 registered splits\)"):
        splits.allocate(7, 1)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("test", "notacolour", "not a CSS colour"),
        ("region", "two", "whole number"),
        ("region", "-3", "whole number"),
        ("curve", "cubic", "linear, inverse, rank"),
        ("offset", "3", "computed"),
    ],
)
def test_typed_flags_are_checked_when_set(key, value, message) -> None:
    with pytest.raises(SplitError, match=message):
        default().set_flag(0, key, value)


def test_flags_keep_insertion_order_and_offsets_update_in_place() -> None:
    splits = default().add(100).record_offsets().set_flag(1, "test", "blue")
    assert splits.splits[1].flags == (("offset", "256"), ("test", "blue"))
    splits = splits.allocate(0, 10).allocate(1, 20).record_offsets()
    assert splits.splits[1].flags == (("offset", "10"), ("test", "blue"))
    assert splits.clear_flag(1, "TEST").splits[1].flags == (("offset", "10"),)


def test_effective_curve_per_split_overrides_the_global_and_compression() -> None:
    splits = default().add(100).set_flag(1, "curve", "inverse")
    assert [splits.effective_curve(i) for i in (0, 1)] == ["linear", "inverse"]
    compressed = splits.with_compress(True)
    assert [compressed.effective_curve(i) for i in (0, 1)] == ["rank", "inverse"]


@pytest.mark.parametrize(
    "bad",
    [
        (Split(1, 2), Split(2.5, 3)),  # gap
        (Split(2, 2),),  # empty
        (Split(1, float("inf")),),
        (Split(1, 2, 300),),
    ],
)
def test_a_split_setup_that_is_not_contiguous_and_sane_cannot_exist(bad) -> None:
    with pytest.raises(SplitError):
        SplitSet(bad)


operations = st.one_of(
    st.tuples(st.just("add"), st.floats(50, 350, allow_nan=False)),
    st.tuples(st.just("move"), st.integers(0, 12), st.floats(50, 350, allow_nan=False)),
    st.tuples(st.just("remove"), st.integers(-1, 12)),
    st.tuples(st.just("allocate"), st.integers(-1, 12), st.integers(-5, 300)),
    st.tuples(
        st.just("flag"),
        st.integers(0, 12),
        st.sampled_from(["test", "region", "x"]),
        st.sampled_from(["red", "1", "-1", "#00ff00", "??"]),
    ),
)


def apply(splits: SplitSet, op) -> SplitSet:
    kind, *args = op
    if kind == "add":
        return splits.add(args[0])
    if kind == "move":
        bounds = splits.bounds
        return splits.move(bounds[min(args[0], len(bounds) - 1)], args[1])
    if kind == "remove":
        return splits.remove(args[0])[0]
    if kind == "allocate":
        return splits.allocate(*args)
    return splits.set_flag(*args)


@settings(max_examples=300, deadline=None)
@given(st.lists(operations, max_size=40))
def test_any_sequence_of_edits_keeps_splits_sorted_contiguous_and_covering(ops) -> None:
    splits = original = default()
    for op in ops:
        try:
            splits = apply(splits, op)
        except SplitError:
            continue
        bounds = splits.bounds
        assert all(a < b for a, b in itertools.pairwise(bounds))
        assert bounds[0] == original.bounds[0] and bounds[-1] == original.bounds[-1]
        assert all(0 <= s.levels <= MAX_LEVELS for s in splits.splits)
        assert splits.offsets[0] == 0
        assert all(
            splits.offsets[i + 1] == splits.offsets[i] + splits.splits[i].levels
            for i in range(len(splits) - 1)
        )
        for depth in (bounds[0], *bounds[1:-1], (bounds[0] + bounds[-1]) / 2):
            index = splits.index_for(depth)
            assert index is not None and splits.splits[index].contains(depth)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(94, 281, allow_nan=False), min_size=1, max_size=10))
def test_removing_every_added_split_restores_the_range(cuts) -> None:
    splits = default()
    for cut in cuts:
        with contextlib.suppress(SplitError):
            splits = splits.add(cut)
    while len(splits) > 1:
        splits = splits.remove(len(splits) - 1)[0]
    assert splits.bounds == default().bounds


DEPTHS_1_TO_8 = np.arange(1, 9, dtype=np.float64)


@pytest.mark.parametrize(
    ("levels", "cut", "expected"),
    [
        (256, 3.0, [64, 192]),  # 2 pixels below the cut, 6 from it on
        (256, 8.0, [224, 32]),  # the last split holds its end: 8 is counted
        (0, 3.0, [0, 0]),  # nothing to share
        (1, 3.0, [0, 1]),
        (2, 1.5, [1, 1]),  # 1 pixel below, 7 above: each part keeps a level
    ],
)
def test_a_cut_in_the_tab_shares_the_parents_levels_by_pixels(levels, cut, expected) -> None:
    splits = SplitSet.from_bounds([1, 8], [levels])
    shared = cut_sharing(splits, cut, DEPTHS_1_TO_8)
    assert [s.levels for s in shared.splits] == expected
    assert shared.bounds == splits.add(cut).bounds


def test_a_cut_shares_only_its_own_splits_levels() -> None:
    splits = SplitSet.from_bounds([1, 4, 8], [100, 50]).set_flag(1, "label", "far")
    shared = cut_sharing(splits, 6.0, DEPTHS_1_TO_8)
    assert [s.levels for s in shared.splits] == [100, 20, 30]  # 4, 5 | 6, 7, 8
    assert shared.splits[1].label == "far"


@given(
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=60),
    st.integers(0, 256),
    st.floats(0.01, 0.99),
)
def test_a_shared_cut_keeps_the_total_levels(values, levels, where) -> None:
    depths = np.sort(np.array(values, dtype=np.float64))
    low, high = float(depths[0]), float(depths[-1]) + 1
    splits = SplitSet.from_bounds([low, high], [levels])
    shared = cut_sharing(splits, low + (high - low) * where, depths)
    assert shared.total_levels == levels
    assert all(s.levels >= 0 for s in shared.splits)

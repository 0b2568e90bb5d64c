"""The one ordered region list, its counts across split edits, its warnings, its preset."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.mapping import split_index
from lib_dazdepth.engine.palette import region_colours
from lib_dazdepth.engine.presets import from_document, loads, to_document
from lib_dazdepth.engine.region_checks import plan_warnings, reading_warnings, region_warnings
from lib_dazdepth.engine.region_plan import RegionPlanError, build_plan
from lib_dazdepth.engine.region_sources import RegionCounter, number_counts, region_numbers
from lib_dazdepth.engine.regions import INHERIT, NONE
from lib_dazdepth.engine.splits import SplitError, SplitSet

SPLITS = (
    SplitSet.from_bounds([0, 10, 20, 30, 40], [64, 64, 64, 64])
    .set_flag(0, "label", "woman")
    .set_flag(0, "region", "1")
    .set_flag(1, "label", "table")
    .set_flag(1, "region", "2")
    .set_flag(2, "label", "wall")
    .set_flag(2, "region", "3")
    .set_flag(3, "label", "lamp")
    .set_flag(3, "region", "3")
)


def test_the_list_holds_the_regions_with_pixels_in_number_order() -> None:
    plan = build_plan({3: 50, 1: 20, 2: 0, 7: 5}, SPLITS.with_region_label(7, "hat"))
    assert [(e.number, e.index, e.label, e.pixels) for e in plan.entries] == [
        (1, 0, "woman", 20),
        (3, 1, "wall, lamp", 50),  # two splits with one number: one region, both labels
        (7, 2, "hat", 5),  # a label given to the region itself
    ]
    assert [e.colour for e in plan.entries] == region_colours(3)
    assert plan.empty == ((2, "table"),)
    assert plan.template("photo") == "photo\nBREAK\nwoman\nBREAK\nwall, lamp\nBREAK\nhat"
    assert plan.rows()[1] == {
        "region": 3,
        "colour": "#408080",
        "section": 2,
        "label": "wall, lamp",
        "words": "wall, lamp",
        "pixels": 50,
    }
    assert [r["section"] for r in plan.rows(use_base=False)] == [0, 1, 2]


def test_a_regions_own_label_wins_over_its_splits_and_empty_text_clears_it() -> None:
    labelled = SPLITS.with_region_label(3, "  brick wall ")
    assert build_plan({3: 1}, labelled).entries[0].label == "brick wall"
    assert labelled.with_region_label(3, "") == SPLITS
    with pytest.raises(SplitError):
        SPLITS.with_region_label(-1, "x")


def test_pixels_without_a_plan_number_are_painted_no_colour() -> None:
    plan = build_plan({4: 2}, SPLITS)
    numbers = np.array([[4, NONE, 9]], dtype=np.int16)
    grey = np.array([[10, 20, 30]], dtype=np.uint8)
    np.testing.assert_array_equal(
        plan.image(grey, numbers), [[region_colours(1)[0], (20, 20, 20), (30, 30, 30)]]
    )


def test_more_regions_than_the_palette_has_colours_is_one_clear_error() -> None:
    with pytest.raises(RegionPlanError, match="257 regions hold pixels"):
        build_plan({n: 1 for n in range(257)}, SPLITS)


@settings(max_examples=80, deadline=None)
@given(
    arrays(np.float32, (5, 7), elements=st.floats(1, 40, width=32)),
    arrays(bool, (5, 7)),
    arrays(np.int16, (5, 7), elements=st.sampled_from([INHERIT, INHERIT, NONE, 0, 5])),
    st.lists(st.floats(1, 39), min_size=0, max_size=3, unique=True),
)
def test_the_counter_counts_what_the_full_map_holds(depth, valid, over, cuts) -> None:
    """Full-size pixels per region across split edits equal a plain count of the map."""
    if not valid.any():
        return
    dm = from_array(np.where(valid, depth, np.inf))  # no hit where not valid
    splits = SplitSet.from_bounds([0, 41], [256]).set_flag(0, "region", "2")
    for cut in cuts:
        splits = splits.add(cut)
    splits = splits.set_flag(len(splits) - 1, "region", "5")
    counter = RegionCounter(dm, over)
    inner = np.asarray(splits.bounds[1:-1], dtype=np.float64)
    index = split_index(dm.depth.astype(np.float64), inner).astype(np.int16)
    index[~dm.valid] = -1
    assert counter.counts(splits) == number_counts(region_numbers(index, splits, over))


def test_warnings_before_sending() -> None:
    plan = build_plan({1: 600, 3: 3}, SPLITS)
    size = (40, 40)
    assert plan_warnings(plan, size) == [
        "region 2 (table) holds no pixel: it gets no colour and no BREAK section",
        "region 3 (wall, lamp) covers about 0.0 latent pixels at 40x40: it nearly"
        " vanishes (under 4)",
    ]
    # at a generation four times the size each way, 3 pixels still cover under 4 latent px
    assert "about 0.8 latent" in plan_warnings(plan, size, (160, 160))[1]
    numbers = np.full((40, 40), NONE, dtype=np.int16)
    numbers.ravel()[:600], numbers.ravel()[600:603] = 1, 3
    mask = plan.image(np.zeros((40, 40), np.uint8), numbers)
    assert reading_warnings(plan, mask, plan.template()) == []
    assert reading_warnings(plan, mask, plan.template() + " BREAK extra") == [
        "3 region BREAK sections for 2 regions (more): the last apply to no pixel"
    ]
    assert reading_warnings(plan, mask, "base BREAK woman") == [
        "1 region BREAK sections for 2 regions (fewer): the last get no prompt"
    ]
    far = mask.copy()
    far[0, 0] = region_colours(30)[29]  # index 29: dropped with 3 colours found
    assert reading_warnings(plan, far, plan.template())[0].startswith("palette colour 29 would")
    no_base = region_warnings(plan, mask, plan.template(use_base=False), use_base=False)
    assert no_base[-1] == (
        'without "use base prompt" the 997 pixels with no region take region 1 (woman)\'s prompt'
    )


def test_region_labels_and_the_id_table_travel_in_presets() -> None:
    splits = SPLITS.with_region_label(7, "hat").with_id_regions({"0.5,0.25,1": 7, "2": 1})
    document = to_document(splits)
    assert document["region_labels"] == {"7": "hat"}
    assert document["id_regions"] == {"0.5,0.25,1": 7, "2": 1}
    assert from_document(document, "p.json") == splits
    assert "region_labels" not in to_document(SPLITS)
    bad = '{"format": "daz-depth-splits", "version": 1, "splits": [{"start": 0, "end": 1}],'
    with pytest.raises(Exception, match=r"p.json: region_labels: region '-2'"):
        loads(bad + ' "region_labels": {"-2": "x"}}', "p.json")
    with pytest.raises(Exception, match=r"p.json: id_regions\['a'\]: region 'x'"):
        loads(bad + ' "id_regions": {"a": "x"}}', "p.json")

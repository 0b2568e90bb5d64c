"""The reading function: a mask and a prompt as the Regional Prompter reads them
(facts.md 4), and the plan's masks and templates read back as the artist set them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib_dazdepth.engine.mask_reading import (
    NO_SECTION,
    palette_indices,
    prompt_sections,
    read_mask,
)
from lib_dazdepth.engine.palette import region_colours
from lib_dazdepth.engine.region_plan import build_plan
from lib_dazdepth.engine.splits import SplitSet

C = region_colours(32)
GREY = (90, 90, 90)


def image(rows: list[list[tuple[int, int, int]]]) -> np.ndarray:
    return np.array(rows, dtype=np.uint8)


def test_sections_are_split_at_the_break_keyword_only() -> None:
    assert prompt_sections("photo\nBREAK\nwoman BREAK  a table ") == ["photo", "woman", "a table"]
    assert prompt_sections("breakfast, Break, BREAKING") == ["breakfast, Break, BREAKING"]


def test_palette_colours_are_found_exactly_and_nothing_else() -> None:
    near = (C[0][0] - 1, C[0][1], C[0][2])  # one step off: not the palette's colour
    mask = image([[C[0], C[3], near, GREY]])
    np.testing.assert_array_equal(palette_indices(mask), [[0, 3, -1, -1]])
    with pytest.raises(ValueError, match="8-bit RGB"):
        palette_indices(np.zeros((2, 2), dtype=np.uint8))


def test_masks_take_sections_in_palette_order_after_the_base() -> None:
    mask = image([[C[2], C[0], GREY], [C[5], C[0], C[2]]])
    reading = read_mask(mask, "base BREAK a BREAK b BREAK c")
    assert reading.masks == (0, 2, 5) and reading.dropped == ()
    np.testing.assert_array_equal(reading.section, [[2, 1, 0], [3, 1, 2]])


def test_without_use_base_the_first_mask_also_takes_the_uncoloured_pixels() -> None:
    mask = image([[C[2], C[1], GREY], [GREY, C[1], C[2]]])
    reading = read_mask(mask, "a BREAK b", use_base=False)
    assert reading.masks == (1, 2)
    np.testing.assert_array_equal(reading.section, [[1, 0, 0], [0, 0, 1]])


def test_a_gap_in_the_colours_shifts_the_prompts_the_found_case() -> None:
    # colours 1 and 3 (the old way: region numbers as colours, region 2 empty)
    mask = image([[C[1], C[1], C[3]]])
    reading = read_mask(mask, "photo BREAK (region 0) BREAK woman BREAK table BREAK wall")
    words = np.array(reading.sections, dtype=object)[reading.section]
    # the woman gets "(region 0)" and the wall "woman": what the issue found
    np.testing.assert_array_equal(words, [["(region 0)", "(region 0)", "woman"]])


def test_an_index_more_than_twenty_above_the_colours_found_is_dropped() -> None:
    far = region_colours(24)[23]  # index 23 > 2 colours found + 20
    mask = image([[C[0], far, GREY]])
    reading = read_mask(mask, "base BREAK a BREAK b")
    assert reading.masks == (0,) and reading.dropped == (23,)
    np.testing.assert_array_equal(reading.section, [[1, 0, 0]])
    kept = read_mask(image([[C[0], region_colours(23)[22]]]), "base BREAK a BREAK b")
    assert kept.masks == (0, 22) and kept.dropped == ()  # 22 = 2 found + 20: kept


def test_a_mask_beyond_the_last_section_has_none() -> None:
    reading = read_mask(image([[C[0], C[1], C[2]]]), "base BREAK a")
    np.testing.assert_array_equal(reading.section, [[1, NO_SECTION, NO_SECTION]])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-1, 40), min_size=1, max_size=48),
    st.booleans(),
    st.integers(1, 6),
)
def test_the_plans_mask_and_template_read_back_as_the_artist_numbered(values, use_base, rows):
    """Any numbering (from any start, with gaps, with pixels without a region): each pixel
    reads its own region's words; pixels without a region the base's (or the first's)."""
    numbers = np.resize(np.array(values, dtype=np.int16), (rows, len(values)))
    splits = SplitSet.from_bounds([0, 1], [256])
    for n in sorted({int(v) for v in values if v >= 0}):
        splits = splits.with_region_label(n, f"thing {n}")
    counts = dict(zip(*np.unique(numbers[numbers >= 0], return_counts=True)))
    plan = build_plan({int(k): int(v) for k, v in counts.items()}, splits)
    grey = np.full(numbers.shape, 7, dtype=np.uint8)
    reading = read_mask(plan.image(grey, numbers), plan.template("base", use_base), use_base)
    words = np.array(reading.sections, dtype=object)[reading.section]
    present = sorted(int(k) for k in counts)

    def section(n: int) -> str:
        return f"thing {n}" if use_base else f"base, thing {n}"

    rest = "base" if use_base or not present else section(present[0])
    expected = np.full(numbers.shape, rest, dtype=object)
    for n in present:
        expected[numbers == n] = section(n)
    np.testing.assert_array_equal(words, expected)
    # two regions share a colour only when they share a number
    colours = {n: tuple(plan.image(grey, numbers)[numbers == n][0]) for n in present}
    assert len(set(colours.values())) == len(present)

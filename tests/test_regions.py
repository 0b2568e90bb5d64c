"""Region maps: connected parts, islands, dividing, growing, ordering, composing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lib_dazdepth.engine.regions import (
    INHERIT,
    NONE,
    absorb_islands,
    compose,
    divide,
    from_splits,
    grow,
    label_components,
    order_near_to_far,
    renumber,
)

N = NONE


def grid(text: str) -> np.ndarray:
    return np.array([[c == "#" for c in row] for row in text.split()], dtype=bool)


def test_components_eight_and_four_connected() -> None:
    mask = grid(
        """
        ##..#
        .#..#
        ..#..
        ....#
        """
    )
    labels, count = label_components(mask)
    expected = [[1, 1, 0, 0, 2], [0, 1, 0, 0, 2], [0, 0, 1, 0, 0], [0, 0, 0, 0, 3]]
    assert count == 3
    np.testing.assert_array_equal(labels, expected)
    labels4, count4 = label_components(mask, diagonal=False)
    expected4 = [[1, 1, 0, 0, 2], [0, 1, 0, 0, 2], [0, 0, 3, 0, 0], [0, 0, 0, 0, 4]]
    assert count4 == 4
    np.testing.assert_array_equal(labels4, expected4)


def test_a_u_shape_joins_from_below() -> None:
    mask = grid(
        """
        #.#.#
        #.#.#
        #####
        """
    )
    labels, count = label_components(mask)
    assert count == 1 and np.all(labels[mask] == 1) and np.all(labels[~mask] == 0)


def test_empty_mask_has_no_parts() -> None:
    labels, count = label_components(np.zeros((3, 4), dtype=bool))
    assert count == 0 and not labels.any()


def flood_count(mask: np.ndarray) -> int:
    """Parts by a plain flood fill: the slow, obvious answer."""
    seen = np.zeros_like(mask)
    parts = 0
    h, w = mask.shape
    for y in range(h):
        for x in range(w):
            if mask[y, x] and not seen[y, x]:
                parts += 1
                stack = [(y, x)]
                seen[y, x] = True
                while stack:
                    cy, cx = stack.pop()
                    for dy in (-1, 0, 1):
                        for dx in (-1, 0, 1):
                            ny, nx = cy + dy, cx + dx
                            if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                                seen[ny, nx] = True
                                stack.append((ny, nx))
    return parts


@settings(max_examples=150, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 12), st.integers(1, 12))))
def test_components_match_a_flood_fill(mask) -> None:
    labels, count = label_components(mask)
    assert count == flood_count(mask)
    assert set(np.unique(labels[mask])) == set(range(1, count + 1)) or count == 0
    # pixels that touch (8 ways) share a label
    h, w = mask.shape
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        for y in range(h - dy):
            for x in range(max(0, -dx), w - max(0, dx)):
                if mask[y, x] and mask[y + dy, x + dx]:
                    assert labels[y, x] == labels[y + dy, x + dx]


def test_divide_gives_each_part_a_region_and_small_islands_join_a_neighbour() -> None:
    regions = np.array(
        [
            [0, 0, N, N, N, N],
            [0, 0, N, N, N, N],
            [N, N, N, N, N, N],
        ],
        dtype=np.int16,
    )
    inside = grid(
        """
        ..##.#
        ..##..
        ......
        """
    )
    out = divide(regions, inside)
    np.testing.assert_array_equal(out, [[0, 0, 1, 1, N, 2], [0, 0, 1, 1, N, N], [N] * 6])
    # the one-pixel island at the right has no region beside it: it keeps its own
    out = divide(regions, inside, min_pixels=2)
    np.testing.assert_array_equal(out, [[0, 0, 1, 1, N, 2], [0, 0, 1, 1, N, N], [N] * 6])
    inside[0, 4] = True  # now the island touches the big part: it joins it
    inside[0, 5] = False
    inside[1, 4] = False
    out = divide(regions, inside, min_pixels=2)
    np.testing.assert_array_equal(out, [[0, 0, 1, 1, 1, N], [0, 0, 1, 1, N, N], [N] * 6])


def test_absorb_islands_takes_the_region_with_the_longest_border() -> None:
    regions = np.array([[0, 0, 5, 1], [0, 0, 1, 1]], dtype=np.int16)
    labels = np.array([[0, 0, 1, 0], [0, 0, 0, 0]], dtype=np.int32)  # pixel (0, 2) is an island
    out = absorb_islands(regions, labels, min_pixels=2)
    np.testing.assert_array_equal(out, [[0, 0, 1, 1], [0, 0, 1, 1]])  # 2 sides of 1, 1 of 0


def test_grow_fills_one_pixel_seams() -> None:
    regions = np.array([[0, N, 1], [0, N, 1], [N, N, N]], dtype=np.int16)
    np.testing.assert_array_equal(grow(regions), [[0, 0, 1], [0, 0, 1], [0, N, 1]])
    allowed = np.array([[1, 1, 1], [1, 1, 1], [0, 0, 0]], dtype=bool)
    np.testing.assert_array_equal(grow(regions, allowed), [[0, 0, 1], [0, 0, 1], [N, N, N]])


def test_order_near_to_far_and_renumber() -> None:
    regions = np.array([[3, 3, 7], [N, 7, 7]], dtype=np.int16)
    depth = np.array([[500, 500, 100], [0, 100, 100]], dtype=np.float32)
    valid = np.array([[1, 1, 1], [0, 1, 1]], dtype=bool)
    np.testing.assert_array_equal(order_near_to_far(regions, depth, valid), [[1, 1, 0], [N, 0, 0]])
    np.testing.assert_array_equal(renumber(regions), [[0, 0, 1], [N, 1, 1]])


def test_regions_from_split_flags_and_edits_over_them() -> None:
    split = np.array([[0, 1, -1], [1, 2, 2]], dtype=np.int16)
    flagged = from_splits(split, [0, N, 1])
    np.testing.assert_array_equal(flagged, [[0, N, N], [N, 1, 1]])
    edits = np.array([[INHERIT, 2, INHERIT], [INHERIT, N, INHERIT]], dtype=np.int16)
    np.testing.assert_array_equal(compose(flagged, edits), [[0, 2, N], [N, N, 1]])
    assert compose(flagged, None) is flagged


def test_every_split_with_pixels_becomes_a_region_near_to_far() -> None:
    from lib_dazdepth.engine.regions import split_pixel_counts, splits_as_regions
    from lib_dazdepth.engine.splits import SplitSet

    splits = SplitSet.from_bounds([100, 150, 160, 200, 300], [10, 10, 10, 10])
    splits = splits.set_flag(1, "region", "7")
    values = np.array([100, 120, 199.9, 250, 350], dtype=np.float32)  # 350: clamped in
    pixels = split_pixel_counts(values, splits.bounds)
    assert pixels == [2, 0, 1, 2]
    regions = [s.region for s in splits_as_regions(splits, pixels).splits]
    assert regions == [0, -1, 1, 2]


def test_select_connected_is_a_magic_wand_on_the_levels() -> None:
    from lib_dazdepth.engine.regions import combine, select_connected

    levels = np.array(
        [
            [10, 10, 50, 10],
            [11, 12, 50, 10],
            [30, 30, 50, 10],
        ]
    )
    valid = np.ones(levels.shape, dtype=bool)
    valid[0, 3] = False
    exact = select_connected(levels, valid, 0, 0)
    np.testing.assert_array_equal(exact, [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    loose = select_connected(levels, valid, 0, 0, tolerance=2)
    np.testing.assert_array_equal(loose, [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]])
    right = select_connected(levels, valid, 3, 2)  # the 10s on the right: not joined
    np.testing.assert_array_equal(right, [[0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1]])
    assert not select_connected(levels, valid, 3, 0).any()  # background: nothing
    both = combine(loose, right, "add")
    assert both.sum() == 6
    np.testing.assert_array_equal(combine(both, exact, "subtract"), loose & ~exact | right)
    np.testing.assert_array_equal(combine(None, right, "replace"), right)
    assert not combine(None, right, "subtract").any()
    with pytest.raises(ValueError, match="outside the 4x3 image"):
        select_connected(levels, valid, 4, 0)


def test_select_surface_takes_a_plane_in_one_click_whatever_its_depth() -> None:
    from lib_dazdepth.engine.regions import select_surface

    up, front = (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)
    tilted = (0.0, np.sin(np.radians(8)), np.cos(np.radians(8)))  # 8 degrees off the wall
    normals = np.array(
        [
            [front, front, tilted, front],
            [front, front, up, up],
            [up, up, up, (0, 0, 0)],
            [front, up, up, up],
        ],
        dtype=np.float32,
    )
    normals[2, 0] *= 3.0  # a normal's length does not matter
    valid = np.ones((4, 4), dtype=bool)
    valid[3, 3] = False
    floor = select_surface(normals, valid, 0, 2, degrees=5)
    expected = np.array(
        [[0, 0, 0, 0], [0, 0, 1, 1], [1, 1, 1, 0], [0, 1, 1, 0]],
        dtype=bool,  # the zero normal and the background are never taken
    )
    np.testing.assert_array_equal(floor, expected)
    wall = select_surface(normals, valid, 0, 0, degrees=5)
    np.testing.assert_array_equal(wall[0], [1, 1, 0, 0])
    assert wall.sum() == 4  # (3, 0) faces the camera too but touches the wall only via floor
    wider = select_surface(normals, valid, 0, 0, degrees=10)
    np.testing.assert_array_equal(wider[0], [1, 1, 1, 1])
    assert not select_surface(normals, valid, 3, 3).any()  # background
    assert not select_surface(normals, valid, 3, 2).any()  # no normal
    with pytest.raises(ValueError, match="outside the 4x4 image"):
        select_surface(normals, valid, 4, 0)

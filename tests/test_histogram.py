"""The reference's 20-bin histogram lines."""

from __future__ import annotations

import numpy as np

from lib_dazdepth.engine.histogram import depth_histogram, reference_lines


def test_bins_are_half_open_and_the_last_holds_the_maximum() -> None:
    values = np.array([0, 0.5, 1, 1.999, 2, 3.99, 4], dtype=np.float32)
    hist = depth_histogram(values, bins=4)  # edges 0, 1, 2, 3, 4
    assert hist.counts == (2, 2, 1, 2)
    assert reference_lines(hist) == [
        "** - 00 - 28.57% - 0.0 to 1.0",
        "** - 01 - 28.57% - 1.0 to 2.0",
        "** - 02 - 14.29% - 2.0 to 3.0",
        "** - 03 - 28.57% - 3.0 to 4.0",
    ]


def test_shares_are_of_all_pixels_and_background_is_reported_apart() -> None:
    hist = depth_histogram(np.array([1, 2], np.float32), bins=2, background=2)
    assert reference_lines(hist) == [
        "** - 00 - 25.00% - 1.0 to 1.5",
        "** - 01 - 25.00% - 1.5 to 2.0",
        "** background: 50.00% (2 pixels of no hit or invalid depth, not binned)",
    ]


def test_bounds_print_rounded_to_two_places_as_python_prints_floats() -> None:
    hist = depth_histogram(np.array([100, 520.004], np.float32), bins=20)
    lines = reference_lines(hist)
    assert len(lines) == 20
    assert lines[0] == "** - 00 - 50.00% - 100.0 to 121.0"
    assert lines[-1] == "** - 19 - 50.00% - 499.0 to 520.0"


def test_a_single_value_fills_the_last_bin() -> None:
    hist = depth_histogram(np.array([7, 7, 7], np.float32), bins=3)
    assert hist.counts == (0, 0, 3)

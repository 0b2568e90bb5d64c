"""Background: no hit, invalid values, and filtered edge mixes that would stretch the range."""

from __future__ import annotations

import numpy as np
import pytest

from lib_dazdepth.engine.background import BackgroundSettings, classify_background, dilate
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.errors import InputError

INF, NAN, HUGE = np.inf, np.nan, 3.4028235e38


def test_non_finite_non_positive_and_huge_values_are_background() -> None:
    depth = np.array([[100, NAN, INF, -INF, 0, -5, 2e9, 1e9]], dtype=np.float32)
    valid, report = classify_background(depth, BackgroundSettings(edge_tolerance=None))
    assert valid.tolist() == [[True, False, False, False, False, False, False, True]]
    assert (report.non_finite, report.non_positive, report.too_far) == (3, 2, 1)
    assert report.total == 6


def test_threshold_is_a_setting() -> None:
    depth = np.array([[100, 5000]], dtype=np.float32)
    valid, _ = classify_background(depth, BackgroundSettings(threshold=1000, edge_tolerance=None))
    assert valid.tolist() == [[True, False]]


def test_edge_mixes_with_no_hit_do_not_stretch_the_range() -> None:
    # A 7x7 object at 200 on a no-hit background of 1e10; a filter mixed a little of the
    # no-hit value into two edge pixels: 0.95 * 200 + 0.05 * 1e10 = 5e8 (< 1e9 threshold).
    depth = np.full((11, 11), 1e10, dtype=np.float32)
    depth[2:9, 2:9] = 200
    depth[2, 5] = 5e8 + 190
    depth[8, 3] = 2e7
    valid, report = classify_background(depth)
    assert report.edge_mixes == 2 and report.too_far == 121 - 49
    assert not valid[2, 5] and not valid[8, 3] and valid[2, 4]
    assert from_array(depth).max == 200.0


def test_edge_pixels_on_the_surface_itself_are_kept() -> None:
    # A tilted plane reaching the no-hit area: its edge pixels are within tolerance.
    depth = np.tile(np.linspace(100, 130, 12, dtype=np.float32), (12, 1))
    depth[:, -1] = HUGE
    valid, report = classify_background(depth)
    assert report.edge_mixes == 0
    assert valid[:, :-1].all()


def test_edge_rule_can_be_switched_off() -> None:
    depth = np.full((9, 9), HUGE, dtype=np.float32)
    depth[1:8, 1:8] = 200
    depth[1, 4] = 5e8
    _, report = classify_background(depth, BackgroundSettings(edge_tolerance=None))
    assert report.edge_mixes == 0


def test_dilation_is_a_square_of_the_given_radius() -> None:
    mask = np.zeros((7, 7), bool)
    mask[3, 3] = True
    grown = dilate(mask, 2)
    assert grown.sum() == 25 and grown[1:6, 1:6].all()


def test_an_all_background_image_is_refused_with_the_reason() -> None:
    with pytest.raises(InputError, match=r"scene.exr: every pixel is background \(4 beyond"):
        from_array(np.full((2, 2), HUGE, np.float32), "scene.exr")


@pytest.mark.parametrize("threshold", [0, -1, float("inf"), float("nan")])
def test_bad_settings_are_refused(threshold) -> None:
    with pytest.raises(ValueError, match="threshold"):
        BackgroundSettings(threshold=threshold)


@pytest.mark.parametrize(("far", "mix"), [(950.0, True), (1000.0, False)])
def test_the_farthest_depth_away_from_background_counts_rows_read_once(far, mix) -> None:
    """4096 wide, so the scan reads 64 rows at a time and keeps each whole valid block's
    max: the reference for edge mixes takes them from there. A pixel at 1100 beside a
    band of no hit is a mix when every depth away from it is at most 950 (1100 > 950 *
    1.1), not when a pixel far below it, in a block the scan read whole, is at 1000."""
    depth = np.full((300, 4096), 500.0, dtype=np.float32)
    depth[100:104] = 1e10  # no hit
    depth[104, 2000] = 1100.0  # beside it
    depth[290, 7] = far  # the farthest away from the band, rows 256-299 a whole block
    valid, report = classify_background(depth)
    assert report.edge_mixes == int(mix) and valid[104, 2000] is np.bool_(not mix)
    assert report.too_far == 4 * 4096

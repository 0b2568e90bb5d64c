"""Edge repair: silhouette pixels mostly covered by an object get the object's depth."""

from __future__ import annotations

import numpy as np
import pytest

from lib_dazdepth.engine.background import BackgroundSettings
from lib_dazdepth.engine.depthmap import from_array
from lib_dazdepth.engine.edges import no_hit_value, repair_edges
from lib_dazdepth.engine.sample import render_scene

FLOAT_MAX = np.float32(3.4028235e38)


def mixed(coverage: float, no_hit: float, obj: float = 200.0) -> np.float32:
    return np.float32(coverage * obj + (1 - coverage) * no_hit)


@pytest.mark.parametrize("no_hit", [float(FLOAT_MAX), 1e10])
def test_mostly_covered_pixels_take_the_object_depth(no_hit) -> None:
    # A 3x3 object at 200 (its centre 190) in a no-hit field; to its right a column of
    # filtered pixels covered 90 %, 60 %, 40 %; one more with 10 % below the object.
    depth = np.full((7, 8), no_hit, dtype=np.float32)
    depth[2:5, 2:5] = 200
    depth[3, 3] = 190
    depth[2, 5], depth[3, 5], depth[4, 5] = (mixed(c, no_hit) for c in (0.9, 0.6, 0.4))
    depth[5, 3] = mixed(0.1, no_hit)
    settings = BackgroundSettings(repair_edges=True)
    repaired = from_array(depth, settings=settings)
    assert repaired.valid[2, 5] and repaired.valid[3, 5]
    assert not repaired.valid[4, 5] and not repaired.valid[5, 3]
    assert repaired.depth[2, 5] == 200 and repaired.depth[3, 5] == 200  # nearest neighbour
    assert repaired.background.repaired == 2
    assert repaired.background.total == depth.size - 9 - 2
    assert (repaired.min, repaired.max) == (190.0, 200.0)
    plain = from_array(depth)
    assert not plain.valid[2, 5] and plain.background.repaired == 0


def test_the_no_hit_value_is_the_commonest_background_value() -> None:
    depth = np.array([[1, 5e10, 5e10, 7e10, np.inf, np.inf, np.inf]], dtype=np.float32)
    valid = np.array([[True] + [False] * 6])
    assert no_hit_value(depth, valid) == pytest.approx(5e10)
    assert no_hit_value(depth[:, :1], valid[:, :1]) is None


def test_infinite_no_hit_carries_no_coverage_and_nothing_is_repaired() -> None:
    depth = np.full((4, 4), np.inf, dtype=np.float32)
    depth[1:3, 1:3] = 100
    valid = np.isfinite(depth)
    fixed, fixed_valid, count = repair_edges(depth, valid)
    assert count == 0 and (fixed_valid == valid).all()
    np.testing.assert_array_equal(fixed, depth)


def test_the_sample_scenes_silhouettes_against_no_hit_come_back() -> None:
    scene = render_scene(160)
    plain = from_array(scene.depth)
    repaired = from_array(scene.depth, settings=BackgroundSettings(repair_edges=True))
    gained = repaired.valid & ~plain.valid
    assert repaired.background.repaired == gained.sum() > 0
    # every repaired pixel sits next to a valid pixel and lies in the scene's range
    assert (repaired.depth[gained] >= plain.min).all()
    assert (repaired.depth[gained] <= plain.max).all()
    assert (repaired.min, repaired.max) == (plain.min, plain.max)

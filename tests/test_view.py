"""The view the tab draws when the splits cannot be mapped (over 256 levels)."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image
from test_workspace import RAMP, workspace

from lib_dazdepth.editing.view import build_view
from lib_dazdepth.engine.splits import SplitSet


def preview_pixels(view: dict) -> np.ndarray:
    data = base64.b64decode(view["preview"]["src"].split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)))


def test_over_256_levels_keeps_the_shares_and_the_last_map_that_fit() -> None:
    ws = workspace()
    ws.apply([{"op": "add", "depth": 175}])  # 192 + 64 levels
    fitting = build_view(ws)
    assert fitting["preview"]["stale"] is False
    ws.apply([{"op": "allocate", "split": 1, "levels": 100}])  # 292 levels
    view = build_view(ws)
    assert view["status"] == "Failure to map: 292 levels allocated."
    assert view["message"] == {
        "kind": "error",
        "text": "292 of 256 levels are given out: take 36 off some split (the Levels column)."
        " The preview shows the last map that fit until then.",
    }
    assert view["preview"]["stale"] is True
    np.testing.assert_array_equal(preview_pixels(view), preview_pixels(fitting))
    assert [r["share"] for r in view["splits"]] == [r["share"] for r in fitting["splits"]]
    assert [r["pixels"] for r in view["splits"]] == [RAMP.size * 3 // 4, RAMP.size // 4]
    assert [r["greys"] for r in view["splits"]] == [None, None]


def test_over_256_levels_from_the_start_shows_black_and_says_so() -> None:
    ws = workspace()
    ws.splits = SplitSet.from_bounds([100, 150, 200.01], [200, 100])
    view = build_view(ws)
    assert view["preview"]["stale"] is True and not preview_pixels(view).any()
    assert view["message"]["kind"] == "error"


def test_the_line_says_what_the_map_is_now_and_warns_when_it_is_all_black() -> None:
    ws = workspace()
    ws.apply([{"op": "add", "depth": 175}])  # 192 + 64 levels
    assert build_view(ws)["message"] == {
        "kind": "info",
        "text": "2 splits, 256 of 256 grey levels given out",
    }
    ws.apply(
        [{"op": "allocate", "split": 0, "levels": 0}, {"op": "allocate", "split": 1, "levels": 0}]
    )
    view = build_view(ws)
    assert view["status"] == "Success"
    assert view["message"] == {
        "kind": "warning",
        "text": "No split has grey levels: the map is all black. Give a split levels (the Levels"
        " column) or press Auto splits.",
    }
    assert not preview_pixels(view).any()

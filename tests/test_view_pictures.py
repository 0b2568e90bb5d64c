"""The view JSON's pictures (editing/view.py): the preview, the depth samples the page
draws from, the wand's selection and the render."""

from __future__ import annotations

import base64
import io

import numpy as np

from lib_dazdepth.editing.view import build_view
from lib_dazdepth.editing.workspace import PREVIEW_MAX, Workspace, sample_rows_cols
from lib_dazdepth.engine.depthmap import from_array


def picture(url: str) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as image:
        return np.asarray(image)


def wide_scene() -> tuple[np.ndarray, np.ndarray]:
    """Wider than the preview, so the preview samples it; no hit in one corner."""
    rows, cols = np.mgrid[0:30, 0:1100]
    depth = (100 + cols * 0.25 + rows).astype(np.float32)
    depth[:5, :40] = 1e10
    beauty = np.stack([rows * 8, cols % 256, np.full_like(cols, 77)], axis=2).astype(np.uint8)
    return depth, beauty


def test_the_grid_is_the_previews_own_depth_samples() -> None:
    depth, beauty = wide_scene()
    ws = Workspace(from_array(depth, "wide-Canvas2-Depth.exr"), beauty=beauty)
    view = build_view(ws, with_grid=True)
    rows, cols = sample_rows_cols(30, 1100, PREVIEW_MAX)
    assert (view["preview"]["width"], view["preview"]["height"]) == (cols.size, rows.size)
    assert (view["grid"]["width"], view["grid"]["height"]) == (cols.size, rows.size) == (1024, 28)
    grid = np.frombuffer(base64.b64decode(view["grid"]["data"]), "<f4").reshape(28, 1024)
    expected = depth[np.ix_(rows, cols)]
    expected[~ws.depth_map.valid[np.ix_(rows, cols)]] = np.nan
    np.testing.assert_array_equal(grid, expected)  # NaN where no hit
    np.testing.assert_array_equal(picture(view["beauty"]["src"]), beauty[np.ix_(rows, cols)])
    later = build_view(ws)
    assert "grid" not in later and "beauty" not in later  # sent when the depth changes


def test_the_selection_comes_apart_from_the_preview_and_ends_with_the_action() -> None:
    depth = np.full((6, 8), 500.0, dtype=np.float32)
    depth[1:3, 1:3] = 100.0
    ws = Workspace(from_array(depth, "two-Canvas2-Depth.exr"))
    plain = build_view(ws)
    assert plain["selection"] is None
    ws.apply([{"op": "select_at", "x": 1, "y": 1}])
    view = build_view(ws)
    assert view["preview"]["src"] == plain["preview"]["src"]  # nothing drawn into the map
    mask = picture(view["selection"]["src"])
    np.testing.assert_array_equal(mask == 255, depth == 100.0)
    assert set(np.unique(mask)) == {0, 255}
    ws.apply([{"op": "assign_selection", "region": 0}])
    assert build_view(ws)["selection"] is None

"""The view the front-end draws (docs/ui-protocol.md), built from a Workspace."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..engine.splits import MAX_LEVELS
from .region_preview import legend, region_summary
from .workspace import GRID_MAX, Workspace, sample_rows_cols


def png_data_url(image: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def depth_grid(workspace: Workspace) -> dict[str, Any]:
    """Depth at a coarse resolution for the hover readout; NaN on background."""
    dm = workspace.depth_map
    rows, cols = sample_rows_cols(dm.height, dm.width, GRID_MAX)
    grid = dm.depth[np.ix_(rows, cols)].astype("<f4")
    grid[~dm.valid[np.ix_(rows, cols)]] = np.nan
    data = base64.b64encode(grid.tobytes()).decode("ascii")
    return {"width": int(cols.size), "height": int(rows.size), "data": data}


def message(kind: str, text: str) -> dict[str, str]:
    return {"kind": kind, "text": text}


def empty_view(seq: int = 0, note: dict[str, str] | None = None) -> dict[str, Any]:
    text = "Drop the canvases (at least the Depth EXR) to start."
    return {"seq": seq, "loaded": False, "message": note or message("info", text)}


def build_view(
    workspace: Workspace | None,
    seq: int = 0,
    note: dict[str, str] | None = None,
    with_grid: bool = False,
) -> dict[str, Any]:
    if workspace is None:
        return empty_view(seq, note)
    ws, dm = workspace, workspace.depth_map
    splits = ws.splits
    status = splits.mapping_status()
    layer = ws.layer(ws.show)
    if layer is None:  # over 256 levels: show the last good map's shape, greyed
        layer = np.zeros(ws.small_depth.shape, dtype=np.uint8)
    view: dict[str, Any] = {
        "seq": seq,
        "loaded": True,
        "message": note or message("info" if status == "Success" else "error", status),
        "image": {"name": Path(dm.path).name, "width": dm.width, "height": dm.height},
        "range": {"min": dm.min, "max": dm.max},
        "background": {
            "count": dm.background.total,
            "share": round(dm.background.total / dm.depth.size * 100, 2),
        },
        "histogram": ws.histogram(),
        "splits": ws.split_rows(),
        "total_levels": splits.total_levels,
        "max_levels": MAX_LEVELS,
        "status": status,
        "curve": splits.curve,
        "compress": splits.compress,
        "selected": ws.selected,
        "show": ws.show,
        "layers": ws.layers(),
        "preview": {"width": layer.shape[1], "height": layer.shape[0], "src": png_data_url(layer)},
        "region_edits": ws.region_edits is not None,
        "painted_pixels": ws.painted_pixels,
        "selected_pixels": int(np.count_nonzero(ws.selection)) if ws.selection is not None else 0,
        "can_undo": bool(ws.undo_stack),
        "can_redo": bool(ws.redo_stack),
    }
    plan, problem = ws.region_plan()
    view["regions"] = region_summary(plan, problem, dm)
    objects = ws.objects
    view["ids"] = (
        {"source": objects.source, "objects": len(objects.keys), "used": bool(splits.id_regions)}
        if objects is not None
        else None
    )
    if ws.show == "reading":
        view["reading"] = legend(ws.regions.reading(ws.region_inputs()))
    if with_grid:
        view["grid"] = depth_grid(ws)
    return view


def dumps(view: dict[str, Any]) -> str:
    # NaN never appears outside the base64 grid; allow_nan=False guards the JSON.
    return json.dumps(view, allow_nan=False, separators=(",", ":"))

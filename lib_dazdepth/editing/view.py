"""The view the front-end draws (docs/ui-protocol.md), built from a Workspace."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..engine.regions import split_pixel_counts
from ..engine.splits import MAX_LEVELS, SplitSet
from .region_preview import legend, region_summary
from .workspace import Workspace


def png_data_url(image: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def depth_grid(workspace: Workspace) -> dict[str, Any]:
    """The preview's depth samples, float32 cm (NaN on background): the page reads them
    out under the pointer and maps them itself while a boundary is dragged (the same
    arithmetic as ``engine.index``, so the same greys as ``preview``)."""
    grid = workspace.small_depth.astype("<f4")  # a copy
    grid[~workspace.small_valid] = np.nan
    data = base64.b64encode(grid.tobytes()).decode("ascii")
    return {"width": grid.shape[1], "height": grid.shape[0], "data": data}


def selection_mask(workspace: Workspace) -> dict[str, Any] | None:
    """The wand's selection at preview size, a PNG white where selected (the page draws
    it over any layer), or None without one."""
    picked = workspace.sampled(workspace.selection)
    if picked is None or not picked.any():
        return None
    mask = np.where(picked, np.uint8(255), np.uint8(0))
    return {"width": mask.shape[1], "height": mask.shape[0], "src": png_data_url(mask)}


def message(kind: str, text: str) -> dict[str, str]:
    return {"kind": kind, "text": text}


def over_message(splits: SplitSet) -> str:
    """What to fix when the levels do not fit in 256 greys (the preview keeps the last map)."""
    extra = splits.total_levels - MAX_LEVELS
    return (
        f"{splits.total_levels} of {MAX_LEVELS} levels are given out: take {extra} off some"
        " split (the Levels column). The preview shows the last map that fit until then."
    )


def idle_splits(workspace: Workspace, rows: list[dict[str, Any]]) -> list[int]:
    """The splits that keep grey levels but hold no pixel of the full image (``rows``:
    the view's split rows, counted on the preview's sample; a split empty there is
    counted again at full size, so a sliver the sample missed is not named)."""
    levels = [split.levels for split in workspace.splits.splits]
    maybe = [i for i, row in enumerate(rows) if row["pixels"] == 0 and levels[i] > 0]
    if not maybe:
        return []
    counts = split_pixel_counts(workspace.depth_map.valid_values(), workspace.splits.bounds)
    return [i for i in maybe if counts[i] == 0]


def idle_message(splits: SplitSet, idle: list[int]) -> str:
    """The warning naming the splits whose levels go to no pixel."""
    given = sum(splits.splits[i].levels for i in idle)
    names = ", ".join(str(i) for i in idle)
    one = len(idle) == 1
    who = f"Split {names} holds" if one else f"Splits {names} hold"
    return (
        f"{who} no pixels but {'keeps' if one else 'keep'} {given} of {MAX_LEVELS} grey"
        f" levels: move a boundary to give {'it' if one else 'them'} depths, or take the"
        " levels off (the Levels column)."
    )


def state_message(splits: SplitSet, status: str, idle: list[int] = ()) -> dict[str, str]:
    """The line shown when a command has nothing of its own to say: what the map is now.
    ``idle``: the splits holding no pixel but grey levels (``idle_splits``)."""
    if status != "Success":
        return message(
            "error", over_message(splits) if splits.total_levels > MAX_LEVELS else status
        )
    if splits.total_levels == 0:
        return message(
            "warning",
            "No split has grey levels: the map is all black. Give a split levels (the Levels"
            " column) or press Auto splits.",
        )
    if idle:
        return message("warning", idle_message(splits, list(idle)))
    count = len(splits.splits)
    return message(
        "info",
        f"{count} split{'s' * (count != 1)}, {splits.total_levels} of {MAX_LEVELS} grey levels"
        " given out",
    )


def empty_view(seq: int = 0, note: dict[str, str] | None = None) -> dict[str, Any]:
    text = "Drop the canvases (at least the Depth EXR) to start."
    return {"seq": seq, "loaded": False, "message": note or message("info", text)}


def build_view(
    workspace: Workspace | None,
    seq: int = 0,
    note: dict[str, str] | None = None,
    with_grid: bool = False,
) -> dict[str, Any]:
    """The view JSON (docs/ui-protocol.md); ``with_grid``: with the depth samples and the
    render, sent when the depth changed."""
    if workspace is None:
        return empty_view(seq, note)
    ws, dm = workspace, workspace.depth_map
    splits = ws.splits
    status = splits.mapping_status()
    stale = status != "Success"  # the preview is the last map that fit, or black
    layer = ws.layer(ws.show)
    if layer is None:
        layer = np.zeros(ws.small_depth.shape, dtype=np.uint8)
    rows = ws.split_rows()
    view: dict[str, Any] = {
        "seq": seq,
        "loaded": True,
        "message": note or state_message(splits, status, idle_splits(ws, rows)),
        "image": {"name": Path(dm.path).name, "width": dm.width, "height": dm.height},
        "canvases": {  # the files in use (a canvas left out for its size is not)
            role: path.name if (path := ws.canvases.get(role)) and used else None
            for role, used in (
                ("depth", True),
                ("normal", ws.normal is not None),
                ("beauty", ws.beauty is not None),
                ("ids", ws.objects is not None),
            )
        },
        "range": {"min": dm.min, "max": dm.max, "unit": dm.unit},
        "background": {
            "count": dm.background.total,
            "share": round(dm.background.total / dm.depth.size * 100, 2),
        },
        "histogram": ws.histogram(),
        "splits": rows,
        "total_levels": splits.total_levels,
        "max_levels": MAX_LEVELS,
        "status": status,
        "curve": splits.curve,
        "compress": splits.compress,
        "selected": ws.selected,
        "show": ws.show,
        "layers": ws.layers(),
        "preview": {
            "width": layer.shape[1],
            "height": layer.shape[0],
            "src": png_data_url(layer),
            "stale": stale,
        },
        "selection": selection_mask(ws),
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
        beauty = ws.layer("beauty")
        if beauty is not None:
            view["beauty"] = {"width": beauty.shape[1], "height": beauty.shape[0]}
            view["beauty"]["src"] = png_data_url(beauty)
    return view


def dumps(view: dict[str, Any]) -> str:
    # NaN never appears outside the base64 grid; allow_nan=False guards the JSON.
    return json.dumps(view, allow_nan=False, separators=(",", ":"))

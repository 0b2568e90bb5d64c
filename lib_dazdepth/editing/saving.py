"""Saving a session's maps at full size: the reference's names, never replacing a file.

All files of one save share a name: ``NAME.depth.png``, ``NAME.test.png``, ... or, when
any of those exists already, ``NAME.1.depth.png``, ``NAME.1.test.png``, ... (the first
number free for all of them), so a set saved together is recognisable as one.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from ..engine.maps import MapOptions, depth_outputs, has_regions, test_outputs
from ..engine.normals import NormalSettings, encode_normals
from ..engine.outputs import Output, json_bytes, output_path, write_outputs
from ..engine.presets import to_document
from .edits import (
    DEPTH_EDITS_KEY,
    EDITS_KEY,
    depth_edits_output,
    depth_sidecar_name,
    edits_output,
    sidecar_name,
)
from .workspace import Workspace


def dated_folder(root: str | Path, today: datetime.date | None = None) -> Path:
    """``ROOT/YYYY-MM-DD``, as the webui files its outputs."""
    return Path(root) / (today or datetime.date.today()).isoformat()


def free_stem(folder: Path, name: str, kinds: list[str]) -> Path:
    """``folder/name`` or ``folder/name.N``: the first whose files all do not exist."""
    number = 0
    while True:
        stem = folder / (name if number == 0 else f"{name}.{number}")
        if not any(os.path.lexists(_target(stem, kind)) for kind in kinds):
            return stem
        number += 1


def _target(stem: Path, kind: str) -> Path:
    if kind in ("edits", "depth-edits"):
        return stem.with_name(f"{stem.name}.{kind}.png")
    return stem.with_name(f"{stem.name}.json") if kind == "preset" else output_path(stem, kind)


def save_maps(
    workspace: Workspace, folder: Path, normal_settings: NormalSettings | None = None
) -> list[Path]:
    """Write depth, mask, test (if any split has a test colour), regions (if any split has
    a region), normal (if a Normal canvas is loaded) and the preset. Returns the paths."""
    splits = workspace.splits.record_offsets()
    dm = workspace.depth_map
    edits = workspace.region_edits
    regions = has_regions(splits, edits, workspace.objects)
    tests = any(s.test_colour for s in splits.splits)
    kinds = ["depth", "mask"] + ["regions"] * regions + ["test"] * tests
    kinds += ["normal"] * (workspace.normal is not None) + ["preset"]
    kinds += _edit_kinds(workspace)
    stem = free_stem(folder, Path(dm.path).stem, kinds)
    options = MapOptions(regions=regions, mask=True)
    outputs = depth_outputs(dm, splits, options, stem, edits=edits, objects=workspace.objects)
    if tests:
        outputs += test_outputs(dm, splits, stem)
    if workspace.normal is not None:
        rgb = encode_normals(workspace.normal, normal_settings or NormalSettings(), ~dm.valid)
        outputs.append(Output(output_path(stem, "normal"), rgb))
    outputs += preset_outputs(workspace, splits, stem)
    return [written.path for written in write_outputs(outputs)]


def preset_outputs(workspace: Workspace, splits, stem: Path) -> list[Output]:
    """The preset JSON, and its region and depth edits files when there are edits."""
    document = to_document(splits, {"file": Path(workspace.depth_map.path).name})
    target = _target(stem, "preset")
    outputs = []
    if workspace.region_edits is not None:
        document[EDITS_KEY] = sidecar_name(target)
        outputs.append(edits_output(target, workspace.region_edits))
    if workspace.depth_edits is not None:
        document[DEPTH_EDITS_KEY] = depth_sidecar_name(target)
        outputs.append(depth_edits_output(target, workspace.depth_edits))
    return [Output(target, data=json_bytes(document)), *outputs]


def _edit_kinds(workspace: Workspace) -> list[str]:
    kinds = ["edits"] * (workspace.region_edits is not None)
    return kinds + ["depth-edits"] * (workspace.depth_edits is not None)


def save_preset(workspace: Workspace, folder: Path) -> list[Path]:
    """The preset (and its edits files, when there are edits); the JSON first."""
    name = Path(workspace.depth_map.path).stem
    kinds = ["preset", *_edit_kinds(workspace)]
    stem = free_stem(folder, name, kinds)
    return [w.path for w in write_outputs(preset_outputs(workspace, workspace.splits, stem))]

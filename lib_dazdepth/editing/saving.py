"""Saving a session's maps at full size: the reference's names, never replacing a file.

All files of one piece of work share a name: ``NAME.depth.png``, ``NAME.test.png``,
``NAME.json``, ... or, when a file of that name holds something else, ``NAME.1.depth.png``,
``NAME.1.json``, ... (the first number whose files are free or already hold exactly what
would be written). So the maps saved after "Save preset", with no change between, go under
the preset's name, a save repeated unchanged writes nothing new, and a changed save never
replaces an earlier one.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..engine.maps import MapOptions, depth_outputs, has_regions, test_outputs
from ..engine.normals import NormalSettings, encode_normals
from ..engine.outputs import Output, encode_png, json_bytes, output_path, write_outputs
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


@dataclass(frozen=True)
class Saved:
    """A save: every file of it, in order, and those written now; the others an earlier
    save of the same work holds already, byte for byte (left as they are)."""

    paths: list[Path]
    written: list[Path]

    @property
    def kept(self) -> list[Path]:
        return [p for p in self.paths if p not in self.written]

    def said(self, what: str = "") -> str:
        """The status line: what was written where, and what an earlier save of the same
        work holds. ``what`` names the save ("the preset"; by default the file count)."""
        folder = self.paths[0].parent if self.paths else "nowhere"
        kept = ", ".join(p.name for p in self.kept)
        if not self.written:
            hold = "holds" if len(self.kept) == 1 else "hold"
            return f"Nothing new to save: {kept} in {folder} already {hold} this work"
        count = f"{len(self.written)} files" if len(self.written) > 1 else "1 file"
        text = f"Saved {what or count} to {folder}: {', '.join(p.name for p in self.written)}"
        return f"{text}; beside {kept}, saved before from this work" if kept else text


class _Contents:
    """The bytes each output would be written as, encoded once, when first compared."""

    def __init__(self) -> None:
        # by the image's id, holding the image so that no other array takes its id
        self._encoded: dict[int, tuple[np.ndarray, bytes]] = {}

    def of(self, output: Output) -> bytes:
        if output.data is not None:
            return output.data
        if id(output.image) not in self._encoded:
            buffer = io.BytesIO()
            encode_png(output.image, buffer, output.text)
            self._encoded[id(output.image)] = (output.image, buffer.getvalue())
        return self._encoded[id(output.image)][1]

    def held(self, output: Output) -> bool:
        """Whether the file at ``output.path`` (a regular file) holds exactly these bytes."""
        try:
            if not stat.S_ISREG(os.lstat(output.path).st_mode):
                return False
            contents = self.of(output)
            if os.path.getsize(output.path) != len(contents):
                return False
            with open(output.path, "rb") as handle:
                return handle.read() == contents
        except OSError:
            return False

    def ready(self, output: Output) -> Output:
        """The output as written: its encoding when it was made for a comparison."""
        held = self._encoded.get(id(output.image)) if output.data is None else None
        return output if held is None else dataclasses.replace(output, image=None, data=held[1])


def save_under_one_name(
    folder: Path, name: str, outputs_at: Callable[[Path], list[Output]]
) -> Saved:
    """Write the outputs of one piece of work (``outputs_at(stem)``) under ``folder/name``
    or ``folder/name.N``: the first number whose files are each absent or already hold
    exactly what would be written (a preset saved alone, then the maps of the same work:
    one name). Files that differ are never replaced: they take the next number."""
    contents = _Contents()
    number = 0
    while True:
        stem = folder / (name if number == 0 else f"{name}.{number}")
        outputs = outputs_at(stem)
        # the cheap comparisons first: a differing JSON rules the number out unencoded
        checked = sorted(outputs, key=lambda o: o.data is None)
        fresh = [o for o in checked if not os.path.lexists(o.path)]
        there = [o for o in checked if all(o is not f for f in fresh)]
        if all(contents.held(o) for o in there):
            written = write_outputs([contents.ready(o) for o in fresh])
            done = {o.path: w.path for o, w in zip(fresh, written)}
            in_order = [done.get(o.path, o.path) for o in outputs]
            return Saved(in_order, [done[o.path] for o in outputs if o.path in done])
        number += 1


def save_maps(
    workspace: Workspace, folder: Path, normal_settings: NormalSettings | None = None
) -> Saved:
    """Write depth, mask, test (if any split has a test colour), regions (if any split has
    a region), normal (if a Normal canvas is loaded) and the preset (``save_under_one_name``).
    Returns what was written where."""
    splits = workspace.splits.record_offsets()
    dm = workspace.depth_map
    edits = workspace.region_edits
    regions = has_regions(splits, edits, workspace.objects)
    tests = any(s.test_colour for s in splits.splits)
    name = Path(dm.path).stem
    base = folder / name
    options = MapOptions(regions=regions, mask=True)
    maps = depth_outputs(dm, splits, options, base, edits=edits, objects=workspace.objects)
    if tests:
        maps += test_outputs(dm, splits, base)
    if workspace.normal is not None:
        rgb = encode_normals(workspace.normal, normal_settings or NormalSettings(), ~dm.valid)
        maps.append(Output(output_path(base, "normal"), rgb))

    def outputs_at(stem: Path) -> list[Output]:
        moved = [dataclasses.replace(o, path=_moved(o.path, base, stem)) for o in maps]
        return moved + preset_outputs(workspace, workspace.splits, stem)

    return save_under_one_name(folder, name, outputs_at)


def _moved(path: Path, base: Path, stem: Path) -> Path:
    """``base.kind.png`` as ``stem.kind.png``."""
    return stem.with_name(stem.name + path.name[len(base.name) :])


def preset_outputs(workspace: Workspace, splits, stem: Path) -> list[Output]:
    """The preset JSON, and its region and depth edits files when there are edits."""
    document = to_document(splits, {"file": Path(workspace.depth_map.path).name})
    target = stem.with_name(f"{stem.name}.json")
    outputs = []
    if workspace.region_edits is not None:
        document[EDITS_KEY] = sidecar_name(target)
        outputs.append(edits_output(target, workspace.region_edits))
    if workspace.depth_edits is not None:
        document[DEPTH_EDITS_KEY] = depth_sidecar_name(target)
        outputs.append(depth_edits_output(target, workspace.depth_edits))
    return [Output(target, data=json_bytes(document)), *outputs]


def save_preset(workspace: Workspace, folder: Path) -> Saved:
    """The preset (and its edits files, when there are edits); the JSON first. The maps
    saved after it, with no change between, take its name (and it theirs)."""
    name = Path(workspace.depth_map.path).stem
    return save_under_one_name(
        folder, name, lambda stem: preset_outputs(workspace, workspace.splits, stem)
    )

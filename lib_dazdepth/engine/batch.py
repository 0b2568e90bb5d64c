"""Batches of frames (animations): one split setup in absolute depths for every frame.

Frames are found in files, folders and glob patterns, and their canvases paired by name:
the frame's key is the file name without its ``-CanvasN-Type`` part, so
``anim-Canvas2-Depth.0007.exr`` and ``anim-Canvas3-Normal.0007.exr`` are frame
``anim.0007``. A manifest in the output folder remembers each finished frame with a
fingerprint of its inputs, preset and options, so a rerun skips it.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .background import BackgroundSettings
from .canvases import Reading, is_distance, read_extra, role_of
from .depthmap import DepthMap, load_depth_map
from .errors import DazDepthError, InputError, OutputError
from .exr import DEFAULT_MAX_PIXELS
from .files import kind_of, read_capped
from .ids import ID_WORDS, check_size, read_ids
from .maps import MapOptions, map_outputs
from .normals import NormalSettings, encode_normals
from .outputs import Output, output_path, temp_beside, write_outputs
from .presets import dumps
from .splits import SplitSet

MANIFEST = ".dazdepth-batch.json"
MANIFEST_BYTES = 64 * 1024 * 1024
ROLE_WORDS = f"depth|distance|normal|beauty|{ID_WORDS}|alpha"
CANVAS_PART = re.compile(rf"-canvas\d+-({ROLE_WORDS})(?![a-z])", re.IGNORECASE)
ROLE_WORD = re.compile(rf"[-_ .]({ROLE_WORDS})$", re.IGNORECASE)


@dataclass(frozen=True)
class Frame:
    key: str  # the frame's name, after its folder (relative to the inputs' common folder)
    depth: Path
    normal: Path | None = None
    folder: str = ""  # that relative folder ("" for the common folder): outputs mirror it
    ids: tuple[Path, ...] = ()  # its ID canvas, or its Alpha canvases (one per object)


@dataclass(frozen=True)
class FrameResult:
    key: str
    status: str  # "done" | "skipped" | "failed"
    message: str = ""
    clipped: int = 0
    fingerprint: str = ""


def expand(inputs: list[str]) -> list[Path]:
    """Files, folders (searched recursively) and glob patterns, as a sorted list."""
    found: set[Path] = set()
    for item in inputs:
        matches = glob.glob(item, recursive=True) if glob.has_magic(item) else [item]
        if not matches:
            raise InputError(item, "matches no file")
        for match in map(Path, matches):
            if match.is_dir():
                found.update(p for p in match.rglob("*") if p.is_file())
                continue
            try:
                mode = match.stat().st_mode
            except FileNotFoundError:
                raise InputError(match, "file not found") from None
            except OSError as error:
                raise InputError(match, f"cannot read ({error.strerror})") from None
            if not stat.S_ISREG(mode):  # a FIFO would hang the frame's reader
                raise InputError(match, f"is {kind_of(mode)}, not a regular file")
            found.add(match)
    return sorted(found)


def canvas_role(path: Path) -> str | None:
    """depth/distance/normal/beauty/ids, also for numbered frames
    (``anim-Canvas2-Depth.0007.exr``). A Distance canvas serves as the frame's depth when it
    has no Depth canvas."""
    match = CANVAS_PART.search(path.name)
    if match and path.suffix.lower() == ".exr":
        word = match.group(1).lower()
        return word if word in ("depth", "distance", "normal", "beauty") else "ids"
    role = role_of(path)
    return "distance" if role == "depth" and is_distance(path) else role


def frame_key(path: Path) -> str:
    """The frame a canvas belongs to: its name without the canvas and role parts."""
    name = CANVAS_PART.sub("", path.name[: -len(path.suffix)] if path.suffix else path.name)
    return ROLE_WORD.sub("", name)


def pair_frames(paths: list[Path]) -> list[Frame]:
    """One frame per Depth canvas, with the Normal canvas and the ID canvases of the same key
    in the same folder if there are any. Keys include the folder (relative to the canvases'
    common folder), so frames of one name in two folders are two frames; two canvases of one
    role for one frame (``a.exr`` and ``a.EXR``) are refused rather than one silently dropped."""
    roles = {path: canvas_role(path) for path in paths}
    depth_folders = [p.parent for p, role in roles.items() if role in ("depth", "distance")]
    root = Path(os.path.commonpath([str(f) for f in depth_folders])) if depth_folders else None
    found: dict[str, dict[tuple[str, str], Path]] = {"depth": {}, "distance": {}, "normal": {}}
    ids: dict[tuple[str, str], list[Path]] = {}
    for path, role in roles.items():
        if role not in found and role != "ids":
            continue
        folder = _relative_folder(path.parent, root)
        if folder is None:  # a canvas outside the depth canvases' folders
            continue
        slot = (folder, frame_key(path))
        if role == "ids":
            ids.setdefault(slot, []).append(path)
            continue
        other = found[role].setdefault(slot, path)
        if other != path:
            raise InputError(path, f"and {other} are both the {role} canvas of one frame")
    depths, normals = {**found["distance"], **found["depth"]}, found["normal"]
    return [
        Frame(
            f"{folder}/{key}" if folder else key,
            depths[folder, key],
            normals.get((folder, key)),
            folder,
            tuple(_id_set(ids.get((folder, key), []))),
        )
        for folder, key in sorted(depths)
    ]


def _relative_folder(folder: Path, root: Path | None) -> str | None:
    if root is None:
        return None
    try:
        relative = folder.relative_to(root).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative


def _id_set(paths: list[Path]) -> list[Path]:
    """One ID canvas (the first by name that is not an Alpha canvas), else the Alphas."""
    ordered = sorted(paths, key=lambda p: p.name)
    single = [p for p in ordered if not re.search(r"alpha", p.name, re.IGNORECASE)]
    return single[:1] or ordered


@dataclass(frozen=True)
class BatchJob:
    splits: SplitSet
    out_dir: Path
    options: MapOptions = field(default_factory=MapOptions)
    background: BackgroundSettings = field(default_factory=BackgroundSettings)
    max_pixels: int = DEFAULT_MAX_PIXELS
    ids: bool = False  # regions from each frame's ID canvas, by the splits' ID table
    reading: Reading = field(default_factory=Reading)  # the depth's convention, fov, unit

    def settings_digest(self) -> str:
        text = dumps(self.splits) + repr((self.options, self.background))
        if self.reading != Reading():  # Daz's cm depth adds nothing: older manifests hold
            text += repr((self.reading.convention, self.reading.fov, self.reading.unit))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_frame_depth(path: Path, job: BatchJob) -> DepthMap:
    """A frame's depth canvas read as the job says (``depthmap.load_depth_map``)."""
    return load_depth_map(
        path,
        settings=job.background,
        max_pixels=job.max_pixels,
        convention=job.reading.convention,
        fov=job.reading.fov,
        unit=job.reading.unit,
    )


def fingerprint(frame: Frame, job: BatchJob) -> str:
    parts = [job.settings_digest()]
    for path in (frame.depth, frame.normal, *(frame.ids if job.ids else ())):
        if path is not None:
            info = path.stat()
            parts.append(f"{path.resolve()}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def frame_folder(frame: Frame, job: BatchJob) -> Path:
    """Where a frame's outputs go: the output folder, mirroring the frame's own folder."""
    return job.out_dir / frame.folder if frame.folder else job.out_dir


def frame_outputs(frame: Frame, job: BatchJob) -> list[Path]:
    stem = frame_folder(frame, job) / frame.depth.with_suffix("").name
    kinds = ["depth"] + ["regions"] * job.options.regions + ["mask"] * job.options.mask
    paths = [output_path(stem, kind) for kind in kinds]
    if frame.normal is not None:
        paths.append(normal_output(frame, job))
    return paths


def normal_output(frame: Frame, job: BatchJob) -> Path:
    """Named after the Normal canvas, as the single-file command names it."""
    return output_path(frame_folder(frame, job) / frame.normal.with_suffix("").name, "normal")


def run_frame(frame: Frame, job: BatchJob, done_before: str | None = None) -> FrameResult:
    """Map one frame; skipped when ``done_before`` matches and its outputs exist."""
    try:
        stamp = fingerprint(frame, job)
        if stamp == done_before and all(p.exists() for p in frame_outputs(frame, job)):
            return FrameResult(frame.key, "skipped", fingerprint=stamp)
        depth_map = load_frame_depth(frame.depth, job)
        below, beyond = depth_map.outside(job.splits.bounds)
        stem = frame_folder(frame, job) / frame.depth.with_suffix("").name
        objects, notes = None, []
        if job.ids and job.options.regions:
            if not frame.ids:
                raise InputError(frame.depth, "has no ID canvas beside it (for regions)")
            objects = read_ids(list(frame.ids), job.max_pixels)
            check_size(objects, depth_map)
            table = dict(job.splits.id_regions)
            unknown = [k for k, n in zip(objects.keys, objects.pixels()) if n and k not in table]
            if unknown:
                notes.append(
                    f"frame {frame.key}: {len(unknown)} objects not in the ID table have no region"
                )
        outputs, regions = map_outputs(depth_map, job.splits, job.options, stem, objects=objects)
        if regions is not None and regions.plan.empty:
            numbers = ", ".join(str(n) for n, _ in regions.plan.empty)
            notes.append(
                f"frame {frame.key}: region {numbers} holds no pixel; this frame's regions"
                " PNG carries the template that fits it"
            )
        if frame.normal is not None:
            normals = read_extra("normal", frame.normal, depth_map, job.max_pixels).values
            rgb = encode_normals(normals, NormalSettings(), ~depth_map.valid)
            outputs.append(Output(normal_output(frame, job), rgb))
        written = write_outputs(outputs, {frame.depth, *([frame.normal] * bool(frame.normal))})
        renamed = [w.note() for w in written if w.renamed]
        return FrameResult(frame.key, "done", "; ".join(notes + renamed), below + beyond, stamp)
    except (DazDepthError, ValueError, ArithmeticError) as error:
        return FrameResult(frame.key, "failed", str(error))
    except MemoryError:
        return FrameResult(frame.key, "failed", f"{frame.depth}: out of memory")


def union_splits(ranges: list[tuple[float, float]]) -> SplitSet:
    """One split over every frame's range: the same depth gives the same grey everywhere."""
    return SplitSet.default(min(lo for lo, _ in ranges), max(hi for _, hi in ranges))


def frame_range(frame: Frame, job: BatchJob) -> tuple[float, float] | str:
    try:
        depth_map = load_frame_depth(frame.depth, job)
    except DazDepthError as error:
        return str(error)
    return depth_map.min, depth_map.max


class Manifest:
    """Finished frames by key, kept in the output folder and rewritten atomically."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / MANIFEST
        self.frames: dict[str, str] = {}
        if os.path.lexists(self.path):
            try:
                text = read_capped(self.path, MANIFEST_BYTES, "batch manifest")
                self.frames = dict(json.loads(text).get("frames", {}))
            except (DazDepthError, ValueError, AttributeError, TypeError):
                self.frames = {}  # a damaged manifest only costs a redo

    def record(self, key: str, stamp: str) -> None:
        self.frames[key] = stamp
        self.save()

    def save(self) -> None:
        """Rewrite the manifest atomically: on any failure (a full disk) the old one stays
        valid, the temporary file is removed, and one OutputError says what happened."""
        temp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = temp_beside(self.path)
            with os.fdopen(fd, "w") as handle:
                json.dump({"format": "daz-depth-batch", "frames": self.frames}, handle)
            os.replace(temp, self.path)
        except BaseException as error:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
            if isinstance(error, OSError):
                problem = f"cannot record the finished frames ({error.strerror or error})"
                raise OutputError(self.path, problem) from None
            raise

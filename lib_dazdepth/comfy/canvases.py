"""Canvases for the ComfyUI nodes: files and folders named inside ComfyUI's input folder.

Names are relative to the input folder (``daz_depth_sample``, ``renders/scene1``, ...);
anything that would lead outside it is refused, so a shared ComfyUI reads no other file.
Roles are found by name as in the tab (``engine.canvases.recognise``): Depth, Normal,
Beauty and an ID canvas (Object Id, Material Id, index, Cryptomatte, or Alpha canvases); a
folder is searched with its subfolders, so the folder ``daz-depth sample`` wrote (the
render beside its ``_canvases`` folder) loads whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..engine.background import BackgroundSettings
from ..engine.canvases import CanvasSet, read_beauty, read_normals, recognise, role_of
from ..engine.depthmap import DepthMap, load_depth_map
from ..engine.errors import InputError
from ..engine.exr import quietly
from ..engine.ids import IdObjects, check_size, read_ids

INPUT_FOLDER = "ComfyUI's input folder"
_ROLES = ("depth", "normal", "beauty", "ids")
NO_HIT_DEFAULTS = BackgroundSettings()  # the command line's defaults


def inside(input_dir: str | Path, name: str, field: str) -> Path:
    """``name`` (relative, ``/`` or ``\\`` separated) as a path inside ``input_dir``.

    Raises InputError naming ``field`` when it is empty, absolute or leads outside.
    Symbolic links inside the input folder are followed (they are the user's own).
    """
    text = name.strip().replace("\\", "/")
    if not text:
        raise InputError(field, "is empty")
    root = os.path.abspath(input_dir)
    path = os.path.normpath(os.path.join(root, text))
    if os.path.isabs(text) or os.path.commonpath([root, path]) != root:
        raise InputError(f"{field} {text!r}", f"must name a file or folder inside {INPUT_FOLDER}")
    return Path(path)


def existing_file(input_dir: str | Path, name: str, field: str) -> Path:
    path = inside(input_dir, name, field)
    if not path.is_file():
        raise InputError(f"{field} {name.strip()!r}", f"no such file in {INPUT_FOLDER}")
    return path


def folder_files(input_dir: str | Path, name: str, field: str = "folder") -> list[Path]:
    """Every file in the folder ``name`` and its subfolders, sorted; hidden ones left out."""
    folder = inside(input_dir, name, field)
    if not folder.is_dir():
        raise InputError(f"{field} {name.strip()!r}", f"no such folder in {INPUT_FOLDER}")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


@dataclass(frozen=True)
class CanvasChoice:
    """Where each role comes from: the folder's files by name, or a file named for it."""

    folder: str = ""
    depth: str = ""
    normal: str = ""
    beauty: str = ""
    ids: str = ""

    def paths(self, input_dir: str | Path) -> CanvasSet:
        found = CanvasSet()
        if self.folder.strip():
            files = folder_files(input_dir, self.folder)
            depths = [p for p in files if role_of(p) == "depth"]
            if len(depths) > 1 and not self.depth.strip():
                names = ", ".join(p.name for p in depths[:3]) + (", ..." * (len(depths) > 3))
                raise InputError(
                    f"folder {self.folder.strip()!r}",
                    f"holds {len(depths)} Depth canvases ({names}): name one in depth_file,"
                    " or map them all with Daz depth frames",
                )
            found = recognise(files)
        named = dict(zip(_ROLES, (self.depth, self.normal, self.beauty, self.ids)))
        chosen = {
            role: existing_file(input_dir, name, f"{role}_file")
            for role, name in named.items()
            if name.strip()
        }
        alphas = () if "ids" in chosen else found.alphas  # a named ID canvas alone
        roles = {role: chosen.get(role, found.get(role)) for role in _ROLES}
        paths = CanvasSet(**roles, alphas=alphas)
        if paths.depth is None:
            where = f"folder {self.folder.strip()!r}" if self.folder.strip() else "depth_file"
            raise InputError(where, "no Depth canvas found (NAME-Depth.exr); name it in depth_file")
        return paths

    def files(self, input_dir: str | Path) -> list[Path]:
        """The files these choices read (for telling ComfyUI when they changed)."""
        paths = self.paths(input_dir)
        return [p for p in (paths.depth, paths.normal, paths.beauty) if p is not None] + [
            *paths.id_paths()
        ]


@dataclass(frozen=True)
class Canvases:
    """One render's canvases, loaded: what flows between the nodes (``DAZ_CANVASES``)."""

    paths: CanvasSet
    depth: DepthMap
    normals: np.ndarray | None = None  # (H, W, 3) float32, camera space
    beauty: np.ndarray | None = None  # (H, W, 3) uint8 sRGB
    objects: IdObjects | None = None  # the ID canvas's objects, one per pixel


def load_canvases(
    input_dir: str | Path,
    choice: CanvasChoice,
    background: BackgroundSettings = NO_HIT_DEFAULTS,
) -> Canvases:
    """Read the chosen canvases; InputError (one line naming the file or field) otherwise."""
    paths = choice.paths(input_dir)
    depth = quietly(load_depth_map, paths.depth, settings=background)
    normals = None
    if paths.normal is not None:
        normals = quietly(read_normals, paths.normal)
        _same_size(paths.normal, normals.shape[:2], depth)
    beauty = None if paths.beauty is None else quietly(read_beauty, paths.beauty)
    objects = None
    if paths.ids is not None:
        objects = quietly(read_ids, paths.id_paths())
        check_size(objects, depth)
    return Canvases(paths, depth, normals, beauty, objects)


def _same_size(path: Path, shape: tuple[int, ...], depth: DepthMap) -> None:
    if tuple(shape) != depth.shape:
        raise InputError(
            path,
            f"is {shape[1]}x{shape[0]} but the depth canvas is {depth.width}x{depth.height}",
        )


def fingerprint(paths: Iterable[Path]) -> str:
    """Names, sizes and modification times: changes when a file is replaced or edited."""
    parts = []
    for path in paths:
        info = path.stat()
        parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return "|".join(parts)

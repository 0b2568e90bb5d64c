"""Writing outputs safely: all or nothing, never over an input or a file we did not write.

Every PNG we write carries a ``Software`` text chunk naming Daz Depth; a file without it
is the user's, and we write a numbered sibling beside it instead (``NAME.1.depth.png``).
Files are written to a temporary name in the target folder and renamed into place only
once every output of the step has been encoded, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from .. import __version__
from .errors import OutputError
from .png import write_png

SOFTWARE = "Daz Depth"
SETUP_KEY = "dazdepth"  # text chunk holding the split setup as JSON
PNG_LEVEL = 1  # zlib level: depth maps compress well even at 1, and it is 2x faster
# PNGs are written by png.py: the Up filter and zlib, several times faster than Pillow.


@dataclass(frozen=True)
class Output:
    path: Path  # where the caller wants it
    image: np.ndarray | None = None  # PNG pixels: (H, W) uint8/uint16 or (H, W, 3) uint8
    text: dict[str, str] = field(default_factory=dict)
    data: bytes | None = None  # or raw bytes (a JSON preset)


NOT_OURS = "exists and is not ours"
CLAIMED = "was written for another input in this run"


@dataclass(frozen=True)
class Written:
    path: Path
    wanted: Path
    reason: str = NOT_OURS  # why ``wanted`` was not used, when it was not

    @property
    def renamed(self) -> bool:
        return self.path != self.wanted

    def note(self) -> str:
        return f"** {self.wanted.name} {self.reason}; wrote {self.path.name} instead"


def output_path(stem: str | Path, kind: str, out_dir: str | Path | None = None) -> Path:
    """``NAME.kind.png`` beside ``stem`` (a path without extension) or in ``out_dir``."""
    stem = Path(stem)
    folder = Path(out_dir) if out_dir is not None else stem.parent
    return folder / f"{stem.name}.{kind}.png"


def is_ours(path: Path) -> bool:
    """A regular file that is a PNG we wrote (Software chunk) or a preset JSON we wrote.
    A symbolic link, a FIFO or a device is never ours (and is never opened here)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return False
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            os.set_blocking(fd, True)
            if path.suffix.lower() == ".json":
                return b'"format": "daz-depth-splits"' in handle.read(4096)
            with Image.open(handle) as image:
                return str(image.info.get("Software", "")).startswith(SOFTWARE)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            return False


def refusal(candidate: Path, protected: set[Path], claimed: set[Path]) -> str | None:
    """Why we may not write at ``candidate`` (None: we may)."""
    resolved = candidate.resolve()
    if resolved in claimed:
        return CLAIMED
    if resolved in protected:
        return NOT_OURS
    try:
        mode = os.lstat(candidate).st_mode
    except FileNotFoundError:
        return None
    except OSError:
        return NOT_OURS
    if stat.S_ISLNK(mode):
        return "is a symbolic link (never followed or replaced)"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    return None if is_ours(candidate) else NOT_OURS


def free_target(
    wanted: Path, protected: set[Path], claimed: set[Path] = frozenset()
) -> tuple[Path, str]:
    """``wanted`` if we may write there, else the first free numbered sibling; with the
    reason ``wanted`` was refused ("" when it was not)."""
    candidate, number, first = wanted, 0, ""
    while True:
        reason = refusal(candidate, protected, claimed)
        if reason is None:
            return candidate, first
        first = first or reason
        number += 1
        stem, dot, rest = wanted.name.partition(".")
        candidate = wanted.with_name(f"{stem}.{number}{dot}{rest}")


@functools.cache
def file_mode() -> int:
    """Permissions for new files: what the user's umask allows (mkstemp would give 0600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def temp_beside(target: Path) -> tuple[int, str]:
    """A new open file in ``target``'s folder, to be renamed onto it once complete."""
    while True:
        temp = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode()), temp
        except FileExistsError:
            continue


def encode_png(image: np.ndarray, handle, text: dict[str, str]) -> None:
    if image.dtype == np.uint16 and image.ndim != 2:
        raise ValueError("16-bit images must be single-channel")
    if image.dtype != np.uint16:
        image = image.astype(np.uint8, copy=False)
    chunks = {"Software": f"{SOFTWARE} {__version__}", **text}
    write_png(handle, image, chunks, PNG_LEVEL)


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(folder, f"cannot create the output folder ({error.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(folder, "the output folder is not writable")


def write_outputs(
    outputs: Iterable[Output], protected: Iterable[Path] = (), claimed: set[Path] | None = None
) -> list[Written]:
    """Write every output or none; return where each went. ``claimed`` holds the paths
    written earlier in the same run (resolved); this call adds its own, so two inputs of
    one run never write the same name."""
    outputs = list(outputs)
    guarded = {Path(p).resolve() for p in protected}
    earlier = claimed if claimed is not None else set()
    for folder in {o.path.parent for o in outputs}:
        ensure_folder(folder)
    staged: list[tuple[str, Path, Path, str]] = []
    current: Path | str = "output"
    try:
        for output in outputs:
            current = output.path
            target, reason = free_target(output.path, guarded, earlier)
            guarded.add(target.resolve())  # two outputs never share a name
            current = target
            fd, temp = temp_beside(target)
            staged.append((temp, target, output.path, reason))
            with os.fdopen(fd, "wb") as handle:
                if output.data is not None:
                    handle.write(output.data)
                else:
                    encode_png(output.image, handle, output.text)
        for temp, target, _, _ in staged:
            os.replace(temp, target)
    except OSError as error:
        _discard(temp for temp, *_ in staged)
        where = current  # the output's name, never the temporary one
        raise OutputError(where, f"cannot write ({error.strerror or error})") from None
    except BaseException:
        _discard(temp for temp, *_ in staged)
        raise
    earlier.update(target.resolve() for _, target, _, _ in staged)
    return [Written(target, wanted, reason or NOT_OURS) for _, target, wanted, reason in staged]


def _discard(paths: Iterable[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


def read_text_chunks(path: Path) -> dict[str, str]:
    with Image.open(path) as image:
        return {k: v for k, v in image.info.items() if isinstance(v, str)}


def json_bytes(document: dict) -> bytes:
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")

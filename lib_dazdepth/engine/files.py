"""Opening input files safely: regular files only, every read capped.

A FIFO, a device (``/dev/zero``) or a socket given as an input would hang a reader or feed
it without end, so anything that is not a regular file is refused before a byte is read.
The check is made on the open descriptor (``O_NONBLOCK`` so that opening a FIFO returns at
once), so a file swapped after a check cannot slip through. Symbolic links to regular
files are followed for reading (inputs only; outputs never follow them: see outputs.py).
"""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

KIND_NAMES = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def kind_of(mode: int) -> str:
    return KIND_NAMES.get(stat.S_IFMT(mode), "not a regular file")


def open_regular(path: str | Path, what: str = "file") -> int:
    """A read-only descriptor of ``path`` (blocking again), or one InputError naming it:
    missing, unreadable, or not a regular file."""
    try:
        fd = os.open(os.fspath(path), os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(path, "cannot read (No such file or directory)") from None
    except IsADirectoryError:
        raise InputError(path, f"is a folder, not a {what}") from None
    except (OSError, ValueError) as error:  # ValueError: an embedded NUL
        problem = getattr(error, "strerror", None) or str(error)
        raise InputError(path, f"cannot read ({problem})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputError(path, f"is {kind_of(mode)}, not a regular {what}")
    os.set_blocking(fd, True)
    return fd


def check_regular(path: str | Path, what: str = "file") -> None:
    """Refuse ``path`` unless it is an existing regular file (see open_regular)."""
    os.close(open_regular(path, what))


def read_capped(path: str | Path, limit: int, what: str = "file") -> bytes:
    """The whole of a regular file of at most ``limit`` bytes; reads at most ``limit + 1``."""
    fd = open_regular(path, what)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(path, f"too large for a {what} (over {limit} bytes)")
    return data


def is_plain_file_name(name: str) -> bool:
    """A name for a file beside another: no folder part, not ``.``/``..``, no NUL."""
    return (
        bool(name)
        and name not in (".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
        and len(name.encode("utf-8", "surrogateescape")) <= 255
    )


def open_image(handle: BinaryIO, formats: tuple[str, ...] | None = None):
    """``PIL.Image.open`` without its decompression-bomb warning: every caller checks the
    header's size against its own limit (the canvas, ``max_pixels``) before decoding.
    Headers past twice Pillow's limit still raise ``Image.DecompressionBombError``."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(handle, formats=formats)

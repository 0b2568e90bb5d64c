"""Canvases the server opens on every page load, read once and shared by the pages.

The standalone tab opens its sample scene (or ``--open DIR``) each time a page loads; each
load decoded the EXRs again and held its own full-size arrays (~29 MB for the 1200² sample).
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..engine.background import BackgroundSettings
from ..engine.canvases import ROLES, CanvasSet, LoadedSet, Reading, load_set


class ReadOnce:
    """Canvases read once and shared by every page that opens them (a ``controller.Reader``
    in place of ``load_set``). Their arrays are made read-only (workspaces replace arrays,
    never write into them; a write would raise). Holds one set: the last read; a file
    changed on disk (size or time), another reading or other settings read again."""

    def __init__(self) -> None:
        self._held: tuple[tuple, LoadedSet] | None = None
        self._lock = threading.Lock()

    def __call__(
        self,
        canvases: CanvasSet,
        reading: Reading,
        settings: BackgroundSettings,
        max_pixels: int,
    ) -> LoadedSet:
        try:
            stamps = tuple(stamp(canvases.get(role)) for role in ROLES if role != "ids")
        except OSError:  # gone: reading says so in the tab's words
            return load_set(canvases, reading, settings, max_pixels)
        key = (stamps, reading, settings, max_pixels)
        with self._lock:
            if self._held is None or self._held[0] != key:
                self._held = None  # the old set goes before the new one is read
                loaded = load_set(canvases, reading, settings, max_pixels)
                arrays = [loaded.depth.depth, loaded.depth.valid, *loaded.extras.values()]
                for array in arrays:
                    array.flags.writeable = False
                self._held = (key, loaded)
            return self._held[1]


def stamp(path: Path | None) -> tuple | None:
    """What tells a file changed: its path, modification time and size."""
    if path is None:
        return None
    status = path.stat()
    return str(path), status.st_mtime_ns, status.st_size

"""Canvases the server opens on every page load, read once and shared by the pages.

The standalone tab opens its sample scene (or ``--open DIR``) each time a page loads; each
load decoded the EXRs again and held its own full-size arrays (~29 MB for the 1200² sample).
"""

from __future__ import annotations

import threading
from pathlib import Path

from ..engine.canvases import ROLES, CanvasSet
from .controller import Read, TabConfig, read_canvases


class ReadOnce:
    """Canvases read once and shared by every page that opens them: the standalone tab
    opens its sample scene on every page load. Their arrays are made read-only (workspaces
    replace arrays, never write into them; a write would raise). Holds one set: the last
    read; a file changed on disk (size or time) is read again."""

    def __init__(self) -> None:
        self._held: tuple[tuple, Read] | None = None
        self._lock = threading.Lock()

    def __call__(self, canvases: CanvasSet, config: TabConfig, repair_edges: bool = False) -> Read:
        try:
            stamps = tuple(stamp(canvases.get(role)) for role in ROLES)
        except OSError:  # gone: reading says so in the tab's words
            return read_canvases(canvases, config, repair_edges)
        key = (stamps, repair_edges, config.max_pixels)
        with self._lock:
            if self._held is None or self._held[0] != key:
                read = read_canvases(canvases, config, repair_edges)
                arrays = [read.depth_map.depth, read.depth_map.valid, *read.extras.values()]
                for array in arrays:
                    array.flags.writeable = False
                self._held = (key, read)
            return self._held[1]


def stamp(path: Path | None) -> tuple | None:
    if path is None:
        return None
    status = path.stat()
    return str(path), status.st_mtime_ns, status.st_size

"""The work of each page showing the tab, kept on the server, a bounded number at once.

gradio keeps a page's ``gr.State`` long after the page is gone: gradio 3.41 for as long as
the server runs, gradio 4.40 for an hour after the page closes. A workspace holds the
full-size canvases and their preview index (about 50 MB for the 1200² sample, several GB
for an 8K scene), and every reload of the page starts a new one. So the tab keeps only a
key in ``gr.State`` and the workspaces here: the pages used last, at most ``capacity`` of
them (the page used longest ago is let go first), and a page's work is let go at once when
gradio 4 reports the page closed (its unload event). A page whose work was let go is told
so, and can drop its canvases again. What is let go is handed back to the system (see
``give_back``), so the server's memory falls again rather than only being reused.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
import uuid
from collections import OrderedDict

from ..editing.view import build_view, dumps, message
from ..editing.workspace import Workspace

LIVE_PAGES = 3  # a page in use, one being reloaded, one more (another browser tab)
RELEASED = (
    "This page's work was let go to free the server's memory (the tab was opened in newer"
    " pages): drop the canvases again, or reload the page."
)


def released_view() -> str:
    """The view a page whose work was let go gets: the empty tab, saying so."""
    return dumps(build_view(None, note=message("error", RELEASED)))


class Pages:
    """Workspaces by page key, the most recently used last; thread-safe (gradio runs
    events in worker threads)."""

    def __init__(self, capacity: int = LIVE_PAGES) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self.capacity = capacity
        self._live: OrderedDict[str, Workspace] = OrderedDict()
        self._sessions: dict[str, str] = {}  # gradio session hash -> page key
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._live)

    def get(self, key: str | None) -> Workspace | None:
        """The page's workspace, or None: a page with none yet (key None), or one let go."""
        if key is None:
            return None
        with self._lock:
            workspace = self._live.get(key)
            if workspace is not None:
                self._live.move_to_end(key)
            return workspace

    def keep(
        self, key: str | None, workspace: Workspace | None, session: str | None = None
    ) -> str | None:
        """Hold ``workspace`` as the page's work and return the page's key (a new one for
        a page's first workspace; None while it has none). ``session`` is gradio's session
        hash, so that ``close_session`` finds the page. Lets go of the pages used longest
        ago beyond the capacity."""
        if workspace is None:
            return key if self.get(key) is not None else None
        with self._lock:
            if key is None or key not in self._live:
                key = uuid.uuid4().hex
            self._live[key] = workspace
            self._live.move_to_end(key)
            if session:
                self._sessions[session] = key
            let_go = len(self._live) > self.capacity
            while len(self._live) > self.capacity:
                self._forget(next(iter(self._live)))
        if let_go:
            give_back()
        return key

    def drop(self, key: str | None) -> None:
        """Let go of the page's work (nothing when it has none)."""
        with self._lock:
            if key is None or key not in self._live:
                return
            self._forget(key)
        give_back()

    def close_session(self, session: str | None) -> None:
        """Let go of the work of the page with this gradio session (it has closed)."""
        with self._lock:
            key = self._sessions.pop(session, None) if session else None
            if key is None or key not in self._live:
                return
            self._forget(key)
        give_back()

    def _forget(self, key: str) -> None:
        self._live.pop(key, None)
        for session in [s for s, k in self._sessions.items() if k == key]:
            del self._sessions[session]


def give_back() -> None:
    """Hand memory freed in the C heap back to the system (glibc's ``malloc_trim``).

    A workspace's arrays are a few MB each, under glibc's mmap threshold once it has grown,
    so they live in the heap; glibc keeps freed heap pages for reuse, and the server's
    resident memory stayed ~100-200 MB above its need after a few page loads (measured with
    tests/browser/test_memory.py). Nothing happens where there is no glibc (macOS, Windows,
    musl)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None

"""The work of each browser tab showing the tab, kept on the server, a bounded number at once.

gradio keeps a page's ``gr.State`` long after the page is gone: gradio 3.41 for as long as
the server runs, gradio 4.40 for an hour after the page closes. A workspace holds the
full-size canvases and their preview index (about 50 MB for the 1200² sample, several GB
for an 8K scene). So the tab keeps only a key in ``gr.State`` and the workspaces here: at
most ``capacity`` of them.

The key is the browser tab's: the server hands it out when a page first loads, the page
keeps it in its ``sessionStorage`` over a reload (javascript/dazdepth_tab.js) and asks for
its work back with it on the next load (``claim``). A page's unload (gradio 4 and later)
does not let its work go at once: the work is kept for ``grace`` seconds for the reload
(or the browser's reopening of the tab) to claim, and is the first to go when a newer
page needs the room. A key still held by a live page (a duplicated tab carries its
original's ``sessionStorage``) is never shared: the newer page gets a new key of its own.
A page whose work was let go is told so, and can drop its canvases again. What is let go
is handed back to the system (see ``give_back``), so the server's memory falls again
rather than only being reused.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..editing.view import build_view, dumps, message
from ..editing.workspace import Workspace

LIVE_PAGES = 3  # a page in use, one being reloaded, one more (another browser tab)
GRACE_SECONDS = 300.0  # a closed page's work waits this long for its reload or reopening
CLAIM_WAIT_SECONDS = 3.0  # a reload may load before the server hears its old page close
GONE_KEYS = 1024  # keys whose work was let go, remembered to say so
KEY = re.compile(r"[0-9a-f]{32}")  # uuid4().hex: all a key from a page may look like
RELEASED = (
    "This page's work was let go to free the server's memory (the tab was opened in newer"
    " pages): drop the canvases again, or reload the page."
)


def released_view() -> str:
    """The view a page whose work was let go gets: the empty tab, saying so."""
    return dumps(build_view(None, note=message("error", RELEASED)))


def valid_key(text: Any) -> str | None:
    """``text`` if it has the form of a key the server hands out, else None."""
    return text if isinstance(text, str) and KEY.fullmatch(text) else None


@dataclass(frozen=True)
class Other:
    """A page's one other scene (scenes.py): the scene a drop replaced (``ahead`` False:
    Undo brings it back) or the dropped scene that Undo left (``ahead``: Redo goes to it),
    with what the tab's boxes showed for it."""

    workspace: Workspace
    form: Any = None
    ahead: bool = False


@dataclass
class Page:
    """One tab's work: its workspace, what the tab's boxes showed for it (``form``:
    restored with it after a reload) and the gradio session holding it (None: unknown,
    as on gradio 3); ``closed``: when that session closed (``clock`` time), else None;
    ``other``: its other scene (a replaced one, for Undo), if any."""

    workspace: Workspace
    form: Any = None
    other: Other | None = None
    session: str | None = None
    closed: float | None = None
    timer: threading.Timer | None = None
    saved: tuple[str, ...] = ()  # every file the page saved (paths), for its download list
    said: str = ""  # the status line of its last save


@dataclass(frozen=True)
class Claim:
    """A loading page's key and what it finds under it. ``found``: ``kept`` (its work,
    with its form and the files it saved), ``new`` (no key asked for), ``copy`` (the key
    is held by another live page: a new key), ``gone`` (its work was let go), ``unknown``
    (not a key of this server: it restarted; a new key)."""

    key: str
    found: str
    workspace: Workspace | None = None
    form: Any = None
    saved: tuple[str, ...] = ()
    said: str = ""


class Pages:
    """Workspaces by tab key, the most recently used last; thread-safe (gradio runs
    events in worker threads). ``clock`` and ``timers`` are for tests: without timers a
    closed page's grace runs out only when the pages are next used."""

    def __init__(
        self,
        capacity: int = LIVE_PAGES,
        grace: float = GRACE_SECONDS,
        claim_wait: float = CLAIM_WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        timers: bool = True,
    ) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self.capacity, self.grace, self.claim_wait = capacity, grace, claim_wait
        self._clock, self._timers = clock, timers
        self._live: OrderedDict[str, Page] = OrderedDict()  # get(None) is None: no page
        self._gone: OrderedDict[str, None] = OrderedDict()
        self._sessions: dict[str, str] = {}  # gradio session hash -> tab key
        self._lock = threading.Lock()
        self._closed = threading.Condition(self._lock)  # a session closed

    def __len__(self) -> int:
        return len(self._live)

    def claim(self, asked: Any, session: str | None = None) -> Claim:
        """A page loads and asks for its tab's work back with ``asked`` (whatever the page
        sent: only a well-formed key is looked up). A key held by a live page (its session
        open) is waited on for up to ``claim_wait`` seconds, the time a reload's old page
        may take to be heard closing; still held, the asking page is a copy of that tab
        and gets a new key."""
        asked = valid_key(asked)
        released = False
        with self._lock:
            self._sweep()
            if asked is not None and asked in self._live:
                page = self._live[asked]

                def held() -> bool:
                    return (
                        asked in self._live
                        and page.closed is None
                        and page.session is not None
                        and session is not None
                        and page.session != session
                    )

                if held():
                    self._closed.wait_for(lambda: not held(), self.claim_wait)
                if held():
                    return Claim(self._new_key(), "copy")
                if asked in self._live:  # (let go while waiting: below)
                    self._reopen(asked, page, session)
                    return Claim(asked, "kept", page.workspace, page.form, page.saved, page.said)
            if asked is not None and asked in self._gone:
                del self._gone[asked]
                released = True
        if released:
            return Claim(asked, "gone")
        return Claim(self._new_key(), "new" if asked is None else "unknown")

    def get(self, key: str | None) -> Workspace | None:
        """The page's workspace, or None: a page with none yet, or one let go. A closed
        page's work used again (a page back from the browser's back-forward cache) is
        kept again, its holder unknown."""
        if key is None:
            return None
        with self._lock:
            self._sweep()
            page = self._live.get(key)
            if page is None:
                return None
            if page.closed is not None:
                self._reopen(key, page, None)
            self._live.move_to_end(key)
            return page.workspace

    def released(self, key: str | None) -> bool:
        """Whether this key's work was let go (to free memory, or its grace ran out)."""
        with self._lock:
            return key is not None and key in self._gone

    def keep(
        self,
        key: str | None,
        workspace: Workspace | None,
        session: str | None = None,
        form: Any = None,
        keep_replaced: bool = False,
    ) -> str | None:
        """Hold ``workspace`` as the tab's work under its key (a new key when it has none)
        and return the key; ``form`` is what the tab's boxes show for it (None: as
        before). ``session`` is gradio's session hash, so that ``close_session`` finds the
        page. A new workspace replaces the page's other scene: with ``keep_replaced`` by
        the workspace it replaces (Undo brings it back), else by none. Beyond the capacity
        (pages and other scenes together) lets go of the other scenes, then the pages
        closed, then those used longest ago."""
        if workspace is None:
            return key
        with self._lock:
            self._sweep()
            key = valid_key(key) or self._new_key()
            page = self._live.get(key)
            if page is None:
                page = self._live[key] = Page(workspace)
                self._gone.pop(key, None)
            elif page.workspace is not workspace:
                kept = Other(page.workspace, page.form) if keep_replaced else None
                page.other = kept
            page.workspace = workspace
            if form is not None:
                page.form = form
            if session:
                page.session = session
                self._sessions[session] = key
            self._live.move_to_end(key)
            let_go = self._held() > self.capacity
            while self._held() > self.capacity:
                others = [p for p in self._live.values() if p.other is not None]
                if others:  # the page used longest ago first
                    others[0].other = None
                else:
                    self._forget(self._first_to_go())
        if let_go:
            give_back()
        return key

    def other(self, key: str | None) -> Other | None:
        """The page's other scene, if it has one."""
        with self._lock:
            page = self._live.get(key)
            return page.other if page is not None else None

    def swap(self, key: str | None, ahead: bool) -> Page | None:
        """Undo (``ahead`` False) or Redo across a replace: the page's other scene, when
        it lies that way, becomes its work, and its work the other scene the other way.
        Returns the page, or None (no such scene: nothing changed)."""
        with self._lock:
            page = self._live.get(key)
            if page is None or page.other is None or page.other.ahead != ahead:
                return None
            other = page.other
            page.other = Other(page.workspace, page.form, not ahead)
            page.workspace, page.form = other.workspace, other.form
            self._live.move_to_end(key)
            return page

    def let_go_ahead(self, key: str | None) -> None:
        """A new change to the page's work: the scene Redo went to is let go."""
        with self._lock:
            page = self._live.get(key)
            if page is None or page.other is None or not page.other.ahead:
                return
            page.other = None
        give_back()

    def _held(self) -> int:
        """The workspaces held: the pages' and their other scenes'."""
        return len(self._live) + sum(p.other is not None for p in self._live.values())

    def saved(self, key: str | None) -> tuple[str, ...]:
        """The files the page saved (paths, the oldest first), () for a page with no work."""
        with self._lock:
            page = self._live.get(key)
            return page.saved if page is not None else ()

    def note_saved(self, key: str | None, paths: list[str], said: str) -> None:
        """The page's saved files and its last save's status line, given back with its work
        after a reload (nothing for a page with no work)."""
        with self._lock:
            page = self._live.get(key)
            if page is not None:
                page.saved, page.said = tuple(paths), said

    def drop(self, key: str | None) -> None:
        """Let go of the page's work (nothing when it has none)."""
        with self._lock:
            if key is None or key not in self._live:
                return
            self._forget(key)
        give_back()

    def close_session(self, session: str | None) -> None:
        """The page with this gradio session closed (or reloaded): its work waits
        ``grace`` seconds for a reload to claim it, then is let go."""
        with self._lock:
            key = self._sessions.pop(session, None) if session else None
            page = self._live.get(key)
            if page is None or page.session != session:
                return
            page.closed = self._clock()
            if self._timers:
                page.timer = threading.Timer(self.grace + 1, self.sweep)
                page.timer.daemon = True
                page.timer.start()
            self._closed.notify_all()

    def sweep(self) -> None:
        """Let go of the closed pages whose grace has run out."""
        with self._lock:
            let_go = self._sweep()
        if let_go:
            give_back()

    def _sweep(self) -> bool:
        ends = self._clock() - self.grace
        over = [k for k, p in self._live.items() if p.closed is not None and p.closed <= ends]
        for key in over:
            self._forget(key)
        return bool(over)

    def _first_to_go(self) -> str:
        """The page closed longest ago, else the page used longest ago."""
        closed = [(p.closed, k) for k, p in self._live.items() if p.closed is not None]
        return min(closed)[1] if closed else next(iter(self._live))

    def _reopen(self, key: str, page: Page, session: str | None) -> None:
        if page.timer is not None:
            page.timer.cancel()
        page.closed, page.timer, page.session = None, None, session
        if session:
            self._sessions[session] = key
        self._live.move_to_end(key)

    def _new_key(self) -> str:
        return uuid.uuid4().hex

    def _forget(self, key: str) -> None:
        page = self._live.pop(key, None)
        if page is not None and page.timer is not None:
            page.timer.cancel()
        for session in [s for s, k in self._sessions.items() if k == key]:
            del self._sessions[session]
        self._gone[key] = None
        while len(self._gone) > GONE_KEYS:
            self._gone.popitem(last=False)
        self._closed.notify_all()


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

"""The server's hold on each page's work (ui/pages.py): bounded, and let go when asked."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from test_workspace import workspace

from lib_dazdepth.ui.pages import Pages


def test_a_page_gets_a_key_with_its_first_workspace_and_keeps_it() -> None:
    pages = Pages()
    assert pages.keep(None, None) is None  # nothing loaded: no key
    first, second = workspace(), workspace()
    key = pages.keep(None, first)
    assert isinstance(key, str) and pages.get(key) is first
    assert pages.keep(key, second) == key and pages.get(key) is second
    assert pages.keep(key, None) == key  # a failed load keeps the work
    assert pages.get(None) is None and len(pages) == 1


def test_beyond_the_capacity_the_page_used_longest_ago_is_let_go() -> None:
    pages = Pages(capacity=3)
    a, b, c = (pages.keep(None, workspace()) for _ in range(3))
    pages.get(a)  # a is used again: b is now the page used longest ago
    d = pages.keep(None, workspace())
    assert pages.get(b) is None
    assert all(pages.get(k) is not None for k in (a, c, d))
    assert len(pages) == 3
    assert pages.keep(b, None) is None  # its key is gone too
    again = pages.keep(b, workspace())  # a page let go can load again, under a new key
    assert again != b and pages.get(again) is not None and len(pages) == 3


def test_a_workspace_let_go_is_freed() -> None:
    pages = Pages(capacity=1)
    first = workspace()
    gone = weakref.ref(first)
    pages.keep(None, first)
    del first
    pages.keep(None, workspace())
    gc.collect()
    assert gone() is None  # nothing else holds it: its arrays are freed


def test_a_closed_session_lets_go_of_its_page_only() -> None:
    pages = Pages()
    mine = pages.keep(None, workspace(), session="s1")
    other = pages.keep(None, workspace(), session="s2")
    pages.close_session("s1")
    assert pages.get(mine) is None and pages.get(other) is not None
    pages.close_session("s1")  # twice, or an unknown session: nothing happens
    pages.close_session(None)
    pages.drop(other)
    assert len(pages) == 0
    pages.drop(other)
    pages.drop(None)


def test_capacity_must_hold_a_page() -> None:
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        Pages(capacity=0)


def test_pages_used_from_many_threads_stay_within_capacity() -> None:
    pages = Pages(capacity=2)
    shared = workspace()

    def use() -> None:
        key = None
        for _ in range(200):
            key = pages.keep(key, shared)
            pages.get(key)

    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(pages) == 2

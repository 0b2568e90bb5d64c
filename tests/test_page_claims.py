"""A page that loads asks for its browser tab's work back by the tab's key (ui/pages.py
``claim``), and gets back what the tab's boxes showed (ui/reclaim.py): the reload keeps the
work, a copy of a live tab never shares it, a closed page's work waits a grace period and
goes first when the room is needed, and a key from the page is only ever looked up."""

from __future__ import annotations

import gc
import json
import threading
import time
import uuid
import weakref
from pathlib import Path

import pytest
from test_controller import write_set
from test_workspace import workspace

from lib_dazdepth.engine.canvases import BY_NAME
from lib_dazdepth.ui import controller, reclaim
from lib_dazdepth.ui.controller import NONE, TabConfig
from lib_dazdepth.ui.pages import Claim, Pages, valid_key


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_new_page_gets_a_new_key_and_nothing_else() -> None:
    pages = Pages()
    first, second = pages.claim(None), pages.claim("")
    assert first.found == second.found == "new" and first.workspace is None
    assert valid_key(first.key) == first.key and first.key != second.key
    assert len(pages) == 0  # a page with no work holds nothing


def test_a_reload_claims_its_tabs_work_and_form_back_under_the_same_key() -> None:
    pages = Pages(timers=False)
    key = pages.claim(None, "s1").key
    mine, form = workspace(), object()
    assert pages.keep(key, mine, "s1", form) == key
    pages.close_session("s1")  # gradio 4: the reloading page closes first
    claim = pages.claim(key, "s2")
    assert claim == Claim(key, "kept", mine, form)
    pages.close_session("s1")  # heard again, or late: the new page's work stays
    assert pages.get(key) is mine and len(pages) == 1
    pages.close_session("s2")
    assert pages.claim(key, "s3").workspace is mine  # and again


def test_without_sessions_a_reload_claims_its_work() -> None:
    # gradio 3 reports no session and no unload: the page's script keeps copies apart
    pages = Pages(timers=False)
    key = pages.keep(None, mine := workspace())
    assert pages.claim(key).workspace is mine
    assert pages.claim(key, "s1").workspace is mine  # holder unknown: claimed


def test_a_copy_of_a_live_tab_gets_a_new_key_and_the_original_keeps_its_work() -> None:
    pages = Pages(claim_wait=0.05, timers=False)
    key = pages.keep(None, mine := workspace(), "s1")
    started = time.monotonic()
    copy = pages.claim(key, "s2")
    assert time.monotonic() - started >= 0.05  # it waited for the holder to close
    assert copy.found == "copy" and copy.workspace is None and copy.form is None
    assert valid_key(copy.key) and copy.key != key
    assert pages.get(key) is mine and len(pages) == 1
    assert pages.claim(key, "s1").workspace is mine  # its own page asking again: kept


def test_a_reload_heard_closing_after_the_new_page_loads_still_claims_its_work() -> None:
    pages = Pages(claim_wait=10, timers=False)
    key = pages.keep(None, mine := workspace(), "s1")
    closing = threading.Timer(0.1, pages.close_session, ["s1"])
    closing.start()
    started = time.monotonic()
    claim = pages.claim(key, "s2")
    closing.join()
    assert claim.found == "kept" and claim.workspace is mine
    assert time.monotonic() - started < 5  # woken by the close, not by the timeout


def test_a_closed_pages_work_waits_its_grace_then_is_let_go() -> None:
    clock = Clock()
    pages = Pages(grace=300, clock=clock, timers=False)
    key = pages.keep(None, workspace(), "s1")
    pages.close_session("s1")
    clock.now += 299.9
    pages.sweep()
    assert len(pages) == 1 and not pages.released(key)
    clock.now += 0.1
    pages.sweep()
    assert len(pages) == 0 and pages.released(key)
    claim = pages.claim(key, "s2")  # the tab reopened too late: told so, once
    assert claim == Claim(key, "gone")
    assert not pages.released(key)


def test_a_closed_pages_work_is_let_go_by_its_timer_and_freed() -> None:
    pages = Pages(grace=0.1)  # real timers: nothing else uses the pages meanwhile
    first = workspace()
    gone = weakref.ref(first)
    key = pages.keep(None, first, "s1")
    del first
    pages.close_session("s1")
    deadline = time.monotonic() + 10
    while len(pages) and time.monotonic() < deadline:
        time.sleep(0.02)
    gc.collect()
    assert len(pages) == 0 and pages.released(key) and gone() is None


def test_a_page_back_from_the_browsers_cache_keeps_its_closed_work() -> None:
    clock = Clock()
    pages = Pages(grace=300, clock=clock, timers=False)
    key = pages.keep(None, mine := workspace(), "s1")
    pages.close_session("s1")
    assert pages.get(key) is mine  # the page uses it again: kept again, holder unknown
    clock.now += 1000
    pages.sweep()
    assert pages.get(key) is mine
    assert pages.claim(key, "s2").workspace is mine


def test_closed_pages_go_first_then_the_pages_used_longest_ago() -> None:
    clock = Clock()
    pages = Pages(capacity=3, grace=300, clock=clock, timers=False)
    a = pages.keep(None, workspace(), "sa")
    b = pages.keep(None, workspace(), "sb")
    c = pages.keep(None, workspace(), "sc")
    pages.close_session("sc")  # closed last, used last: still the first to go
    clock.now += 1
    pages.close_session("sb")
    d = pages.keep(None, workspace(), "sd")
    assert pages.released(c) and not pages.released(b)
    e = pages.keep(None, workspace(), "se")
    assert pages.released(b) and {k for k in (a, d, e) if pages.get(k)} == {a, d, e}
    pages.get(a)  # no page closed: the one used longest ago goes
    pages.keep(None, workspace(), "sf")
    assert pages.released(d) and pages.get(a) is not None and len(pages) == 3


@pytest.mark.parametrize(
    "asked",
    ["../../etc/passwd", "A" * 32, "0" * 31, "0" * 33, " " + "0" * 32, "0" * 32 + "\n", 7, None],
)
def test_only_a_well_formed_key_is_looked_up(asked) -> None:
    pages = Pages(timers=False)
    claim = pages.claim(asked, "s1")
    assert claim.found == "new" and claim.key != asked and valid_key(claim.key)
    assert pages.keep(asked, workspace()) != asked  # nor kept under


def test_a_key_the_server_never_gave_or_let_go_long_ago_gives_a_new_key() -> None:
    pages = Pages(timers=False)
    asked = uuid.uuid4().hex  # the server restarted
    claim = pages.claim(asked, "s1")
    assert claim.found == "unknown" and claim.key != asked and claim.workspace is None
    view = json.loads(reclaim.empty_view(claim))
    assert not view["loaded"]
    assert view["message"] == {"kind": "warning", "text": f"{reclaim.UNKNOWN} {reclaim.AGAIN}"}
    assert json.loads(reclaim.empty_view(Claim(asked, "new")))["message"]["kind"] == "info"


def test_the_boxes_come_back_with_the_work(tmp_path: Path) -> None:
    files = write_set(tmp_path)
    config = TabConfig(outputs=tmp_path / "out")
    result = controller.load_files(files, None, config)
    picked = ("Y", BY_NAME, "not a layer of it", BY_NAME)
    settings = True, "planar depth", 40, "mm"
    form = reclaim.form_of(result, files, picked, *settings)
    pages = Pages(timers=False)
    key = pages.keep(None, result.workspace, "s1", form)
    view, boxes = reclaim.restored(pages.claim(key, None))
    shown = json.loads(view)
    name = files[0].name
    assert shown["loaded"] and "grid" in shown  # the page draws the preview itself again
    assert shown["message"] == {"kind": "info", "text": reclaim.KEPT.format(name=name)}
    roles = [NONE, *result.choices]
    assert boxes[:4] == [{"choices": roles, "value": result.roles[r]} for r in result.roles]
    assert [box["value"] for box in boxes[4:8]] == [
        p if p in box["choices"] else BY_NAME for p, box in zip(picked, boxes[4:8])
    ]
    assert boxes[6]["value"] == BY_NAME  # a layer the file does not have is not picked
    assert boxes[8:] == [{"value": [str(p) for p in files]}] + [
        {"value": v} for v in (settings[1], 40.0, "mm", True)
    ]
    files[1].unlink()  # a file gone from the server: the box lists the others
    assert reclaim.restored(pages.claim(key, None))[1][8] == {
        "value": [str(files[0]), *map(str, files[2:])]
    }
    # kept without a form: the boxes stay as they are
    pages.keep(other := pages.claim(None).key, result.workspace)
    assert reclaim.restored(pages.claim(other))[1] == [None] * reclaim.BOXES

"""A reload gives the page its saved files back: the download list (those still on disk)
and the save's status line."""

from __future__ import annotations

from pathlib import Path

from test_workspace import workspace

from lib_dazdepth.ui import reclaim
from lib_dazdepth.ui.pages import Claim, Pages

SAID = "Saved 2 files to /out: a.depth.png, a.json"


def test_a_reload_claims_the_saved_files_and_line_with_the_work(tmp_path: Path) -> None:
    pages = Pages(timers=False)
    key = pages.keep(None, mine := workspace(), "s1")
    assert pages.saved(key) == ()
    paths = [str(tmp_path / "a.depth.png"), str(tmp_path / "a.json")]
    pages.note_saved(key, paths, SAID)
    assert pages.saved(key) == tuple(paths)
    pages.close_session("s1")
    claim = pages.claim(key, "s2")
    assert claim == Claim(key, "kept", mine, None, tuple(paths), SAID)
    pages.note_saved(None, paths, SAID)  # a page with no key: nothing kept, no error
    pages.note_saved("0" * 32, paths, SAID)  # nor one with no work
    assert pages.saved("0" * 32) == () and pages.saved(None) == ()


def test_the_restored_boxes_list_the_files_still_there(tmp_path: Path) -> None:
    paths = [tmp_path / "a.depth.png", tmp_path / "a.json"]
    for path in paths:
        path.write_bytes(b"x")
    claim = Claim("k" * 32, "kept", workspace(), None, tuple(map(str, paths)), SAID)
    assert reclaim.saved_boxes(claim) == [{"value": [str(p) for p in paths]}, {"value": SAID}]
    paths[0].unlink()
    assert reclaim.saved_boxes(claim) == [
        {"value": [str(paths[1])]},
        {"value": "1 of the 2 files saved from this tab is no longer there"},
    ]
    paths[1].unlink()
    assert reclaim.saved_boxes(claim) == [
        {"value": None},
        {"value": "2 of the 2 files saved from this tab are no longer there"},
    ]
    nothing = Claim("k" * 32, "kept", workspace())
    assert reclaim.saved_boxes(nothing) == [{"value": None}, {"value": ""}]

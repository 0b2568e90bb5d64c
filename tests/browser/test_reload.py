"""A reload of the page gives the tab its work back (lib_dazdepth/ui/pages.py, reclaim.py,
javascript/dazdepth_tab.js): the canvases, the splits, the edits, undo, the regions' labels
and the prompt, the files loaded and the view; a duplicated tab never shares it, and a key
the server does not have gives the empty tab with a note."""

from __future__ import annotations

import re

import gradio as gr
import pytest
from browsing import Tab
from test_send_to_webui import fake_webui, host_events, host_tabs  # noqa: F401 (a fixture)
from test_tab import loaded, table_input

from lib_dazdepth.ui.reclaim import AGAIN, COPY, KEPT, UNKNOWN

GRADIO_MAJOR = int(gr.__version__.split(".")[0])
STORE = "dazdepth.tab"  # javascript/dazdepth_tab.js


def reload(tab: Tab) -> dict:
    """Reload the page as the artist does (F5) and wait for the tab's first view."""
    tab.page.reload()
    tab.page.wait_for_selector("#dazdepth_mount", state="attached", timeout=60000)
    tab.wait_js("() => window.dazdepth && window.dazdepth.view()", 60000)
    return tab.view()


def stored_key(tab: Tab):
    return tab.page.evaluate(f"() => sessionStorage.getItem({STORE!r})")


def held_key(tab: Tab) -> str:
    return tab.page.evaluate("() => window.dazdepthTab.held()")


def split_rows(view: dict) -> list[tuple]:
    return [(s["start"], s["end"], s["levels"], s["label"], s["region"]) for s in view["splits"]]


def region_rows(view: dict) -> list[tuple]:
    return [(r["region"], r["label"], r["pixels"]) for r in view["regions"]["rows"]]


def column(tab: Tab, name: str) -> int:
    headers = tab.page.eval_on_selector_all(
        "#dazdepth_mount .dd-table thead th", "ths => ths.map(t => t.textContent.trim())"
    )
    return headers.index(name)


def edited(tab: Tab, sample_set) -> dict:
    """The sample loaded, split three ways by hand, a split labelled in the table, regions
    from the splits, region 0 labelled in the regions table and the regions layer shown."""
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 226}, {"op": "add", "depth": 560}])
    field = table_input(tab, 1, column(tab, "Label"))
    field.fill("table")
    field.press("Tab")
    tab.wait_view("v.splits[1].label === 'table' && !window.dazdepth.busy()")
    tab.send([{"op": "regions_from_splits"}, {"op": "show", "layer": "regions"}])
    label = tab.page.locator("#dazdepth_mount tr[data-region='0'] input.dd-region-label")
    label.fill("figure in red")
    label.press("Tab")
    return tab.wait_view(
        "v.regions.rows.some((r) => r.label === 'figure in red') && !window.dazdepth.busy()"
    )


def test_a_reload_gives_the_tab_its_work_back(tab, sample_set) -> None:
    before = edited(tab, sample_set)
    key = held_key(tab)
    assert len(key) == 32 and stored_key(tab) is None  # held by the live page, not stored
    after = reload(tab)
    name = sample_set["depth"].name
    assert after["message"] == {"kind": "info", "text": KEPT.format(name=name)}
    assert after["loaded"] and after["image"] == before["image"]
    assert split_rows(after) == split_rows(before)
    assert region_rows(after) == region_rows(before)
    assert after["regions"]["template"] == before["regions"]["template"]
    assert "figure in red" in after["regions"]["template"]
    assert after["show"] == "regions" and after["can_undo"] and not after["can_redo"]
    assert held_key(tab) == key and stored_key(tab) is None  # the same work, held again
    # what the page shows: the message, the split table, the region labels, the file boxes
    assert KEPT.format(name=name) in tab.page.inner_text("#dazdepth_mount .dd-msg")
    rows = tab.page.locator("#dazdepth_mount .dd-table tbody tr")
    assert rows.count() == 3
    assert table_input(tab, 1, column(tab, "Label")).input_value() == "table"
    label = tab.page.locator("#dazdepth_mount tr[data-region='0'] input.dd-region-label")
    assert label.input_value() == "figure in red"
    assert tab.page.locator("#dazdepth_mount input[type=radio][value=regions]").is_checked()
    # (the boxes may be folded away; gradio 4 sets a file's extension apart, gradio 3 cuts
    # a long name short in the middle)
    files = "".join(tab.page.text_content("#dazdepth_files").split())
    assert all(sample_set[role].name[:20] in files for role in ("depth", "normal", "beauty"))
    depth_box = tab.page.locator("#dazdepth_role_depth input").first
    assert depth_box.input_value() == name
    # undo reaches back over the reload: the region label, then the regions, then the splits
    tab.page.click("#dazdepth_mount .dd-foot button:text-is('Undo')")
    view = tab.wait_view("!v.regions.rows.some((r) => r.label === 'figure in red')")
    assert view["can_redo"]
    tab.page.click("#dazdepth_mount .dd-foot button:text-is('Redo')")
    view = tab.wait_view("v.regions.rows.some((r) => r.label === 'figure in red')")
    # an edit after the reload is the tab's work too, and a second reload keeps it
    tab.send([{"op": "remove", "split": 2}])
    again = reload(tab)
    assert len(again["splits"]) == 2 and again["message"]["kind"] == "info"
    assert held_key(tab) == key


def test_a_new_tab_and_a_copy_of_a_live_tab_get_work_of_their_own(
    browser, tab, server_url, sample_set
) -> None:
    edited(tab, sample_set)
    key = held_key(tab)
    # A duplicated tab copies the live page's sessionStorage (as the browser's "Duplicate"
    # does), which holds no key: it starts afresh. A new tab has none at all.
    storage = tab.page.evaluate("() => JSON.stringify(Object.entries(sessionStorage))")
    duplicate = tab.page.context.new_page()
    duplicate.add_init_script(f"for (const [k, v] of {storage}) sessionStorage.setItem(k, v)")
    for page in (duplicate, tab.page.context.new_page()):
        other = Tab(page, server_url)
        view = other.view()
        assert not view["loaded"] and view["message"]["kind"] == "info"
        assert held_key(other) not in ("", key)
    if GRADIO_MAJOR >= 4:
        # gradio 4 on, the server knows the live pages: a page that asks for a live page's
        # key (as a copy made while the key was stored would) gets a new key of its own
        copy = tab.page.context.new_page()
        copy.add_init_script(f"sessionStorage.setItem({STORE!r}, {key!r})")
        copied = Tab(copy, server_url)
        view = copied.view()
        assert view["message"] == {"kind": "info", "text": f"{COPY} {AGAIN}"}
        assert not view["loaded"] and held_key(copied) not in ("", key)
    # the original keeps its work and goes on
    assert len(tab.send([{"op": "add", "depth": 300}])["splits"]) == 4


@pytest.mark.parametrize(
    "asked",
    ["5f0c2a9e" * 4, "../../etc/passwd", "0" * 31 + "G", "x" * 5000],
    ids=["unknown", "a path", "not hex", "5000 long"],
)
def test_a_key_the_server_does_not_have_gives_the_empty_tab(browser, server_url, asked) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(f"sessionStorage.setItem({STORE!r}, {asked!r})")
        tab = Tab(page, server_url)
        view = tab.view()
        assert not view["loaded"]
        # a key of this server once (it restarted): the tab says so
        if re.fullmatch("[0-9a-f]{32}", asked):
            assert view["message"] == {"kind": "warning", "text": f"{UNKNOWN} {AGAIN}"}
        else:  # not a key at all: the page starts afresh
            assert (
                view["message"]["kind"] == "info" and "Drop the canvases" in view["message"]["text"]
            )
        assert held_key(tab) not in ("", asked)
    finally:
        context.close()


@pytest.mark.skipif(GRADIO_MAJOR >= 5, reason="the stand-in webui is A1111's or Forge's")
def test_a_webui_reload_with_the_tab_open_keeps_its_work(browser, fake_webui, sample_set):  # noqa: F811
    """The tab's Blocks inside the webui's (tests/host/fake_webui.py), as A1111 and Forge
    render it: the reload of the whole webui page gives the tab its work back."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        tab = Tab(context.new_page(), fake_webui, host_noise=host_tabs)
        tab.tolerated = host_events  # the stand-in page's own events
        tab.page.locator("button", has_text="Daz Depth").first.click()
        loaded(tab, sample_set)
        before = tab.send([{"op": "add", "depth": 226}, {"op": "show", "layer": "test"}])
        after = reload(tab)
        tab.page.locator("button", has_text="Daz Depth").first.click()
        name = sample_set["depth"].name
        assert after["message"] == {"kind": "info", "text": KEPT.format(name=name)}
        assert split_rows(after) == split_rows(before) and after["show"] == "test"
        tab.page.locator("#dazdepth_mount .dd-table tbody tr").nth(1).wait_for()
        assert tab.page.locator("#dazdepth_mount .dd-table tbody tr").count() == 2
        assert len(tab.send([{"op": "undo"}])["splits"]) == 1  # undo reaches over it
    finally:
        context.close()

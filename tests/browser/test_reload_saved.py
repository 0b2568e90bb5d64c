"""After a reload the "Saved files" list and the save's status line come back with the
tab's work (lib_dazdepth/ui/pages.py, reclaim.py): the files still on disk."""

from __future__ import annotations

from pathlib import Path

from browsing import Tab
from test_reload import reload
from test_tab import loaded


def listed(tab: Tab) -> list[str]:
    tab.page.wait_for_selector("#dazdepth_downloads a[href]", timeout=30000)
    return sorted(
        tab.page.eval_on_selector_all(
            "#dazdepth_downloads a[href]", "els => els.map(e => e.getAttribute('download'))"
        )
    )


def status(tab: Tab) -> str:
    return tab.page.inner_text("#dazdepth_status").strip()


def test_a_reload_lists_the_saved_files_still_there(tab, sample_set, outputs: Path) -> None:
    loaded(tab, sample_set)
    tab.send([{"op": "add", "depth": 420}])
    tab.page.click("#dazdepth_save")
    tab.page.wait_for_function(
        "() => document.querySelector('#dazdepth_status').innerText.startsWith('Saved')",
        timeout=60000,
    )
    names, said = listed(tab), status(tab)
    assert len(names) >= 3 and said.startswith(f"Saved {len(names)} files to ")
    reload(tab)
    tab.page.wait_for_function(
        "() => document.querySelector('#dazdepth_status').innerText.startsWith('Saved')",
        timeout=30000,
    )
    assert listed(tab) == names and status(tab) == said
    # a file deleted since is left out, and the line says so
    folder = Path(said.split(" to ", 1)[1].rsplit(": ", 1)[0])
    assert folder.is_relative_to(outputs)
    (folder / names[0]).unlink()
    reload(tab)
    tab.page.wait_for_function(
        "() => document.querySelector('#dazdepth_status').innerText.includes('no longer')",
        timeout=30000,
    )
    assert listed(tab) == names[1:]
    assert status(tab) == f"1 of the {len(names)} files saved from this tab is no longer there"

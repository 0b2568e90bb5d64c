"""Region labels belong to the source of regions they were typed for (a real browser):
labels typed with "Regions from splits" do not show on the IDs' regions, switching back
brings them back, and Undo goes back across a switch."""

from __future__ import annotations

from test_regions import panel_rows, sample_id_canvas
from test_tab import loaded


def labels(tab) -> list[str]:
    return [row[3] for row in panel_rows(tab)]


def type_label(tab, row: int, text: str) -> None:
    box = tab.page.locator("#dazdepth_mount table.dd-region-map input.dd-region-label").nth(row)
    box.fill(text)
    box.press("Enter")
    box.blur()  # the change event
    tab.wait_view(f"!window.dazdepth.busy() && v.regions.rows[{row}].label === {text!r}")


def press(tab, selector: str, message: str) -> dict:
    before = tab.view()["seq"]
    tab.page.click(f"#dazdepth_mount button{selector}")
    return tab.wait_view(
        f"v.seq > {before} && !window.dazdepth.busy() && v.message.text.startsWith({message!r})"
    )


def test_labels_follow_the_source_of_regions(tab, sample_set, tmp_path) -> None:
    path = sample_id_canvas(tmp_path)
    view = tab.upload(sample_set["depth"], path)
    assert view["loaded"], view["message"]
    tab.send([{"op": "add", "depth": 226}])
    press(tab, ".dd-regions-from-splits", "Regions from splits")
    assert labels(tab) == ["Default", ""]  # the split's label
    type_label(tab, 0, "a figure with an orb")
    type_label(tab, 1, "a stage")
    press(tab, ".dd-regions-from-ids", "Regions from IDs")
    assert labels(tab) == ["", "", "", ""]  # region 0 is the orb alone now
    type_label(tab, 0, "a glowing orb")
    press(tab, ".dd-regions-from-splits", "Regions from splits")
    assert labels(tab) == ["a figure with an orb", "a stage"]
    template = tab.page.input_value("#dazdepth_mount textarea.dd-template")
    assert "a figure with an orb" in template and "a glowing orb" not in template
    tab.page.click("#dazdepth_mount button:text-is('Undo')")
    tab.page.wait_for_function(
        "() => document.querySelectorAll('#dazdepth_mount table.dd-region-map tbody tr')"
        ".length === 4"
    )
    assert labels(tab) == ["a glowing orb", "", "", ""]
    tab.screenshot("region-labels-by-source.png")


def test_the_prompt_says_where_its_words_are_typed_and_shows_whole(tab, sample_set) -> None:
    """The prompt box is read-only: typing in it did nothing and only a tooltip said where
    the words go; it showed 3 of its lines."""
    loaded(tab, sample_set)
    hint = tab.page.locator("#dazdepth_mount .dd-prompt-hint")
    assert hint.is_hidden()  # no regions, no prompt
    for depth in (226, 400, 560):
        tab.send([{"op": "add", "depth": depth}])
    press(tab, ".dd-regions-from-splits", "Regions from splits")
    assert hint.is_visible()
    assert hint.inner_text().startswith("Type each region's words in its Label box;")
    type_label(tab, 1, "a red dress")
    box = tab.page.locator("#dazdepth_mount textarea.dd-template")
    lines = box.input_value().split("\n")
    assert "a red dress" in lines and len(lines) == 9  # base, then 4 regions after BREAK
    assert box.evaluate("e => e.rows") == 9
    assert box.evaluate("e => e.scrollHeight <= e.clientHeight + 1")  # no line hidden

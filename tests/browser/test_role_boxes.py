"""The role dropdowns show a Daz canvas's whole name at 1280x720 (the newcomer saw
"sample_scene-Canvas3-Normal.exr" cut in a 240 px box), clear of the dropdown's arrow,
with the whole name in a tooltip; the dark theme stays readable."""

from __future__ import annotations

import pytest
from contrast import LOW_CONTRAST_JS
from test_artist import open_tab
from test_tab import loaded

ROLES = ("depth", "normal", "beauty")

# Each role box's input: its value, whether the text fits, and the room its text has
# left of the arrow (the input's content box ends before the arrow starts).
FIT_JS = """(roles) => roles.map((role) => {
    const box = document.querySelector('#dazdepth_role_' + role);
    const input = box.querySelector('input');
    const shown = [...box.querySelectorAll('svg')].filter((s) => s.getBoundingClientRect().width);
    const arrow = shown[shown.length - 1];  // (gradio 3 keeps a hidden clear button's too)
    const r = input.getBoundingClientRect(), pad = parseFloat(getComputedStyle(input).paddingRight);
    return { value: input.value, fits: input.scrollWidth <= input.clientWidth,
             clear: !arrow || r.right - pad <= arrow.getBoundingClientRect().left + 0.5 };
})"""


@pytest.mark.parametrize(("size", "theme"), [("laptop", "dark"), ("desktop", "light")])
def test_canvas_names_show_whole_in_the_role_boxes(browser, server_url, sample_set, size, theme):
    tab = open_tab(browser, server_url, size, theme)
    loaded(tab, sample_set)
    tab.page.click("#dazdepth_mount .dd-files-toggle")
    tab.page.wait_for_selector("#dazdepth_role_normal input", state="visible")
    boxes = tab.page.evaluate(FIT_JS, list(ROLES))
    # (gradio 3 and 4 list the beauty render's PNG and EXR in another order)
    assert [b["value"] for b in boxes[:2]] == [sample_set[r].name for r in ROLES[:2]]
    assert boxes[2]["value"].startswith("sample_scene")
    assert all(b["fits"] and b["clear"] for b in boxes), boxes
    tab.page.hover("#dazdepth_role_normal input")
    title = tab.page.get_attribute("#dazdepth_role_normal input", "title")
    assert title == "sample_scene-Canvas3-Normal.exr"
    assert tab.page.evaluate(LOW_CONTRAST_JS, 4.5) == []
    tab.page.context.close()

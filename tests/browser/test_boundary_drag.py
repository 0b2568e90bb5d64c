"""A dragged boundary stops a histogram bin short of its neighbour, on the page while it
drags and in the view the server sends back; a split with levels but no pixel is named."""

from __future__ import annotations

from test_tab import THREE_SPLITS, loaded, mid_y, x_of


def test_a_boundary_dragged_past_its_neighbour_stops_a_bin_short(tab, sample_set) -> None:
    loaded(tab, sample_set)
    view = tab.send(THREE_SPLITS)
    hist = view["histogram"]
    bin_width = (hist["hi"] - hist["lo"]) / len(hist["counts"])
    start = tab.page.evaluate("() => window.dazdepth.boundaryX(1)")
    tab.page.mouse.move(start, mid_y(tab))
    tab.page.mouse.down()
    target = x_of(tab, 700)  # well past boundary 2 at 560
    for step in range(1, 13):
        tab.page.mouse.move(start + (target - start) * step / 12, mid_y(tab))
    during = tab.page.evaluate("() => window.dazdepth.boundary(1)")
    assert 560 - 2 * bin_width < during <= 560 - bin_width  # held while it drags
    tab.page.mouse.up()
    view = tab.wait_view("v.splits[1].start > 500 && !window.dazdepth.busy()")
    moved = view["splits"][1]["start"]
    assert 560 - 2 * bin_width < moved <= 560 - bin_width
    assert view["splits"][0]["end"] == moved and view["splits"][1]["end"] == 560
    assert [s["levels"] for s in view["splits"]] == [200, 40, 16]
    # A command straight from the API is held the same way: it cannot reach 226's neighbour.
    view = tab.send([{"op": "move", "boundary": 2, "depth": 100}])
    assert view["splits"][2]["start"] == moved + bin_width


def test_a_split_with_levels_and_no_pixel_is_named_in_the_status_line(tab, sample_set) -> None:
    loaded(tab, sample_set)
    view = tab.send(THREE_SPLITS)
    hist = view["histogram"]
    # The deepest bins hold the wall; find a gap with no pixel just before it.
    counts, bin_width = hist["counts"], (hist["hi"] - hist["lo"]) / len(hist["counts"])
    empty = next(b for b in range(len(counts) - 2, 0, -1) if counts[b] == 0)
    depth = hist["lo"] + (empty + 0.5) * bin_width
    gap = [
        {"op": "move", "boundary": 2, "depth": depth - bin_width / 4},
        {"op": "add", "depth": depth + bin_width / 4},
        {"op": "allocate", "split": 2, "levels": 10},
        {"op": "allocate", "split": 3, "levels": 6},
    ]
    view = tab.send(gap)
    assert view["splits"][2]["pixels"] == 0
    line = tab.page.locator("#dazdepth_mount .dd-warning")
    line.wait_for(state="visible")
    assert line.inner_text() == (
        "Split 2 holds no pixels but keeps 10 of 256 grey levels: move a boundary to give it"
        " depths, or take the levels off (the Levels column)."
    )

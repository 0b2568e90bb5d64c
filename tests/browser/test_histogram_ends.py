"""The histogram's last bins (the backstop, often the biggest thing in a scene) stay in
sight with the last split selected: its frame goes in the margin, not over the bars."""

from __future__ import annotations

from test_tab import loaded

# The canvas's pixels in the columns of the histogram's last bin, down the plot: how many
# are the accent colour (the selection frame) and how many are drawn at all.
LAST_BIN_JS = """() => {
    const c = document.querySelector('#dazdepth_mount canvas.dd-canvas');
    const v = window.dazdepth.view(), hg = v.histogram, n = hg.counts.length;
    const rect = c.getBoundingClientRect(), dpr = c.width / rect.width;
    const bw = (hg.hi - hg.lo) / n;
    const left = window.dazdepth.xAtDepth(hg.hi - bw), right = window.dazdepth.xAtDepth(hg.hi);
    const x0 = Math.floor((left - rect.left) * dpr), x1 = Math.ceil((right - rect.left) * dpr);
    const y0 = Math.round(10 * dpr), y1 = Math.round(168 * dpr);
    const data = c.getContext('2d').getImageData(x0, y0, x1 - x0, y1 - y0).data;
    let accent = 0, drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        drawn += 1;
        if (data[i] > 200 && data[i + 1] > 90 && data[i + 1] < 140 && data[i + 2] < 60) accent += 1;
    }
    return { accent, drawn, columns: x1 - x0, last: hg.counts[n - 1] };
}"""


def test_the_last_bin_shows_with_the_last_split_selected(tab, sample_set) -> None:
    loaded(tab, sample_set)
    view = tab.send([{"op": "add", "depth": 420}, {"op": "select", "split": 1}])
    assert view["selected"] == 1
    tab.page.wait_for_timeout(300)  # a frame drawn
    seen = tab.page.evaluate(LAST_BIN_JS)
    assert seen["last"] > 0 and seen["columns"] >= 1
    assert seen["accent"] == 0, seen
    assert seen["drawn"] > 0, seen

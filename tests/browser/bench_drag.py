"""Drag to pixels, in a real browser: a benchmark, not a test (run it on demand).

    .venv/gradio4/bin/python tests/browser/bench_drag.py [--sizes 1200,4096] [--moves 90]

For each size, the standalone tab opens the sample scene rendered at that size and the
mouse drags a split boundary across the histogram and back at a steady 60 moves a second.
Each move's latency runs from the pointer event (its timeStamp, when the browser got it)
to the start of the first animation frame after a preview showing that boundary position,
or one past it, was drawn: the page's own drawing (dazdepth_map.js), or the server's image
loaded. The release's runs from the pointer going up to the final position on screen.

The same drags are timed with the page told not to draw (the server's round trip for every
position, as before): the baseline, measured in the same run. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browsing import CHROMIUM, CHROMIUM_ARGS, ROOT, Tab, served

sys.path.insert(0, str(ROOT))

SETUP = [
    {"op": "add", "depth": 226},
    {"op": "add", "depth": 560},
    {"op": "allocate", "split": 0, "levels": 200},
    {"op": "allocate", "split": 1, "levels": 40},
    {"op": "allocate", "split": 2, "levels": 16},
]
BOUNDARY = 1
RATE = 60  # pointer moves a second

RECORD = """() => {
    const rec = (window.benchDrag = { moves: [], shows: [], draws: [], views: [] });
    document.addEventListener('pointermove', (e) => {
        if (e.buttons) rec.moves.push([e.timeStamp, window.dazdepth.boundary(BOUNDARY)]);
    });
    document.addEventListener('pointerup', (e) => { rec.up = e.timeStamp; });
    if (!window.benchRender) {  // when each view from the server arrives
        window.benchRender = window.dazdepthRender;
        window.dazdepthRender = (v) => {
            window.benchDrag.views.push(performance.now());
            return window.benchRender(v);
        };
    }
    addEventListener('dazdepth-preview', (e) => {
        const d = Number(e.detail.bounds.split(',')[BOUNDARY - 1]);
        if (e.detail.ms !== null) rec.draws.push(e.detail.ms);
        requestAnimationFrame((frame) => rec.shows.push([frame, d]));
    });
}""".replace("BOUNDARY", str(BOUNDARY))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def answered(record: dict) -> float | None:
    """ms from the release to the server's view (the table's counts) arriving."""
    up = record.get("up")
    after = [t for t in record["views"] if up is not None and t >= up]
    return after[0] - up if after else None


def latencies(record: dict, direction: int) -> tuple[list[float], float | None]:
    """Per move (a new position only): ms to the first frame showing it or a later one;
    and the release's ms to the final position (0 when it was on screen already)."""
    shows = sorted(record["shows"])
    out, last = [], None
    for at, depth in record["moves"]:
        if depth == last:
            continue
        last = depth
        landed = next((t for t, d in shows if t >= at and direction * (d - depth) >= 0), None)
        if landed is not None:
            out.append(landed - at)
    final = record["moves"][-1][1] if record["moves"] else None
    up = record.get("up")
    if final is None or up is None:
        return out, None
    shown = [t for t, d in shows if d == final]
    return out, (max(0.0, shown[0] - up) if shown else None)


def drag(tab: Tab, local: bool, moves: int) -> tuple[list, list, list, list]:
    page = tab.page
    page.evaluate(f"() => window.dazdepthPreview.setLocal({str(local).lower()})")
    tab.send([{"op": "move", "boundary": BOUNDARY, "depth": 226}])
    page.locator("#dazdepth_mount canvas.dd-canvas").scroll_into_view_if_needed()
    rect = page.evaluate("() => window.dazdepth.histogramRect()")
    y = rect["top"] + rect["height"] / 2
    all_moves, releases, draws, answers = [], [], [], []
    for direction, (a, b) in ((1, (226, 330)), (-1, (330, 226))):
        page.evaluate(RECORD)
        start = page.evaluate(f"() => window.dazdepth.boundaryX({BOUNDARY})")
        end = start + (depth_x(tab, b) - depth_x(tab, a))
        page.mouse.move(start, y)
        page.mouse.down()
        tick = time.perf_counter()
        for k in range(1, moves + 1):
            page.mouse.move(start + (end - start) * k / moves, y)
            tick += 1 / RATE
            time.sleep(max(0.0, tick - time.perf_counter()))
        page.mouse.up()
        tab.wait_view("!window.dazdepth.busy() && !window.dazdepth.queued()", 60000)
        page.wait_for_timeout(300)
        record = page.evaluate("() => window.benchDrag")
        each, release = latencies(record, direction)
        all_moves += each
        draws += record["draws"]
        if release is not None:
            releases.append(release)
        if answered(record) is not None:
            answers.append(answered(record))
    return all_moves, releases, draws, answers


def depth_x(tab: Tab, depth: float) -> float:
    return tab.page.evaluate(
        """(depth) => {
            const r = window.dazdepth.histogramRect();
            let lo = r.left, hi = r.right;
            for (let i = 0; i < 60; i++) {
                const mid = (lo + hi) / 2;
                if (window.dazdepth.depthAtX(mid) < depth) lo = mid; else hi = mid;
            }
            return (lo + hi) / 2;
        }""",
        depth,
    )


def report(label: str, moves: list, releases: list, draws: list, answers: list) -> float:
    p50, p95 = percentile(moves, 0.5), percentile(moves, 0.95)
    release = statistics.median(releases) if releases else float("nan")
    answer = statistics.median(answers) if answers else float("nan")
    extra = f", drawing {statistics.median(draws):.1f} ms" if draws else ""
    print(
        f"  {label:<32}p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  release {release:6.1f} ms"
        f"  ({len(moves)} moves, the server's view {answer:.0f} ms after release{extra})"
    )
    return p95


def bench_size(browser, size: int, moves: int, folder: Path) -> None:
    from lib_dazdepth.engine.sample import write_sample

    scene = folder / f"sample-{size}"
    write_sample(scene, size=size)
    command = [sys.executable, "-m", "lib_dazdepth", "ui", "--open", str(scene)]
    command += ["--outputs", str(folder / "outputs")]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(folder)}
    with served(command, env) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        tab = Tab(context.new_page(), url)
        view = tab.wait_view("v.loaded", 300000)
        tab.send(SETUP)
        preview = view["preview"]
        print(
            f"\n== sample scene {size}x{size}, preview {preview['width']}x{preview['height']},"
            f" {2 * moves} moves at {RATE}/s; load average {os.getloadavg()[0]:.1f}"
            f" on {os.cpu_count()} cores"
        )
        page_p95 = report("the page draws the preview", *drag(tab, True, moves))
        server_p95 = report("  baseline: the server's image", *drag(tab, False, moves))
        print(f"  {'p95, page against server':<32}{server_p95 / page_p95:6.1f}x faster")
        indexed = tab.page.evaluate("() => window.dazdepthPreview.indexMs()")
        print(f"  {'once per depth: samples indexed':<32}{indexed:6.0f} ms on the page")
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1200,4096", help="comma-separated square sizes")
    parser.add_argument("--moves", type=int, default=90, help="pointer moves each way")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print("Drag to pixels: pointer move -> new preview on screen, in Chromium (headless)")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="dazdepth-drag-") as folder, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in sizes:
            bench_size(browser, size, args.moves, Path(folder))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

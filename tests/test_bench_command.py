"""``daz-depth bench`` runs through at a tiny size and prints every figure with its
baseline from the same run (README, Speed). No time is asserted: the rows must be there
and carry a number, a ratio or a peak, whatever the machine's load. The batch rows (at
1200²) are left out: too slow for a test."""

from __future__ import annotations

import re
import subprocess
import sys

from children import child_env

# Each row's label, then what it must carry after it.
RATIO = r"[\d.]+x"
ROWS = {
    "whole CLI run, fresh process": r"cpu +[\d.]+ ms +peak \d+ MB",
    "floor: a process that reads + writes": r"cpu +[\d.]+ ms +peak \d+ MB",
    "whole run / floor": rf"{RATIO} +cpu +{RATIO}",
    "of which Daz Depth's own imports": r"cpu +[\d.]+ ms",
    "read depth from part 1, 8 floats in part 0": rf"\d+ MB +vs \d+ MB plain: {RATIO}",
    "write the depth PNG (Up filter + zlib)": rf"{RATIO} (faster|slower) than Pillow",
    "mapping, vectorised (4 splits)": rf"{RATIO} (faster|slower) than pure Python",
    "drag a boundary: update + grey (median)": rf"{RATIO} (faster|slower) than mapping anew",
    "tab: drag edit, command to view JSON": rf"{RATIO} (faster|slower) than a full-size remap",
}


def test_the_bench_prints_each_figure_beside_its_baseline() -> None:
    command = ["bench", "--sizes", "48", "--repeat", "1", "--batch", "0"]
    done = subprocess.run(
        [sys.executable, "-m", "lib_dazdepth", *command],
        capture_output=True,
        text=True,
        timeout=300,
        env=child_env(),
    )
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert "== sample scene 48x48" in lines
    for label, carries in ROWS.items():
        found = [line for line in lines if line.strip().startswith(label)]
        assert len(found) == 1, label
        assert re.search(carries, found[0][found[0].index(label) + len(label) :]), found[0]

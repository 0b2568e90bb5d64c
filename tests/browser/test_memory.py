"""The server's memory over page loads: a webui user reloads the page all day, and the
standalone tab opens the 1200x1200 sample on every load (issue 10, item 16)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browsing import ROOT, Tab, served_process

LOADS = 30
ALLOWED_GROWTH_MB = 150


def rss_mb(pid: int) -> float:
    """The process's resident memory (Linux /proc), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
@pytest.mark.skipif(bool(os.environ.get("DAZDEPTH_URL")), reason="measures its own server")
def test_thirty_page_loads_of_the_sample_leave_the_servers_memory_flat(browser, tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache)}
    # the sample, rendered before the server starts (it would render it while starting)
    render = "from lib_dazdepth.ui.launcher import sample_files; sample_files(1200)"
    subprocess.run([sys.executable, "-c", render], env=env, check=True)
    command = [sys.executable, "-m", "lib_dazdepth", "ui", "--outputs", str(tmp_path / "out")]
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    rss = []
    with served_process(command, env) as (url, server):
        for _ in range(LOADS):
            tab = Tab(page, url)  # a new page load: the old page goes, as on a reload
            view = tab.wait_view("v.loaded", 120000)
            assert view["image"]["width"] == 1200, view["message"]
            assert tab.errors == [] and tab.noise == []
            time.sleep(0.5)  # the server finishes the load's last event
            rss.append(rss_mb(server.pid))
    context.close()
    figures = ", ".join(f"{mb:.0f}" for mb in rss)
    print(f"server RSS (MB) after each of {LOADS} loads: {figures}")
    growth = rss[-1] - rss[0]
    assert growth <= ALLOWED_GROWTH_MB, f"grew {growth:.0f} MB over {LOADS} loads: {figures}"

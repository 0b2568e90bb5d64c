"""Fixtures for the browser tests (helpers in browsing.py)."""

from __future__ import annotations

import contextlib
import os
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, OPENED, ROOT, SAMPLE_SIZE, Tab, served

from lib_dazdepth.engine.sample import write_sample


@pytest.fixture(scope="session")
def sample_set(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sample")
    paths = write_sample(folder, size=SAMPLE_SIZE)
    return {
        "depth": paths.depth_exr,
        "normal": paths.normal_exr,
        "beauty": paths.beauty_png,
        "beauty_exr": paths.beauty_exr,
    }


@pytest.fixture(scope="session")
def outputs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("outputs")


@pytest.fixture(scope="session")
def server_url(tmp_path_factory, outputs: Path) -> Iterator[str]:
    with tab_server(tmp_path_factory, outputs) as url:
        yield url


@pytest.fixture
def own_server_url(tmp_path_factory, outputs: Path) -> Iterator[str]:
    """A server of the test's own, for a test whose outcome hangs on the work the server
    holds (at most three tabs', and gradio 3 never says a tab closed)."""
    with tab_server(tmp_path_factory, outputs) as url:
        yield url


@contextlib.contextmanager
def tab_server(tmp_path_factory, outputs: Path) -> Iterator[str]:
    """The standalone tab served from an empty start, as the webui tab starts; a real
    webui's URL instead when DAZDEPTH_URL gives one."""
    if os.environ.get("DAZDEPTH_URL"):
        yield os.environ["DAZDEPTH_URL"]
        return
    empty = tmp_path_factory.mktemp("empty")  # start empty, as the webui tab does
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(empty)}
    start = [sys.executable, "-m", "lib_dazdepth"]
    if os.environ.get("DAZDEPTH_INSTALLED"):  # the installed wheel's command, not the checkout
        env.pop("PYTHONPATH")
        start = [str(Path(sysconfig.get_path("scripts")) / "daz-depth")]
    command = [*start, "ui", "--open", str(empty), "--outputs", str(outputs)]
    with served(command, env) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def tab(browser, server_url) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    opened = Tab(page, server_url)
    yield opened
    context.close()  # a page left open would slow the next tests' pages


@pytest.fixture(autouse=True)
def console_clean() -> Iterator[None]:
    """Every browser test fails on a page error or a console error or warning from any tab
    it opened (issue 10, item 14). Set up before the test's other fixtures, so it checks
    after they have closed their pages."""
    OPENED.clear()
    yield
    unclean = {n: tab.unclean() for n, tab in enumerate(OPENED) if tab.unclean()}
    OPENED.clear()
    assert unclean == {}, f"pages (by the order opened) logged errors or warnings: {unclean}"

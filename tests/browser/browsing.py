"""Browser test helpers: Playwright (PyPI) driving Debian's /usr/bin/chromium.

By default each session starts the standalone tab (``python -m lib_dazdepth ui``) with this
interpreter's gradio. Set ``DAZDEPTH_URL`` to test a running server instead, e.g. a real
webui (``DAZDEPTH_URL=http://127.0.0.1:7860/``): the tests then open the "Daz Depth" tab.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DAZDEPTH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
# The console messages a test page may log that do not come from the tab, all of them
# gradio's page template reaching the internet, which this machine does not have: its Google
# fonts (gradio 3 and 4) and, on gradio 4, iFrameResizer from cdnjs (for embedding the app
# in another page). Each is a failed request to one of these hosts, logged at the host's
# URL, or gradio 4's loader saying it could not preload the fonts' CSS.
OFFLINE_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "cdnjs.cloudflare.com")
FONTS_NOT_PRELOADED = "Unable to preload CSS for https://fonts.googleapis.com/"
SAMPLE_SIZE = 600
# Every Tab opened by the running test: conftest.py's console_clean fixture checks each one's
# console after the test.
OPENED: list[Tab] = []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The running servers' output files, so a failing test can show what the servers said.
SERVER_LOGS: list[Path] = []


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} in {seconds} s")


@contextlib.contextmanager
def served(command: list[str], env: dict[str, str]) -> Iterator[str]:
    """Start ``command`` (given ``--port N`` appended) and yield its URL until done."""
    with served_process(command, env) as (url, _):
        yield url


@contextlib.contextmanager
def served_process(
    command: list[str], env: dict[str, str]
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``served``, yielding the server's process too."""
    port = free_port()
    # A file, not a pipe: nobody reads a pipe while the tests run, and a full one would
    # block the server.
    log = Path(tempfile.mkstemp(prefix="dazdepth-server-", suffix=".log")[1])
    with log.open("w") as sink:
        process = subprocess.Popen(
            [*command, "--port", str(port)], stdout=sink, stderr=subprocess.STDOUT, env=env
        )
    SERVER_LOGS.append(log)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url, process, log)
        yield url, process
    finally:
        SERVER_LOGS.remove(log)
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.unlink(missing_ok=True)


def offline(text: str, location: dict) -> bool:
    """Whether a console message is gradio's template failing to reach the internet."""
    host = urllib.parse.urlsplit(location.get("url") or "").hostname
    failed = text.startswith("Failed to load resource: net::ERR_") and host in OFFLINE_HOSTS
    return failed or text.startswith(FONTS_NOT_PRELOADED)


def not_the_tabs(line: str) -> bool:
    """On a real webui page (DAZDEPTH_URL) the webui and its other extensions log their own
    warnings; the tab's are those logged from its scripts."""
    return "dazdepth" not in line


class Tab:
    """The Daz Depth tab in one browser page. Every Tab is checked after its test: no page
    error and no console error or warning (conftest.py, console_clean)."""

    def __init__(self, page, url: str, host_noise: Callable[[str], bool] | None = None) -> None:
        """``host_noise`` tells the console lines the page around the tab logs of its own
        (on a webui page) from the tab's."""
        self.page = page
        self.errors: list[str] = []
        self.console: list[str] = []
        self.noise: list[str] = []  # console errors and warnings not known to be offline
        real_webui = bool(os.environ.get("DAZDEPTH_URL"))
        self.host_noise = host_noise or (not_the_tabs if real_webui else lambda line: False)
        # What the test's own check lets pass at the end (a host's events, a host's errors).
        self.tolerated: Callable[[str], bool] = lambda line: False
        self.host_errors: set[str] = set()
        OPENED.append(self)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self.on_console)
        page.goto(url)
        page.wait_for_selector("#dazdepth_mount", state="attached", timeout=60000)
        tab_button = page.locator("button", has_text="Daz Depth")
        if os.environ.get("DAZDEPTH_URL") and tab_button.count():
            tab_button.first.click()
        # The page's load event has rendered its first view: the tab is ready for input.
        self.wait_js("() => window.dazdepth && window.dazdepth.view()", 60000)

    def on_console(self, note) -> None:
        line = f"{note.type}: {note.text}"
        self.console.append(line)
        if note.type in ("error", "warning") and not offline(note.text, note.location):
            noise = f"{line} (at {note.location.get('url', '?')})"
            if not self.host_noise(noise):
                self.noise.append(noise)

    def unclean(self) -> list[str]:
        """The page errors and console errors or warnings the tab answers for."""
        errors = [f"page error: {e}" for e in self.errors if e not in self.host_errors]
        return errors + [line for line in self.noise if not self.tolerated(line)]

    def wait_js(self, function_js: str, timeout: float, arg=None) -> None:
        """page.wait_for_function, failing with what the page and the servers said."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(function_js, arg=arg, timeout=timeout, polling=100)
        except PlaywrightTimeout:
            raise AssertionError(self.diagnosis(f"timed out waiting for {function_js}")) from None

    def diagnosis(self, what: str) -> str:
        try:
            shot = str(self.screenshot("failure.png"))
        except Exception as error:
            shot = f"(none: {error})"
        try:
            view = json.dumps(self.view())[:600]
        except Exception as error:  # the page itself may be gone
            view = f"(no view: {error})"
        parts = [
            what,
            f"view: {view}",
            f"screenshot: {shot}",
            "page errors: " + " | ".join(self.errors[-10:]),
            "console errors and warnings: " + " | ".join(self.noise[-10:]),
            "console:\n" + "\n".join(self.console[-20:]),
        ]
        parts += [f"server {log.name}:\n{log_tail(log)}" for log in SERVER_LOGS]
        return "\n".join(parts)

    def view(self) -> dict:
        return self.page.evaluate("() => window.dazdepth.view()") or {}

    def wait_view(self, predicate_js: str, timeout: float = 30000) -> dict:
        """Wait until ``predicate_js`` (a JS expression of ``v``, the view) holds."""
        self.wait_js(
            f"() => {{ const v = window.dazdepth.view(); return !!v && ({predicate_js}); }}",
            timeout,
        )
        return self.view()

    def drop(self, paths: list[Path], target: str = "#dazdepth_mount") -> None:
        """Drag ``paths`` from the desktop and drop them on ``target``, as an artist does:
        dragenter, dragover and drop events carrying the files."""
        files = [
            {"name": p.name, "data": base64.b64encode(p.read_bytes()).decode("ascii")}
            for p in paths
        ]
        self.page.evaluate(
            """([files, selector]) => {
                const transfer = new DataTransfer();
                for (const f of files) {
                    const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
                    transfer.items.add(new File([bytes], f.name));
                }
                const target = document.querySelector(selector);
                const box = target.getBoundingClientRect();
                const at = { clientX: box.left + box.width / 2, clientY: box.top + 10 };
                for (const type of ['dragenter', 'dragover', 'drop']) {
                    const init = { bubbles: true, cancelable: true, composed: true };
                    init.dataTransfer = transfer;
                    target.dispatchEvent(new DragEvent(type, Object.assign(init, at)));
                }
            }""",
            [files, target],
        )

    def upload(self, *paths: Path, target: str = "#dazdepth_mount") -> dict:
        """Drop ``paths`` on the tab and wait for the answer (loaded, or a message)."""
        before = self.page.evaluate("() => JSON.stringify((window.dazdepth.view() || {}).message)")
        noise = len(self.noise)
        self.drop(list(paths), target)
        view = self.wait_view(
            f"JSON.stringify(v.message) !== {json.dumps(before)}"
            " && (v.loaded || v.message.kind === 'error')",
            120000,  # about a second normally; generous for a loaded CI machine
        )
        assert self.noise[noise:] == [], self.diagnosis("the upload logged errors or warnings")
        return view

    def send(self, ops: list[dict]) -> dict:
        seq = self.page.evaluate(
            """async (ops) => {
                const d = window.dazdepth;
                while (d.busy() || d.queued()) await new Promise((r) => setTimeout(r, 20));
                d.send(ops, true);
                return d.seq();
            }""",
            ops,
        )
        return self.wait_view(f"v.seq >= {seq} && !window.dazdepth.busy()")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

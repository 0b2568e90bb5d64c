"""What the standalone tab's server serves at ``/file=`` (gradio 3.41 and 4.40): only
gradio's own copies and the user's uploads, never the working folder, the sources, the
cache folder or the folders of the canvases opened; and uploads are capped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from exrdata import write_depth  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def tab(tmp_path_factory):
    base = tmp_path_factory.mktemp("launcher")
    work = base / "project"  # the working folder, as if the user ran from a checkout
    (work / "notes").mkdir(parents=True)
    (work / "README.md").write_text("secret readme")
    (work / "notes" / "private.txt").write_text("secret notes")
    shots = base / "shots"
    canvases = shots / "scene_canvases"
    canvases.mkdir(parents=True)
    depth = np.linspace(100, 500, 32 * 32, dtype=np.float32).reshape(32, 32)
    write_depth(canvases / "scene-Canvas2-Depth.exr", depth)
    (shots / "diary.txt").write_text("secret beside the opened folder")
    cache = base / "cache" / "daz-depth"
    cache.mkdir(parents=True)
    (cache / "token.txt").write_text("secret in the cache")
    temp = base / "gradio-temp"
    port = free_port()
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
        "HOME": str(base),
        "XDG_CACHE_HOME": str(base / "cache"),
        "GRADIO_TEMP_DIR": str(temp),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    command = [sys.executable, "-m", "lib_dazdepth", "ui", "--port", str(port)]
    command += ["--open", str(canvases), "--outputs", str(work / "outputs"), "--max-upload", "1"]
    log = base / "log.txt"
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=sink, stderr=sink)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(900):  # gradio takes a while to import and start
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("the tab did not start: " + log.read_text()[-2000:])
        yield url, {"work": work, "shots": shots, "cache": cache, "temp": temp}
    finally:
        process.terminate()
        process.wait(timeout=30)


def probes(places: dict) -> list[str]:
    work, shots, cache = places["work"], places["shots"], places["cache"]
    return [
        "README.md",
        "notes/private.txt",
        str(work / "README.md"),
        str(ROOT / "lib_dazdepth" / "main.py"),
        str(ROOT / "README.md"),
        str(cache / "token.txt"),
        str(shots / "diary.txt"),
        str(shots / "scene_canvases" / "scene-Canvas2-Depth.exr"),
        str(places["temp"] / ".." / "project" / "README.md"),
        "/etc/passwd",
    ]


def test_file_serves_nothing_of_the_working_folder_sources_cache_or_opened_folders(tab):
    url, places = tab
    for path in probes(places):
        for route in ("/file=", "/file/"):
            answer = httpx.get(url + route + path, timeout=10)
            assert answer.status_code in (403, 404), (route, path, answer.status_code)
            assert b"secret" not in answer.content and b"def main" not in answer.content


def upload(url: str, name: str, data: bytes) -> httpx.Response:
    return httpx.post(url + "/upload", files={"files": (name, data)}, timeout=30)


def test_an_upload_is_served_back_and_the_folder_it_is_in_is_not(tab) -> None:
    url, places = tab
    answer = upload(url, "small.png", b"uploaded bytes")
    assert answer.status_code == 200, answer.text
    (stored,) = answer.json()
    assert Path(stored).resolve().is_relative_to(places["temp"].resolve())
    assert httpx.get(url + "/file=" + stored, timeout=10).content == b"uploaded bytes"
    assert httpx.get(url + "/file=" + str(places["temp"]), timeout=10).status_code == 403


def test_an_upload_over_the_limit_is_refused(tab) -> None:
    url, places = tab
    before = sorted(p for p in places["temp"].rglob("*") if p.is_file())
    answer = upload(url, "big.exr", os.urandom(3 * 1024 * 1024))
    assert answer.status_code == 413 and answer.json() == {"detail": "upload over 1 MB"}
    after = sorted(p for p in places["temp"].rglob("*") if p.is_file())
    assert [p for p in after if p not in before and p.stat().st_size > 1024 * 1024] == []


def test_a_chunked_upload_over_the_limit_is_refused(tab) -> None:
    url, _ = tab
    boundary = "dazdepthboundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="x.exr"\r\n'
    head += "Content-Type: application/octet-stream\r\n\r\n"

    def body():
        yield head.encode()
        for _ in range(3):
            yield os.urandom(1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    answer = httpx.post(
        url + "/upload",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=30,
    )
    assert answer.status_code == 413

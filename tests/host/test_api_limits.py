"""The HTTP API under attack, through a real uvicorn on 127.0.0.1 (raw sockets, so that
declared lengths, missing and chunked bodies are what the test says): credentials and
sizes before the body, streamed bytes counted, every field checked, no server path in an
answer, a pixel budget and at most one heavy request at once."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from exrdata import write_depth  # noqa: E402

AUTH = "Basic " + base64.b64encode(b"artist:secret").decode()
MAX_BYTES = 4 * 1024 * 1024
SPLIT = {"start": 0, "end": 1000, "levels": 200}
REGION_20 = {"format": "daz-depth-splits", "version": 1, "splits": [
    {**SPLIT, "start": 1, "flags": {"region": "12345678901234567890"}}]}  # fmt: skip
INVERSE_AT_0 = {"format": "daz-depth-splits", "version": 1, "curve": "inverse", "splits": [SPLIT]}
ANSWER = 5.0  # seconds: every attack is answered within this


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def send(port: int, head: str, body=(), timeout: float = ANSWER) -> tuple[int, dict, bytes]:
    """One request: ``head`` then each chunk of ``body`` (stopping if the server closes or
    stops reading), then its answer, which must come within ``timeout``."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
        for chunk in body:
            try:
                conn.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
        data = b""
        started = time.monotonic()
        while b"\r\n\r\n" not in data or len(data) < _expected(data):
            assert time.monotonic() - started < timeout, "no answer in time"
            try:
                part = conn.recv(65536)
            except ConnectionResetError:
                break
            if not part:
                break
            data += part
    head_text, _, content = data.partition(b"\r\n\r\n")
    lines = head_text.decode().split("\r\n")
    pairs = [line.split(": ", 1) for line in lines[1:] if ": " in line]
    headers = {key.lower(): value for key, value in pairs}
    return int(lines[0].split()[1]), headers, content


def _expected(data: bytes) -> int:
    head, _, _ = data.partition(b"\r\n\r\n")
    for line in head.decode(errors="replace").lower().split("\r\n"):
        if line.startswith("content-length:"):
            return len(head) + 4 + int(line.split(":")[1])
    return len(data) + 1


def post(port: int, route: str, document, auth: bool = True, timeout: float = ANSWER):
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    head = f"POST /dazdepth/v1/{route} HTTP/1.1\nHost: x\nContent-Length: {len(body)}\n"
    head += f"Content-Type: application/json\n{'Authorization: ' + AUTH + chr(10) if auth else ''}"
    status, headers, content = send(port, head, [body], timeout)
    return status, headers, json.loads(content or b"{}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    hold = tmp_path_factory.mktemp("hold") / "hold"
    port = free_port()
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
        "DAZ_API_AUTH": "artist:secret",
        "DAZ_API_MAX_BYTES": str(MAX_BYTES),
        "DAZ_API_MAX_PIXELS": str(256 * 256),
        "DAZ_API_HEAVY": "1",
        "DAZ_API_HOLD": str(hold),
    }
    command = [sys.executable, "-m", "uvicorn", "api_server:app", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--log-level", "warning"], cwd=HERE, env=env
    )
    try:
        for _ in range(300):  # up to 30 s to start
            try:
                head = f"GET /dazdepth/v1/version HTTP/1.1\nHost: x\nAuthorization: {AUTH}\n"
                if send(port, head, timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the API server did not start")
        yield port, process.pid, hold
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def depth_b64(tmp_path_factory) -> str:
    depth = np.linspace(100, 500, 64 * 64, dtype=np.float32).reshape(64, 64)
    path = write_depth(tmp_path_factory.mktemp("api") / "d.exr", depth)
    return base64.b64encode(path.read_bytes()).decode()


def test_a_declared_length_over_the_limit_without_a_body_gets_413_at_once(server) -> None:
    port, _, _ = server
    head = f"POST /dazdepth/v1/render HTTP/1.1\nHost: x\nAuthorization: {AUTH}\n"
    status, _, content = send(port, head + f"Content-Length: {2 * MAX_BYTES}\n")
    assert status == 413 and json.loads(content)["detail"] == f"request over {MAX_BYTES} bytes"


def test_a_chunked_body_over_the_limit_is_cut_off_with_413(server) -> None:
    port, _, _ = server
    head = f"POST /dazdepth/v1/render HTTP/1.1\nHost: x\nAuthorization: {AUTH}\n"
    chunk = b"%x\r\n%s\r\n" % (1024 * 1024, b"A" * 1024 * 1024)
    body = [chunk] * 6 + [b"0\r\n\r\n"]  # 6 MB, no length declared
    status, _, content = send(port, head + "Transfer-Encoding: chunked\n", body)
    assert status == 413 and json.loads(content)["detail"] == f"request over {MAX_BYTES} bytes"


@pytest.mark.parametrize("chunked", [False, True])
def test_an_unauthenticated_huge_body_gets_401_unread(server, chunked) -> None:
    port, pid, _ = server
    before = peak_mb(pid)
    head = "POST /dazdepth/v1/render HTTP/1.1\nHost: x\n"
    head += "Transfer-Encoding: chunked\n" if chunked else f"Content-Length: {400 * 1024**2}\n"
    piece = b"A" * 1024 * 1024
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
    status, headers, _ = send(port, head, (chunk for _ in range(400)))
    assert status == 401 and headers["www-authenticate"] == "Basic"
    assert peak_mb(pid) < before + 50  # the 400 MB were never held


def test_bad_json_without_credentials_gets_401_not_422(server) -> None:
    port, _, _ = server
    status, _, answer = post(port, "render", b"{not json", auth=False)
    assert status == 401 and answer == {"detail": "Not authenticated"}


@pytest.mark.parametrize(
    ("route", "fields", "detail"),
    [
        ("txt2img-payload", {"width": -5}, "width: must be a whole number of pixels from 64"),
        ("txt2img-payload", {"height": 1e12}, "height: must be a whole number of pixels"),
        ("txt2img-payload", {"height": 0}, "height: must be a whole number of pixels"),
        ("txt2img-payload", {"beauty_png": base64.b64encode(b"hello").decode()}, "beauty_png: "),
        ("txt2img-payload", {"prompt": 5}, "prompt: must be text"),
        ("txt2img-payload", {"models": "depth"}, "models: must be a list"),
        ("render", {"maps": ["normal"]}, "maps: normal needs normal_exr"),
        ("render", {"maps": ["depth", "x"]}, "maps: unknown 'x'"),
        ("render", {"bits": 12}, "bits: must be one of 8, 16"),
        ("render", {"preset": {"format": "daz-depth-splits"}}, "preset: preset version None"),
        ("render", {"depth_exr": "@@"}, "depth_exr: not valid base64"),
        ("render", {"preset": REGION_20}, "preset: split 0: region '12345678901234567890'"),
        ("txt2img-payload", {"preset": INVERSE_AT_0}, "preset: split 0 starts at 0.0; the inv"),
        ("analyse", {"depth_exr": None}, "depth_exr: must be base64 text"),
    ],
)
def test_every_field_is_checked_with_a_422_naming_it(server, depth_b64, route, fields, detail):
    port, _, _ = server
    status, _, answer = post(port, route, {"depth_exr": depth_b64, **fields})
    assert status == 422 and answer["detail"].startswith(detail), answer


def test_hostile_numbers_in_the_body_are_one_422(server, depth_b64) -> None:
    port, _, _ = server
    body = json.dumps({"depth_exr": depth_b64, "width": 1}).replace(
        '"width": 1', '"width": 1' + "0" * 5000
    )
    status, _, answer = post(port, "txt2img-payload", body.encode())
    assert status == 422 and answer["detail"] == "body: not usable JSON (a number of 5001 digits)"


def test_no_answer_names_a_server_path(server, depth_b64) -> None:
    port, _, _ = server
    cut = base64.b64encode(base64.b64decode(depth_b64)[:400]).decode()  # a truncated EXR
    status, _, answer = post(port, "analyse", {"depth_exr": cut})
    assert status == 422 and answer["detail"].startswith("depth_exr: ")
    assert tempfile.gettempdir() not in answer["detail"] and "/tmp" not in answer["detail"]


def test_a_second_heavy_request_gets_503_with_retry_after(server, depth_b64) -> None:
    port, _, hold = server
    hold.touch()
    first: dict = {}
    worker = threading.Thread(
        target=lambda: first.update(
            answer=post(port, "txt2img-payload", {"depth_exr": depth_b64}, timeout=30)
        )
    )
    worker.start()
    try:
        time.sleep(1.0)  # the first is now waiting inside its heavy part
        status, headers, answer = post(port, "render", {"depth_exr": depth_b64})
        assert status == 503 and headers["retry-after"] == "5", answer
    finally:
        hold.unlink()
        worker.join(30)
    assert first["answer"][0] == 200, first
    assert post(port, "render", {"depth_exr": depth_b64})[0] == 200  # the slot is free again


def test_a_small_request_for_a_huge_image_is_refused_from_its_header(server, tmp_path) -> None:
    port, pid, _ = server
    zeros = np.zeros((4096, 4096), np.float32)  # 64 MB of pixels in a few hundred KB
    exr = base64.b64encode(write_depth(tmp_path / "z.exr", zeros).read_bytes()).decode()
    before = peak_mb(pid)
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(post(port, "render", {"depth_exr": exr})))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a[0] for a in answers) in ([422, 422, 422], [422, 422, 503], [422, 503, 503])
    refused = [a[2]["detail"] for a in answers if a[0] == 422]
    assert all(d.startswith("depth_exr: image too large: 4096x4096") for d in refused)
    assert peak_mb(pid) < before + 60
    assert os.path.exists(f"/proc/{pid}")

"""Talking to a running ComfyUI (``COMFYUI_URL``, e.g. http://127.0.0.1:8188) over its HTTP
API, as its page does: upload into the input folder, queue a workflow on ``/prompt``, read
the saved images back through ``/view``. Used by the tests that skip without it."""

from __future__ import annotations

import io
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

URL = os.environ.get("COMFYUI_URL", "").rstrip("/")
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "comfyui"
WORKFLOW = EXAMPLES / "daz_depth_sample_api.json"

needs_comfyui = pytest.mark.skipif(not URL, reason="set COMFYUI_URL to a running ComfyUI")


def call(path: str, data: bytes | None = None, headers: dict | None = None) -> bytes:
    request = urllib.request.Request(URL + path, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def upload(path: Path, subfolder: str) -> None:
    """POST /upload/image (multipart), as ComfyUI's own upload button does."""
    boundary = uuid.uuid4().hex
    fields = {"type": "input", "subfolder": subfolder, "overwrite": "true"}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    body += path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    call("/upload/image", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def post_prompt(workflow: dict) -> tuple[int, dict]:
    """POST /prompt: (HTTP status, its JSON answer), a refused workflow's 400 included."""
    body = json.dumps({"prompt": workflow, "client_id": uuid.uuid4().hex}).encode()
    try:
        answer = call("/prompt", body, {"Content-Type": "application/json"})
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    return 200, json.loads(answer)


def run_prompt(workflow: dict, timeout: float = 600) -> dict:
    """Queue a workflow; its /history entry once it has finished (or failed)."""
    status, queued = post_prompt(workflow)
    assert status == 200, queued
    prompt_id = queued["prompt_id"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entry = json.loads(call(f"/history/{prompt_id}")).get(prompt_id, {})
        if entry.get("status", {}).get("completed") is not None:
            return entry
        time.sleep(0.5)
    raise TimeoutError(f"prompt {prompt_id} did not finish in {timeout} s")


def saved_images(entry: dict, node: str) -> list[np.ndarray]:
    images = []
    for image in entry["outputs"][node]["images"]:
        query = urllib.parse.urlencode({k: image[k] for k in ("filename", "subfolder", "type")})
        with Image.open(io.BytesIO(call(f"/view?{query}"))) as picture:
            images.append(np.asarray(picture.convert("RGB")))
    return images

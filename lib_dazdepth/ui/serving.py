"""What the standalone tab's server hands out, and how much it takes in.

gradio's ``/file=`` route serves, besides its own cache, the whole working folder
(gradio 3.41) and every folder in ``allowed_paths`` (gradio 4.40). The tab needs neither:
what it shows or offers for download (the canvases it opened, the maps it saved, the
user's uploads) gradio copies into its temporary folder first. So ``/file=`` is answered
only for files in that folder, and an upload is refused (413) once it passes the limit,
by its declared length or by the bytes streamed. A plain ASGI middleware: the same on
both gradio versions.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote

DEFAULT_MAX_UPLOAD_MB = 256  # a 4096x4096 RGBA float EXR, uncompressed, is 256 MB


def gradio_temp_folder() -> Path:
    """Where both gradio versions put uploads and the copies of the files they serve."""
    folder = os.environ.get("GRADIO_TEMP_DIR") or str(Path(tempfile.gettempdir()) / "gradio")
    return Path(folder).resolve()


class TooLarge(Exception):
    """The upload passed the limit while it streamed in."""


class Serving:
    """ASGI middleware: ``/file=`` only from ``served``; uploads up to ``max_upload`` bytes."""

    def __init__(self, app, served: Path, max_upload: int) -> None:
        self.app, self.served, self.max_upload = app, served, max_upload

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        for prefix in ("/file=", "/file/"):
            if path.startswith(prefix) and not self.may_serve(path[len(prefix) :]):
                await answer(send, 403, "File not allowed")
                return
        if scope.get("method") == "POST" and path.rstrip("/").endswith("/upload"):
            await self.upload(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def may_serve(self, name: str) -> bool:
        name = unquote(name)
        if "://" in name or "\0" in name:
            return False  # URLs are gradio's redirects; nothing of ours
        try:
            real = Path(os.path.abspath(name)).resolve()
        except (OSError, ValueError, RuntimeError):
            return False
        return real.is_relative_to(self.served) and real != self.served

    async def upload(self, scope, receive, send) -> None:
        limit = self.max_upload
        for key, value in scope.get("headers", []):
            if key == b"content-length" and (not value.isdigit() or int(value) > limit):
                await answer(send, 413, f"upload over {limit // (1024 * 1024)} MB")
                return
        seen, started, over = 0, False, False
        refusal = f"upload over {limit // (1024 * 1024)} MB"

        async def counted():
            nonlocal seen, over
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                over = True
                raise TooLarge
            return message

        async def watched(message):
            # gradio 3's FastAPI turns any error while parsing into its own 400: once the
            # upload is over the limit, our 413 goes out instead of whatever follows.
            nonlocal started
            if over:
                if not started:
                    started = True
                    await answer(send, 413, refusal)
                return
            started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await answer(send, 413, refusal)


async def answer(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

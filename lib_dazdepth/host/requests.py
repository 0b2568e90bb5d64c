"""Checking an HTTP API request before any work: credentials, size, fields.

Order matters (it is what keeps a hostile request cheap): the credentials and the declared
``Content-Length`` are checked from the headers alone, before a byte of the body is read;
the body is then read as a stream and cut off at the limit (a chunked body declares no
length); then the JSON is parsed with bounded numbers and every field is checked, with a
422 whose ``detail`` names the field. No message names a server path.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from ..engine.canvases import decode_picture
from ..engine.conventions import AUTO, CM, CONVENTIONS, UNITS
from ..engine.errors import DazDepthError
from ..engine.presets import from_document, parse_json
from ..engine.splits import SplitSet

MAX_TEXT = 64 * 1024  # characters of a prompt
SIZES = (64, 8192)  # width and height of a generation, as the webui's API allows
MAPS = ("depth", "regions", "mask", "test", "normal")
DEPTH_IS = (AUTO, *CONVENTIONS)  # the command line's --depth-is; auto: planar (no file name)
TEMP = re.compile(re.escape(tempfile.gettempdir()) + r"/[^\s'\"]*")


def refuse(field: str, problem: str) -> HTTPException:
    return HTTPException(422, f"{field}: {no_paths(problem)}")


def no_paths(text: str) -> str:
    """``text`` without server paths (the temporary files canvases are decoded from)."""
    return TEMP.sub("<upload>", text)


def basic_auth(credentials: str | None):
    """A dependency checking ``user:password[,user:password...]`` as --api-auth gives it,
    from the headers alone."""
    pairs = [item.split(":", 1) for item in (credentials or "").split(",") if ":" in item]
    security = HTTPBasic()

    def check(given: HTTPBasicCredentials = Depends(security)) -> None:  # noqa: B008
        for user, password in pairs:
            if secrets.compare_digest(given.username.encode(), user.encode()) and (
                secrets.compare_digest(given.password.encode(), password.encode())
            ):
                return
        raise HTTPException(
            401, "Incorrect username or password", headers={"WWW-Authenticate": "Basic"}
        )

    return check


def declared_size(max_bytes: int) -> Callable[[Request], None]:
    """A dependency refusing a declared ``Content-Length`` over ``max_bytes`` (413)."""

    def check(request: Request) -> None:
        size = request.headers.get("content-length")
        if size is None:
            return
        if not size.isdigit():
            raise HTTPException(400, "Content-Length is not a number")
        if int(size) > max_bytes:
            raise HTTPException(413, f"request over {max_bytes} bytes")

    return check


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The body, counted as it streams in: 413 as soon as it passes ``max_bytes``."""
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > max_bytes:
            raise HTTPException(413, f"request over {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse(body: bytes) -> dict[str, Any]:
    """The JSON object of a body, numbers bounded (presets.parse_json)."""
    try:
        document = parse_json(body, "body", "usable JSON")
    except DazDepthError as error:
        raise HTTPException(422, str(error)) from None
    if not isinstance(document, dict):
        raise HTTPException(422, "body: must be a JSON object")
    return document


@dataclass(frozen=True)
class Fields:
    """The checked fields of a request (each route reads those it takes)."""

    depth_exr: bytes
    depth_is: str = AUTO  # what the depth canvas holds (conventions.py)
    fov: Optional[float] = None  # noqa: UP045 (horizontal, degrees: distance without a camera)
    depth_unit: str = CM  # what its numbers are in (conventions.UNITS)
    normal_exr: Optional[bytes] = None  # noqa: UP045
    preset: Optional[SplitSet] = None  # noqa: UP045
    maps: tuple[str, ...] = ("depth",)
    bits: int = 8
    beauty: Optional[bytes] = None  # noqa: UP045 (re-encoded PNG)
    prompt: str = ""
    negative_prompt: str = ""
    width: Optional[int] = None  # noqa: UP045
    height: Optional[int] = None  # noqa: UP045
    models: Optional[list[str]] = None  # noqa: UP045
    host: Optional[str] = None  # noqa: UP045
    ids_canvas: Optional[bytes] = None  # noqa: UP045 (an ID canvas, EXR or PNG)


def fields(document: dict[str, Any], max_pixels: int) -> Fields:
    """Every field checked, in the order a caller reads them; 422 naming the first bad one."""
    depth = _base64("depth_exr", document.get("depth_exr"))
    maps = _maps(document.get("maps", ["depth"]))
    normal = _base64("normal_exr", document.get("normal_exr"), optional=True)
    if "normal" in maps and normal is None:
        raise refuse("maps", "normal needs normal_exr")
    return Fields(
        depth_exr=depth,
        depth_is=_choice("depth_is", document.get("depth_is", AUTO), DEPTH_IS),
        fov=_fov(document.get("fov")),
        depth_unit=_choice("depth_unit", document.get("depth_unit", CM), tuple(UNITS)),
        normal_exr=normal,
        preset=_preset(document.get("preset")),
        maps=maps,
        bits=_choice("bits", document.get("bits", 8), (8, 16)),
        beauty=_beauty(document.get("beauty_png"), max_pixels),
        prompt=_text("prompt", document.get("prompt", "")),
        negative_prompt=_text("negative_prompt", document.get("negative_prompt", "")),
        width=_size("width", document.get("width")),
        height=_size("height", document.get("height")),
        models=_models(document.get("models")),
        host=_choice("host", document.get("host"), ("a1111", "forge"), optional=True),
        ids_canvas=_base64("ids_canvas", document.get("ids_canvas"), optional=True),
    )


def _base64(field: str, value: Any, optional: bool = False) -> bytes | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise refuse(field, "must be base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise refuse(field, "not valid base64") from None


def _preset(value: Any) -> SplitSet | None:
    if value is None:
        return None
    try:
        return from_document(value, "preset")
    except DazDepthError as error:
        raise HTTPException(422, str(error)) from None


def _maps(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(m, str) for m in value):
        raise refuse("maps", f"a non-empty list of {', '.join(MAPS)}")
    unknown = sorted(set(value) - set(MAPS))
    if unknown:
        shown = ", ".join(repr(m[:20]) for m in unknown[:5])
        raise refuse("maps", f"unknown {shown}; known: {', '.join(MAPS)}")
    return tuple(dict.fromkeys(value))


def _choice(field: str, value: Any, allowed: tuple, optional: bool = False):
    if value is None and optional:
        return None
    if isinstance(value, bool) or value not in allowed:
        raise refuse(field, f"must be one of {', '.join(map(str, allowed))}")
    return value


def _fov(value: Any) -> float | None:
    if value is None:
        return None
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not 0 < value < 180:
        raise refuse("fov", "must be a horizontal field of view in degrees, above 0 and below 180")
    return float(value)


def _text(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise refuse(field, "must be text")
    if len(value) > MAX_TEXT:
        raise refuse(field, f"longer than {MAX_TEXT} characters")
    return value


def _size(field: str, value: Any) -> int | None:
    if value is None:
        return None
    low, high = SIZES
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise refuse(field, f"must be a whole number of pixels from {low} to {high}")
    return value


def _models(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > 1000:
        raise refuse("models", "must be a list of at most 1000 model names")
    if not all(isinstance(m, str) and 0 < len(m) <= 512 for m in value):
        raise refuse("models", "each model name must be text of 1 to 512 characters")
    return value


def _beauty(value: Any, max_pixels: int) -> bytes | None:
    """The beauty image decoded (PNG or JPEG, within the pixel budget) and re-encoded as
    PNG, so only a real picture reaches ControlNet."""
    data = _base64("beauty_png", value, optional=True)
    if data is None:
        return None
    from ..engine.maps import png_bytes

    try:
        pixels = decode_picture(io.BytesIO(data), "beauty_png", max_pixels)
    except DazDepthError as error:
        raise refuse("beauty_png", getattr(error, "problem", str(error))) from None
    return png_bytes(pixels)

"""HTTP routes under ``/dazdepth/v1/`` (FastAPI; pydantic 1 on A1111, 2 on Forge).

Canvases arrive as base64 in the request body: the routes never read or write a path the
caller names. Requests over ``max_bytes`` are refused before they are read, and when the
webui runs with ``--api-auth`` the same credentials are required here.
"""

import base64
import binascii
import os
import secrets
import tempfile
from typing import Dict, List, Optional  # noqa: UP035 (pydantic 1 on Python 3.10)

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel

from .. import __version__
from ..engine.depthmap import DepthMap, load_depth_map
from ..engine.errors import DazDepthError
from ..engine.exr import read_rgb
from ..engine.histogram import depth_histogram
from ..engine.maps import map_for, png_bytes
from ..engine.normals import NormalSettings, encode_normals
from ..engine.payload import (
    PayloadError,
    PayloadRequest,
    default_units,
    generation_size,
    txt2img_payload,
)
from ..engine.presets import from_document
from ..engine.render import grey16, mask_image, region_image, test_image
from ..engine.splits import SplitSet

MAX_BYTES = 512 * 1024 * 1024
MAPS = ("depth", "regions", "mask", "test", "normal")


class Canvases(BaseModel):
    depth_exr: str  # base64 of the Depth canvas (EXR)
    normal_exr: Optional[str] = None  # noqa: UP045
    preset: Optional[dict] = None  # noqa: UP045 (a split preset document)


class RenderRequest(Canvases):
    maps: List[str] = ["depth"]  # noqa: UP006
    bits: int = 8


class PayloadBody(Canvases):
    beauty_png: Optional[str] = None  # noqa: UP045
    prompt: str = ""
    negative_prompt: str = ""
    width: Optional[int] = None  # noqa: UP045
    height: Optional[int] = None  # noqa: UP045
    models: Optional[List[str]] = None  # noqa: UP006, UP045 (default: ControlNet's list)
    host: Optional[str] = None  # noqa: UP045 (default: this webui's kind)


def decode(field: str, text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise HTTPException(422, f"{field}: not valid base64") from None


def with_exr_file(field: str, text: str, reader):
    """Run ``reader(path)`` on the decoded EXR in a private temporary file."""
    handle, path = tempfile.mkstemp(suffix=".exr")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(decode(field, text))
        return reader(path)
    except DazDepthError as error:
        raise HTTPException(422, f"{field}: {getattr(error, 'problem', error)}") from None
    finally:
        os.unlink(path)


def depth_of(body: Canvases) -> DepthMap:
    return with_exr_file("depth_exr", body.depth_exr, load_depth_map)


def splits_of(body: Canvases, depth: DepthMap) -> SplitSet:
    if body.preset is None:
        return SplitSet.default(depth.min, depth.max)
    try:
        return from_document(body.preset, "preset")
    except DazDepthError as error:
        raise HTTPException(422, str(error)) from None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def render(
    body: Canvases,
    depth: DepthMap,
    splits: SplitSet,
    maps: list[str],
    bits: int,
) -> Dict[str, bytes]:  # noqa: UP006
    unknown = sorted(set(maps) - set(MAPS))
    if unknown:
        raise HTTPException(422, f"maps: unknown {', '.join(unknown)}; known: {', '.join(MAPS)}")
    status = splits.mapping_status()
    if status != "Success":
        raise HTTPException(422, status)
    mapped = map_for(depth, splits, want_split=True)
    images = {}
    for name in maps:
        if name == "depth":
            images[name] = png_bytes(grey16(mapped.fine) if bits == 16 else mapped.grey8())
        elif name == "regions":
            images[name] = png_bytes(region_image(mapped, splits))
        elif name == "mask":
            images[name] = png_bytes(mask_image(mapped))
        elif name == "test":
            images[name] = png_bytes(test_image(mapped, splits))
        elif name == "normal" and body.normal_exr:
            normals = with_exr_file("normal_exr", body.normal_exr, lambda p: read_rgb(p).values)
            if normals.shape[:2] != depth.shape:
                raise HTTPException(422, "normal_exr: not the size of the depth")
            images[name] = png_bytes(encode_normals(normals, NormalSettings(), ~depth.valid))
    return images


def basic_auth(credentials: Optional[str]):  # noqa: UP045
    """A dependency checking ``user:password[,user:password...]`` as --api-auth gives it."""
    if not credentials:
        return None
    pairs = [item.split(":", 1) for item in credentials.split(",") if ":" in item]
    security = HTTPBasic()

    def check(given: HTTPBasicCredentials = Depends(security)) -> None:  # noqa: B008
        for user, password in pairs:
            if secrets.compare_digest(given.username, user) and secrets.compare_digest(
                given.password, password
            ):
                return
        raise HTTPException(
            401, "Incorrect username or password", headers={"WWW-Authenticate": "Basic"}
        )

    return check


def router(
    auth: str | None = None,
    max_bytes: int = MAX_BYTES,
    models=lambda: [],
    host=lambda: "a1111",
    units=default_units,
) -> APIRouter:
    """The routes; ``models``, ``host`` and ``units`` come from the webui (see webui.py)."""

    def limit(request: Request) -> None:
        size = request.headers.get("content-length")
        if size is not None and int(size) > max_bytes:
            raise HTTPException(413, f"request over {max_bytes} bytes")

    checks = [Depends(limit)] + ([Depends(basic_auth(auth))] if auth else [])
    api = APIRouter(prefix="/dazdepth/v1", dependencies=checks)

    @api.get("/version")
    def version() -> dict:
        return {"version": __version__, "host": host()}

    @api.post("/analyse")
    def analyse(body: Canvases) -> dict:
        depth = depth_of(body)
        hist = depth_histogram(depth.valid_values(), background=depth.background.total)
        return {
            "width": depth.width,
            "height": depth.height,
            "min": depth.min,
            "max": depth.max,
            "background": {"count": depth.background.total, "detail": depth.background.describe()},
            "histogram": {"edges": list(hist.edges), "counts": list(hist.counts)},
        }

    @api.post("/render")
    def render_maps(body: RenderRequest) -> dict:
        if body.bits not in (8, 16):
            raise HTTPException(422, "bits: 8 or 16")
        depth = depth_of(body)
        splits = splits_of(body, depth)
        images = render(body, depth, splits, body.maps, body.bits)
        return {"status": "Success", "images": {k: b64(v) for k, v in images.items()}}

    @api.post("/txt2img-payload")
    def payload(body: PayloadBody) -> dict:
        depth = depth_of(body)
        splits = splits_of(body, depth)
        wanted = ["depth", "regions"] + ["normal"] * bool(body.normal_exr)
        maps = render(body, depth, splits, wanted, 8)
        if body.beauty_png:
            maps["beauty"] = decode("beauty_png", body.beauty_png)
        width, height = generation_size(depth.width, depth.height, body.width, body.height)
        request = PayloadRequest(
            maps, splits, body.prompt, body.negative_prompt, width, height, units()
        )
        try:
            return txt2img_payload(request, body.models or models(), body.host or host())
        except PayloadError as error:
            raise HTTPException(422, str(error)) from None

    return api

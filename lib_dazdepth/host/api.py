"""HTTP routes under ``/dazdepth/v1/`` (FastAPI, on A1111's pydantic 1 and Forge's 2).

Canvases arrive as base64 in the request body: the routes never read or write a path the
caller names. Every request is checked as requests.py says: credentials (the webui's
``--api-auth``) and the declared size before the body is read, the streamed size while it
is read, every field before any work. Each canvas may hold at most ``max_pixels`` pixels
and the normal canvas must match the depth, so a request decodes a bounded number of
pixels; at most ``heavy`` requests decode and render at once, others get 503 with
``Retry-After`` at once (before their body is read).
"""

import base64
import os
import tempfile
import threading
from typing import Dict  # noqa: UP035 (FastAPI on Python 3.10 reads annotations)

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..engine.depthmap import DepthMap, load_depth_map
from ..engine.errors import DazDepthError
from ..engine.exr import read_rgb
from ..engine.histogram import depth_histogram
from ..engine.mapping import MappingError
from ..engine.maps import map_for, png_bytes
from ..engine.normals import NormalSettings, encode_normals
from ..engine.payload import (
    PayloadError,
    PayloadRequest,
    default_units,
    generation_size,
    txt2img_payload,
)
from ..engine.render import grey16, mask_image, region_image, test_image
from ..engine.splits import SplitSet
from .requests import (
    Fields,
    basic_auth,
    declared_size,
    fields,
    no_paths,
    parse,
    read_body,
    refuse,
)

MAX_BYTES = 512 * 1024 * 1024
MAX_PIXELS = 4096 * 4096  # per canvas, in a request
HEAVY = 2  # requests decoding and rendering at once
RETRY_AFTER = "5"  # seconds


def with_exr_file(field: str, data: bytes, reader):
    """Run ``reader(path)`` on the decoded EXR in a private temporary file."""
    handle, path = tempfile.mkstemp(suffix=".exr")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        return reader(path)
    except DazDepthError as error:
        problem = getattr(error, "problem", str(error)).replace(path, field)
        raise refuse(field, problem) from None
    finally:
        os.unlink(path)


def depth_of(body: Fields, max_pixels: int) -> DepthMap:
    return with_exr_file(
        "depth_exr", body.depth_exr, lambda p: load_depth_map(p, max_pixels=max_pixels)
    )


def splits_of(body: Fields, depth: DepthMap) -> SplitSet:
    return body.preset if body.preset is not None else SplitSet.default(depth.min, depth.max)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def render(
    body: Fields, depth: DepthMap, splits: SplitSet, maps: list[str], bits: int, max_pixels: int
) -> Dict[str, bytes]:  # noqa: UP006
    status = splits.mapping_status()
    if status != "Success":
        raise refuse("preset", status)
    try:
        mapped = map_for(depth, splits, want_split=True)
    except MappingError as error:
        raise refuse("preset", str(error)) from None
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
        elif name == "normal" and body.normal_exr is not None:
            normals = with_exr_file(
                "normal_exr", body.normal_exr, lambda p: read_rgb(p, max_pixels=max_pixels).values
            )
            if normals.shape[:2] != depth.shape:
                raise refuse("normal_exr", "not the size of the depth")
            images[name] = png_bytes(encode_normals(normals, NormalSettings(), ~depth.valid))
    return images


class Gate:
    """At most ``count`` heavy requests at once; the others are told to come back."""

    def __init__(self, count: int) -> None:
        self.slots = threading.BoundedSemaphore(count)

    def __enter__(self) -> None:
        if not self.slots.acquire(blocking=False):
            raise HTTPException(
                503, "busy with other requests; retry", headers={"Retry-After": RETRY_AFTER}
            )

    def __exit__(self, *exc) -> None:
        self.slots.release()


def router(
    auth: str | None = None,
    max_bytes: int = MAX_BYTES,
    models=lambda: [],
    host=lambda: "a1111",
    units=default_units,
    max_pixels: int = MAX_PIXELS,
    heavy: int = HEAVY,
) -> APIRouter:
    """The routes; ``models``, ``host`` and ``units`` come from the webui (see webui.py)."""
    checks = [Depends(basic_auth(auth))] if auth else []  # first: 401 before anything else
    checks.append(Depends(declared_size(max_bytes)))
    api = APIRouter(prefix="/dazdepth/v1", dependencies=checks)
    gate = Gate(heavy)

    async def checked(request: Request, work) -> dict:
        with gate:
            body = fields(parse(await read_body(request, max_bytes)), max_pixels)
            try:
                return await run_in_threadpool(work, body)
            except (DazDepthError, MappingError, PayloadError) as error:
                raise HTTPException(422, no_paths(str(error))) from None

    @api.get("/version")
    def version() -> dict:
        return {"version": __version__, "host": host()}

    def analysed(body: Fields) -> dict:
        depth = depth_of(body, max_pixels)
        hist = depth_histogram(depth.valid_values(), background=depth.background.total)
        return {
            "width": depth.width,
            "height": depth.height,
            "min": depth.min,
            "max": depth.max,
            "background": {"count": depth.background.total, "detail": depth.background.describe()},
            "histogram": {"edges": list(hist.edges), "counts": list(hist.counts)},
        }

    @api.post("/analyse")
    async def analyse(request: Request) -> dict:
        return await checked(request, analysed)

    def rendered(body: Fields) -> dict:
        depth = depth_of(body, max_pixels)
        splits = splits_of(body, depth)
        images = render(body, depth, splits, list(body.maps), body.bits, max_pixels)
        return {"status": "Success", "images": {k: b64(v) for k, v in images.items()}}

    @api.post("/render")
    async def render_maps(request: Request) -> dict:
        return await checked(request, rendered)

    def payload_of(body: Fields) -> dict:
        depth = depth_of(body, max_pixels)
        splits = splits_of(body, depth)
        wanted = ["depth", "regions"] + ["normal"] * (body.normal_exr is not None)
        maps = render(body, depth, splits, wanted, 8, max_pixels)
        if body.beauty is not None:
            maps["beauty"] = body.beauty
        width, height = generation_size(maps["depth"])
        request = PayloadRequest(
            maps,
            splits,
            body.prompt,
            body.negative_prompt,
            body.width or width,
            body.height or height,
            units(),
        )
        return txt2img_payload(request, body.models or models(), body.host or host())

    @api.post("/txt2img-payload")
    async def payload(request: Request) -> dict:
        return await checked(request, payload_of)

    return api

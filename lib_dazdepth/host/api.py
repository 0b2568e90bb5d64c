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
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Dict, Optional, Tuple  # noqa: UP035 (FastAPI on Python 3.10 reads annotations)

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..engine.depthmap import DepthMap, NoCamera, load_depth_map
from ..engine.errors import DazDepthError
from ..engine.exr import read_rgb
from ..engine.histogram import depth_histogram
from ..engine.ids import IdObjects, check_size, number_objects, read_ids
from ..engine.mapping import MappingError
from ..engine.maps import map_for, png_bytes
from ..engine.normals import NormalSettings, encode_normals
from ..engine.payload import (
    PayloadError,
    PayloadRequest,
    default_units,
    generation_size,
    region_prompt,
    txt2img_payload,
)
from ..engine.region_checks import region_warnings
from ..engine.render import RegionOutput, grey16, mask_image, region_output, test_image
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
    """Run ``reader(path)`` on the decoded EXR (or PNG) in a private temporary file."""
    handle, path = tempfile.mkstemp(suffix=".png" if data.startswith(b"\x89PNG") else ".exr")
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
    """The depth canvas read as its fields say (``depth_is``, ``fov``, ``depth_unit``)."""

    def read(path: str) -> DepthMap:
        try:
            return load_depth_map(
                path,
                max_pixels=max_pixels,
                convention=body.depth_is,
                fov=body.fov,
                unit=body.depth_unit,
            )
        except NoCamera:
            raise refuse(
                "fov",
                "depth_exr holds distance from the camera and has no usable camera matrices: give"
                " the camera's horizontal field of view in degrees",
            ) from None

    return with_exr_file("depth_exr", body.depth_exr, read)


def splits_of(
    body: Fields, depth: DepthMap, max_pixels: int
) -> Tuple[SplitSet, Optional[IdObjects]]:  # noqa: UP006, UP045
    """The preset's splits (or the default), and the ID canvas's objects with the preset's
    ID table extended by the objects it lacks (near to far)."""
    splits = body.preset if body.preset is not None else SplitSet.default(depth.min, depth.max)
    if body.ids_canvas is None:
        return splits, None
    objects = with_exr_file(
        "ids_canvas", body.ids_canvas, lambda p: read_ids([Path(p)], max_pixels)
    )
    try:
        check_size(objects, depth)
    except DazDepthError:
        raise refuse("ids_canvas", "not the size of the depth") from None
    table = number_objects(objects, depth, dict(splits.id_regions))
    return splits.with_id_regions(table), objects


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def render(
    body: Fields,
    depth: DepthMap,
    splits: SplitSet,
    maps: list[str],
    bits: int,
    max_pixels: int,
    objects: Optional[IdObjects] = None,  # noqa: UP045
) -> Tuple[Dict[str, bytes], Optional[RegionOutput]]:  # noqa: UP006, UP045
    """The PNGs asked for, and the regions mask with its plan when asked for."""
    status = splits.mapping_status()
    if status != "Success":
        raise refuse("preset", status)
    try:
        mapped = map_for(depth, splits, want_split=True)
    except MappingError as error:
        raise refuse("preset", str(error)) from None
    images = {}
    regions = None
    for name in maps:
        if name == "depth":
            images[name] = png_bytes(grey16(mapped.fine) if bits == 16 else mapped.grey8())
        elif name == "regions":
            try:
                regions = region_output(mapped, splits, None, objects)
            except DazDepthError as error:
                raise HTTPException(422, str(error)) from None
            images[name] = png_bytes(regions.image)
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
    return images, regions


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

    async def checked(request: Request, work):
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
            "unit": depth.unit,
            "background": {"count": depth.background.total, "detail": depth.background.describe()},
            "histogram": {"edges": list(hist.edges), "counts": list(hist.counts)},
        }

    @api.post("/analyse")
    async def analyse(request: Request) -> dict:
        return await checked(request, analysed)

    def rendered(body: Fields) -> dict:
        depth = depth_of(body, max_pixels)
        splits, objects = splits_of(body, depth, max_pixels)
        images, regions = render(
            body, depth, splits, list(body.maps), body.bits, max_pixels, objects
        )
        answer = {"status": "Success", "images": {k: b64(v) for k, v in images.items()}}
        if regions is not None:
            plan = regions.plan
            answer["regions"] = plan.rows()
            answer["template"] = region_prompt(plan)
            answer["warnings"] = region_warnings(plan, regions.image, region_prompt(plan))
        return answer

    @api.post("/render")
    async def render_maps(request: Request) -> dict:
        return await checked(request, rendered)

    def payload_of(body: Fields) -> tuple[dict, list[str] | None]:
        depth = depth_of(body, max_pixels)
        splits, objects = splits_of(body, depth, max_pixels)
        wanted = ["depth", "regions"] + ["normal"] * (body.normal_exr is not None)
        maps, regions = render(body, depth, splits, wanted, 8, max_pixels, objects)
        if body.beauty is not None:
            maps["beauty"] = body.beauty
        width, height = generation_size(depth.width, depth.height, body.width, body.height)
        request = PayloadRequest(
            maps,
            regions.plan if regions else None,
            body.prompt,
            body.negative_prompt,
            width,
            height,
            units(),
        )
        payload = txt2img_payload(request, body.models or models(), body.host or host())
        if regions is None or not len(regions.plan):
            return payload, None
        prompt, size = payload["prompt"], (request.width, request.height)
        return payload, region_warnings(regions.plan, regions.image, prompt, True, size)

    @api.post("/txt2img-payload")
    async def payload(request: Request, response: Response) -> dict:
        """The txt2img body; the region warnings (JSON list) in X-DazDepth-Warnings."""
        answer, warnings = await checked(request, payload_of)
        if warnings is not None:
            response.headers["X-DazDepth-Warnings"] = json.dumps(warnings)
        return answer

    return api

"""HTTP routes under ``/dazdepth/v1/`` (FastAPI; pydantic 1 on A1111, 2 on Forge).

Canvases arrive as base64 in the request body: the routes never read or write a path the
caller names. Requests over ``max_bytes`` are refused before they are read, and when the
webui runs with ``--api-auth`` the same credentials are required here.
"""

import base64
import binascii
import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple  # noqa: UP035 (pydantic 1 on Python 3.10)

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel

from .. import __version__
from ..engine.depthmap import DepthMap, load_depth_map
from ..engine.errors import DazDepthError
from ..engine.exr import read_rgb
from ..engine.histogram import depth_histogram
from ..engine.ids import IdObjects, check_size, number_objects, read_ids
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
from ..engine.presets import from_document
from ..engine.region_checks import region_warnings
from ..engine.render import RegionOutput, grey16, mask_image, region_output, test_image
from ..engine.splits import SplitSet

MAX_BYTES = 512 * 1024 * 1024
MAPS = ("depth", "regions", "mask", "test", "normal")


class Canvases(BaseModel):
    depth_exr: str  # base64 of the Depth canvas (EXR)
    normal_exr: Optional[str] = None  # noqa: UP045
    preset: Optional[dict] = None  # noqa: UP045 (a split preset document)
    ids_canvas: Optional[str] = None  # noqa: UP045 (an ID canvas, EXR or PNG: a region per object)


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
    """Run ``reader(path)`` on the decoded EXR (or PNG) in a private temporary file."""
    data = decode(field, text)
    handle, path = tempfile.mkstemp(suffix=".png" if data.startswith(b"\x89PNG") else ".exr")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        return reader(path)
    except DazDepthError as error:
        raise HTTPException(422, f"{field}: {getattr(error, 'problem', error)}") from None
    finally:
        os.unlink(path)


def depth_of(body: Canvases) -> DepthMap:
    return with_exr_file("depth_exr", body.depth_exr, load_depth_map)


def splits_of(body: Canvases, depth: DepthMap) -> Tuple[SplitSet, Optional[IdObjects]]:  # noqa: UP006, UP045
    """The preset's splits (or the default), and the ID canvas's objects with the preset's
    ID table extended by the objects it lacks (near to far)."""
    try:
        splits = (
            SplitSet.default(depth.min, depth.max)
            if body.preset is None
            else from_document(body.preset, "preset")
        )
    except DazDepthError as error:
        raise HTTPException(422, str(error)) from None
    if not body.ids_canvas:
        return splits, None
    objects = with_exr_file("ids_canvas", body.ids_canvas, lambda p: read_ids([Path(p)]))
    try:
        check_size(objects, depth)
    except DazDepthError:
        raise HTTPException(422, "ids_canvas: not the size of the depth") from None
    table = number_objects(objects, depth, dict(splits.id_regions))
    return splits.with_id_regions(table), objects


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def render(
    body: Canvases,
    depth: DepthMap,
    splits: SplitSet,
    maps: list[str],
    bits: int,
    objects: Optional[IdObjects] = None,  # noqa: UP045
) -> Tuple[Dict[str, bytes], Optional[RegionOutput]]:  # noqa: UP006, UP045
    """The PNGs asked for, and the regions mask with its plan when asked for."""
    unknown = sorted(set(maps) - set(MAPS))
    if unknown:
        raise HTTPException(422, f"maps: unknown {', '.join(unknown)}; known: {', '.join(MAPS)}")
    status = splits.mapping_status()
    if status != "Success":
        raise HTTPException(422, status)
    mapped = map_for(depth, splits, want_split=True)
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
        elif name == "normal" and body.normal_exr:
            normals = with_exr_file("normal_exr", body.normal_exr, lambda p: read_rgb(p).values)
            if normals.shape[:2] != depth.shape:
                raise HTTPException(422, "normal_exr: not the size of the depth")
            images[name] = png_bytes(encode_normals(normals, NormalSettings(), ~depth.valid))
    return images, regions


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
        splits, objects = splits_of(body, depth)
        images, regions = render(body, depth, splits, body.maps, body.bits, objects)
        answer = {"status": "Success", "images": {k: b64(v) for k, v in images.items()}}
        if regions is not None:
            plan = regions.plan
            answer["regions"] = plan.rows()
            answer["template"] = region_prompt(plan)
            answer["warnings"] = region_warnings(plan, regions.image, region_prompt(plan))
        return answer

    @api.post("/txt2img-payload")
    def payload(body: PayloadBody, response: Response) -> dict:
        """The txt2img body; the region warnings (JSON list) in X-DazDepth-Warnings."""
        depth = depth_of(body)
        splits, objects = splits_of(body, depth)
        wanted = ["depth", "regions"] + ["normal"] * bool(body.normal_exr)
        maps, regions = render(body, depth, splits, wanted, 8, objects)
        if body.beauty_png:
            maps["beauty"] = decode("beauty_png", body.beauty_png)
        width, height = generation_size(maps["depth"])
        request = PayloadRequest(
            maps,
            regions.plan if regions else None,
            body.prompt,
            body.negative_prompt,
            body.width or width,
            body.height or height,
            units(),
        )
        try:
            payload = txt2img_payload(request, body.models or models(), body.host or host())
        except PayloadError as error:
            raise HTTPException(422, str(error)) from None
        if regions is not None and len(regions.plan):
            prompt, size = payload["prompt"], (request.width, request.height)
            warnings = region_warnings(regions.plan, regions.image, prompt, True, size)
            response.headers["X-DazDepth-Warnings"] = json.dumps(warnings)
        return payload

    return api

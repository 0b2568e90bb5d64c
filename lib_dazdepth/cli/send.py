"""``python -m lib_dazdepth send``: render the maps, post a txt2img request, save the images.

Talks to a running webui over its HTTP API (started with ``--api``): tells A1111 from
Forge by ``/controlnet/version`` (absent on Forge), matches ControlNet models from
``/controlnet/model_list``, and fills the ControlNet units and the Regional Prompter.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..editing.edits import PresetEdits, load_edits_for
from ..editing.overpaint import apply_depth_edits
from ..engine.autosplit import auto_splits
from ..engine.batch import expand
from ..engine.canvases import Reading, load_set, recognise
from ..engine.errors import DazDepthError
from ..engine.ids import check_size, number_objects, read_ids
from ..engine.maps import PngMaps, png_maps
from ..engine.multilayer import fill_roles
from ..engine.outputs import Output, write_outputs
from ..engine.payload import (
    PayloadError,
    PayloadRequest,
    generation_size,
    png_size,
    region_prompt,
    txt2img_payload,
)
from ..engine.presets import load_preset
from ..engine.region_checks import region_warnings
from ..engine.splits import SplitSet
from .arguments import add_reading_arguments, positive_whole, reading_of

TIMEOUT = 600  # a generation can take minutes on a slow machine


class WebuiError(DazDepthError):
    """The webui could not be reached or refused the request."""


def webui_message(error: urllib.error.HTTPError) -> str:
    """What the webui said in an error answer (A1111: ``errors``, Forge: ``message``,
    FastAPI: ``detail``), its first line, or nothing."""
    try:
        answer = json.loads(error.read() or b"null")
    except (OSError, ValueError):
        return ""
    if not isinstance(answer, dict):
        return ""
    for key in ("message", "errors", "detail"):
        text = answer.get(key)
        if isinstance(text, str) and text.strip():
            line = text.strip().splitlines()[0]
            return line if len(line) <= 300 else line[:299] + "…"
    return ""


class Webui:
    def __init__(self, url: str, auth: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.headers = {"Content-Type": "application/json"}
        if auth:
            token = base64.b64encode(auth.encode()).decode()
            self.headers["Authorization"] = f"Basic {token}"

    def call(self, path: str, body: dict | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            said = webui_message(error)
            raise WebuiError(
                f"{self.url}{path}: HTTP {error.code} {error.reason}"
                + (f": {said}" if said else "")
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise WebuiError(
                f"{self.url}: cannot connect ({reason}); is it running with --api?"
            ) from None
        except ValueError:
            raise WebuiError(f"{self.url}{path}: the answer is not JSON") from None

    def host(self) -> str:
        """``a1111`` or ``forge``: Forge's built-in ControlNet has no /controlnet/version."""
        try:
            self.call("/controlnet/version")
        except WebuiError as error:
            if "HTTP 404" in str(error):
                return "forge"
            raise
        return "a1111"

    def models(self) -> list[str]:
        answer = self.call("/controlnet/model_list")
        return list(answer.get("model_list", [])) if isinstance(answer, dict) else []


@dataclass(frozen=True)
class Rendered:
    maps: PngMaps  # PNG bytes by role, and the plan the regions mask was painted from
    splits: SplitSet  # the setup used
    stem: str  # the depth file's name without extension


def render_maps(
    paths: list[Path],
    preset: Path | None,
    auto: bool = False,
    regions_from: list[Path] | None = None,
    reading: Reading | None = None,
) -> Rendered:
    """The PNGs to send, from the canvases and a preset with its edits (or automatic
    splits, or the default ones). ``regions_from``: ID canvases giving a region per object
    (the preset's ID table first, new objects near to far after it); without them, a
    preset with an ID table takes the ID canvas among the canvases, as the tab did.
    ``reading``: what the depth canvas holds and its unit (``canvases.Reading``)."""
    canvases = fill_roles(recognise(paths), paths).canvases  # a multilayer EXR alone: all
    if canvases.depth is None:
        raise DazDepthError("no Depth canvas among the inputs (a name like *-Depth.exr)")
    # The Normal and Beauty canvases must line up with the depth.
    loaded = load_set(canvases, reading or Reading())
    if loaded.problems:
        raise loaded.problems[0]
    depth_map = loaded.depth
    splits, edits = SplitSet.default(depth_map.min, depth_map.max), PresetEdits()
    if preset is not None:
        splits = load_preset(preset)
        edits = load_edits_for(preset, depth_map.shape)
        depth_map = apply_depth_edits(depth_map, edits.depth)
    elif auto:
        splits = auto_splits(depth_map.valid_values())
    objects = None
    if not regions_from and splits.id_regions:  # the preset's regions come from IDs
        regions_from = canvases.id_paths()
    if regions_from:
        objects = read_ids(regions_from)
        check_size(objects, depth_map)
        splits = splits.with_id_regions(number_objects(objects, depth_map, dict(splits.id_regions)))
    normals, beauty = loaded.extras.get("normal"), loaded.extras.get("beauty")
    maps = png_maps(depth_map, splits, normals, beauty, edits.regions, objects)
    return Rendered(maps, splits, depth_map.stem)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="daz-depth send",
        description="Generate with a running webui from the canvases.",
    )
    p.add_argument("canvases", nargs="+", help="canvas files or a canvases folder")
    p.add_argument("--webui", required=True, help="the webui's URL, e.g. http://127.0.0.1:7860")
    p.add_argument("--preset", help="split setup (JSON or a depth PNG we wrote)")
    p.add_argument(
        "--auto",
        action="store_true",
        help="without --preset: find the depth clusters, split and allocate automatically",
    )
    p.add_argument(
        "--regions-from",
        action="append",
        metavar="FILE",
        help="an ID canvas (Object Id, Material Id, ...; EXR or PNG): a region per object;"
        " repeat for one Alpha canvas per object",
    )
    p.add_argument(
        "--no-base-prompt",
        action="store_true",
        help='the Regional Prompter without "use base prompt" (uncoloured pixels then'
        " take the first region's prompt)",
    )
    add_reading_arguments(p)
    p.add_argument("--prompt", default="")
    p.add_argument("--negative", default="", help="negative prompt")
    p.add_argument("--width", type=positive_whole)
    p.add_argument("--height", type=positive_whole)
    p.add_argument("--steps", type=positive_whole, default=20)
    p.add_argument("--seed", type=int, default=-1)
    p.add_argument("--auth", help="user:password when the webui runs with --api-auth")
    p.add_argument("--out", default=".", help="where the generated images go")
    p.add_argument("--dry-run", action="store_true", help="print the payload, send nothing")
    return p


def main(argv: list[str], out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr  # as they are now (tests replace them)
    arguments = parser()
    args = arguments.parse_args(argv)
    if args.auto and args.preset:
        arguments.error("--auto and --preset both choose the splits: give one of them")
    rendered = render_maps(
        expand(args.canvases),
        Path(args.preset) if args.preset else None,
        args.auto,
        [Path(p) for p in args.regions_from or []],
        reading_of(args),
    )
    depth_png = rendered.maps.maps["depth"]
    width, height = generation_size(*png_size(depth_png), args.width, args.height)
    use_base = not args.no_base_prompt
    request = PayloadRequest(
        maps=rendered.maps.maps,
        plan=rendered.maps.plan,
        prompt=args.prompt,
        negative_prompt=args.negative,
        width=width,
        height=height,
        extra={"steps": args.steps, "seed": args.seed},
        use_base=use_base,
    )
    plan = rendered.maps.plan
    if plan is not None and len(plan):
        prompt = region_prompt(plan, args.prompt, use_base)
        size = (request.width, request.height)
        for line in region_warnings(plan, rendered.maps.mask, prompt, use_base, size):
            err.write(f"warning: {line}\n")
    webui = Webui(args.webui, args.auth)
    host = webui.host()
    try:
        payload = txt2img_payload(request, webui.models(), host)
    except PayloadError as error:
        raise WebuiError(str(error)) from None
    if args.dry_run:
        out.write(json.dumps(payload, indent=2) + "\n")
        return 0
    answer = webui.call("/sdapi/v1/txt2img", payload)
    images = answer.get("images", []) if isinstance(answer, dict) else []
    outputs = [
        Output(Path(args.out) / f"{rendered.stem}.txt2img.{i}.png", data=base64.b64decode(image))
        for i, image in enumerate(images)
    ]
    for written in write_outputs(outputs):
        out.write(f"** wrote {written.path}\n")
    out.write(f"sent to {host} at {webui.url}: {len(images)} images\n")
    return 0

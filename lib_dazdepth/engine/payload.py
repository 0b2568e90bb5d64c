"""A ready ``/sdapi/v1/txt2img`` payload: ControlNet units and Regional Prompter arguments.

Shapes from facts.md sections 4 and 6: ControlNet units go to
``alwayson_scripts["ControlNet"]["args"]`` with enums as strings, ``enabled`` explicit and
``image`` (not the deprecated ``input_image``); the Regional Prompter takes 20 positional
values. A1111's ControlNet calls "no preprocessor" ``none``, Forge's ``None``; Forge wants
model names exactly as its model list gives them.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from .region_plan import RegionPlan

HOSTS = ("a1111", "forge")
CONTROL_MODES = ("Balanced", "My prompt is more important", "ControlNet is more important")


@dataclass(frozen=True)
class UnitSettings:
    """Where and how one map goes into ControlNet (the seed workflow's starting point)."""

    unit: int
    model: str  # a part of the model name, e.g. "depth", or an exact "<stem> [<hash>]"
    module: str = "none"  # the preprocessor; "none" means none on either host
    weight: float = 0.3
    guidance_end: float = 0.5
    control_mode: str = "Balanced"

    def __post_init__(self) -> None:
        if self.unit < 0:
            raise ValueError("unit must be 0 or more")
        if not 0 <= self.guidance_end <= 1 or not 0 <= self.weight <= 2:
            raise ValueError("weight must be 0..2 and ending step 0..1")
        if self.control_mode not in CONTROL_MODES:
            raise ValueError(f"control mode must be one of {', '.join(CONTROL_MODES)}")


def default_units() -> dict[str, UnitSettings]:
    return {
        "depth": UnitSettings(0, "depth"),
        "normal": UnitSettings(1, "normalbae"),
        "beauty": UnitSettings(2, "openpose", "dw_openpose_full"),
    }


def match_model(wanted: str, models: list[str]) -> str | None:
    """The installed model ``wanted`` names: itself, or the first (in the host's order)
    whose name contains it."""
    if wanted in models:
        return wanted
    part = wanted.lower()
    return next((m for m in models if part in m.split(" [")[0].lower()), None)


def preprocessor(module: str, host: str) -> str:
    if module.lower() == "none":
        return "None" if host == "forge" else "none"
    return module


def png_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


RESIZE_MODE = "Crop and Resize"  # the map fills the image (same aspect: nothing is cut)


def unit_options(settings: UnitSettings) -> dict[str, Any]:
    """The options every send path (the tab's buttons, the HTTP API, ``send``) gives a
    map's ControlNet unit, under ControlNet's API names: the settings' preprocessor
    (``none`` for either host), weight, ending step and control mode, the starting step 0,
    "Crop and Resize" and Pixel Perfect on (the preprocessor works at the generation
    size)."""
    return {
        "module": settings.module,
        "weight": settings.weight,
        "resize_mode": RESIZE_MODE,
        "guidance_start": 0.0,
        "guidance_end": settings.guidance_end,
        "control_mode": settings.control_mode,
        "pixel_perfect": True,
    }


def controlnet_unit(image_png: bytes, settings: UnitSettings, model: str, host: str) -> dict:
    return {
        "enabled": True,
        **unit_options(settings),
        "module": preprocessor(settings.module, host),
        "model": model,
        "image": png_base64(image_png),
    }


def disabled_unit() -> dict:
    return {"enabled": False}


def region_prompt(plan: RegionPlan, base: str = "", use_base: bool = True) -> str:
    """The prompt template: the base prompt (when used), then one BREAK section per region
    in the plan's order (the mask's colour order), each prefilled with its region's label
    (a placeholder naming the region when it has none)."""
    return plan.template(base, use_base)


BASE_RATIO = "0.2"  # the Regional Prompter's share of the base prompt (the seed's setting)


def regional_prompter_args(
    mask_png: bytes, base_ratio: str = BASE_RATIO, use_base: bool = True
) -> list:
    """The 20 positional values (facts.md 4), Mask mode with the mask as base64 PNG."""
    return [
        True,  # 0 active
        False,  # 1 debug
        "Mask",  # 2 mode
        "Columns",  # 3 matrix submode (unused in Mask mode)
        "Mask",  # 4 mask submode
        "Prompt",  # 5 prompt submode (unused in Mask mode)
        "1,1",  # 6 ratios (unused in Mask mode)
        base_ratio,  # 7 base ratios
        use_base,  # 8 use base prompt
        False,  # 9 use common prompt
        False,  # 10 use negative common prompt
        "Attention",  # 11 calcmode
        False,  # 12 options
        "0",  # 13 lnter
        "0",  # 14 lnur
        "0.4",  # 15 threshold
        png_base64(mask_png),  # 16 mask
        "0",  # 17 lstop
        "0",  # 18 lstop_hr
        False,  # 19 flip
    ]


@dataclass(frozen=True)
class PayloadRequest:
    maps: dict[str, bytes]  # "depth", "normal", "beauty", "regions": PNG bytes
    plan: RegionPlan | None = None  # the plan the "regions" mask was painted from
    prompt: str = ""
    negative_prompt: str = ""
    width: int = 512
    height: int = 512
    units: dict[str, UnitSettings] = field(default_factory=default_units)
    extra: dict[str, Any] = field(default_factory=dict)  # more txt2img fields, as given
    use_base: bool = True  # the Regional Prompter's "use base prompt"


class PayloadError(ValueError):
    """What stops a payload: a missing model, too few units. The message says which."""


def txt2img_payload(request: PayloadRequest, models: list[str], host: str) -> dict:
    if host not in HOSTS:
        raise PayloadError(f"host must be one of {', '.join(HOSTS)}")
    wanted = {role: s for role, s in request.units.items() if role in request.maps}
    if not wanted:
        raise PayloadError("no map to send")
    count = max(s.unit for s in wanted.values()) + 1
    units: list[dict] = [disabled_unit() for _ in range(count)]
    for role, settings in wanted.items():
        model = match_model(settings.model, models)
        if model is None:
            raise PayloadError(
                f"no ControlNet model matching {settings.model!r} for the"
                f" {role} map; installed: {', '.join(models) or 'none'}"
            )
        units[settings.unit] = controlnet_unit(request.maps[role], settings, model, host)
    scripts: dict[str, Any] = {"ControlNet": {"args": units}}
    prompt = request.prompt
    plan = request.plan
    if "regions" in request.maps and plan is not None and len(plan):
        mask = request.maps["regions"]
        args = regional_prompter_args(mask, use_base=request.use_base)
        scripts["Regional Prompter"] = {"args": args}
        prompt = region_prompt(plan, request.prompt, request.use_base)
    return {
        **request.extra,
        "prompt": prompt,
        "negative_prompt": request.negative_prompt,
        "width": request.width,
        "height": request.height,
        "alwayson_scripts": scripts,
    }


LONGEST = 1024  # the generation size's long side (px) for maps larger than that


def generation_size(
    width: int, height: int, want_width: int | None = None, want_height: int | None = None
) -> tuple[int, int]:
    """The generation size (px) for maps of ``width`` x ``height`` px, the one rule of every
    send path: the sides asked for (``send --width/--height``, the API's ``width`` and
    ``height``) as given; a side not asked for follows the maps' aspect from the one asked
    for, or, when none is, the maps' aspect with the long side at most ``LONGEST`` (maps
    are never scaled up); those sides in multiples of 8, at least 8."""
    if want_width and want_height:
        return want_width, want_height
    if want_width:
        scale = want_width / width
    elif want_height:
        scale = want_height / height
    else:
        scale = min(1.0, LONGEST / max(width, height))

    def eights(side: int) -> int:
        return max(8, round(side * scale / 8) * 8)

    return want_width or eights(width), want_height or eights(height)


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height (px)."""
    with Image.open(io.BytesIO(png)) as image:
        return image.size

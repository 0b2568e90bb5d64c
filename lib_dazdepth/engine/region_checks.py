"""Warnings before regions are sent: what would put a prompt on the wrong object, or on none.

The mask and the prompt are read as the Regional Prompter reads them (mask_reading.py) and
compared with the plan they were made from (region_plan.py).
"""

from __future__ import annotations

import numpy as np

from .mask_reading import DROP_MARGIN, read_mask
from .payload import generation_size
from .region_plan import RegionPlan

LATENT_SCALE = 8  # Stable Diffusion's latent is 1/8 of the image each way
MIN_LATENT_PIXELS = 4  # a region under this many latent pixels nearly vanishes


def _named(number: int, label: str) -> str:
    return f"region {number}" + (f" ({label})" if label else "")


def latent_pixels(pixels: int, image: tuple[int, int], generation: tuple[int, int]) -> float:
    """About how many latent pixels ``pixels`` of an ``image`` (width, height) cover when
    generating at ``generation`` (width, height): the area scaled, over 8x8."""
    scale = generation[0] * generation[1] / (image[0] * image[1])
    return pixels * scale / LATENT_SCALE**2


def plan_warnings(
    plan: RegionPlan,
    image: tuple[int, int],
    generation: tuple[int, int] | None = None,
    use_base: bool = True,
) -> list[str]:
    """Problems the plan alone shows: a region number set with no pixels; a region that
    nearly vanishes at the generation's latent size (``generation``: width, height; by
    default the image's aspect at 1024 on the long side, as the payloads use); without
    "use base", the pixels with no region taking the first region's prompt. ``image``:
    the full-size (width, height)."""
    warnings = [
        f"{_named(n, label)} holds no pixel: it gets no colour and no BREAK section"
        for n, label in plan.empty
    ]
    size = generation or generation_size(*image)
    for e in plan.entries:
        latent = latent_pixels(e.pixels, image, size)
        if latent < MIN_LATENT_PIXELS:
            warnings.append(
                f"{_named(e.number, e.label)} covers about {latent:.1f} latent pixels at"
                f" {size[0]}x{size[1]}: it nearly vanishes (under {MIN_LATENT_PIXELS})"
            )
    uncoloured = image[0] * image[1] - sum(e.pixels for e in plan.entries)
    if not use_base and plan.entries and uncoloured:
        first = plan.entries[0]
        warnings.append(
            f'without "use base prompt" the {uncoloured} pixels with no region take'
            f" {_named(first.number, first.label)}'s prompt"
        )
    return warnings


def reading_warnings(
    plan: RegionPlan, mask: np.ndarray, prompt: str, use_base: bool = True
) -> list[str]:
    """Problems the Regional Prompter's reading of ``mask`` ((H, W, 3) uint8) with
    ``prompt`` shows: a palette index it drops; more or fewer BREAK sections than regions;
    mask colours that are not the plan's."""
    warnings = []
    reading = read_mask(mask, prompt, use_base)
    if reading.dropped:
        found = len(reading.masks) + len(reading.dropped)
        warnings.append(
            f"palette colour {', '.join(map(str, reading.dropped))} would be dropped by the"
            f" Regional Prompter (more than {DROP_MARGIN} above the {found} colours found)"
        )
    regions = len(reading.masks)
    sections = len(reading.sections) - reading.first_region_section
    if regions and sections != regions:
        more = "more" if sections > regions else "fewer"
        warnings.append(
            f"{sections} region BREAK sections for {regions} regions ({more}):"
            + (" the last apply to no pixel" if sections > regions else " the last get no prompt")
        )
    if reading.masks != tuple(e.index for e in plan.entries):
        warnings.append("the mask's colours are not the regions' colours: save and send again")
    return warnings


def region_warnings(
    plan: RegionPlan,
    mask: np.ndarray,
    prompt: str,
    use_base: bool = True,
    generation: tuple[int, int] | None = None,
) -> list[str]:
    """Every warning before sending ``mask`` with ``prompt`` (see the two above)."""
    height, width = mask.shape[:2]
    return plan_warnings(plan, (width, height), generation, use_base) + reading_warnings(
        plan, mask, prompt, use_base
    )

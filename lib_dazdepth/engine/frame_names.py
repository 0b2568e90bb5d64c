"""Canvas names without their frame numbers.

An animation rendered to an image series numbers each canvas after its role:
``anim-Canvas2-Depth.0007.exr``, ``anim-Canvas4-Distance_0007.exr``. The role is read from
the name without that number, so a numbered canvas is recognised as its still is.
"""

from __future__ import annotations

import re
from pathlib import Path

FRAME_NUMBER = re.compile(r"[._]\d+$")


def unnumbered_stem(path: Path) -> str:
    """``path``'s stem without a trailing frame number (``.0007`` or ``_0007``)."""
    return FRAME_NUMBER.sub("", path.stem)

"""Normal canvas (camera-space float normals) to a ControlNet normal map, and back.

The Iray Normal canvas holds the shading normal in camera space, -1..1; most
likely x right, y up, z toward the camera (unverified, hence the flips).
control_v11p_sd15_normalbae expects RGB = ((1 - nx)/2, (1 + ny)/2, (1 + nz)/2)
with background (128, 128, 255); the old control_sd15_normal ("legacy") has
R and B swapped. Negative components are mapped, not clipped: clipping them,
as a plain EXR-to-PNG conversion does, is wrong for both models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CONVENTIONS = ("normalbae", "legacy")

_MIN_LENGTH = 1e-6  # shorter vectors carry no direction: background
BLOCK_PIXELS = 1 << 18  # pixels encoded at a time, to keep the temporaries small
_BACKGROUND = {"normalbae": (128, 128, 255), "legacy": (255, 128, 128)}
# output channel -> (input component, sign): channel = round((1 + sign * n) / 2 * 255)
_LAYOUT = {
    "normalbae": ((0, -1.0), (1, 1.0), (2, 1.0)),
    "legacy": ((2, 1.0), (1, 1.0), (0, -1.0)),
}


@dataclass(frozen=True)
class NormalSettings:
    convention: str = "normalbae"
    flip_x: bool = False
    flip_y: bool = False
    flip_z: bool = False

    def validate(self) -> None:
        if self.convention not in CONVENTIONS:
            raise ValueError(
                f"convention: must be one of {', '.join(CONVENTIONS)}, got {self.convention!r}"
            )
        for field in ("flip_x", "flip_y", "flip_z"):
            if not isinstance(getattr(self, field), (bool, np.bool_)):
                raise ValueError(f"{field}: must be true or false, got {getattr(self, field)!r}")


def _check_image(array: np.ndarray, what: str) -> None:
    if not isinstance(array, np.ndarray) or array.ndim != 3 or array.shape[2] != 3:
        shape = getattr(array, "shape", type(array).__name__)
        raise ValueError(f"{what}: expected an (H, W, 3) array, got {shape}")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{what}: the image is empty ({array.shape})")


def encode_normals(
    normals: np.ndarray,
    settings: NormalSettings = NormalSettings(),  # frozen, so a shared default is safe
    background: np.ndarray | None = None,
) -> np.ndarray:
    """Camera-space normals (H, W, 3) to an (H, W, 3) uint8 ControlNet normal map.

    Each vector is re-normalised first (filtered edge pixels are not unit
    length). Vectors shorter than 1e-6, with a non-finite component (or a
    length beyond float32 range), or where the optional boolean ``background``
    mask is true get the background colour. Work is done in float32.
    """
    if not isinstance(settings, NormalSettings):
        raise ValueError(f"settings: expected NormalSettings, got {type(settings).__name__}")
    settings.validate()
    _check_image(normals, "normals")
    if normals.dtype.kind != "f":
        raise ValueError(f"normals: expected a float array, got {normals.dtype}")
    height, width = normals.shape[:2]
    if background is not None:
        background = np.asarray(background)
        if background.shape != (height, width) or background.dtype != bool:
            raise ValueError(
                f"background: expected a ({height}, {width}) bool mask, "
                f"got {background.shape} {background.dtype}"
            )

    out = np.empty((height, width, 3), dtype=np.uint8)
    rows = max(1, BLOCK_PIXELS // width)
    for top in range(0, height, rows):
        block = slice(top, top + rows)
        mask = background[block] if background is not None else None
        _encode_block(normals[block], settings, mask, out[block])
    return out


def _encode_block(
    normals: np.ndarray, settings: NormalSettings, background: np.ndarray | None, out: np.ndarray
) -> None:
    """encode_normals on a block of rows: its float32 temporaries stay small."""
    n = normals if normals.dtype == np.float32 else normals.astype(np.float32)
    flips = (settings.flip_x, settings.flip_y, settings.flip_z)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        # hypot neither overflows nor underflows; it is inf if any component is inf
        length = np.hypot(n[..., 0], n[..., 1])
        np.hypot(length, n[..., 2], out=length)
        invalid = ~((length >= _MIN_LENGTH) & (length < np.inf))  # also catches NaN
        if background is not None:
            invalid |= background
        np.divide(1.0, length, out=length)  # now the inverse length
        channel = np.empty(length.shape, dtype=np.float32)
        for k, ((comp, sign), bg) in enumerate(
            zip(_LAYOUT[settings.convention], _BACKGROUND[settings.convention])
        ):
            if flips[comp]:
                sign = -sign
            np.multiply(n[..., comp], length, out=channel)
            if sign < 0:
                np.subtract(1.0, channel, out=channel)
            else:
                np.add(channel, 1.0, out=channel)
            np.multiply(channel, 127.5, out=channel)  # (1 +- n) / 2 * 255, exactly
            np.rint(channel, out=channel)
            np.clip(channel, 0.0, 255.0, out=channel)
            np.copyto(channel, bg, where=invalid)
            out[..., k] = channel


def decode_normals(rgb: np.ndarray, convention: str = "normalbae") -> np.ndarray:
    """A ControlNet normal map (H, W, 3, 0..255) back to float32 unit vectors.

    For tests and previews; the flips of NormalSettings are not undone.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention: must be one of {', '.join(CONVENTIONS)}, got {convention!r}")
    _check_image(rgb, "rgb")
    c = rgb.astype(np.float32)
    c *= np.float32(2.0 / 255.0)
    c -= np.float32(1.0)  # each channel now 2 * value / 255 - 1 = sign * component
    vec = np.empty(c.shape, dtype=np.float32)
    for k, (comp, sign) in enumerate(_LAYOUT[convention]):
        np.multiply(c[..., k], np.float32(sign), out=vec[..., comp])
    np.square(c, out=c)  # the squares do not care about the channel order
    length = np.sqrt(c[..., 0] + c[..., 1] + c[..., 2])
    length[length == 0] = 1.0  # only possible for non-integer input
    vec /= length[..., None]
    return vec

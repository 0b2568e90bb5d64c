"""numpy to ComfyUI's torch types: the one module of Daz Depth that imports torch.

IMAGE is a float32 tensor [B, H, W, C] in 0..1 and MASK a float32 tensor [B, H, W]
(ComfyUI's ``comfy_api.latest.io.Image`` and ``io.Mask``; facts.md 8). An 8-bit value v
becomes v / 255 in float32, as ComfyUI's own LoadImage does, so SaveImage
(``clip(255 * x).astype(uint8)``) writes back exactly v.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def image_batch(images: Sequence[np.ndarray] | np.ndarray) -> torch.Tensor:
    """uint8 images of one size, each (H, W) grey or (H, W, 3) RGB, as an IMAGE
    [B, H, W, 3]; a grey image fills all three channels."""
    stacked = np.stack([np.asarray(image) for image in images])
    if stacked.dtype != np.uint8:
        raise ValueError(f"images must be 8-bit, not {stacked.dtype}")
    if stacked.ndim == 3:
        stacked = np.repeat(stacked[..., None], 3, axis=3)
    if stacked.ndim != 4 or stacked.shape[3] != 3:
        raise ValueError(f"images must be (H, W) or (H, W, 3), not {stacked.shape[1:]}")
    return torch.from_numpy(stacked.astype(np.float32) / np.float32(255.0))


def mask_batch(masks: np.ndarray) -> torch.Tensor:
    """Boolean (or 0/255 uint8) masks (B, H, W) as a MASK: 1.0 inside, 0.0 outside."""
    masks = np.asarray(masks)
    if masks.ndim != 3:
        raise ValueError(f"masks must be (B, H, W), not {masks.shape}")
    return torch.from_numpy((masks != 0).astype(np.float32))

"""A generated scene with ID canvases: six objects with filtered edges, among them a hand
resting on a table at the table's depth (depth splits cannot tell them apart)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from exrdata import write_depth, write_exr
from PIL import Image

SUB = 4  # sub-samples per pixel side: edge pixels are mixes, as a renderer's filter makes
NAMES = ("wall", "floor", "table", "hand", "ball", "figure")
DEPTHS = {"wall": 500.0, "table": 200.0, "hand": 200.0, "ball": 150.0, "figure": 180.0}
COLOURS = {  # Object Id colours: flat, distinct, float
    "wall": (0.2, 0.3, 0.9),
    "floor": (0.7, 0.5, 0.1),
    "table": (0.9, 0.1, 0.4),
    "hand": (0.3, 0.9, 0.6),
    "ball": (0.95, 0.9, 0.2),
    "figure": (0.5, 0.2, 0.7),
}


@dataclass(frozen=True)
class IdScene:
    coverage: np.ndarray  # (H, W, 7): share of each object's sub-samples; last: no object
    depth: np.ndarray  # (H, W) float32, the dominant object's depth (inf: no hit)
    ids: np.ndarray  # (H, W, 3) float32 Object Id canvas, filtered

    @property
    def interior(self) -> np.ndarray:
        """Pixels one object covers whole: (H, W) object index, -1 elsewhere."""
        whole = self.coverage[..., : len(NAMES)].max(axis=-1) == 1
        return np.where(whole, self.coverage[..., : len(NAMES)].argmax(axis=-1), -1)

    @property
    def dominant(self) -> np.ndarray:
        """Each pixel's object covering most of it when it mixes two with a clear
        majority (or is whole); -1 elsewhere (three-way mixes, ties, no object)."""
        shares = self.coverage
        present = (shares > 0).sum(axis=-1)
        top = shares.argmax(axis=-1)
        clear = (shares.max(axis=-1) > 0.5) & (present <= 2) & (top < len(NAMES))
        return np.where(clear, top, -1)


def _objects_at(x: np.ndarray, y: np.ndarray, width: int, height: int, shift: float) -> np.ndarray:
    """Object index at sub-sample positions (pixel units); 6 = no object (the sky). The
    ball and the figure stand ``shift`` pixels to the right."""
    obj = np.full(x.shape, NAMES.index("wall"))
    obj[y < 0.15 * height] = len(NAMES)  # a strip of sky: no hit
    obj[y > 0.7 * height] = NAMES.index("floor")
    table = (x > 0.15 * width) & (x < 0.6 * width) & (y > 0.5 * height) & (y < 0.62 * height)
    obj[table] = NAMES.index("table")
    hand = ((x - 0.4 * width) / (0.09 * width)) ** 2 + ((y - 0.53 * height) / (0.05 * height)) ** 2
    obj[hand < 1] = NAMES.index("hand")  # on the table top, at its depth
    x = x - shift  # the movers
    ball = (x - 0.8 * width) ** 2 + (y - 0.8 * height) ** 2 < (0.1 * height) ** 2
    obj[ball] = NAMES.index("ball")
    figure = ((x - 0.75 * width) / (0.08 * width)) ** 2 + (
        (y - 0.4 * height) / (0.25 * height)
    ) ** 2
    obj[figure < 1] = NAMES.index("figure")
    return obj


def id_scene(width: int = 64, height: int = 48, shift: float = 0.0) -> IdScene:
    """The scene at ``width`` x ``height``; ``shift`` moves the ball and the figure
    (in pixels) as a later frame of an animation would."""
    offsets = (np.arange(SUB) + 0.5) / SUB
    ys = (np.arange(height)[:, None] + offsets[None, :]).ravel()
    xs = (np.arange(width)[:, None] + offsets[None, :]).ravel()
    sy, sx = np.meshgrid(ys, xs, indexing="ij")
    obj = _objects_at(sx, sy, width, height, shift)
    blocks = obj.reshape(height, SUB, width, SUB).transpose(0, 2, 1, 3).reshape(height, width, -1)
    coverage = np.stack([(blocks == k).mean(axis=-1) for k in range(len(NAMES) + 1)], axis=-1)
    palette = np.array([*(COLOURS[n] for n in NAMES), (0.0, 0.0, 0.0)], dtype=np.float64)
    ids = (coverage @ palette).astype(np.float32)
    depth_of = np.array([*(DEPTHS.get(n, 0.0) for n in NAMES), np.inf])
    dominant = coverage.argmax(axis=-1)
    depth = depth_of[dominant]
    floor = dominant == NAMES.index("floor")
    depth[floor] = (200 + 280 * (height - np.arange(height)) / height)[:, None].repeat(width, 1)[
        floor
    ]
    return IdScene(coverage, depth.astype(np.float32), ids)


def write_scene(folder: Path, scene: IdScene, name: str = "ids") -> dict[str, Path]:
    """``NAME-Canvas2-Depth.exr``, ``NAME-Canvas4-ObjectId.exr`` (float RGB) and an 8-bit
    ``NAME-Canvas5-ID.png`` of the same canvas."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.ascontiguousarray(scene.ids)
    exr = write_exr(
        folder / f"{name}-Canvas4-ObjectId.exr",
        {"R": ids[..., 0], "G": ids[..., 1], "B": ids[..., 2]},
    )
    png = folder / f"{name}-Canvas5-ID.png"
    Image.fromarray(np.rint(ids * 255).astype(np.uint8)).save(png)
    depth = write_depth(folder / f"{name}-Canvas2-Depth.exr", scene.depth)
    return {"depth": depth, "ids": exr, "png": png}

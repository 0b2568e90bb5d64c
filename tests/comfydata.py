"""Test data for the ComfyUI nodes: ComfyUI's input folder holding the sample canvases
(real EXRs, as ``daz-depth sample`` writes them), and the command line's PNGs for them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from lib_dazdepth.cli.main import main
from lib_dazdepth.engine.sample import SamplePaths, write_sample

SAMPLE_FOLDER = "daz_depth_sample"  # the input folder the example workflow names
SIZE = 96


def sample_input(tmp_path: Path, size: int = SIZE) -> tuple[Path, SamplePaths]:
    """ComfyUI's input folder with the sample written into ``daz_depth_sample``."""
    input_dir = tmp_path / "input"
    return input_dir, write_sample(input_dir / SAMPLE_FOLDER, size=size)


def png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def cli_pngs(out: Path, *args: str | Path) -> dict[str, np.ndarray]:
    """Run the command line (in this process) into ``out``; its PNGs by kind
    (``NAME.kind.png``)."""
    status = main([*map(str, args), "--out", str(out)])
    assert status == 0, f"the command line failed: {args}"
    return {path.name.split(".")[-2]: png(path) for path in sorted(out.glob("*.png"))}


def region_masks_of(regions_png: np.ndarray, colours: list[tuple[int, int, int]]) -> np.ndarray:
    """(N, H, W) bool: where the region PNG has each colour."""
    return np.stack([(regions_png == colour).all(axis=2) for colour in colours])

"""One multilayer EXR as a whole canvas set: its depth, normal and beauty layers.

Blender writes every pass of a render into one file (``ViewLayer.Depth.Z``,
``ViewLayer.Normal.X/Y/Z``, ``ViewLayer.Combined.R/G/B/A``, facts.md section 2). Dropped
alone, such a file fills each role it has a layer for, by the names rules of ``layers``:
normals only from a layer named for normals (rank 0 or 1: ``ViewLayer.Normal``, then
``Denoising Normal``), never from plain R,G,B; a beauty render from the root R,G,B or a
layer named for it (``Combined``, ``RGBA``), never from any other colour triple.

The engine reads normals as camera space (normals.py). A layer's name does not say its
space and Blender's Normal pass is in world space, so a normal layer found this way is
said to be of unknown space.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DazDepthError
from .exr import channel_choices
from .layers import Candidate

if TYPE_CHECKING:
    from .canvases import CanvasSet

SURE = {"normal": 1, "beauty": 1}  # the highest rank (layers.vector_rank) taken unasked
UNNAMED = 9  # the rank layers.choices gives what the names do not suggest


@dataclass(frozen=True)
class Filled:
    """A canvas set with the roles a lone multilayer EXR fills, and what it says about them."""

    canvases: CanvasSet
    layers: dict[str, str] = field(default_factory=dict)  # role -> label (layer_labels)
    lines: tuple[str, ...] = ()  # "normal from ViewLayer.Normal in scene.exr (...)"


def sure_layer(path: Path, role: str) -> Candidate | None:
    """The layer of ``path`` that holds ``role`` by its name alone (normal or beauty), or
    None: none named so, or the header cannot be read (reading it later says why)."""
    try:
        found = [c for c in channel_choices(path, role) if c.rank <= SURE[role]]
    except DazDepthError:
        return None
    return found[0] if found else None


WHY = "Blender's Normal pass is world space; read as camera space"


def space_note(layer: str) -> str:
    """What a normal layer found by name leaves open: its space."""
    return f"the space of {layer} is unknown ({WHY})"


def said(role: str, found: Candidate, path: Path) -> str:
    """'normal from ViewLayer.Normal in scene.exr'."""
    return f"{role} from {found.name} in {path.name}"


def fill_roles(canvases: CanvasSet, paths: list[Path]) -> Filled:
    """When the depth is an EXR dropped alone (the only file), the normal and beauty roles
    from its layers named for them; ``layers`` then gives every role read from it (depth
    too) the label its layer list shows. Otherwise the set as it is."""
    depth = canvases.depth
    alone = len(paths) == 1 and depth == paths[0] and depth.suffix.lower() == ".exr"
    if not alone or any(canvases.get(role) for role in ("normal", "beauty", "ids")):
        return Filled(canvases)
    roles: dict[str, Path] = {}
    labels: dict[str, str] = {}
    lines: list[str] = []
    for role in ("normal", "beauty"):
        found = sure_layer(depth, role)
        if found is not None:
            roles[role] = depth
            labels[role] = found.label
            space = f", whose space is unknown ({WHY})" if role == "normal" else ""
            lines.append(said(role, found, depth) + space)
    if not roles:
        return Filled(canvases)
    named = [c for c in channel_choices(depth, "depth") if c.rank < UNNAMED]
    if named:  # the depth list shows the layer read too
        labels = {"depth": named[0].label, **labels}
    return Filled(replace(canvases, **roles), labels, tuple(lines))

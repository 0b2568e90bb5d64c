"""Which EXR channels hold depth, normals or a beauty render: rules on names only.

Channel names are ``[layer.]component`` (the layer may itself hold dots:
``ViewLayer.Depth.Z`` is component ``Z`` of layer ``ViewLayer.Depth``); headers list them
sorted by name, so order says nothing about meaning (facts.md section 2). Depth is only
taken from a channel whose name says depth: Daz's ``Y``; ``Z``, ``depth``, ``zdepth``; a
layer named so (``ViewLayer.Depth.Z``, ``depth.Z``); never from one component of a vector
layer (``Denoising Normal.Z``; ``R`` of an RGB layer) unless the caller names it.
Normals come from a layer named for normals before the file's plain RGB (a Daz Normal
canvas); a beauty render from the plain RGB, then a layer named for it, then any RGB.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

DEPTH_WORDS = frozenset({"z", "depth", "zdepth", "z_depth", "z-depth", "depth_z"})
NORMAL_WORDS = frozenset({"n", "normal", "normals", "nrm", "nor"})
BEAUTY_WORDS = frozenset({"combined", "beauty", "rgba", "rgb", "color", "colour", "image"})
VECTORS = (
    ("R", "G", "B"),
    ("X", "Y", "Z"),
    ("x", "y", "z"),
    ("r", "g", "b"),
    ("red", "green", "blue"),
)
ROLES = ("depth", "normal", "beauty")


@dataclass(frozen=True)
class Candidate:
    """Channels of one part that may hold a role, best first when sorted by ``rank``."""

    part: int
    part_name: str
    channels: tuple[str, ...]  # one (depth) or three (x/R, y/G, z/B)
    rank: int  # 0 is the surest reading of the name

    @property
    def name(self) -> str:
        """As the user names it: the channel, or the layer of a triple (``R,G,B`` at the root)."""
        if len(self.channels) == 1:
            return self.channels[0]
        layer = split_name(self.channels[0])[0]
        return layer or ",".join(self.channels)

    @property
    def label(self) -> str:
        """The name with its part, for messages and choices: ``depth.Z`` or ``Y (part 1 depth)``."""
        if len(self.channels) == 3:
            inner = ",".join(split_name(c)[1] for c in self.channels)
            text = f"{self.name} ({inner})" if split_name(self.channels[0])[0] else self.name
        else:
            text = self.name
        if self.part or self.part_name:
            text += f" (part {self.part}{' ' + self.part_name if self.part_name else ''})"
        return text


@dataclass(frozen=True)
class PartChannels:
    index: int
    name: str
    channels: tuple[str, ...]


def split_name(channel: str) -> tuple[str, str]:
    """``ViewLayer.Depth.Z`` -> (``ViewLayer.Depth``, ``Z``); ``Y`` -> (``""``, ``Y``)."""
    layer, _, component = channel.rpartition(".")
    return layer, component


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s.]+", text.lower()) if w]


def _layers(channels: Sequence[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name in channels:
        layer, component = split_name(name)
        grouped.setdefault(layer, []).append(component)
    return grouped


def _in_vector(component: str, components: Sequence[str]) -> bool:
    """Whether ``component`` is one axis of a whole vector (x, y, z or R, G, B) in its layer."""
    return any(component in v and all(c in components for c in v) for v in VECTORS)


def depth_rank(channel: str, components: Sequence[str]) -> int | None:
    """How surely a channel's name says depth (0 surest); None when it does not.

    ``components`` are the components of the channel's layer. 0: Daz's lone ``Y``.
    1: ``Z`` or ``depth`` at the root, a component named for depth (``pass.Depth``), or
    ``Z`` (or the only channel) of a layer named for depth (``ViewLayer.Depth.Z``,
    ``depth.Z``). 2: the same in a layer whose name holds a depth word
    (``Denoising Depth.Z``). 3: ``Z`` of any other layer (``left.Z``).
    """
    layer, component = split_name(channel)
    if _in_vector(component, components):
        return None
    lower = component.lower()
    is_z = lower == "z"
    last = layer.rpartition(".")[2].lower()
    if not layer:
        return 0 if component == "Y" else 1 if lower in DEPTH_WORDS else None
    if lower in DEPTH_WORDS and not is_z:
        return 1
    if not (is_z or len(components) == 1):
        return None
    if last in DEPTH_WORDS:
        return 1
    if any(w in DEPTH_WORDS for w in _words(last)):
        return 2
    return 3 if is_z else None


def _triples(layer: str, components: Sequence[str]) -> list[tuple[str, ...]]:
    prefix = f"{layer}." if layer else ""
    return [tuple(prefix + c for c in v) for v in VECTORS if all(c in components for c in v)]


def vector_rank(role: str, layer: str, triple: tuple[str, ...]) -> int | None:
    """How surely a layer's triple holds normals or a beauty render (0 surest), or None."""
    last = layer.rpartition(".")[2].lower()
    words = _words(last)
    colour = split_name(triple[0])[1] in ("R", "r", "red")
    if role == "normal":
        if last in NORMAL_WORDS:
            return 0
        if any(w in NORMAL_WORDS for w in words):
            return 1
        return 2 if not layer else None
    if not colour or any(w in NORMAL_WORDS | DEPTH_WORDS for w in words):
        return None
    if not layer:
        return 0
    return 1 if last in BEAUTY_WORDS or any(w in BEAUTY_WORDS for w in words) else 2


def candidates(role: str, parts: Sequence[PartChannels]) -> list[Candidate]:
    """Every channel (depth) or triple (normal, beauty) the names allow, best first; ties
    keep the parts' order and, within a part, the header's order."""
    if role not in ROLES:
        raise ValueError(f"role: one of {', '.join(ROLES)}, got {role!r}")
    found: list[Candidate] = []
    for part in parts:
        layers = _layers(part.channels)
        if role == "depth":
            for name in part.channels:
                rank = depth_rank(name, layers[split_name(name)[0]])
                if rank is not None:
                    found.append(Candidate(part.index, part.name, (name,), rank))
            continue
        for layer, components in layers.items():
            for triple in _triples(layer, components)[:1]:
                rank = vector_rank(role, layer, triple)
                if rank is not None:
                    found.append(Candidate(part.index, part.name, triple, rank))
    order = {id(c): i for i, c in enumerate(found)}
    return sorted(found, key=lambda c: (c.rank, order[id(c)]))


def chosen(role: str, parts: Sequence[PartChannels], wanted: str) -> Candidate | None:
    """What the user named: for depth any channel (``R`` of a grey RGB too) or a layer of
    one channel; for normal/beauty a layer (``ViewLayer.Normal``; ``RGB`` or ``""`` for the
    root) or three channels joined by commas. None when nothing has that name."""
    for part in parts:
        if role == "depth":
            if wanted in part.channels:
                return Candidate(part.index, part.name, (wanted,), 0)
            members = [c for c in part.channels if split_name(c)[0] == wanted]
            if len(members) == 1:
                return Candidate(part.index, part.name, (members[0],), 0)
            continue
        names = tuple(n.strip() for n in wanted.split(","))
        if len(names) == 3 and all(n in part.channels for n in names):
            return Candidate(part.index, part.name, names, 0)
        layer = "" if wanted in ("", "RGB", "XYZ") else wanted
        layers = _layers(part.channels)
        if layer in layers:
            triples = _triples(layer, layers[layer])
            if triples:
                return Candidate(part.index, part.name, triples[0], 0)
    return None


def ambiguous(found: Sequence[Candidate]) -> list[Candidate]:
    """The other candidates as sure as the first: then the choice is a guess."""
    return [c for c in found[1:] if c.rank == found[0].rank] if found else []


def choices(role: str, parts: Sequence[PartChannels]) -> list[Candidate]:
    """What a user may pick for a role: the candidates first, then (depth) every other
    channel, or (normal, beauty) every other triple."""
    found = candidates(role, parts)
    seen = {(c.part, c.channels) for c in found}
    rest: list[Candidate] = []
    for part in parts:
        if role == "depth":
            pool = [(name,) for name in part.channels]
        else:
            pool = [
                t for layer, comps in _layers(part.channels).items() for t in _triples(layer, comps)
            ]
        for channels in pool:
            if (part.index, channels) not in seen:
                seen.add((part.index, channels))
                rest.append(Candidate(part.index, part.name, channels, 9))
    return [*found, *rest]

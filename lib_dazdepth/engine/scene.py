"""A deterministic, Daz-like sample scene: the canvases of a render, without Daz.

A perspective camera at the origin looks down -Z (x right, y up, z toward the
viewer). The scene imitates the user's first example: a standing figure with
one arm raised, holding a glowing orb in front of the body, on a floor, with
a slightly tilted backstop plane behind that leaves a strip at the top
uncovered (the "no-hit" patch). Rays are cast with vectorised numpy; pixels
whose 3x3 neighbourhood holds more than one object are rendered again with
4x4 sub-samples and averaged, like a renderer's pixel filter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NO_HIT = float(np.finfo(np.float32).max)  # 3.4028235e38, as Daz evidence suggests

OBJECT_NAMES: dict[int, str] = {0: "no-hit", 1: "backstop", 2: "floor", 3: "figure", 4: "orb"}

_TAN_HALF_FOV = 0.583  # about 60 degrees of vertical (and horizontal) field of view
_FLOOR_Y = -108.0  # the camera is 108 cm above the floor, looking level
_FLOOR_X = (-130.0, 130.0)
_FLOOR_Z = (-560.0, -150.0)
_BACK_POINT = np.array([0.0, 0.0, -597.0])
_BACK_TILT = [-0.021, -0.0105, 1.0]  # turned a little about the y and x axes
_BACK_NORMAL = np.array(_BACK_TILT) / np.linalg.norm(_BACK_TILT)
_BACK_TOP_Y = 300.0  # above this the backstop ends: no-hit
_FIGURE_Z = -205.0  # where the figure stands
_ORB_CENTRE = np.array([-34.5, _FLOOR_Y + 176.0, _FIGURE_Z + 25.0])
_ORB_RADIUS = 6.5
_SUB = 4  # edge pixels get _SUB x _SUB sub-samples

_COLOURS = {
    1: (0.30, 0.34, 0.40),  # backstop: blue grey
    2: (0.45, 0.32, 0.20),  # floor: wood
    3: (0.75, 0.52, 0.42),  # figure: skin
}
_ORB_EMISSION = np.array([6.0, 4.5, 1.8])
_SUN = np.array([0.4, 0.6, 0.7]) / np.linalg.norm([0.4, 0.6, 0.7])


@dataclass(frozen=True)
class SceneBuffers:
    """The canvases of one render, all (H, W[, 3]) float32 except ``object_id``."""

    depth: np.ndarray  # planar depth in cm; ``no_hit`` where nothing was hit
    normal: np.ndarray  # camera-space unit normals; (0, 0, 0) where nothing was hit
    beauty: np.ndarray  # linear RGB
    object_id: np.ndarray  # uint8 of the centre sample, keys of OBJECT_NAMES


@dataclass(frozen=True)
class _Ellipsoid:
    centre: np.ndarray  # (3,)
    to_unit: np.ndarray  # (3, 3): world offset -> unit-sphere coordinates
    bounds: tuple[float, float, float, float]  # u0, u1, v0, v1 on the image plane


def _ellipsoid(centre, radii, axis_y=(0.0, 1.0, 0.0)) -> _Ellipsoid:
    """An ellipsoid whose second axis points along ``axis_y`` (the limb direction)."""
    c = np.asarray(centre, dtype=float)
    ay = np.asarray(axis_y, dtype=float)
    ay = ay / np.linalg.norm(ay)
    helper = np.array([0.0, 0.0, 1.0]) if abs(ay[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    ax = np.cross(ay, helper)
    ax /= np.linalg.norm(ax)
    az = np.cross(ax, ay)
    to_unit = np.stack([ax, ay, az]) / np.asarray(radii, dtype=float)[:, None]
    r = float(max(radii))
    depth = -c[2]
    us = [(c[0] + s * r) / (depth + e * r) for s in (-1, 1) for e in (-1, 1)]
    vs = [(c[1] + s * r) / (depth + e * r) for s in (-1, 1) for e in (-1, 1)]
    return _Ellipsoid(c, to_unit, (min(us), max(us), min(vs), max(vs)))


def _limb(a, b, thickness, bulge=1.08) -> _Ellipsoid:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    half = np.linalg.norm(b - a) / 2 * bulge
    return _ellipsoid((a + b) / 2, (thickness[0], half, thickness[1]), b - a)


def _figure() -> list[_Ellipsoid]:
    """Body parts; positions are (x, height above the floor, z relative to the figure)."""

    def p(x, h, z=0.0):
        return (x, _FLOOR_Y + h, _FIGURE_Z + z)

    raised = [p(-19, 143, 1), p(-40, 137, 9), p(-36, 160, 19), p(-35.3, 166.5, 21)]
    lowered = [p(19, 143), p(24, 114, 2), p(26, 88, 6), p(26.5, 80, 7)]
    return [
        _ellipsoid(p(0, 162.5, 1), (8.0, 11.5, 9.5)),  # head
        _ellipsoid(p(0, 149, 0), (5.0, 6.5, 5.0)),  # neck
        _ellipsoid(p(0, 127, 0), (17.0, 21.0, 11.0), (0.0, 1.0, -0.05)),  # torso
        _ellipsoid(p(0, 100, -1), (15.5, 11.0, 10.0)),  # pelvis
        _limb(raised[0], raised[1], (5.0, 5.5)),  # raised upper arm
        _limb(raised[1], raised[2], (4.0, 4.5)),  # raised forearm
        _ellipsoid(raised[3], (4.2, 5.0, 2.4), (0.1, 1.0, 0.3)),  # raised hand
        _limb(lowered[0], lowered[1], (5.0, 5.5)),  # upper arm
        _limb(lowered[1], lowered[2], (4.0, 4.5)),  # forearm
        _ellipsoid(lowered[3], (2.3, 5.5, 4.2), (0.05, 1.0, 0.05)),  # hand
        _limb(p(-9, 96, 0), p(-10, 51, 5), (7.5, 8.0)),  # thigh, stepping forward
        _limb(p(-10, 51, 5), p(-10, 8, 2), (5.2, 5.8)),  # shin
        _ellipsoid(p(-10, 4, 9), (4.5, 4.0, 12.0)),  # foot
        _limb(p(9, 96, -1), p(11, 52, -13), (7.5, 8.0)),  # thigh, stepping back
        _limb(p(11, 52, -13), p(12, 9, -21), (5.2, 5.8)),  # shin
        _ellipsoid(p(12.5, 4, -14), (4.5, 4.0, 12.0)),  # foot
    ]


_PARTS = _figure()
_ORB = _ellipsoid(_ORB_CENTRE, (_ORB_RADIUS,) * 3)
# primitive index -> object id: 0 backstop, 1 floor, 2.. figure parts, last the orb
_PRIM_OBJECT = np.array([1, 2] + [3] * len(_PARTS) + [4], dtype=np.uint8)
_ELLIPSOIDS = [*_PARTS, _ORB]


def _trace(u: np.ndarray, v: np.ndarray, no_hit: float):
    """Cast rays (u, v, -1) from the origin; flat float64 arrays of image-plane tangents.

    The ray parameter t of a direction with z = -1 is the planar depth itself.
    Returns depth (float64), normal (N, 3), beauty (N, 3) and object id (uint8).
    """
    n = u.size
    best = np.full(n, np.inf)
    prim = np.full(n, -1, dtype=np.int16)
    with np.errstate(divide="ignore", invalid="ignore"):
        # backstop: n . (t d - P0) = 0
        denom = _BACK_NORMAL[0] * u + _BACK_NORMAL[1] * v - _BACK_NORMAL[2]
        t = (_BACK_NORMAL @ _BACK_POINT) / denom
        ok = (t > 0) & (t * v <= _BACK_TOP_Y)
        best[ok], prim[ok] = t[ok], 0
        # floor: y = _FLOOR_Y, a finite stage
        t = _FLOOR_Y / v
        x = t * u
        ok = (v < 0) & (t < best) & (x >= _FLOOR_X[0]) & (x <= _FLOOR_X[1])
        ok &= (-t >= _FLOOR_Z[0]) & (-t <= _FLOOR_Z[1])
        best[ok], prim[ok] = t[ok], 1
    for k, e in enumerate(_ELLIPSOIDS, start=2):
        u0, u1, v0, v1 = e.bounds
        idx = np.flatnonzero((u >= u0) & (u <= u1) & (v >= v0) & (v <= v1))
        if idx.size == 0:
            continue
        o = e.to_unit @ -e.centre  # ray origin in unit-sphere coordinates
        m = e.to_unit
        dx = m[0, 0] * u[idx] + m[0, 1] * v[idx] - m[0, 2]
        dy = m[1, 0] * u[idx] + m[1, 1] * v[idx] - m[1, 2]
        dz = m[2, 0] * u[idx] + m[2, 1] * v[idx] - m[2, 2]
        a = dx * dx + dy * dy + dz * dz
        b = o[0] * dx + o[1] * dy + o[2] * dz  # half of the usual b
        disc = b * b - a * (o @ o - 1.0)
        hit = disc >= 0
        idx, a, b, disc = idx[hit], a[hit], b[hit], disc[hit]
        t = (-b - np.sqrt(disc)) / a
        nearer = (t > 0) & (t < best[idx])
        idx = idx[nearer]
        best[idx], prim[idx] = t[nearer], k

    depth = np.where(prim >= 0, best, no_hit)
    obj = np.where(prim >= 0, _PRIM_OBJECT[np.maximum(prim, 0)], 0).astype(np.uint8)
    normal = np.zeros((n, 3))
    normal[prim == 0] = _BACK_NORMAL
    normal[prim == 1] = (0.0, 1.0, 0.0)
    for k, e in enumerate(_ELLIPSOIDS, start=2):
        idx = np.flatnonzero(prim == k)
        if idx.size:
            pts = best[idx, None] * np.stack([u[idx], v[idx], -np.ones(idx.size)], axis=1)
            q = (pts - e.centre) @ e.to_unit.T
            g = q @ e.to_unit  # gradient of |M (p - c)|^2, outward
            normal[idx] = g / np.linalg.norm(g, axis=1, keepdims=True)
    return depth, normal, _shade(u, v, best, normal, obj), obj


def _shade(u, v, t, normal, obj) -> np.ndarray:
    """Lambert shading from a sun and the orb's light; the orb itself glows."""
    beauty = np.zeros((u.size, 3))
    lit = (obj == 1) | (obj == 2) | (obj == 3)
    if lit.any():
        nrm = normal[lit]
        pts = t[lit, None] * np.stack([u[lit], v[lit], -np.ones(int(lit.sum()))], axis=1)
        to_orb = _ORB_CENTRE - pts
        dist = np.linalg.norm(to_orb, axis=1)
        orb_light = np.clip(np.einsum("ij,ij->i", nrm, to_orb) / dist, 0, None)
        orb_light *= 1.0 / (1.0 + (dist / 40.0) ** 2)
        sun = np.clip(nrm @ _SUN, 0, None)
        albedo = np.array([_COLOURS[1], _COLOURS[2], _COLOURS[3]])[obj[lit] - 1]
        light = (0.15 + 0.85 * sun)[:, None] + orb_light[:, None] * (_ORB_EMISSION / 3.0)
        beauty[lit] = albedo * light
    beauty[obj == 4] = _ORB_EMISSION
    return beauty


def render_scene(size: int = 1200, no_hit: float = NO_HIT) -> SceneBuffers:
    """Render the sample scene at ``size`` x ``size`` pixels; deterministic.

    Planar depths away from edges (cm): orb about 173 to 181, figure 181 to 226,
    floor 185 to 557, backstop 587 to 608; a strip at the top is ``no_hit``.
    """
    return render_rows(size, 0, size, no_hit)


def render_rows(size: int, top: int, bottom: int, no_hit: float = NO_HIT) -> SceneBuffers:
    """Rows ``top`` to ``bottom`` (excluded) of ``render_scene(size)``, exactly: a scene can
    be rendered and written a block of rows at a time. The rows just outside are traced
    too, for the 3x3 neighbourhoods that find the edges."""
    if int(size) != size or size < 16:
        raise ValueError(f"size: must be an integer of at least 16, got {size!r}")
    size, bottom = int(size), int(bottom)
    if not 0 <= top < bottom <= size:
        raise ValueError(f"rows: need 0 <= top < bottom <= {size}, got {top}, {bottom}")
    no_hit = float(no_hit)
    if np.isnan(no_hit):
        raise ValueError("no_hit: must be a number, got NaN")
    step = 2.0 * _TAN_HALF_FOV / size  # pixel pitch on the image plane
    coords = ((np.arange(size) + 0.5) * step) - _TAN_HALF_FOV
    low, high = max(0, top - 1), min(size, bottom + 1)  # with the neighbouring rows
    rows = bottom - top
    u = np.broadcast_to(coords[None, :], (high - low, size)).ravel()
    v = np.broadcast_to(-coords[low:high, None], (high - low, size)).ravel()
    depth, normal, beauty, obj = _trace(u, v, no_hit)

    around = obj.reshape(high - low, size)
    # The image's own border repeats its edge; a block's border has the real next rows.
    padded = np.pad(around, ((int(low == top), int(high == bottom)), (1, 1)), mode="edge")
    inside = slice((top - low) * size, (top - low + rows) * size)
    ids = around[top - low : top - low + rows]
    u, v, depth, normal, beauty = (
        u[inside],
        v[inside],
        depth[inside],
        normal[inside],
        beauty[inside],
    )
    edge = np.zeros((rows, size), dtype=bool)
    for dy in range(3):
        for dx in range(3):
            edge |= padded[dy : dy + rows, dx : dx + size] != ids
    edges = np.flatnonzero(edge.ravel())
    if edges.size:
        sub = ((np.arange(_SUB) + 0.5) / _SUB - 0.5) * step
        shape = (edges.size, _SUB, _SUB)  # (pixel, sub-row, sub-column)
        su = np.broadcast_to(u[edges, None, None] + sub[None, None, :], shape).ravel()
        sv = np.broadcast_to(v[edges, None, None] - sub[None, :, None], shape).ravel()
        sd, sn, sb, _ = _trace(su, sv, no_hit)
        count = _SUB * _SUB
        depth[edges] = sd.reshape(-1, count).mean(axis=1)
        beauty[edges] = sb.reshape(-1, count, 3).mean(axis=1)
        avg = sn.reshape(-1, count, 3).mean(axis=1)
        length = np.linalg.norm(avg, axis=1, keepdims=True)
        normal[edges] = np.divide(avg, length, out=np.zeros_like(avg), where=length > 1e-12)

    return SceneBuffers(
        depth=depth.astype(np.float32).reshape(rows, size),
        normal=normal.astype(np.float32).reshape(rows, size, 3),
        beauty=beauty.astype(np.float32).reshape(rows, size, 3),
        object_id=ids.copy(),
    )

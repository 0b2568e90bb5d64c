"""The webui settings section: where each map goes in ControlNet (facts.md section 5)."""

from __future__ import annotations

from typing import Any

from ..engine.payload import CONTROL_MODES, UnitSettings, default_units

SECTION = ("daz_depth", "Daz Depth")
FIELDS = ("unit", "model", "module", "weight", "guidance_end", "control_mode")
LABELS = {
    "unit": "ControlNet unit (0 is the first)",
    "model": "model (a part of its name, e.g. depth, normalbae, openpose)",
    "module": "preprocessor (none for finished maps)",
    "weight": "control weight",
    "guidance_end": "ending control step",
    "control_mode": "control mode",
}


def key(role: str, name: str) -> str:
    return f"dazdepth_{role}_{name}"


def options() -> list[tuple[str, Any, str, dict[str, Any]]]:
    """(key, default, label, component hints) for every setting."""
    result = []
    for role, unit in default_units().items():
        for name in FIELDS:
            default = getattr(unit, name)
            hints: dict[str, Any] = {}
            if name == "weight":
                hints = {"slider": {"minimum": 0.0, "maximum": 2.0, "step": 0.05}}
            elif name == "guidance_end":
                hints = {"slider": {"minimum": 0.0, "maximum": 1.0, "step": 0.01}}
            elif name == "control_mode":
                hints = {"radio": {"choices": list(CONTROL_MODES)}}
            result.append((key(role, name), default, f"{role.title()} map: {LABELS[name]}", hints))
    return result


def units_from(opts: Any) -> dict[str, UnitSettings]:
    """The current settings as UnitSettings; unset or bad values fall back to defaults."""
    units = {}
    for role, unit in default_units().items():
        values = {n: getattr(opts, key(role, n), getattr(unit, n)) for n in FIELDS}
        try:
            units[role] = UnitSettings(
                int(values["unit"]),
                str(values["model"]),
                str(values["module"]),
                float(values["weight"]),
                float(values["guidance_end"]),
                str(values["control_mode"]),
            )
        except (TypeError, ValueError):
            units[role] = unit
    return units

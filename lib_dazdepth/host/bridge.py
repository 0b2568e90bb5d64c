"""The one place that knows A1111 from Forge (facts.md sections 5 and 6).

Names: ``host_kind()``, ``controlnet()`` (its external_code module or None),
``controlnet_models()``, ``none_module()``, ``unit_count()``, ``regional_prompter()``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

A1111_CONTROLNET = "extensions.sd-webui-controlnet.scripts.external_code"
FORGE_CONTROLNET = "lib_controlnet.external_code"
# Where each lists the installed models: A1111's external_code.get_models(); Forge's
# global_state.get_all_controlnet_names() (its external_code has no list).
MODEL_LISTS = {
    "forge": ("lib_controlnet.global_state", "get_all_controlnet_names"),
    "a1111": (A1111_CONTROLNET, "get_models"),
}


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except Exception:  # absent, or failing to import: either way not usable
        return None


def controlnet() -> ModuleType | None:
    return _module(FORGE_CONTROLNET) or _module(A1111_CONTROLNET)


def host_kind() -> str:
    """``forge`` when Forge's built-in ControlNet is there, else ``a1111``."""
    return "forge" if _module(FORGE_CONTROLNET) else "a1111"


def none_module() -> str:
    return "None" if host_kind() == "forge" else "none"


def controlnet_models() -> list[str]:
    """The installed ControlNet models' names (``"<stem> [<hash>]"``), without "None"."""
    module_name, name = MODEL_LISTS[host_kind()]
    module = _module(module_name)
    getter = getattr(module, name, None) if module else None
    try:
        return [m for m in getter() if m and m.lower() != "none"] if callable(getter) else []
    except Exception:  # a ControlNet whose list fails: the caller says no model matched
        return []


def unit_count() -> int:
    code = controlnet()
    getter = getattr(code, "get_max_models_num", None) if code else None
    try:
        return int(getter()) if callable(getter) else 0
    except Exception:
        return 0


def regional_prompter() -> bool:
    """Whether a Regional Prompter script is loaded (its scripts register by title)."""
    scripts = _module("modules.scripts")
    runner = getattr(scripts, "scripts_txt2img", None) if scripts else None
    titles = [getattr(s, "title", lambda: "")() for s in getattr(runner, "scripts", [])]
    return any("regional prompter" in str(t).lower() for t in titles)


def integrations_note() -> str:
    """One line for the tab: what it found to work with."""
    code = controlnet()
    parts = [
        f"ControlNet: {'found (' + host_kind() + ')' if code else 'not found'}",
        f"Regional Prompter: {'found' if regional_prompter() else 'not found'}",
    ]
    return "; ".join(parts)

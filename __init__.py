"""ComfyUI's entry: ComfyUI imports this folder as a package (``custom_nodes/<folder>``)
and registers the nodes ``comfy_entrypoint`` lists (V3 node API, ComfyUI 0.3.48 and newer).

The webui never imports this file (it runs ``scripts/daz_depth.py`` with this folder on
``sys.path``), nor do the command line and the tests, which import ``lib_dazdepth``.
"""

try:
    from comfy_api.latest import io as _v3  # noqa: F401  (ComfyUI 0.3.48, July 2025)
except ImportError as error:
    raise ImportError(
        "Daz Depth's nodes need ComfyUI 0.3.48 or newer (the V3 node API, comfy_api.latest)"
    ) from error

from .lib_dazdepth.comfy.nodes import comfy_entrypoint

__all__ = ["comfy_entrypoint"]

"""ComfyUI's entry: ComfyUI imports this folder as a package (``custom_nodes/<folder>``)
and registers the nodes ``comfy_entrypoint`` lists (V3 node API, ComfyUI 0.3.48 and newer).

Elsewhere this file does nothing: the webui runs ``scripts/daz_depth.py`` with this folder
on ``sys.path``, and the command line and the tests import ``lib_dazdepth`` (pytest imports
this file as the root package's ``__init__``, without ComfyUI).
"""

import importlib.util
import logging

if importlib.util.find_spec("comfy_api") is None:
    pass  # not inside ComfyUI
elif importlib.util.find_spec("comfy_api.latest") is None:
    logging.warning(
        "Daz Depth's nodes need ComfyUI 0.3.48 or newer (the V3 node API, comfy_api.latest)"
    )
else:
    from .lib_dazdepth.comfy.nodes import comfy_entrypoint

    __all__ = ["comfy_entrypoint"]

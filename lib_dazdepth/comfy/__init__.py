"""ComfyUI nodes: Daz Depth's maps as IMAGE and MASK batches (the repository root's
``__init__.py`` is what ComfyUI imports).

Three thin parts: ``canvases``, ``maps`` and ``frames`` are numpy (no torch, no ComfyUI);
``run`` turns their arrays into torch tensors; ``nodes`` declares the V3 schemas.
Imports the editing layer and the engine; never the tab (ui), command lines (cli) or the
webui glue (host).
"""

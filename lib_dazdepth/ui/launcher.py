"""``python -m lib_dazdepth ui``: the tab on its own, served as the webui serves it.

The webui puts every extension's ``javascript/*.js`` and ``style.css`` into the page head;
the launcher does the same, so one front-end serves both.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .serving import DEFAULT_MAX_UPLOAD_MB, Serving, gradio_temp_folder

ROOT = Path(__file__).resolve().parent.parent.parent


def head_assets(root: Path = ROOT) -> str:
    """Inline <style> and <script> elements for style.css and javascript/*.js."""
    parts = []
    css = root / "style.css"
    if css.exists():
        parts.append(f"<style>\n{css.read_text(encoding='utf-8')}\n</style>")
    for script in sorted((root / "javascript").glob("*.js")):
        parts.append(
            f'<script type="text/javascript">\n{script.read_text(encoding="utf-8")}\n</script>'
        )
    return "\n".join(parts)


def inject_head(html: str) -> None:
    """Add ``html`` to the <head> of every page gradio serves."""
    import gradio.routes

    templates = gradio.routes.templates
    serve = templates.TemplateResponse
    if getattr(serve, "dazdepth_head", None) is not None:
        serve = serve.dazdepth_original

    def with_head(*args, **kwargs):
        response = serve(*args, **kwargs)
        response.body = response.body.replace(b"</head>", html.encode("utf-8") + b"</head>", 1)
        response.init_headers()
        return response

    with_head.dazdepth_head = html
    with_head.dazdepth_original = serve
    templates.TemplateResponse = with_head


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "daz-depth"


def sample_files(size: int = 1200) -> list[Path]:
    """The bundled sample scene, rendered once into the cache folder."""
    from ..engine.sample import write_sample

    folder = cache_folder() / f"sample-{size}"
    depth = folder / "sample_scene_canvases" / "sample_scene-Canvas2-Depth.exr"
    if not depth.exists():
        write_sample(folder, size=size)
    paths = sorted((folder / "sample_scene_canvases").glob("*.exr"))
    return [*paths, folder / "sample_scene.png"]


def folder_files(folder: Path) -> list[Path]:
    kinds = {".exr", ".png", ".jpg", ".jpeg"}
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in kinds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib_dazdepth ui", description="Open the Daz Depth tab in a browser."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7861)
    parser.add_argument(
        "--open", metavar="DIR", help="open the canvases in DIR (default: the bundled sample scene)"
    )
    parser.add_argument(
        "--outputs",
        default="outputs/daz-depth",
        metavar="DIR",
        help="where saved maps go, by date (default: outputs/daz-depth)",
    )
    parser.add_argument(
        "--max-upload",
        type=int,
        default=DEFAULT_MAX_UPLOAD_MB,
        metavar="MB",
        help=f"refuse larger uploads (default {DEFAULT_MAX_UPLOAD_MB} MB)",
    )
    parser.add_argument("--sample-size", type=int, default=1200, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    from .blocks import build_tab
    from .controller import TabConfig

    outputs = Path(args.outputs).resolve()
    if args.open:
        folder = Path(args.open)
        if not folder.is_dir():
            parser.error(f"--open {folder}: not a folder")
        initial = folder_files(folder)
    else:
        initial = sample_files(args.sample_size)
    if args.max_upload < 1:
        parser.error("--max-upload must be at least 1 (MB)")
    blocks = build_tab(TabConfig(outputs=outputs), lambda: initial, sending=False)
    # Standalone, the tab is the whole page: let it use the window's width (gradio caps its
    # container); in the webui the same style.css must leave the page's own layout alone.
    # (and its "Built with Gradio" footer is no part of the tab).
    standalone = (
        ".gradio-container { max-width: none !important; } footer { display: none !important; }"
    )
    inject_head(head_assets() + f"<style>{standalone}</style>")
    print(f"Daz Depth: http://{args.host}:{args.port}/", flush=True)
    blocks.queue().launch(
        server_name=args.host,
        server_port=args.port,
        inbrowser=False,
        show_api=False,
        quiet=True,
        **serving_options(args.max_upload * 1024 * 1024),
    )
    return 0


def serving_options(max_upload: int) -> dict:
    """``launch`` options: ``/file=`` answers only for gradio's own copies and uploads
    (serving.py; no ``allowed_paths``), uploads capped at ``max_upload`` bytes."""
    import gradio
    from starlette.middleware import Middleware

    middleware = Middleware(Serving, served=gradio_temp_folder(), max_upload=max_upload)
    options: dict = {"app_kwargs": {"middleware": [middleware]}}
    if int(gradio.__version__.split(".")[0]) >= 4:
        options["max_file_size"] = max_upload  # gradio 4's page says so before sending
    return options

"""The ``daz-depth`` command (``python -m lib_dazdepth``): the command lines and the tab.

It sits above the layers, so the command line can start the tab without importing it.
"""

from __future__ import annotations

from .cli.main import main as cli_main


def launch_tab(argv: list[str]) -> int:
    from .ui.launcher import main as ui_main  # gradio loads only for this command

    return ui_main(argv)


def main(argv: list[str] | None = None, stdin=None) -> int:
    return cli_main(argv, stdin, front_ends={"ui": launch_tab})

"""The errors Daz Depth reports to the user: one line, naming the file or field."""

from __future__ import annotations

from pathlib import Path


class DazDepthError(Exception):
    """A problem the user can act on. ``str()`` is the whole message, one line."""


class InputError(DazDepthError):
    """An input file that cannot be used."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class OutputError(DazDepthError):
    """An output that cannot be written."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

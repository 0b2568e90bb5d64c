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


def shown(name: str, most: int = 40) -> str:
    """A name as a message shows it: at most ``most`` characters, cut in the middle with
    an ellipsis (names of one render differ at their ends: ``...Cryptomatte07.R``)."""
    if len(name) <= most:
        return name
    head = (most - 1) // 2
    return name[:head] + "…" + name[len(name) - (most - 1 - head) :]


def listed(names: list[str], most: int = 12) -> str:
    """At most ``most`` names (each ``shown``), joined by commas, and how many were left."""
    text = ", ".join(shown(n) for n in names[:most])
    return text + (f", … ({len(names) - most} more)" if len(names) > most else "")

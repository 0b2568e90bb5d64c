"""The errors Daz Depth reports to the user: one line, naming the file or field."""

from __future__ import annotations

from pathlib import Path


class DazDepthError(Exception):
    """A problem the user can act on. ``str()`` is the whole message, one line."""


class InputError(DazDepthError):
    """An input file that cannot be used."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = printable(problem)
        super().__init__(f"{printable(self.path)}: {self.problem}")


class OutputError(DazDepthError):
    """An output that cannot be written."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = printable(problem)
        super().__init__(f"{printable(self.path)}: {self.problem}")


def printable(text: str) -> str:
    """``text`` with what is not printable escaped as ``ascii()`` does (``\\n``,
    ``\\x1b``): names from a file or a user (channels, parts, paths) may hold a newline,
    which would make a message two lines, or a terminal's escape sequence."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def shown(name: str, most: int = 40) -> str:
    """A name as a message shows it (``printable``): at most ``most`` characters, cut in
    the middle with an ellipsis (names of one render differ at their ends)."""
    name = printable(name)
    if len(name) <= most:
        return name
    head = (most - 1) // 2
    return name[:head] + "…" + name[len(name) - (most - 1 - head) :]


def listed(names: list[str], most: int = 12) -> str:
    """At most ``most`` names (each ``shown``), joined by commas, and how many were left."""
    text = ", ".join(shown(n) for n in names[:most])
    return text + (f", … ({len(names) - most} more)" if len(names) > most else "")

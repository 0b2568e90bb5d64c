"""Argument types shared by the command lines."""

from __future__ import annotations

import argparse


def positive_whole(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value

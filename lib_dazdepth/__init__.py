"""Daz Depth: Daz Studio / Iray canvases to ControlNet depth, normal and region maps."""

__version__ = "0.1.0"

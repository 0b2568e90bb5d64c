"""The hosts: A1111/Forge glue (bridge, settings, API routes) behind scripts/daz_depth.py.

Thin; may import every layer below it (ui, cli, editing, engine).
"""

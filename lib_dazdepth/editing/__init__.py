"""One artist's editing session: the workspace, its commands, region and depth edits.

Pure Python and numpy, no gradio. Imports only the engine.
"""

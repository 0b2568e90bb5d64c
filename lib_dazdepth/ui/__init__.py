"""The gradio tab: one Blocks for the standalone tab and the webui, state per session.

Imports the editing layer and the engine; never the command lines (cli) or the webui glue (host).
"""

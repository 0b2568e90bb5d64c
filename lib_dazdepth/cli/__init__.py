"""The command lines: the reference tool's flags, the shell, batch, send and bench.

Imports the editing layer and the engine; never the tab (ui) or the webui glue (host).
"""

"""The engine: depth, normal and region maps from arrays and files (numpy, OpenEXR, Pillow).

One concept a module; no gradio, webui or torch. Imports nothing of Daz Depth outside it.
"""

"""The Daz Depth tab: gradio Blocks over the core, the same for the webui and standalone."""

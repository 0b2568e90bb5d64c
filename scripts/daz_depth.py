"""Daz Depth in the webui: registers the tab, its settings and its API routes."""

from modules import script_callbacks

try:
    from lib_dazdepth.host import webui
except ImportError as error:  # e.g. OpenEXR not installed yet: say so in the tab
    problem = f"{error.name or error} is not installed ({error})"
    from lib_dazdepth.host.webui_fallback import unavailable_tab

    script_callbacks.on_ui_tabs(lambda: unavailable_tab(problem))
else:
    script_callbacks.on_ui_tabs(webui.ui_tabs)
    script_callbacks.on_ui_settings(webui.ui_settings)
    script_callbacks.on_app_started(webui.app_started)

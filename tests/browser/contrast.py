"""WCAG contrast of every text and input in the tab, read from the browser's computed styles.

The contrast ratio is WCAG 2's: (L1 + 0.05) / (L2 + 0.05) with relative luminances from
sRGB. A text's background is the first opaque background behind it, with the translucent
ones over it composited in; a gradient counts as each of its colour stops (the worst wins).
Disabled controls are left out, as WCAG 1.4.3 leaves "inactive user interface components".
"""

from __future__ import annotations

from pathlib import Path

# contrast.js is the function itself after its header comment (page.evaluate calls it).
_SOURCE = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
LOW_CONTRAST_JS = "\n".join(line for line in _SOURCE.splitlines() if not line.startswith("//"))

"""Is a picture on screen? What an artist sees in an image box of the webui page, read
from the page: the box is first brought into view as an artist would bring it (its tab
selected, its accordion opened), then its picture is looked for.

The picture is an ``img`` that has loaded, or a ``canvas`` painted over most of its area
(not just a brush outline): gradio 3's sketch Image, which ControlNet and the Regional
Prompter use on A1111, draws the picture on canvases and keeps its ``img`` transparent;
Forge's canvas shows an ``img``; gradio 4's ImageEditor, the Regional Prompter's mask box
on Forge, draws with WebGL, whose pixels a page cannot read back once shown, so that
canvas is judged from a screenshot of it: painted where over half its pixels differ from
the box's background. It counts only when the browser renders it: no hidden ancestor, not
transparent, not zero-sized. Its natural size is the size of the image it shows.
"""

from __future__ import annotations

import io
import re
import time

from PIL import Image

# Open every accordion and select every tab around `selector`, outermost first, by
# clicking their headers (gradio 3 and 4 hide a closed accordion's body and an unselected
# tab with an inline display: none), as an artist looking for the box would.
LOOK_JS = """async (selector) => {
  const root = typeof gradioApp === 'function' ? gradioApp() : document;
  const box = root.querySelector(selector);
  if (!box) return false;
  const hidden = [];
  for (let node = box; node && node.parentElement; node = node.parentElement) {
    if (node.style && node.style.display === 'none') hidden.unshift(node);
  }
  for (const node of hidden) {
    if (node.classList.contains('tabitem')) {
      const tabs = node.parentElement;
      const items = [...tabs.children].filter((c) => c.classList.contains('tabitem'));
      const nav = tabs.querySelector(':scope > .tab-nav');
      const button = nav && nav.querySelectorAll('button')[items.indexOf(node)];
      if (button) button.click();
    } else {
      const header = node.previousElementSibling;
      if (header && header.classList.contains('label-wrap')) header.click();
    }
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }
  return true;
}"""

# The picture a box shows: {tag, natural: [w, h], rendered: [w, h]}, or null.
PICTURE_JS = """(selector) => {
  const root = typeof gradioApp === 'function' ? gradioApp() : document;
  const box = root.querySelector(selector);
  if (!box) return null;
  const dpr = window.devicePixelRatio || 1;
  const seen = (el) => {
    const rect = el.getBoundingClientRect();
    const shows = el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
    return shows && rect.width >= 1 && rect.height >= 1
      ? [Math.round(rect.width), Math.round(rect.height)] : null;
  };
  const painted = (canvas) => {
    if (!canvas.width || !canvas.height) return false;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const pixels = context.getImageData(0, 0, copy.width, copy.height).data;
    let opaque = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) opaque++;
    return opaque > pixels.length / 8;  // over half the pixels
  };
  // The colour behind the box, where nothing is painted (for a WebGL canvas's screenshot).
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (colour && colour !== 'transparent' && colour !== 'rgba(0, 0, 0, 0)') return colour;
    }
    return 'rgb(255, 255, 255)';
  };
  const shown = [...box.querySelectorAll('img, canvas')];
  for (const [index, el] of shown.entries()) {
    const rendered = seen(el);
    if (!rendered) continue;
    if (el.tagName === 'IMG' && el.complete && el.naturalWidth > 0) {
      return { tag: 'img', natural: [el.naturalWidth, el.naturalHeight], rendered };
    }
    if (el.tagName !== 'CANVAS') continue;
    const natural = [Math.round(el.width / dpr), Math.round(el.height / dpr)];
    // null where the canvas draws with WebGL (a canvas has one kind of context)
    if (el.width && el.height && el.getContext('2d') === null) {
      return { tag: 'canvas', natural, rendered, webgl: index, background: background(el) };
    }
    if (painted(el)) return { tag: 'canvas', natural, rendered };
  }
  return null;
}"""


def look_at(page, selector: str) -> None:
    """Bring the box ``selector`` into view as an artist would (tabs, accordions)."""
    assert page.evaluate(LOOK_JS, selector), f"no {selector} on the page"


def picture(page, selector: str) -> dict | None:
    """The picture the box ``selector`` shows on screen now, or None."""
    shown = page.evaluate(PICTURE_JS, selector)
    if shown is None or "webgl" not in shown:
        return shown
    canvas = page.locator(selector).locator("img, canvas").nth(shown.pop("webgl"))
    background = shown.pop("background")
    return shown if painted_on_screen(canvas.screenshot(), background) else None


def painted_on_screen(png: bytes, background: str) -> bool:
    """Whether over half the pixels of a screenshot differ from ``background`` (a CSS
    ``rgb(r, g, b)``) by more than 8 grey levels in some channel."""
    behind = [round(float(part)) for part in re.findall(r"[\d.]+", background)[:3]]
    with Image.open(io.BytesIO(png)) as shot:
        pixels = list(shot.convert("RGB").getdata())
    differ = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, behind)) > 8)
    return differ > len(pixels) / 2


def wait_picture(tab, selector: str, size: tuple[int, int] | None, timeout=15000) -> dict:
    """Look at the box and wait until it shows a picture of ``size`` (its natural width and
    height; None: any); fails with what it shows instead."""
    look_at(tab.page, selector)
    deadline = time.monotonic() + timeout / 1000
    while True:
        shows = picture(tab.page, selector)
        if shows and (size is None or tuple(shows["natural"]) == tuple(size)):
            return shows
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{selector} shows {shows}, not a {size} picture\n"
                + tab.diagnosis(f"timed out after {timeout} ms waiting for the picture")
            )
        time.sleep(0.1)

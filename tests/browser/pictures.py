"""Is a picture on screen? What an artist sees in an image box of the webui page, read
from the page: the box is first brought into view as an artist would bring it (its tab
selected, its accordion opened), then its picture is looked for.

The picture is an ``img`` that has loaded, or a ``canvas`` painted over most of its area
(not just a brush outline): gradio 3's sketch Image, which ControlNet and the Regional
Prompter use on A1111, draws the picture on canvases and keeps its ``img`` transparent;
Forge's canvas shows an ``img``. It counts only when the browser renders it: no hidden
ancestor, not transparent, not zero-sized. Its natural size is the size of the image it
shows.
"""

from __future__ import annotations

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
  for (const el of box.querySelectorAll('img, canvas')) {
    const rendered = seen(el);
    if (!rendered) continue;
    if (el.tagName === 'IMG' && el.complete && el.naturalWidth > 0) {
      return { tag: 'img', natural: [el.naturalWidth, el.naturalHeight], rendered };
    }
    if (el.tagName === 'CANVAS' && painted(el)) {
      const natural = [Math.round(el.width / dpr), Math.round(el.height / dpr)];
      return { tag: 'canvas', natural, rendered };
    }
  }
  return null;
}"""


def look_at(page, selector: str) -> None:
    """Bring the box ``selector`` into view as an artist would (tabs, accordions)."""
    assert page.evaluate(LOOK_JS, selector), f"no {selector} on the page"


def picture(page, selector: str) -> dict | None:
    """The picture the box ``selector`` shows on screen now, or None."""
    return page.evaluate(PICTURE_JS, selector)


def wait_picture(tab, selector: str, size: tuple[int, int] | None, timeout=15000) -> dict:
    """Look at the box and wait until it shows a picture of ``size`` (its natural width and
    height; None: any); fails with what it shows instead."""
    look_at(tab.page, selector)
    js = f"(selector) => {{ const p = ({PICTURE_JS})(selector); return !!p"
    js += f" && p.natural[0] === {size[0]} && p.natural[1] === {size[1]}; }}" if size else "; }"
    try:
        tab.wait_js(js, timeout, arg=selector)
    except AssertionError as error:
        shows = picture(tab.page, selector)
        raise AssertionError(f"{selector} shows {shows}, not a {size} picture\n{error}") from None
    return picture(tab.page, selector)

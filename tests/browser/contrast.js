// WCAG contrast of every text and input in the tab, read from the browser's computed styles.
// 
// The contrast ratio is WCAG 2's: (L1 + 0.05) / (L2 + 0.05) with relative luminances from
// sRGB. A text's background is the first opaque background behind it, with the translucent
// ones over it composited in; a gradient counts as each of its colour stops (the worst wins).
// Disabled controls are left out, as WCAG 1.4.3 leaves "inactive user interface components".
// Called with the minimum ratio; returns a line per text below it.
(minimum) => {
  const mount = document.querySelector('#dazdepth_mount');
  const area = mount.closest('#tab_daz_depth') || mount.closest('.gradio-container') || document.body;
  const parse = (css) => {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const stops = (css) => (css.match(/rgba?\([^)]+\)/g) || []).map(parse);
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  // The backgrounds behind an element, innermost first; each a list of candidate colours.
  const backdrops = (el) => {
    let layers = [];
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      const grad = cs.backgroundImage.includes('gradient') ? stops(cs.backgroundImage) : [];
      if (grad.length) { layers.push(grad); if (grad.every((c) => c[3] === 1)) return layers; }
      const bg = parse(cs.backgroundColor);
      if (bg && bg[3] > 0) { layers.push([bg]); if (bg[3] === 1) return layers; }
    }
    const page = parse(getComputedStyle(document.documentElement).backgroundColor) || [255, 255, 255, 0];
    layers.push([page[3] === 1 ? page : [255, 255, 255, 1]]);
    return layers;
  };
  const backgrounds = (el) => {
    let colours = [[0, 0, 0, 0]];
    for (const layer of backdrops(el).reverse()) {
      colours = colours.flatMap((under) => layer.map((c) => (under[3] === 0 ? c : over(c, under))));
    }
    return colours;
  };
  const shown = (el) => {
    if (!el.getClientRects().length) return false;
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) return false;
    }
    return true;
  };
  const texty = (el) => {
    if (el.matches('input, select, textarea')) {
      return !el.matches('[type=checkbox],[type=radio],[type=color],[type=file],[type=range],[type=hidden]');
    }
    return [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  };
  const bad = [];
  for (const el of area.querySelectorAll('*')) {
    if (!texty(el) || !shown(el) || el.closest(':disabled, [aria-disabled=true]')) continue;
    const cs = getComputedStyle(el);
    const worst = Math.min(...backgrounds(el).map((bg) => ratio(over(parse(cs.color), bg), bg)));
    if (worst < minimum) {
      const text = (el.value || el.textContent || '').trim().slice(0, 40);
      bad.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} "${text}": ${worst.toFixed(2)} (${cs.color})`);
    }
  }
  return bad;
}

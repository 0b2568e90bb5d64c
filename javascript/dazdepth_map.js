/* Daz Depth front-end, the page's own depth map: the preview drawn on the page from the
   preview's depth samples (the view's "grid", sent once per depth change), so a dragged
   boundary shows at once, without a round trip to the server.

   The arithmetic is lib_dazdepth/engine/index.py's, in the same float64 steps, so the
   greys are exactly the server's (a browser test compares them pixel by pixel). The depths
   are sorted once; each pixel keeps the rank of its depth among the distinct depths, and a
   draw maps ranks through a table (one colour per distinct depth) recomputed only for the
   splits whose bounds, levels or curve changed, and rewrites only their pixels: a drag
   touches two.
   window.dazdepthMap.model(grid) -> model; model.draw(plan) -> ImageData or null. */
(function () {
  'use strict';
  if (window.dazdepthMap) return; // loaded twice

  const MAX_LEVELS = 256, STEPS = 256;
  const OPAQUE = 0xff000000;

  function rgba(r, g, b) { return (OPAQUE | (b << 16) | (g << 8) | r) >>> 0; } // little-endian ImageData
  const GREY = new Uint32Array(256).map((_, g) => rgba(g, g, g));

  function lowerBound(a, x, lo = 0, hi = a.length) { // first index with a[i] >= x
    while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < x) lo = m + 1; else hi = m; }
    return lo;
  }

  // grid: {width, height, data: Float32Array} (NaN on background).
  function model(grid) {
    const w = grid.width, h = grid.height, depth = grid.data, n = w * h;
    let count = 0;
    for (let i = 0; i < n; i++) if (depth[i] === depth[i]) count++;
    const sorted = new Float32Array(count);
    for (let i = 0, j = 0; i < n; i++) { const d = depth[i]; if (d === d) sorted[j++] = d; }
    sorted.sort();
    let distinct = 0;
    for (let i = 0; i < count; i++) if (!distinct || sorted[i] !== sorted[distinct - 1]) sorted[distinct++] = sorted[i];
    const values = Float64Array.from(sorted.subarray(0, distinct));
    const rank = new Int32Array(n);
    for (let i = 0; i < n; i++) { const d = depth[i]; rank[i] = d === d ? lowerBound(values, d) : -1; }
    // The pixels of each rank, in rank order (a counting sort): a draw rewrites only the
    // pixels of the splits it recomputed.
    const first = new Int32Array(distinct + 1);
    for (let i = 0; i < n; i++) if (rank[i] >= 0) first[rank[i] + 1]++;
    for (let r = 0; r < distinct; r++) first[r + 1] += first[r];
    const pixels = new Int32Array(count), fill = first.slice(0, distinct);
    for (let i = 0; i < n; i++) if (rank[i] >= 0) pixels[fill[rank[i]]++] = i;
    const table = new Uint32Array(distinct), grey = new Uint8Array(distinct);
    const image = new ImageData(w, h), out = new Uint32Array(image.data.buffer);
    out.fill(GREY[0]); // background stays black
    let signatures = new Map(); // split signature -> [pixels, greys], for what the table holds
    let stats = [];

    // Colours of split k (ranks a..b-1) into the table; index.split_fine and grey8.
    function paintSplit(p, k, a, b) {
      const s = p.splits[k], levels = s.levels, colour = p.colours[k];
      const steps = Math.max(levels * STEPS, 1), base = levels > 0 ? p.offsets[k] * STEPS : MAX_LEVELS * STEPS;
      const curve = p.curves[k], start = s.start, end = s.end;
      const near = curve === 'inverse' ? 1.0 / start : start;
      const span = curve === 'inverse' ? 1.0 / start - 1.0 / end : end - start;
      const distinctHere = b - a;
      let greys = 0, last = -1;
      for (let r = a; r < b; r++) {
        let t;
        if (curve === 'rank') t = distinctHere <= 1 ? 0 : (r - a) / (distinctHere - 1);
        else if (curve === 'inverse') t = (near - 1.0 / values[r]) / span;
        else t = (values[r] - near) / span;
        let f = Math.floor(t * steps);
        f = f > steps - 1 ? steps - 1 : f < 0 ? 0 : f; // np.clip (NaN stays NaN, then 0)
        const level = Math.floor((f + base) / STEPS) || 0;
        const g = 255 - Math.min(level, 255);
        grey[r] = g;
        table[r] = colour === null ? GREY[g] : colour;
        if (level !== last) { greys += 1; last = level; } // levels rise with depth in a split
      }
      return [first[b] - first[a], levels > 0 ? greys : 0];
    }

    // plan: {splits, offsets, curves, colours (packed or null per split), layer}
    function draw(p) {
      const S = p.splits, count = S.length, next = new Map();
      for (let k = 0; k < count; k++) {
        const a = k === 0 ? 0 : lowerBound(values, S[k].start);
        const b = k === count - 1 ? distinct : lowerBound(values, S[k + 1].start);
        const sig = [p.layer, S[k].start, S[k].end, S[k].levels, p.offsets[k], p.curves[k], p.colours[k], k === 0, k === count - 1].join('|');
        if (signatures.has(sig) || b <= a) { next.set(sig, signatures.get(sig) || [0, 0]); continue; }
        next.set(sig, paintSplit(p, k, a, b));
        for (let r = a; r < b; r++) {
          const colour = table[r];
          for (let j = first[r], e = first[r + 1]; j < e; j++) out[pixels[j]] = colour;
        }
      }
      signatures = next;
      stats = [...next.values()];
      return image;
    }

    // The grey of preview pixel i as last drawn (null on background).
    function greyAt(i) { const r = rank[i]; return r >= 0 ? grey[r] : null; }

    // (sampled pixels, distinct grey levels) of each split as last drawn: index.split_stats.
    return { width: w, height: h, depth, draw, greyAt, distinct, count, stats: () => stats };
  }

  // What the server would map, or null where it shows something else (over 256 levels,
  // an inverse curve from 0 or below, a CSS colour name, region edits): the page then
  // shows the server's image. view: the view's curve, compress, region_edits.
  function plan(splits, view, layer, regionColour) {
    let total = 0;
    const offsets = [], curves = [], colours = [];
    for (const s of splits) {
      offsets.push(total);
      total += s.levels;
      const curve = s.curve || (view.compress ? 'rank' : view.curve || 'linear');
      if (curve === 'inverse' && !(s.start > 0)) return null;
      curves.push(curve);
      let colour = null;
      if (layer === 'test' && s.test) colour = hex(s.test);
      else if (layer === 'regions' && s.region >= 0) colour = hex(regionColour(s.region));
      if (colour === undefined) return null;
      colours.push(colour);
    }
    if (total > MAX_LEVELS) return null;
    if (layer === 'regions' && view.region_edits) return null;
    if (!['depth', 'test', 'regions'].includes(layer)) return null;
    return { splits, offsets, curves, colours, layer };
  }

  function hex(css) { // '#rgb' or '#rrggbb' -> packed colour; undefined for anything else
    let m = /^#([0-9a-f]{6})$/i.exec(String(css).trim());
    if (!m) {
      const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(String(css).trim());
      if (!short) return undefined;
      m = [null, short[1] + short[1] + short[2] + short[2] + short[3] + short[3]];
    }
    const v = parseInt(m[1], 16);
    return rgba((v >> 16) & 255, (v >> 8) & 255, v & 255);
  }

  window.dazdepthMap = { model, plan };
})();

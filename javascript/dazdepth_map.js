/* Daz Depth front-end, the page's own depth map: the preview drawn on the page from the
   preview's depth samples (the view's "grid", sent once per depth change), so a dragged
   boundary shows at once, without a round trip to the server.

   The arithmetic is lib_dazdepth/engine/index.py's, in the same float64 steps, so the
   greys are exactly the server's (a browser test compares them pixel by pixel). The depths
   are sorted once (the samples in depth order, grouped by distinct depth); a draw maps the
   distinct depths through a table (one colour each) recomputed only for the splits whose
   bounds, levels or curve changed, and rewrites only their pixels: a drag touches two.
   window.dazdepthMap.model(grid) -> model; model.draw(plan) -> ImageData or null. */
(function () {
  'use strict';
  if (window.dazdepthMap) return; // loaded twice

  const MAX_LEVELS = 256, STEPS = 256;
  const OPAQUE = 0xff000000;

  function rgba(r, g, b) { return (OPAQUE | (b << 16) | (g << 8) | r) >>> 0; } // little-endian ImageData
  const GREY = new Uint32Array(256).map((_, g) => rgba(g, g, g));

  const bits = new Float32Array(1), bitsU = new Uint32Array(bits.buffer);
  function orderOf(d) { // the float32's bits as an unsigned number in the floats' order
    bits[0] = d;
    const b = bitsU[0];
    return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
  }
  function floatOf(key) { // back
    bitsU[0] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
    return bits[0];
  }

  // Keys (Uint32Array) sorted, with their items (Int32Array): a radix sort of DIGIT bits a
  // pass, each pass reading both arrays in order (fast on big, scattered data).
  const DIGIT = 8, BUCKETS = 1 << DIGIT;
  function radixSort(keys, items) {
    const count = keys.length, bucket = new Int32Array(BUCKETS);
    let k = keys, it = items, k2 = new Uint32Array(count), it2 = new Int32Array(count);
    for (let shift = 0; shift < 32; shift += DIGIT) {
      bucket.fill(0);
      for (let i = 0; i < count; i++) bucket[(k[i] >>> shift) & (BUCKETS - 1)]++;
      for (let b = 0, sum = 0; b < BUCKETS; b++) { const c = bucket[b]; bucket[b] = sum; sum += c; }
      for (let i = 0; i < count; i++) {
        const to = bucket[(k[i] >>> shift) & (BUCKETS - 1)]++;
        k2[to] = k[i]; it2[to] = it[i];
      }
      [k, k2, it, it2] = [k2, k, it2, it];
    }
    return [k, it];
  }

  function lowerBound(a, x, lo = 0, hi = a.length) { // first index with a[i] >= x
    while (lo < hi) { const m = (lo + hi) >>> 1; if (a[m] < x) lo = m + 1; else hi = m; }
    return lo;
  }

  // grid: {width, height, data: Float32Array} (NaN on background).
  function model(grid) {
    const w = grid.width, h = grid.height, depth = grid.data, n = w * h;
    // Sort the valid samples by depth once (a radix sort of the floats' bits, made monotone);
    // then, in depth order: the pixels, the distinct depths (-0 and 0 are one, as in numpy)
    // and where each one's pixels start.
    let count = 0;
    for (let i = 0; i < n; i++) if (depth[i] === depth[i]) count++;
    const unsorted = new Uint32Array(count), where = new Int32Array(count);
    for (let i = 0, j = 0; i < n; i++) { const d = depth[i]; if (d === d) { unsorted[j] = orderOf(d); where[j++] = i; } }
    const [keys, pixels] = radixSort(unsorted, where);
    const found = new Float64Array(count), starts = new Int32Array(count + 1);
    let distinct = 0;
    for (let j = 0; j < count; j++) {
      const d = floatOf(keys[j]);
      if (!distinct || d !== found[distinct - 1]) { found[distinct] = d; starts[distinct] = j; distinct += 1; }
    }
    starts[distinct] = count;
    const values = found.subarray(0, distinct), first = starts.subarray(0, distinct + 1);
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
      const S = p.splits, last = S.length - 1, next = new Map();
      for (let k = 0; k <= last; k++) {
        const a = k === 0 ? 0 : lowerBound(values, S[k].start);
        const b = k === last ? distinct : lowerBound(values, S[k + 1].start);
        const sig = [p.layer, S[k].start, S[k].end, S[k].levels, p.offsets[k], p.curves[k], p.colours[k], k === 0, k === last].join('|');
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
    function greyAt(i) {
      const d = depth[i];
      return d === d ? grey[lowerBound(values, d)] : null;
    }

    // (sampled pixels, distinct grey levels) of each split as last drawn: index.split_stats.
    return { width: w, height: h, depth, draw, greyAt, distinct, count, stats: () => stats };
  }

  // What the server would map, or null where it shows something else (over 256 levels,
  // an inverse curve from 0 or below, a CSS colour name, a region without a colour, region
  // edits, regions from an ID canvas): the page then shows the server's image. view: the
  // view's curve, compress, region_edits, ids. regionColour(region): its CSS colour or undefined.
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
    if (layer === 'regions' && (view.region_edits || (view.ids && view.ids.used))) return null;
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

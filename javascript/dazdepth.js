/* Daz Depth front-end: histogram with draggable split boundaries, split table, preview.
   Contract with the server: docs/ui-protocol.md. Plain script, same file for gradio 3.41 and 4.40. */
(function () {
  'use strict';
  if (window.dazdepth) return; // loaded twice (webui reloads scripts on some setups)

  const TIMEOUT_MS = 3000;   // an in-flight command is forgotten after this, so the UI never locks
  const HIST_H = 170;        // plot height in CSS px
  const AXIS_H = 18;
  const PAD = 8;             // left/right margin so edge handles stay grabbable
  const TOP = 6;
  const GRAB = 6;            // handle hit tolerance in CSS px
  const LAYER_NAMES = { depth: 'Depth', test: 'Test', regions: 'Regions', normal: 'Normal', beauty: 'Beauty' };

  const st = {
    view: null, seq: 0,
    inflight: null,        // {seq, timer}
    queue: [],             // commands waiting for the in-flight one: {ops, final, key}
    ui: null, retry: 0, retryTimer: null,
    log: true,
    drag: null,            // {i, depth, orig, moved, dirty}
    over: new Map(),       // boundary -> depth moved locally, until the server has caught up
    zoom: null,            // {lo, hi} asked for, shown with the old bins until the server answers
    full: null,            // unzoomed histogram range
    focus: 1,              // focused inner boundary (keyboard)
    hoverX: null, frame: false,
    grid: null,            // {w, h, data: Float32Array, src}
    pix: null,             // {ctx, src} offscreen copy of the depth preview
  };

  // ---- DOM helpers -------------------------------------------------------
  function root() {
    try {
      if (typeof window.gradioApp === 'function') { const r = window.gradioApp(); if (r && r.querySelector) return r; }
    } catch (e) { /* fall through */ }
    const app = document.querySelector('gradio-app');
    return (app && app.shadowRoot) || document;
  }
  function find(sel) { return root().querySelector(sel) || document.querySelector(sel); }

  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  function focused(e) { try { return e.matches(':focus'); } catch (x) { return false; } }
  // Never overwrite what the user is typing.
  function setVal(e, v) { if (!focused(e) && e.value !== String(v)) e.value = v; }
  function fmt(n, d = 2) { return Number.isFinite(n) ? n.toFixed(d) : '–'; }
  function int(n) { return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–'; }

  // ---- colours -----------------------------------------------------------
  // Regional Prompter palette: hue 0, then halving steps (180, 90, 270, 45, 135, ...), S = V = 50%.
  function regionColour(k) {
    k = Math.floor(k);
    if (!(k >= 0)) return null;
    let hue = 0;
    if (k > 0) { const c = 32 - Math.clz32(k); hue = (1 + 2 * (k - 2 ** (c - 1))) / 2 ** c; }
    const v = 0.5, s = 0.5, i = Math.floor(hue * 6), f = hue * 6 - i;
    const p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    const rgb = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i % 6];
    return '#' + rgb.map((x) => Math.min(255, Math.floor(x * 256)).toString(16).padStart(2, '0')).join('');
  }
  let colourCtx = null;
  function toHex(css) { // CSS colour name -> #rrggbb for <input type=color>
    if (!css) return '#808080';
    colourCtx = colourCtx || document.createElement('canvas').getContext('2d');
    colourCtx.fillStyle = '#808080';
    colourCtx.fillStyle = css;
    const s = colourCtx.fillStyle;
    return /^#[0-9a-f]{6}$/i.test(s) ? s : '#808080';
  }

  // ---- commands ----------------------------------------------------------
  function dispatch(cmd) {
    st.seq += 1;
    const seq = st.seq;
    const ta = find('#dazdepth_command textarea') || find('#dazdepth_command input');
    if (!ta) return false;
    ta.value = JSON.stringify({ seq, final: cmd.final, ops: cmd.ops });
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    const timer = setTimeout(() => {
      if (st.inflight && st.inflight.seq === seq) { st.inflight = null; flush(); }
    }, TIMEOUT_MS);
    st.inflight = { seq, timer };
    return true;
  }
  function flush() { if (!st.inflight && st.queue.length) dispatch(st.queue.shift()); }

  // At most one command in flight; a waiting intermediate (or same-key) command is replaced by the newer one.
  function send(ops, final = true, key = null) {
    const cmd = { ops: Array.isArray(ops) ? ops : [ops], final: !!final, key };
    if (!st.inflight) return dispatch(cmd);
    const last = st.queue[st.queue.length - 1];
    if (last && (!last.final || (key && last.key === key))) st.queue[st.queue.length - 1] = cmd;
    else st.queue.push(cmd);
    return false;
  }

  // ---- view --------------------------------------------------------------
  function render(input) {
    let v = input;
    if (typeof v === 'string') {
      if (!v.trim()) return input;
      try { v = JSON.parse(v); } catch (e) { return input; }
    }
    if (!v || typeof v !== 'object') return input;
    st.view = v;
    if (v.grid && v.grid.data) decodeGrid(v.grid);
    if (v.histogram && !v.histogram.zoomed) st.full = { lo: v.histogram.lo, hi: v.histogram.hi };
    else if (!st.full && v.range) st.full = { lo: v.range.min, hi: v.range.max };
    const seq = Number(v.seq) || 0;
    if (seq > st.seq) st.seq = seq;
    if (st.inflight && seq >= st.inflight.seq) { clearTimeout(st.inflight.timer); st.inflight = null; flush(); }
    if (!st.inflight && !st.queue.length && !st.drag) { st.over.clear(); st.zoom = null; }
    st.retry = 0;
    draw();
    return input; // usable as a pass-through js function on both gradio versions
  }

  function decodeGrid(g) {
    if (st.grid && st.grid.src === g.data) return;
    try {
      const bin = atob(g.data), n = bin.length >> 2, buf = new ArrayBuffer(n * 4), u8 = new Uint8Array(buf);
      for (let i = 0; i < n * 4; i++) u8[i] = bin.charCodeAt(i);
      const dv = new DataView(buf), data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = dv.getFloat32(i * 4, true);
      st.grid = { w: g.width, h: g.height, data, src: g.data };
    } catch (e) { st.grid = null; }
  }

  function draw() {
    const mount = find('#dazdepth_mount');
    if (!mount) {
      if (st.retry++ < 40) { clearTimeout(st.retryTimer); st.retryTimer = setTimeout(draw, 125); }
      return;
    }
    if (!st.ui || !mount.contains(st.ui.rootEl)) build(mount); // gradio re-rendered the HTML
    if (st.view) update();
  }

  function splits() {
    const s = (st.view && st.view.splits) || [];
    if (!st.drag && !st.over.size) return s;
    const c = s.map((x) => Object.assign({}, x)), moves = [...st.over];
    if (st.drag) moves.push([st.drag.i, st.drag.depth]);
    for (const [i, d] of moves) if (i >= 1 && i < c.length) { c[i - 1].end = d; c[i].start = d; }
    return c;
  }
  function splitAt(d, S = splits()) {
    if (!Number.isFinite(d) || !S.length) return -1;
    for (let k = 0; k < S.length; k++) if (d >= S[k].start && d < S[k].end) return k;
    if (d < S[0].start) return 0;
    return d >= S[S.length - 1].end ? S.length - 1 : -1;
  }
  function splitName(k, S = splits()) {
    if (k < 0 || !S[k]) return '–';
    return S[k].label ? `${k} “${S[k].label}”` : String(k);
  }

  // ---- histogram geometry ------------------------------------------------
  function range() {
    const hg = (st.view && st.view.histogram) || { lo: 0, hi: 1 };
    const r = st.zoom || { lo: hg.lo, hi: hg.hi };
    return r.hi > r.lo ? r : { lo: r.lo, hi: r.lo + 1 };
  }
  function canvasW() { return st.ui ? st.ui.canvas.getBoundingClientRect().width || st.ui.canvas.clientWidth : 0; }
  function X(d, w = canvasW(), r = range()) { return PAD + (d - r.lo) / (r.hi - r.lo) * (w - 2 * PAD); }
  function D(x, w = canvasW(), r = range()) { return r.lo + (x - PAD) / Math.max(1, w - 2 * PAD) * (r.hi - r.lo); }
  function localX(e) { return e.clientX - st.ui.canvas.getBoundingClientRect().left; }
  function binWidth() { const hg = st.view.histogram; return (hg.hi - hg.lo) / Math.max(1, (hg.counts || []).length); }

  function handleAt(x) {
    const S = splits(), w = canvasW(), r = range();
    let best = 0, bestDist = GRAB + 1;
    for (let i = 1; i < S.length; i++) {
      const dist = Math.abs(X(S[i].start, w, r) - x);
      if (dist < bestDist) { best = i; bestDist = dist; }
    }
    return best;
  }

  // Round to a tenth of `unit` when that keeps the boundary strictly between its neighbours.
  function tidy(d, unit, lo, hi) {
    const dec = Math.max(0, Math.min(10, Math.ceil(-Math.log10(unit)) + 1));
    const r = Number(d.toFixed(dec));
    return r > lo && r < hi ? r : d;
  }
  function clampBoundary(i, d, unit) {
    const S = splits(), lo = S[i - 1].start, hi = S[i].end, eps = (hi - lo) * 1e-4;
    return tidy(Math.min(Math.max(d, lo + eps), hi - eps), unit, lo, hi);
  }

  function schedule() {
    if (st.frame) return;
    st.frame = true;
    requestAnimationFrame(() => {
      st.frame = false;
      drawHist();
      if (st.drag && st.drag.dirty) {
        st.drag.dirty = false;
        send([{ op: 'move', boundary: st.drag.i, depth: st.drag.depth }], false);
      }
    });
  }

  // ---- build -------------------------------------------------------------
  function build(mount) {
    mount.textContent = '';
    const ui = {};
    ui.msg = h('div', { class: 'dd-msg' });
    // histogram
    ui.logBox = h('input', { type: 'checkbox', onchange: () => { st.log = ui.logBox.checked; schedule(); } });
    ui.logBox.checked = st.log;
    ui.zoomSel = h('button', { type: 'button', text: 'Zoom to split', title: 'Zoom the histogram to the selected split', onclick: zoomSelected });
    ui.zoomReset = h('button', { type: 'button', text: 'Reset zoom', onclick: () => zoomTo(null) });
    ui.bg = h('span', { class: 'dd-bg' });
    ui.histRead = h('span', { class: 'dd-read' });
    ui.canvas = h('canvas', { class: 'dd-canvas', tabindex: '0', 'aria-label': 'Depth histogram; arrow keys move the focused boundary' });
    const bar = h('div', { class: 'dd-bar' },
      h('label', { class: 'dd-check' }, ui.logBox, ' log scale'), ui.zoomSel, ui.zoomReset, ui.bg, ui.histRead);
    // table
    ui.tbody = h('tbody');
    ui.rows = [];
    const head = ['#', 'Range', 'Label', 'Levels', 'Test', 'Region', 'Curve', 'Pixels', 'Greys', ''];
    const table = h('table', { class: 'dd-table' },
      h('thead', null, h('tr', null, ...head.map((t) => h('th', { text: t })))), ui.tbody);
    ui.total = h('span', { class: 'dd-total' });
    ui.status = h('span', { class: 'dd-status' });
    ui.auto = h('button', { type: 'button', class: 'dd-auto', text: 'Auto splits', title: 'Find the depth clusters, split between them and share the levels out (nearest get the most)', onclick: () => send([{ op: 'auto' }]) });
    ui.regionsFromSplits = h('button', { type: 'button', class: 'dd-regions-from-splits', text: 'Regions from splits', title: 'Give every split holding pixels its own region, near to far', onclick: () => send([{ op: 'regions_from_splits' }]) });
    ui.growRegions = h('button', { type: 'button', class: 'dd-grow-regions', text: 'Grow regions 1 px', title: 'every pixel without a region next to one takes it: closes one-pixel seams', onclick: () => send([{ op: 'grow_regions' }]) });
    ui.orderRegions = h('button', { type: 'button', class: 'dd-order-regions', text: 'Order regions near → far', title: 'renumber the regions by depth, nearest first (colour and BREAK order)', onclick: () => send([{ op: 'order_regions' }]) });
    ui.clearEdits = h('button', { type: 'button', class: 'dd-clear-edits', text: 'Clear region edits', title: 'forget the divided parts: regions come from the splits again', onclick: () => send([{ op: 'clear_region_edits' }]) });
    ui.spreadEq = h('button', { type: 'button', text: 'Spread remaining equally', onclick: () => send([{ op: 'spread', how: 'equal' }]) });
    ui.spreadShare = h('button', { type: 'button', text: 'Spread by pixel share', onclick: () => send([{ op: 'spread', how: 'share' }]) });
    ui.curve = h('select', { onchange: () => send([{ op: 'curve', value: ui.curve.value }]) },
      h('option', { value: 'linear', text: 'linear' }), h('option', { value: 'inverse', text: 'inverse' }));
    ui.compress = h('input', { type: 'checkbox', onchange: () => send([{ op: 'compress', value: ui.compress.checked }]) });
    ui.undo = h('button', { type: 'button', text: 'Undo', onclick: () => send([{ op: 'undo' }]) });
    ui.redo = h('button', { type: 'button', text: 'Redo', onclick: () => send([{ op: 'redo' }]) });
    const foot = h('div', { class: 'dd-foot' },
      h('div', null, ui.total, ui.status, h('span', { class: 'dd-grow' }), ui.auto, ui.regionsFromSplits, ui.growRegions, ui.orderRegions, ui.clearEdits, ui.spreadEq, ui.spreadShare),
      h('div', null, h('label', null, 'curve ', ui.curve), h('label', { class: 'dd-check' }, ui.compress, ' compression'),
        h('span', { class: 'dd-grow' }), ui.undo, ui.redo));
    // preview
    ui.layers = h('div', { class: 'dd-layers', role: 'radiogroup' });
    ui.layerKey = '';
    ui.img = h('img', { class: 'dd-img', alt: 'preview', draggable: 'false' });
    ui.imgRead = h('div', { class: 'dd-read' }, '\u00a0');
    ui.img.addEventListener('load', grabPixels);
    ui.img.addEventListener('pointermove', (e) => { ui.imgRead.textContent = previewReadout(e) || '\u00a0'; });
    ui.img.addEventListener('pointerleave', () => { ui.imgRead.textContent = '\u00a0'; });
    ui.tools = (window.dazdepthTools || []).map((tool) => ({ tool, el: tool.build({ h, send, view: () => st.view }) }));
    ui.img.addEventListener('click', (e) => {
      const p = previewAt(e);
      if (ui.tools.some(({ tool }) => tool.click(e, p))) return;
      if (p && Number.isFinite(p.depth)) {
        const k = splitAt(p.depth);
        if (k >= 0 && k !== st.view.selected) send([{ op: 'select', split: k }]);
      }
    });

    ui.body = h('div', { class: 'dd-body' },
      h('div', { class: 'dd-hist' }, bar, ui.canvas),
      h('div', { class: 'dd-cols' },
        h('div', { class: 'dd-tablewrap' }, table, foot),
        h('div', { class: 'dd-preview' }, ui.layers, ui.img, ui.imgRead, ...ui.tools.map((t) => t.el))));
    ui.rootEl = h('div', { class: 'dd-root' }, ui.msg, ui.body);
    mount.append(ui.rootEl);
    st.ui = ui;
    st.pix = null;

    const c = ui.canvas;
    c.addEventListener('pointerdown', onDown);
    c.addEventListener('pointermove', onMove);
    c.addEventListener('pointerup', onUp);
    c.addEventListener('pointercancel', onUp);
    c.addEventListener('pointerleave', () => { if (!st.drag) { st.hoverX = null; ui.histRead.textContent = ''; schedule(); } });
    c.addEventListener('dblclick', onDouble);
    c.addEventListener('wheel', onWheel, { passive: false });
    c.addEventListener('keydown', onKey);
    c.addEventListener('focus', schedule);
    c.addEventListener('blur', schedule);
    if (window.ResizeObserver) new ResizeObserver(schedule).observe(c);
  }

  // ---- update ------------------------------------------------------------
  function update() {
    const v = st.view, ui = st.ui, m = v.message || {};
    ui.msg.textContent = m.text || '';
    ui.msg.classList.toggle('dd-error', m.kind === 'error');
    ui.msg.classList.toggle('dazdepth-hidden', !m.text);
    ui.body.classList.toggle('dazdepth-hidden', !v.loaded);
    if (!v.loaded) return;
    const bg = v.background || {};
    ui.bg.textContent = bg.count ? `no hit: ${int(bg.count)} px (${fmt(bg.share)}%)` : 'no hit: none';
    ui.zoomReset.disabled = !(v.histogram && v.histogram.zoomed) && !st.zoom;
    ui.zoomSel.disabled = !(v.splits || [])[v.selected];
    const S = splits();
    if (!(st.focus >= 1 && st.focus < S.length)) st.focus = 1;
    drawHist();
    updateTable(S);
    updatePreview();
  }

  function drawHist() {
    const ui = st.ui, v = st.view;
    if (!ui || !v || !v.loaded || !v.histogram) return;
    const c = ui.canvas, w = c.clientWidth, H = HIST_H + AXIS_H;
    if (!w) return; // hidden tab; the ResizeObserver redraws when shown
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(H * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(H * dpr);
    }
    const ctx = c.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, H);
    const cs = getComputedStyle(ui.rootEl);
    const fg = cs.color || '#444', accent = cs.getPropertyValue('--dd-accent').trim() || '#f97316';
    const r = range(), S = splits(), hg = v.histogram, counts = hg.counts || [], n = counts.length;
    const xl = PAD, xr = w - PAD, base = HIST_H, ph = base - TOP;
    const xs = (d) => X(d, w, r);
    // split bands
    S.forEach((s, k) => {
      const a = Math.max(xl, xs(s.start)), b = Math.min(xr, xs(s.end));
      if (b <= a) return;
      ctx.fillStyle = fg;
      if (s.test) ctx.fillStyle = s.test; // an invalid colour keeps fg
      ctx.globalAlpha = s.test ? 0.25 : (k % 2 ? 0.13 : 0.05);
      ctx.fillRect(a, TOP, b - a, ph);
    });
    // bars
    let max = 0;
    for (let b = 0; b < n; b++) if (counts[b] > max) max = counts[b];
    const bw = (hg.hi - hg.lo) / Math.max(1, n), lmax = Math.log1p(max);
    ctx.globalAlpha = 0.75;
    ctx.fillStyle = fg;
    for (let b = 0; b < n && max > 0; b++) {
      if (!counts[b]) continue;
      let a = xs(hg.lo + b * bw), e = xs(hg.lo + (b + 1) * bw);
      if (e < xl || a > xr) continue;
      a = Math.max(a, xl); e = Math.min(e, xr);
      const f = st.log ? Math.log1p(counts[b]) / lmax : counts[b] / max;
      const bh = Math.max(1, f * ph), gap = e - a > 3 ? 1 : 0;
      ctx.fillRect(a, base - bh, Math.max(1, e - a - gap), bh);
    }
    ctx.globalAlpha = 1;
    // selected split outline
    const sel = S[v.selected];
    if (sel) {
      const a = Math.max(xl, xs(sel.start)), b = Math.min(xr, xs(sel.end));
      if (b > a) { ctx.strokeStyle = accent; ctx.lineWidth = 2; ctx.strokeRect(a + 1, TOP + 1, b - a - 2, ph - 2); }
    }
    // hover cursor
    if (st.hoverX !== null && !st.drag) {
      ctx.strokeStyle = fg; ctx.globalAlpha = 0.35; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(Math.round(st.hoverX) + 0.5, TOP); ctx.lineTo(Math.round(st.hoverX) + 0.5, base); ctx.stroke();
      ctx.globalAlpha = 1;
    }
    // handles on inner boundaries
    const hasFocus = focused(c);
    ctx.font = '11px system-ui, sans-serif';
    for (let i = 1; i < S.length; i++) {
      const x = xs(S[i].start);
      if (x < xl - 1 || x > xr + 1) continue;
      const active = (st.drag && st.drag.i === i) || (hasFocus && st.focus === i);
      ctx.strokeStyle = ctx.fillStyle = active ? accent : fg;
      ctx.lineWidth = active ? 2 : 1.25;
      ctx.beginPath(); ctx.moveTo(x, TOP); ctx.lineTo(x, base); ctx.stroke();
      ctx.fillRect(x - 4, TOP, 8, 14);
      if (active) {
        const t = fmt(S[i].start), tw = ctx.measureText(t).width;
        const tx = Math.min(Math.max(x + 6, 2), w - tw - 4);
        ctx.fillText(t, tx, TOP + 26);
      }
    }
    // axis
    ctx.fillStyle = fg; ctx.strokeStyle = fg; ctx.globalAlpha = 0.7; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(xl, base + 0.5); ctx.lineTo(xr, base + 0.5); ctx.stroke();
    const span = r.hi - r.lo, p = 10 ** Math.floor(Math.log10(span / 6)), u = span / 6 / p;
    const step = (u >= 5 ? 5 : u >= 2 ? 2 : 1) * p, dec = Math.max(0, -Math.floor(Math.log10(step)));
    ctx.textBaseline = 'top';
    for (let t = Math.ceil(r.lo / step) * step; t <= r.hi; t += step) {
      const x = xs(t), s = t.toFixed(dec), tw = ctx.measureText(s).width;
      ctx.beginPath(); ctx.moveTo(Math.round(x) + 0.5, base); ctx.lineTo(Math.round(x) + 0.5, base + 4); ctx.stroke();
      ctx.fillText(s, Math.min(Math.max(x - tw / 2, 0), w - tw), base + 5);
    }
    ctx.textBaseline = 'alphabetic';
    ctx.globalAlpha = 1;
  }

  function histReadout(x) {
    const v = st.view, hg = v.histogram, d = D(x), n = (hg.counts || []).length;
    const b = Math.floor((d - hg.lo) / binWidth());
    const share = b >= 0 && b < n && hg.total ? `${fmt(100 * hg.counts[b] / hg.total)}% of pixels in bin` : 'outside';
    return `depth ${fmt(d)} · ${share} · split ${splitName(splitAt(d))}`;
  }

  // ---- histogram interaction ---------------------------------------------
  function onDown(e) {
    if (!st.view || !st.view.loaded || e.button !== 0) return;
    const x = localX(e), i = handleAt(x);
    st.ui.canvas.focus({ preventScroll: true });
    if (i) {
      e.preventDefault();
      const d = splits()[i].start;
      st.focus = i;
      st.drag = { i, depth: d, orig: d, moved: false, dirty: false };
      try { st.ui.canvas.setPointerCapture(e.pointerId); } catch (x2) { /* synthetic events */ }
      schedule();
      return;
    }
    const k = splitAt(D(x));
    if (k >= 0 && k !== st.view.selected) send([{ op: 'select', split: k }]);
  }

  function onMove(e) {
    if (!st.view || !st.view.loaded) return;
    const x = localX(e), c = st.ui.canvas;
    if (st.drag) {
      const g = st.drag, unit = (range().hi - range().lo) / Math.max(1, canvasW());
      const d = clampBoundary(g.i, D(x), unit);
      if (d !== g.depth) { g.depth = d; g.moved = true; g.dirty = true; }
      st.ui.histRead.textContent = `boundary ${g.i}: ${fmt(d)}`;
      schedule();
      return;
    }
    c.style.cursor = handleAt(x) ? 'col-resize' : 'crosshair';
    st.hoverX = x;
    st.ui.histRead.textContent = histReadout(x);
    schedule();
  }

  function onUp(e) {
    const g = st.drag;
    if (!g) return;
    st.drag = null;
    try { st.ui.canvas.releasePointerCapture(e.pointerId); } catch (x) { /* not captured */ }
    if (g.moved) {
      st.over.set(g.i, g.depth);
      send([{ op: 'move', boundary: g.i, depth: g.depth }], true);
    }
    schedule();
  }

  function onDouble(e) {
    if (!st.view || !st.view.loaded) return;
    const x = localX(e), S = splits();
    if (handleAt(x) || !S.length) return;
    const d = D(x);
    if (d <= S[0].start || d >= S[S.length - 1].end) return;
    const unit = (range().hi - range().lo) / Math.max(1, canvasW());
    send([{ op: 'add', depth: tidy(d, unit, S[0].start, S[S.length - 1].end) }]);
  }

  function onWheel(e) {
    if (!st.view || !st.view.loaded || !st.full) return;
    e.preventDefault();
    const r = range(), d = D(localX(e)), full = st.full, span = full.hi - full.lo;
    const f = Math.exp((e.deltaMode === 1 ? 33 : 1) * e.deltaY * 0.002);
    let lo = d - (d - r.lo) * f, hi = d + (r.hi - d) * f;
    if (hi - lo >= span * 0.999) return zoomTo(null);
    if (hi - lo < span / 5000) return;
    if (lo < full.lo) { hi += full.lo - lo; lo = full.lo; }
    if (hi > full.hi) { lo -= hi - full.hi; hi = full.hi; }
    const dec = Math.max(0, Math.ceil(-Math.log10((hi - lo) / 1e4)));
    zoomTo({ lo: Number(lo.toFixed(dec)), hi: Number(hi.toFixed(dec)) });
  }

  function zoomTo(z) {
    if (!st.view || !st.view.loaded) return;
    st.zoom = z || st.full;
    send([z ? { op: 'zoom', lo: z.lo, hi: z.hi } : { op: 'zoom' }], true, 'zoom');
    st.ui.zoomReset.disabled = !z;
    schedule();
  }
  function zoomSelected() {
    const s = (st.view.splits || [])[st.view.selected];
    if (s) zoomTo({ lo: s.start, hi: s.end });
  }

  function onKey(e) {
    if (!st.view || !st.view.loaded) return;
    const S = splits(), n = S.length;
    if (n < 2) return;
    if (e.key === 'Escape' && st.drag) {
      st.drag.depth = st.drag.orig;
      st.drag.moved = true;
      st.drag.dirty = false;
      onUp(e);
      return;
    }
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      st.focus = Math.min(n - 1, Math.max(1, st.focus + (e.key === 'ArrowUp' ? 1 : -1)));
      schedule();
      return;
    }
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const i = st.focus, bw = binWidth();
    if (!(i >= 1 && i < n) || st.drag) return;
    const d = clampBoundary(i, S[i].start + (e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 10 : 1) * bw, bw);
    if (d === S[i].start) return;
    st.over.set(i, d);
    send([{ op: 'move', boundary: i, depth: d }], true);
    st.ui.histRead.textContent = `boundary ${i}: ${fmt(d)}`;
    schedule();
  }

  // ---- split table -------------------------------------------------------
  function makeRow(k) {
    const flag = (key, value) => send([{ op: 'flag', split: k, key, value }]);
    const r = {};
    r.idx = h('td', { class: 'dd-num' });
    r.range = h('td', { class: 'dd-range' });
    r.label = h('input', { type: 'text', placeholder: '(no label)', onchange: () => flag('label', r.label.value.trim() || null) });
    r.levels = h('input', { type: 'number', min: '0', max: '256', step: '1', onchange: () => {
      const n = Math.round(Number(r.levels.value));
      if (r.levels.value === '' || !Number.isFinite(n)) { r.levels.value = st.view.splits[k].levels; return; }
      send([{ op: 'allocate', split: k, levels: Math.min(256, Math.max(0, n)) }]);
    } });
    r.test = h('input', { type: 'color', onchange: () => flag('test', r.test.value) });
    r.clear = h('button', { type: 'button', class: 'dd-x', text: '×', title: 'clear the test colour', onclick: () => flag('test', null) });
    r.swatch = h('span', { class: 'dd-swatch' });
    r.region = h('input', { type: 'number', min: '-1', step: '1', title: '-1: no region', onchange: () => {
      const n = Math.round(Number(r.region.value));
      flag('region', r.region.value === '' || !(n >= 0) ? null : String(n));
    } });
    r.divide = h('button', { type: 'button', class: 'dd-x dd-divide', text: '÷ parts', title: 'give each separate object of this split its own region (small islands join their neighbour)', onclick: () => send([{ op: 'divide', split: k }]) });
    r.curve = h('select', { onchange: () => flag('curve', r.curve.value || null) },
      ...[['', 'default'], ['linear', 'linear'], ['inverse', 'inverse'], ['rank', 'rank']].map(([val, t]) => h('option', { value: val, text: t })));
    r.share = h('td', { class: 'dd-num' });
    r.greys = h('td', { class: 'dd-num' });
    r.remove = h('button', { type: 'button', class: 'dd-x', text: '⨯ merge', title: 'merge this split into its neighbour', onclick: () => send([{ op: 'remove', split: k }]) });
    r.tr = h('tr', {
      onclick: (e) => {
        if (e.target.closest('input,select,button')) return;
        if (st.view.selected !== k) send([{ op: 'select', split: k }]);
      },
    }, r.idx, r.range, h('td', null, r.label), h('td', null, r.levels),
    h('td', { class: 'dd-nowrap' }, r.test, r.clear), h('td', { class: 'dd-nowrap' }, r.swatch, r.region, r.divide),
    h('td', null, r.curve), r.share, r.greys, h('td', null, r.remove));
    return r;
  }

  function updateTable(S) {
    const v = st.view, ui = st.ui;
    while (ui.rows.length < S.length) { const r = makeRow(ui.rows.length); ui.rows.push(r); ui.tbody.append(r.tr); }
    while (ui.rows.length > S.length) ui.rows.pop().tr.remove();
    S.forEach((s, k) => {
      const r = ui.rows[k], region = Number.isFinite(s.region) && s.region >= 0 ? s.region : -1;
      r.tr.classList.toggle('dd-selected', k === v.selected);
      r.idx.textContent = k;
      r.range.textContent = `${fmt(s.start)} – ${fmt(s.end)}`;
      setVal(r.label, s.label || '');
      setVal(r.levels, s.levels);
      setVal(r.test, toHex(s.test));
      r.test.classList.toggle('dd-unset', !s.test);
      r.test.title = s.test ? `test colour: ${s.test}` : 'no test colour';
      r.clear.disabled = !s.test;
      setVal(r.region, region);
      r.swatch.style.background = regionColour(region) || 'transparent';
      r.swatch.classList.toggle('dd-none', region < 0);
      setVal(r.curve, s.curve || '');
      r.share.textContent = `${fmt(s.share)}%`;
      r.share.title = `${int(s.pixels)} px`;
      r.greys.textContent = Number.isFinite(s.greys) ? s.greys : '–';
      r.remove.disabled = S.length <= 1;
      r.divide.disabled = !(s.pixels > 0);
    });
    ui.clearEdits.hidden = !v.region_edits;
    for (const { tool } of ui.tools) tool.update(v);
    const over = v.total_levels > v.max_levels, bad = v.status && v.status !== 'Success';
    ui.total.textContent = `${v.total_levels} / ${v.max_levels} levels`;
    ui.total.classList.toggle('dd-error', over);
    ui.status.textContent = bad ? v.status : '';
    ui.status.classList.toggle('dd-error', !!bad);
    ui.spreadEq.disabled = ui.spreadShare.disabled = !(v.total_levels < v.max_levels);
    setVal(ui.curve, v.curve || 'linear');
    ui.compress.checked = !!v.compress;
    ui.undo.disabled = !v.can_undo;
    ui.redo.disabled = !v.can_redo;
  }

  // ---- preview -----------------------------------------------------------
  function updatePreview() {
    const v = st.view, ui = st.ui, layers = v.layers || [];
    if (ui.layerKey !== layers.join(',')) {
      ui.layerKey = layers.join(',');
      ui.layers.textContent = '';
      ui.radios = layers.map((name) => {
        const input = h('input', { type: 'radio', name: 'dazdepth_layer', value: name, onchange: () => {
          if (input.checked) send([{ op: 'show', layer: name }]);
        } });
        ui.layers.append(h('label', { class: 'dd-check' }, input, ' ' + (LAYER_NAMES[name] || name)));
        return input;
      });
    }
    for (const r of ui.radios || []) r.checked = r.value === v.show;
    const src = v.preview && v.preview.src;
    if (src && ui.img.getAttribute('src') !== src) ui.img.setAttribute('src', src);
  }

  // Offscreen copy of the depth preview, read for the grey under the pointer.
  function grabPixels() {
    const img = st.ui.img;
    st.pix = null;
    if (st.view.show !== 'depth' || !img.naturalWidth) return;
    try {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(img, 0, 0);
      st.pix = { ctx, src: img.getAttribute('src') };
    } catch (e) { st.pix = null; }
  }

  function previewAt(e) {
    const v = st.view, img = st.ui.img, rc = img.getBoundingClientRect();
    if (!v || !v.loaded || !rc.width || !rc.height) return null;
    const u = (e.clientX - rc.left) / rc.width, w = (e.clientY - rc.top) / rc.height;
    if (u < 0 || u >= 1 || w < 0 || w >= 1) return null;
    const pw = (v.preview && v.preview.width) || img.naturalWidth, ph = (v.preview && v.preview.height) || img.naturalHeight;
    const px = Math.floor(u * pw), py = Math.floor(w * ph);
    const im = v.image || {};
    const x = Math.min((im.width || pw) - 1, Math.floor(px * (im.width || pw) / pw));
    const y = Math.min((im.height || ph) - 1, Math.floor(py * (im.height || ph) / ph));
    let depth = null;
    const g = st.grid;
    if (g && g.w && g.h) depth = g.data[Math.min(g.h - 1, Math.floor(w * g.h)) * g.w + Math.min(g.w - 1, Math.floor(u * g.w))];
    let grey = null;
    if (st.pix && st.pix.src === img.getAttribute('src') && v.show === 'depth') {
      try { grey = st.pix.ctx.getImageData(Math.min(px, img.naturalWidth - 1), Math.min(py, img.naturalHeight - 1), 1, 1).data[0]; } catch (x2) { grey = null; }
    }
    return { x, y, depth, grey };
  }

  function previewReadout(e) {
    const p = previewAt(e);
    if (!p) return '';
    let t = `x ${p.x}, y ${p.y}`;
    if (p.depth === null || p.depth === undefined) return t;
    if (!Number.isFinite(p.depth)) return `${t} · no hit`;
    t += ` · depth ${fmt(p.depth)}`;
    if (p.grey !== null) t += ` · grey ${p.grey}`;
    return `${t} · split ${splitName(splitAt(p.depth))}`;
  }

  // ---- start-up and public API -------------------------------------------
  // Draw what the view textbox already holds (page reload), for a little while after load.
  let bootTries = 0;
  function boot() {
    if (st.view || bootTries++ > 40) return;
    const ta = find('#dazdepth_view textarea');
    if (ta && ta.value) render(ta.value);
    else setTimeout(boot, 500);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else setTimeout(boot, 0);

  function rectObj(r) { return { left: r.left, top: r.top, width: r.width, height: r.height, right: r.right, bottom: r.bottom }; }

  window.dazdepthRender = render;
  window.dazdepth = {
    render,
    view: () => st.view,
    send: (ops, final = true) => send(ops, final),
    busy: () => !!st.inflight,
    queued: () => st.queue.length,
    seq: () => st.seq,
    histogramRect: () => (st.ui ? rectObj(st.ui.canvas.getBoundingClientRect()) : null),
    boundaryX: (i) => {
      const S = splits();
      if (!st.ui || !(i >= 1 && i < S.length)) return null;
      const rc = st.ui.canvas.getBoundingClientRect();
      return rc.left + X(S[i].start, rc.width);
    },
    depthAtX: (clientX) => (st.ui && st.view ? D(clientX - st.ui.canvas.getBoundingClientRect().left) : null),
    splitAt: (d) => splitAt(d),
    regionColour,
    setLogScale: (on) => { st.log = !!on; if (st.ui) st.ui.logBox.checked = st.log; schedule(); },
  };
})();

/* Daz Depth front-end: the view from the server, commands to it, the tab's layout and the
   preview with its readout; the histogram and the split table are parts of their own
   (dazdepth_histogram.js, dazdepth_table.js), the preview tools too (dazdepth_edit.js).
   Contract with the server: docs/ui-protocol.md. Plain scripts, the same for gradio 3.41
   and 4.40. */
(function () {
  'use strict';
  if (window.dazdepth) return; // loaded twice (webui reloads scripts on some setups)

  const TIMEOUT_MS = 3000;   // an in-flight command is forgotten after this, so the UI never locks
  const LAYER_NAMES = { depth: 'Depth', test: 'Test', regions: 'Regions', reading: 'As the Regional Prompter reads it', normal: 'Normal', beauty: 'Beauty' };

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

  // ---- build -------------------------------------------------------------
  // The tab's parts: the histogram (dazdepth_histogram.js), the split table
  // (dazdepth_table.js), the preview here and its tools (window.dazdepthTools).
  const kit = { st, h, send, splits, splitAt, splitName, fmt, int, setVal, focused, regionColour, toHex };
  function build(mount) {
    mount.textContent = '';
    const ui = {};
    st.ui = ui;
    st.pix = null;
    ui.msg = h('div', { class: 'dd-msg' });
    const parts = window.dazdepthParts || {};
    ui.hist = parts.histogram(kit, ui);
    ui.table = parts.table(kit, ui);
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
      ui.hist.el,
      h('div', { class: 'dd-cols' },
        ui.table.el,
        h('div', { class: 'dd-preview' }, ui.layers, ui.img, ui.imgRead, ...ui.tools.map((t) => t.el))));
    ui.rootEl = h('div', { class: 'dd-root' }, ui.msg, ui.body);
    mount.append(ui.rootEl);
  }

  // ---- update ------------------------------------------------------------
  function update() {
    const v = st.view, ui = st.ui, m = v.message || {};
    ui.msg.textContent = m.text || '';
    ui.msg.classList.toggle('dd-error', m.kind === 'error');
    ui.msg.classList.toggle('dazdepth-hidden', !m.text);
    ui.body.classList.toggle('dazdepth-hidden', !v.loaded);
    if (!v.loaded) return;
    ui.hist.update();
    ui.table.update(splits());
    for (const { tool } of ui.tools) tool.update(v);
    updatePreview();
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
      return rc.left + st.ui.hist.X(S[i].start, rc.width);
    },
    depthAtX: (clientX) => (st.ui && st.view ? st.ui.hist.D(clientX - st.ui.canvas.getBoundingClientRect().left) : null),
    splitAt: (d) => splitAt(d),
    regionColour,
    setLogScale: (on) => { st.log = !!on; if (st.ui) { st.ui.logBox.checked = st.log; st.ui.hist.schedule(); } },
  };
})();

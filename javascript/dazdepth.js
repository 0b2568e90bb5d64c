/* Daz Depth front-end: the view from the server, commands to it and the tab's layout; the
   histogram, the split table and the preview are parts of their own (dazdepth_histogram.js,
   dazdepth_table.js, dazdepth_preview.js with dazdepth_map.js), the preview tools too
   (dazdepth_edit.js).
   Contract with the server: docs/ui-protocol.md. Plain scripts, the same for gradio 3.41
   and 4.40. */
(function () {
  'use strict';
  if (window.dazdepth) return; // loaded twice (webui reloads scripts on some setups)

  const TIMEOUT_MS = 3000;   // an in-flight command is forgotten after this, so the UI never locks

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
    drawsPreview: false,
    followed: 0, followTimer: null, // when the table last followed a drag; the next time   // the preview part draws the shown layer itself (dazdepth_preview.js)
    grid: null,            // the last view's "grid" and "beauty", kept: sent only when they change
    beauty: null,
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
    if (v.grid && v.grid.data) { st.grid = v.grid; st.beauty = v.beauty || null; } // they come together
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

  // A boundary moved on the page (a drag, a nudge): the preview and the table follow at
  // once, before the server's view comes (the histogram calls this each frame).
  function moved() {
    if (!st.ui || !st.view || !st.view.loaded) return;
    st.ui.preview.live();
    if (!st.drag && !st.over.size) return;
    // The table ten times a second (its text lays out the page), and where the drag rests.
    const now = performance.now(), wait = 100 - (now - st.followed);
    if (st.drag && wait > 0) {
      if (!st.followTimer) st.followTimer = setTimeout(() => { st.followTimer = null; moved(); }, wait);
      return;
    }
    st.followed = now;
    const S = splits();
    st.ui.preview.counts(S);
    st.ui.table.follow(S);
  }

  // ---- build -------------------------------------------------------------
  // The tab's parts: the histogram (dazdepth_histogram.js), the split table
  // (dazdepth_table.js), the preview (dazdepth_preview.js) with its tools.
  const kit = { st, h, send, splits, splitAt, splitName, fmt, int, setVal, focused, regionColour, toHex, moved };
  function build(mount) {
    mount.textContent = '';
    const ui = {};
    st.ui = ui;
    ui.msg = h('div', { class: 'dd-msg' });
    const parts = window.dazdepthParts || {};
    ui.hist = parts.histogram(kit, ui);
    ui.table = parts.table(kit, ui);
    ui.preview = parts.preview(kit, ui);
    ui.body = h('div', { class: 'dd-body' },
      ui.hist.el,
      h('div', { class: 'dd-cols' }, ui.table.el, ui.preview.el));
    ui.files = parts.files ? parts.files(kit, ui) : null;
    ui.rootEl = h('div', { class: 'dd-root' }, ui.files && ui.files.el, ui.msg, ui.body);
    // The webui shows the tab later (display: none until then): fit once it has a size.
    if (window.ResizeObserver) new ResizeObserver(() => fitToScreen()).observe(ui.body);
    mount.append(ui.rootEl);
  }

  // ---- update ------------------------------------------------------------
  function update() {
    const v = st.view, ui = st.ui, m = v.message || {};
    ui.msg.textContent = m.text || '';
    ui.msg.classList.toggle('dd-error', m.kind === 'error');
    ui.msg.classList.toggle('dd-warning', m.kind === 'warning');
    ui.msg.classList.toggle('dazdepth-hidden', !m.text);
    ui.body.classList.toggle('dazdepth-hidden', !v.loaded);
    if (ui.files) ui.files.update(v);
    if (!v.loaded) return;
    fitToScreen();
    // Over 256 levels the server sends the last map that fit: say so on the preview itself.
    ui.body.classList.toggle('dd-stale', !!(v.preview && v.preview.stale));
    ui.hist.update();
    ui.table.update(splits());
    ui.preview.update();
  }

  // The preview fits the first screen under whatever the host puts above the tab (the
  // webui's header and tabs, or nothing): the page offset of the work area, in a CSS variable.
  function fitToScreen() {
    const body = st.ui && st.ui.body;
    if (!body || body.offsetParent === null) return;
    const top = body.getBoundingClientRect().top + window.scrollY;
    st.ui.rootEl.style.setProperty('--dd-top', `${Math.round(top + 70)}px`);
  }
  window.addEventListener('resize', () => fitToScreen());

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

  // Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y (Cmd on macOS): the tab's undo and redo, while the tab is
  // shown and the artist is not typing in a field (there the browser's own undo stays).
  function typing(t) {
    if (!t || !t.tagName) return false;
    if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
    return t.tagName === 'INPUT' && !/^(checkbox|radio|button|submit|range|color|file)$/i.test(t.type);
  }
  document.addEventListener('keydown', (e) => {
    const key = (e.key || '').toLowerCase();
    if (!(e.ctrlKey || e.metaKey) || e.altKey || (key !== 'z' && key !== 'y')) return;
    const mount = find('#dazdepth_mount'), target = e.composedPath ? e.composedPath()[0] : e.target;
    if (!st.view || !st.view.loaded || !mount || mount.offsetParent === null || typing(target)) return;
    const redo = key === 'y' || e.shiftKey;
    if (!(redo ? st.view.can_redo : st.view.can_undo)) return;
    e.preventDefault();
    send([{ op: redo ? 'redo' : 'undo' }]);
  });

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
    xAtDepth: (d) => { // the client x where the histogram shows depth d
      if (!st.ui) return null;
      const rc = st.ui.canvas.getBoundingClientRect();
      return rc.left + st.ui.hist.X(d, rc.width);
    },
    boundary: (i) => { const S = splits(); return i >= 1 && i < S.length ? S[i].start : null; }, // as dragged
    depthAtX: (clientX) => (st.ui && st.view ? st.ui.hist.D(clientX - st.ui.canvas.getBoundingClientRect().left) : null),
    splitAt: (d) => splitAt(d),
    regionColour,
    setLogScale: (on) => { st.log = !!on; if (st.ui) { st.ui.logBox.checked = st.log; st.ui.hist.schedule(); } },
  };
})();

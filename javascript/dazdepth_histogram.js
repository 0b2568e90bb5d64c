/* Daz Depth front-end, the histogram: split bands and bars on a canvas, boundaries dragged
   with the mouse or nudged with the arrow keys, wheel zoom. A part of dazdepth.js (which
   calls window.dazdepthParts.histogram(kit, ui) when it builds the tab); commands are those
   of docs/ui-protocol.md (move, add, zoom, select). */
(function () {
  'use strict';
  const parts = (window.dazdepthParts = window.dazdepthParts || {});
  if (parts.histogram) return; // loaded twice

  const HIST_H = 170;        // plot height in CSS px
  const AXIS_H = 18;
  const PAD = 8;             // left/right margin so edge handles stay grabbable
  const TOP = 6;
  const GRAB = 6;            // handle hit tolerance in CSS px

  const HINT = 'double-click: add a boundary · drag one: move it';

  parts.histogram = function histogram(kit, ui) {
    const { st, h, send, splits, splitAt, splitName, fmt, int, focused, moved } = kit;

    function build() {
      ui.logBox = h('input', { type: 'checkbox', title: 'Taller bars for rare depths (log scale)', onchange: () => { st.log = ui.logBox.checked; schedule(); } });
      ui.logBox.checked = st.log;
      ui.zoomSel = h('button', { type: 'button', text: 'Zoom to split', title: 'Zoom the histogram to the selected split', onclick: zoomSelected });
      ui.zoomReset = h('button', { type: 'button', text: 'Reset zoom', title: 'Show the whole depth range', onclick: () => zoomTo(null) });
      ui.bg = h('span', { class: 'dd-bg' });
      ui.histRead = h('span', { class: 'dd-read', text: HINT });
      ui.canvas = h('canvas', { class: 'dd-canvas', tabindex: '0', title: 'Double-click to add a split boundary; drag a boundary to move it; the wheel zooms', 'aria-label': 'Depth histogram; arrow keys move the focused boundary' });
      const bar = h('div', { class: 'dd-bar' },
        h('label', { class: 'dd-check' }, ui.logBox, ' log scale'), ui.zoomSel, ui.zoomReset, ui.bg, ui.histRead);
      const c = ui.canvas;
      c.addEventListener('pointerdown', onDown);
      c.addEventListener('pointermove', onMove);
      c.addEventListener('pointerup', onUp);
      c.addEventListener('pointercancel', onUp);
      c.addEventListener('pointerleave', () => { if (!st.drag) { st.hoverX = null; ui.histRead.textContent = HINT; schedule(); } });
      c.addEventListener('dblclick', onDouble);
      c.addEventListener('wheel', onWheel, { passive: false });
      c.addEventListener('keydown', onKey);
      c.addEventListener('focus', schedule);
      c.addEventListener('blur', schedule);
      if (window.ResizeObserver) new ResizeObserver(schedule).observe(c);
      return h('div', { class: 'dd-hist' }, bar, ui.canvas);
    }

    function update() {
      const v = st.view, bg = v.background || {};
      ui.bg.textContent = bg.count ? `background: ${int(bg.count)} px (${fmt(bg.share)}%)` : 'background: none';
      ui.bg.title = `${ui.bg.textContent}: pixels where the camera sees no surface; they stay black in the depth map`;
      ui.zoomReset.disabled = !(v.histogram && v.histogram.zoomed) && !st.zoom;
      ui.zoomSel.disabled = !(v.splits || [])[v.selected];
      const n = splits().length;
      if (!(st.focus >= 1 && st.focus < n)) st.focus = 1;
      // A new view (auto splits, undo, ...) moves the boundaries: no readout of an old one.
      if (!st.drag) ui.histRead.textContent = st.hoverX !== null ? histReadout(st.hoverX)
        : st.readBoundary >= 1 && st.readBoundary < n ? `boundary ${st.readBoundary}: ${fmt(splits()[st.readBoundary].start)}` : HINT;
      drawHist();
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
    // A boundary stops one histogram bin short of its neighbours (a quarter of the two
    // splits' span when narrower): it never reaches one, so no split is left with no depth
    // but its grey levels. The server holds a move to the same limits (editing/commands.py).
    function clampBoundary(i, d, unit) {
      const S = splits(), lo = S[i - 1].start, hi = S[i].end;
      const gap = Math.min(binWidth(), (hi - lo) / 4), a = lo + gap, b = hi - gap;
      return tidy(Math.min(Math.max(d, a), b), unit, a, b);
    }

    function schedule() {
      if (st.frame) return;
      st.frame = true;
      requestAnimationFrame(() => {
        st.frame = false;
        drawHist();
        moved(); // the preview and the table follow on the page
        // Where the page draws the preview itself, the server hears of the drag on release.
        if (st.drag && st.drag.dirty && !st.drawsPreview) {
          st.drag.dirty = false;
          send([{ op: 'move', boundary: st.drag.i, depth: st.drag.depth }], false);
        }
      });
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
      // selected split outline; at the plot's ends it goes in the margin, outside the bars,
      // so the first and last bins (the backstop, often the biggest) stay in sight
      const sel = S[v.selected];
      if (sel) {
        const a = xs(sel.start) <= xl ? xl - 3 : xs(sel.start) + 1;
        const b = xs(sel.end) >= xr ? xr + 3 : xs(sel.end) - 1;
        if (b > a) { ctx.strokeStyle = accent; ctx.lineWidth = 2; ctx.strokeRect(a, TOP + 1, b - a, ph - 2); }
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
        st.readBoundary = g.i;
        schedule();
        return;
      }
      c.style.cursor = handleAt(x) ? 'col-resize' : 'crosshair';
      st.hoverX = x;
      st.readBoundary = null;
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
      st.readBoundary = i;
      schedule();
    }


    return { el: build(), update, schedule, X, D };
  };
})();

/* Daz Depth front-end, the preview: the shown layer with the wand's selection over it, the
   map over the render (a blend slider) or beside it, wheel zoom and drag pan, the readout
   under the pointer and clicks for the tools (dazdepth_edit.js). A part of dazdepth.js,
   which calls window.dazdepthParts.preview(kit, ui) when it builds the tab.

   The depth, test and regions layers are drawn on the page (dazdepth_map.js) from the
   view's depth samples, so a dragged boundary shows in the next frame; the server's
   preview PNG is the reference and is shown whenever the page cannot draw the layer
   itself (normal, beauty, region edits, over 256 levels). docs/ui-protocol.md. */
(function () {
  'use strict';
  const parts = (window.dazdepthParts = window.dazdepthParts || {});
  if (parts.preview) return; // loaded twice

  const LAYER_NAMES = { depth: 'Depth', test: 'Test', regions: 'Regions', reading: 'As the Regional Prompter reads it', normal: 'Normal', beauty: 'Beauty' };
  const MAX_ZOOM = 32;
  const TINT = [255, 0, 200];  // the selection: magenta, seen on any grey and region colour
  const TINT_ALPHA = 110;      // of 255, inside; the outline is opaque
  const CLICK_SLOP = 4;        // px a press may move and still be a click, not a pan

  parts.preview = function preview(kit, ui) {
    const { st, h, send, splits, splitAt, splitName, fmt } = kit;
    const pv = {
      zoom: 1, x: 0, y: 0, mode: 'map', local: true,
      gridRaw: null, model: null, drawnKey: '', source: '', shown: 0,
      beautyRaw: null, selRaw: null, press: null, pixels: null, size: { w: 0, h: 0 },
    };

    // ---- build -------------------------------------------------------------
    function stage(...kids) { return h('div', { class: 'dd-stage' }, ...kids); }
    function build() {
      ui.layers = h('div', { class: 'dd-layers', role: 'radiogroup' });
      ui.layerKey = '';
      ui.viewMode = h('select', { class: 'dd-viewmode', title: 'the map alone, over the render (blend with the slider) or beside it: which object does a split catch?', onchange: () => { pv.mode = ui.viewMode.value; arrange(); } },
        h('option', { value: 'map', text: 'map' }), h('option', { value: 'over', text: 'map over render' }), h('option', { value: 'side', text: 'map | render' }));
      ui.blend = h('input', { type: 'range', class: 'dd-blend', min: '0', max: '100', step: '1', value: '60', title: 'how much of the map over the render', oninput: arrange });
      ui.fit = h('button', { type: 'button', class: 'dd-fit', text: 'Fit', title: 'the whole picture again (wheel: zoom, drag: pan)', onclick: () => zoomTo(1, 0, 0) });
      ui.zoomInfo = h('span', { class: 'dd-zoominfo' });
      ui.mapCanvas = h('canvas', { class: 'dd-map' });
      ui.img = h('img', { class: 'dd-img', alt: 'preview', draggable: 'false' });
      ui.under = h('img', { class: 'dd-under', alt: '', draggable: 'false' });
      ui.beautyImg = h('img', { class: 'dd-beauty', alt: 'render', draggable: 'false' });
      ui.sel = [h('canvas', { class: 'dd-sel' }), h('canvas', { class: 'dd-sel' })];
      ui.panes = [
        h('div', { class: 'dd-pane dd-pane-map' }, stage(ui.under, ui.mapCanvas, ui.img, ui.sel[0])),
        h('div', { class: 'dd-pane dd-pane-render' }, stage(ui.beautyImg, ui.sel[1])),
      ];
      ui.panes.forEach((pane, i) => {
        pane.addEventListener('wheel', onWheel, { passive: false });
        pane.addEventListener('pointerdown', (e) => onDown(e, i));
        pane.addEventListener('pointermove', (e) => onMove(e, i));
        pane.addEventListener('pointerup', (e) => onUp(e, i));
        pane.addEventListener('pointercancel', () => { pv.press = null; });
        pane.addEventListener('pointerleave', () => { if (!pv.press) ui.imgRead.textContent = '\u00a0'; });
      });
      ui.img.addEventListener('load', () => { pv.pixels = null; shownNow('server', ui.img.dataset.bounds); });
      ui.imgRead = h('div', { class: 'dd-read' }, '\u00a0');
      ui.tools = (window.dazdepthTools || []).map((tool) => ({ tool, el: tool.build({ h, send, view: () => st.view }) }));
      ui.paneRow = h('div', { class: 'dd-panes' }, ...ui.panes);
      const viewBar = h('div', { class: 'dd-viewbar' }, h('label', null, 'view ', ui.viewMode), ui.blend, ui.fit, ui.zoomInfo);
      if (window.ResizeObserver) new ResizeObserver(layout).observe(ui.paneRow);
      return h('div', { class: 'dd-preview' }, ui.layers, viewBar, ui.paneRow, ui.imgRead, ...ui.tools.map((t) => t.el));
    }

    // ---- update from a view ------------------------------------------------
    function update() {
      const v = st.view, layers = v.layers || [];
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
      for (const { tool } of ui.tools) tool.update(v);
      if (st.grid && st.grid !== pv.gridRaw) decodeGrid(st.grid);
      if (st.beauty !== pv.beautyRaw) {
        pv.beautyRaw = st.beauty;
        for (const img of [ui.under, ui.beautyImg]) {
          if (st.beauty && st.beauty.src) img.src = st.beauty.src;
          else img.removeAttribute('src');
        }
      }
      if ((v.selection || null) !== pv.selRaw) showSelection(v.selection || null);
      const p = v.preview || {};
      if (p.width && (p.width !== pv.size.w || p.height !== pv.size.h)) { // another picture: whole again
        pv.size = { w: p.width, h: p.height };
        Object.assign(pv, { zoom: 1, x: 0, y: 0 });
        layout();
      }
      arrange();
      show();
    }

    function decodeGrid(g) {
      const t0 = performance.now();
      pv.gridRaw = g;
      pv.model = null;
      pv.drawnKey = '';
      try {
        let u8;
        if (Uint8Array.fromBase64) u8 = Uint8Array.fromBase64(g.data);
        else {
          const bin = atob(g.data);
          u8 = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
        }
        const data = new Float32Array(u8.buffer, 0, g.width * g.height); // little-endian, as sent
        pv.model = window.dazdepthMap.model({ width: g.width, height: g.height, data });
      } catch (e) { pv.model = null; }
      pv.indexMs = performance.now() - t0;
    }

    // ---- drawing -----------------------------------------------------------
    // A region's colour in the saved mask: its place in the view's one ordered region list
    // (engine/region_plan.py), not its number; none for a region that holds no pixel.
    function rowColour(v, region) {
      const row = ((v.regions && v.regions.rows) || []).find((x) => x.region === region);
      return row ? row.colour : undefined;
    }

    // The shown layer: drawn here when the page can, else the server's image.
    function show() {
      const v = st.view;
      if (!v || !v.loaded) return;
      const S = splits(), m = pv.model, p = v.preview || {};
      const plan = pv.local && m && m.width === p.width && m.height === p.height
        ? window.dazdepthMap.plan(S, v, v.show, (r) => rowColour(v, r)) : null;
      st.drawsPreview = !!plan;
      if (plan) {
        const rows = ((v.regions && v.regions.rows) || []).map((r) => [r.region, r.colour]);
        const key = JSON.stringify([v.show, S.map((s) => [s.start, s.end, s.levels, s.curve, s.test, s.region]), v.curve, v.compress, rows]);
        if (pv.source !== 'page') { ui.mapCanvas.hidden = false; ui.img.hidden = true; pv.source = 'page'; }
        if (key === pv.drawnKey) return;
        const c = ui.mapCanvas;
        if (c.width !== m.width || c.height !== m.height) { c.width = m.width; c.height = m.height; }
        const t0 = performance.now();
        c.getContext('2d').putImageData(m.draw(plan), 0, 0);
        pv.drawnKey = key;
        shownNow('page', S.slice(1).map((s) => s.start).join(','), performance.now() - t0);
        return;
      }
      if (pv.source !== 'server') { ui.mapCanvas.hidden = true; ui.img.hidden = false; pv.source = 'server'; pv.drawnKey = ''; }
      if (p.src && ui.img.getAttribute('src') !== p.src) {
        ui.img.dataset.bounds = (v.splits || []).slice(1).map((s) => s.start).join(',');
        ui.img.setAttribute('src', p.src);
      }
    }

    // New pixels are on the page (the drag benchmark listens for this).
    function shownNow(source, bounds, ms = null) {
      pv.shown += 1;
      const detail = { source, bounds: bounds || '', count: pv.shown, ms };
      window.dispatchEvent(new CustomEvent('dazdepth-preview', { detail }));
    }

    // The wand's selection: tinted, outlined, over whatever is shown (both panes).
    function showSelection(sel) {
      pv.selRaw = sel;
      for (const c of ui.sel) c.hidden = !sel;
      if (!sel) return;
      const img = new Image();
      img.onload = () => {
        if (pv.selRaw !== sel) return;
        const w = img.naturalWidth, hh = img.naturalHeight, c = document.createElement('canvas');
        c.width = w; c.height = hh;
        const cx = c.getContext('2d', { willReadFrequently: true });
        cx.drawImage(img, 0, 0);
        const mask = cx.getImageData(0, 0, w, hh).data, out = new ImageData(w, hh), o = out.data;
        const on = (x, y) => x >= 0 && y >= 0 && x < w && y < hh && mask[(y * w + x) * 4] > 127;
        for (let y = 0; y < hh; y++) {
          for (let x = 0; x < w; x++) {
            if (!on(x, y)) continue;
            const edge = !on(x - 1, y) || !on(x + 1, y) || !on(x, y - 1) || !on(x, y + 1), i = (y * w + x) * 4;
            o[i] = TINT[0]; o[i + 1] = TINT[1]; o[i + 2] = TINT[2]; o[i + 3] = edge ? 255 : TINT_ALPHA;
          }
        }
        for (const canvas of ui.sel) { canvas.width = w; canvas.height = hh; canvas.getContext('2d').putImageData(out, 0, 0); }
      };
      img.src = sel.src;
    }

    // ---- layout, view modes, zoom and pan ----------------------------------
    function arrange() {
      const hasRender = !!(pv.beautyRaw && pv.beautyRaw.src);
      ui.viewMode.disabled = !hasRender;
      const mode = hasRender ? pv.mode : 'map';
      ui.viewMode.value = mode;
      ui.blend.hidden = mode !== 'over';
      ui.under.hidden = mode !== 'over';
      const opacity = mode === 'over' ? String(Number(ui.blend.value) / 100) : '';
      ui.mapCanvas.style.opacity = ui.img.style.opacity = opacity;
      const side = mode === 'side';
      if (ui.panes[1].hidden === side) { ui.panes[1].hidden = !side; ui.paneRow.classList.toggle('dd-side', side); layout(); }
    }

    // Fit the picture to the pane row's width, and to its CSS max-height (style.css).
    function layout() {
      const { w, h: ph } = pv.size;
      if (!w || !ph) return;
      const room = ui.paneRow.clientWidth;
      if (!room) return;
      const width = ui.panes[1].hidden ? room : (room - 8) / 2;
      const maxH = parseFloat(getComputedStyle(ui.paneRow).maxHeight) || window.innerHeight * 0.8;
      let sw = width, sh = width * ph / w;
      if (sh > maxH) { sh = maxH; sw = sh * w / ph; }
      for (const pane of ui.panes) {
        pane.style.width = `${sw}px`; pane.style.height = `${sh}px`;
        pane.firstChild.style.width = `${sw}px`; pane.firstChild.style.height = `${sh}px`;
      }
      zoomTo(pv.zoom, pv.x, pv.y);
    }

    function zoomTo(z, x, y) {
      const pane = ui.panes[0], w = pane.clientWidth, hh = pane.clientHeight;
      pv.zoom = Math.min(MAX_ZOOM, Math.max(1, z));
      pv.x = Math.min(0, Math.max(w - w * pv.zoom, x)); // the picture always covers the pane
      pv.y = Math.min(0, Math.max(hh - hh * pv.zoom, y));
      const t = `translate(${pv.x}px, ${pv.y}px) scale(${pv.zoom})`;
      for (const p of ui.panes) { p.firstChild.style.transform = t; p.classList.toggle('dd-zoomed', pv.zoom > 1); }
      ui.zoomInfo.textContent = pv.zoom > 1 ? `${Math.round(pv.zoom * 100)}%` : '';
      ui.fit.disabled = pv.zoom === 1;
    }

    function onWheel(e) {
      if (!st.view || !st.view.loaded) return;
      e.preventDefault();
      const rc = e.currentTarget.getBoundingClientRect(), f = Math.exp(-(e.deltaMode === 1 ? 33 : 1) * e.deltaY * 0.002);
      // a wheel event's position is whole pixels; the last pointer move's is exact
      const q = pv.pointer && Math.abs(pv.pointer.x - e.clientX) < 1 && Math.abs(pv.pointer.y - e.clientY) < 1 ? pv.pointer : { x: e.clientX, y: e.clientY };
      const z = Math.min(MAX_ZOOM, Math.max(1, pv.zoom * f)), px = q.x - rc.left, py = q.y - rc.top;
      // keep the point under the pointer where it is
      zoomTo(z, px - (px - pv.x) * z / pv.zoom, py - (py - pv.y) * z / pv.zoom);
    }

    function onDown(e, i) {
      if (e.button !== 0) return;
      pv.press = { x: e.clientX, y: e.clientY, ox: pv.x, oy: pv.y, moved: false };
      try { ui.panes[i].setPointerCapture(e.pointerId); } catch (x) { /* synthetic events */ }
    }
    function onMove(e, i) {
      const p = pv.press;
      pv.pointer = { x: e.clientX, y: e.clientY };
      if (p) {
        const dx = e.clientX - p.x, dy = e.clientY - p.y;
        if (!p.moved && Math.hypot(dx, dy) > CLICK_SLOP) p.moved = true;
        if (p.moved) { zoomTo(pv.zoom, p.ox + dx, p.oy + dy); return; }
      }
      ui.imgRead.textContent = readout(at(e, i)) || '\u00a0';
    }
    function onUp(e, i) {
      const p = pv.press;
      pv.press = null;
      try { ui.panes[i].releasePointerCapture(e.pointerId); } catch (x) { /* not captured */ }
      if (p && !p.moved) click(e, i);
    }

    function click(e, i) {
      const q = at(e, i);
      if (ui.tools.some(({ tool }) => tool.click(e, q))) return;
      if (q && Number.isFinite(q.depth)) {
        const k = splitAt(q.depth);
        if (k >= 0 && k !== st.view.selected) send([{ op: 'select', split: k }]);
      }
    }

    // ---- the pixel under the pointer ---------------------------------------
    // Full-size pixel (x, y), its preview sample's depth and grey; null outside.
    function at(e, i) {
      const v = st.view, rc = ui.panes[i].firstChild.getBoundingClientRect();
      if (!v || !v.loaded || !rc.width || !rc.height) return null;
      const u = (e.clientX - rc.left) / rc.width, w = (e.clientY - rc.top) / rc.height;
      if (u < 0 || u >= 1 || w < 0 || w >= 1) return null;
      const im = v.image || {}, pw = pv.size.w, ph = pv.size.h;
      const x = Math.min(im.width - 1, Math.floor(u * im.width)), y = Math.min(im.height - 1, Math.floor(w * im.height));
      const index = Math.min(ph - 1, Math.floor(w * ph)) * pw + Math.min(pw - 1, Math.floor(u * pw));
      const m = pv.model;
      const depth = m && m.width === pw ? m.depth[index] : null;
      let grey = null;
      if (v.show === 'depth' && pv.source === 'page' && m) grey = m.greyAt(index);
      else if (v.show === 'depth' && pv.source === 'server') grey = serverGrey(index % pw, Math.floor(index / pw));
      return { x, y, depth, grey };
    }

    function serverGrey(px, py) {
      const img = ui.img;
      if (!img.naturalWidth) return null;
      try {
        if (!pv.pixels) {
          const c = document.createElement('canvas');
          c.width = img.naturalWidth; c.height = img.naturalHeight;
          pv.pixels = c.getContext('2d', { willReadFrequently: true });
          pv.pixels.drawImage(img, 0, 0);
        }
        return pv.pixels.getImageData(px, py, 1, 1).data[0];
      } catch (e) { return null; }
    }

    function readout(p) {
      if (!p) return '';
      let t = `x ${p.x}, y ${p.y}`;
      if (p.depth === null || p.depth === undefined) return t;
      if (!Number.isFinite(p.depth)) return `${t} · background`;
      t += ` · depth ${fmt(p.depth)}`;
      if (p.grey !== null && p.grey !== undefined) t += ` · grey ${p.grey}`;
      return `${t} · split ${splitName(splitAt(p.depth))}`;
    }

    // ---- for tests and the drag benchmark ----------------------------------
    window.dazdepthPreview = {
      setLocal(on) { pv.local = !!on; pv.drawnKey = ''; show(); },
      source: () => pv.source,
      indexMs: () => pv.indexMs, // decoding and indexing the last depth samples
      shown: () => pv.shown,
      zoom: () => ({ zoom: pv.zoom, x: pv.x, y: pv.y }),
      paneRect: (i = 0) => { const r = ui.panes[i].getBoundingClientRect(); return { left: r.left, top: r.top, width: r.width, height: r.height }; },
      // The page's own drawing (PNG data URL), or the selection overlay.
      drawn: () => (pv.source === 'page' ? ui.mapCanvas.toDataURL('image/png') : null),
      overlay: () => (ui.sel[0].hidden ? null : ui.sel[0].toDataURL('image/png')),
    };

    // The table's counts for splits S as the page last drew them (a drag, before the
    // server's view comes): split_rows' arithmetic; false when the page did not draw S.
    function counts(S) {
      const v = st.view, m = pv.model, stats = m && pv.source === 'page' ? m.stats() : null;
      if (!stats || stats.length !== S.length || !m.count) return false;
      const valid = v.image.width * v.image.height - ((v.background && v.background.count) || 0);
      S.forEach((s, k) => {
        const [pixels, greys] = stats[k];
        s.pixels = Math.round(pixels * valid / m.count);
        s.share = Math.round(pixels / m.count * 10000) / 100;
        s.greys = greys;
      });
      return true;
    }

    return { el: build(), update, live: show, counts };
  };
})();

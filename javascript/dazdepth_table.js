/* Daz Depth front-end, the split table and the buttons under it: each split's label,
   levels, test colour, region, curve, share and greys; auto splits, region commands,
   spreading, curve, undo. A part of dazdepth.js (which calls
   window.dazdepthParts.table(kit, ui) when it builds the tab); commands are those of
   docs/ui-protocol.md. */
(function () {
  'use strict';
  const parts = (window.dazdepthParts = window.dazdepthParts || {});
  if (parts.table) return; // loaded twice

  parts.table = function table(kit, ui) {
    const { st, h, send, fmt, int, setVal, toHex } = kit;

    function build() {
      ui.tbody = h('tbody');
      ui.rows = [];
      const head = [
        ['#', 'The split\'s number, near to far'],
        ['Depth (cm)', 'The depths this split covers, near to far, in cm'],
        ['Label', 'Your name for what the split holds; it labels the region\'s prompt'],
        ['Levels', 'How many of the 256 grey levels this split gets: more levels, finer depth detail'],
        ['Test', 'A colour to spot this split in the Test view'],
        ['Region', 'The Regional Prompter region (its colour) for this split\'s pixels; -1: none'],
        ['Curve', 'How depth turns into grey inside the split: linear, more levels up close, or even (every depth gets its share)'],
        ['Pixels', 'The share of the image\'s pixels in this split'],
        ['Greys', 'How many different grey levels the split\'s pixels really use'],
        ['', 'Merge a split into its neighbour'],
      ];
      const heads = head.map(([t, tip]) => h('th', { text: t, title: tip }));
      ui.depthHead = heads[1]; // says the view's unit: cm, or none for a map read without one
      const table = h('table', { class: 'dd-table' }, h('thead', null, h('tr', null, ...heads)), ui.tbody);
      ui.total = h('span', { class: 'dd-total' });
      ui.status = h('span', { class: 'dd-status' });
      ui.auto = h('button', { type: 'button', class: 'dd-auto', text: 'Auto splits', title: 'Find the depth clusters, split between them and share the levels out (nearest get the most)', onclick: () => send([{ op: 'auto' }]) });
      ui.regionsFromSplits = h('button', { type: 'button', class: 'dd-regions-from-splits', text: 'Regions from splits', title: 'Give every split holding at least 0.1% of the pixels its own region, near to far', onclick: () => send([{ op: 'regions_from_splits' }]) });
      ui.growRegions = h('button', { type: 'button', class: 'dd-grow-regions', text: 'Grow regions 1 px', title: 'Every pixel without a region next to one takes that region: closes one-pixel seams', onclick: () => send([{ op: 'grow_regions' }]) });
      ui.orderRegions = h('button', { type: 'button', class: 'dd-order-regions', text: 'Order regions near → far', title: 'Renumber the regions by depth, nearest first (their colours and BREAK order change; the message says what moved). Numbers you type are never renumbered otherwise', onclick: () => send([{ op: 'order_regions' }]) });
      ui.clearEdits = h('button', { type: 'button', class: 'dd-clear-edits', text: 'Clear region edits', title: 'Forget the regions painted or divided up: regions come from the splits again', onclick: () => send([{ op: 'clear_region_edits' }]) });
      ui.spreadEq = h('button', { type: 'button', text: 'Spread remaining equally', title: 'Give the levels not yet given out to the splits, the same number each', onclick: () => send([{ op: 'spread', how: 'equal' }]) });
      ui.spreadShare = h('button', { type: 'button', text: 'Spread by pixel share', title: 'Give the levels not yet given out to the splits, more to those with more pixels', onclick: () => send([{ op: 'spread', how: 'share' }]) });
      ui.curve = h('select', { title: 'How depth turns into grey in every split without its own curve: linear, or more levels up close (inverse)', onchange: () => send([{ op: 'curve', value: ui.curve.value }]) },
        h('option', { value: 'linear', text: 'linear' }), h('option', { value: 'inverse', text: 'near+' }));
      ui.compress = h('input', { type: 'checkbox', title: 'Use only the depths present: empty stretches of depth get no grey levels', onchange: () => send([{ op: 'compress', value: ui.compress.checked }]) });
      ui.undo = h('button', { type: 'button', text: 'Undo', title: 'Undo the last change (Ctrl+Z)', onclick: () => send([{ op: 'undo' }]) });
      ui.redo = h('button', { type: 'button', text: 'Redo', title: 'Redo (Ctrl+Shift+Z)', onclick: () => send([{ op: 'redo' }]) });
      const foot = h('div', { class: 'dd-foot' },
        h('div', null, ui.total, ui.status, h('span', { class: 'dd-grow' }), ui.auto, ui.regionsFromSplits, ui.growRegions, ui.orderRegions, ui.clearEdits, ui.spreadEq, ui.spreadShare),
        h('div', null, h('label', null, 'curve ', ui.curve), h('label', { class: 'dd-check' }, ui.compress, ' skip empty depths'),
          h('span', { class: 'dd-grow' }), ui.undo, ui.redo));
      return h('div', { class: 'dd-tablewrap' }, table, foot);
    }

    function makeRow(k) {
      const flag = (key, value) => send([{ op: 'flag', split: k, key, value }]);
      const r = {};
      r.idx = h('td', { class: 'dd-num' });
      r.range = h('td', { class: 'dd-range' });
      r.label = h('input', { type: 'text', placeholder: '(no label)', title: 'Your name for what this split holds', onchange: () => flag('label', r.label.value.trim() || null) });
      r.levels = h('input', { type: 'number', min: '0', max: '256', step: '1', title: 'Grey levels for this split (0 to 256)', onchange: () => {
        const n = Math.round(Number(r.levels.value));
        if (r.levels.value === '' || !Number.isFinite(n)) { r.levels.value = st.view.splits[k].levels; return; }
        const levels = Math.min(256, Math.max(0, n));
        r.levels.value = levels; // shown as taken: 300 becomes 256, -5 becomes 0
        send([{ op: 'allocate', split: k, levels }]);
      } });
      r.test = h('input', { type: 'color', onchange: () => flag('test', r.test.value) });
      r.clear = h('button', { type: 'button', class: 'dd-x', text: '×', title: 'clear the test colour', onclick: () => flag('test', null) });
      r.swatch = h('span', { class: 'dd-swatch' });
      r.region = h('input', { type: 'number', min: '-1', step: '1', title: 'Region number (-1: none); the same number joins splits in one region', onchange: () => {
        const n = Math.round(Number(r.region.value));
        flag('region', r.region.value === '' || !(n >= 0) ? null : String(n));
      } });
      r.divide = h('button', { type: 'button', class: 'dd-x dd-divide', text: 'By object', title: 'Give each separate object in this split its own region (tiny islands join their neighbour)', onclick: () => send([{ op: 'divide', split: k }]) });
      r.curve = h('select', { onchange: () => flag('curve', r.curve.value || null) },
        ...[['', 'default'], ['linear', 'linear'], ['inverse', 'near+'], ['rank', 'even']].map(([val, t]) => h('option', { value: val, text: t })));
      r.share = h('td', { class: 'dd-num' });
      r.greys = h('td', { class: 'dd-num' });
      r.remove = h('button', { type: 'button', class: 'dd-x', text: 'Merge', title: 'Merge this split into its neighbour', onclick: () => send([{ op: 'remove', split: k }]) });
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

    function update(S) {
      const v = st.view, unit = v.range && v.range.unit !== undefined ? v.range.unit : 'cm';
      ui.depthHead.textContent = unit ? `Depth (${unit})` : 'Depth';
      ui.depthHead.title = unit ? `The depths this split covers, near to far, in ${unit}`
        : 'The depths this split covers, near to far, as the file stores them (no unit)';
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
        // The colour the saved mask gives this region (the view's one ordered list), not
        // the palette entry of its number: a region with no pixel has none.
        const planned = ((v.regions && v.regions.rows) || []).find((x) => x.region === region);
        r.swatch.style.background = planned ? planned.colour : 'transparent';
        r.swatch.title = planned ? `region ${region}: ${planned.colour}, BREAK section ${planned.section}` : region >= 0 ? `region ${region} holds no pixel: no colour, no BREAK section` : 'no region';
        r.swatch.classList.toggle('dd-none', !planned);
        setVal(r.curve, s.curve || '');
        r.share.textContent = `${fmt(s.share)}%`;
        r.share.title = `${int(s.pixels)} px`;
        r.greys.textContent = Number.isFinite(s.greys) ? s.greys : '–';
        r.remove.disabled = S.length <= 1;
        r.divide.disabled = !(s.pixels > 0);
      });
      ui.clearEdits.hidden = !v.region_edits;
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


    // While a boundary is dragged: only the ranges and counts, cheap enough for every frame.
    function follow(S) {
      if (ui.rows.length !== S.length) return;
      S.forEach((s, k) => {
        const r = ui.rows[k];
        r.range.textContent = `${fmt(s.start)} – ${fmt(s.end)}`;
        r.share.textContent = `${fmt(s.share)}%`;
        r.greys.textContent = Number.isFinite(s.greys) ? s.greys : '–';
      });
    }

    return { el: build(), update, follow };
  };
})();

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
      const head = ['#', 'Range', 'Label', 'Levels', 'Test', 'Region', 'Curve', 'Pixels', 'Greys', ''];
      const table = h('table', { class: 'dd-table' },
        h('thead', null, h('tr', null, ...head.map((t) => h('th', { text: t })))), ui.tbody);
      ui.total = h('span', { class: 'dd-total' });
      ui.status = h('span', { class: 'dd-status' });
      ui.auto = h('button', { type: 'button', class: 'dd-auto', text: 'Auto splits', title: 'Find the depth clusters, split between them and share the levels out (nearest get the most)', onclick: () => send([{ op: 'auto' }]) });
      ui.regionsFromSplits = h('button', { type: 'button', class: 'dd-regions-from-splits', text: 'Regions from splits', title: 'Give every split holding at least 0.1% of the pixels its own region, near to far', onclick: () => send([{ op: 'regions_from_splits' }]) });
      ui.growRegions = h('button', { type: 'button', class: 'dd-grow-regions', text: 'Grow regions 1 px', title: 'every pixel without a region next to one takes it: closes one-pixel seams', onclick: () => send([{ op: 'grow_regions' }]) });
      ui.orderRegions = h('button', { type: 'button', class: 'dd-order-regions', text: 'Order regions near → far', title: 'Renumber the regions by depth, nearest first (colour and BREAK order); says what moved. Numbers you type are never renumbered otherwise', onclick: () => send([{ op: 'order_regions' }]) });
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
      return h('div', { class: 'dd-tablewrap' }, table, foot);
    }

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

    function update(S) {
      const v = st.view;
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


    return { el: build(), update };
  };
})();

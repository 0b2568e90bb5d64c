/* Daz Depth front-end, preview tools: the region wand and depth overpaint (under the
   preview). Registers with dazdepth.js through window.dazdepthTools; commands are those of
   docs/ui-protocol.md (select_at, assign_selection, paint_depth, ...). */
(function () {
  'use strict';
  const tools = (window.dazdepthTools = window.dazdepthTools || []);
  if (tools.some((t) => t.name === 'edit')) return; // loaded twice

  let ui = null;
  let api = null;       // {h, send, view} from dazdepth.js
  let picking = false;  // the next click on the preview picks the depth to paint with

  function whole(input, lowest) { return Math.max(lowest, Math.round(Number(input.value) || 0)); }

  function setPicking(on) {
    picking = on;
    ui.pick.classList.toggle('dd-active', on);
    ui.pick.setAttribute('aria-pressed', String(on));
    update(api.view());
  }

  // Grey levels and degrees keep their own tolerance values; by region needs none.
  const remembered = { depth: '3', surface: '10' }; // 3: the sample orb with its rim (tests/test_rim.py)
  let held = 'depth'; // whose tolerance the box holds
  function byChanged() {
    const by = ui.by.value, surface = by === 'surface';
    if (held in remembered) remembered[held] = ui.tolerance.value;
    held = by;
    if (by in remembered) ui.tolerance.value = remembered[by];
    ui.tolerance.max = surface ? '90' : '64';
    ui.tolerance.title = surface ? 'degrees between the clicked pixel\'s surface direction and the others\'' : 'grey levels either side of the clicked pixel';
    ui.tolUnit.textContent = surface ? ' tolerance (°) ' : ' tolerance ';
    ui.tolLabel.hidden = by === 'region';
    ui.rimLabel.hidden = by !== 'depth';
  }

  // Where regions are what the artist sees (the regions layers; any view but the depth map
  // when the regions come from IDs) a click picks the clicked region, on the depth map a
  // grey: the list follows the view when it changes, and stays as the artist sets it.
  function byForView(v) {
    const regionsShown = v.show === 'regions' || v.show === 'reading';
    return regionsShown || (v.ids && v.ids.used && v.show !== 'depth') ? 'region' : 'depth';
  }

  function build(a) {
    api = a;
    const { h, send } = a;
    ui = {};
    ui.wand = h('input', { type: 'checkbox', class: 'dd-wand' });
    ui.by = h('select', { class: 'dd-wand-by', title: 'grey: pixels of about the clicked grey level; region: the clicked region (an object of the ID canvas) whole; surface: pixels facing about the same way (Normal canvas), a floor or a wall in one click', onchange: byChanged },
      h('option', { value: 'depth', text: 'by grey' }), h('option', { value: 'region', text: 'by region' }), h('option', { value: 'surface', text: 'by surface' }));
    ui.tolerance = h('input', { type: 'number', class: 'dd-tolerance', min: '0', max: '64', step: '1', value: '3', title: 'grey levels either side of the clicked pixel' });
    ui.tolUnit = h('span', { text: ' tolerance ' });
    ui.rim = h('input', { type: 'checkbox', class: 'dd-rim', checked: true });
    ui.rimLabel = h('label', { class: 'dd-check', title: "also the object's anti-aliased edge: pixels whose depth blends it with what lies behind" }, ui.rim, ' + edge');
    ui.regionNo = h('input', { type: 'number', class: 'dd-region-no', min: '0', step: '1', value: '0' });
    ui.assign = h('button', { type: 'button', class: 'dd-assign', text: 'Assign', title: 'The selected pixels get this region', onclick: () => send([{ op: 'assign_selection', region: whole(ui.regionNo, 0) }]) });
    ui.unassign = h('button', { type: 'button', class: 'dd-unassign', text: 'No region', title: 'The selected pixels get no region', onclick: () => send([{ op: 'assign_selection', region: -1 }]) });
    ui.deselect = h('button', { type: 'button', class: 'dd-deselect', text: 'Deselect', title: 'Clear the selection', onclick: () => { setPicking(false); send([{ op: 'clear_selection' }]); } });
    ui.selInfo = h('span', { class: 'dd-read' });
    ui.tolLabel = h('label', null, ui.tolUnit, ui.tolerance);
    const wandBar = h('div', { class: 'dd-wandbar', title: 'click: select connected pixels of about the same grey, or the clicked region; Shift-click adds, Alt- or Ctrl-click takes away' },
      h('label', { class: 'dd-check' }, ui.wand, ' region wand'), ui.by, ui.tolLabel, ui.rimLabel,
      h('label', null, ' region ', ui.regionNo), ui.assign, ui.unassign, ui.deselect, ui.selInfo);

    ui.pick = h('button', { type: 'button', class: 'dd-pick-depth', text: 'Copy depth from a click…', title: 'then click where the depth to paint the selection with is (e.g. the wall behind a poking elbow)', onclick: () => setPicking(!picking) });
    ui.far = h('button', { type: 'button', class: 'dd-paint-far', text: 'Push to back of split', title: "Each selected pixel gets the farthest depth of its split", onclick: () => send([{ op: 'paint_depth', to: 'far_end' }]) });
    ui.hide = h('button', { type: 'button', class: 'dd-paint-hide', text: 'Make background', title: 'The selected pixels become empty background (no surface)', onclick: () => send([{ op: 'paint_depth', to: 'no_hit' }]) });
    ui.restore = h('button', { type: 'button', class: 'dd-paint-restore', text: 'Restore depth', title: "The selected pixels get the canvas's own depth again", onclick: () => send([{ op: 'paint_depth', to: 'original' }]) });
    ui.clearDepth = h('button', { type: 'button', class: 'dd-clear-depth-edits', text: 'Clear depth edits', title: "every pixel gets the canvas's own depth again", onclick: () => send([{ op: 'clear_depth_edits' }]) });
    ui.paintInfo = h('span', { class: 'dd-read' });
    const paintBar = h('div', { class: 'dd-wandbar dd-paintbar', title: 'depth overpaint: give the selected pixels another depth (saved with the preset)' },
      h('span', { text: 'paint depth:' }), ui.pick, ui.far, ui.hide, ui.restore, ui.clearDepth, ui.paintInfo);
    return h('div', { class: 'dd-tools' }, wandBar, paintBar);
  }

  function update(v) {
    if (!ui || !v) return;
    const layers = v.layers || [];
    const surface = ui.by.querySelector('option[value="surface"]');
    surface.disabled = !layers.includes('normal');
    const auto = byForView(v);
    if (surface.disabled && ui.by.value === 'surface') ui.auto = null;
    if (auto !== ui.auto) { // the view changed what is seen: the wand follows
      ui.auto = auto;
      if (ui.by.value !== 'surface' || surface.disabled) { ui.by.value = auto; byChanged(); }
    }
    const picked = v.selected_pixels || 0, painted = v.painted_pixels || 0;
    if (!picked && picking) { picking = false; ui.pick.classList.remove('dd-active'); }
    ui.assign.disabled = ui.unassign.disabled = ui.deselect.disabled = !picked;
    ui.pick.disabled = ui.far.disabled = ui.hide.disabled = ui.restore.disabled = !picked;
    ui.selInfo.textContent = picked ? `${picked} px selected` : '';
    ui.clearDepth.hidden = !painted;
    ui.paintInfo.textContent = picking ? 'click the depth to paint with' : painted ? `${painted} px overpainted` : '';
  }

  // A click on the preview at full-size pixel p; true when handled here.
  function click(e, p) {
    if (!ui || !p) return false;
    if (picking) {
      setPicking(false);
      api.send([{ op: 'paint_depth', x: p.x, y: p.y }]);
      return true;
    }
    if (!ui.wand.checked) return false;
    const mode = e.shiftKey ? 'add' : (e.altKey || e.ctrlKey || e.metaKey) ? 'subtract' : 'replace';
    const by = ui.by.value, tolerance = by === 'surface' ? Math.max(0, Number(ui.tolerance.value) || 0) : whole(ui.tolerance, 0);
    const op = by === 'region' ? { op: 'select_at', x: p.x, y: p.y, by, mode } : { op: 'select_at', x: p.x, y: p.y, by, tolerance, mode };
    if (by === 'depth') op.rim = ui.rim.checked;
    api.send([op]);
    return true;
  }

  tools.push({ name: 'edit', build, update, click });
})();

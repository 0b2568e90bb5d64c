/* Daz Depth front-end, the regions panel under the preview: the one mapping region ->
   colour -> BREAK section -> label (the saved mask's and the template's), each region's
   label, the warnings before sending, the key of the "As the Regional Prompter reads it"
   layer, and "Regions from IDs". Registers with dazdepth.js through window.dazdepthTools;
   commands are those of docs/ui-protocol.md (label_region, regions_from_ids). */
(function () {
  'use strict';
  const tools = (window.dazdepthTools = window.dazdepthTools || []);
  if (tools.some((t) => t.name === 'regions')) return; // loaded twice

  const CSS = `
#dazdepth_mount .dd-regions { margin-top: 8px; }
#dazdepth_mount .dd-regions-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
#dazdepth_mount .dd-region-map { border-collapse: collapse; margin-top: 4px; font-variant-numeric: tabular-nums; }
#dazdepth_mount .dd-region-map th, #dazdepth_mount .dd-region-map td { padding: 1px 6px; text-align: left; }
#dazdepth_mount .dd-region-map tr.dd-empty td { opacity: 0.7; font-style: italic; }
#dazdepth_mount .dd-region-map input { width: 12em; }
#dazdepth_mount .dd-chip { display: inline-block; width: 1.1em; height: 1.1em; vertical-align: middle; border: 1px solid var(--dd-sub, #888); border-radius: 2px; }
#dazdepth_mount .dd-region-warnings { margin: 4px 0 0; padding-left: 1.2em; color: var(--dd-err, #b00020); }
#dazdepth_mount .dd-prompt { display: flex; gap: 6px; align-items: flex-start; margin-top: 6px; }
#dazdepth_mount .dd-template { flex: 1; min-width: 0; resize: vertical; font: inherit; color: var(--dd-fg); background: var(--dd-input); border: 1px solid var(--dd-border); border-radius: 4px; padding: 2px 4px; }
#dazdepth_mount .dd-reading-key { margin-top: 4px; }
#dazdepth_mount .dd-reading-key span { margin-right: 10px; white-space: nowrap; }`;

  let ui = null;
  let api = null; // {h, send, view} from dazdepth.js

  function addStyle() {
    if (document.getElementById('dazdepth_regions_style')) return;
    const style = document.createElement('style');
    style.id = 'dazdepth_regions_style';
    style.textContent = CSS;
    document.head.append(style);
  }

  function build(a) {
    api = a;
    const { h, send } = a;
    addStyle();
    ui = { rows: new Map(), listed: '' };
    ui.fromIds = h('button', { type: 'button', class: 'dd-regions-from-ids', text: 'Regions from IDs', title: 'give each object of the ID canvas (Object Id, Material Id, Alpha) its own region, near to far; the splits still decide the grey levels', onclick: () => send([{ op: 'regions_from_ids' }]) });
    ui.idInfo = h('span', { class: 'dd-read' });
    ui.body = h('tbody');
    ui.table = h('table', { class: 'dd-region-map' },
      h('thead', null, h('tr', null, ...[
        ['Region', 'the region number you set: a name, never changed behind your back'],
        ['Colour', "its colour in the saved mask (the Regional Prompter's order)"],
        ['BREAK section', 'the section of the prompt its pixels get (0 is the base prompt)'],
        ['Label', 'the words its section is prefilled with'],
        ['Pixels', 'pixels it holds at full size'],
      ].map(([text, title]) => h('th', { text, title })))), ui.body);
    ui.hint = h('div', { class: 'dd-read dd-regions-hint', text: 'No regions yet: give a split a region number in the table, or press "Regions from splits" (or "Regions from IDs" with an ID canvas loaded), to get a mask and one BREAK section per region.' });
    ui.template = h('textarea', { class: 'dd-template', readonly: 'readonly', rows: '3', title: 'The prompt for the Regional Prompter (Mask mode, "Use base prompt"): the base prompt, then one BREAK section per region in the mask\'s colour order. Write your words over the labels.' });
    ui.copy = h('button', { type: 'button', class: 'dd-copy-prompt', text: 'Copy prompt', title: 'Copy this prompt to paste into the webui\'s prompt box', onclick: copyPrompt });
    ui.prompt = h('div', { class: 'dd-prompt' }, ui.template, ui.copy);
    // Typing in the prompt did nothing, and only a tooltip said where the words go.
    ui.promptHint = h('div', { class: 'dd-read dd-prompt-hint', text: 'Type each region\'s words in its Label box; the prompt follows (read-only here: copy it into the webui\'s prompt box).' });
    ui.warnings = h('ul', { class: 'dd-region-warnings' });
    ui.legend = h('div', { class: 'dd-reading-key' });
    return h('div', { class: 'dd-regions' },
      h('div', { class: 'dd-regions-head' }, h('strong', { text: 'Regions → Regional Prompter' }), ui.fromIds, ui.idInfo),
      ui.hint, ui.table, ui.prompt, ui.promptHint, ui.warnings, ui.legend);
  }

  function copyPrompt() {
    const text = ui.template.value;
    const done = () => { ui.copy.textContent = 'Copied'; setTimeout(() => { ui.copy.textContent = 'Copy prompt'; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => { ui.template.select(); });
    } else { // a webui reached over the network: no clipboard API, the old way
      ui.template.select();
      try { if (document.execCommand('copy')) done(); } catch (e) { /* the text stays selected */ }
    }
  }

  function labelInput(region, label, words) {
    const input = api.h('input', { type: 'text', class: 'dd-region-label', placeholder: words, title: `the words of region ${region}'s BREAK section` });
    input.value = label;
    input.addEventListener('change', () => api.send([{ op: 'label_region', region, value: input.value.trim() || null }]));
    return input;
  }

  function chip(colour) {
    const span = api.h('span', { class: 'dd-chip', title: colour || 'no colour' });
    span.style.background = colour || 'transparent';
    return span;
  }

  function rowsOf(v) {
    const regions = v.regions || {};
    const full = (regions.rows || []).map((r) => ({ ...r, empty: false }));
    const empty = (regions.empty || []).map((r) => ({ region: r.region, label: r.label, words: `(region ${r.region})`, colour: null, section: null, pixels: 0, empty: true }));
    return full.concat(empty);
  }

  function update(v) {
    if (!ui || !v) return;
    const { h } = api;
    const rows = rowsOf(v);
    const key = JSON.stringify(rows.map((r) => [r.region, r.colour, r.section, r.pixels, r.empty]));
    if (key !== ui.listed) { // rebuild only when the list changed: a label being typed stays
      ui.listed = key;
      ui.body.textContent = '';
      ui.rows.clear();
      for (const r of rows) {
        const input = labelInput(r.region, r.label || '', r.words);
        ui.rows.set(r.region, input);
        ui.body.append(h('tr', { class: r.empty ? 'dd-empty' : null, 'data-region': String(r.region) },
          h('td', { text: String(r.region) }), h('td', null, chip(r.colour), r.colour ? ` ${r.colour}` : ' none'),
          h('td', { text: r.empty ? 'none: no pixel' : String(r.section) }), h('td', null, input),
          h('td', { text: Number(r.pixels).toLocaleString('en-US') })));
      }
    }
    for (const r of rows) {
      const input = ui.rows.get(r.region);
      if (input && document.activeElement !== input && input.value !== (r.label || '')) input.value = r.label || '';
    }
    ui.table.hidden = !rows.length;
    ui.hint.hidden = rows.length > 0;
    const template = (v.regions && v.regions.template) || '';
    ui.prompt.hidden = ui.promptHint.hidden = !template;
    if (ui.template.value !== template) ui.template.value = template;
    ui.template.rows = Math.min(12, Math.max(3, template.split('\n').length)); // whole, as a rule
    ui.warnings.textContent = '';
    for (const line of (v.regions && v.regions.warnings) || []) ui.warnings.append(h('li', { text: line }));
    const ids = v.ids;
    ui.fromIds.hidden = !ids;
    ui.idInfo.textContent = ids ? `${ids.objects} objects in ${ids.source}${ids.used ? ' (regions from IDs)' : ''}` : '';
    ui.legend.textContent = '';
    if (v.show === 'reading') {
      const legend = v.reading || [];
      ui.legend.append(h('strong', { text: 'As the Regional Prompter reads it: ' }));
      for (const s of legend) {
        ui.legend.append(h('span', { class: 'dd-reading-section', 'data-section': String(s.section) },
          chip(s.colour), ` ${s.section}: ${s.words}${s.colour ? '' : ' (base prompt: pixels with no region, untinted)'}`));
      }
      if (!legend.length) ui.legend.append(h('span', { text: 'nothing to read (no region, or the splits cannot be mapped)' }));
    }
  }

  tools.push({ name: 'regions', build, update, click: () => false });
})();

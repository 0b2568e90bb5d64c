/* Daz Depth front-end, the files: a drop anywhere on the tab (files or whole folders, e.g. a
   render's _canvases folder with the render beside it) or a chosen folder goes to the hidden
   upload box #dazdepth_drop, whose server handler sorts the canvases from a preset and loads
   them. Once a scene is loaded the file boxes fold into one line (the file bar) that names it;
   before, the tab shows the first map in three steps. A part of dazdepth.js
   (window.dazdepthParts.files(kit, ui)); protocol: docs/ui-protocol.md. */
(function () {
  'use strict';
  const parts = (window.dazdepthParts = window.dazdepthParts || {});
  if (parts.files) return; // loaded twice

  const WANTED = /\.(exr|png|jpe?g|json)$/i;
  const MAX_FILES = 48; // a whole animation is the batch's job, not an upload

  function root() {
    const app = document.querySelector('gradio-app');
    return (app && app.shadowRoot) || document;
  }
  function find(sel) { return root().querySelector(sel) || document.querySelector(sel); }
  // The tab's own area: the webui's tab panel, or the whole page when standalone.
  function tabArea() {
    const mount = find('#dazdepth_mount');
    if (!mount) return null;
    return mount.closest('#tab_daz_depth') || mount.closest('.gradio-container') || document.body;
  }
  function inTab(target) {
    const area = tabArea();
    return !!(area && target instanceof Node && area.contains(target) && area.offsetParent !== null);
  }

  // ---- reading a drop: files, and folders walked (webkitGetAsEntry) -------------------
  function readEntries(reader) {
    return new Promise((resolve) => reader.readEntries(resolve, () => resolve([])));
  }
  async function walk(entry, out) {
    if (out.length > MAX_FILES) return;
    if (entry.isFile) {
      if (WANTED.test(entry.name) && !entry.name.startsWith('.')) {
        out.push(await new Promise((resolve) => entry.file(resolve, () => resolve(null))));
      }
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader)) {
        for (const child of batch) await walk(child, out);
      }
    }
  }
  async function droppedFiles(transfer) {
    const entries = [...(transfer.items || [])]
      .map((item) => (item.kind === 'file' && item.webkitGetAsEntry ? item.webkitGetAsEntry() : null));
    // Folders are walked for canvases and presets only; files dropped one by one all go,
    // so the server can say which it did not use.
    if (entries.length && entries.every(Boolean) && entries.some((e) => e.isDirectory)) {
      const out = [];
      for (const entry of entries) await walk(entry, out);
      return out.filter(Boolean);
    }
    return [...(transfer.files || [])];
  }

  // ---- handing files to the server ------------------------------------------------------
  let say = () => {};
  function upload(files) {
    if (!files.length) { say('error', 'No canvases there: canvases are EXR, PNG or JPG files; presets are JSON.'); return; }
    if (files.length > MAX_FILES) {
      say('error', `That is over ${MAX_FILES} files: for an animation use "Batch" at the bottom of the tab.`);
      return;
    }
    const input = find('#dazdepth_drop input[type=file]');
    if (!input) { say('error', 'The upload box is not ready yet: drop again in a moment.'); return; }
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    say('info', `Loading ${files.length} file${files.length === 1 ? '' : 's'}…`);
  }

  let overlay = null, depthCount = 0;
  function showOverlay(on) {
    if (!overlay) return;
    overlay.classList.toggle('dd-dropping', on);
  }
  function hasFiles(e) { return !!(e.dataTransfer && [...e.dataTransfer.types].includes('Files')); }
  document.addEventListener('dragenter', (e) => {
    if (!hasFiles(e) || !inTab(e.target)) return;
    depthCount += 1;
    showOverlay(true);
  }, true);
  document.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    depthCount = Math.max(0, depthCount - 1);
    if (!depthCount) showOverlay(false);
  }, true);
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e) || !inTab(e.target)) return;
    e.preventDefault(); // a drop here is ours, over gradio's boxes too
    e.stopPropagation();
    e.dataTransfer.dropEffect = 'copy';
  }, true);
  document.addEventListener('drop', (e) => {
    depthCount = 0;
    showOverlay(false);
    if (!hasFiles(e) || !inTab(e.target)) return;
    e.preventDefault();
    e.stopPropagation();
    droppedFiles(e.dataTransfer).then(upload);
  }, true);

  // A role or layer dropdown shows its whole value in a tooltip (a long name may be cut).
  document.addEventListener('pointerover', (e) => {
    const t = e.composedPath ? e.composedPath()[0] : e.target; // inside gradio 3's shadow root too
    const box = t && t.closest && t.closest('[id^="dazdepth_role_"], [id^="dazdepth_layer_"]');
    const input = box && box.querySelector('input');
    if (input) input.title = input.value;
  }, true);

  // ---- the file bar ---------------------------------------------------------------------
  parts.files = function files(kit, ui) {
    const { st, h } = kit;
    let open = false; // the file boxes unfolded by the artist
    say = (kind, text) => {
      ui.msg.textContent = text;
      ui.msg.classList.toggle('dd-error', kind === 'error');
      ui.msg.classList.remove('dd-warning', 'dazdepth-hidden');
    };
    const picker = (attrs) => {
      const input = h('input', Object.assign({ type: 'file', multiple: true, class: 'dazdepth-hidden' }, attrs));
      input.addEventListener('change', () => {
        upload([...input.files].filter((f) => WANTED.test(f.name)));
        input.value = '';
      });
      return input;
    };
    const filePick = picker({ accept: '.exr,.png,.jpg,.jpeg,.json' });
    const folderPick = picker({ webkitdirectory: true });
    const name = h('span', { class: 'dd-scene' });
    const detail = h('span', { class: 'dd-sub' });
    // Its own element, never cut short: a laptop's width cut it off the end of the detail.
    const hint = h('span', { class: 'dd-drop-hint', text: 'drop a new scene anywhere to replace this one' });
    const toggle = h('button', { type: 'button', class: 'dd-files-toggle', title: 'Show the file boxes: which file is the depth, normal and beauty, edge repair and presets', onclick: () => { open = !open; update(st.view); } });
    const bar = h('div', { class: 'dd-filebar' },
      name, detail, hint,
      h('button', { type: 'button', text: 'Open files…', title: 'Choose canvas files (Depth EXR, Normal EXR, the render) or a preset', onclick: () => filePick.click() }),
      h('button', { type: 'button', text: 'Open folder…', title: 'Choose a render\'s _canvases folder (or the folder holding it and the render)', onclick: () => folderPick.click() }),
      toggle, filePick, folderPick);
    const steps = h('ol', { class: 'dd-steps' },
      h('li', null, h('b', { text: 'Drop your canvases' }), ' anywhere on this tab: the …-Depth.exr, with the …-Normal.exr and the render if you have them, or the whole _canvases folder.'),
      h('li', null, h('b', { text: 'Drag the split boundaries' }), ' on the histogram: give faces and hands many grey levels, the floor and the backdrop few.'),
      h('li', null, h('b', { text: 'Save the maps' }), ' (or send them to ControlNet and the Regional Prompter).'));
    const empty = h('div', { class: 'dd-empty' }, h('div', { class: 'dd-empty-title', text: 'Your first depth map in three steps' }), steps,
      h('div', null, h('button', { type: 'button', text: 'Open files…', onclick: () => filePick.click() }), ' ',
        h('button', { type: 'button', text: 'Open folder…', onclick: () => folderPick.click() })));
    overlay = overlay || h('div', { class: 'dd-dropzone', text: 'Drop to load: canvases, a _canvases folder, or a preset' });
    if (!overlay.isConnected) document.body.append(overlay);

    function update(v) {
      const loaded = !!(v && v.loaded), inputs = find('#dazdepth_inputs');
      bar.classList.toggle('dazdepth-hidden', !loaded);
      empty.classList.toggle('dazdepth-hidden', loaded);
      if (inputs && v) inputs.classList.toggle('dazdepth-folded', loaded && !open); // no view yet: as served
      toggle.textContent = open ? 'Hide file boxes ▴' : 'Files and options ▾';
      if (!loaded) return;
      const im = v.image || {}, c = v.canvases || {};
      name.textContent = im.name || '';
      const extra = ['normal', 'beauty'].filter((r) => c[r]).map((r) => `${r}: ${c[r]}`);
      detail.textContent = `${im.width}×${im.height}` + (extra.length ? ` · ${extra.join(' · ')}` : ' · no normal or beauty canvas');
      detail.title = detail.textContent; // the whole line, where the bar cuts it short
    }
    return { el: h('div', { class: 'dd-files' }, bar, empty), update };
  };
})();

/* Daz Depth on gradio 4 (Forge): files chosen in the file boxes' own dialogs go up through the
   tab's drop box, as drops do.

   gradio 4.40's file box shows an upload progress bar fed by a stream, and closes that stream
   through a stand-in object that only logs "Method not implemented." (gradio-app/gradio#12002;
   its source says the call is there "for clarity"): one warning per upload, from gradio's
   code. So on gradio 4 the tab's drop box #dazdepth_drop is an upload button, which uploads
   without that stream (lib_dazdepth/ui/compat.py, drop_box), and drops anywhere on the tab
   go there (dazdepth_files.js). What the artist picks by clicking the canvases box or the
   preset box goes there too: its server handler sorts canvases from presets, loads them and
   lists the canvases in the box. On gradio 3 the boxes upload as they always did. */
(function () {
  'use strict';
  if (window.dazdepthBoxesToDrop) return;
  window.dazdepthBoxesToDrop = true;
  const version = String((window.gradio_config && window.gradio_config.version) || '');
  if (!version || Number(version.split('.')[0]) < 4) return; // gradio 4 on (6's file box too)

  // Captured before the box's own handler, which would upload with the progress stream.
  document.addEventListener('change', (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.files) return;
    if (!input.closest('#dazdepth_files, #dazdepth_preset_file')) return;
    const target = document.querySelector('#dazdepth_drop input[type=file]');
    if (!target || !input.files.length) return;
    event.stopImmediatePropagation();
    const transfer = new DataTransfer();
    for (const file of input.files) transfer.items.add(file);
    target.files = transfer.files;
    target.dispatchEvent(new Event('change', { bubbles: true }));
    input.value = '';
  }, true);
})();

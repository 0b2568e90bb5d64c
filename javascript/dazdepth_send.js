// Daz Depth: put maps into ControlNet units and the Regional Prompter on the webui page.
// Element ids are the documented ones (docs/ui-protocol.md, facts): A1111's
// sd-webui-controlnet (gradio 3) and Forge's built-in ControlNet (gradio 4). A file is put
// into the unit's file input and a `change` event dispatched, as the extensions that send
// images do; both ControlNets enable the unit on that event, and we tick "enable" too.
(function () {
  'use strict';

  function root() {
    if (typeof window.gradioApp === 'function') return window.gradioApp();
    const app = document.querySelector('gradio-app');
    return (app && app.shadowRoot) || document;
  }
  const q = (selector) => root().querySelector(selector);
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function pngFile(base64, name) {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new File([bytes], name, { type: 'image/png' });
  }

  function putFile(input, file) {
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function tick(box) {
    if (box && !box.checked) box.click();
  }

  function setText(textarea, text) {
    textarea.value = text;
    if (typeof window.updateInput === 'function') window.updateInput(textarea);
    else textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  // A1111: #<tab>_controlnet_ControlNet-N_input_image (no -N when one unit is configured).
  // Forge: the N-th canvas upload (input.forge-file-upload) in #<tab>_controlnet_accordions.
  function unitFileInput(tab, unit) {
    const block = q(`#${tab}_controlnet_ControlNet-${unit}_input_image`) ||
      (unit === 0 ? q(`#${tab}_controlnet_ControlNet_input_image`) : null);
    if (block) return block.querySelector('input[type=file]');
    const accordions = q(`#${tab}_controlnet_accordions`);
    if (!accordions) return null;
    const forge = accordions.querySelectorAll('input.forge-file-upload');
    const inputs = forge.length ? forge : accordions.querySelectorAll('input[type=file]');
    return inputs[unit] || null;
  }

  function enableBox(tab, unit) {
    return q(`#${tab}_controlnet_ControlNet-${unit}_controlnet_enable_checkbox input`) ||
      (unit === 0 ? q(`#${tab}_controlnet_ControlNet_controlnet_enable_checkbox input`) : null);
  }

  async function sendUnit(tab, item) {
    if (tab === 'img2img') {  // the control image panel only shows once this is ticked
      tick(q(`#img2img_controlnet_ControlNet-${item.unit}_same_img2img_checkbox input`));
      await wait(150);
    }
    const input = unitFileInput(tab, item.unit);
    if (!input) return `${item.role}: no ControlNet unit ${item.unit} in ${tab}`;
    putFile(input, pngFile(item.png, item.name));
    await wait(100);
    tick(enableBox(tab, item.unit));
    return `${item.role} → unit ${item.unit}`;
  }

  // gradio 3: the upload box in #RP_mode<t2i|i2i> labelled "Upload mask here cus gradio";
  // gradio 4: the editor #polymask<t2i|i2i>.
  function maskInput(tab) {
    const short = tab === 'img2img' ? 'i2i' : 't2i';
    const editor = q(`#polymask${short}`);
    if (editor) return editor.querySelector('input[type=file]');
    const mode = q(`#RP_mode${short}`);
    if (!mode) return null;
    for (const block of mode.querySelectorAll('.block, .gradio-image, [data-testid=image]')) {
      if (block.textContent.includes('Upload mask here cus gradio')) {
        const input = block.querySelector('input[type=file]');
        if (input) return input;
      }
    }
    return null;
  }

  async function sendRegions(tab, regions) {
    const done = [];
    const input = maskInput(tab);
    if (input) {
      putFile(input, pngFile(regions.mask, 'regions.png'));
      done.push('region mask → Regional Prompter');
    } else {
      done.push('Regional Prompter: no mask input found (is it installed?)');
    }
    const prompt = q(`#${tab}_prompt textarea`);
    if (prompt) {
      setText(prompt, regions.prompt);
      done.push(`prompt template → ${tab}`);
    }
    return done;
  }

  async function dazdepthSend(orderJson) {
    const order = typeof orderJson === 'string' ? JSON.parse(orderJson) : orderJson;
    const done = [];
    for (const item of order.items || []) done.push(await sendUnit(order.tab, item));
    if (order.regions) done.push(...(await sendRegions(order.tab, order.regions)));
    done.push(...(order.note || []));
    const status = q('#dazdepth_send_status');
    if (status) status.textContent = done.join('; ');
    const switchTo = window[`switch_to_${order.tab}`];
    if (typeof switchTo === 'function' && done.some((line) => line.includes('→'))) switchTo();
    return done;
  }

  window.dazdepthSend = dazdepthSend;
})();

// Daz Depth: put maps into ControlNet units and the Regional Prompter on the webui page.
// Element ids are those the hosts' sources build (docs/ui-protocol.md): A1111's
// sd-webui-controlnet (gradio 3), Forge's built-in ControlNet (gradio 4), the Regional
// Prompter (both). A file is put
// into the unit's file input and a `change` event dispatched, as the extensions that send
// images do; both ControlNets enable the unit on that event, and we tick "enable" too.
// The unit's options and the Regional Prompter's switches are set through their own
// components' events (dropdown option press, number input, radio and checkbox click).
// Pictures are put in with dazdepth_place.js, which shows each box first and checks the
// picture is on screen.
(function () {
  'use strict';

  function root() {
    if (typeof window.gradioApp === 'function') return window.gradioApp();
    const app = document.querySelector('gradio-app');
    return (app && app.shadowRoot) || document;
  }
  const q = (selector) => root().querySelector(selector);
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function tick(box) {
    if (box && !box.checked) box.click();
  }

  function setText(textarea, text) {
    textarea.value = text;
    if (typeof window.updateInput === 'function') window.updateInput(textarea);
    else textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }

  // A unit's element: #<tab>_controlnet_ControlNet-N<rest>, or, on A1111 with a single unit
  // configured, #<tab>_controlnet_ControlNet<rest>.
  function unitElement(tab, unit, rest) {
    return q(`#${tab}_controlnet_ControlNet-${unit}${rest}`) ||
      (unit === 0 ? q(`#${tab}_controlnet_ControlNet${rest}`) : null);
  }

  // The image: a gradio Image (A1111) or a Forge canvas (input.forge-file-upload) block.
  function unitFileInput(tab, unit) {
    const block = unitElement(tab, unit, '_input_image');
    return block && block.querySelector('input.forge-file-upload, input[type=file]');
  }

  const enableBox = (tab, unit) => unitElement(tab, unit, '_controlnet_enable_checkbox input');
  const unitControl = (tab, unit, name) => unitElement(tab, unit, `_controlnet_${name}`);

  // Hidden by gradio (visible=False: class hide on layouts, hidden on components), as
  // opposed to a closed accordion or an unselected tab (inline styles).
  const hiddenByGradio = (el) => !!(el && el.closest('.hide, .hidden'));

  async function until(test, ms) {
    for (let waited = 0; waited < ms && !test(); waited += 50) await wait(50);
    return test();
  }

  const optionName = (li) => li.textContent.replace(/^\s*✓/, '').trim();

  // A gradio 3.41 or 4.40 dropdown: open its list, then press on the option `pick` chooses
  // from the names (the component's own events, as a user's click). Returns the name.
  async function choose(block, pick) {
    const input = block && block.querySelector('input');
    if (!input) return null;
    input.focus();  // a unit in a hidden tab cannot take focus: the events do it
    input.dispatchEvent(new FocusEvent('focus'));
    input.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
    await wait(150);
    const options = [...block.querySelectorAll('li')];
    const index = pick(options.map(optionName));
    if (index >= 0) {
      options[index].dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
      options[index].click();
      await wait(100);
    }
    input.blur();
    input.dispatchEvent(new FocusEvent('blur'));
    return index >= 0 ? optionName(options[index]) : null;
  }

  // The installed model `wanted` names: itself, or the first whose name contains it
  // (payload.match_model's rule); the preprocessor by name, any case (none/None).
  const modelPick = (wanted) => (names) => {
    const exact = names.indexOf(wanted);
    if (exact >= 0) return exact;
    const part = wanted.toLowerCase();
    return names.findIndex((n) => n.toLowerCase() !== 'none' && n.split(' [')[0].toLowerCase().includes(part));
  };
  const modulePick = (wanted) => (names) => names.findIndex((n) => n.toLowerCase() === wanted.toLowerCase());

  // A slider's number box (`which` picks one of a range slider's two); the events of a
  // typed value, then blur, on which sliders report their release.
  function setNumber(block, value, which = 'input[type=number]') {
    const input = block && block.querySelector(which);
    if (!input) return false;
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    input.dispatchEvent(new FocusEvent('blur'));
    return true;
  }

  // A1111: a slider each; Forge: the two ends of the range slider `control_step_slider`.
  function setSteps(tab, unit, start, end) {
    const control = (name) => unitControl(tab, unit, name);
    const range = control('control_step_slider');
    return {
      start: setNumber(control('start_control_step_slider'), start) ||
        setNumber(range, start, 'input[data-testid=min-input]'),
      end: setNumber(control('ending_control_step_slider'), end) ||
        setNumber(range, end, 'input[data-testid=max-input]'),
    };
  }

  function setCheckbox(block, on) {
    const box = block && block.querySelector('input[type=checkbox]');
    if (box && box.checked !== on) box.click();
    return !!box;
  }

  function pickRadio(block, value) {
    const radio = block && [...block.querySelectorAll('input[type=radio]')].find((r) => r.value === value);
    if (radio && !radio.checked) radio.click();
    return !!radio;
  }

  // Preprocessor first: ControlNet's preprocessor change may reset the model.
  async function setUnitOptions(tab, item) {
    const control = (name) => unitControl(tab, item.unit, name);
    const missed = [];
    const module = await choose(control('preprocessor_dropdown'), modulePick(item.module));
    if (!module) missed.push(`preprocessor ${item.module}`);
    await wait(150);
    const model = await choose(control('model_dropdown'), modelPick(item.model));
    if (!model) missed.push(`a model matching "${item.model}"`);
    if (!setNumber(control('control_weight_slider'), item.weight)) missed.push('weight');
    const steps = setSteps(tab, item.unit, item.guidance_start, item.guidance_end);
    if (!steps.start) missed.push('starting step');
    if (!steps.end) missed.push('ending step');
    if (!pickRadio(control('control_mode_radio'), item.control_mode)) missed.push('control mode');
    if (!pickRadio(control('resize_mode_radio'), item.resize_mode)) missed.push('resize mode');
    if (!setCheckbox(control('pixel_perfect_checkbox'), item.pixel_perfect)) missed.push('Pixel Perfect');
    return { model, missed };
  }

  // In img2img the control image panel shows once "Upload independent control image" is
  // ticked; the server's answer to that clears the unit's image and shows the panel, so the
  // file goes in after the panel shows.
  async function showImg2imgPanel(unit) {
    const box = unitElement('img2img', unit, '_controlnet_same_img2img_checkbox input');
    if (!box || box.checked) return;
    box.click();
    const block = unitElement('img2img', unit, '_input_image');
    await until(() => !hiddenByGradio(block), 10000);
    await wait(50);
  }

  function unitMissing(tab, unit) {
    if (!q(`[id^="${tab}_controlnet"]`)) {
      return `ControlNet is not in ${tab} (install sd-webui-controlnet and enable it, or use Forge)`;
    }
    return `no ControlNet unit ${unit} in ${tab}: the webui shows fewer units` +
      ' (the unit count in Settings, ControlNet; then restart)';
  }

  const NOT_SHOWN = 'its picture did not show on the page (the webui has it)';

  async function sendUnit(tab, item) {
    const { place, reveal } = window.dazdepthPlace;
    const box = enableBox(tab, item.unit);
    if (box) await reveal(box);
    if (tab === 'img2img') await showImg2imgPanel(item.unit);
    if (!unitFileInput(tab, item.unit)) return `${item.role}: ${unitMissing(tab, item.unit)}`;
    // Shown before the next unit's tab hides it.
    const block = unitElement(tab, item.unit, '_input_image');
    const shown = await place(() => unitFileInput(tab, item.unit), item.png, item.name, block);
    tick(enableBox(tab, item.unit));
    const { model, missed } = await setUnitOptions(tab, item);
    const said = [`${item.role} → unit ${item.unit}${model ? ` (${model})` : ''}`];
    if (missed.length) said.push(`not set: ${missed.join(', ')}`);
    if (!shown) said.push(NOT_SHOWN);
    return said.join(', ');
  }

  // gradio 3: the box labelled "Upload mask here cus gradio" in #RP_mode<t2i|i2i> (not the
  // sketch box #polymask<sfx> beside it, which the Regional Prompter says not to upload to);
  // gradio 4: the ImageEditor #polymask<sfx> (an Image with its "Disable ImageEditor"
  // setting), its only mask input.
  function maskInput(tab) {
    const short = tab === 'img2img' ? 'i2i' : 't2i';
    const mode = q(`#RP_mode${short}`);
    for (const block of mode ? mode.querySelectorAll('.block, .gradio-image, [data-testid=image]') : []) {
      if (block.id !== `polymask${short}` && block.textContent.includes('Upload mask here cus gradio')) {
        const input = block.querySelector('input[type=file]');
        if (input) return input;
      }
    }
    const editor = q(`#polymask${short}`);
    return editor && editor.querySelector('input[type=file]');
  }

  // The Regional Prompter's Active switch: the checkbox #RP_active<sfx> (its "old active
  // check box" setting), else the accordion around its mode tabs, a checkbox accordion
  // (input-accordion-m-N, no fixed id): its visible checkbox once the page has set it up,
  // else its gradio checkbox #<accordion>-checkbox.
  function activeBox(short) {
    const old = q(`#RP_active${short} input`);
    if (old) return old;
    const modes = q(`#RP_mode${short}`);
    const accordion = modes && modes.closest('.input-accordion-m, .input-accordion');
    if (!accordion || !accordion.id) return null;
    return q(`#${accordion.id}-visible-checkbox`) || q(`#${accordion.id}-checkbox input`);
  }

  // Active, the Mask mode tab, base ratio and "use base prompt", by the Regional
  // Prompter's ids (RP_<name><t2i|i2i>). Returns what could not be found.
  function setRegionalPrompter(tab, regions) {
    const short = tab === 'img2img' ? 'i2i' : 't2i';
    const missed = [];
    const active = activeBox(short);
    if (active) tick(active); else missed.push('Active');
    const modes = q(`#RP_mode${short}`);
    const maskTab = modes && [...modes.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Mask');
    if (maskTab) maskTab.click(); else missed.push('Mask mode');
    const ratio = q(`#RP_base_ratio${short} textarea, #RP_base_ratio${short} input`);
    if (ratio) setText(ratio, regions.base_ratio); else missed.push('base ratio');
    const useBase = q(`#RP_usebase${short} input`);
    if (useBase) { if (useBase.checked !== regions.use_base) useBase.click(); } else missed.push('use base prompt');
    return missed;
  }

  async function sendRegions(tab, regions) {
    const done = [];
    const missed = setRegionalPrompter(tab, regions);
    await wait(150);
    if (missed.length) done.push(`Regional Prompter: not set: ${missed.join(', ')}`);
    const input = maskInput(tab);
    if (input) {
      // It shows in #polymask: gradio 3's sketch box, which the RP draws it into, is
      // confirmed; gradio 4's ImageEditor (WebGL) cannot be read back.
      const box = q(`#polymask${tab === 'img2img' ? 'i2i' : 't2i'}`);
      const confirm = !!box && !box.contains(input);
      const mask = [() => maskInput(tab), regions.mask, 'regions.png', box, confirm];
      const shown = await window.dazdepthPlace.place(...mask);
      done.push(`region mask → Regional Prompter${shown ? '' : `, ${NOT_SHOWN}`}`);
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

  // The generation size (#<tab>_width, #<tab>_height) the order gives, the rule every send
  // path follows (payload.generation_size): ControlNet's "Crop and Resize" would otherwise
  // cut the maps, and the region mask would not fit the image.
  function setGenerationSize(tab, size) {
    const sliders = [q(`#${tab}_width`), q(`#${tab}_height`)];
    if (!size || !sliders.every((s) => s && s.querySelector('input[type=number]'))) return null;
    setNumber(sliders[0], size.width);
    setNumber(sliders[1], size.height);
    return `size ${size.width}×${size.height}`;
  }

  async function dazdepthSend(orderJson) {
    const order = typeof orderJson === 'string' ? JSON.parse(orderJson) : orderJson;
    const done = [];
    const items = order.items || [];
    for (const item of items) done.push(await sendUnit(order.tab, item));
    if (items.length > 1) {  // back to the first unit
      await window.dazdepthPlace.reveal(unitFileInput(order.tab, items[0].unit));
    }
    if (order.regions) done.push(...(await sendRegions(order.tab, order.regions)));
    const size = setGenerationSize(order.tab, order.size);
    if (size) done.push(size);
    done.push(...(order.note || []));
    for (const line of (order.regions && order.regions.warnings) || []) done.push(`warning: ${line}`);
    const status = q('#dazdepth_send_status');
    if (status) status.textContent = done.join('; ');
    const switchTo = window[`switch_to_${order.tab}`];
    if (typeof switchTo === 'function' && done.some((line) => line.includes('→'))) switchTo();
    return done;
  }

  window.dazdepthSend = dazdepthSend;
})();

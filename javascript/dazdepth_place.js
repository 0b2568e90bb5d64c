// Daz Depth: put a picture into an image box of the webui page so that the artist sees it
// (used by dazdepth_send.js for ControlNet units and the Regional Prompter's mask).
//
// gradio 3's sketch Image (A1111's ControlNet unit image, the Regional Prompter's mask
// box) draws its picture on canvases that it sizes once, when the picture loads, from the
// box's size on screen. A picture put in while the box is hidden (a closed accordion, an
// unselected tab) is therefore not shown once the artist opens it, although the webui has
// it; and on a busy page the sizing can be missed altogether. So the box is shown first
// (its tabs selected, its accordions opened, as the artist would), and the picture is put
// in again when it does not appear.
(function () {
  'use strict';

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function pngFile(base64, name) {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new File([bytes], name, { type: 'image/png' });
  }

  // A PNG's width and height, from its header (IHDR).
  function pngSize(base64) {
    const head = atob(base64.slice(0, 44));
    const at = (i) => [0, 1, 2, 3].reduce((v, k) => v * 256 + head.charCodeAt(i + k), 0);
    return [at(16), at(20)];
  }

  // A file put into a file input, with the `change` event the extensions that send images
  // dispatch.
  function putFile(input, file) {
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  // The tab item or accordion body `node` (gradio 3 and 4 hide an unselected tab and a
  // closed accordion's body with an inline display: none) shown: its tab button or its
  // accordion's header pressed.
  function show(node) {
    if (node.classList.contains('tabitem')) {
      const tabs = node.parentElement;
      const items = [...tabs.children].filter((c) => c.classList.contains('tabitem'));
      const buttons = [...tabs.querySelectorAll(':scope > .tab-nav > button')];
      const button = buttons.find((b) => node.id && b.getAttribute('aria-controls') === node.id) ||
        buttons[items.indexOf(node)];
      if (button) button.click();
    } else {
      const header = node.previousElementSibling;
      if (header && header.classList.contains('label-wrap')) header.click();
    }
  }

  // Shows `el` as the artist will look for it: every tab around it selected and every
  // accordion opened, outermost first, each given time to lay out.
  async function reveal(el) {
    const hidden = [];
    for (let node = el; node && node.parentElement; node = node.parentElement) {
      if (node.style && node.style.display === 'none') hidden.unshift(node);
    }
    for (const node of hidden) {
      show(node);
      await wait(50);
    }
  }

  const rendered = (el) => (typeof el.checkVisibility === 'function'
    ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
    : getComputedStyle(el).opacity !== '0' && el.getClientRects().length > 0);

  // Over half of a canvas painted (a picture, not a brush outline), seen at 16x16.
  function painted(canvas) {
    const small = document.createElement('canvas');
    small.width = small.height = 16;
    const context = small.getContext('2d');
    try {
      context.drawImage(canvas, 0, 0, 16, 16);
    } catch (error) {
      return false;
    }
    const alpha = context.getImageData(0, 0, 16, 16).data.filter((_, i) => i % 4 === 3);
    return alpha.filter((a) => a > 0).length > 128;
  }

  // A canvas's bitmap side for a picture side (gradio 3's sketch scales by the pixel ratio).
  const fits = (side, picture) => [picture, Math.floor(picture * devicePixelRatio),
    Math.round(picture * devicePixelRatio)].includes(side);

  // Whether `box` shows a picture of `size` on screen: a loaded img of that size, or a
  // canvas of that size painted over (gradio 3's sketch Image draws there and keeps its img
  // transparent), rendered at a non-zero size.
  function showsPicture(box, [width, height]) {
    for (const el of box ? box.querySelectorAll('img, canvas') : []) {
      const rect = el.getBoundingClientRect();
      if (rect.width < 1 || rect.height < 1 || !rendered(el)) continue;
      if (el.tagName === 'IMG') {
        if (el.complete && el.naturalWidth === width && el.naturalHeight === height) return true;
      } else if (fits(el.width, width) && fits(el.height, height) && painted(el)) {
        return true;
      }
    }
    return false;
  }

  // The box's own button that takes its picture away: gradio 3's sketch "Remove Image"
  // (its "Clear" clears only the drawing), Forge's canvas "Remove", gradio's "Clear".
  function removeButton(box) {
    const buttons = box ? [...box.querySelectorAll('button')] : [];
    const label = (b) => (b.getAttribute('aria-label') || b.title || '').toLowerCase();
    for (const name of ['remove image', 'remove', 'clear']) {
      const button = buttons.find((b) => label(b) === name);
      if (button) return button;
    }
    return null;
  }

  // The picture is in the box but not drawn: gradio 3's sketch Image holds it in a
  // transparent img of its size and draws it on canvases that it failed to size.
  const arrived = (box, [width, height]) => [...box.querySelectorAll('img')].some(
    (img) => img.complete && img.naturalWidth === width && img.naturalHeight === height);

  // Waits until `box` shows the picture (true), or has held it undrawn for `patience` ms,
  // or `limit` ms have passed (false).
  async function settle(box, size, patience, limit = 15000) {
    let since = null;
    for (let waited = 0; waited < limit; waited += 50) {
      if (showsPicture(box, size)) return true;
      if (arrived(box, size)) {
        since = since === null ? waited : since;
        if (waited - since > patience) return false;
      }
      await wait(50);
    }
    return false;
  }

  // Puts the PNG `png` (base64) into the file input `inputOf()` gives, once `box` (where
  // the picture shows) is on screen. With `confirm`, waits until the box shows it, and
  // puts it in again (at most three times) while the box holds it undrawn. Returns whether
  // the picture is shown (without `confirm`: true once put in).
  async function place(inputOf, png, name, box, confirm = true) {
    const size = pngSize(png);
    const patience = 1500 + (size[0] * size[1]) / 4000;  // large pictures take longer
    for (let attempt = 0; ; attempt++) {
      const input = inputOf();
      if (!input) return false;
      await reveal(box);
      await reveal(input);
      putFile(input, pngFile(png, name));
      if (!confirm) return true;
      if (await settle(box, size, patience)) return true;
      const remove = removeButton(box);
      if (attempt === 2 || !arrived(box, size) || !remove) return false;
      remove.click();
      await wait(200);
    }
  }

  window.dazdepthPlace = { place, reveal, showsPicture };
})();

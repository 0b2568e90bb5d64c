/* Daz Depth: this browser tab's key to its work on the server, kept over a reload.

   The server hands each page a key (lib_dazdepth/ui/pages.py); the page asks for its work
   back with it when it loads again (the tab's load event, lib_dazdepth/ui/reclaim.py TAKE
   and HOLD). The key lives in this tab's sessionStorage, which a reload, the browser's
   reopening of a closed tab and its restoring of a session keep, and a new tab does not
   have. It is there only while no page of this tab holds it: taken out when the page loads,
   written back when the page goes (pagehide, which a reload and a close fire). So a
   duplicated tab, which copies the sessionStorage of a live page, finds no key and starts
   its own work instead of sharing (and fighting over) its original's. The server also
   refuses a key that a live page holds (gradio 4 on). Same script on gradio 3, 4 and 6. */
(function () {
  'use strict';
  if (window.dazdepthTab) return; // loaded twice (webui reloads scripts on some setups)

  const STORE = 'dazdepth.tab';
  const KEY = /^[0-9a-f]{32}$/; // what the server hands out; anything else is dropped
  let held = null; // the key of this page's work

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; } // storage blocked
  }
  function valid(key) { return typeof key === 'string' && KEY.test(key) ? key : null; }

  // The key this tab left (''), taken out of the storage: this page holds it from now on.
  function take() {
    const store = storage();
    if (!store) return '';
    const key = valid(store.getItem(STORE));
    store.removeItem(STORE);
    if (key) held = key;
    return key || '';
  }
  // The key the server gave this page (the one asked for, or a new one).
  function hold(key) { held = valid(key) || held; }

  window.addEventListener('pagehide', () => {
    const store = storage();
    if (store && held) store.setItem(STORE, held);
  });
  // Back from the back-forward cache the page lives again: it holds its key once more.
  window.addEventListener('pageshow', (event) => {
    const store = storage();
    if (event.persisted && store && held) store.removeItem(STORE);
  });

  window.dazdepthTab = { take, hold, held: () => held };
})();

/* Daz Depth on gradio 4 (Forge): tell gradio's page client what the tab's events take.

   gradio 4.40's client submits every event by its number and looks that number up in
   `window.gradio_api_info.unnamed_endpoints` to learn the event's parameters; the server
   lists events only by name there, so the lookup finds nothing and the client warns
   "Too many arguments provided for the endpoint." on every event that has inputs
   (gradio-app/gradio#9895): once per command the tab sends. This adds, before the client
   starts, an entry for each of the tab's own events (one parameter per input, one return
   per output, with the component's type), as the server's own named entries would give.
   The client uses the entry only to count the arguments and to name the component of a
   Blob it uploads; the tab sends no Blobs. Other events on the page are left alone.

   Runs as a plain script in the page head (the webui and the standalone launcher put it
   there), after gradio's template has set gradio_config and gradio_api_info and before its
   deferred module script reads them. Does nothing on gradio 3, which has no such lookup. */
(function () {
  'use strict';
  const config = window.gradio_config;
  const info = window.gradio_api_info;
  if (!config || !info || !info.unnamed_endpoints || !Array.isArray(config.dependencies)) return;

  const types = new Map();
  const ours = new Set();
  for (const component of config.components || []) {
    types.set(component.id, component.type);
    const id = component.props && component.props.elem_id;
    if (typeof id === 'string' && id.startsWith('dazdepth_')) ours.add(component.id);
  }
  const entry = (id) => ({
    label: `parameter_${id}`,
    parameter_name: null,
    parameter_has_default: true,
    parameter_default: null,
    type: {},
    python_type: { type: 'Any', description: '' },
    component: String(types.get(id) || ''),
  });
  for (const dep of config.dependencies) {
    if (!dep.backend_fn || dep.id === undefined || dep.id in info.unnamed_endpoints) continue;
    const touched = [...(dep.targets || []).map((t) => t[0]), ...dep.inputs, ...dep.outputs];
    if (!touched.some((id) => ours.has(id))) continue;
    info.unnamed_endpoints[dep.id] = {
      parameters: dep.inputs.map(entry),
      returns: dep.outputs.map(entry),
      show_api: false,
    };
  }
})();

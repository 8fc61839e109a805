// The chart view of plotly.py's FigureWidget for the public dashboards.
//
// plotly.py's own FigureWidget script carries the whole of plotly.js (4.9 MB, every trace type,
// maps and WebGL included); evaluating it was most of the time a visitor waited for the first
// chart. The dashboards draw four trace types and never edit a chart from the page, so they use
// this view instead: the same messages from Python (see plotly/basewidget.py), drawn with
// plotly-core.min.js (1.1 MB, built by build-plotly-core.sh). JupyterLab keeps plotly's own view.

import Plotly from "./plotly-core.min.js";

const TYPED = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};

// plotly.py sends 1-D numpy arrays as {dtype, shape, value: binary buffer}: back to typed arrays.
function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    if (typeof value.dtype === "string" && TYPED[value.dtype] && value.value && value.value.buffer) {
      const view = value.value;
      const Kind = TYPED[value.dtype];
      return Array.from(new Kind(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)));
    }
    if (value instanceof DataView || ArrayBuffer.isView(value)) return value;
    const out = {};
    for (const key of Object.keys(value)) out[key] = decode(value[key]);
    return out;
  }
  return value;
}

// {"a.b": null} for each property path to remove, as relayout and restyle expect.
function removals(paths) {
  const out = {};
  for (const path of paths || []) out[path.join(".")] = null;
  return out;
}

// The Python messages a view applies to its chart (see plotly/basewidget.py, _send_*_msg).
const MESSAGES = {
  _py2js_relayout: (el, m) => Plotly.relayout(el, decode(m.relayout_data)),
  _py2js_restyle: (el, m) => Plotly.restyle(el, decode(m.restyle_data), m.restyle_traces),
  _py2js_update: (el, m) => Plotly.update(el, decode(m.style_data), decode(m.layout_data), m.style_traces),
  _py2js_addTraces: (el, m) => Plotly.addTraces(el, decode(m.trace_data)),
  _py2js_deleteTraces: (el, m) => Plotly.deleteTraces(el, m.delete_inds),
  _py2js_moveTraces: (el, m) => Plotly.moveTraces(el, m.current_trace_inds, m.new_trace_inds),
  _py2js_animate: (el, m) => Plotly.animate(
    el, { data: decode(m.style_data), layout: decode(m.layout_data), traces: m.style_traces },
    decode(m.animation_opts)),
  _py2js_removeLayoutProps: (el, m) => Plotly.relayout(el, removals(m.remove_props)),
  _py2js_removeTraceProps: (el, m) => Plotly.restyle(el, removals(m.remove_props), [m.remove_trace]),
};

// Tell Python the edits up to now are drawn (it then runs its on_edits_completed callbacks).
function reportDrawn(model, edits) {
  model.set("_js2py_layoutDelta", { layout_delta: {}, layout_edit_id: edits.layout });
  model.set("_js2py_traceDeltas", { trace_deltas: [], trace_edit_id: edits.trace });
  model.save_changes();
}

function render({ model, el }) {
  el.classList.add("clusterlab-figure");
  const view = { pending: Promise.resolve(), edits: { layout: 0, trace: 0 } };
  // Plotly calls run one after another, each once the one before has drawn.
  const queue = (job) => {
    view.pending = view.pending.then(job).then(() => reportDrawn(model, view.edits)).catch((err) => {
      console.warn("chart update failed", err);
    });
  };
  const listeners = Object.entries(MESSAGES).map(([name, apply]) => {
    const listener = () => {
      const msg = model.get(name);
      if (!msg) return;
      if (msg.layout_edit_id !== undefined) view.edits.layout = msg.layout_edit_id;
      if (msg.trace_edit_id !== undefined) view.edits.trace = msg.trace_edit_id;
      queue(() => apply(el, msg));
    };
    model.on(`change:${name}`, listener);
    return [name, listener];
  });

  const draw = async () => {
    const config = Object.assign({ responsive: true, displaylogo: false }, model.get("_config") || {});
    await Plotly.newPlot(el, decode(model.get("_widget_data")), decode(model.get("_widget_layout")), config);
  };
  // Drawn once the element is on the page, so that the chart takes the width it is given.
  view.pending = new Promise((resolve) => {
    const start = () => (el.isConnected ? resolve() : requestAnimationFrame(start));
    start();
  }).then(draw).then(() => reportDrawn(model, view.edits)).catch((err) => console.warn("chart failed", err));

  const resize = new ResizeObserver(() => {
    if (el._fullLayout) Plotly.Plots.resize(el);
  });
  resize.observe(el);
  return () => {
    resize.disconnect();
    for (const [name, listener] of listeners) model.off(`change:${name}`, listener);
    Plotly.purge(el);
  };
}

export default { render };

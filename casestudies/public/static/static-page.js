// The page script of the static edition of the case dashboards (`clusterlab dashboards --export`).
//
// The page's data script (window.CLUSTERLAB_PAGE, written by casestudies/public/static_data.py) holds,
// for each chart view of the page, every state its controls can reach, worked out ahead of time by
// running the view itself in Python (static_widgets.py): the text of each part, each control's
// choices and value, each chart's plotly figure. This script only shows them: it draws the charts
// with plotly (window.Plotly, loaded before it), fills in the controls, and when a visitor changes a
// control it looks the new state up and shows it. No server, no request, no inline script.
(function () {
  "use strict";
  const page = window.CLUSTERLAB_PAGE;
  if (!page || !window.Plotly) return;
  const Plotly = window.Plotly;
  document.documentElement.classList.add("st-js");

  // ---------------------------------------------------------------- values stored once (the pool)
  const decoded = new Map();
  function expand(value) {
    if (typeof value === "string") {
      return value.charCodeAt(0) === 1 ? page.strings[Number(value.slice(1))] : value;
    }
    if (Array.isArray(value)) return value.map(expand);
    if (value && typeof value === "object") {
      const out = {};
      for (const k of Object.keys(value)) out[k] = expand(value[k]);
      return out;
    }
    return value;
  }
  function pooled(n) {
    if (!decoded.has(n)) decoded.set(n, expand(page.pool[n]));
    return decoded.get(n);
  }
  // plotly keeps and changes what it is given: it gets its own copy.
  const copy = (value) => JSON.parse(JSON.stringify(value));
  function figure(fig) {
    const data = fig.d.map((trace) => {
      const out = {};
      for (const k of Object.keys(trace)) out[k] = copy(pooled(trace[k]));
      return out;
    });
    const layout = {};
    for (const k of Object.keys(fig.l)) layout[k] = copy(pooled(fig.l[k]));
    return { data, layout, config: copy(pooled(fig.c)) };
  }

  // ----------------------------------------------------------------------------- charts, in turn
  // The first chart of the page is drawn at once, the others one after another, each once the
  // one before is drawn, so that the first appears as early as it can.
  let drawing = Promise.resolve();
  function draw(node) {
    if (node.clQueued) return;
    node.clQueued = true;
    drawing = drawing.then(async () => {
      const target = node.clFigure;
      const f = figure(target);
      await Plotly.newPlot(node, f.data, f.layout, f.config);
      node.clDrawn = target;
      await update(node);
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    }).catch((err) => console.warn("chart failed", err));
  }
  // Show the chart's latest figure (a visitor may change a control faster than a chart redraws).
  async function update(node) {
    if (!node.clDrawn || node.clBusy) return;
    node.clBusy = true;
    try {
      while (node.clDrawn !== node.clFigure) {
        const target = node.clFigure;
        const f = figure(target);
        await Plotly.react(node, f.data, f.layout, f.config);
        node.clDrawn = target;
      }
    } finally {
      node.clBusy = false;
    }
  }

  // ----------------------------------------------------------------------------------- controls
  function make(tag, props, text) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === false || v === undefined || v === null) continue;
      if (k in el && typeof v !== "string") el[k] = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    if (text !== undefined) el.textContent = text;
    return el;
  }
  const body = (node) => node.querySelector(":scope > .st-body") || node;
  const desc = (node) => {
    const d = node.querySelector(":scope > .st-desc");
    return d ? d.textContent : "";
  };
  const tokens = (choices, picked) => "[" + picked.map((i) => choices[i][1]).join(",") + "]";

  // Per kind: build (when the choices change), set (every state), the token of a state's value.
  const KINDS = {
    html: { set: (node, p) => { node.innerHTML = p.html || ""; } },
    label: { set: (node, p) => { body(node).textContent = p.text || ""; } },
    textbox: { set: (node, p) => { body(node).textContent = p.text || ""; } },
    button: { set: () => {} },
    box: { set: () => {} },
    figure: {
      set: (node, p) => {
        node.clFigure = p.fig;
        if (!node.clQueued) draw(node);
        else update(node).catch((err) => console.warn("chart update failed", err));
      },
    },
    select: {
      build: (node, p, send) => {
        const s = make("select", { "aria-label": desc(node) || null });
        p.choices.forEach(([label], i) => s.add(new Option(label, String(i))));
        s.addEventListener("change", () => send(node.clProps.choices[s.selectedIndex][1]));
        body(node).replaceChildren(s);
      },
      set: (node, p) => {
        const s = body(node).querySelector("select");
        s.selectedIndex = p.i;
        s.disabled = !!p.disabled;
      },
      token: (p) => p.choices[p.i][1],
    },
    toggles: {
      build: (node, p, send) => {
        const group = make("span", { role: "group", "aria-label": desc(node) || null, class: "st-buttons" });
        p.choices.forEach(([label], i) => {
          const b = make("button", { type: "button" }, label);
          b.addEventListener("click", () => send(node.clProps.choices[i][1]));
          group.append(b);
        });
        body(node).replaceChildren(group);
      },
      set: (node, p) => {
        body(node).querySelectorAll("button").forEach((b, i) => {
          b.setAttribute("aria-pressed", String(i === p.i));
          b.disabled = !!p.disabled;
        });
      },
      token: (p) => p.choices[p.i][1],
    },
    toggle: {
      build: (node, p, send) => {
        const b = make("button", { type: "button", class: "st-toggle-button" }, node.dataset.label || "");
        b.addEventListener("click", () => send(node.clProps.on ? "false" : "true"));
        body(node).replaceChildren(b);
      },
      set: (node, p) => {
        const b = body(node).querySelector("button");
        b.setAttribute("aria-pressed", String(!!p.on));
        b.disabled = !!p.disabled;
      },
      token: (p) => (p.on ? "true" : "false"),
    },
    multi: {
      build: (node, p, send) => {
        if (p.mode === "pick") {
          const s = make("select", { "aria-label": desc(node) || null });
          p.choices.forEach(([label], i) => s.add(new Option(label, String(i))));
          s.addEventListener("change", () => send(node.clProps.choices[s.selectedIndex][1]));
          body(node).replaceChildren(s);
          return;
        }
        const list = make("span", { class: "st-checks", role: "group", "aria-label": desc(node) || null });
        const boxes = p.choices.map(([label]) => {
          const box = make("input", { type: "checkbox" });
          const row = make("label");
          row.append(box, document.createTextNode(" " + label));
          list.append(row);
          return box;
        });
        boxes.forEach((box) => box.addEventListener("change", () => {
          const on = boxes.map((b, i) => (b.checked ? i : -1)).filter((i) => i >= 0);
          send(tokens(node.clProps.choices, on));
        }));
        body(node).replaceChildren(list);
      },
      set: (node, p) => {
        if (p.mode === "pick") {
          const s = body(node).querySelector("select");
          s.selectedIndex = p.i;
          s.disabled = !!p.disabled;
          return;
        }
        body(node).querySelectorAll("input").forEach((box, i) => {
          box.checked = p.on.includes(i);
          box.disabled = !!p.disabled;
        });
      },
      token: (p) => (p.mode === "pick" ? p.choices[p.i][1] : tokens(p.choices, p.on)),
    },
    range: {
      build: (node, p, send) => {
        const name = desc(node) || "Range";
        if (!p.stops) {
          body(node).replaceChildren(make("output", {}, p.text));
          return;
        }
        const last = String(p.stops.length - 1);
        const lo = make("input", { type: "range", min: "0", max: last, step: "1", class: "st-lo",
                                   "aria-label": name + ": from" });
        const hi = make("input", { type: "range", min: "0", max: last, step: "1", class: "st-hi",
                                   "aria-label": name + ": to" });
        const out = make("output", { "aria-live": "polite" });
        // The ends do not cross: the one moved stops at the other, as on the dashboard's slider.
        const moved = (which) => {
          let a = Number(lo.value), b = Number(hi.value);
          if (a > b) {
            if (which === lo) a = b; else b = a;
            lo.value = String(a);
            hi.value = String(b);
          }
          send(tokens(node.clProps.stops, [a, b]));
        };
        lo.addEventListener("input", () => moved(lo));
        hi.addEventListener("input", () => moved(hi));
        body(node).replaceChildren(lo, hi, out);
      },
      set: (node, p) => {
        const out = body(node).querySelector("output");
        out.textContent = p.text;
        if (!p.stops) return;
        const [lo, hi] = body(node).querySelectorAll("input");
        lo.value = String(p.lo);
        hi.value = String(p.hi);
        lo.disabled = hi.disabled = !!p.disabled;
      },
      token: (p) => tokens(p.stops, [p.lo, p.hi]),
    },
    slider: {
      build: (node, p, send) => {
        const name = desc(node);
        const input = p.choices
          ? make("input", { type: "range", min: "0", max: String(p.choices.length - 1), step: "1" })
          : make("input", { type: "range", min: String(p.min), max: String(p.max), step: "1" });
        if (name) input.setAttribute("aria-label", name);
        if (p.choices) input.addEventListener("input", () => send(node.clProps.choices[Number(input.value)][1]));
        body(node).replaceChildren(input, make("output"));
      },
      set: (node, p) => {
        const input = body(node).querySelector("input");
        input.value = String(p.choices ? p.i : p.value);
        input.disabled = !!p.disabled;
        body(node).querySelector("output").textContent = String(p.value);
      },
      token: (p) => p.choices[p.i][1],
    },
  };

  // --------------------------------------------------------------------------------------- views
  function View(root, data) {
    this.data = data;
    this.nodes = [];
    root.querySelectorAll("[data-slot]").forEach((node) => { this.nodes[Number(node.dataset.slot)] = node; });
    this.controlOf = new Map(data.controls.map((slot, ci) => [slot, ci]));
    this.shown = [];
    this.current = null;
  }
  View.prototype.show = function (state) {
    const numbers = this.data.states[state];
    numbers.forEach((n, slot) => {
      if (this.shown[slot] === n) return;
      const node = this.nodes[slot];
      const kind = KINDS[this.data.kinds[slot]];
      const p = pooled(n);
      const choices = JSON.stringify([p.choices, p.stops, p.mode]);
      if (kind.build && node.clChoices !== choices) {
        const ci = this.controlOf.get(slot);
        kind.build(node, p, ci === undefined ? () => {} : (token) => this.changed(ci, token));
        node.clChoices = choices;
      }
      node.clProps = p;
      node.hidden = !!p.hidden;
      kind.set(node, p);
      this.shown[slot] = n;
    });
    this.current = state;
  };
  // A visitor set control ``ci`` to the value named ``token``: show the state that follows.
  View.prototype.changed = function (ci, token) {
    const d = this.data;
    let next = d.moves[this.current + ":" + ci + ":" + token];
    if (next === undefined) {
      const parts = d.controls.map((slot, j) => (j === ci ? token : KINDS[d.kinds[slot]].token(
        pooled(d.states[this.current][slot]))));
      next = d.keys["[" + parts.join(",") + "]"];
    }
    if (next === undefined) {  // not worked out ahead of time: put the control back
      console.warn("no state for", token);
      const slot = d.controls[ci];
      this.shown[slot] = undefined;
      this.nodes[slot].clChoices = undefined;
      this.show(this.current);
      return;
    }
    if (next !== this.current) this.show(next);
  };

  document.querySelectorAll(".st-view[data-view]").forEach((root) => {
    const data = page.views[Number(root.dataset.view)];
    if (data) new View(root, data).show(data.first);
  });
})();

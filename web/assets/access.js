// Names, descriptions, keyboard reach and styles for what Bokeh and Panel draw, put on once the
// lesson is drawn and again after updates (a view that re-renders loses them). Python says what
// to say (widget titles and help, chart alternatives in a tag, the announcer's text); this module
// only puts it where assistive technology finds it, always as text or attributes, never as markup.
const ALT_TAG = "faders-alt:";
const ANNOUNCER = "faders-announcer";
const PASS_MS = 250;

let inside = null; // the stylesheet adopted into every shadow root
let roots = [];
let passTimer = null;
let lastFocused = null;

export async function loadInsideStyles(url) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(await (await fetch(url)).text());
    inside = sheet;
  } catch {
    // Without them the lesson works; only its colours and targets are Bokeh's own.
  }
}

function* everyView(views) {
  for (const view of views) {
    yield view;
    yield* everyView(view.children());
  }
}

const setAttr = (element, name, value) => {
  if (element && value != null && element.getAttribute(name) !== String(value)) element.setAttribute(name, value);
};

function helpText(description) {
  if (description == null) return "";
  if (typeof description === "string") return description;
  const content = description.content;
  return typeof content === "string" ? content : (content?.text ?? "");
}

function nameWidget(view) {
  const { model } = view;
  const shadow = view.shadow_el;
  const name = typeof model.title === "string" && model.title ? model.title : model.label;
  if (typeof name !== "string" || !name) return;
  const help = helpText(model.description);
  const controls = [
    ...shadow.querySelectorAll(".noUi-handle"),
    ...(view.input_el ? [view.input_el] : []),
    ...shadow.querySelectorAll("input[type=checkbox]"),
  ];
  for (const control of controls) {
    setAttr(control, "aria-label", name);
    if (help) setAttr(control, "aria-description", help);
  }
  for (const [selector, verb] of [[".bk-spin-btn-up", "Increase"], [".bk-spin-btn-down", "Decrease"]]) {
    const spin = shadow.querySelector(selector);
    setAttr(spin, "aria-label", `${verb} ${name}`);
    setAttr(spin, "tabindex", "-1"); // the arrow keys do the same in the box
  }
  if (model.mode !== undefined && view.input_el) {
    // A numeric keypad on phones; one without a minus sign only where no value is negative.
    const keypad = model.low != null && model.low >= 0 ? (model.mode === "int" ? "numeric" : "decimal") : "text";
    setAttr(view.input_el, "inputmode", keypad);
  }
  const icon = shadow.querySelector(".bk-description");
  if (icon && help) {
    setAttr(icon, "tabindex", "0");
    setAttr(icon, "role", "button");
    setAttr(icon, "aria-label", `Help: ${name}`);
    setAttr(icon, "aria-description", help);
    if (!icon.dataset.keyboard) {
      // Bokeh shows the help on hover only; focus shows it too.
      icon.dataset.keyboard = "1";
      icon.addEventListener("focus", () => icon.dispatchEvent(new MouseEvent("mouseenter")));
      icon.addEventListener("blur", () => icon.dispatchEvent(new MouseEvent("mouseleave")));
    }
  }
}

function nameChart(view) {
  const { model } = view;
  const tag = (model.tags || []).find((t) => typeof t === "string" && t.startsWith(ALT_TAG));
  const title = model.title && typeof model.title.text === "string" ? model.title.text : "";
  setAttr(view.el, "role", "img");
  setAttr(view.el, "aria-label", tag ? tag.slice(ALT_TAG.length) : `Chart: ${title || "untitled"}`);
  // Bokeh makes the chart a tab stop for its tools' keys; these charts have no tools.
  setAttr(view.canvas_view?.events_el, "tabindex", "-1");
}

function pass() {
  passTimer = null;
  for (const view of everyView(roots)) {
    const shadow = view.shadow_el;
    if (!shadow) continue;
    if (inside && !shadow.adoptedStyleSheets.includes(inside))
      shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, inside];
    if (view.canvas_view && view.model.title !== undefined) nameChart(view);
    else if ("title" in view.model || view.model.type === "Checkbox") nameWidget(view);
    // A code box that scrolls sideways must be reachable by keyboard to be scrolled.
    for (const pre of shadow.querySelectorAll("pre")) setAttr(pre, "tabindex", "0");
  }
}

/** Make the drawn lesson accessible now, and again (at most every PASS_MS) after each call. */
export function refresh(views) {
  if (views) roots = views;
  if (passTimer === null) passTimer = setTimeout(pass, views ? 0 : PASS_MS);
  rescueFocus();
}

// ---- focus that would fall to <body> -------------------------------------------------------

document.addEventListener("focusin", (event) => {
  lastFocused = event.composedPath()[0];
});

function deepActive() {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const FOCUSABLE = "button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), .noUi-handle";

function focusableIn(host) {
  const found = host.shadowRoot?.querySelector(FOCUSABLE);
  if (found && !found.closest("[disabled]")) return found;
  for (const inner of host.shadowRoot?.querySelectorAll("*") ?? []) {
    if (inner.shadowRoot) {
      const deeper = focusableIn(inner);
      if (deeper) return deeper;
    }
  }
  return null;
}

// The nearest control still usable around the one that went away (Train → Stop, Stop → Train).
function neighbour(element) {
  let host = element.getRootNode().host;
  for (let level = 0; host && level < 4; level += 1, host = host.getRootNode().host) {
    const siblings = [...host.parentNode.children];
    const at = siblings.indexOf(host);
    const order = siblings.map((_, i) => i).filter((i) => i !== at)
      .sort((a, b) => Math.abs(a - at) - Math.abs(b - at) || b - a);
    for (const i of order) {
      const found = focusableIn(siblings[i]);
      if (found) return found;
    }
  }
  return null;
}

function rescueFocus() {
  const gone = lastFocused;
  if (!gone || !(gone.disabled || gone.closest?.("[disabled]") || !gone.isConnected)) return;
  const active = deepActive();
  if (active && active !== document.body && active !== gone) return;
  const target = (gone.isConnected && neighbour(gone)) || document.getElementById("faders-live");
  target.focus();
}

// ---- the lesson's voice --------------------------------------------------------------------

/** Copy each sentence the lesson says (its hidden announcer) into the page's live region. */
export function listen(jsdoc, region) {
  const announcer = jsdoc.get_model_by_name(ANNOUNCER);
  if (!announcer) return;
  announcer.properties.text.change.connect(() => {
    region.textContent = announcer.text;
  });
}

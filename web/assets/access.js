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

const helpWords = new Map(); // help source → its words
const HELP_TEXTS_KEPT = 500; // far more than a lesson has knobs: a bound, not a limit in practice

// Panel hands help over as a Tooltip whose content is an HTML model (from the knob's doc, written
// in the code); its words are read from an inert parse, which runs nothing.
function helpText(description) {
  if (description == null) return "";
  if (typeof description === "string") return description;
  const content = description.content;
  if (typeof content === "string") return content;
  const html = content?.html;
  const source = Array.isArray(html) ? html.filter((part) => typeof part === "string").join(" ") : html;
  if (typeof source !== "string") return "";
  // Parsed once per text: every parse makes a whole document, which Chromium frees only in a full
  // collection, and this runs after every redraw (a training run grew by tens of MB a minute).
  let words = helpWords.get(source);
  if (words === undefined) {
    words = new DOMParser().parseFromString(source, "text/html").body.textContent.trim();
    if (helpWords.size >= HELP_TEXTS_KEPT) helpWords.clear();
    helpWords.set(source, words);
  }
  return words;
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
    // Named "Help" with the widget's name in its description: a name containing the widget's own
    // would compete with it when people and tools look the widget up by its label.
    setAttr(icon, "aria-label", "Help");
    setAttr(icon, "aria-description", `${name}: ${help}`);
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
  const name = `Chart: ${title || "untitled"}`;
  // The title names the chart; the words with its numbers describe it (a long name would also be
  // taken for the label of every control whose name it happens to contain).
  const words = tag ? tag.slice(ALT_TAG.length) : "";
  setAttr(view.el, "role", "img");
  setAttr(view.el, "aria-label", name);
  if (words) setAttr(view.el, "aria-description", words.startsWith(`${name}.`) ? words.slice(name.length + 2) : words);
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

let lastHost = null; // the focused control's Bokeh view element, which outlives a redraw of the control
let readerClicked = false; // a click since focus last moved: if focus is on <body> now, they put it there

document.addEventListener("pointerdown", () => { readerClicked = true; }, true);
document.addEventListener("focusin", (event) => {
  if (event.target.id === "faders-live") return; // parked focus is not a choice
  readerClicked = false;
  remember(event.composedPath()[0]);
});

function deepActive() {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const FOCUSABLE = "button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), .noUi-handle";

// Disabled, gone, or not shown (a hidden widget's control cannot take focus).
const unusable = (element) =>
  element.disabled || element.closest?.("[disabled]") || !element.isConnected || !element.checkVisibility();

function focusableIn(host) {
  for (const found of host.shadowRoot?.querySelectorAll(FOCUSABLE) ?? []) {
    if (!unusable(found)) return found;
  }
  for (const inner of host.shadowRoot?.querySelectorAll("*") ?? []) {
    if (inner.shadowRoot) {
      const deeper = focusableIn(inner);
      if (deeper) return deeper;
    }
  }
  return null;
}

// The control itself if it is usable again (perhaps redrawn), else the nearest usable one around
// it (Train → Stop, Stop → Train).
function near(host) {
  for (let level = 0; host?.isConnected && level < 4; level += 1, host = host.getRootNode().host) {
    const own = focusableIn(host);
    if (own) return own;
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

// When nothing near is usable yet (a run disables every knob), focus waits on the lesson itself and
// goes back beside the control it left as soon as one can be used again.
let parked = false;

function remember(element) {
  lastFocused = element;
  lastHost = element.getRootNode().host ?? null;
}

function rescueFocus() {
  const live = document.getElementById("faders-live");
  const active = deepActive();
  if (active && active !== document.body && active !== live && !unusable(active)) {
    parked = false;
    return remember(active); // focus is where it belongs: note where that is
  }
  if (!lastFocused) return; // nothing was focused yet: nothing to keep
  if (active === live && !parked) return; // a link or the reader put focus on the lesson itself
  if (active === document.body && readerClicked) return; // they clicked where nothing takes focus
  // Focus was taken from the reader (its control disabled, hidden or redrawn): give it back.
  const target = unusable(lastFocused) ? near(lastHost) : lastFocused;
  target?.focus();
  if (target && deepActive() === target) {
    parked = false;
    return;
  }
  if (!parked) {
    parked = true;
    live.focus();
  }
}

// A focused control that is disabled or redrawn loses focus without an event: look every tenth of
// a second too (a few property reads) besides after each update.
setInterval(rescueFocus, 100);

// ---- the lesson's voice --------------------------------------------------------------------

/** Copy each sentence the lesson says (its hidden announcer) into the page's live region. */
export function listen(jsdoc, region) {
  const announcer = jsdoc.get_model_by_name(ANNOUNCER);
  if (!announcer) return;
  announcer.properties.tags.change.connect(() => {
    region.textContent = String(announcer.tags[0] ?? "");
  });
}

// Opens a lesson at a place: a link ending in #<name> (the glossary's deep links) scrolls, once the
// lesson is drawn, to the section its view marked with kit.places.place(name, ...) and outlines it.
// Panel draws in shadow roots, so the marked element is looked for through them.
const PREFIX = "faders-place-";
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SETTLE_MS = [150, 500, 1200, 2500]; // charts may still change the layout after the first draw
const SHOWN_MS = 10_000;

export function findPlace(name, root = document) {
  const found = root.querySelector(`.${PREFIX}${name}`);
  if (found) return found;
  for (const element of root.querySelectorAll("*")) {
    const inside = element.shadowRoot && findPlace(name, element.shadowRoot);
    if (inside) return inside;
  }
  return null;
}

export function goToPlace(hash = location.hash) {
  const name = decodeURIComponent(hash.replace(/^#/, ""));
  if (!NAME.test(name)) return null;
  const element = findPlace(name, document.getElementById("faders-live") || document);
  if (!element) return null;
  let moved = false; // the reader scrolled or pressed a key: leave the page where they put it
  const stop = () => { moved = true; };
  for (const kind of ["wheel", "touchstart", "keydown", "pointerdown"])
    addEventListener(kind, stop, { once: true, passive: true });
  const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
  element.scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" });
  for (const delay of SETTLE_MS)
    setTimeout(() => moved || element.scrollIntoView({ block: "start" }), delay);
  element.dataset.fadersHere = name;
  // As a browser does for an in-page link: the next Tab goes on from the place.
  if (!element.hasAttribute("tabindex")) element.tabIndex = -1;
  element.focus({ preventScroll: true });
  element.style.outline = "3px solid #d9480f"; // the site's accent: a place, not a focus ring
  element.style.outlineOffset = "6px";
  element.style.borderRadius = "4px";
  element.style.scrollMarginTop = "4rem"; // and a line of what comes before it
  setTimeout(() => { element.style.outline = ""; }, SHOWN_MS);
  return element;
}

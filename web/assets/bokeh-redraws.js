// Bokeh 3.10 redraws a figure in three ways that Chromium pays for in memory: it writes the same text
// into each of the figure's <style> elements again (Chromium parses every such sheet anew), and it
// asks getComputedStyle() again for every line, fill and text it draws (a new style object each
// time). Chromium frees what both leave behind only once the page goes idle, so a lesson that
// redraws ten times a second while it trains grew by about 40 MB a minute. Both habits go here.

// Writing a <style> element's own text again changes nothing: skip it.
function skipUnchangedStyles(Bokeh) {
  const { InlineStyleSheet } = Bokeh.require("core/dom");
  const write = InlineStyleSheet.prototype._update;
  InlineStyleSheet.prototype._update = function (css) {
    if (this.el.textContent !== css) write.call(this, css);
  };
}

// A computed style is live (it always answers with the element's current style): one per element
// serves every later read. Pseudo-element styles are rare here and asked for afresh.
function shareComputedStyles(window) {
  const read = window.getComputedStyle;
  const styles = new WeakMap();
  window.getComputedStyle = function (element, pseudo) {
    if (pseudo) return read.call(window, element, pseudo);
    let style = styles.get(element);
    if (style === undefined) styles.set(element, (style = read.call(window, element)));
    return style;
  };
}

// A text's measure depends only on the text and the context's text settings; Bokeh measures every
// label and tick again on each redraw (about 180 times a frame on the network page), and each
// answer is a new object for the collector. Answers are shared, a bounded number of them.
const MEASURES_KEPT = 5000;

function shareTextMeasures(window) {
  const context = window.CanvasRenderingContext2D.prototype;
  const measure = context.measureText;
  const measures = new Map();
  context.measureText = function (text) {
    const key = [this.font, this.textAlign, this.textBaseline, this.direction, this.letterSpacing,
      this.wordSpacing, this.fontKerning, this.fontStretch, this.fontVariantCaps, this.textRendering,
      text].join("\u0000");
    let metrics = measures.get(key);
    if (metrics === undefined) {
      if (measures.size >= MEASURES_KEPT) measures.clear();
      measures.set(key, (metrics = measure.call(this, text)));
    }
    return metrics;
  };
}

let lightened = false;

// Safe to call on every draw: the habits are replaced once per page.
export function lightenRedraws(Bokeh, window) {
  if (lightened) return;
  lightened = true;
  skipUnchangedStyles(Bokeh);
  shareComputedStyles(window);
  shareTextMeasures(window);
}

// Bokeh 3.10 redraws a figure in two ways that Chromium pays for in memory: it writes the same text
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

let lightened = false;

// Safe to call on every draw: the habits are replaced once per page.
export function lightenRedraws(Bokeh, window) {
  if (lightened) return;
  lightened = true;
  skipUnchangedStyles(Bokeh);
  shareComputedStyles(window);
}

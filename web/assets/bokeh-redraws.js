// Bokeh 3.10 redraws a figure in ways that Chromium pays for in memory: it writes the same text into
// each of the figure's <style> elements again (Chromium parses every such sheet anew), asks
// getComputedStyle() and measureText() again for every line, fill and label it draws, and reads
// an image's pixels back before overwriting them all (a new object each time, for each), and reads
// style variables that nothing sets. Chromium
// frees what these leave behind only in a full collection, which a page redrawing ten times a
// second rarely gets, so a lesson that trained for minutes grew by about 40 MB a minute. Each
// habit is replaced here by one that draws the same pixels.

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
// answer is a new object for the collector. Answers are shared while they are in use: a measure is
// kept for as long as it is asked for again within two generations of this many new measures, so
// the axes' labels stay and a counter's old values go (each measure holds Blink's shaping of the
// text: a large cache is held memory, not a saving).
const MEASURES_PER_GENERATION = 500;

function shareTextMeasures(window) {
  const context = window.CanvasRenderingContext2D.prototype;
  const measure = context.measureText;
  let recent = new Map();
  let older = new Map();
  context.measureText = function (text) {
    const key = [this.font, this.textAlign, this.textBaseline, this.direction, this.letterSpacing,
      this.wordSpacing, this.fontKerning, this.fontStretch, this.fontVariantCaps, this.textRendering,
      text].join("\u0000");
    let metrics = recent.get(key);
    if (metrics === undefined) {
      metrics = older.get(key) ?? measure.call(this, text);
      if (recent.size >= MEASURES_PER_GENERATION) {
        older = recent;
        recent = new Map();
      }
      recent.set(key, metrics);
    }
    return metrics;
  };
}

// Bokeh writes each new image (the network's 25 neuron pictures, ten times a second) through a fresh
// ImageData read back from its canvas, only to overwrite every byte of it. One buffer per canvas,
// written whole each time, draws the same pixels without the garbage.
function reuseImageBuffers(Bokeh) {
  const { ImageBaseView } = Bokeh.require("models/glyphs/image_base");
  const buffers = new WeakMap(); // canvas → the ImageData its pixels are written through
  ImageBaseView.prototype._set_image_data_from_buffer = function (i, bytes) {
    const canvas = this._get_or_create_canvas(i);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    let image = buffers.get(canvas);
    if (image === undefined || image.width !== canvas.width || image.height !== canvas.height) {
      image = context.createImageData(canvas.width, canvas.height);
      buffers.set(canvas, image);
    }
    image.data.set(bytes);
    context.putImageData(image, 0, 0);
    this.image_data[i] = canvas;
  };
}

// Bokeh lets a page style a glyph's lines, fills and text with CSS variables (--bk-line-color and
// the like), and reads each one with getComputedStyle() for every visual it draws, which makes the
// browser bring every style up to date first (a fifth of drawing a lesson). No style sheet of this
// site, Bokeh's or Panel's sets one (tests/e2e/test_network_page.py): each read would answer "", and
// Bokeh then uses the model's own value, as it does here at once.
function skipStyleVariables(Bokeh) {
  const { VisualProperties } = Bokeh.require("core/visuals/visual");
  VisualProperties.prototype._get_css_value = () => "";
}

let lightened = false;

// Safe to call on every draw: the habits are replaced once per page.
export function lightenRedraws(Bokeh, window) {
  if (lightened) return;
  lightened = true;
  skipUnchangedStyles(Bokeh);
  shareComputedStyles(window);
  shareTextMeasures(window);
  reuseImageBuffers(Bokeh);
  skipStyleVariables(Bokeh);
}

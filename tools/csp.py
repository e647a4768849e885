"""The site's Content-Security-Policy: one policy for every page, sent as a <meta> tag (so it holds
on any static host) and as a header by `build.py serve` (the header also covers the worker, which
takes its policy from its own script's response).

Each entry is the narrowest the site works with:
- scripts only from the site itself; 'wasm-unsafe-eval' lets Pyodide compile its WebAssembly
  (and numpy's extension modules). No 'unsafe-inline' and no 'unsafe-eval': inline scripts and
  event handlers never run, and neither Bokeh, Panel nor Pyodide needs eval here.
- styles from the site, plus 'unsafe-inline': Bokeh and Panel style every element they draw with
  inline styles and <style> elements in shadow roots. Styles cannot run code.
- images and fonts from the site and from data: URLs (Bokeh's toolbar icons and Panel's spinner
  are data: images in its CSS; Bokeh's canvas exports are blob: images).
- connections and workers only to the site itself: nothing is sent to, or fetched from, any
  other host.
- no plugins (object-src), no <base> pointing elsewhere, forms only to the site.
- frame-ancestors is not set: lessons are meant to be embedded anywhere.
"""

from __future__ import annotations

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}

CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in DIRECTIVES.items())

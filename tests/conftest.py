"""Unit tests see what the browser has: no pandas and no nh3 (they are not shipped to Pyodide)."""

import sys

for absent in ("pandas", "nh3"):
    sys.modules.setdefault(absent, None)  # importing it now raises ImportError, as in the browser

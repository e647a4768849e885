"""Data shipped with the site, inside the faders package, each file with its source and licence.

`names.txt`: 5,163 first names, one a line, lower case (a–z), each once, most frequent first (female
then male). Derived from the US Census 1990 name lists in the PyPI package `names` 0.3.0; the build
derives it again from that package's pinned sdist and checks it byte for byte (deps.toml, tools/deps.py).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

NAMES_SOURCE = ("US Census Bureau, 1990 first-name lists (female and male), as shipped in the PyPI "
                "package names 0.3.0 by Trey Hunner")
NAMES_SOURCE_URL = "https://pypi.org/project/names/0.3.0/"
NAMES_LICENCE = "public domain (a work of the US federal government); the names package itself is MIT"


@cache
def first_names() -> tuple[str, ...]:
    """Every first name of the corpus, in the file's order."""
    text = files(__name__).joinpath("names.txt").read_text(encoding="ascii")
    return tuple(text.split())

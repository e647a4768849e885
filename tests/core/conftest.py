"""Settings for the core suite, which runs both in CPython and inside Pyodide (slower: no deadline)."""

from hypothesis import settings

settings.register_profile("faders", deadline=None, print_blob=True)
settings.load_profile("faders")

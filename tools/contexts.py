"""Browser contexts whose lesson pages start cold, as on a first visit, and stay that way.

A lesson page that finds no snapshot of the started runtime makes one in the background once it is
ready, and fills the offline copy (web/assets/lesson.js). Tests and benchmarks that time or check
something else turn that off, so that every page load is the same work and nothing runs behind
what they measure; tests/e2e/test_snapshot.py, test_offline.py and tools/bench_start.py ask for it.
"""

from __future__ import annotations

COLD_START_JS = "try { localStorage.setItem('faders-start', 'cold'); } catch {}"


def cold_context(browser, **options):  # type: ignore[no-untyped-def]
    """A new browser context whose pages start cold (Playwright's `new_context` options apply)."""
    context = browser.new_context(**options)
    context.add_init_script(COLD_START_JS)
    return context

"""Outside text stays text, on every lesson: hostile strings in the URL (as keys and as values),
through `faders.set` and through `postMessage` from a blog on another origin. A test passes only if
no script ran, no element was made from outside text, no dialog opened, the policy was never
challenged, the text is shown as the characters it holds, and the lesson still works.

The lessons come from the registry, so every new lesson is covered without a new test.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from faders.lessons import LESSON_CLASSES, lesson_class
from tests.e2e.conftest import Guarded, lesson_frame, open_blog_post

# Each would set window.pwned, open a dialog or leave an element of class "fz" if it were markup.
HOSTILE = [
    '<img src=x class=fz onerror="window.pwned=1;alert(1)">',
    '<svg class=fz onload="window.pwned=1;alert(1)"></svg>',
    "<script class=fz>window.pwned=1;alert(1)</script>",
    "javascript:window.pwned=1;alert(1)",
    "*<b class=fz>bold?</b>* [a link](javascript:window.pwned=1)",
    '<a class=fz href="javascript:alert(1)">x</a>',
    "\u0000\u0007\u202eevil\u200b\ttab\nline",
    "ünïcødé 😀 中文 עברית $$x^2$$ `code`",
    "A" * 5000,
]
SHOWN = '<img src=x class=fz onerror="window.pwned=1;alert(1)">'[:40] + "…"  # as a notice quotes it

# Elements made from outside text would carry class "fz"; look everywhere, shadow roots too.
FOUND_JS = """() => {
  const found = [];
  const walk = (root) => {
    for (const element of root.querySelectorAll("*")) {
      if (element.classList.contains("fz") || /^javascript:/i.test(element.getAttribute("href") || ""))
        found.push(element.outerHTML.slice(0, 80));
      if (element.shadowRoot) walk(element.shadowRoot);
    }
  };
  walk(document);
  return found;
}"""

# The page's CSP violations, recorded from the first script on (Playwright's own, outside the policy).
RECORD_VIOLATIONS_JS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""


def hostile_query(slug: str) -> str:
    """Hostile strings as unknown keys, and as the values of the lesson's own first keys."""
    keys = list(lesson_class(slug).url_names)
    pairs = [(text, "1") for text in HOSTILE]
    pairs += [(key, text) for key, text in zip(keys, HOSTILE, strict=False)]
    return urllib.parse.urlencode([("embed", "1"), *pairs])


def assert_nothing_ran(page: Page, frame: Frame, dialogs: list[str]) -> None:
    assert frame.evaluate("window.pwned") is None and page.evaluate("window.pwned") is None
    assert frame.evaluate(FOUND_JS) == []
    assert dialogs == []
    assert frame.evaluate("window.violations") == []


@pytest.mark.parametrize("slug", list(LESSON_CLASSES))
def test_outside_text_is_shown_as_text_and_never_runs(
        guarded: Guarded, base_url: str, tmp_path: Path, slug: str) -> None:
    dialogs: list[str] = []

    def watch(page: Page) -> None:
        page.add_init_script(RECORD_VIOLATIONS_JS)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page, blog = open_blog_post(guarded, tmp_path, f"{base_url}lessons/{slug}.html?{hostile_query(slug)}",
                                before=watch)
    frame = lesson_frame(page)
    defaults = lesson_class(slug)().settings()

    # From the URL: every hostile key and value refused with a notice that quotes it as text.
    first = frame.evaluate("faders.get()")
    assert first["settings"] == defaults
    assert len(first["notices"]) >= len(HOSTILE)
    expect(frame.locator("#faders-notices")).to_contain_text(f"Ignored unknown setting '{SHOWN}'")
    assert_nothing_ran(page, frame, dialogs)

    # Through the API in the page, and through postMessage from the blog.
    hostile_settings = {text: text for text in HOSTILE} | dict.fromkeys(defaults, HOSTILE[0])
    answer = frame.evaluate("(settings) => faders.set(settings)", hostile_settings)
    assert answer["settings"] == defaults and len(answer["notices"]) >= len(HOSTILE)
    for text in HOSTILE[:5]:
        assert "Unknown action" in page.evaluate("(action) => ask('run', action)", text)["error"]
        assert "Unknown method" in page.evaluate("(method) => ask(method)", text)["error"]
    assert page.evaluate("(s) => ask('set', s)", hostile_settings)["result"]["settings"] == defaults
    assert_nothing_ran(page, frame, dialogs)

    # And the lesson still works: a good setting is taken, without a notice.
    key, value = next(iter(defaults.items()))
    again = page.evaluate("(s) => ask('set', s)", {key: value})["result"]
    assert again["notices"] == [] and again["settings"] == defaults
    assert frame.evaluate("document.documentElement.dataset.fadersState") == "ready"
    page.close()
    blog.shutdown()

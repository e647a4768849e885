"""Every page carries the site's Content-Security-Policy, and the browser enforces it: an injected
inline handler does not run, and neither the page nor its worker can reach another host."""

from __future__ import annotations

import re
import urllib.request
from html import unescape

import pytest
from playwright.sync_api import Page

from faders.lessons import LESSON_CLASSES
from tests.e2e.conftest import DIST, Guarded, open_lesson
from tools.csp import CONTENT_SECURITY_POLICY

PAGES = ["index.html", "glossary.html", "embed.html", *(f"lessons/{slug}.html" for slug in LESSON_CLASSES)]
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')

# A handler smuggled into the page as markup, as a missed escape would put it there, and a request
# to another host; the browser's reports of what its policy refused are collected meanwhile.
PROBE_JS = """() => new Promise((resolve) => {
  const refused = [];
  document.addEventListener("securitypolicyviolation", (e) => refused.push(e.violatedDirective));
  document.body.insertAdjacentHTML("beforeend",
    '<img src="data:," onload="window.ran = 1" onerror="window.ran = 1">');
  const done = (fetched) =>
    resolve({ran: window.ran ?? null, fetched, refused: [...new Set(refused)].sort()});
  fetch("http://example.org/faders").then(() => "answered", (error) => error.name)
    .then((fetched) => setTimeout(() => done(fetched), 300));
})"""
WORKER_FETCH_JS = "() => fetch('http://example.org/faders').then(() => 'answered', (error) => error.name)"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_policy_in_its_head_and_its_header(path: str, base_url: str) -> None:
    html = (DIST / path).read_text()
    assert [unescape(policy) for policy in META.findall(html)] == [CONTENT_SECURITY_POLICY]
    assert html.index("Content-Security-Policy") < html.find("<script") or "<script" not in html
    with urllib.request.urlopen(base_url + path) as response:
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def assert_refused(page: Page) -> None:
    probe = page.evaluate(PROBE_JS)
    assert probe == {"ran": None, "fetched": "TypeError", "refused": ["connect-src", "script-src-attr"]}


def test_the_browser_refuses_injected_handlers_and_other_hosts(guarded: Guarded, base_url: str) -> None:
    index = guarded.new_page()
    index.goto(base_url + "index.html")
    assert_refused(index)
    index.close()
    page = open_lesson(guarded, base_url + "lessons/function.html")
    assert_refused(page)
    # The worker has the policy too (from its script's header): it cannot send anything away.
    assert page.workers[0].evaluate(WORKER_FETCH_JS) == "TypeError"
    assert page.evaluate("document.documentElement.dataset.fadersState") == "ready"
    page.close()
    assert guarded.foreign == []  # the browser refused them: the test's router never saw one

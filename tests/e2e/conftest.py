"""End-to-end fixtures: dist/ served on 127.0.0.1, driven in Debian's chromium by Playwright.

Every request to another host is aborted and recorded; each test module fails if one happened, or
if it asked this site for a file the site does not have.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Locator, Page, Playwright, sync_playwright

from faders.lessons import lesson_class
from tools.contexts import COLD_START_JS
from tools.server import StaticServer, start
from tools.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-dev-shm-usage"]
WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Chromium told to resolve no host but this machine's, so a request elsewhere fails before it leaves:
# the guard of a module whose pages must read the browser's HTTP cache, which routing turns off.
SEALED_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]
READY_TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def server() -> Iterator[StaticServer]:
    if not (DIST / "index.html").exists():
        pytest.fail("dist/ is not built: run `python3 build.py test`, which builds it first.")
    srv = start(DIST)
    yield srv
    srv.shutdown()


def linked_site(root: Path, written: tuple[str, ...] = (), left_out: tuple[str, ...] = ()) -> Path:
    """dist/ in `root` as links, file by file, for a test that deploys a site of its own: the files
    named in `written` as copies the test may rewrite (their compressed twins left out, so that the
    server sends them), and no file whose path starts with one of `left_out`."""
    for path in DIST.rglob("*"):
        name = path.relative_to(DIST).as_posix()
        if path.is_dir() or name.startswith(left_out) or (name.startswith(written) and name not in written):
            continue
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if name in written:
            (root / name).write_bytes(path.read_bytes())
        else:
            (root / name).symlink_to(path)
    return root


@pytest.fixture(scope="session")
def base_url(server: StaticServer) -> str:
    return f"http://127.0.0.1:{server.server_port}/"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright for the session: its sync API refuses to start a second alongside."""
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def sealed_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium that can reach this machine only (SEALED_ARGS), for a Guarded context that watches
    requests rather than routes them."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + SEALED_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def gpu_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium with WebGPU on SwiftShader, a GPU emulated on the CPU (the default one has no adapter)."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + WEBGPU_ARGS)
    yield chromium
    chromium.close()


# Pages start cold in the tests, as on a first visit, unless a test asks for the reader's own
# snapshot of the started runtime (tests/e2e/test_snapshot.py): every page load is then the same
# work, and no snapshot is made in the background while a test measures something
# (tools.contexts.COLD_START_JS).


class Guarded:
    """A browser context that refuses and records every request to a host other than this one.
    `routed=False`: requests are only recorded, for a browser that cannot reach other hosts anyway
    (sealed_browser); Playwright's routing turns the HTTP cache off, and some pages must read it."""

    def __init__(self, browser: Browser, snapshots: bool = False, routed: bool = True,
                 **context_options: object) -> None:
        self.context: BrowserContext = browser.new_context(**context_options)
        self.foreign: list[str] = []
        self.local: list[str] = []
        self.console: list[str] = []
        self.missing: list[str] = []  # what this machine's servers answered 404
        self.context.on("response", lambda response: response.status == 404 and self._missing(response.url))
        if routed:
            self.context.route("**/*", self._route)
        else:
            self.context.on("request", lambda request: self._record(request.url))
        if not snapshots:
            self.context.add_init_script(COLD_START_JS)

    def _record(self, url: str) -> bool:
        """Note where `url` goes; True if it stays on this machine."""
        local = url.startswith(("data:", "blob:")) or urllib.parse.urlparse(url).hostname in LOCAL_HOSTS
        (self.local if local else self.foreign).append(url)
        return local

    def _missing(self, url: str) -> None:
        if urllib.parse.urlparse(url).hostname in LOCAL_HOSTS:
            self.missing.append(url)

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        if self._record(route.request.url):
            route.continue_()
        else:
            route.abort()

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("console", lambda message: self.console.append(f"[{message.type}] {message.text}"))
        page.on("pageerror", lambda error: self.console.append(f"[pageerror] {error}"))
        page.on("worker", lambda worker: worker.on(
            "console", lambda message: self.console.append(f"[worker {message.type}] {message.text}")))
        return page


def guarding(browser: Browser, snapshots: bool = False, routed: bool = True) -> Iterator[Guarded]:
    """A Guarded context for a test module; the module fails if it asked another host for anything,
    or the site for a file it does not have (a style sheet Panel names that the build left out)."""
    guard = Guarded(browser, snapshots=snapshots, routed=routed)
    yield guard
    guard.context.close()
    assert guard.foreign == [], f"requests to other hosts: {guard.foreign}"
    assert guard.missing == [], f"files the site does not have: {guard.missing}"


@pytest.fixture(scope="module")
def guarded(browser: Browser) -> Iterator[Guarded]:
    yield from guarding(browser)


@pytest.fixture(scope="module")
def gpu_guarded(gpu_browser: Browser) -> Iterator[Guarded]:
    yield from guarding(gpu_browser)


def open_lesson(guard: Guarded, url: str) -> Page:
    """Open a lesson page and wait until its Python side is ready."""
    page = guard.new_page()
    page.goto(url)
    try:
        wait_until(page, "document.documentElement.dataset.fadersState !== 'loading'",
                               timeout=READY_TIMEOUT_MS, polling=100)
    except Exception:
        print("\n".join(guard.console[-40:]))
        raise
    state = page.evaluate("document.documentElement.dataset.fadersState")
    if state != "ready":
        detail = page.locator("#faders-error-detail").text_content()
        pytest.fail(f"lesson did not become ready ({state}): {detail}\n" + "\n".join(guard.console[-20:]))
    return page


def snapshot(page: Page) -> dict:
    """What faders.get() answers: the lesson's settings, results and notices."""
    return page.evaluate("faders.get()")


def live(page: Page) -> Locator:
    """The live lesson, as opposed to the still preview shown while it loads."""
    return page.locator("#faders-live")


# The boxes of the live lesson's canvases whose height lies in [low, high] px, each scrolled into view first
# (a click lands only inside the viewport). A Bokeh chart layers several canvases in one box.
CANVAS_BOXES_JS = """([low, high]) => {
  const found = [];
  const walk = (root) => {
    for (const element of root.querySelectorAll("*")) {
      if (element.tagName === "CANVAS") {
        const box = element.getBoundingClientRect();
        if (box.height >= low && box.height <= high) {
          element.scrollIntoView({block: "center"});
          const seen = element.getBoundingClientRect();
          found.push([seen.x, seen.y, seen.width, seen.height]);
        }
      }
      if (element.shadowRoot) walk(element.shadowRoot);
    }
  };
  walk(document.getElementById("faders-live"));
  return found;
}"""


def canvas_boxes(page: Page, low: float, high: float) -> list[list[float]]:
    """[left, top, width, height] of each canvas from low to high px tall, scrolled into view."""
    return page.evaluate(CANVAS_BOXES_JS, [low, high])


def until(page: Page, predicate: str, timeout_s: float = 60.0) -> dict:
    """Poll faders.get() until `predicate` (a JS function of the snapshot) holds; return the snapshot."""
    deadline = time.monotonic() + timeout_s
    while True:
        snapshot, done = page.evaluate(f"faders.get().then((s) => [s, Boolean(({predicate})(s))])")
        if done:
            return snapshot
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}: {snapshot['results'].get('status')}")
        page.wait_for_timeout(100)


# A blog post that embeds a lesson and talks to it with postMessage (window.ask, window.events).
HOST_PAGE = """<!doctype html><title>A blog post</title>
<iframe id="lesson" title="A lesson" src="{src}" width="900" height="700"></iframe>
<script>
window.events = [];
addEventListener("message", (e) => {{
  const m = e.data && e.data.faders; if (m && m.event) events.push(m); }});
let next = 1;
window.ask = (method, argument) => new Promise((resolve) => {{
  const id = next++;
  const listen = (e) => {{ const m = e.data && e.data.faders;
    if (m && m.id === id) {{ removeEventListener("message", listen); resolve(m); }} }};
  addEventListener("message", listen);
  document.getElementById("lesson").contentWindow.postMessage({{faders: {{id, method, argument}}}}, "*");
}});
</script>"""


def open_blog_post(guard: Guarded, folder: Path, src: str,
                   before: Callable[[Page], object] = lambda page: None) -> tuple[Page, StaticServer]:
    """A blog post embedding the lesson at `src`, served from another origin (a second server, on
    another port) without the site's policy, opened once the lesson has said it is ready. `before`
    prepares the page before it loads. Returns the page and the blog's server (to shut down)."""
    (folder / "blog-post.html").write_text(HOST_PAGE.format(src=src))
    blog = start(folder, policy=None)  # a blog has its own rules
    page = guard.new_page()
    before(page)
    page.goto(f"http://127.0.0.1:{blog.server_port}/blog-post.html")
    wait_until(page, "events.some((e) => e.event === 'ready')", timeout=READY_TIMEOUT_MS)
    return page, blog


def lesson_frame(page: Page) -> Frame:
    """The lesson inside a blog post."""
    return next(frame for frame in page.frames if "/lessons/" in frame.url)


_first_settings: dict[int, dict[str, str]] = {}
RESET_ACTIONS = ("stop", "fit_stop", "reset", "fit_reset")


def restoring(page: Page) -> Iterator[Page]:
    """A module's lesson page for one test, put back afterwards as it was first opened (stopped,
    reset, its first settings), so that no test depends on what another left behind."""
    first = _first_settings.setdefault(id(page), snapshot(page)["settings"])
    yield page
    slug = urllib.parse.urlparse(page.url).path.rsplit("/", 1)[-1].removesuffix(".html")
    for action in RESET_ACTIONS:
        if action in lesson_class(slug).actions:
            page.evaluate("(action) => faders.run(action)", action)
    restored = page.evaluate("(settings) => faders.set(settings)", first)
    assert restored["settings"] == first, restored["notices"]

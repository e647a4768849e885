"""Starting a lesson: cold, warm from the reader's own snapshot (web/assets/pyodide-snapshot.js),
warm with the network off (the service worker), and three embeds on one host page; each beside
today's path, the worker of the last commit before snapshots (BASELINE), served in its place.

One round = one fresh browser profile per path (a persistent one, on disk, as a reader's: V8 keeps
compiled wasm only there), in rotated order; figures are medians of ROUNDS. Times are from the
page's navigation to `faders-ready`. Chromium is driven over its own DevTools pipe with a session
on each page only (tools/devtools_pipe.py), as a reader's browser has no debugger on its workers.
Run alone: `python -m tools.bench_start`.
"""

from __future__ import annotations

import json
import math
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from tools.bench_memory import resident_mb
from tools.contexts import COLD_START_JS
from tools.devtools_pipe import Browser, Page
from tools.offline import OWN, offline_files
from tools.server import start

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "14b177433b3fb0b724f9f0af7b71deb5c14af5b0"  # the site's worker before snapshots
ROUNDS = 3
COLD, WARM, OFFLINE = "lessons/function.html", "lessons/knn.html", "lessons/scale.html"
EMBEDS = ["function", "logits", "bias-variance"]
TODAY_JS = COLD_START_JS
STATE = "document.documentElement.dataset.fadersState !== 'loading'"
READY_MS = "performance.getEntriesByName('faders-ready')[0]?.startTime ?? NaN"
OFFLINE_READY = ("navigator.serviceWorker.ready.then(async (r) => !!r.active && "
                 "(await caches.keys()).some((n) => n.startsWith('faders-site-')))")
# Long tasks of the page's own thread, kept from the start; those after ready are the snapshot's,
# the offline copy's and the idle page's.
LONG_TASKS_JS = """window.fadersLongTasks = [];
new PerformanceObserver((list) => window.fadersLongTasks.push(...list.getEntries().map(
  (e) => [e.startTime, e.duration]))).observe({ type: "longtask", buffered: true });"""
LONGEST_AFTER_READY = ("Math.max(0, ...window.fadersLongTasks.filter(([at]) => at > "
                       "performance.getEntriesByName('faders-ready')[0].startTime).map(([, d]) => d))")
HEAP_JS = "self.pyodide?._module.HEAP8.length ?? null"  # the lesson's worker, not a snapshot's
HOST_PAGE = """<!doctype html><meta charset="utf-8"><title>A blog</title>
<script>
window.readyAt = [];
addEventListener("message", (e) => {
  if (e.data && e.data.faders && e.data.faders.event === "ready") window.readyAt.push(performance.now());
});
</script>
{frames}
"""


def baseline_worker() -> bytes:
    return subprocess.run(["git", "show", f"{BASELINE}:web/assets/worker.js"], cwd=ROOT,
                          capture_output=True, check=True).stdout


def today_site(folder: Path) -> Path:
    """A copy of the built site with today's worker in place of the site's (no compressed
    variants of it, so that the server sends this one)."""
    from tools.bench import DIST

    site = folder / "today"
    shutil.copytree(DIST, site)
    for variant in site.glob("assets/worker.js*"):
        variant.unlink()
    (site / "assets" / "worker.js").write_bytes(baseline_worker())
    return site


def new_context(profile: str, today: bool) -> Browser:
    """A browser on an empty profile; `today`: snapshots turned off (and the site served with
    today's worker, see today_site)."""
    from tools.bench import CHROMIUM_ARGS

    return Browser(profile, CHROMIUM_ARGS, init_script=LONG_TASKS_JS + (TODAY_JS if today else ""))


def load(context: Browser, url: str) -> tuple[Page, float]:
    page = context.new_page()
    page.goto(url)
    page.wait_until(STATE, timeout=180)
    if page.evaluate("document.documentElement.dataset.fadersState") != "ready":
        raise RuntimeError(f"{url} did not become ready")
    return page, page.evaluate(READY_MS) / 1e3


def worker_heap_mb(page: Page) -> float:
    return page.evaluate_in_worker(HEAP_JS) / 1e6


def embeds(context: Browser, blog_url: str) -> float:
    """Seconds from the host page's navigation until all its embedded lessons are ready."""
    page = context.new_page()
    page.goto(blog_url)
    page.wait_until(f"window.readyAt.length >= {len(EMBEDS)}", timeout=240, polling=0.1)
    ready = max(page.evaluate("window.readyAt")) / 1e3
    page.close()
    return ready


def one_round(server, base_url: str, blog_url: str, today: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as profile:
        context = new_context(profile, today)
        try:
            return round_in(context, server, base_url, blog_url, today)
        finally:
            context.close()


def round_in(context: Browser, server, base_url: str, blog_url: str, today: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    out: dict[str, float] = {}
    server.bytes_sent = 0
    server.sent_by_path.clear()
    before = resident_mb(context.renderer_pids())
    page, out["cold"] = load(context, base_url + COLD)
    out["first_visit_mb"] = server.bytes_sent / 1e6
    by_ready = Counter(server.sent_by_path)
    out["heap_cold_mb"] = worker_heap_mb(page)
    out["pss_cold_mb"] = resident_mb(context.renderer_pids()) - before
    if not today:
        page.wait_until("!!window.fadersSnapshotMade", timeout=300, polling=0.25)
        made = page.evaluate("window.fadersSnapshotMade")
        if made["type"] != "made":
            raise RuntimeError(f"no snapshot: {made}")
        out["make_s"] = (made["startMs"] + made["takeMs"] + made["storeMs"]) / 1e3
        out["take_store_s"] = (made["takeMs"] + made["storeMs"]) / 1e3
        if not made["trial"]["ok"]:
            raise RuntimeError(f"the snapshot's trial failed: {made['trial']}")
        out["trial_s"] = made["trial"]["ms"] / 1e3
        out["snapshot_mb"] = made["bytes"] / 1e6
        kept = [lesson["bytes"] for lesson in made["lessons"].values() if "bytes" in lesson]
        out["kept_lessons"] = len(kept)
        out["kept_mb"] = sum(kept) / 1e6
        out["kept_s"] = made["keptMs"] / 1e3
        page.wait_until(OFFLINE_READY, timeout=300, polling=0.25)
        time.sleep(1)
        out["longest_task_ms"] = page.evaluate(LONGEST_AFTER_READY)
        out["extra_mb"] = server.bytes_sent / 1e6 - out["first_visit_mb"]
        # The offline copy: the service worker's two files and the site's (tools/offline.py).
        copy = {*offline_files(server.root), *OWN}
        after = server.sent_by_path - by_ready
        offline_copy = sum(sent for path, sent in after.items()
                           if path.lstrip("/") in copy and not by_ready[path])
        out["offline_copy_mb"] = offline_copy / 1e6
        out["snapshot_extra_mb"] = (sum(after.values()) - offline_copy) / 1e6
    page.close()
    time.sleep(2)  # the closed page's process goes
    before = resident_mb(context.renderer_pids())
    page, out["warm"] = load(context, base_url + WARM)
    out["heap_warm_mb"] = worker_heap_mb(page)
    out["pss_warm_mb"] = resident_mb(context.renderer_pids()) - before
    page.close()
    if not today:
        context.set_offline(True)
        sent = server.bytes_sent
        page, out["offline"] = load(context, base_url + OFFLINE)
        if server.bytes_sent != sent:
            raise RuntimeError("the page opened offline downloaded from the site")
        page.close()
        context.set_offline(False)
    out["embeds"] = embeds(context, blog_url)
    return out


def measure(server, base_url: str) -> dict[str, list[dict[str, float]]]:  # type: ignore[no-untyped-def]
    """Both paths, ROUNDS rounds each, in rotated order: the site as `server` serves it at
    `base_url`, and today's path from a copy of it served beside."""
    with tempfile.TemporaryDirectory() as folder:
        today_server = start(today_site(Path(folder)))
        today_url = f"http://127.0.0.1:{today_server.server_port}/"
        urls = {False: (server, base_url), True: (today_server, today_url)}
        blogs = {}
        for today, (_, url) in urls.items():
            blog_folder = Path(folder) / f"blog-{today}"
            blog_folder.mkdir()
            frames = "\n".join(f'<iframe src="{url}lessons/{slug}.html?embed=1" width="100%" height="700" '
                               f'style="border:0"></iframe>' for slug in EMBEDS)
            (blog_folder / "index.html").write_text(HOST_PAGE.replace("{frames}", frames))
            blogs[today] = start(blog_folder, policy=None)
        runs: dict[str, list[dict[str, float]]] = {"snapshot": [], "today": []}
        for index in range(ROUNDS):
            for today in ([False, True] if index % 2 == 0 else [True, False]):
                site, url = urls[today]
                blog_url = f"http://127.0.0.1:{blogs[today].server_port}/"
                runs["today" if today else "snapshot"].append(one_round(site, url, blog_url, today))
        for each in (today_server, *blogs.values()):
            each.shutdown()
    return runs


def print_table(runs: dict[str, list[dict[str, float]]], print_rows) -> None:  # type: ignore[no-untyped-def]
    def median(path: str, key: str) -> float:
        values = [run[key] for run in runs[path] if key in run]
        return statistics.median(values) if values else float("nan")

    def each(path: str, key: str) -> str:
        return ", ".join(f"{run[key]:.2f}" for run in runs[path] if key in run)

    rows = [
        ("cold: function lesson, empty profile, to ready", "cold", "s", "≤ 3.5 s"),
        ("warm: another lesson after one visit, to ready", "warm", "s", "≤ 1.0 s"),
        ("warm, network off (service worker), to ready", "offline", "s", "≤ 1.5 s"),
        ("three embeds on one host page, warm, all ready", "embeds", "s", "report"),
        ("first visit: transferred until ready", "first_visit_mb", "MB", ""),
        ("first visit: extra after ready, in all", "extra_mb", "MB", "0"),
        ("  for the snapshot and the lessons kept built", "snapshot_extra_mb", "MB", "0"),
        ("  the offline copy: site files this visit had not fetched", "offline_copy_mb", "MB", "report"),
        ("worker heap (wasm memory) at ready, cold", "heap_cold_mb", "MB", ""),
        ("worker heap (wasm memory) at ready, warm", "heap_warm_mb", "MB", "within 10% of cold"),
        ("memory the page adds by ready (renderer PSS), cold", "pss_cold_mb", "MB", ""),
        ("memory the page adds by ready (renderer PSS), warm", "pss_warm_mb", "MB", ""),
        ("snapshot: start + take + store, after ready", "make_s", "s", "report"),
        ("snapshot: take + store", "take_store_s", "s", "report"),
        ("snapshot: its trial (restored, lesson rendered, third worker)", "trial_s", "s", "report"),
        ("longest page task after ready, while it is made", "longest_task_ms", "ms", "≤ 50 ms"),
        ("snapshot size", "snapshot_mb", "MB", ""),
        ("lessons kept built on it (after the trial)", "kept_lessons", "", "every lesson but gpus"),
        ("  their deltas, stored beside it", "kept_mb", "MB", ""),
        ("  time to keep them built (one worker each, after the trial)", "kept_s", "s", "report"),
    ]
    print(f"\nStarting a lesson, headless Chromium, median of {ROUNDS} rounds (each an empty profile); "
          "today = the worker before snapshots")
    width = max(len(r[0]) for r in rows)
    print(f"  {'':<{width}}  {'snapshot':>9}  {'today':>9}")
    for name, key, unit, target in rows:
        new, old = median("snapshot", key), median("today", key)
        old_text = "—" if math.isnan(old) else f"{old:.2f}"
        goal = f"target {target}" if target else ""
        print(f"  {name:<{width}}  {new:>9.2f}  {old_text:>9} {unit:<2}  {goal}")
    print("  per round, snapshot / today:")
    for key in ("cold", "warm", "offline", "embeds"):
        print(f"    {key}: {each('snapshot', key)} / {each('today', key) or '—'}")


def main() -> int:
    from tools.bench import DIST, print_rows

    server = start(DIST)
    runs = measure(server, f"http://127.0.0.1:{server.server_port}/")
    server.shutdown()
    print_table(runs, print_rows)
    print(json.dumps(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

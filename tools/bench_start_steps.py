"""Where a start's time goes: each step of a cold, a warm (restored) and an offline start, on the
page's clock (ms from navigation), from the worker's and the page's marks. One empty on-disk profile
per round, as tools/bench_start.py; medians of the rounds. `python -m tools.bench_start_steps [N]`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from tools.bench_start import COLD, OFFLINE, OFFLINE_READY, WARM, load, new_context
from tools.devtools_pipe import Page
from tools.server import start

PAGE_MARKS_JS = """(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return Object.assign(Object.fromEntries(performance.getEntriesByType('mark')
    .filter((m) => m.name.startsWith('faders-')).map((m) => [m.name, m.startTime])),
    {'page: response end': nav.responseEnd, 'page: dom interactive': nav.domInteractive,
     'page: DOMContentLoaded': nav.domContentLoadedEventStart},
    window.fadersStartTimings || {});
})()"""


def steps(page: Page) -> dict[str, float]:
    return page.evaluate(PAGE_MARKS_JS)


def one_round(base_url: str) -> dict[str, dict[str, float]]:
    out = {}
    with tempfile.TemporaryDirectory() as profile:
        context = new_context(profile, today=False)
        page, _ = load(context, base_url + COLD)
        out["cold"] = steps(page)
        page.wait_until("!!window.fadersSnapshotMade", timeout=300, polling=0.25)
        page.wait_until(OFFLINE_READY, timeout=300, polling=0.25)
        page.close()
        time.sleep(2)
        page, _ = load(context, base_url + WARM)
        out["warm"] = steps(page)
        page.close()
        context.set_offline(True)
        page, _ = load(context, base_url + OFFLINE)
        out["offline"] = steps(page)
        page.close()
        context.close()
    return out


def main() -> int:
    from tools.bench import DIST

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    # Further arguments: built sites (folders) to time in the same run, rounds interleaved; dist/ by default.
    sites = [Path(arg) for arg in sys.argv[2:]] or [DIST]
    servers = [start(site) for site in sites]
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[0]
    runs: list[list[dict[str, dict[str, float]]]] = [[] for _ in sites]
    for index in range(rounds):
        order = list(range(len(sites)))
        for which in order[index % len(order):] + order[:index % len(order)]:
            runs[which].append(one_round(f"http://127.0.0.1:{servers[which].server_port}/"))
    for server in servers:
        server.shutdown()
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[0]
    for site, site_runs in zip(sites, runs, strict=True):
        print_steps(site, site_runs, load_before, load_after)
    return 0


def print_steps(site: Path, runs: list[dict[str, dict[str, float]]], load_before: str,
                load_after: str) -> None:
    print(f"{site}: steps of a start, ms from navigation, median of {len(runs)} "
          f"(load {load_before} -> {load_after})")
    for path in ("cold", "warm", "offline"):
        names = sorted({n for run in runs for n in run[path]},
                       key=lambda n: statistics.median(r[path][n] for r in runs if n in r[path]))
        print(f"  {path}:")
        for name in names:
            values = [r[path][name] for r in runs if name in r[path]]
            each = ", ".join(f"{v:.0f}" for v in values)
            print(f"    {name:<28} {statistics.median(values):>7.0f}   ({each})")


if __name__ == "__main__":
    raise SystemExit(main())

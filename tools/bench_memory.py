"""Memory of a lesson's tab over a long run: the renderer process (the page and its Python worker,
whose WebAssembly heap lives there too) when the lesson is ready, then every few seconds while the
network playground trains 8,8,8 on the spiral for three minutes, and the growth per minute (the
slope of a straight line fitted to the samples).

Starting to train takes the tab to its working size within seconds (the JavaScript heap grows to
suit ten redraws a second; the run's buffers are made): that step is reported on its own, and the
growth that must stay small is the slope after it, over the rest of the run. The slope over the
whole run, step included, is printed beside it.

That slope also counts garbage not yet collected: when Chromium runs its full collection decides
how high the tab climbs in between, so the same code measures anywhere from about 1 to 15 MB a
minute from run to run. What a leak would hold is measured apart: the tab's size right after a full
collection (forced through the DevTools protocol), when the lesson is ready and again at the end of
the run. A tab that leaks holds more at the end; one that does not holds about the same whatever the
run's length."""

from __future__ import annotations

import time
from pathlib import Path

from tools.contexts import cold_context
from tools.waiting import wait_until

LONG_RUN = "lessons/network.html?dataset=spiral&hidden=8,8,8"
RUN_SECONDS = 180
SAMPLE_SECONDS = 10
WARM_UP_SECONDS = 30  # the step to the working size is over by then (it takes about 15 s here)
TARGET_MB_PER_MINUTE = 5.0
COLLECTIONS = 3  # one full collection can leave what a finaliser freed for the next


def renderer_pids(browser) -> list[int]:  # type: ignore[no-untyped-def]
    """The pids of the browser's renderer processes (one here: the bench opens one page)."""
    session = browser.new_browser_cdp_session()
    processes = session.send("SystemInfo.getProcessInfo")["processInfo"]
    session.detach()
    return [process["id"] for process in processes if process["type"] == "renderer"]


def resident_mb(pids: list[int]) -> float:
    """Proportional set size of the processes, in MB (shared pages counted once across them)."""
    total_kb = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def slope_per_minute(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB a minute."""
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    covariance = sum((t - mean_t) * (m - mean_m) for t, m in samples)
    variance = sum((t - mean_t) ** 2 for t, _ in samples)
    return 60 * covariance / variance


def held_mb(context, page, pids: list[int]) -> float:  # type: ignore[no-untyped-def]
    """The tab's size right after full collections of the page's heap (JavaScript and Blink's)."""
    session = context.new_cdp_session(page)
    for _ in range(COLLECTIONS):
        session.send("HeapProfiler.collectGarbage")
        time.sleep(0.5)  # freed pages go back to the system after the collection returns
    session.detach()
    return resident_mb(pids)


def long_run_memory(browser, base_url: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    context = cold_context(browser)
    page = context.new_page()
    page.goto(base_url + LONG_RUN)
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'", timeout=120_000)
    pids = renderer_pids(browser)
    at_ready = resident_mb(pids)
    held_at_ready = held_mb(context, page, pids)
    page.evaluate("() => { faders.run('train'); }")
    began, samples = time.monotonic(), []
    while (elapsed := time.monotonic() - began) < RUN_SECONDS:
        samples.append((elapsed, resident_mb(pids)))
        time.sleep(SAMPLE_SECONDS)
    held_at_end = held_mb(context, page, pids)  # still training: the run's own buffers are counted
    epochs = page.evaluate("faders.run('stop')")["results"]["epoch"]
    context.close()
    settled = [(t, mb) for t, mb in samples if t >= WARM_UP_SECONDS]
    return {"ready_mb": at_ready, "warm_mb": settled[0][1], "end_mb": samples[-1][1],
            "slope": slope_per_minute(settled), "slope_whole": slope_per_minute(samples),
            "held_ready_mb": held_at_ready, "held_end_mb": held_at_end,
            "held_slope": (held_at_end - held_at_ready) / (RUN_SECONDS / 60), "epochs": epochs}


def print_memory(figures: dict[str, float], print_rows) -> None:  # type: ignore[no-untyped-def]
    print(f"\nMemory of the lesson's tab (renderer process, PSS), network 8,8,8 on spiral trained for "
          f"{RUN_SECONDS // 60} minutes ({figures['epochs']:,} epochs), sampled every {SAMPLE_SECONDS} s")
    print_rows([("when ready", f"{figures['ready_mb']:.0f} MB", ""),
                (f"after {WARM_UP_SECONDS} s of training", f"{figures['warm_mb']:.0f} MB", ""),
                ("at the end of the run", f"{figures['end_mb']:.0f} MB", ""),
                (f"growth after the first {WARM_UP_SECONDS} s", f"{figures['slope']:.1f} MB/min",
                 f"≤ {TARGET_MB_PER_MINUTE:g} MB/min"),
                ("growth over the whole run", f"{figures['slope_whole']:.1f} MB/min", ""),
                ("held after a full collection, when ready", f"{figures['held_ready_mb']:.0f} MB", ""),
                ("held after a full collection, at the end", f"{figures['held_end_mb']:.0f} MB", ""),
                ("held growth (end less ready, a minute)", f"{figures['held_slope']:.1f} MB/min",
                 f"≤ {TARGET_MB_PER_MINUTE:g} MB/min")])

"""The same lesson object under `panel serve`, in Chromium: knobs from the URL, a knob that moves."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from faders.core import scale
from faders.core import softmax as sm

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def panel_server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "panel", "serve", str(ROOT / "py" / "faders" / "app.py"),
         "--port", str(port), "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "py")},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/app"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5)
            break
        except OSError:
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lr=0.1&w=1&nonsense=1")
    expect(page.get_by_text("Ignored unknown setting 'nonsense'")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("pred = 1.00 · x + 0.00")).to_be_visible()
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text("Trained: 1000 steps")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("= 21").first).to_be_visible()
    context.close()


def test_logits_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=logits&t=0.5&logits=1,abc,2&seed=<b>7</b>")
    expect(page.get_by_text("Ignored logits='1,abc,2'")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Ignored seed='<b>7</b>'")).to_be_visible()  # shown as text, not run
    softmax = sm.softmax([4.2, 2.1, -1.3], 0.5)
    expect(page.get_by_text(f"= {softmax[0]:.4f}").first).to_be_visible()
    page.get_by_role("button", name="Add label").click()
    expect(page.get_by_role("textbox", name="Label 4")).to_have_value("bird")
    page.get_by_role("button", name="New seed").click()
    expect(page.get_by_text("a new sequence")).to_be_visible(timeout=30_000)
    context.close()


def test_scale_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=scale&preset=llama-3-8b&nonsense=1")
    expect(page.get_by_text("Ignored unknown setting 'nonsense'")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Llama 3 8B: 8,030,261,248").first).to_be_visible()
    layers = page.get_by_label("Layers", exact=True)
    layers.fill("33")
    layers.press("Enter")
    custom = scale.parameter_count(dataclasses.replace(scale.PRESETS["llama-3-8b"].config, layers=33))
    expect(page.get_by_text(f"Custom model: {custom:,}").first).to_be_visible(timeout=30_000)
    width = page.get_by_label("Width", exact=True)
    width.fill("4097")
    width.press("Enter")
    refusal = page.get_by_text("width 4097 must divide evenly among 32 heads").first
    expect(refusal).to_be_visible(timeout=30_000)
    expect(width).to_have_value("4096")
    context.close()


def test_knn_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:
    from faders.lessons.knn import KnnLesson

    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=knn&k=1&data=circle&n=5000")
    expect(page.get_by_text("Ignored n='5000'").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("it has memorised them").first).to_be_visible()
    lesson = KnnLesson(k=1, dataset="circle")
    test_accuracy = lesson.results()["accuracy"]["knn_test"]
    expect(page.get_by_role("table")).to_contain_text(f"{100 * test_accuracy:.0f}%")
    page.get_by_role("checkbox").check()  # the one checkbox: throw the training data away
    expect(page.get_by_text("kNN cannot answer").first).to_be_visible(timeout=30_000)


def test_kinds_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:
    from faders.lessons.kinds import KindsLesson

    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=kinds&k=3&step=500&eps=0")
    expect(page.get_by_text("Ignored step='500'").first).to_be_visible(timeout=30_000)
    lesson = KindsLesson(k=3, epsilon=0.0)
    inertia = lesson.results()["kmeans"]["inertia"][-1]
    expect(page.get_by_text(f"Step 2: each centre moved to the mean of its points. Spread {inertia:.1f}")
           .first).to_be_visible()
    page.get_by_role("button", name="Run to the end").click()
    expect(page.get_by_text("Settled after").first).to_be_visible(timeout=30_000)
    regret = lesson.results()["bandit"]["regret"]
    expect(page.get_by_text(f"Regret {regret:.1f}").first).to_be_visible()
    context.close()


def test_bias_variance_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:
    from faders.lessons.bias_variance import BiasVarianceLesson
    from faders.lessons.kit.formatting import format_number

    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=bias-variance&degree=9&lam=0")
    expect(page.get_by_text("Ignored lam='0'")).to_be_visible(timeout=30_000)
    results = BiasVarianceLesson(degree=9).results()
    expect(page.get_by_text(format_number(results["test_error"])).first).to_be_visible()
    page.get_by_role("button", name="Resample").click()
    resampled = BiasVarianceLesson(degree=9, draw=1).results()
    expect(page.get_by_text(format_number(resampled["variance"])).first).to_be_visible(timeout=30_000)
    context.close()


def test_language_model_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:
    from faders.lessons.language_model import LanguageModelLesson

    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=language-model&prompt=jo&seed=3&k=0")
    expect(page.get_by_text("Ignored k='0'")).to_be_visible(timeout=30_000)
    text = LanguageModelLesson(prompt="jo", seed=3).text
    expect(page.get_by_text(text.replace(" ", "\u00a0")[:10], exact=False).first).to_be_visible()
    page.get_by_role("button", name="New seed").click()
    expect(page.get_by_text(text.replace(" ", "\u00a0")[:10], exact=False)).to_have_count(0, timeout=30_000)
    context.close()


def test_ship_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:
    from faders.lessons.ship import ShipLesson

    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=ship&yes=0&t=0.3")
    expect(page.get_by_text("Ignored yes='0'").first).to_be_visible(timeout=60_000)
    metric = ShipLesson(threshold=0.3).results()["metric"]
    (_, fp), (_, tp) = metric["confusion"]
    expect(page.get_by_text(f"{fp:,} false alarms").first).to_be_visible()
    expect(page.get_by_text(f"{tp:,} found").first).to_be_visible()
    page.get_by_label("Stated use", exact=True).select_option("spam")
    expect(page.get_by_text("An email inbox").first).to_be_visible(timeout=30_000)
    context.close()

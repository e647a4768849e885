"""Lesson `scale` in a real Chromium, on the real Pyodide runtime, as a reader uses it: every
number checked on screen against faders.core.scale.

The page is loaded once for the module; each test starts from GPT-2 small and the default costs.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from faders.core import scale
from faders.core.scale import PRESETS, TransformerConfig
from faders.lessons.scale import readable
from tests.e2e.conftest import Guarded, live, open_lesson, snapshot, until
from tests.test_scale_lesson import DEFAULT_SETTINGS, expected_figures
from tools.waiting import wait_until

DEFAULT_QUERY = "?preset=gpt2&tokens=3e11&tflops=989&util=0.4&price=2"


@pytest.fixture(scope="module")
def page(guarded: Guarded, base_url: str) -> Page:
    return open_lesson(guarded, base_url + "lessons/scale.html")


@pytest.fixture(autouse=True)
def fresh(page: Page) -> None:
    page.evaluate("faders.set({preset: 'gpt2', tokens: 3e11, tflops: 989, util: 0.4, price: 2})")


def type_into(page: Page, label: str, value: str) -> None:
    """Type a value into one of the lesson's number boxes, as a reader does, and confirm it."""
    box = live(page).get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")


def memory_rows(page: Page) -> list[list[str]]:
    """The cells of the 'Does it fit?' table as the page shows them, header row left out."""
    rows = live(page).locator("table").first.locator("tr").all_inner_texts()
    return [[cell.strip() for cell in row.split("\t")] for row in rows[1:]]


def expected_memory_rows(n: int) -> list[list[str]]:
    return [[p, f"{scale.BYTES_PER_PARAMETER[p]:g}", readable.size_in_bytes(scale.weight_memory_bytes(n, p)),
             *("✓ fits" if scale.fits(n, p, device) else "✗ too big" for device in scale.DEVICES)]
            for p in scale.BYTES_PER_PARAMETER]


def address_is(page: Page, search: str) -> None:
    """The address bar reaches exactly these settings (it follows the knobs after a short pause)."""
    wait_until(page, f"location.search === {search!r}")


def shows(page: Page, text: str) -> None:
    expect(live(page).get_by_text(text, exact=False).first).to_be_visible()


def test_ready_with_gpt2_small_and_its_published_figure(page: Page) -> None:
    assert page.evaluate("document.documentElement.dataset.fadersState") == "ready"
    expect(page.locator("#faders-preview")).to_be_hidden()
    expect(live(page).get_by_role("heading", name="Pick a model, or change its shape")).to_be_visible()
    state = snapshot(page)
    assert state["settings"] == DEFAULT_SETTINGS and state["notices"] == []
    results = state["results"]
    assert results["parameters"] == scale.parameter_count(PRESETS["gpt2"].config) == 124_439_808
    shows(page, "GPT-2 small: 124,439,808 (≈ 124.4 M) parameters")
    shows(page, "Published: 117M")
    assert memory_rows(page) == expected_memory_rows(124_439_808)
    expect(live(page).get_by_label("Model")).to_have_value("GPT-2 small")
    address_is(page, DEFAULT_QUERY)


def leaves(tree: dict, path: str = "") -> dict[str, object]:
    """A nested dict as {"line.memory_bytes.fp32": 8, ...}."""
    flat: dict[str, object] = {}
    for key, value in tree.items():
        flat |= leaves(value, f"{path}{key}.") if isinstance(value, dict) else {path + key: value}
    return flat


def test_every_figure_in_the_api_is_core_s(page: Page) -> None:
    shown = leaves(snapshot(page)["results"])
    expected = leaves(expected_figures(PRESETS["gpt2"].config, 300 * 10**9, 989e12, 0.4, 2.0))
    for key, value in expected.items():
        # Counts past 2**53 arrive through JSON as the nearest double.
        assert shown[key] == (value if isinstance(value, bool) else pytest.approx(value, rel=1e-15)), key


def test_choosing_llama_3_8b_fills_the_shape_and_says_what_fits(page: Page) -> None:
    live(page).get_by_label("Model").select_option(label="Llama 3 8B")
    results = until(page, "(s) => s.results.preset === 'llama-3-8b'")["results"]
    n = scale.parameter_count(PRESETS["llama-3-8b"].config)
    assert results["parameters"] == n == 8_030_261_248
    shows(page, "Llama 3 8B: 8,030,261,248 (≈ 8.03 B) parameters")
    expect(live(page).get_by_label("Width", exact=True)).to_have_value("4096")
    expect(live(page).get_by_label("Key/value heads", exact=True)).to_have_value("8")
    rows = memory_rows(page)
    assert rows == expected_memory_rows(n)
    assert rows[1] == ["bf16", "2", "16.06 GB", "✗ too big", "✓ fits", "✓ fits"]  # core: 16.06 GB > 16 GB
    # Its makers state the tokens it was trained on, so the knob takes them.
    assert results["training_tokens"] == 15 * 10**12
    shows(page, "Its makers state over 15T tokens.")
    shows(page, readable.gpu_time(scale.gpu_hours(scale.training_flops(n, 15 * 10**12))))
    address_is(page, "?preset=llama-3-8b&tokens=15e12&tflops=989&util=0.4&price=2")

    live(page).get_by_label("Model").select_option(label="Llama 3 70B")
    until(page, "(s) => s.results.preset === 'llama-3-70b'")
    n = 70_553_706_496
    assert memory_rows(page) == expected_memory_rows(n)
    assert memory_rows(page)[3][3:] == ["✗ too big", "✗ too big", "✓ fits"]  # int4: only the 80 GB GPU


def test_editing_the_shape_makes_a_custom_model(page: Page) -> None:
    type_into(page, "Layers", "13")
    results = until(page, "(s) => s.results.preset === 'custom'")["results"]
    config = TransformerConfig(50257, 1024, 768, 13, 12)
    n = scale.parameter_count(config)
    assert results["parameters"] == n and results["published"] is None
    shows(page, f"Custom model: {readable.count(n)} parameters")
    shows(page, "no published figure")
    expect(live(page).get_by_label("Model")).to_have_value("Custom shape")
    assert results["training_flops"] == pytest.approx(scale.training_flops(n, 300 * 10**9), rel=1e-12)
    shows(page, readable.power_of_ten(scale.training_flops(n, 300 * 10**9)) + " FLOPs")
    wait_until(page, "location.search.includes('preset=custom') && "
                           "location.search.includes('layers=13')")
    # Back to 12 layers: the shape is GPT-2 small's again, and is named so.
    type_into(page, "Layers", "12")
    until(page, "(s) => s.results.preset === 'gpt2'")
    shows(page, "GPT-2 small: 124,439,808")


def test_gpt2_medium_built_by_hand(page: Page) -> None:
    type_into(page, "Attention heads", "16")
    until(page, "(s) => s.settings.heads === '16'")
    type_into(page, "Width", "1024")
    until(page, "(s) => s.settings.width === '1024'")
    expect(live(page).get_by_label("MLP hidden size", exact=True)).to_have_value("4096")
    type_into(page, "Layers", "24")
    results = until(page, "(s) => s.results.preset === 'gpt2-medium'")["results"]
    assert results["parameters"] == 354_823_168
    shows(page, "GPT-2 medium: 354,823,168")


def test_tokens_throughput_utilisation_and_price_set_hours_and_cost(page: Page) -> None:
    type_into(page, "Training tokens (D)", "1000000000000")
    type_into(page, "GPU peak (TFLOP/s)", "312")
    type_into(page, "Price per GPU-hour ($)", "3.5")
    slider = live(page).locator(".noUi-handle").first  # utilisation, 1% a key press
    slider.focus()
    for _ in range(10):
        slider.press("ArrowRight")
    results = until(page, "(s) => s.settings.util === '0.5' && s.settings.price === '3.5' "
                          "&& s.settings.tflops === '312' && s.settings.tokens === '1e12'")["results"]
    n = 124_439_808
    hours = scale.gpu_hours(scale.training_flops(n, 10**12), 312e12, 0.5)
    million_hours = scale.gpu_hours(scale.inference_flops(n, 10**6), 312e12, 0.5)
    assert results["training_gpu_hours"] == pytest.approx(hours, rel=1e-12)
    assert results["training_cost"] == pytest.approx(scale.cost(hours, 3.5), rel=1e-12)
    assert results["inference_cost_per_million_tokens"] == pytest.approx(scale.cost(million_hours, 3.5),
                                                                          rel=1e-12)
    for text in (readable.gpu_time(hours), readable.money(scale.cost(hours, 3.5)),
                 readable.gpu_time(million_hours), readable.money(scale.cost(million_hours, 3.5)),
                 "at 50% of 312 TFLOP/s", "3 × 10¹² tokens of inference"):
        shows(page, text)
    expect(live(page).get_by_text("Utilisation: 50%")).to_be_visible()


def test_an_impossible_shape_is_noticed_and_changes_nothing(page: Page) -> None:
    before = snapshot(page)
    type_into(page, "Width", "770")
    state = until(page, "(s) => s.notices.length === 1")
    message = "width 770 must divide evenly among 12 heads"
    assert message in state["notices"][0]
    expect(page.locator("#faders-notices")).to_contain_text(message)
    shows(page, message)  # beside the knobs, too
    expect(live(page).get_by_label("Width", exact=True)).to_have_value("768")
    assert state["settings"] == before["settings"]
    assert state["results"] | {"refusal": ""} == before["results"]
    state = page.evaluate("faders.set({heads: 7, kv: 7})")
    assert "width 768 must divide evenly among 7 heads" in state["notices"][0]
    assert state["settings"] == before["settings"]


def test_the_api_refuses_bad_input_and_keeps_the_embed_snippet_current(page: Page) -> None:
    state = page.evaluate("faders.set({preset: 'gpt-5', util: 3, tokens: 'lots', colour: 'red'})")
    assert state["settings"] == DEFAULT_SETTINGS and len(state["notices"]) == 4
    error = page.evaluate("faders.run('train').then(() => null, (e) => e.message)")
    assert error == "Unknown action 'train'. This lesson has no actions."
    page.evaluate("faders.set({preset: 'gpt3-175b'})")
    snippet = page.locator("#faders-embed-code")
    expect(snippet).to_have_value(
        "<iframe src=\"" + page.url.split("?")[0] +
        "?preset=gpt3-175b&tokens=3e11&tflops=989&util=0.4&price=2&embed=1\" "
        "title=\"Faders: Scale and cost\" width=\"100%\" height=\"2700\" style=\"border:0\" loading=\"lazy\">"
        "</iframe>")


def test_url_settings_apply_preset_first_and_malformed_ones_are_noticed(guarded: Guarded,
                                                                        base_url: str) -> None:
    page = open_lesson(guarded, base_url + "lessons/scale.html?layers=24&width=1024&heads=16&preset=gpt2"
                       "&tokens=1e12&util=0.5&price=3&bogus=1&tflops=abc")
    state = page.evaluate("faders.get()")
    assert state["results"]["preset"] == "gpt2-medium"
    assert state["results"]["parameters"] == scale.parameter_count(PRESETS["gpt2-medium"].config)
    shows(page, "GPT-2 medium: 354,823,168")
    notices = page.locator("#faders-notices")
    expect(notices).to_contain_text("Ignored unknown setting 'bogus'")
    expect(notices).to_contain_text("Ignored tflops='abc': it is not a number; kept 989")
    hours = scale.gpu_hours(scale.training_flops(354_823_168, 10**12), 989e12, 0.5)
    shows(page, readable.gpu_time(hours))
    shows(page, readable.money(scale.cost(hours, 3.0)))
    address_is(page, "?preset=gpt2-medium&tokens=1e12&tflops=989&util=0.5&price=3")
    page.close()


def test_embed_mode_with_a_preset(guarded: Guarded, base_url: str) -> None:
    page = open_lesson(guarded, base_url + "lessons/scale.html?embed=1&preset=gpt3-175b")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".embed-box")).to_be_hidden()
    shows(page, "GPT-3 175B: 174,604,259,328 (≈ 174.6 B) parameters")
    shows(page, "Published: 175B")
    shows(page, readable.gpu_time(scale.gpu_hours(scale.training_flops(174_604_259_328, 300 * 10**9))))
    assert "embed=1" in page.url
    page.close()

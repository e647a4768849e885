"""Lesson `scale` in CPython: every figure it shows against faders.core.scale, its knobs, the URL,
refused shapes, the words on the page, the first-paint picture and the page link."""

from __future__ import annotations

import asyncio
import json
import math
import xml.etree.ElementTree as ElementTree
from typing import Any

import pytest

from faders.core import scale
from faders.core.scale import PRESETS, TransformerConfig
from faders.lessons import LESSONS
from faders.lessons.scale import ScaleLesson, readable, words
from faders.lessons.scale.state import ARCHITECTURE, PRECISIONS
from tests.helpers import acknowledging_link, notebook_display, run
from tools.prerender import PREVIEWS

DEFAULT_SETTINGS = {"preset": "gpt2", "tokens": "3e11", "tflops": "989", "util": "0.4", "price": "2"}


def expected_figures(config: TransformerConfig, tokens: int, peak: float, utilization: float,
                     price: float) -> dict[str, Any]:
    """Every figure the lesson shows, straight from faders.core.scale."""
    n = scale.parameter_count(config)
    training = scale.training_flops(n, tokens)
    million = scale.inference_flops(n, 10**6)
    line = scale.model_costs(2, 5000, "fp32", peak, utilization)
    return {
        "parameters": n,
        "breakdown": scale.parameter_breakdown(config).as_dict(),
        "memory_bytes": {p: scale.weight_memory_bytes(n, p) for p in scale.BYTES_PER_PARAMETER},
        "memory_gb": {p: scale.weight_memory_gb(n, p) for p in scale.BYTES_PER_PARAMETER},
        "fits": {p: {d: scale.fits(n, p, d) for d in scale.DEVICES} for p in scale.BYTES_PER_PARAMETER},
        "training_tokens": tokens,
        "tokens_per_parameter": scale.tokens_per_parameter(n, tokens),
        "training_flops": training,
        "training_gpu_hours": scale.gpu_hours(training, peak, utilization),
        "training_cost": scale.cost(scale.gpu_hours(training, peak, utilization), price),
        "inference_flops_per_token": scale.inference_flops_per_token(n),
        "inference_flops_per_million_tokens": million,
        "inference_gpu_hours_per_million_tokens": scale.gpu_hours(million, peak, utilization),
        "inference_cost_per_million_tokens": scale.cost(scale.gpu_hours(million, peak, utilization), price),
        "training_to_inference_ratio": 3 * tokens,
        "line": {"parameters": 2, "training_examples": 5000,
                 "memory_bytes": {"fp32": 8, "bf16": 4, "int8": 2, "int4": 1},
                 "training_flops": 60_000, "inference_flops": 4,
                 "training_gpu_hours": line.training_gpu_hours,
                 "training_cost": scale.cost(line.training_gpu_hours, price),
                 "training_to_inference_ratio": 15_000},
    }


def assert_figures(lesson: ScaleLesson, config: TransformerConfig) -> None:
    results = lesson.results()
    expected = expected_figures(config, lesson.training_tokens, lesson.throughput_tflops * 1e12,
                                lesson.utilization, lesson.price_per_gpu_hour)
    assert {key: results[key] for key in expected} == expected


def all_words(lesson: ScaleLesson) -> str:
    results = lesson.results()
    return "\n".join([words.count_text(results), words.memory_text(results),
                      words.compute_text(results), words.comparison_text(results)])


# ---- defaults and presets ---------------------------------------------------------------------


def test_defaults_are_gpt2_small_with_a_short_url() -> None:
    lesson = ScaleLesson()
    assert lesson.settings() == DEFAULT_SETTINGS
    results = lesson.results()
    assert results["parameters"] == 124_439_808
    assert results["model"] == "GPT-2 small" and results["preset"] == "gpt2"
    assert results["published"]["headline"] == "117M"
    assert results["published"]["exact_parameters"] == 124_439_808
    assert results["breakdown"]["embeddings"] == 38_597_376
    assert results["throughput_flops_per_second"] == 989e12 and results["utilization"] == 0.4
    assert results["price_per_gpu_hour"] == 2.0
    assert_figures(lesson, PRESETS["gpt2"].config)
    assert LESSONS["scale"] is ScaleLesson and "scale" in LESSONS


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_shows_the_figures_core_computes(name: str) -> None:
    lesson = ScaleLesson()
    assert lesson.apply({"preset": name}) == []
    preset = PRESETS[name]
    assert lesson.config == preset.config
    assert lesson.settings()["preset"] == name and "layers" not in lesson.settings()
    assert_figures(lesson, preset.config)
    published = lesson.results()["published"]
    assert published["headline"] == preset.headline and published["headline_source"] == preset.headline_source
    assert published["exact_parameters"] == preset.exact_parameters
    # A published token count fills the knob; where none was published, the knob keeps its value.
    assert lesson.training_tokens == (preset.training_tokens or 300 * 10**9)


def test_llama_3_8b_fits_as_core_says() -> None:
    lesson = ScaleLesson(preset="llama-3-8b")
    results = lesson.results()
    assert results["parameters"] == 8_030_261_248
    assert results["fits"]["bf16"] == {"laptop": False, "consumer-gpu": True, "datacentre-gpu": True}
    assert results["fits"]["int8"]["laptop"] is True
    assert results["training_tokens"] == 15 * 10**12
    words = all_words(lesson)
    assert "8,030,261,248 (≈ 8.03 B)" in words
    assert "each head is 128 numbers wide; the MLP is 3.5 × the width" in words
    assert "| bf16 | 2 | 16.06 GB | ✗ too big | ✓ fits | ✓ fits |" in words
    assert "Its makers state over 15T tokens." in words


# ---- changing the shape -----------------------------------------------------------------------


def test_editing_a_field_makes_the_model_custom_and_recomputes() -> None:
    lesson = ScaleLesson()
    lesson.layers = 13  # as the page's widget does
    assert lesson.preset == "custom" and lesson.notices == []
    config = TransformerConfig(50257, 1024, 768, 13, 12)
    assert lesson.config == config
    assert_figures(lesson, config)
    assert lesson.results()["published"] is None
    assert "no published figure" in all_words(lesson)
    assert lesson.settings()["layers"] == "13" and set(lesson.settings()) == set(lesson.url_names)
    lesson.layers = 12  # back to the published shape: recognised again
    assert lesson.preset == "gpt2" and lesson.settings() == DEFAULT_SETTINGS


def test_gpt2_medium_by_hand_heads_then_width_then_layers() -> None:
    lesson = ScaleLesson()
    lesson.heads = 16  # key/value heads matched the heads, so they follow
    assert lesson.kv_heads == 16
    lesson.width = 1024  # the MLP keeps its ratio of 4
    assert lesson.mlp_hidden == 4096
    lesson.layers = 24
    assert lesson.preset == "gpt2-medium"
    assert lesson.results()["parameters"] == 354_823_168


def test_grouped_query_heads_stay_put_and_explicit_values_win() -> None:
    lesson = ScaleLesson(preset="llama-3-8b")
    lesson.heads = 64
    assert lesson.kv_heads == 8 and lesson.preset == "custom"
    assert lesson.apply({"width": "8192", "hidden": "20000"}) == []
    assert (lesson.width, lesson.mlp_hidden) == (8192, 20000)


@pytest.mark.parametrize(("query", "message"), [
    ({"width": "770"}, "width 770 must divide evenly among 12 heads"),
    ({"heads": "7"}, "width 768 must divide evenly among 7 heads"),
    ({"kv": "5"}, "kv_heads 5 must divide heads 12"),
])
def test_an_impossible_shape_is_refused_and_changes_nothing(query: dict, message: str) -> None:
    lesson = ScaleLesson()
    before = (lesson.settings(), lesson.results())
    notices = lesson.apply(query)
    assert len(notices) == 1 and message in notices[0] and "Nothing was changed" in notices[0]
    assert (lesson.settings(), lesson.results() | {"refusal": ""}) == before
    assert lesson.refusal == notices[0]
    assert lesson.apply({"layers": "2"}) == [] and lesson.refusal == ""


def test_a_refused_widget_edit_is_turned_back() -> None:
    lesson = ScaleLesson()
    lesson.width = 770  # what a widget does: the knob moves first, the lesson checks after
    assert lesson.width == 768 and lesson.preset == "gpt2"
    assert lesson.notices == [lesson.refusal] and "770" in lesson.refusal


def test_constructor_takes_settings_in_order_and_refuses_bad_shapes() -> None:
    lesson = ScaleLesson(layers=40, preset="gpt3-175b", price_per_gpu_hour=3.0)
    assert lesson.preset == "custom" and lesson.width == 12288 and lesson.layers == 40
    assert lesson.training_tokens == 300 * 10**9 and lesson.price_per_gpu_hour == 3.0
    with pytest.raises(ValueError, match="divide evenly"):
        ScaleLesson(width=770)


# ---- URL ---------------------------------------------------------------------------------------


def test_the_preset_applies_before_the_fields_whatever_the_url_order() -> None:
    lesson = ScaleLesson()
    assert lesson.apply({"layers": "24", "width": "1024", "preset": "gpt2", "heads": "16"}) == []
    assert lesson.preset == "gpt2-medium"
    lesson = ScaleLesson()
    assert lesson.apply({"tokens": "1e12", "preset": "llama-3-8b"}) == []
    assert lesson.training_tokens == 10**12  # the URL's count overrides the preset's published one


def test_a_custom_setting_round_trips_through_the_url() -> None:
    lesson = ScaleLesson(preset="llama-3.2-3b")
    lesson.apply({"layers": "30", "tied": "0", "norm": "layernorm", "tokens": "123456789012", "util": "0.55",
                  "tflops": "312", "price": "1.25"})
    copy = ScaleLesson()
    assert copy.apply(lesson.settings()) == []
    assert copy.settings() == lesson.settings() and copy.results() == lesson.results()
    assert copy.settings()["tokens"] == "123456789012"


def test_malformed_url_values_are_noticed_and_ignored() -> None:
    lesson = ScaleLesson()
    notices = lesson.apply({"preset": "gpt-5", "width": "wide", "util": "2", "tokens": "1.5", "price": "-1",
                            "tied": "maybe", "bogus": "1", "embed": "1"})
    assert len(notices) == 7
    assert any("preset='gpt-5'" in notice and "is not one of" in notice for notice in notices)
    assert any("Ignored unknown setting 'bogus'" in notice for notice in notices)
    assert lesson.settings() == DEFAULT_SETTINGS


def test_an_explicit_custom_preset_keeps_the_shape() -> None:
    lesson = ScaleLesson()
    lesson.preset = "custom"
    assert lesson.config == PRESETS["gpt2"].config and lesson.results()["published"] is None
    assert lesson.settings()["width"] == "768"


# ---- words and numbers on the page -------------------------------------------------------------


def test_the_page_words_quote_core_figures() -> None:
    lesson = ScaleLesson(preset="gpt3-175b")
    results = lesson.results()
    words = all_words(lesson)
    assert "174,604,259,328 (≈ 174.6 B)" in words and "**175B**" in words
    assert readable.gpu_time(results["training_gpu_hours"]) == "220,683 GPU-hours"
    assert "220,683 GPU-hours" in words
    assert readable.money(results["training_cost"]) in words
    assert "3.14 × 10²³ FLOPs" in words  # 6 × 174.6e9 × 300e9
    assert "9 × 10¹¹ tokens of inference" in words
    assert "| fp32 | 4 | 698.4 GB | ✗ too big | ✗ too big | ✗ too big |" in words
    assert "15,000 times one answer" in words


@pytest.mark.parametrize("extreme", [
    {"vocab": "10000000", "width": "1000000", "layers": "10000", "heads": "1", "kv": "1",
     "hidden": "10000000", "tokens": "1e15", "tflops": "0.001", "util": "0.01", "price": "10000"},
    {"vocab": "1", "context": "1", "width": "1", "layers": "1", "heads": "1", "kv": "1", "hidden": "1",
     "tokens": "1", "tflops": "1000000", "util": "1", "price": "0", "bias": "0", "pos": "rotary",
     "tied": "1"},
])
def test_no_nan_or_inf_at_the_extremes(extreme: dict) -> None:
    lesson = ScaleLesson()
    assert lesson.apply(extreme) == []
    words = all_words(lesson)
    spoken = words.lower().replace("*", " ").split()
    assert not {"nan", "inf", "infinity"} & set(spoken) and readable.TOO_LARGE not in words
    flat = json.dumps(lesson.results())
    assert "NaN" not in flat and "Infinity" not in flat


def test_readable_numbers() -> None:
    assert readable.count(124_439_808) == "124,439,808 (≈ 124.4 M)"
    assert readable.count(2) == "2"
    assert readable.short_count(8_030_261_248) == "8.03 B"
    assert readable.short_count(1.2e17) == "120,000 T"
    assert readable.power_of_ten(3.14287e23) == "3.14 × 10²³"
    assert readable.power_of_ten(60_000) == "60,000"
    assert readable.power_of_ten(1.5e-10) == "1.5 × 10⁻¹⁰"
    assert readable.size_in_bytes(8) == "8 bytes" and readable.size_in_bytes(1) == "1 byte"
    assert readable.size_in_bytes(16_060_522_496) == "16.06 GB"
    assert readable.gpu_time(157.27) == "157.3 GPU-hours" and readable.gpu_time(1) == "1 GPU-hour"
    assert readable.gpu_time(220_683.4) == "220,683 GPU-hours"
    assert readable.gpu_time(0.000175) == "0.63 GPU-seconds"
    assert readable.money(0) == "$0" and readable.money(0.00035) == "$0.00035"
    assert readable.money(2.5) == "$2.50" and readable.money(441_366.2) == "$441,366"
    assert readable.money(1.234e6) == "$1.23 million" and readable.money(8.4e-14) == "$8.4 × 10⁻¹⁴"
    assert readable.money(1.3e17) == "$1.3 × 10¹⁷" and readable.gpu_time(1.33e13) == "1.33 × 10¹³ GPU-hours"
    assert readable.percent(0.4) == "40%" and readable.percent(0.000187) == "0.0187%"
    for function in (readable.count, readable.power_of_ten, readable.size_in_bytes, readable.gpu_time,
                     readable.money, readable.percent):
        assert function(math.nan) == function(math.inf) == readable.TOO_LARGE


def test_log_axes_leave_room_for_the_labels() -> None:
    log_axis_end = ScaleLesson.view_module().log_axis_end
    assert log_axis_end(2.24e20, 1, 0.3) == 1e30
    assert log_axis_end(8e10, 0.5, 0.2) == 1e14
    assert log_axis_end(0.1, 1, 0.3) == 1.0


def test_the_first_paint_picture_shows_the_defaults() -> None:
    svg = PREVIEWS["scale"]()
    ElementTree.fromstring(svg)  # well-formed
    results = ScaleLesson().results()
    for shown in ("497.8 MB", "62.22 MB", "16 GB", "80 GB", readable.power_of_ten(results["training_flops"]),
                  "60,000"):
        assert shown in svg


# ---- the page link and the notebook -----------------------------------------------------------


def test_page_link_renders_and_answers_the_api() -> None:
    sent: list[tuple[str, str]] = []

    async def scenario() -> None:
        link = acknowledging_link(ScaleLesson(), sent)
        assert json.loads(link.render())["root_ids"]
        link.rendered()
        link.call(1, "set", json.dumps({"preset": "llama-3-70b", "price": "3"}))
        link.call(2, "set", json.dumps({"width": 8100}))
        link.call(3, "run", json.dumps("train"))
        while len([kind for kind, _ in sent if kind == "result"]) < 3:
            await asyncio.sleep(0.05)

    run(scenario())
    replies = {reply["id"]: reply for reply in (json.loads(p) for k, p in sent if k == "result")}
    assert replies[1]["result"]["results"]["parameters"] == 70_553_706_496
    assert replies[1]["result"]["settings"]["price"] == "3"
    assert "divide evenly among 64 heads" in replies[2]["result"]["notices"][0]
    assert replies[2]["result"]["results"]["parameters"] == 70_553_706_496
    assert replies[3]["error"] == "Unknown action 'train'. This lesson has no actions."
    assert any(kind == "patch" for kind, _ in sent)
    states = [json.loads(p) for k, p in sent if k == "state"]
    assert states[-1]["settings"]["preset"] == "llama-3-70b"


def test_the_view_follows_the_knobs() -> None:
    lesson = ScaleLesson()
    view = ScaleLesson.view_module().ScaleView(lesson)
    lesson.apply({"preset": "llama-3-8b"})
    assert "8,030,261,248" in view.count.object
    parts = scale.parameter_breakdown(lesson.config).as_dict()
    assert view.parts_source.data["count"] == list(parts.values())
    assert view.memory_source.data["label"][3:7] == ["32.12 GB", "16.06 GB", "8.03 GB", "4.015 GB"]
    assert view.compute_source.data["flops"][0] == float(6 * 8_030_261_248 * 15 * 10**12)
    lesson.width = 4001
    assert "Refused" in view.refusal.object and view.refusal.styles["border-left"].startswith("4px")
    assert set(PRECISIONS) == set(scale.BYTES_PER_PARAMETER) and len(ARCHITECTURE) == 12


def test_the_lesson_renders_in_a_jupyter_notebook() -> None:
    shown = notebook_display("import panel as pn\n"
                             "from faders.lessons.scale import ScaleLesson\n"
                             "pn.extension()\n"
                             "ScaleLesson(preset='llama-3-8b')")
    assert "8,030,261,248" in shown

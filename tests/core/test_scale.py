"""faders.core.scale against published parameter counts and hand-computed memory and compute."""

from __future__ import annotations

import math

import pytest

from faders.core import scale
from faders.core.scale import TransformerConfig

GPT2_SMALL = scale.PRESETS["gpt2"].config
LLAMA3_8B = scale.PRESETS["llama-3-8b"].config

# Exact counts of the released weights as Hugging Face transformers reports them.
PUBLISHED_EXACT = {
    "gpt2": 124_439_808,
    "gpt2-medium": 354_823_168,
    "gpt2-large": 774_030_080,
    "gpt2-xl": 1_557_611_200,
    "llama-3.2-1b": 1_235_814_400,
    "llama-3.2-3b": 3_212_749_824,
    "llama-3-8b": 8_030_261_248,
    "llama-3-70b": 70_553_706_496,
}


# --- Parameter counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "count"), PUBLISHED_EXACT.items())
def test_formula_matches_the_published_exact_count(name: str, count: int) -> None:
    preset = scale.PRESETS[name]
    assert scale.parameter_count(preset.config) == count
    assert preset.exact_parameters == count


@pytest.mark.parametrize(("width", "layers", "heads", "count"), [
    (768, 12, 12, 124_439_808), (1024, 24, 16, 354_823_168),
    (1280, 36, 20, 774_030_080), (1600, 48, 25, 1_557_611_200),
])
def test_gpt2_family_from_the_bare_configuration(width: int, layers: int, heads: int, count: int) -> None:
    config = TransformerConfig(vocabulary_size=50257, context_length=1024, width=width, layers=layers,
                               heads=heads)
    assert scale.parameter_count(config) == count
    # The closed form for GPT-2: V·d + C·d + L·(12d² + 13d) + 2d.
    assert count == 50257 * width + 1024 * width + layers * (12 * width**2 + 13 * width) + 2 * width


def test_llama3_8b_from_its_configuration() -> None:
    config = TransformerConfig(vocabulary_size=128256, context_length=8192, width=4096, layers=32, heads=32,
                               kv_heads=8, mlp_hidden=14336, mlp_kind="swiglu", tied_embeddings=False,
                               positions="rotary", biases=False, norm="rmsnorm")
    assert scale.parameter_count(config) == 8_030_261_248


def test_gpt3_formula_beside_its_headline() -> None:
    preset = scale.PRESETS["gpt3-175b"]
    assert scale.parameter_count(preset.config) == 174_604_259_328
    assert round(scale.parameter_count(preset.config) / 1e9, 1) == 174.6
    assert preset.headline == "175B" and preset.headline_parameters == 175e9
    assert preset.exact_parameters is None
    assert preset.training_tokens == 300e9


def test_per_layer_blocks_by_hand() -> None:
    d = 768
    assert scale.attention_parameters(GPT2_SMALL) == 4 * d * d + 4 * d == 2_362_368
    assert scale.mlp_parameters(GPT2_SMALL) == 8 * d * d + 5 * d == 4_722_432
    assert scale.norm_parameters(GPT2_SMALL) == 2 * d
    # Llama 3 8B: query and output 4096², key and value 4096 × (8 heads × 128); three MLP matrices.
    assert scale.attention_parameters(LLAMA3_8B) == 2 * 4096**2 + 2 * 4096 * 1024 == 41_943_040
    assert scale.mlp_parameters(LLAMA3_8B) == 3 * 4096 * 14336 == 176_160_768
    assert scale.norm_parameters(LLAMA3_8B) == 4096


def test_breakdown_of_gpt2_small() -> None:
    assert scale.parameter_breakdown(GPT2_SMALL).as_dict() == {
        "embeddings": 38_597_376, "positions": 786_432, "attention": 28_348_416,
        "mlp": 56_669_184, "norms": 38_400, "output_head": 0,
    }


def test_breakdown_of_an_untied_rotary_model() -> None:
    parts = scale.parameter_breakdown(LLAMA3_8B)
    assert parts.positions == 0
    assert parts.output_head == parts.embeddings == 128256 * 4096
    assert parts.norms == (2 * 32 + 1) * 4096


@pytest.mark.parametrize("name", scale.PRESETS)
def test_breakdown_sums_to_the_total(name: str) -> None:
    config = scale.PRESETS[name].config
    parts = scale.parameter_breakdown(config)
    assert sum(parts.as_dict().values()) == parts.total == scale.parameter_count(config)


def test_defaults_fill_in_kv_heads_and_mlp_hidden() -> None:
    assert GPT2_SMALL.kv_heads == 12 and GPT2_SMALL.mlp_hidden == 4 * 768 and GPT2_SMALL.head_width == 64
    assert LLAMA3_8B.kv_heads == 8 and LLAMA3_8B.kv_width == 1024
    assert GPT2_SMALL.mlp_multiple == 4 and LLAMA3_8B.mlp_multiple == 3.5
    assert TransformerConfig(100, 10, 768, 1, 12, mlp_ratio=8 / 3).mlp_hidden == 2048


def test_options_change_the_count_as_expected() -> None:
    base = dict(vocabulary_size=1000, context_length=64, width=64, layers=2, heads=4)
    count = scale.parameter_count(TransformerConfig(**base))
    assert scale.parameter_count(TransformerConfig(**base, tied_embeddings=False)) == count + 1000 * 64
    assert scale.parameter_count(TransformerConfig(**base, positions="rotary")) == count - 64 * 64
    assert scale.parameter_count(TransformerConfig(**base, final_norm=False)) == count - 2 * 64
    assert scale.parameter_count(TransformerConfig(**base, norm="rmsnorm")) == count - 5 * 64
    # Two key/value heads instead of four: key and value shrink from 64×64 to 64×32, with biases.
    assert scale.parameter_count(TransformerConfig(**base, kv_heads=2)) == count - 2 * 2 * (64 * 32 + 32)
    # SwiGLU adds a gate matrix (64×256) and its bias.
    assert scale.parameter_count(TransformerConfig(**base, mlp_kind="swiglu")) == count + 2 * (64 * 256 + 256)


def test_presets_state_their_sources() -> None:
    assert set(scale.PRESETS) == {"gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "gpt3-175b",
                                  "llama-3.2-1b", "llama-3.2-3b", "llama-3-8b", "llama-3-70b"}
    assert [scale.PRESETS[n].headline for n in ("gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl")] == \
        ["117M", "345M", "762M", "1542M"]
    assert scale.PRESETS["llama-3-8b"].headline == "8B" and scale.PRESETS["llama-3-70b"].headline == "70B"
    assert scale.PRESETS["llama-3.2-1b"].headline_parameters == 1.23e9
    assert scale.PRESETS["llama-3-8b"].training_tokens == 15e12
    assert scale.PRESETS["llama-3-8b"].training_tokens_stated == "over 15T tokens"
    assert scale.PRESETS["gpt2"].training_tokens is None
    for preset in scale.PRESETS.values():
        assert preset.headline_source and preset.title
        assert (preset.exact_parameters is None) == (preset.exact_source is None)


# --- Memory ----------------------------------------------------------------------------------------


def test_bytes_per_parameter() -> None:
    assert scale.BYTES_PER_PARAMETER == {"fp32": 4, "bf16": 2, "int8": 1, "int4": 0.5}
    assert scale.GB == 1_000_000_000


def test_weight_memory_of_gpt2_small() -> None:
    n = 124_439_808
    assert scale.weight_memory_bytes(n, "fp32") == 497_759_232
    assert scale.weight_memory_bytes(n, "bf16") == 248_879_616
    assert scale.weight_memory_bytes(n, "int8") == 124_439_808
    assert scale.weight_memory_bytes(n, "int4") == 62_219_904
    assert scale.weight_memory_bytes(3, "int4") == 2  # two numbers per byte, rounded up
    assert scale.weight_memory_gb(n, "fp32") == pytest.approx(0.497759232, abs=1e-15)


def test_llama3_8b_on_the_devices() -> None:
    n = 8_030_261_248
    assert scale.weight_memory_gb(n, "bf16") == pytest.approx(16.060522496, abs=1e-12)
    assert not scale.fits(n, "bf16", "laptop")
    assert scale.fits(n, "int8", "laptop")
    assert scale.fits(n, "bf16", "consumer-gpu")


def test_llama3_70b_needs_a_data_centre_gpu_even_at_int4() -> None:
    n = 70_553_706_496
    assert scale.weight_memory_gb(n, "int4") == pytest.approx(35.276853248, abs=1e-12)
    assert not scale.fits(n, "bf16", "datacentre-gpu")
    assert scale.fits(n, "int4", "datacentre-gpu")
    assert not scale.fits(n, "int4", "consumer-gpu")


def test_fits_at_the_exact_limit() -> None:
    assert scale.DEVICES["laptop"].memory_bytes == 16 * 10**9
    assert scale.fits(8 * 10**9, "bf16", "laptop")
    assert not scale.fits(8 * 10**9 + 1, "bf16", "laptop")
    assert scale.fits(24 * 10**9, "int8", scale.DEVICES["consumer-gpu"])
    assert scale.fits(80 * 10**9, "int8", scale.Device("custom", 80))


# --- Compute ---------------------------------------------------------------------------------------


def test_training_is_six_n_d_and_inference_two_n() -> None:
    assert scale.training_flops(124_439_808, 300e9) == 6 * 124_439_808 * 300 * 10**9
    assert scale.training_flops(8_030_261_248, 15e12) == 722_723_512_320 * 10**12
    assert scale.inference_flops_per_token(124_439_808) == 248_879_616
    assert scale.inference_flops(124_439_808, 10**6) == 248_879_616 * 10**6


@pytest.mark.parametrize("n_params", [2, 124_439_808, 70_553_706_496])
def test_training_costs_three_d_tokens_of_inference(n_params: int) -> None:
    tokens = 300 * 10**9
    ratio = scale.training_flops(n_params, tokens) / scale.inference_flops_per_token(n_params)
    assert ratio == scale.training_to_inference_ratio(tokens) == 900 * 10**9


def test_gpu_hours_by_hand() -> None:
    # 3.6e18 FLOPs at half of 1e15 FLOP/s: 7200 seconds, i.e. 2 hours.
    assert scale.gpu_hours(3.6e18, 1e15, 0.5) == pytest.approx(2.0, rel=1e-15)
    assert scale.cost(2.0, 3.0) == 6.0


def test_default_throughput_and_utilisation() -> None:
    assert scale.DEFAULT_PEAK_FLOPS_PER_SECOND == 989e12
    assert scale.DEFAULT_UTILIZATION == 0.4
    # GPT-3: 6 × 174,604,259,328 × 300e9 FLOPs at 0.4 × 989e12 FLOP/s.
    flops = scale.training_flops(174_604_259_328, 300e9)
    assert flops == 314_287_666_790_400 * 10**9
    assert scale.gpu_hours(flops) == pytest.approx(314_287_666_790_400e9 / (0.4 * 989e12) / 3600, rel=1e-15)
    assert round(scale.gpu_hours(flops)) == 220_683


def test_the_lesson_one_line_on_the_same_scales() -> None:
    assert scale.LINE_PARAMETERS == 2 and scale.LINE_TRAINING_EXAMPLES == 5000
    line = scale.model_costs(scale.LINE_PARAMETERS, scale.LINE_TRAINING_EXAMPLES, "fp32")
    assert line.weight_bytes == 8
    assert line.training_flops == 60_000
    assert line.inference_flops_per_token == 4
    assert line.training_gpu_hours == pytest.approx(60_000 / (0.4 * 989e12) / 3600, rel=1e-15)


def test_model_costs_row_for_gpt2_small() -> None:
    row = scale.model_costs(124_439_808, 10**10)
    assert row.weight_bytes == 248_879_616
    assert row.training_flops == 6 * 124_439_808 * 10**10
    assert row.inference_flops_per_token == 248_879_616


# --- Errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"width": 770}, "divide evenly among 12 heads"),
    ({"kv_heads": 5}, "kv_heads 5 must divide heads 12"),
    ({"width": 768.0}, "width must be a whole number"),
    ({"layers": 0}, "layers must be at least 1"),
    ({"heads": -4}, "heads must be at least 1"),
    ({"vocabulary_size": True}, "vocabulary_size must be a whole number"),
    ({"context_length": "1024"}, "context_length must be a whole number"),
    ({"kv_heads": 0}, "kv_heads must be at least 1"),
    ({"mlp_hidden": 3072.5}, "mlp_hidden must be a whole number"),
    ({"mlp_ratio": 2.5001}, "give mlp_hidden instead"),
    ({"mlp_ratio": -4}, "give mlp_hidden instead"),
    ({"mlp_kind": "relu"}, "mlp_kind must be one of gelu, swiglu"),
    ({"positions": "alibi"}, "positions must be one of learned, rotary"),
    ({"norm": "batchnorm"}, "norm must be one of layernorm, rmsnorm"),
    ({"tied_embeddings": "yes"}, "tied_embeddings must be True or False"),
])
def test_bad_configurations_are_refused(changes: dict, message: str) -> None:
    base = dict(vocabulary_size=50257, context_length=1024, width=768, layers=12, heads=12)
    with pytest.raises(ValueError, match=message):
        TransformerConfig(**(base | changes))


@pytest.mark.parametrize("n_params", [0, -5, 1.5, math.nan, math.inf, True, "124M"])
def test_sizes_must_be_positive_whole_numbers(n_params: object) -> None:
    with pytest.raises(ValueError, match="n_params must"):
        scale.weight_memory_bytes(n_params, "bf16")
    with pytest.raises(ValueError, match="n_params must"):
        scale.training_flops(n_params, 1000)


def test_other_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="precision must be one of"):
        scale.weight_memory_bytes(1000, "fp8")
    with pytest.raises(ValueError, match="device must be one of"):
        scale.fits(1000, "bf16", "phone")
    with pytest.raises(ValueError, match="tokens must be a whole number"):
        scale.training_flops(1000, 2.5)
    with pytest.raises(ValueError, match="utilization"):
        scale.gpu_hours(1e18, 1e15, 0)
    with pytest.raises(ValueError, match="utilization"):
        scale.gpu_hours(1e18, 1e15, 1.5)
    with pytest.raises(ValueError, match="peak_flops_per_second"):
        scale.gpu_hours(1e18, 0)
    with pytest.raises(ValueError, match="flops"):
        scale.gpu_hours(-1.0)
    with pytest.raises(ValueError, match="price_per_gpu_hour"):
        scale.cost(1.0, -2.0)


# --- Helpers for the lesson ----------------------------------------------------------------------


def test_shares_of_gpt2_small_add_up_to_one() -> None:
    shares = scale.parameter_breakdown(GPT2_SMALL).shares()
    assert shares["embeddings"] == 38_597_376 / 124_439_808
    assert shares["output_head"] == 0
    assert math.fsum(shares.values()) == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize(("hidden", "width", "new_width", "expected"), [
    (3072, 768, 1024, 4096),    # GPT-2's ratio of 4 kept
    (14336, 4096, 8192, 28672),  # Llama 3's 3.5
    (8192, 3072, 4096, 10923),  # 8/3 × 4096 = 10922.67, rounded
    (3, 2, 1, 2),               # 1.5 rounds up
    (1, 1000, 1, 1),            # never below 1
])
def test_mlp_hidden_keeps_its_ratio_to_the_width(hidden: int, width: int, new_width: int,
                                                 expected: int) -> None:
    assert scale.mlp_hidden_at_width(hidden, width, new_width) == expected


def test_mlp_hidden_at_width_refuses_bad_sizes() -> None:
    with pytest.raises(ValueError, match="new_width must be at least 1"):
        scale.mlp_hidden_at_width(3072, 768, 0)
    with pytest.raises(ValueError, match="width must be a whole number"):
        scale.mlp_hidden_at_width(3072, 768.0, 1024)


def test_tokens_per_parameter() -> None:
    assert scale.tokens_per_parameter(2, 5000) == 2500
    assert scale.tokens_per_parameter(8_030_261_248, 15e12) == pytest.approx(1867.93, abs=0.01)
    with pytest.raises(ValueError, match="tokens must be a whole number"):
        scale.tokens_per_parameter(2, 0.5)


@pytest.mark.parametrize("name", scale.PRESETS)
def test_every_preset_is_recognised_from_its_shape(name: str) -> None:
    config = scale.PRESETS[name].config
    spelled_out = TransformerConfig(
        vocabulary_size=config.vocabulary_size, context_length=config.context_length, width=config.width,
        layers=config.layers, heads=config.heads, kv_heads=config.kv_heads, mlp_hidden=config.mlp_hidden,
        mlp_ratio=2, mlp_kind=config.mlp_kind, tied_embeddings=config.tied_embeddings,
        positions=config.positions, biases=config.biases, norm=config.norm)
    assert scale.matching_preset(spelled_out) == name


def test_a_changed_shape_matches_no_preset() -> None:
    assert scale.matching_preset(TransformerConfig(50257, 1024, 768, 13, 12)) is None
    assert scale.matching_preset(TransformerConfig(50257, 1024, 768, 12, 12, biases=False)) is None

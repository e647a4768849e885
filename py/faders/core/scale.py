"""The size and cost of real models: parameters counted from a configuration, the memory the
weights take, and the compute (FLOPs, GPU-hours) to train them and to run them.

Units used throughout:
- GB means 10⁹ bytes (decimal, as on a spec sheet). Device memories are taken at their label
  (16 GB = 16 × 10⁹ bytes), a few per cent below the binary GiB the chips really hold, so a
  "fits" near the limit errs on the cautious side.
- FLOPs are floating-point operations (a multiply and an add count as two).
- Counts (parameters, tokens) are whole numbers; 175e9 is accepted, 1.5 is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from faders.core import linear

GB = 10**9

# Storage for one number: 32, 16, 8 or 4 bits.
BITS_PER_PARAMETER = {"fp32": 32, "bf16": 16, "int8": 8, "int4": 4}
BYTES_PER_PARAMETER = {name: bits / 8 for name, bits in BITS_PER_PARAMETER.items()}

# NVIDIA H100 SXM: its datasheet gives 1,979 teraFLOP/s for BF16 tensor cores "with sparsity",
# and dense matrices run at half that, ≈989 teraFLOP/s.
H100_BF16_DENSE_FLOPS_PER_SECOND = 989e12
DEFAULT_PEAK_FLOPS_PER_SECOND = H100_BF16_DENSE_FLOPS_PER_SECOND
# Real training keeps a GPU busy well short of its peak: Meta reports 38–43% for Llama 3 405B
# on H100s ("The Llama 3 Herd of Models", 2024).
DEFAULT_UTILIZATION = 0.4


def _as_whole(value: int | float, what: str) -> int:
    """A positive count as an int; whole-valued floats such as 175e9 are accepted."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be at least 1, got {value}")
    return int(value)


def _as_size(value: int, what: str) -> int:
    """An architecture size: a positive int, strictly (768.0 is a mistake, not a width)."""
    if isinstance(value, float):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    return _as_whole(value, what)


def _check_choice(value: str, choices: tuple[str, ...], what: str) -> None:
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}; got {value!r}")


@dataclass(frozen=True)
class TransformerConfig:
    """The shape of a decoder-only transformer (GPT-2, GPT-3, Llama), enough to count its knobs.

    kv_heads below heads is grouped-query attention: several query heads share one key/value
    head. mlp_hidden defaults to mlp_ratio × width. "gelu" MLPs have two matrices (up, down);
    "swiglu" ones have three (gate, up, down). Biases, when present, sit on every linear layer
    except the output head.
    """

    vocabulary_size: int
    context_length: int
    width: int  # d_model: the length of the vector that carries each token
    layers: int
    heads: int
    kv_heads: int | None = None  # None: as many as heads (plain multi-head attention)
    mlp_hidden: int | None = None  # None: mlp_ratio × width
    mlp_ratio: float = 4  # used only when mlp_hidden is not given
    mlp_kind: str = "gelu"  # "gelu" or "swiglu"
    tied_embeddings: bool = True  # the output head reuses the token embedding matrix
    positions: str = "learned"  # "learned" (a table of vectors) or "rotary" (no parameters)
    biases: bool = True
    norm: str = "layernorm"  # "layernorm" (weight and bias) or "rmsnorm" (weight only)
    final_norm: bool = True

    def __post_init__(self) -> None:
        for name in ("vocabulary_size", "context_length", "width", "layers", "heads"):
            _as_size(getattr(self, name), name)
        if self.width % self.heads:
            raise ValueError(f"width {self.width} must divide evenly among {self.heads} heads")
        # Frozen, so fill in the defaults this way; afterwards every size is a plain int.
        kv_heads = self.heads if self.kv_heads is None else self.kv_heads
        _as_size(kv_heads, "kv_heads")
        if self.heads % kv_heads:
            raise ValueError(f"kv_heads {kv_heads} must divide heads {self.heads} "
                             "(each key/value head serves the same number of query heads)")
        object.__setattr__(self, "kv_heads", int(kv_heads))
        object.__setattr__(self, "mlp_hidden", self._resolve_mlp_hidden())
        _check_choice(self.mlp_kind, ("gelu", "swiglu"), "mlp_kind")
        _check_choice(self.positions, ("learned", "rotary"), "positions")
        _check_choice(self.norm, ("layernorm", "rmsnorm"), "norm")
        for name in ("tied_embeddings", "biases", "final_norm"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")

    def _resolve_mlp_hidden(self) -> int:
        if self.mlp_hidden is not None:
            return _as_size(self.mlp_hidden, "mlp_hidden")
        if isinstance(self.mlp_ratio, bool) or not isinstance(self.mlp_ratio, int | float):
            raise ValueError(f"mlp_ratio must be a number, got {self.mlp_ratio!r}")
        hidden = self.mlp_ratio * self.width
        if not (math.isfinite(hidden) and hidden > 0 and abs(hidden - round(hidden)) < 1e-9):
            raise ValueError(f"mlp_ratio {self.mlp_ratio} × width {self.width} is not a whole number; "
                             "give mlp_hidden instead")
        return round(hidden)

    @property
    def head_width(self) -> int:
        return self.width // self.heads

    @property
    def mlp_multiple(self) -> float:
        """How many times wider the MLP's hidden layer is than the model: GPT-2's 4, Llama 3's 3.5."""
        return self.mlp_hidden / self.width

    @property
    def kv_width(self) -> int:
        """Length of each key (and each value) vector summed over the key/value heads."""
        return self.kv_heads * self.head_width


def embedding_parameters(config: TransformerConfig) -> int:
    """One vector of `width` numbers per token of the vocabulary."""
    return config.vocabulary_size * config.width


def position_parameters(config: TransformerConfig) -> int:
    """A learned vector per position of the context; rotary positions are a formula, no knobs."""
    return config.context_length * config.width if config.positions == "learned" else 0


def attention_parameters(config: TransformerConfig) -> int:
    """One layer's attention: query and output are width × width; key and value width × kv_width."""
    d, kv = config.width, config.kv_width
    weights = d * d + 2 * d * kv + d * d
    biases = d + 2 * kv + d if config.biases else 0
    return weights + biases


def mlp_parameters(config: TransformerConfig) -> int:
    """One layer's MLP: up (and gate, for SwiGLU) width × hidden, then down hidden × width."""
    d, h = config.width, config.mlp_hidden
    matrices_in = 1 if config.mlp_kind == "gelu" else 2
    weights = matrices_in * d * h + h * d
    biases = matrices_in * h + d if config.biases else 0
    return weights + biases


def norm_parameters(config: TransformerConfig) -> int:
    """One normalisation: a scale per channel, plus a shift per channel for LayerNorm."""
    return 2 * config.width if config.norm == "layernorm" else config.width


def output_head_parameters(config: TransformerConfig) -> int:
    """The matrix that turns the last vector into logits; free when tied to the embeddings."""
    return 0 if config.tied_embeddings else config.vocabulary_size * config.width


@dataclass(frozen=True)
class ParameterBreakdown:
    """Where a model's parameters live, summed over all layers."""

    embeddings: int
    positions: int
    attention: int
    mlp: int
    norms: int
    output_head: int

    @property
    def total(self) -> int:
        return sum(self.as_dict().values())

    def as_dict(self) -> dict[str, int]:
        return {"embeddings": self.embeddings, "positions": self.positions,
                "attention": self.attention, "mlp": self.mlp, "norms": self.norms,
                "output_head": self.output_head}

    def shares(self) -> dict[str, float]:
        """Each group's fraction of the whole model (they add up to 1)."""
        total = self.total
        return {name: count / total for name, count in self.as_dict().items()}


def parameter_breakdown(config: TransformerConfig) -> ParameterBreakdown:
    """Every parameter, grouped for display. Each layer has two norms (before attention, before MLP)."""
    norms_per_model = 2 * config.layers + (1 if config.final_norm else 0)
    return ParameterBreakdown(
        embeddings=embedding_parameters(config),
        positions=position_parameters(config),
        attention=config.layers * attention_parameters(config),
        mlp=config.layers * mlp_parameters(config),
        norms=norms_per_model * norm_parameters(config),
        output_head=output_head_parameters(config),
    )


def parameter_count(config: TransformerConfig) -> int:
    """The exact number of parameters (knobs) in the model."""
    return parameter_breakdown(config).total


def mlp_hidden_at_width(mlp_hidden: int, width: int, new_width: int) -> int:
    """The MLP hidden size that keeps its ratio to the width when the width changes, rounded to
    the nearest whole number (half rounds up), at least 1."""
    mlp_hidden, width = _as_size(mlp_hidden, "mlp_hidden"), _as_size(width, "width")
    new_width = _as_size(new_width, "new_width")
    return max(1, (2 * mlp_hidden * new_width + width) // (2 * width))


# --- Memory -------------------------------------------------------------------------------------


def weight_memory_bytes(n_params: int, precision: str) -> int:
    """Bytes to hold the weights alone (int4 packs two numbers per byte, rounding up)."""
    n_params = _as_whole(n_params, "n_params")
    _check_choice(precision, tuple(BITS_PER_PARAMETER), "precision")
    return -(-n_params * BITS_PER_PARAMETER[precision] // 8)


def weight_memory_gb(n_params: int, precision: str) -> float:
    """The same, in GB (10⁹ bytes)."""
    return weight_memory_bytes(n_params, precision) / GB


@dataclass(frozen=True)
class Device:
    """Somewhere to put the weights, with its memory as labelled (GB = 10⁹ bytes)."""

    name: str
    memory_gb: int

    @property
    def memory_bytes(self) -> int:
        return self.memory_gb * GB


DEVICES = {
    "laptop": Device("Laptop with 16 GB of memory", 16),
    "consumer-gpu": Device("Consumer GPU with 24 GB (e.g. NVIDIA GeForce RTX 4090)", 24),
    "datacentre-gpu": Device("Data-centre GPU with 80 GB (e.g. NVIDIA H100)", 80),
}


def fits(n_params: int, precision: str, device: Device | str) -> bool:
    """Do the weights alone fit in the device's memory? Running a model needs more on top
    (activations, the attention cache, and on a laptop the operating system), so a yes near the
    limit is optimistic."""
    if isinstance(device, str):
        _check_choice(device, tuple(DEVICES), "device")
        device = DEVICES[device]
    return weight_memory_bytes(n_params, precision) <= device.memory_bytes


# --- Compute ------------------------------------------------------------------------------------


def training_flops(n_params: int, tokens: int) -> int:
    """≈ 6·N·D: each token costs 2N FLOPs forward and about 4N backward."""
    return 6 * _as_whole(n_params, "n_params") * _as_whole(tokens, "tokens")


def inference_flops_per_token(n_params: int) -> int:
    """≈ 2·N: one forward pass multiplies and adds once per parameter."""
    return 2 * _as_whole(n_params, "n_params")


def inference_flops(n_params: int, tokens: int) -> int:
    """≈ 2·N·D to produce (or read) D tokens, e.g. D = 1,000,000 for the cost per million tokens."""
    return inference_flops_per_token(n_params) * _as_whole(tokens, "tokens")


def tokens_per_parameter(n_params: int, tokens: int) -> float:
    """How much text training reads for each knob it turns: D / N."""
    return _as_whole(tokens, "tokens") / _as_whole(n_params, "n_params")


def training_to_inference_ratio(tokens: int) -> int:
    """How many tokens of inference one training run costs: 6·N·D / 2·N = 3·D, whatever N is."""
    return 3 * _as_whole(tokens, "tokens")


def gpu_hours(flops: float, peak_flops_per_second: float = DEFAULT_PEAK_FLOPS_PER_SECOND,
              utilization: float = DEFAULT_UTILIZATION) -> float:
    """Hours one GPU needs for this many FLOPs when it runs at `utilization` × its peak."""
    if not (math.isfinite(flops) and flops >= 0):
        raise ValueError(f"flops must be a finite number ≥ 0, got {flops}")
    if not (math.isfinite(peak_flops_per_second) and peak_flops_per_second > 0):
        raise ValueError(f"peak_flops_per_second must be positive, got {peak_flops_per_second}")
    if not 0 < utilization <= 1:
        raise ValueError(f"utilization must be a fraction in (0, 1], got {utilization}")
    return flops / (peak_flops_per_second * utilization) / 3600


def cost(hours: float, price_per_gpu_hour: float) -> float:
    """Money for that many GPU-hours at a rental price (the price is the reader's knob)."""
    if not (math.isfinite(hours) and hours >= 0):
        raise ValueError(f"hours must be a finite number ≥ 0, got {hours}")
    if not (math.isfinite(price_per_gpu_hour) and price_per_gpu_hour >= 0):
        raise ValueError(f"price_per_gpu_hour must be a finite number ≥ 0, got {price_per_gpu_hour}")
    return hours * price_per_gpu_hour


@dataclass(frozen=True)
class ModelCosts:
    """One row of the lesson's comparison table."""

    parameters: int
    training_tokens: int
    weight_bytes: int
    training_flops: int
    inference_flops_per_token: int
    training_gpu_hours: float


def model_costs(n_params: int, training_tokens: int, precision: str = "bf16",
                peak_flops_per_second: float = DEFAULT_PEAK_FLOPS_PER_SECOND,
                utilization: float = DEFAULT_UTILIZATION) -> ModelCosts:
    """Memory, training compute, inference compute and GPU-hours of one model, side by side."""
    flops = training_flops(n_params, training_tokens)
    return ModelCosts(
        parameters=_as_whole(n_params, "n_params"),
        training_tokens=_as_whole(training_tokens, "training_tokens"),
        weight_bytes=weight_memory_bytes(n_params, precision),
        training_flops=flops,
        inference_flops_per_token=inference_flops_per_token(n_params),
        training_gpu_hours=gpu_hours(flops, peak_flops_per_second, utilization),
    )


# Lesson 1's line, pred = w·x + b, on the same scales: 2 knobs, trained by seeing its 5 points
# once per step for 1000 steps (the lesson's default), i.e. 5000 examples in all.
LINE_PARAMETERS = 2
LINE_TRAINING_STEPS = 1000
LINE_TRAINING_EXAMPLES = linear.X.size * LINE_TRAINING_STEPS


# --- Published models ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A well-known model: its configuration and the figures its makers published.

    headline is the parameter figure as its source states it, rounded; exact_parameters is an
    exact count where one is published (None where not). Both sit beside parameter_count(config).
    """

    title: str
    config: TransformerConfig
    headline: str
    headline_parameters: float
    headline_source: str
    exact_parameters: int | None = None
    exact_source: str | None = None
    training_tokens: float | None = None  # None: not published as a token count
    training_tokens_stated: str | None = None  # as the source words it, e.g. "over 15T"
    note: str = ""


def _gpt2(width: int, layers: int, heads: int) -> TransformerConfig:
    """GPT-2's layout: tied embeddings, learned positions, biases everywhere, LayerNorm, GELU MLP."""
    return TransformerConfig(vocabulary_size=50257, context_length=1024, width=width, layers=layers,
                             heads=heads)


def _llama3(width: int, layers: int, heads: int, mlp_hidden: int, tied: bool,
            context_length: int) -> TransformerConfig:
    """Llama 3's layout: no biases, RMSNorm, rotary positions, SwiGLU MLP, 8 key/value heads."""
    return TransformerConfig(vocabulary_size=128256, context_length=context_length, width=width,
                             layers=layers, heads=heads, kv_heads=8, mlp_hidden=mlp_hidden,
                             mlp_kind="swiglu", tied_embeddings=tied, positions="rotary",
                             biases=False, norm="rmsnorm")


_GPT2_PAPER = "Radford et al. 2019, \"Language Models are Unsupervised Multitask Learners\", table 2"
_GPT2_NOTE = ("The paper's figure is smaller than the exact count of the released weights, "
              "which is what the configuration gives.")
_TRANSFORMERS = "Hugging Face transformers, num_parameters() of the released checkpoint "
_LLAMA3_CARD = "Meta Llama 3 model card"
_LLAMA32_CARD = "Meta Llama 3.2 model card"

PRESETS: dict[str, Preset] = {
    "gpt2": Preset("GPT-2 small", _gpt2(768, 12, 12), "117M", 117e6, _GPT2_PAPER,
                   124_439_808, _TRANSFORMERS + "gpt2", note=_GPT2_NOTE),
    "gpt2-medium": Preset("GPT-2 medium", _gpt2(1024, 24, 16), "345M", 345e6, _GPT2_PAPER,
                          354_823_168, _TRANSFORMERS + "gpt2-medium", note=_GPT2_NOTE),
    "gpt2-large": Preset("GPT-2 large", _gpt2(1280, 36, 20), "762M", 762e6, _GPT2_PAPER,
                         774_030_080, _TRANSFORMERS + "gpt2-large", note=_GPT2_NOTE),
    "gpt2-xl": Preset("GPT-2 XL", _gpt2(1600, 48, 25), "1542M", 1542e6, _GPT2_PAPER,
                      1_557_611_200, _TRANSFORMERS + "gpt2-xl", note=_GPT2_NOTE),
    "gpt3-175b": Preset(
        "GPT-3 175B",
        TransformerConfig(vocabulary_size=50257, context_length=2048, width=12288, layers=96, heads=96),
        "175B", 175e9, "Brown et al. 2020, \"Language Models are Few-Shot Learners\", table 2.1",
        training_tokens=300e9, training_tokens_stated="300B tokens",
        note="No exact count was published. With GPT-2's layout (which the paper says it follows) "
             "the configuration gives 174,604,259,328, about 174.6B, rounded to 175B."),
    "llama-3.2-1b": Preset("Llama 3.2 1B", _llama3(2048, 16, 32, 8192, True, 131072), "1.23B", 1.23e9,
                           _LLAMA32_CARD, 1_235_814_400, _TRANSFORMERS + "meta-llama/Llama-3.2-1B",
                           training_tokens=9e12, training_tokens_stated="up to 9T tokens"),
    "llama-3.2-3b": Preset("Llama 3.2 3B", _llama3(3072, 28, 24, 8192, True, 131072), "3.21B", 3.21e9,
                           _LLAMA32_CARD, 3_212_749_824, _TRANSFORMERS + "meta-llama/Llama-3.2-3B",
                           training_tokens=9e12, training_tokens_stated="up to 9T tokens"),
    "llama-3-8b": Preset("Llama 3 8B", _llama3(4096, 32, 32, 14336, False, 8192), "8B", 8e9,
                         _LLAMA3_CARD, 8_030_261_248, _TRANSFORMERS + "meta-llama/Meta-Llama-3-8B",
                         training_tokens=15e12, training_tokens_stated="over 15T tokens"),
    "llama-3-70b": Preset("Llama 3 70B", _llama3(8192, 80, 64, 28672, False, 8192), "70B", 70e9,
                          _LLAMA3_CARD, 70_553_706_496, _TRANSFORMERS + "meta-llama/Meta-Llama-3-70B",
                          training_tokens=15e12, training_tokens_stated="over 15T tokens"),
}


def _shape(config: TransformerConfig) -> dict[str, object]:
    """Everything that fixes the count; mlp_ratio does not once mlp_hidden is filled in."""
    return {f.name: getattr(config, f.name) for f in fields(config) if f.name != "mlp_ratio"}


def matching_preset(config: TransformerConfig) -> str | None:
    """The name of the preset with exactly this shape, if there is one."""
    return next((name for name, preset in PRESETS.items() if _shape(preset.config) == _shape(config)), None)

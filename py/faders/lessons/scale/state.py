"""Lesson `scale`: how big real models are, whether they fit, and what training and using them cost.

The state: its knobs (one declaration each), its results. The page is view.py, the words words.py;
the maths is faders.core.scale's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import param

from faders.core import scale
from faders.core.scale import PRESETS, TransformerConfig
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.urlstate import parse_query
from faders.lessons.scale import words

# The knobs that make up the model's shape, in the order the page lists them.
ARCHITECTURE = ("vocabulary_size", "context_length", "width", "layers", "heads", "kv_heads", "mlp_hidden",
                "mlp_kind", "tied_embeddings", "positions", "biases", "norm")
CUSTOM = "custom"
DEFAULT_PRESET = "gpt2"
TERA = 1e12
MILLION = 10**6
# The price is the reader's knob; this default is an assumption, said so on the page.
DEFAULT_PRICE_PER_GPU_HOUR = 2.0
DEFAULT_TRAINING_TOKENS = 300 * 10**9
PRECISIONS = tuple(scale.BYTES_PER_PARAMETER)
# The model menu: each published model by its title, then the reader's own shape.
PRESET_CHOICES = {preset.title: name for name, preset in PRESETS.items()} | {words.CUSTOM_CHOICE: CUSTOM}
# The bar of each precision says where the weights fit: a laptop, only a GPU, or no single GPU (the
# page's chart and the still picture colour it alike).
FIT_COLOURS = {"laptop": "#2f9e44", "gpu": "#f59f00", "none": "#c92a2a"}


def fit_colour(fits: dict[str, bool]) -> str:
    """Green when the weights fit the laptop, amber when only a GPU holds them, red when none does."""
    return FIT_COLOURS["laptop" if fits["laptop"] else "gpu" if any(fits.values()) else "none"]


class ScaleLesson(Lesson):
    """Parameter count, memory and compute of a transformer, beside the lesson-1 line."""

    slug: ClassVar[str] = "scale"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ()
    embed_height: ClassVar[int] = 2700

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    # The shape starts as GPT-2 small's; a custom shape's knobs are written in its link.
    _gpt2 = PRESETS[DEFAULT_PRESET].config
    preset = knob(param.Selector(default=DEFAULT_PRESET, objects=[*PRESETS, CUSTOM], doc=words.HELP_PRESET),
                  key="preset", label="Model", options=PRESET_CHOICES)
    vocabulary_size = knob(param.Integer(_gpt2.vocabulary_size, bounds=(1, 10_000_000),
                                         doc=words.HELP_VOCABULARY),
                           key="vocab", label="Vocabulary (tokens)", widget="input")
    context_length = knob(param.Integer(_gpt2.context_length, bounds=(1, 100_000_000),
                                        doc=words.HELP_CONTEXT),
                          key="context", label="Context (tokens)", widget="input")
    width = knob(param.Integer(_gpt2.width, bounds=(1, 1_000_000), doc=words.HELP_WIDTH),
                 key="width", label="Width", widget="input")
    layers = knob(param.Integer(_gpt2.layers, bounds=(1, 10_000), doc=words.HELP_LAYERS),
                  key="layers", label="Layers", widget="input")
    heads = knob(param.Integer(_gpt2.heads, bounds=(1, 100_000), doc=words.HELP_HEADS),
                 key="heads", label="Attention heads", widget="input")
    kv_heads = knob(param.Integer(_gpt2.kv_heads, bounds=(1, 100_000), doc=words.HELP_KV_HEADS),
                    key="kv", label="Key/value heads", widget="input")
    mlp_hidden = knob(param.Integer(_gpt2.mlp_hidden, bounds=(1, 10_000_000), doc=words.HELP_MLP_HIDDEN),
                      key="hidden", label="MLP hidden size", widget="input")
    mlp_kind = knob(param.Selector(default=_gpt2.mlp_kind, objects=["gelu", "swiglu"],
                                   doc=words.HELP_MLP_KIND),
                    key="mlp", label="MLP kind")
    tied_embeddings = knob(param.Boolean(_gpt2.tied_embeddings, doc=words.HELP_TIED),
                           key="tied", label="Output tied to the embeddings")
    positions = knob(param.Selector(default=_gpt2.positions, objects=["learned", "rotary"],
                                    doc=words.HELP_POSITIONS),
                     key="pos", label="Positions")
    biases = knob(param.Boolean(_gpt2.biases, doc=words.HELP_BIASES), key="bias", label="Biases")
    norm = knob(param.Selector(default=_gpt2.norm, objects=["layernorm", "rmsnorm"], doc=words.HELP_NORM),
                key="norm", label="Normalisation")
    del _gpt2

    training_tokens = knob(param.Integer(DEFAULT_TRAINING_TOKENS, bounds=(1, 10**15), doc=words.HELP_TOKENS),
                           key="tokens", label="Training tokens (D)", widget="input", step=10**9)
    throughput_tflops = knob(param.Number(scale.DEFAULT_PEAK_FLOPS_PER_SECOND / TERA, bounds=(0.001, 1e6),
                                          doc=words.HELP_THROUGHPUT),
                             key="tflops", label="GPU peak (TFLOP/s)", widget="input", step=10)
    utilization = knob(param.Number(scale.DEFAULT_UTILIZATION, bounds=(0.01, 1.0),
                                    doc=words.HELP_UTILIZATION),
                       key="util", label="Utilisation", widget="slider", step=0.01, format="0%")
    price_per_gpu_hour = knob(param.Number(DEFAULT_PRICE_PER_GPU_HOUR, bounds=(0.0, 10_000.0),
                                           doc=words.HELP_PRICE),
                              key="price", label="Price per GPU-hour ($)", widget="input", step=0.1)

    # ---- results -------------------------------------------------------------------------
    refusal = param.String(default="", doc="Why the last change of shape was refused, if it was.")

    def __init__(self, **params: Any) -> None:
        super().__init__()
        self._quiet = False  # set while the lesson itself moves several knobs at once
        self.param.watch(self._on_preset, ["preset"])
        self.param.watch(self._on_shape, list(ARCHITECTURE))
        refused = self.configure(params)
        if refused:
            raise ValueError(refused[0])

    # ---- the shape -----------------------------------------------------------------------

    def architecture(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ARCHITECTURE}

    @property
    def config(self) -> TransformerConfig:
        """The model's shape; always valid, because refused shapes never reach the knobs."""
        return TransformerConfig(**self.architecture())

    def choose_preset(self, name: str) -> None:
        """Fill in a published model's shape and, where its makers state one, its token count."""
        values: dict[str, Any] = {"preset": name, "refusal": ""}
        preset = PRESETS.get(name)
        if preset is not None:
            values |= {field: getattr(preset.config, field) for field in ARCHITECTURE}
            if preset.training_tokens is not None:
                values["training_tokens"] = int(preset.training_tokens)
        self._set_quietly(values)

    def change_architecture(self, changes: Mapping[str, Any],
                            before: Mapping[str, Any] | None = None) -> str | None:
        """Change part of the shape; a shape core refuses changes nothing and returns the reason.

        Knobs the change does not name keep their relation: key/value heads that matched the
        heads follow them, and the MLP keeps its ratio to the width.
        """
        before = dict(before or self.architecture())
        after = before | dict(changes)
        if "heads" in changes and "kv_heads" not in changes and before["kv_heads"] == before["heads"]:
            after["kv_heads"] = changes["heads"]
        if "width" in changes and "mlp_hidden" not in changes:
            after["mlp_hidden"] = scale.mlp_hidden_at_width(before["mlp_hidden"], before["width"],
                                                            changes["width"])
        try:
            config = TransformerConfig(**after)
        except ValueError as reason:
            refusal = words.refusal(reason)
            self._set_quietly(before | {"refusal": refusal})
            return refusal
        self._set_quietly(after | {"preset": scale.matching_preset(config) or CUSTOM, "refusal": ""})
        return None

    def _set_quietly(self, values: Mapping[str, Any]) -> None:
        self._quiet = True
        try:
            self.param.update(values)
        finally:
            self._quiet = False

    def _on_preset(self, event: param.parameterized.Event) -> None:
        if not self._quiet:
            self.choose_preset(event.new)
            self.notices = []

    def _on_shape(self, *events: param.parameterized.Event) -> None:
        """A knob of the shape was turned on the page: check the whole shape, or turn it back."""
        if self._quiet:
            return
        before = self.architecture() | {event.name: event.old for event in events}
        refusal = self.change_architecture({event.name: event.new for event in events}, before)
        self.notices = [refusal] if refusal else []

    # ---- settings from outside -------------------------------------------------------------

    def configure(self, values: Mapping[str, Any]) -> list[str]:
        """Set knobs in the order that makes sense: the preset, then the shape, then the rest."""
        values = dict(values)
        preset = values.pop("preset", None)
        shape = {name: values.pop(name) for name in ARCHITECTURE if name in values}
        if preset is not None:
            self.choose_preset(preset)
        refusal = self.change_architecture(shape) if shape else None
        if values:
            self.param.update(values)
        return [refusal] if refusal else []

    def apply(self, values: Mapping[str, object]) -> list[str]:
        applied = parse_query(self, self.url_names, values)
        notices = [*applied.notices, *self.configure(applied.values)]
        self.notices = notices
        return notices

    def settings(self) -> dict[str, str]:
        """A published model is written as its name alone; a custom one as its whole shape."""
        query = super().settings()
        if self.preset != CUSTOM:
            names = {key for key, name in self.url_names.items() if name in ARCHITECTURE}
            query = {key: value for key, value in query.items() if key not in names}
        return query

    # ---- numbers -------------------------------------------------------------------------

    @property
    def peak_flops_per_second(self) -> float:
        return self.throughput_tflops * TERA

    def _hours_and_cost(self, flops: int) -> tuple[float, float]:
        hours = scale.gpu_hours(flops, self.peak_flops_per_second, self.utilization)
        return hours, scale.cost(hours, self.price_per_gpu_hour)

    def published(self) -> dict[str, Any] | None:
        """What the makers of the chosen model published; None for a custom shape."""
        preset = PRESETS.get(self.preset)
        if preset is None:
            return None
        return {"title": preset.title, "headline": preset.headline,
                "headline_parameters": preset.headline_parameters, "headline_source": preset.headline_source,
                "exact_parameters": preset.exact_parameters, "exact_source": preset.exact_source,
                "training_tokens": preset.training_tokens,
                "training_tokens_stated": preset.training_tokens_stated, "note": preset.note}

    def line_results(self) -> dict[str, Any]:
        """Lesson 1's line (2 knobs, 5 points seen 1000 times) on the same scales."""
        line = scale.model_costs(scale.LINE_PARAMETERS, scale.LINE_TRAINING_EXAMPLES, "fp32",
                                 self.peak_flops_per_second, self.utilization)
        return {"parameters": line.parameters, "training_examples": line.training_tokens,
                "memory_bytes": {p: scale.weight_memory_bytes(line.parameters, p) for p in PRECISIONS},
                "training_flops": line.training_flops, "inference_flops": line.inference_flops_per_token,
                "training_gpu_hours": line.training_gpu_hours,
                "training_cost": scale.cost(line.training_gpu_hours, self.price_per_gpu_hour),
                "training_to_inference_ratio": scale.training_to_inference_ratio(line.training_tokens)}

    def results(self) -> dict[str, Any]:
        config = self.config
        n, tokens = scale.parameter_count(config), self.training_tokens
        parts = scale.parameter_breakdown(config)
        training_flops = scale.training_flops(n, tokens)
        training_hours, training_cost = self._hours_and_cost(training_flops)
        per_million = scale.inference_flops(n, MILLION)
        inference_hours, inference_cost = self._hours_and_cost(per_million)
        return {
            "preset": self.preset,
            "model": PRESETS[self.preset].title if self.preset in PRESETS else words.CUSTOM_MODEL,
            "architecture": self.architecture() | {"head_width": config.head_width,
                                                   "mlp_multiple": config.mlp_multiple},
            "parameters": n,
            "breakdown": parts.as_dict(), "shares": parts.shares(),
            "published": self.published(),
            "memory_bytes": {p: scale.weight_memory_bytes(n, p) for p in PRECISIONS},
            "memory_gb": {p: scale.weight_memory_gb(n, p) for p in PRECISIONS},
            "devices": {key: {"name": d.name, "memory_gb": d.memory_gb, "memory_bytes": d.memory_bytes}
                        for key, d in scale.DEVICES.items()},
            "fits": {p: {d: scale.fits(n, p, d) for d in scale.DEVICES} for p in PRECISIONS},
            "training_tokens": tokens,
            "tokens_per_parameter": scale.tokens_per_parameter(n, tokens),
            "training_flops": training_flops,
            "training_gpu_hours": training_hours,
            "training_cost": training_cost,
            "inference_flops_per_token": scale.inference_flops_per_token(n),
            "inference_flops_per_million_tokens": per_million,
            "inference_gpu_hours_per_million_tokens": inference_hours,
            "inference_cost_per_million_tokens": inference_cost,
            "training_to_inference_ratio": scale.training_to_inference_ratio(tokens),
            "throughput_tflops": self.throughput_tflops,
            "throughput_flops_per_second": self.peak_flops_per_second,
            "utilization": self.utilization,
            "price_per_gpu_hour": self.price_per_gpu_hour,
            "line": self.line_results(),
            "refusal": self.refusal,
        }

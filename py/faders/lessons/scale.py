"""Lesson `scale`: how big real models are, whether they fit, and what training and using them cost."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import panel as pn
import param

from faders.core import scale
from faders.core.scale import PRESETS, TransformerConfig
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.urlstate import parse_query

# The knobs that make up the model's shape, in the order the page lists them.
ARCHITECTURE = ("vocabulary_size", "context_length", "width", "layers", "heads", "kv_heads", "mlp_hidden",
                "mlp_kind", "tied_embeddings", "positions", "biases", "norm")
COMPUTE = ("training_tokens", "throughput_tflops", "utilization", "price_per_gpu_hour")
CUSTOM = "custom"
DEFAULT_PRESET = "gpt2"
TERA = 1e12
MILLION = 10**6
# The price is the reader's knob; this default is an assumption, said so on the page.
DEFAULT_PRICE_PER_GPU_HOUR = 2.0
DEFAULT_TRAINING_TOKENS = 300 * 10**9
PRECISIONS = tuple(scale.BYTES_PER_PARAMETER)

PROSE = """
A model's **parameters** are its knobs. The line of the first lesson has two. The language models
people talk about have billions, and how many follows from the model's shape: how many different
tokens (pieces of words) it knows, how long the list of numbers is that carries each token through
the model (its **width**), how many **layers** it stacks, and a few choices inside each layer. Pick
a well-known model below, or change its shape; the count is worked out from the shape, with the
figure its makers published beside it.

**Does it fit on my laptop, or on one GPU?** Every parameter is a number held in memory: 4 bytes
at full precision (fp32), 2 in bf16 (the usual format for running a model), 1 in int8 and half a
byte in int4. The last two squeeze each number into fewer bits ("quantising" it) at some cost in
accuracy. The weights alone must fit in the memory of the machine that runs the model, and it
needs some room on top: for the text it is working on and, on a laptop, for everything else.

**Training costs far more than using.** Working out one token of output takes about two
operations per parameter, a multiply and an add: **2·N** floating-point operations (FLOPs) for N
parameters. Training reads **D** tokens of text, and for each one it does that forward pass and
then a backward pass, about twice as costly, to learn which way to turn every knob: about
**6·N·D** FLOPs in all. So one training run costs as much as producing **3·D** tokens, whatever the
size of the model. N and D are the two things you pay for: how many knobs there are, and how much
text turns them.

To turn FLOPs into hours and money the lesson assumes a GPU's peak speed (an NVIDIA H100: 989
trillion FLOPs a second in bf16), the share of that peak real work gets (the **utilisation**,
about 40% when training big models) and a rental price per GPU-hour. The price of $2 is an
assumption: prices differ between providers and change over time, so put in your own. All of these
count the arithmetic alone. Real projects pay for experiments that fail and machines that wait,
and generating text one token at a time is usually slowed by moving the weights through memory
rather than by arithmetic, so the inference figures are a floor.
"""


class ScaleLesson(Lesson):
    """Parameter count, memory and compute of a transformer, beside the lesson-1 line."""

    slug: ClassVar[str] = "scale"
    title: ClassVar[str] = "Scale and cost"
    teaser: ClassVar[str] = ("Count the knobs of GPT-2, GPT-3 and Llama 3, see whether they fit on your "
                             "laptop, and what training them costs next to using them.")
    prose: ClassVar[str] = PROSE
    url_names: ClassVar[dict[str, str]] = {
        "preset": "preset", "vocab": "vocabulary_size", "context": "context_length", "width": "width",
        "layers": "layers", "heads": "heads", "kv": "kv_heads", "hidden": "mlp_hidden", "mlp": "mlp_kind",
        "tied": "tied_embeddings", "pos": "positions", "bias": "biases", "norm": "norm",
        "tokens": "training_tokens", "tflops": "throughput_tflops", "util": "utilization",
        "price": "price_per_gpu_hour"}
    actions: ClassVar[tuple[str, ...]] = ()
    embed_height: ClassVar[int] = 2700

    _gpt2 = PRESETS[DEFAULT_PRESET].config
    preset = param.Selector(default=DEFAULT_PRESET, objects=[*PRESETS, CUSTOM],
                            doc="A published model, or custom once the shape is changed.")
    vocabulary_size = param.Integer(_gpt2.vocabulary_size, bounds=(1, 10_000_000),
                                    doc="How many different tokens the model knows.")
    context_length = param.Integer(_gpt2.context_length, bounds=(1, 100_000_000),
                                   doc="How many tokens it reads at once.")
    width = param.Integer(_gpt2.width, bounds=(1, 1_000_000), doc="Numbers carried per token (d_model).")
    layers = param.Integer(_gpt2.layers, bounds=(1, 10_000), doc="Transformer blocks stacked.")
    heads = param.Integer(_gpt2.heads, bounds=(1, 100_000), doc="Attention heads per layer.")
    kv_heads = param.Integer(_gpt2.kv_heads, bounds=(1, 100_000),
                             doc="Key/value heads: fewer than heads means several heads share one.")
    mlp_hidden = param.Integer(_gpt2.mlp_hidden, bounds=(1, 10_000_000),
                               doc="Width inside each layer's MLP (GPT-2: 4 × width).")
    mlp_kind = param.Selector(default=_gpt2.mlp_kind, objects=["gelu", "swiglu"],
                              doc="gelu: two matrices per MLP; swiglu: three.")
    tied_embeddings = param.Boolean(_gpt2.tied_embeddings,
                                    doc="The output reuses the token embedding matrix.")
    positions = param.Selector(default=_gpt2.positions, objects=["learned", "rotary"],
                               doc="learned: a vector per position; rotary: a formula, no knobs.")
    biases = param.Boolean(_gpt2.biases, doc="A bias on every linear layer.")
    norm = param.Selector(default=_gpt2.norm, objects=["layernorm", "rmsnorm"],
                          doc="layernorm: scale and shift per channel; rmsnorm: scale only.")
    del _gpt2

    training_tokens = param.Integer(DEFAULT_TRAINING_TOKENS, bounds=(1, 10**15),
                                    doc="D: tokens of text read in training.")
    throughput_tflops = param.Number(scale.DEFAULT_PEAK_FLOPS_PER_SECOND / TERA, bounds=(0.001, 1e6),
                                     doc="One GPU's peak speed, in trillions of FLOPs a second.")
    utilization = param.Number(scale.DEFAULT_UTILIZATION, bounds=(0.01, 1.0),
                               doc="The share of the peak that real work gets.")
    price_per_gpu_hour = param.Number(DEFAULT_PRICE_PER_GPU_HOUR, bounds=(0.0, 10_000.0),
                                      doc="Rental price of one GPU for one hour, in dollars (an assumption).")

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
            refusal = f"Refused that shape: {reason}. Nothing was changed."
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
            "model": PRESETS[self.preset].title if self.preset in PRESETS else "Custom model",
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

    # ---- view ----------------------------------------------------------------------------

    def view(self, with_prose: bool = False) -> pn.viewable.Viewable:
        from faders.lessons.scale_view import ScaleView

        return ScaleView(self, with_prose=with_prose).layout

"""The page of lesson `scale`: the model's shape, its memory, and its compute beside lesson 1's line."""

from __future__ import annotations

import math
from typing import Any

import panel as pn
from bokeh.models import ColumnDataSource, FactorRange, LabelSet, Range1d, Span

from faders.core import scale
from faders.core.scale import PRESETS
from faders.lessons import readable
from faders.lessons.kit.charts import ACCENT, MODEL, MUTED, plain_figure
from faders.lessons.kit.widgets import SHRINKS, WRAP, WRAPPED, unlocked
from faders.lessons.scale import ARCHITECTURE, COMPUTE, CUSTOM, PRECISIONS, ScaleLesson

PART_NAMES = {"embeddings": "token embeddings", "positions": "position table", "attention": "attention",
              "mlp": "MLP", "norms": "norms", "output_head": "output head"}
DEVICE_NAMES = {"laptop": "laptop", "consumer-gpu": "consumer GPU", "datacentre-gpu": "data-centre GPU"}
THIS_MODEL, LINE = "this model", "lesson 1's line"
COMPUTE_ROWS = [(THIS_MODEL, "training: 6·N·D"), (THIS_MODEL, "10⁶ tokens of inference"),
                (THIS_MODEL, "1 token of inference: 2·N"), (LINE, "training: 6·2·5,000"),
                (LINE, "1 prediction: 2·2")]
MEMORY_ROWS = [("devices", DEVICE_NAMES[d]) for d in scale.DEVICES] + \
              [(who, p) for who in (THIS_MODEL, LINE) for p in PRECISIONS]
# The bar of each precision says where the weights fit: a laptop, only a GPU, or no single GPU.
FIT_COLOURS = {"laptop": "#2f9e44", "gpu": "#f59f00", "none": "#c92a2a"}
INPUT_WIDTH = 170
MEMORY_START = 0.5  # bytes: the left end of the memory axis, so that a 1-byte bar shows
REFUSAL_STYLE = {"background": "#fff5f5", "border-left": "4px solid #c92a2a", "padding": "0 0.75em",
                 "border-radius": "4px"}


def fit_colour(fits: dict[str, bool]) -> str:
    """Green when the weights fit the laptop, amber when only a GPU holds them, red when none does."""
    return FIT_COLOURS["laptop" if fits["laptop"] else "gpu" if any(fits.values()) else "none"]


def log_axis_end(largest: float, start: float, room: float) -> float:
    """The right end of a log axis, in whole decades, that leaves `room` (a fraction of the axis)
    to the right of the longest bar for its label."""
    low, high = math.log10(start), math.log10(max(largest, start))
    return 10.0 ** math.ceil((high - room * low) / (1 - room))


class ScaleView:
    """Builds the layout once and redraws every readout and chart when a knob changes."""

    def __init__(self, lesson: ScaleLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        p = lesson.param
        options = {preset.title: name for name, preset in PRESETS.items()} | {"Custom shape": CUSTOM}
        self.preset_select = pn.widgets.Select.from_param(p.preset, label="Model", options=options,
                                                          width=240)

        def number(parameter: Any, label: str, step: int = 1) -> pn.widgets.IntInput:
            return pn.widgets.IntInput.from_param(parameter, label=label, step=step, width=INPUT_WIDTH)

        self.shape_inputs = [
            number(p.vocabulary_size, "Vocabulary (tokens)"), number(p.context_length, "Context (tokens)"),
            number(p.width, "Width"), number(p.layers, "Layers"), number(p.heads, "Attention heads"),
            number(p.kv_heads, "Key/value heads"), number(p.mlp_hidden, "MLP hidden size"),
            pn.widgets.Select.from_param(p.mlp_kind, label="MLP kind", width=INPUT_WIDTH),
            pn.widgets.Checkbox.from_param(p.tied_embeddings, label="Output tied to the embeddings",
                                           width=240, margin=(28, 10, 5, 10)),
        ]
        self.more_inputs = [
            pn.widgets.Select.from_param(p.positions, label="Positions", width=INPUT_WIDTH),
            pn.widgets.Select.from_param(p.norm, label="Normalisation", width=INPUT_WIDTH),
            pn.widgets.Checkbox.from_param(p.biases, label="Biases", width=120, margin=(28, 10, 5, 10)),
        ]
        self.compute_inputs = [
            pn.widgets.IntInput.from_param(p.training_tokens, label="Training tokens (D)",
                                           step=10**9, width=220),
            pn.widgets.FloatInput.from_param(p.throughput_tflops, label="GPU peak (TFLOP/s)", step=10,
                                             width=INPUT_WIDTH),
            pn.widgets.FloatSlider.from_param(p.utilization, label="Utilisation", step=0.01,
                                              format="0%", width=220),
            pn.widgets.FloatInput.from_param(p.price_per_gpu_hour, label="Price per GPU-hour ($)", step=0.1,
                                             width=INPUT_WIDTH),
        ]

        # Readouts get a fixed height where their length never changes, so a redraw stays local.
        self.refusal = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.count = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.memory = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.compute = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.comparison = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.parts_source = ColumnDataSource({"part": [], "count": [], "label": []})
        self.memory_source = ColumnDataSource({"row": [], "bytes": [], "colour": [], "label": []})
        self.compute_source = ColumnDataSource({"row": [], "flops": [], "colour": [], "label": []})
        self.parts_figure = self._parts_figure()
        self.memory_figure = self._memory_figure()
        self.compute_figure = self._compute_figure()

        lesson.param.watch(unlocked(self._redraw), ["preset", *ARCHITECTURE, *COMPUTE, "refusal"])
        self._redraw()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _parts_figure(self) -> Any:
        fig = plain_figure("Where the parameters are", "parameters", "",
                           y_range=FactorRange(*reversed(PART_NAMES.values())), x_range=Range1d(0, 1),
                           height=230)
        fig.hbar(y="part", right="count", height=0.7, source=self.parts_source, color=MODEL)
        fig.add_layout(LabelSet(x="count", y="part", text="label", source=self.parts_source, x_offset=5,
                                y_offset=-7, text_font_size="11px", text_color="#1f2933"))
        fig.xaxis.formatter.use_scientific = False
        fig.xaxis.visible = False
        return fig

    def _memory_figure(self) -> Any:
        fig = plain_figure("Memory of the weights (log scale)", "bytes (10⁹ = 1 GB)",
                           "", x_axis_type="log", y_range=FactorRange(*reversed(MEMORY_ROWS)),
                           x_range=Range1d(MEMORY_START, 1e13), height=380)
        fig.xaxis.ticker.desired_num_ticks = 5
        fig.hbar(y="row", left=MEMORY_START, right="bytes", height=0.7, source=self.memory_source,
                 color="colour")
        fig.add_layout(LabelSet(x="bytes", y="row", text="label", source=self.memory_source, x_offset=5,
                                y_offset=-7, text_font_size="11px", text_color="#1f2933"))
        for device in scale.DEVICES.values():
            fig.add_layout(Span(location=device.memory_bytes, dimension="height", line_color=MUTED,
                                line_dash="dashed", line_width=1))
        return fig

    def _compute_figure(self) -> Any:
        fig = plain_figure("Training vs inference (log scale)", "FLOPs", "",
                           x_axis_type="log", y_range=FactorRange(*reversed(COMPUTE_ROWS)),
                           x_range=Range1d(1, 1e25), height=300)
        fig.xaxis.ticker.desired_num_ticks = 5
        fig.hbar(y="row", left=1, right="flops", height=0.7, source=self.compute_source, color="colour")
        fig.add_layout(LabelSet(x="flops", y="row", text="label", source=self.compute_source, x_offset=5,
                                y_offset=-7, text_font_size="11px", text_color="#1f2933"))
        return fig

    # ---- redrawing -----------------------------------------------------------------------

    def _redraw(self, *_: Any) -> None:
        results = self.lesson.results()
        self.refusal.object = results["refusal"]
        self.refusal.styles = {**SHRINKS, **REFUSAL_STYLE} if results["refusal"] else dict(SHRINKS)
        self.count.object = self.count_text(results)
        self.memory.object = self.memory_text(results)
        self.compute.object = self.compute_text(results)
        self.comparison.object = self.comparison_text(results)
        self._draw_parts(results)
        self._draw_memory(results)
        self._draw_compute(results)

    def _draw_parts(self, results: dict[str, Any]) -> None:
        parts, shares = results["breakdown"], results["shares"]
        self.parts_source.data = {
            "part": [PART_NAMES[name] for name in parts], "count": list(parts.values()),
            "label": [f"{readable.short_count(count)} ({readable.percent(shares[name])})"
                      for name, count in parts.items()]}
        # Room to the right of the longest bar for its label.
        self.parts_figure.x_range.update(start=0, end=max(parts.values()) * 1.8)

    def _draw_memory(self, results: dict[str, Any]) -> None:
        rows, sizes, colours = [], [], []
        for key, device in results["devices"].items():
            rows.append(("devices", DEVICE_NAMES[key]))
            sizes.append(device["memory_bytes"])
            colours.append(MUTED)
        for p in PRECISIONS:
            rows.append((THIS_MODEL, p))
            sizes.append(results["memory_bytes"][p])
            colours.append(fit_colour(results["fits"][p]))
        for p in PRECISIONS:
            rows.append((LINE, p))
            sizes.append(results["line"]["memory_bytes"][p])
            colours.append(ACCENT)
        self.memory_source.data = {"row": rows, "bytes": sizes, "colour": colours,
                                   "label": [readable.size_in_bytes(size) for size in sizes]}
        self.memory_figure.x_range.update(start=MEMORY_START, end=log_axis_end(max(sizes), MEMORY_START, 0.2))

    def _draw_compute(self, results: dict[str, Any]) -> None:
        line = results["line"]
        flops = [results["training_flops"], results["inference_flops_per_million_tokens"],
                 results["inference_flops_per_token"], line["training_flops"], line["inference_flops"]]
        self.compute_source.data = {
            "row": COMPUTE_ROWS, "flops": [float(f) for f in flops],
            "colour": [MODEL, MODEL, MODEL, ACCENT, ACCENT],
            "label": [readable.power_of_ten(f) for f in flops]}
        self.compute_figure.x_range.update(start=1, end=log_axis_end(max(flops), 1, 0.3))

    # ---- words ---------------------------------------------------------------------------

    @staticmethod
    def count_text(results: dict[str, Any]) -> str:
        architecture = results["architecture"]
        text = (f"**{results['model']}: {readable.count(results['parameters'])} parameters**, "
                f"worked out from its shape (each head is {architecture['head_width']} numbers wide; "
                f"the MLP is {readable.significant(architecture['mlp_multiple'])} × the width).")
        published = results["published"]
        if published is None:
            return text + "  \nA shape of your own: no published figure to compare with."
        text += f"  \nPublished: **{published['headline']}** ({published['headline_source']})."
        if published["exact_parameters"] is not None:
            agrees = "matches" if published["exact_parameters"] == results["parameters"] else "does not match"
            exact = readable.whole(published["exact_parameters"])
            text += (f" Exact count of the released weights: **{exact}** ({published['exact_source']}), "
                     f"which the count above {agrees}.")
        if published["note"]:
            text += f" {published['note']}"
        return text

    @staticmethod
    def memory_text(results: dict[str, Any]) -> str:
        devices = results["devices"]
        header = "| precision | bytes per number | weights | " + " | ".join(
            f"{DEVICE_NAMES[key]} ({device['memory_gb']} GB)" for key, device in devices.items()) + " |"
        lines = [header, "|---|---|---|" + "---|" * len(devices)]
        for p in PRECISIONS:
            fits = results["fits"][p]
            cells = " | ".join("✓ fits" if fits[key] else "✗ too big" for key in devices)
            lines.append(f"| {p} | {scale.BYTES_PER_PARAMETER[p]:g} | "
                         f"{readable.size_in_bytes(results['memory_bytes'][p])} | {cells} |")
        names = "; ".join(device["name"] for device in devices.values())
        return "\n".join(lines) + (f"\n\nThe weights alone, in GB of 10⁹ bytes as on a spec sheet ({names}). "
                                   "Running the model needs room on top, so a fit near the limit is tight.")

    @staticmethod
    def compute_text(results: dict[str, Any]) -> str:
        tokens = results["training_tokens"]
        published = results["published"]
        if published is None:
            stated = ""
        elif published["training_tokens_stated"]:
            stated = f" Its makers state {published['training_tokens_stated']}."
        else:
            stated = " Its makers did not publish a token count."
        price = readable.money(results["price_per_gpu_hour"])
        speed = (f"at {readable.percent(results['utilization'])} of "
                 f"{readable.significant(results['throughput_tflops'])} TFLOP/s")
        ratio = results["training_to_inference_ratio"]
        return (
            f"**Training** on D = {readable.count(tokens)} tokens "
            f"({readable.significant(results['tokens_per_parameter'])} tokens per parameter).{stated}  \n"
            f"6·N·D = **{readable.power_of_ten(results['training_flops'])} FLOPs**, that is "
            f"**{readable.gpu_time(results['training_gpu_hours'])}** {speed}, costing "
            f"**{readable.money(results['training_cost'])}** at {price} per GPU-hour.\n\n"
            f"**Inference**: one token takes 2·N = "
            f"**{readable.power_of_ten(results['inference_flops_per_token'])} FLOPs**; a million tokens "
            f"**{readable.power_of_ten(results['inference_flops_per_million_tokens'])} FLOPs**, that is "
            f"**{readable.gpu_time(results['inference_gpu_hours_per_million_tokens'])}**, costing "
            f"**{readable.money(results['inference_cost_per_million_tokens'])}**.\n\n"
            f"**Training once costs as much as {readable.power_of_ten(ratio)} tokens of inference** "
            f"(3·D; {readable.short_count(ratio)}), whatever the size of the model.")

    @staticmethod
    def comparison_text(results: dict[str, Any]) -> str:
        line = results["line"]
        rows = [
            ("parameters (knobs)", readable.count(results["parameters"]), readable.count(line["parameters"])),
            ("weights in fp32", readable.size_in_bytes(results["memory_bytes"]["fp32"]),
             readable.size_in_bytes(line["memory_bytes"]["fp32"])),
            ("training reads", f"{readable.short_count(results['training_tokens'])} tokens",
             f"{readable.whole(line['training_examples'])} examples (5 points × 1,000 steps)"),
            ("training, FLOPs", readable.power_of_ten(results["training_flops"]),
             readable.power_of_ten(line["training_flops"])),
            ("one answer, FLOPs", readable.power_of_ten(results["inference_flops_per_token"]),
             readable.power_of_ten(line["inference_flops"])),
            ("training, GPU time", readable.gpu_time(results["training_gpu_hours"]),
             readable.gpu_time(line["training_gpu_hours"])),
            ("training, cost", readable.money(results["training_cost"]),
             readable.money(line["training_cost"])),
            ("training ÷ one answer", readable.power_of_ten(results["training_to_inference_ratio"]),
             readable.power_of_ten(line["training_to_inference_ratio"])),
        ]
        table = "\n".join(f"| {name} | {model} | {mine} |" for name, model, mine in rows)
        return (f"| | {results['model']} | your line from lesson 1 |\n|---|---|---|\n{table}\n\n"
                "The same rules price both. The line fits in "
                f"{readable.size_in_bytes(line['memory_bytes']['fp32'])} and trains in a blink, and yet "
                f"training it costs {readable.whole(line['training_to_inference_ratio'])} times one answer.")

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        # The wrapping row sits in a plain column: its inline `display: flex` would defeat collapsing.
        more = pn.Card(pn.Column(pn.Row(*self.more_inputs, styles=WRAP, sizing_mode="stretch_width"),
                                 sizing_mode="stretch_width", styles=SHRINKS),
                       title="More of the shape", collapsed=True, sizing_mode="stretch_width", styles=SHRINKS)
        shape = pn.Column(
            "### 1 · Pick a model, or change its shape", self.preset_select,
            pn.Row(*self.shape_inputs, styles=WRAP, sizing_mode="stretch_width"), more, self.refusal,
            pn.Row(pn.Column(self.count, styles=WRAPPED), pn.Column(self.parts_figure, styles=WRAPPED),
                   styles=WRAP, sizing_mode="stretch_width"),
            sizing_mode="stretch_width", styles=SHRINKS)
        memory = pn.Column("### 2 · Does it fit on my laptop, or on one GPU?",
                           pn.Row(pn.Column(self.memory, styles=WRAPPED),
                                  pn.Column(self.memory_figure, styles=WRAPPED), styles=WRAP,
                                  sizing_mode="stretch_width"),
                           sizing_mode="stretch_width", styles=SHRINKS)
        compute = pn.Column("### 3 · Training against inference",
                            pn.Row(*self.compute_inputs, styles=WRAP, sizing_mode="stretch_width"),
                            pn.Row(pn.Column(self.compute, styles=WRAPPED),
                                   pn.Column(self.compute_figure, styles=WRAPPED), styles=WRAP,
                                   sizing_mode="stretch_width"),
                            sizing_mode="stretch_width", styles=SHRINKS)
        line = pn.Column("### 4 · Your line from lesson 1, on the same scales", self.comparison,
                         sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [shape, memory, compute, line]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)

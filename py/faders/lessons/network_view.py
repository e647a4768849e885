"""The page of lesson `network`: the playground's controls, the decision map, a map per neuron, the loss
curves and the numbers; widgets and charts bound to a NetworkLesson."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import panel as pn
from bokeh.events import Tap
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, LinearColorMapper, Range1d, TapTool
from bokeh.palettes import interp_palette
from bokeh.plotting import figure

from faders.core.datasets import FEATURE_LABELS, HALF_WIDTH
from faders.core.playground import discretise
from faders.lessons.charts import (
    ACCENT,
    MODEL,
    SHRINKS,
    WRAP,
    WRAPPED,
    action_button,
    button,
    nice_ceiling,
    plain_figure,
    unlocked,
)
from faders.lessons.curve_view import CurveView
from faders.lessons.formatting import format_number
from faders.lessons.network import NetworkLesson
from faders.lessons.urlstate import format_value

# tensorflow/playground's colours: orange for class 0 and negative values, blue for class 1 and positive.
ORANGE, BLUE, PALE = "#f59322", "#0877bd", "#e8eaeb"
PALETTE = interp_palette((ORANGE, PALE, BLUE), 64)
SIDE = 2 * HALF_WIDTH
NEURON_SIZE = 64  # px, each neuron's small map
# Knobs that stay live while training runs (they change what is drawn or when training stops).
LIVE_KNOBS = ("show_test", "discretise", "target_loss", "stop_epoch")
BOX = {"padding": "0 0.75em", "border-radius": "4px", "min-width": "0"}
STATUS_COLOURS = {"idle": ("#f1f3f5", "#adb5bd"), "training": ("#e7f5ff", "#1c7ed6"),
                  "stopped": ("#fff9db", "#f59f00"), "done": ("#ebfbee", "#2f9e44"),
                  "diverged": ("#fff5f5", "#c92a2a")}
CODE_CSS = """
pre { white-space: pre; overflow-x: auto; max-width: 100%; background: #f8f9fa;
      padding: 0.75em 1em; border-radius: 6px; font-size: 12px; line-height: 1.4; max-height: 320px; }
"""


class NetworkView:
    """Builds the layout once and keeps every chart and readout in step with the lesson."""

    def __init__(self, lesson: NetworkLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.map_source = ColumnDataSource({"image": [np.zeros((2, 2))]})
        self.train_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.test_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.curve_source = ColumnDataSource({"epoch": [], "train": [], "test": []})
        self.output_mapper = LinearColorMapper(palette=PALETTE, low=0, high=1)
        self.neuron_mapper = LinearColorMapper(palette=PALETTE, low=-1, high=1)
        self.neuron_sources: list[list[ColumnDataSource]] = []
        self.link_source = ColumnDataSource({key: [] for key in ("x0", "y0", "x1", "y1", "width", "colour")})
        self.node_source = ColumnDataSource({"x": [], "y": [], "label": []})

        param = lesson.param
        self.knobs: dict[str, Any] = {
            "problem": pn.widgets.Select.from_param(param.problem, label="Problem", width=140),
            "dataset": pn.widgets.Select.from_param(param.dataset, label="Data", width=120),
            "noise": pn.widgets.IntSlider.from_param(param.noise, label="Noise (%)", width=150),
            "train_percent": pn.widgets.IntSlider.from_param(param.train_percent, label="Training data (%)",
                                                             width=150),
            "n_points": pn.widgets.IntInput.from_param(param.n_points, label="Points", step=100, width=100),
            "batch_size": pn.widgets.IntInput.from_param(param.batch_size, label="Batch size", width=100),
            "learning_rate": pn.widgets.FloatInput.from_param(param.learning_rate, label="Learning rate",
                                                              step=0.01, width=110),
            "loss": pn.widgets.Select.from_param(param.loss, label="Loss", width=130),
            "regularization": pn.widgets.Select.from_param(param.regularization, label="Regularisation",
                                                           width=120),
            "regularization_rate": pn.widgets.FloatInput.from_param(param.regularization_rate,
                                                                    label="Regularisation rate", step=0.001,
                                                                    width=130),
            "seed": pn.widgets.IntInput.from_param(param.seed, label="Seed", width=100),
        }
        self.live = {
            "show_test": pn.widgets.Checkbox.from_param(param.show_test, label="Show test data"),
            "discretise": pn.widgets.Checkbox.from_param(param.discretise, label="Discretise output"),
            "target_loss": pn.widgets.FloatInput.from_param(param.target_loss, label="Stop at train loss",
                                                            step=0.01, width=130),
            "stop_epoch": pn.widgets.IntInput.from_param(param.stop_epoch, label="Stop at epoch", step=100,
                                                         width=120),
        }
        # The list knobs are typed as in a link (4,2 and tanh,relu) and checked as a link is.
        self.list_inputs = {
            "hidden": pn.widgets.TextInput(label="Neurons per hidden layer", width=170),
            "act": pn.widgets.TextInput(label="Activation per layer", width=200),
        }
        for key, widget in self.list_inputs.items():
            widget.param.watch(lambda event, key=key: self._typed(key, event.new), "value")
        self.features = pn.widgets.CheckButtonGroup(
            label="Features", options={label: name for name, label in FEATURE_LABELS.items()},
            value=list(lesson.features), color="primary", variant="outline")
        self.features.param.watch(lambda event: self._typed("features", event.new), "value")
        self.paste = pn.widgets.TextAreaInput(label="Your own points: x, y, label per line", height=90,
                                              placeholder="1.5, 2, 1\n-3, 0.5, 0",
                                              sizing_mode="stretch_width")

        self.train_button = action_button(lesson, "Train", "train", button_type="primary", width=80)
        self.stop_button = action_button(lesson, "Stop", "stop", disabled=True, width=70)
        self.step_button = action_button(lesson, "Step", "step", width=70)
        self.reset_button = action_button(lesson, "Reset", "reset", width=70)
        self.seed_button = action_button(lesson, "New seed", "new_seed", width=90)
        self.add_button = action_button(lesson, "+ layer", "add_layer", width=80)
        self.remove_button = action_button(lesson, "− layer", "remove_layer", width=80)
        self.paste_button = button("Use these points", lambda: lesson.paste_points(self.paste.value),
                                   width=140)
        self.action_buttons = [self.step_button, self.reset_button, self.seed_button, self.add_button,
                               self.remove_button, self.paste_button]
        self.weights_download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(lesson.weights_json()), filename="network-weights.json",
            label="Download the weights (JSON)", color="light", width=220)
        self.code_download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(lesson.python_code()), filename="network_run.py",
            label="Download the Python code", color="light", width=220)

        self.status = pn.pane.Markdown(sizing_mode="stretch_width")
        self.notices = pn.pane.Markdown(sizing_mode="stretch_width", styles={
            **BOX, "background": "#fff9db", "border-left": "4px solid #f59f00"}, visible=False)
        self.counter = pn.pane.Markdown(sizing_mode="stretch_width", height=50)
        self.scores = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.code = pn.pane.Markdown(sizing_mode="stretch_width", stylesheets=[CODE_CSS], styles=SHRINKS)
        self.neurons = pn.Column(sizing_mode="stretch_width", styles=SHRINKS)

        self.map_figure = self._map_figure()
        self.diagram = self._diagram_figure()
        self.loss_figure = self._loss_figure()
        watch = lesson.param.watch
        watch(unlocked(self._on_frame), ["frame", "discretise"])
        watch(unlocked(self._on_status), ["status"])
        watch(unlocked(self._on_notices), ["notices"])
        watch(unlocked(self._on_lists), ["hidden", "activations", "features"])
        watch(unlocked(self._on_points), ["run_number", "show_test"])  # not every frame: points stay put
        for update in (self._on_lists, self._on_frame, self._on_points, self._on_status, self._on_notices):
            update()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _map_figure(self) -> Any:
        fig = plain_figure("The network's answer over the square (click: add a point, shift-click: class 0)",
                           "x", "y", height=360, x_range=Range1d(-HALF_WIDTH, HALF_WIDTH),
                           y_range=Range1d(-HALF_WIDTH, HALF_WIDTH), match_aspect=True)
        fig.image(image="image", source=self.map_source, x=-HALF_WIDTH, y=-HALF_WIDTH, dw=SIDE, dh=SIDE,
                  color_mapper=self.output_mapper, alpha=0.75)
        fig.scatter("x", "y", source=self.train_source, size=6, fill_color="colour", line_color="white",
                    legend_label="training points")
        fig.scatter("x", "y", source=self.test_source, size=6, fill_color="colour", line_color="black",
                    marker="square", legend_label="test points")
        fig.legend.location = "top_left"
        fig.legend.background_fill_alpha = 0.6
        fig.add_tools(TapTool(behavior="inspect"))  # the page sends taps only to a figure with a tap tool
        fig.on_event(Tap, self._clicked)
        return fig

    def _loss_figure(self) -> Any:
        fig = plain_figure("Loss while training", "epoch", "loss", height=220, x_range=Range1d(0, 1),
                           y_range=Range1d(0, 1))
        fig.line("epoch", "train", source=self.curve_source, color=MODEL, line_width=2, legend_label="train")
        fig.line("epoch", "test", source=self.curve_source, color=ACCENT, line_width=2, line_dash="dashed",
                 legend_label="test")
        fig.legend.location = "top_right"
        return fig

    def _diagram_figure(self) -> Any:
        fig = plain_figure("The network: links coloured by sign, thicker for larger weights", "", "",
                           height=220, x_range=Range1d(-0.6, 1.6), y_range=Range1d(-1, 1))
        fig.axis.visible = False
        fig.grid.visible = False
        fig.segment("x0", "y0", "x1", "y1", source=self.link_source, line_width="width", color="colour",
                    alpha=0.7)
        fig.scatter("x", "y", source=self.node_source, size=14, fill_color="white", line_color=MODEL)
        fig.text("x", "y", text="label", source=self.node_source, x_offset=-10, text_align="right",
                 text_baseline="middle", text_font_size="11px")
        return fig

    def _draw_links(self) -> None:
        """Node positions follow the layer sizes; link widths and colours follow the weights."""
        weights = self.lesson.weights()
        sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]

        def height(layer: int, unit: int) -> float:
            return (sizes[layer] - 1) / 2 - unit

        x0, y0, x1, y1, width, colour = [], [], [], [], [], []
        for layer, matrix in enumerate(weights):
            for (i, j), weight in np.ndenumerate(matrix):
                x0.append(layer)
                y0.append(height(layer, i))
                x1.append(layer + 1)
                y1.append(height(layer + 1, j))
                width.append(0.5 + 1.5 * min(abs(weight), 3.0))
                colour.append(BLUE if weight > 0 else ORANGE)
        self.link_source.data = {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": width, "colour": colour}
        labels = [FEATURE_LABELS[name] for name in self.lesson.current_run.setup.features]
        nodes = [(layer, height(layer, unit), labels[unit] if layer == 0 else "")
                 for layer, size in enumerate(sizes) for unit in range(size)]
        columns = {"x": [n[0] for n in nodes], "y": [n[1] for n in nodes], "label": [n[2] for n in nodes]}
        if columns != {key: list(values) for key, values in self.node_source.data.items()}:
            self.node_source.data = columns  # only when the architecture or the features change
            tallest = max(sizes) / 2 + 0.5
            self.diagram.x_range.update(start=-0.9, end=len(sizes) - 0.6)
            self.diagram.y_range.update(start=-tallest, end=tallest)

    def _neuron_figure(self, source: ColumnDataSource) -> Any:
        fig = figure(width=NEURON_SIZE, height=NEURON_SIZE, toolbar_location=None, tools="", min_border=0,
                     x_range=Range1d(-HALF_WIDTH, HALF_WIDTH), y_range=Range1d(-HALF_WIDTH, HALF_WIDTH))
        fig.axis.visible = False
        fig.grid.visible = False
        fig.outline_line_color = None
        fig.image(image="image", source=source, x=-HALF_WIDTH, y=-HALF_WIDTH, dw=SIDE, dh=SIDE,
                  color_mapper=self.neuron_mapper)
        return fig

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_frame(self, *_: Any) -> None:
        lesson, frame = self.lesson, self.lesson.frame
        if frame is None:
            return
        regression = lesson.current_run.setup.problem == "regression"
        low, high = (-1, 1) if regression else (0, 1)
        if (self.output_mapper.low, self.output_mapper.high) != (low, high):
            self.output_mapper.update(low=low, high=high)
        image = discretise(frame.maps.output) if lesson.discretise and not regression else frame.maps.output
        self.map_source.data = {"image": [image.astype(np.float32)]}
        shapes = [len(layer) for layer in frame.maps.neurons]
        if shapes != [len(layer) for layer in self.neuron_sources]:
            self._build_neurons(shapes)
        for sources, layer in zip(self.neuron_sources, frame.maps.neurons, strict=True):
            for source, neuron in zip(sources, layer, strict=True):
                source.data = {"image": [neuron.astype(np.float32)]}
        self._draw_links()
        curve = lesson.loss_curve()
        self.curve_source.data = {"epoch": [row[0] for row in curve], "train": [row[1] for row in curve],
                                  "test": [row[2] for row in curve]}
        top = nice_ceiling(max((value for row in curve for value in row[1:] if value is not None), default=1))
        end = nice_ceiling(max(frame.epoch, 10))
        if (self.loss_figure.y_range.end, self.loss_figure.x_range.end) != (top, end):
            self.loss_figure.y_range.end = top
            self.loss_figure.x_range.end = end
        self.counter.object = (f"Epoch **{frame.epoch:,}** · train loss **{format_number(frame.train_loss)}**"
                               f" · test loss **{format_number(frame.test_loss)}**")
        if lesson.status != "training":
            self._on_numbers()

    def _build_neurons(self, shapes: list[int]) -> None:
        self.neuron_sources = [[ColumnDataSource({"image": [np.zeros((2, 2))]}) for _ in range(units)]
                               for units in shapes]
        columns = [pn.Column(f"Layer {number}", *[pn.pane.Bokeh(self._neuron_figure(source), margin=2)
                                                   for source in sources], styles=SHRINKS)
                   for number, sources in enumerate(self.neuron_sources, 1)]
        self.neurons.objects = [pn.Row(*columns, styles={**SHRINKS, "overflow-x": "auto"})] if columns else [
            "No hidden layer: the output reads the features directly."]

    def _on_points(self, *_: Any) -> None:
        run = self.lesson.current_run
        classification = run.setup.problem == "classification"

        def colours(values: np.ndarray) -> list[str]:
            if classification:
                return [BLUE if value == 1 else ORANGE for value in values]
            return [BLUE if value > 0 else ORANGE for value in values]

        train = run.train
        self.train_source.data = {"x": train.x[:, 0], "y": train.x[:, 1], "colour": colours(train.y)}
        test = run.test if self.lesson.show_test else None
        self.test_source.data = ({"x": test.x[:, 0], "y": test.x[:, 1], "colour": colours(test.y)} if test
                                 else {"x": [], "y": [], "colour": []})

    def _on_numbers(self) -> None:
        results = self.lesson.results()
        lines = []
        if results["problem"] == "classification":
            for name in ("train", "test"):
                accuracy = results[f"{name}_accuracy"]
                if accuracy is None:
                    continue
                (tn, fp), (fn, tp) = results[f"{name}_confusion"]
                lines.append(f"**{name.capitalize()}**: accuracy **{accuracy:.1%}**\n\n"
                             f"| true \\ predicted | class 0 | class 1 |\n|---|---:|---:|\n"
                             f"| class 0 | {tn} | {fp} |\n| class 1 | {fn} | {tp} |\n")
        if results["speed"]:
            speed = results["speed"]
            lines.append(f"Last training here: **{speed['epochs_per_second']:.0f}** epochs a second, "
                         f"the maps "
                         f"redrawn **{speed['redraws_per_second']:.0f}** times a second.")
        if results["warning"]:
            lines.append(results["warning"])
        lines.append(f"The network: {' → '.join(map(str, results['layer_sizes']))} "
                     f"({results['parameters']:,} weights and biases).")
        self.scores.object = "\n\n".join(lines)
        self.code.object = f"```python\n{self.lesson.python_code()}```"

    def _on_status(self, *_: Any) -> None:
        lesson = self.lesson
        status = lesson.status
        background, border = STATUS_COLOURS[status]
        self.status.styles = {**BOX, "background": background, "border-left": f"4px solid {border}"}
        self.status.object = lesson.message()
        training = status == "training"
        for widget in [*self.knobs.values(), *self.list_inputs.values(), self.features, self.paste]:
            widget.disabled = training
        for widget in self.action_buttons:
            widget.disabled = training
        self.train_button.disabled = training or status == "diverged"
        self.stop_button.disabled = not training
        if not training:
            self._on_numbers()

    def _on_notices(self, *_: Any) -> None:
        notices = self.lesson.notices
        self.notices.object = "\n".join(f"- {notice}" for notice in notices)
        self.notices.visible = bool(notices)

    def _on_lists(self, *_: Any) -> None:
        lesson = self.lesson
        self.list_inputs["hidden"].value = format_value(lesson.hidden)
        self.list_inputs["act"].value = format_value(lesson.activations)
        if list(self.features.value) != list(lesson.features):
            self.features.value = list(lesson.features)

    # ---- the reader's input --------------------------------------------------------------

    def _typed(self, key: str, value: object) -> None:
        """A list typed or picked on the page, checked as a link's would be; refused ones go back."""
        current = {"hidden": self.lesson.hidden, "act": self.lesson.activations,
                   "features": self.lesson.features}[key]
        if value == format_value(current) or value == list(current):
            return
        self.lesson.apply({key: value})
        self._on_lists()

    def _clicked(self, event: Tap) -> None:
        if event.x is None or event.y is None:
            return
        shift = bool(event.modifiers and event.modifiers.get("shift"))
        label = (0 if shift else 1) if self.lesson.problem == "classification" else (-1.0 if shift else 1.0)
        self.lesson.add_point(round(event.x, 2), round(event.y, 2), label)

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        k = self.knobs
        # Two groups of buttons, so that they wrap on a phone.
        run_buttons = pn.pane.Bokeh(bk_row(self.train_button, self.stop_button, self.step_button),
                                    margin=(18, 10, 5, 10))
        more_buttons = pn.pane.Bokeh(bk_row(self.reset_button, self.seed_button), margin=(18, 10, 5, 10))
        top = pn.Row(run_buttons, more_buttons, k["learning_rate"], k["loss"], k["regularization"],
                     k["regularization_rate"], k["problem"], styles=WRAP, sizing_mode="stretch_width")
        data = pn.Column("### Data", pn.Row(k["dataset"], k["n_points"], styles=WRAP), k["noise"],
                         k["train_percent"], pn.Row(k["batch_size"], k["seed"], styles=WRAP), self.paste,
                         pn.pane.Bokeh(bk_row(self.paste_button), margin=(0, 10)), styles=WRAPPED,
                         sizing_mode="stretch_width")
        network = pn.Column("### Network", "Features the network reads:", self.features,
                            pn.Row(self.list_inputs["hidden"], self.list_inputs["act"], styles=WRAP),
                            pn.pane.Bokeh(bk_row(self.add_button, self.remove_button), margin=(0, 10)),
                            self.diagram,
                            "What each hidden neuron answers (blue positive, orange negative):",
                            self.neurons, styles=WRAPPED, sizing_mode="stretch_width")
        output = pn.Column("### Output", self.counter, self.map_figure,
                           pn.Row(self.live["show_test"], self.live["discretise"], styles=WRAP),
                           self.loss_figure,
                           pn.Row(self.live["target_loss"], self.live["stop_epoch"], styles=WRAP),
                           self.scores, styles=WRAPPED, sizing_mode="stretch_width")
        exports = pn.Column("### Take the run with you",
                            pn.Row(self.weights_download, self.code_download, styles=WRAP),
                            "The Python below repeats this run with faders.core, epoch for epoch:", self.code,
                            sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [self.notices, "## Part 1: fitting a curve", CurveView(self.lesson).layout,
                  "## Part 2: the playground", top, self.status,
                  pn.Row(data, network, output, styles=WRAP, sizing_mode="stretch_width"), exports]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


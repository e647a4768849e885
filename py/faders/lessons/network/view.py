"""The page of lesson `network`: Part 1 (curve_view.py), then the playground's controls, the decision map,
a map per neuron, the loss curves and the numbers; widgets and charts bound to a NetworkLesson.
`layout(lesson)` is what the lesson's `view()` shows."""

from __future__ import annotations

import io
import time
from typing import Any

import numpy as np
import panel as pn
from bokeh.events import Tap
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, Div, Label, LinearColorMapper, Range1d, TapTool
from bokeh.plotting import figure

from faders.core.datasets import FEATURE_LABELS, HALF_WIDTH
from faders.core.playground import discretise
from faders.lessons.kit.charts import ACCENT, MODEL, SMALL_SIZE, house_style, nice_ceiling, plain_figure
from faders.lessons.kit.code import code_block, code_markup
from faders.lessons.kit.places import place
from faders.lessons.kit.safe_text import text_list
from faders.lessons.kit.urlstate import format_value
from faders.lessons.kit.widgets import (
    BOX,
    SHRINKS,
    WRAP,
    WRAPPED,
    action_button,
    button,
    knob_widgets,
    show_locks,
    status_styles,
    unlocked,
)
from faders.lessons.network import words
from faders.lessons.network.colours import BLUE, ORANGE, PALETTE
from faders.lessons.network.curve_view import CurveView
from faders.lessons.network.state import NetworkLesson

LEVELS = len(PALETTE)
SIDE = 2 * HALF_WIDTH
MAP_HEIGHT = 360  # px, the decision map (the page's only chart this tall: its tests find it so)
# The network diagram: one column per layer, a row per neuron, each hidden neuron drawn as its own map.
# Columns share DIAGRAM_PX (the narrow column of the page), at most COLUMN_PX each; a neuron's map is at
# most TILE_PX square.
DIAGRAM_PX, COLUMN_PX, ROW_PX, TILE_PX = 330, 110, 56, 46
# Each knob's widget is this wide (px); the checkboxes take their label's width.
WIDTHS = {"problem": 140, "dataset": 120, "noise": 150, "train_percent": 150, "n_points": 100,
          "batch_size": 100, "learning_rate": 110, "loss": 130, "regularization": 120,
          "regularization_rate": 130, "seed": 100, "target_loss": 130, "stop_epoch": 120}
CODE_HEIGHT = 320  # px: a longer exported program scrolls inside its box


class NetworkView:
    """Builds the layout once and keeps every chart and readout in step with the lesson."""

    def __init__(self, lesson: NetworkLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        # Maps travel as palette indices (one byte a cell) and every neuron's map in one source: each
        # frame is then a few small messages to the page instead of one per neuron.
        self.map_source = ColumnDataSource({"image": [np.zeros((2, 2), np.uint8)]})
        self.neuron_source = ColumnDataSource({key: [] for key in ("image", "x", "y", "dw", "dh")})
        self.tile_places: dict[str, list[float]] = {}
        self.train_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.test_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.curve_source = ColumnDataSource({"epoch": [], "train": [], "test": []})
        self.mapper = LinearColorMapper(palette=PALETTE, low=-0.5, high=LEVELS - 0.5)  # index k: colour k
        self.neuron_shapes: list[int] = []
        self.link_source = ColumnDataSource({key: [] for key in ("x0", "y0", "x1", "y1", "width", "colour")})
        self.node_source = ColumnDataSource({"x": [], "y": [], "label": []})
        self._drawn_nodes: tuple[list[int], list[str]] | None = None  # layer sizes and input labels drawn

        self.knobs = knob_widgets(lesson, **{name: {"width": width} for name, width in WIDTHS.items()})
        # The list knobs are typed as in a link (4,2 and tanh,relu) and checked as a link is.
        self.list_inputs = {
            "hidden": pn.widgets.TextInput(label=lesson.param.hidden.label, width=170),
            "act": pn.widgets.TextInput(label=lesson.param.activations.label, width=200),
        }
        for key, widget in self.list_inputs.items():
            widget.param.watch(lambda event, key=key: self._typed(key, event.new), "value")
        self.features = pn.widgets.CheckButtonGroup(
            label=lesson.param.features.label,
            options={label: name for name, label in FEATURE_LABELS.items()},
            value=list(lesson.features), color="primary", variant="outline")
        self.features.param.watch(lambda event: self._typed("features", event.new), "value")
        self.paste = pn.widgets.TextAreaInput(label=words.PASTE_LABEL, height=90,
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
        self.notices = pn.pane.HTML(sizing_mode="stretch_width", styles={
            **BOX, "background": "#fff9db", "border-left": "4px solid #f59f00"}, visible=False)
        # The epoch and losses: drawn on the loss chart with every frame (a canvas repaint), and as text for
        # screen readers once a second while training (changing page text makes Bokeh lay out the page).
        self.counter = Div(height=24, sizing_mode="stretch_width")
        self.counter_label = Label(x=1, y=1, text="", text_align="right", text_baseline="top", x_offset=-6,
                                   y_offset=-4, text_font_size=SMALL_SIZE, text_color="#495057")
        self.counter_shown_at = 0.0
        self.scores = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.code = code_block("", label=words.CODE_LABEL, max_height=CODE_HEIGHT)

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
        fig = plain_figure(words.MAP_TITLE, "x", "y", height=MAP_HEIGHT,
                           x_range=Range1d(-HALF_WIDTH, HALF_WIDTH),
                           y_range=Range1d(-HALF_WIDTH, HALF_WIDTH), match_aspect=True)
        fig.image(image="image", source=self.map_source, x=-HALF_WIDTH, y=-HALF_WIDTH, dw=SIDE, dh=SIDE,
                  color_mapper=self.mapper, alpha=0.75)
        # No legend: Bokeh places a legend again at every repaint, and this map repaints ten times a second.
        fig.scatter("x", "y", source=self.train_source, size=6, fill_color="colour", line_color="white")
        fig.scatter("x", "y", source=self.test_source, size=6, fill_color="colour", line_color="black",
                    marker="square")
        fig.add_tools(TapTool(behavior="inspect"))  # the page sends taps only to a figure with a tap tool
        fig.on_event(Tap, self._clicked)
        return fig

    def _loss_figure(self) -> Any:
        fig = plain_figure(words.LOSS_TITLE, "epoch", "loss", height=220,
                           x_range=Range1d(0, 1), y_range=Range1d(0, 1))
        fig.line("epoch", "train", source=self.curve_source, color=MODEL, line_width=2)
        fig.line("epoch", "test", source=self.curve_source, color=ACCENT, line_width=2, line_dash="dashed")
        fig.add_layout(self.counter_label)  # at the top right corner, kept there by _on_frame
        return fig

    def _diagram_figure(self) -> Any:
        # Sized in pixels per layer and per neuron (see _place_nodes), so every neuron's map is square.
        fig = figure(title=words.DIAGRAM_TITLE,
                     toolbar_location=None,
                     tools="", min_border=4, frame_width=COLUMN_PX, frame_height=ROW_PX,
                     x_range=Range1d(0, 1), y_range=Range1d(0, 1))
        house_style(fig, title_room=2 * COLUMN_PX - 10)  # the narrowest diagram: inputs and output only
        fig.axis.visible = False
        fig.grid.visible = False
        fig.segment("x0", "y0", "x1", "y1", source=self.link_source, line_width="width", color="colour",
                    alpha=0.7)
        fig.image(image="image", x="x", y="y", dw="dw", dh="dh", source=self.neuron_source,
                  color_mapper=self.mapper)
        fig.scatter("x", "y", source=self.node_source, size=14, fill_color="white", line_color=MODEL)
        fig.text("x", "y", text="label", source=self.node_source, x_offset=-10, text_align="right",
                 text_baseline="middle", text_font_size=SMALL_SIZE)
        return fig

    def _draw_links(self) -> None:
        """Link widths and colours follow the weights; the layout follows the layer sizes."""
        weights = self.lesson.weights()
        values = np.concatenate([matrix.ravel() for matrix in weights])  # links in (layer, i, j) order
        looks = {"width": 0.5 + 1.5 * np.minimum(np.abs(values), 3.0),
                 "colour": np.where(values > 0, BLUE, ORANGE).tolist()}
        sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
        labels = [FEATURE_LABELS[name] for name in self.lesson.current_run.setup.features]
        if (sizes, labels) != self._drawn_nodes:
            self._place_nodes(sizes, labels)
        self.link_source.data = {**self.link_source.data, **looks}

    def _place_nodes(self, sizes: list[int], labels: list[str]) -> None:
        """Layers one unit apart, neurons one unit apart; the figure is sized so the maps come out square."""
        self._drawn_nodes = (sizes, labels)
        column_px = min(COLUMN_PX, DIAGRAM_PX / (len(sizes) + 0.25))
        tile_px = min(TILE_PX, 0.7 * column_px)
        tile_x, tile_y = tile_px / column_px, tile_px / ROW_PX

        def height(layer: int, unit: int) -> float:
            return (sizes[layer] - 1) / 2 - unit

        def right_edge(layer: int) -> float:  # links leave a neuron's map from its side, not its centre
            return layer + (tile_x / 2 if 0 < layer < len(sizes) - 1 else 0)

        def left_edge(layer: int) -> float:
            return layer - (tile_x / 2 if layer < len(sizes) - 1 else 0)

        ends = [(right_edge(layer), height(layer, i), left_edge(layer + 1), height(layer + 1, j))
                for layer in range(len(sizes) - 1) for i, j in np.ndindex(sizes[layer], sizes[layer + 1])]
        x0, y0, x1, y1 = (list(column) for column in zip(*ends, strict=True))
        self.link_source.data = {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "width": [1.0] * len(x0),
                                 "colour": [BLUE] * len(x0)}
        # Inputs and the output are circles (inputs labelled); hidden neurons are their maps.
        ends_of_net = [(0, unit) for unit in range(sizes[0])] + [(len(sizes) - 1, 0)]
        self.node_source.data = {"x": [layer for layer, _ in ends_of_net],
                                 "y": [height(layer, unit) for layer, unit in ends_of_net],
                                 "label": [*labels, ""]}
        tiles = [(layer, height(layer, unit)) for layer in range(1, len(sizes) - 1)
                 for unit in range(sizes[layer])]
        self.tile_places = {"x": [x - tile_x / 2 for x, _ in tiles], "y": [y - tile_y / 2 for _, y in tiles],
                            "dw": [tile_x] * len(tiles), "dh": [tile_y] * len(tiles)}
        tallest = max(sizes)
        self.diagram.x_range.update(start=-0.75, end=len(sizes) - 0.5)
        self.diagram.y_range.update(start=-tallest / 2, end=tallest / 2)
        self.diagram.update(frame_width=round(column_px * (len(sizes) + 0.25)), frame_height=ROW_PX * tallest)

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_frame(self, *_: Any) -> None:
        lesson, frame = self.lesson, self.lesson.frame
        if frame is None:
            return
        regression = lesson.current_run.setup.problem == "regression"
        low = -1 if regression else 0  # scores run from 0 to 1; regression answers from -1 to 1
        image = discretise(frame.maps.output) if lesson.discretise and not regression else frame.maps.output
        self.map_source.data = {"image": [palette_indices(image, low, 1)]}
        self._draw_links()
        self.neuron_shapes = [len(layer) for layer in frame.maps.neurons]
        self.neuron_source.data = {"image": [palette_indices(neuron, -1, 1)
                                             for layer in frame.maps.neurons for neuron in layer],
                                   **self.tile_places}
        curve = np.array(lesson.loss_curve(), dtype=float)  # a missing loss (None) becomes a gap (nan)
        self.curve_source.data = {"epoch": curve[:, 0], "train": curve[:, 1], "test": curve[:, 2]}
        top = nice_ceiling(float(np.nanmax(curve[:, 1:], initial=0.0)) or 1)
        end = nice_ceiling(max(frame.epoch, 10))
        if (self.loss_figure.y_range.end, self.loss_figure.x_range.end) != (top, end):
            self.loss_figure.y_range.end = top
            self.loss_figure.x_range.end = end
            self.counter_label.update(x=end, y=top)
        self.counter_label.text = words.counter(frame.epoch, frame.train_loss, frame.test_loss)
        if lesson.status != "training" or time.monotonic() - self.counter_shown_at >= 1:
            self._show_counter()
        if lesson.status != "training":
            self._on_numbers()

    def _show_counter(self) -> None:
        frame = self.lesson.frame
        if frame is None:
            return
        self.counter_shown_at = time.monotonic()
        self.counter.text = words.counter(frame.epoch, frame.train_loss, frame.test_loss, ("<b>", "</b>"))

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
        self.scores.object = words.scores(self.lesson.results())
        self.code.object = code_markup(self.lesson.python_code(), label=words.CODE_LABEL)

    def _on_status(self, *_: Any) -> None:
        lesson = self.lesson
        status = lesson.status
        self.status.styles = status_styles(status)
        self.status.object = lesson.message()
        training = status == "training"
        show_locks(self.knobs, lesson.locked())
        for widget in [*self.list_inputs.values(), self.features, self.paste]:
            widget.disabled = training
        for widget in self.action_buttons:
            widget.disabled = training
        self.train_button.disabled = training or status == "diverged"
        self.stop_button.disabled = not training
        if not training:
            self._show_counter()  # the last frame's numbers, whenever the counter last changed
            self._on_numbers()

    def _on_notices(self, *_: Any) -> None:
        notices = self.lesson.notices
        self.notices.object = text_list(notices)
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
        data = pn.Column(words.DATA_HEADING, pn.Row(k["dataset"], k["n_points"], styles=WRAP), k["noise"],
                         k["train_percent"], pn.Row(k["batch_size"], k["seed"], styles=WRAP), self.paste,
                         pn.pane.Bokeh(bk_row(self.paste_button), margin=(0, 10)), styles=WRAPPED,
                         sizing_mode="stretch_width")
        network = pn.Column(words.NETWORK_HEADING, words.FEATURES_INTRO, place("features", self.features),
                            pn.Row(self.list_inputs["hidden"], self.list_inputs["act"], styles=WRAP),
                            pn.pane.Bokeh(bk_row(self.add_button, self.remove_button), margin=(0, 10)),
                            pn.Row(pn.pane.Bokeh(self.diagram, sizing_mode="fixed"),
                                   styles={**SHRINKS, "overflow-x": "auto"},
                                   sizing_mode="stretch_width"),
                            styles=WRAPPED, sizing_mode="stretch_width")
        output = pn.Column(words.OUTPUT_HEADING, pn.pane.Bokeh(self.counter), self.map_figure,
                           pn.Row(self.knobs["show_test"], self.knobs["discretise"], styles=WRAP),
                           self.loss_figure,
                           pn.Row(self.knobs["target_loss"], self.knobs["stop_epoch"], styles=WRAP),
                           self.scores, styles=WRAPPED, sizing_mode="stretch_width")
        exports = pn.Column(words.EXPORTS_HEADING,
                            pn.Row(self.weights_download, self.code_download, styles=WRAP),
                            words.CODE_INTRO, self.code,
                            sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [self.notices, words.PART_1_HEADING, place("curve", CurveView(self.lesson).layout),
                  words.PART_2_HEADING, place("playground", top), self.status,
                  pn.Row(place("data", data), place("network", network), place("output", output), styles=WRAP,
                         sizing_mode="stretch_width"), place("exports", exports)]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


def palette_indices(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Each value's colour in PALETTE, as a byte: low is the first colour, high the last."""
    scaled = (np.asarray(values) - low) * ((LEVELS - 1) / (high - low))
    return np.clip(np.rint(scaled), 0, LEVELS - 1).astype(np.uint8)


def layout(lesson: NetworkLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what NetworkLesson.view() shows)."""
    return NetworkView(lesson, with_prose=with_prose).layout

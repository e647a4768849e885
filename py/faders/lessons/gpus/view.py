"""The page of lesson `gpus`: the engine in use, the benchmark chart, the training race, the cost
of inference, bound to a GpusLesson. Its knobs' widgets come from their declarations, its words
from words.py; `layout(lesson)` is the page.
"""

from __future__ import annotations

from typing import Any

import panel as pn
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, FactorRange, FixedTicker, Range1d

from faders.lessons.gpus import words
from faders.lessons.gpus.state import GpusLesson
from faders.lessons.gpus.words import MEASURES, engine_name
from faders.lessons.kit.charts import ACCENT, MODEL, nice_ceiling, plain_figure
from faders.lessons.kit.places import place
from faders.lessons.kit.safe_text import text_list
from faders.lessons.kit.widgets import (
    BOX,
    SHRINKS,
    WRAP,
    WRAPPED,
    action_button,
    knob_widgets,
    show_locks,
    unlocked,
)

# Each benchmark series: its row key, colour and dash.
SERIES = {"numpy_gflops": (ACCENT, "solid"), "webgpu_gflops": (MODEL, "solid"),
          "webgpu_round_trip_gflops": (MODEL, "dashed")}
ENGINE_COLOURS = {"numpy": ACCENT, "webgpu": MODEL}
ENGINE_BOX = {**BOX, "background": "#e7f5ff", "border-left": "4px solid #1c7ed6"}
NOTICE_BOX = {**BOX, "background": "#fff9db", "border-left": "4px solid #f59f00"}
MISSING_BOX = {**BOX, "background": "#f1f3f5", "border-left": "4px solid #adb5bd"}


class GpusView:
    """Builds the layout once and keeps every chart and readout in step with the lesson."""

    def __init__(self, lesson: GpusLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.kind = "benchmark"  # which section the progress belongs to
        self.series = {key: ColumnDataSource({"size": [], "gflops": []}) for key in SERIES}
        self.epoch_source = ColumnDataSource({"x": [], "seconds": [], "colour": [], "label": []})
        self.loss_sources = {engine: ColumnDataSource({"epoch": [], "loss": []}) for engine in ENGINE_COLOURS}

        self.knobs = knob_widgets(lesson, max_size={"width": 150}, batch_size={"width": 120})
        self.benchmark_button = action_button(lesson, "Benchmark", "benchmark", button_type="primary",
                                              width=110)
        self.train_button = action_button(lesson, "Train", "train", button_type="primary", width=90)
        self.stop_buttons = [action_button(lesson, "Stop", "stop", disabled=True, width=80) for _ in range(2)]
        self.reset_button = action_button(lesson, "Reset", "reset", width=80)
        self.lose_button = action_button(lesson, words.LOSE_GPU, "lose_gpu", width=200)

        self.engine_pane = pn.pane.Markdown(sizing_mode="stretch_width", styles=ENGINE_BOX)
        self.notice_pane = pn.pane.HTML(sizing_mode="stretch_width", styles=NOTICE_BOX, visible=False)
        self.missing_pane = pn.pane.Markdown(sizing_mode="stretch_width", styles=MISSING_BOX, visible=False)
        # Each section's last result in words, under its charts.
        self.summaries = {kind: pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
                          for kind in ("benchmark", "train")}
        # One progress bar and line per section; each shows its own section's last run.
        self.progress = {kind: pn.indicators.Progress(value=0, max=1, sizing_mode="stretch_width", height=16,
                                                      styles=SHRINKS) for kind in ("benchmark", "train")}
        self.progress_text = {kind: pn.pane.Markdown(words.NOTHING_MEASURED, sizing_mode="stretch_width",
                                                     height=30) for kind in self.progress}
        self.benchmark_table = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.training_table = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.cost_pane = pn.pane.Markdown(sizing_mode="stretch_width")

        self.benchmark_figure = self._benchmark_figure()
        self.epoch_figure = self._epoch_figure()
        self.loss_figure = self._loss_figure()
        watch = lesson.param.watch
        watch(unlocked(self._on_engine), ["engine"])
        watch(unlocked(self._on_status), ["status"])
        watch(unlocked(self._on_progress), ["progress_done", "progress_total", "activity", "status"])
        watch(unlocked(self._on_benchmark), ["benchmark"])
        watch(unlocked(self._on_max_size), ["max_size"])
        watch(unlocked(self._on_training), ["training", "epochs"])
        watch(unlocked(self._on_cost), ["cost"])
        for update in (self._on_engine, self._on_status, self._on_progress, self._on_benchmark,
                       self._on_max_size, self._on_training, self._on_cost):
            update()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _benchmark_figure(self) -> Any:
        fig = plain_figure(words.SPEED_TITLE, words.SPEED_X_LABEL, "GFLOP/s", height=300,
                           x_range=Range1d(0, 1), y_range=Range1d(0, 1))
        for key, (colour, dash) in SERIES.items():
            fig.line("size", "gflops", source=self.series[key], color=colour, line_dash=dash, line_width=2,
                     legend_label=MEASURES[key])
            fig.scatter("size", "gflops", source=self.series[key], color=colour, size=7)
        fig.add_layout(fig.legend[0], "above")  # over the chart, never over the lines
        return fig

    def _epoch_figure(self) -> Any:
        fig = plain_figure(words.EPOCH_TITLE, "epoch", "seconds", height=260,
                           x_range=FactorRange(), y_range=Range1d(0, 1))
        fig.vbar(x="x", top="seconds", width=0.8, source=self.epoch_source, fill_color="colour",
                 line_color=None, legend_field="label")
        fig.add_layout(fig.legend[0], "above")
        fig.legend.orientation = "horizontal"
        return fig

    def _loss_figure(self) -> Any:
        fig = plain_figure(words.LOSS_TITLE, "epoch", "loss", height=260,
                           x_range=Range1d(0.5, 1.5), y_range=Range1d(0, 1))
        fig.line("epoch", "loss", source=self.loss_sources["numpy"], color=ACCENT, line_width=5, alpha=0.5,
                 legend_label="numpy")
        fig.line("epoch", "loss", source=self.loss_sources["webgpu"], color=MODEL, line_width=2,
                 line_dash="dashed", legend_label="WebGPU")
        fig.scatter("epoch", "loss", source=self.loss_sources["webgpu"], color=MODEL, size=6)
        fig.xaxis.ticker = FixedTicker(ticks=[1])
        fig.add_layout(fig.legend[0], "above")
        fig.legend.orientation = "horizontal"
        return fig

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_engine(self, *_: Any) -> None:
        lesson = self.lesson
        self.engine_pane.object = lesson.engine_summary()
        notices = lesson.engine["notices"]
        self.notice_pane.object = text_list(notices)
        self.notice_pane.visible = bool(notices)
        missing = lesson.missing()
        self.missing_pane.object = missing or ""
        self.missing_pane.visible = missing is not None
        self._on_status()

    def _on_status(self, *_: Any) -> None:
        lesson = self.lesson
        running = lesson.training_run.running
        if lesson.status in ("benchmarking", "training"):
            self.kind = "benchmark" if lesson.status == "benchmarking" else "train"
        self.benchmark_button.disabled = self.train_button.disabled = running
        for button in self.stop_buttons:
            button.disabled = not running
        self.lose_button.visible = lesson.backend.gpu is not None
        show_locks(self.knobs, lesson.locked())

    def _on_progress(self, *_: Any) -> None:
        lesson = self.lesson
        bar = self.progress[self.kind]
        total = max(lesson.progress_total, 1)
        if bar.max != total:
            bar.max = total
        bar.value = min(lesson.progress_done, total)
        self.progress_text[self.kind].object = lesson.progress_text()

    def _on_max_size(self, *_: Any) -> None:
        self.benchmark_figure.x_range.update(start=0, end=self.lesson.max_size * 1.05)

    def _on_benchmark(self, *_: Any) -> None:
        rows = self.lesson.benchmark
        for key, source in self.series.items():
            measured = [row for row in rows if row[key] is not None]
            source.data = {"size": [row["size"] for row in measured],
                           "gflops": [row[key] for row in measured]}
        top = nice_ceiling(max((row[key] or 0.0 for row in rows for key in SERIES), default=0.0))
        if self.benchmark_figure.y_range.end != top:
            self.benchmark_figure.y_range.end = top
        self.benchmark_table.object = words.benchmark_table(rows)
        self.summaries["benchmark"].object = self.lesson.benchmark_summary() if rows else ""

    def _on_training(self, *_: Any) -> None:
        lesson = self.lesson
        runs = lesson.training
        engines = [run["engine"] for run in runs] or (["numpy", "webgpu"] if lesson.gpu_usable else ["numpy"])
        epochs = max([lesson.epochs] + [len(run["epochs"]) for run in runs])
        factors = [(str(epoch), engine_name(engine)) for epoch in range(1, epochs + 1) for engine in engines]
        if list(self.epoch_figure.x_range.factors) != factors:
            self.epoch_figure.x_range.factors = factors
        bars = [(epoch, run["engine"]) for run in runs for epoch in run["epochs"]]
        self.epoch_source.data = {
            "x": [(str(e.epoch), engine_name(engine)) for e, engine in bars],
            "seconds": [e.seconds for e, _ in bars],
            "colour": [ENGINE_COLOURS[engine] for _, engine in bars],
            "label": [engine_name(engine) for _, engine in bars]}
        seconds_top = nice_ceiling(max((e.seconds for e, _ in bars), default=0.0))
        if self.epoch_figure.y_range.end != seconds_top:
            self.epoch_figure.y_range.end = seconds_top
        for engine, source in self.loss_sources.items():
            run = next((run for run in runs if run["engine"] == engine), {"epochs": []})
            source.data = {"epoch": [e.epoch for e in run["epochs"]], "loss": [e.loss for e in run["epochs"]]}
        loss_top = nice_ceiling(max((e.loss for e, _ in bars), default=0.0))
        if (self.loss_figure.y_range.end, self.loss_figure.x_range.end) != (loss_top, epochs + 0.5):
            self.loss_figure.y_range.end = loss_top
            self.loss_figure.x_range.end = epochs + 0.5
            self.loss_figure.xaxis.ticker.ticks = list(range(1, epochs + 1))
        self.training_table.object = words.training_table(runs)
        self.summaries["train"].object = lesson.training_summary() if runs else ""

    def _on_cost(self, *_: Any) -> None:
        self.cost_pane.object = self.lesson.cost_summary()

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        engine = pn.Column(self.engine_pane, self.notice_pane, self.missing_pane,
                           pn.pane.Bokeh(bk_row(self.lose_button), margin=(0, 10, 5, 10)),
                           sizing_mode="stretch_width", styles=SHRINKS)
        benchmark_buttons = pn.pane.Bokeh(bk_row(self.benchmark_button, self.stop_buttons[0]),
                                          margin=(18, 10, 5, 10))
        benchmark = pn.Column(
            words.BENCHMARK_HEADING, words.BENCHMARK_INTRO,
            pn.Row(self.knobs["max_size"], benchmark_buttons, styles=WRAP, sizing_mode="stretch_width"),
            self.progress["benchmark"], self.progress_text["benchmark"], self.benchmark_figure,
            self.benchmark_table, self.summaries["benchmark"], sizing_mode="stretch_width", styles=SHRINKS)
        train_buttons = pn.pane.Bokeh(bk_row(self.train_button, self.stop_buttons[1], self.reset_button),
                                      margin=(18, 10, 5, 10))
        charts = pn.Row(pn.Column(self.epoch_figure, styles=WRAPPED, sizing_mode="stretch_width"),
                        pn.Column(self.loss_figure, styles=WRAPPED, sizing_mode="stretch_width"),
                        styles=WRAP, sizing_mode="stretch_width")
        training = pn.Column(
            words.TRAINING_HEADING, words.TRAINING_INTRO,
            pn.Row(self.knobs["width"], self.knobs["batch_size"], self.knobs["epochs"], train_buttons,
                   styles=WRAP, sizing_mode="stretch_width"),
            self.progress["train"], self.progress_text["train"], charts, self.training_table,
            self.summaries["train"], sizing_mode="stretch_width", styles=SHRINKS)
        inference = pn.Column(words.INFERENCE_HEADING, self.cost_pane,
                              sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [place("engine", engine), place("benchmark", benchmark), place("training", training),
                  place("inference", inference)]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


def layout(lesson: GpusLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what GpusLesson.view() shows)."""
    return GpusView(lesson, with_prose=with_prose).layout

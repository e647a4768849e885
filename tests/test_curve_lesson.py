"""Part 1 of lesson `network`, fitting a curve, in CPython: its knobs and URL, the reader's points, the
training loop and its actions, and every number shown against faders.core.curve."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

from faders.core import curve
from faders.core.curve import FitSetup
from faders.core.optimizers import SGD
from faders.lessons.network import NetworkLesson
from faders.lessons.network.curve import MAX_POINTS, RESOLUTION
from faders.lessons.network.curve_view import CurveView
from tests.helpers import notebook_display, page_link_session, run

KNOBS = {"fit": "abs", "fwidth": "5", "fdepth": "2", "fact": "tanh", "flr": "0.125", "fseed": "42",
         "fpoints": "-0.5:0.2,0:1,0.75:-0.25", "fepochs": "30"}


def trained(epochs: int, **knobs: str) -> NetworkLesson:
    lesson = NetworkLesson()
    assert lesson.apply({**knobs, "fepochs": str(epochs)}) == []
    run(lesson.run("fit_train"))
    return lesson


def core_run(setup: FitSetup, epochs: int) -> tuple[curve.FitRun, list[float]]:
    fit = curve.start_fit(setup)
    losses = [fit.loss()]
    for _ in range(epochs):
        fit.epoch()
        losses.append(fit.loss())
    return fit, losses


def test_defaults_and_the_url_round_trip_of_every_knob() -> None:
    lesson = NetworkLesson()
    fit = lesson.results()["fit"]
    assert (fit["status"], fit["epoch"], fit["layer_sizes"], fit["points"]) == ("idle", 0, [1, 8, 1], 64)
    assert lesson.apply(KNOBS) == []
    settings = lesson.settings()
    assert {key: settings[key] for key in KNOBS} == KNOBS
    assert lesson.curve.points == [(-0.5, 0.2), (0.0, 1.0), (0.75, -0.25)]
    again = NetworkLesson()
    assert again.apply(settings) == [] and again.settings() == settings
    assert again.results()["fit"]["layer_sizes"] == [1, 5, 5, 1]


@pytest.mark.parametrize(("query", "fragment"), [
    ({"fwidth": "0"}, "Ignored fwidth='0': it is outside the range 1 to 64; kept 8."),
    ({"fwidth": "65"}, "is outside the range 1 to 64"),
    ({"fdepth": "7"}, "Ignored fdepth='7': it is outside the range 1 to 6; kept 1."),
    ({"fdepth": "two"}, "is not a number"),
    ({"fact": "swish"}, "Ignored fact='swish': it is not one of relu, tanh, sigmoid, linear; kept relu."),
    ({"fit": "spiral"}, "is not one of line, sine, step, abs, points"),
    ({"flr": "0"}, "Ignored flr='0': it is outside the range 1e-05 to 10; kept 0.05."),
    ({"flr": "inf"}, "is not a finite number"),
    ({"fseed": "-1"}, "is outside the range"),
    ({"fpoints": "0.5:2"}, "Ignored fpoints='0.5:2': it has item 1, '0.5:2', which has a y that is outside "
                           "the range -1.5 to 1.5; kept none."),
    ({"fpoints": "0:0,3:0"}, "which has an x that is outside the range -1 to 1"),
    ({"fpoints": "0;0"}, "is not a point x:y"),
    ({"fpoints": ",".join(["0:0"] * (MAX_POINTS + 1))}, f"has {MAX_POINTS + 1} items, and 0 to {MAX_POINTS}"),
    ({"fit": "points"}, "Ignored fit='points': there are no points of your own yet; click on the chart to "
                        "place some. Kept sine."),
])
def test_bad_values_are_refused_with_a_notice_and_change_nothing(query: dict, fragment: str) -> None:
    lesson = NetworkLesson()
    before, curve_before = lesson.settings(), lesson.curve.current_run
    notices = lesson.apply(query)
    assert len(notices) == 1 and fragment in notices[0], notices
    assert lesson.settings() == before and lesson.curve.current_run is curve_before
    assert lesson.notices == notices


def test_clicked_points_go_into_the_url_and_reload_to_the_same_data() -> None:
    lesson = NetworkLesson()
    lesson.curve.add_point(-0.5012, 0.33333)
    lesson.curve.add_point(0.25, -1.2)
    lesson.curve.add_point(0.8, 0.7)
    assert lesson.curve.target == "points" and lesson.notices == []
    settings = lesson.settings()
    assert settings["fit"] == "points" and settings["fpoints"] == "-0.5:0.33,0.25:-1.2,0.8:0.7"
    reloaded = NetworkLesson()
    assert reloaded.apply(settings) == []
    np.testing.assert_array_equal(reloaded.curve.current_run.data.x, lesson.curve.current_run.data.x)
    np.testing.assert_array_equal(reloaded.curve.current_run.data.y, [0.33, -1.2, 0.7])
    assert reloaded.results()["fit"] == lesson.results()["fit"]
    # Back to a named target, the points stay in the link for later; Clear forgets them.
    lesson.curve.target = "step"
    assert lesson.settings()["fpoints"] == settings["fpoints"] and lesson.results()["fit"]["points"] == 64
    lesson.curve.target = "points"
    run(lesson.run("fit_clear_points"))
    assert lesson.curve.points == [] and lesson.curve.target == "sine"


def test_a_click_off_the_chart_is_refused_and_changes_nothing() -> None:
    lesson = NetworkLesson()
    notices = lesson.curve.add_point(1.3, 0.0)
    assert notices == ["Ignored the point (1.3, 0): points lie within x from -1 to 1 and y from -1.5 to 1.5."]
    assert lesson.curve.points == [] and lesson.curve.target == "sine"


def test_choosing_points_before_there_are_any_goes_back_with_a_notice() -> None:
    lesson = NetworkLesson(curve={"target": "abs"})
    lesson.curve.target = "points"  # as the page's menu would
    assert lesson.curve.target == "abs"
    assert lesson.notices == ["Click on the chart to place points of your own first."]


def test_the_numbers_shown_are_core_s() -> None:
    lesson = trained(40, fit="step", fwidth="6", fseed="3", flr="0.1")
    fit = lesson.results()["fit"]
    core, losses = core_run(FitSetup(target="step", width=6, seed=3, learning_rate=0.1), 40)
    assert fit["status"] == "done" and fit["epoch"] == 40
    assert fit["loss_curve"] == [[epoch, loss] for epoch, loss in enumerate(losses)]
    assert fit["loss"] == core.loss() == losses[-1]
    assert fit["parameters"] == 19 and fit["learning_rate"] == 0.1
    assert fit["contributions"] == 6 and fit["output_bias"] == curve.output_bias(core.model)
    inside = [x for _, x in curve.unit_kinks(core.model) if -1 <= x <= 1]
    assert fit["kinks"] == inside and inside
    assert fit["pieces"] == len(curve.relu_breakpoints(core.model)) + 1
    frame = lesson.curve.frame
    x = curve.grid(RESOLUTION)
    np.testing.assert_array_equal(frame.output, curve.predict_curve(core.model, x))
    np.testing.assert_array_equal(frame.contributions, curve.hidden_contributions(core.model, x))
    np.testing.assert_allclose(frame.contributions.sum(axis=1) + frame.bias, frame.output, atol=1e-12)
    assert [k for k, _ in frame.kinks] == inside
    heights = curve.predict_curve(core.model, np.array(inside))
    np.testing.assert_array_equal([y for _, y in frame.kinks], heights)


def test_each_target_fits_in_the_lesson_as_in_core() -> None:
    for target in ("line", "sine", "step", "abs"):
        lesson = trained(300, fit=target)
        _, losses = core_run(FitSetup(target=target), 300)
        assert lesson.results()["fit"]["loss"] == losses[-1] < 0.025


def test_step_train_stop_and_reset() -> None:
    lesson = NetworkLesson(curve={"stop_epoch": 5})
    run(lesson.run("fit_step"))
    run(lesson.run("fit_step"))
    assert lesson.curve.epoch == 2 and lesson.curve.status == "stopped" and lesson.curve.frame.epoch == 2
    run(lesson.run("fit_train"))
    assert lesson.curve.epoch == 5 and lesson.curve.status == "done"
    assert lesson.results()["fit"]["loss_curve"] == trained(5).results()["fit"]["loss_curve"]
    fresh = NetworkLesson().results()["fit"]
    run(lesson.run("fit_reset"))
    assert lesson.curve.epoch == 0 and lesson.curve.status == "idle"
    assert lesson.results()["fit"]["loss"] == fresh["loss"]

    async def train_then_stop() -> list[str]:
        lesson.curve.stop_epoch = 0
        task = asyncio.ensure_future(lesson.run("fit_train"))
        while lesson.curve.epoch < 3:
            await asyncio.sleep(0.01)
        seen = [lesson.curve.status]
        await lesson.run("fit_stop")
        await task
        return [*seen, lesson.curve.status]

    assert run(train_then_stop()) == ["training", "stopped"]
    assert lesson.curve.epoch >= 3 and lesson.curve.frame.epoch == lesson.curve.epoch


def test_while_training_the_knobs_are_locked_but_the_learning_rate_takes_effect() -> None:
    lesson = NetworkLesson()

    async def scenario() -> tuple[list[str], int]:
        task = asyncio.ensure_future(lesson.run("fit_train"))
        while lesson.curve.epoch < 5:
            await asyncio.sleep(0.01)
        notices = lesson.apply({"fwidth": "3", "flr": "0.2"})
        assert lesson.curve.add_point(0, 0) == ["The curve is training; press its Stop before adding points."]
        changed_at = lesson.curve.epoch
        while lesson.curve.epoch < changed_at + 5:
            await asyncio.sleep(0.01)
        await lesson.run("fit_stop")
        await task
        return notices, lesson.curve.epoch

    notices, epochs = run(scenario())
    assert notices == ["The curve is training; press its Stop first."]
    assert lesson.curve.width == 8 and lesson.curve.learning_rate == 0.2
    # Not restarted: one history from epoch 0, and the optimiser steps by the new rate.
    assert lesson.curve.history.count == epochs + 1 and lesson.curve.history.rows()[0][0] == 0
    assert lesson.curve.current_run.optimizer.learning_rate == 0.2
    assert lesson.results()["fit"]["learning_rate"] == 0.2


def test_a_new_learning_rate_between_steps_continues_the_run_as_core_does() -> None:
    lesson = NetworkLesson()
    for _ in range(3):
        run(lesson.run("fit_step"))
    assert lesson.apply({"flr": "0.3"}) == []
    run(lesson.run("fit_step"))
    core, _ = core_run(FitSetup(), 3)
    core.optimizer = SGD(learning_rate=0.3)
    core.epoch()
    assert lesson.curve.epoch == 4 and lesson.results()["fit"]["loss"] == core.loss()


def test_part_2_training_leaves_part_1_free_and_the_other_way_round() -> None:
    lesson = NetworkLesson()
    lesson.status = "training"
    assert lesson.apply({"fwidth": "3"}) == [] and lesson.curve.width == 3
    assert lesson.apply({"seed": "3"}) == ["Training is running; press Stop first."]
    lesson.status, lesson.curve.status = "idle", "training"
    assert lesson.apply({"seed": "3", "fseed": "5"}) == ["The curve is training; press its Stop first."]
    assert (lesson.seed, lesson.curve.seed) == (3, 0)


def test_divergence_is_told_in_words_and_no_nan_is_shown() -> None:
    lesson = trained(20, flr="5")
    fit = lesson.results()["fit"]
    assert fit["status"] == "diverged" and fit["epoch"] == 1
    assert fit["message"].startswith("Training diverged at epoch 1: the loss grew beyond what can be shown. "
                                     "A learning rate of 5 is too large")
    json.dumps(lesson.results(), allow_nan=False)  # no NaN or inf anywhere
    assert lesson.curve.frame.epoch == 0  # the page keeps the last good frame
    run(lesson.run("fit_train"))
    assert lesson.curve.status == "diverged"  # Train waits for Reset
    lesson.apply({"flr": "0.05"})
    run(lesson.run("fit_reset"))
    assert lesson.curve.status == "idle" and lesson.results()["fit"]["loss"] is not None


def test_several_layers_say_why_the_pieces_are_not_drawn() -> None:
    lesson = trained(10, fdepth="3", fwidth="4")
    fit = lesson.results()["fit"]
    assert fit["contributions"] == 0 and fit["kinks"] == [] and fit["output_bias"] is None
    assert "With 3 hidden layers the pieces are not drawn" in fit["explanation"]
    assert fit["pieces"] == len(curve.relu_breakpoints(lesson.curve.current_run.model)) + 1
    assert trained(5, fact="tanh").results()["fit"]["pieces"] is None  # tanh curves bend everywhere
    one = NetworkLesson().results()["fit"]["explanation"]
    assert one.startswith("Thin lines: what each of the 8 hidden units adds") and "at most 8 kinks" in one


def test_a_large_network_is_called_too_large_to_watch() -> None:
    assert NetworkLesson().results()["fit"]["warning"] == ""
    warning = NetworkLesson(curve={"width": 64, "depth": 6}).results()["fit"]["warning"]
    assert warning.startswith("This network is large (20,993 weights and biases)")


def test_the_view_draws_one_line_per_unit_and_a_mark_per_kink() -> None:
    lesson = trained(30, fwidth="5")
    view = CurveView(lesson)
    fit = lesson.results()["fit"]
    assert len(view.parts_source.data["ys"]) == 5 and len(view.kink_source.data["x"]) == len(fit["kinks"])
    assert list(view.output_source.data["y"]) == list(lesson.curve.frame.output)
    assert view.counter.object.startswith(f"Epoch **30** · mean squared error **{fit['loss']:.4g}**")
    assert f"**{fit['pieces']}** straight pieces" in view.counter.object
    lesson.curve.depth = 2
    assert view.parts_source.data["ys"] == [] and "not drawn" in view.explanation.object
    assert view.stop_button.disabled and not view.train_button.disabled
    view._clicked(type("Tap", (), {"x": 0.123, "y": -0.456})())
    assert lesson.curve.points == [(0.12, -0.46)] and len(view.data_source.data["x"]) == 1


def test_the_page_link_sets_trains_and_answers_as_the_browser_worker_does() -> None:
    replies, sent = page_link_session(NetworkLesson(), [
        ("set", {"fpoints": "-0.5:0.5,0.5:-0.5", "fit": "points", "fepochs": "20", "fwidth": "x"}),
        ("run", "fit_train")])
    first = replies[1]["result"]
    assert first["settings"]["fpoints"] == "-0.5:0.5,0.5:-0.5" and first["settings"]["fit"] == "points"
    assert first["notices"] == ["Ignored fwidth='x': it is not a number; kept 8."]
    fit = replies[2]["result"]["results"]["fit"]
    assert (fit["status"], fit["epoch"], fit["points"]) == ("done", 20, 2)
    assert "patch" in sent and "state" in sent


def test_part_1_renders_in_a_jupyter_notebook() -> None:
    shown = notebook_display("import panel as pn\n"
                             "from faders.lessons.network import NetworkLesson\n"
                             "pn.extension()\n"
                             "NetworkLesson(curve={'target': 'step'})")
    assert "Part 1: fitting a curve" in shown and "Units per layer" in shown

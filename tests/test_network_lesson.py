"""Lesson `network` in CPython: its knobs and URL, the training loop, the numbers shown, the exports."""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json

import numpy as np
import pytest

from faders.core import playground
from faders.core.datasets import feature_columns
from faders.lessons.kit.history import CURVE_POINTS, LossHistory
from faders.lessons.network import NetworkLesson
from faders.lessons.network.state import MAP_RESOLUTION
from tests.helpers import notebook_display, page_link_session, run, shown_text


def trained(epochs: int, **knobs: object) -> NetworkLesson:
    lesson = NetworkLesson(stop_epoch=epochs, **knobs)
    run(lesson.run("train"))
    return lesson


def test_defaults_are_playgrounds() -> None:
    lesson = NetworkLesson()
    assert lesson.settings() == {
        "problem": "classification", "dataset": "circle", "noise": "0", "train": "50", "points": "500",
        "batch": "10", "features": "x,y", "hidden": "4,2", "act": "tanh,tanh", "loss": "mse", "lr": "0.03",
        "reg": "none", "rate": "0", "seed": "0", "test": "0", "discrete": "0", "target": "0", "epochs": "0",
        # Part 1, fitting a curve (tests/test_curve_lesson.py)
        "fit": "sine", "fwidth": "8", "fdepth": "1", "fact": "relu", "flr": "0.05", "fseed": "0",
        "fpoints": "", "fepochs": "0", "mine": ""}
    results = lesson.results()
    assert results["epoch"] == 0 and results["status"] == "idle"
    assert results["layer_sizes"] == [2, 4, 2, 1] and results["parameters"] == 25
    assert (results["train_points"], results["test_points"]) == (250, 250)


# Each dataset trains below its bound in 200 epochs with seed 0 (measured: about half the bound or less).
BOUNDS = [
    ("circle", "mse", {}, 0.04),
    ("circle", "cross_entropy", {}, 0.13),
    ("xor", "mse", {}, 0.01),
    ("xor", "cross_entropy", {}, 0.05),
    ("gaussians", "mse", {}, 0.005),
    ("gaussians", "cross_entropy", {}, 0.01),
    ("spiral", "mse", {"features": ["x", "y", "sin_x", "sin_y"], "hidden": [8, 6]}, 0.02),
    ("spiral", "cross_entropy", {"features": ["x", "y", "sin_x", "sin_y"], "hidden": [8, 6]}, 0.11),
    ("moons", "mse", {"hidden": [6, 4]}, 0.005),
    ("moons", "cross_entropy", {"hidden": [6, 4]}, 0.02),
    ("plane", "mse", {}, 0.002),
    ("bumps", "mse", {"hidden": [8, 6]}, 0.07),
]


@pytest.mark.parametrize(("dataset", "loss", "knobs", "bound"), BOUNDS)
def test_each_dataset_trains_below_its_bound(dataset: str, loss: str, knobs: dict, bound: float) -> None:
    lesson = trained(200, dataset=dataset, loss=loss, **knobs)
    results = lesson.results()
    assert results["status"] == "done" and results["epoch"] == 200
    assert results["test_loss"] < bound
    assert results["train_loss"] < 0.5 * results["loss_curve"][0][1]  # both losses train
    if results["problem"] == "classification":
        assert results["test_accuracy"] >= 0.95


def test_the_lesson_runs_the_core_run_and_shows_its_numbers() -> None:
    lesson = trained(30, dataset="xor", noise=20, hidden=[3], activations=["relu"], loss="cross_entropy",
                     seed=5, train_percent=60, batch_size=7, learning_rate=0.1)
    setup = playground.Setup(dataset="xor", noise=0.2, hidden=(3,), activations=("relu",),
                             loss="cross_entropy",
                             seed=5, test_fraction=0.4, batch_size=7, learning_rate=0.1)
    core = playground.start(setup)
    losses = []
    for _ in range(30):
        core.epoch()
        losses.append(core.losses())
    results = lesson.results()
    assert [row[1:] for row in results["loss_curve"][1:]] == [list(pair) for pair in losses]
    assert (results["train_loss"], results["test_loss"]) == losses[-1]
    predicted = playground.class_predictions(core.model, core.x_test, "cross_entropy")
    confusion = playground.confusion_matrix(predicted, core.test.y)
    assert results["test_confusion"] == confusion.tolist()
    assert results["test_accuracy"] == np.trace(confusion) / len(core.test.y)
    assert sum(map(sum, results["train_confusion"])) == results["train_points"] == 300


def test_the_published_frame_holds_the_maps_of_the_last_epoch() -> None:
    lesson = trained(12, hidden=[3, 2])
    frame = lesson.frame
    assert frame.epoch == 12
    assert (frame.train_loss, frame.test_loss) == tuple(lesson.results()["loss_curve"][-1][1:])
    expected = playground.decision_maps(lesson.current_run.model, ("x", "y"), resolution=MAP_RESOLUTION)
    assert np.array_equal(frame.maps.output, expected.output)
    assert [m.shape for m in frame.maps.neurons] == [(3, MAP_RESOLUTION, MAP_RESOLUTION),
                                                     (2, MAP_RESOLUTION, MAP_RESOLUTION)]


def test_same_url_settings_reproduce_the_same_losses() -> None:
    query = {"dataset": "spiral", "noise": "10", "features": "x,y,sin_x", "hidden": "5,3", "act": "relu,tanh",
             "lr": "0.05", "reg": "l2", "rate": "0.001", "seed": "7", "batch": "15", "epochs": "25"}
    curves = []
    for _ in range(2):
        lesson = NetworkLesson()
        assert lesson.apply(query) == []
        run(lesson.run("train"))
        curves.append(lesson.results()["loss_curve"])
    assert curves[0] == curves[1] and len(curves[0]) == 26
    other = NetworkLesson()
    other.apply({**query, "seed": "8"})
    run(other.run("train"))
    assert other.results()["loss_curve"] != curves[0]


def test_step_trains_one_epoch_and_train_continues_from_it() -> None:
    lesson = NetworkLesson(stop_epoch=5)
    run(lesson.run("step"))
    run(lesson.run("step"))
    assert lesson.epoch == 2 and lesson.status == "stopped" and lesson.frame.epoch == 2
    run(lesson.run("train"))
    assert lesson.epoch == 5 and lesson.status == "done"
    assert lesson.results()["loss_curve"] == trained(5).results()["loss_curve"]


def test_training_stops_at_a_target_loss() -> None:
    lesson = trained(0, target_loss=0.1)
    curve = lesson.results()["loss_curve"]
    assert lesson.status == "done" and curve[-1][1] <= 0.1 < curve[-2][1]


def test_a_history_of_any_length_keeps_at_most_its_limit_evenly_spaced_first_and_latest() -> None:
    history = LossHistory((0, 0.0), limit=10)
    for epoch in range(1, 1000):
        history.append((epoch, float(epoch)))
        epochs = [row[0] for row in history]
        assert min(epoch + 1, 5) <= len(epochs) <= 10 and history.count == epoch + 1  # half full at least
        assert epochs[0] == 0 and epochs[-1] == epoch  # the first and the latest are always there
        steps = {b - a for a, b in itertools.pairwise(epochs[:-1])}
        assert steps <= {history.stride} and epochs[-1] - epochs[-2] <= history.stride  # evenly thinned
    assert history.stride == 128


def test_a_long_run_keeps_a_bounded_loss_curve_of_the_true_losses() -> None:
    epochs = 3 * CURVE_POINTS + 17  # thinned twice over
    lesson = trained(epochs, n_points=20, batch_size=10)
    core = playground.start(lesson.setup())
    losses = [core.losses()]
    for _ in range(epochs):
        core.epoch()
        losses.append(core.losses())
    curve = lesson.results()["loss_curve"]
    assert len(curve) <= CURVE_POINTS and len(lesson.history) == len(curve)
    assert curve[0][0] == 0 and curve[-1][0] == epochs == lesson.results()["epoch"]
    assert all(row[1:] == list(losses[row[0]]) for row in curve)  # each kept epoch's own losses
    assert (lesson.results()["train_loss"], lesson.results()["test_loss"]) == losses[-1]


def test_reset_and_a_data_or_network_knob_start_again_from_epoch_zero() -> None:
    lesson = trained(5)
    first = lesson.results()["loss_curve"][0]
    run(lesson.run("reset"))
    assert lesson.epoch == 0 and lesson.status == "idle" and lesson.results()["loss_curve"] == [first]
    lesson.apply({"epochs": "3"})
    run(lesson.run("train"))
    lesson.noise = 10
    assert lesson.epoch == 0 and lesson.results()["loss_curve"] != [first]  # new data, a new start


def test_too_large_a_learning_rate_diverges_without_showing_nan() -> None:
    lesson = trained(300, learning_rate=10.0, hidden=[8, 8], activations=["relu", "relu"], dataset="plane")
    results = lesson.results()
    assert results["status"] == "diverged" and "diverged" in results["message"]
    assert "nan" not in json.dumps(results).lower() and "inf" not in json.dumps(results).lower()
    assert np.isfinite(lesson.frame.maps.output).all()
    run(lesson.run("train"))
    assert lesson.status == "diverged"


def test_layers_are_added_and_removed_with_their_activations() -> None:
    lesson = NetworkLesson(activations=["tanh", "relu"])
    run(lesson.run("add_layer"))
    assert lesson.hidden == [4, 2, 2] and lesson.activations == ["tanh", "relu", "relu"]
    assert lesson.results()["layer_sizes"] == [2, 4, 2, 2, 1]
    for _ in range(4):
        run(lesson.run("remove_layer"))
    assert lesson.hidden == [] and lesson.activations == [] and lesson.results()["layer_sizes"] == [2, 1]
    run(lesson.run("add_layer"))
    assert lesson.hidden == [4] and lesson.activations == ["tanh"]
    lesson.set_units(0, 7)
    assert lesson.results()["parameters"] == 2 * 7 + 7 + 7 + 1


def test_problem_dataset_and_loss_stay_in_line() -> None:
    lesson = NetworkLesson(loss="cross_entropy")
    lesson.problem = "regression"
    assert (lesson.dataset, lesson.loss) == ("plane", "mse")
    lesson.dataset = "spiral"
    assert lesson.problem == "classification" and lesson.results()["problem"] == "classification"


@pytest.mark.parametrize(("query", "notice"), [
    ({"dataset": "plane", "loss": "cross_entropy"},
     "Ignored loss='cross_entropy': it needs classes, and this is a regression problem; kept mse."),
    ({"dataset": "circle", "problem": "regression"},
     "Ignored problem='regression': dataset circle is a classification problem; kept classification."),
    ({"hidden": "3,3", "act": "relu"},
     "Ignored act='relu': 2 hidden layers need 2 activations; kept tanh,tanh."),
    ({"dataset": "custom"}, "Ignored dataset='custom': there are no points of your own yet"),
    ({"hidden": "4,40"},
     "which is outside the range 1 to 32 (a larger network trains too slowly here to watch)"),
    ({"features": "x,z"}, "has item 2, 'z', which is not one of x, y, x2, y2, xy, sin_x, sin_y"),
])
def test_settings_that_do_not_fit_are_refused_with_a_notice(query: dict, notice: str) -> None:
    lesson = NetworkLesson()
    notices = lesson.apply(query)
    assert len(notices) == 1 and notice in notices[0], notices
    assert (lesson.loss, lesson.hidden, lesson.features) == ("mse", [4, 2], ["x", "y"])
    assert lesson.activations == ["tanh", "tanh"]
    assert lesson.problem == lesson.results()["problem"]


def test_hidden_layers_from_the_url_bring_their_activations() -> None:
    lesson = NetworkLesson()
    assert lesson.apply({"hidden": "5,4,3"}) == []
    assert lesson.activations == ["tanh"] * 3 and lesson.results()["layer_sizes"] == [2, 5, 4, 3, 1]
    assert lesson.apply({"hidden": ""}) == [] and lesson.activations == []


def test_knobs_are_locked_while_training_except_the_live_ones() -> None:
    lesson = NetworkLesson()
    lesson.status = "training"
    refused = lesson.apply({"hidden": "3", "test": "1", "lr": "0.1"})
    assert refused == ["Training is running; press Stop first."]
    assert lesson.hidden == [4, 2] and lesson.show_test is True and lesson.learning_rate == 0.1


def test_the_learning_rate_and_batch_size_change_mid_run_without_starting_again() -> None:
    lesson = NetworkLesson()

    async def change_while_training() -> None:
        training = asyncio.ensure_future(lesson.run("train"))
        while lesson.epoch < 1:  # the first frame
            await asyncio.sleep(0.001)
        assert lesson.status == "training" and lesson.apply({"lr": "0.1", "batch": "25"}) == []
        changed_at = lesson.epoch
        while lesson.epoch == changed_at:  # the next frame
            await asyncio.sleep(0.001)
        await lesson.run("stop")
        await training
        assert lesson.current_run.changes == [(changed_at, {"learning_rate": 0.1, "batch_size": 25})]

    run(change_while_training())
    assert lesson.status == "stopped" and lesson.history.count == lesson.epoch + 1  # no restart
    assert lesson.current_run.optimizer.learning_rate == 0.1
    # The exported code replays the change at its epoch and ends at the same losses.
    code = lesson.python_code()
    assert "optimizer.learning_rate = 0.1" in code and "batch_size = 25" in code
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<exported>", "exec"), namespace)
    assert (namespace["train_loss"], namespace["test_loss"]) == lesson.current_run.losses()


def test_the_readers_points_travel_in_the_link_and_reload_to_the_same_run() -> None:
    lesson = NetworkLesson()
    lesson.add_point(1.0, 2.0, 1)
    assert lesson.settings()["mine"] == "1:2:1" and lesson.dataset == "circle"  # a lone click waits
    lesson.add_point(-2.5, 0.5, 0)
    lesson.add_point(0.25, -3.0, 1)
    settings = lesson.settings()
    assert settings["mine"] == "1:2:1,-2.5:0.5:0,0.25:-3:1" and settings["dataset"] == "custom"
    again = NetworkLesson()
    assert again.apply(settings) == []
    assert again.custom_points.x.tolist() == lesson.custom_points.x.tolist()
    assert again.custom_points.y.tolist() == [1, 0, 1] and again.results() == lesson.results()
    # Regression values travel as they are; bad points are refused in words and change nothing.
    regression = NetworkLesson()
    values = {"problem": "regression", "dataset": "custom", "mine": "1:2:0.5,3:-1:-2.25"}
    assert regression.apply(values) == []
    assert regression.custom_points.y.tolist() == [0.5, -2.25]
    fresh = NetworkLesson()
    assert fresh.apply({"mine": "1:2:3,4:5:0", "dataset": "custom"}) == [
        "Ignored mine='1:2:3,4:5:0': line 1: label 3 is not a class; use 0 or 1.",
        "Ignored dataset='custom': there are no points of your own yet; paste some first. Kept circle."]
    assert fresh.apply({"mine": "1:2"}) == [
        "Ignored mine='1:2': it has item 1, '1:2', which is not a point x:y:label; kept none."]
    assert fresh.custom_points is None and fresh.dataset == "circle"


def test_pasted_points_become_the_dataset() -> None:
    lesson = NetworkLesson()
    text = "\n".join(f"{x:.2f},{y:.2f},{int(x * y > 0)}" for x in np.linspace(-5, 5, 8) for y in (-3, 3))
    assert lesson.paste_points(text) == []
    results = lesson.results()
    assert lesson.dataset == "custom" and results["train_points"] + results["test_points"] == 16
    assert lesson.paste_points("1,2,1\n1,2") == [
        "Ignored the pasted points: line 2: expected 3 values x, y, label; found 2."]
    assert len(lesson.current_run.train.y) == 8


def test_clicked_points_make_a_dataset_of_their_own() -> None:
    lesson = NetworkLesson()
    assert lesson.add_point(1.0, 1.0, 1) == [
        "Add at least one more point: training needs one to learn from and one to test."]
    assert lesson.dataset == "circle"
    assert lesson.add_point(-2.0, 3.0, 0) == [] and lesson.dataset == "custom"
    assert lesson.add_point(9.0, 0.0, 1) == [
        "Ignored the point: line 1: the point (9, 0) lies outside the square from -6 to 6."]
    lesson.add_point(2.0, -1.0, 1)
    assert lesson.custom_points.x.tolist() == [[1.0, 1.0], [-2.0, 3.0], [2.0, -1.0]]
    assert lesson.custom_points.y.tolist() == [1, 0, 1]
    assert (lesson.results()["own_points"], lesson.results()["own_class_1"]) == (3, 2)
    run(lesson.run("step"))
    assert lesson.epoch == 1


def test_exported_weights_reload_to_the_same_predictions() -> None:
    lesson = trained(20, features=["x", "y", "x2", "y2"], hidden=[3], activations=["relu"],
                     loss="cross_entropy")
    model, features, loss = playground.load_weights_json(lesson.weights_json())
    assert features == ["x", "y", "x2", "y2"] and loss == "cross_entropy"
    grid = feature_columns(playground.grid_points(9), features)
    assert np.array_equal(model.predict(grid), lesson.current_run.model.predict(grid))
    assert json.loads(lesson.weights_json())["epochs"] == 20


def test_exported_python_reproduces_the_losses_shown() -> None:
    lesson = trained(15, dataset="moons", noise=30, hidden=[5], activations=["sigmoid"], seed=3)
    namespace: dict = {}
    exec(compile(lesson.python_code().replace("print(", "str("), "<exported>", "exec"), namespace)
    results = lesson.results()
    assert (namespace["train_loss"], namespace["test_loss"]) == (results["train_loss"], results["test_loss"])


def test_training_records_its_speed_and_large_settings_are_named() -> None:
    lesson = trained(3)
    assert set(lesson.speed) == {"epochs_per_second", "redraws_per_second"}
    assert lesson.results()["warning"] == ""
    big = NetworkLesson(n_points=5000, hidden=[32, 32, 32], train_percent=90)
    assert big.activations == ["tanh"] * 3 and "This setting is large" in big.results()["warning"]


def test_knobs_given_together_at_construction_are_in_line() -> None:
    lesson = NetworkLesson(dataset="bumps", loss="cross_entropy")
    assert (lesson.problem, lesson.loss, lesson.results()["problem"]) == ("regression", "mse", "regression")


# --- the page ---------------------------------------------------------------------------------------

class FakeTap:
    def __init__(self, x: float, y: float, shift: bool = False) -> None:
        self.x, self.y, self.modifiers = x, y, {"shift": shift, "ctrl": False, "alt": False}


def test_the_view_draws_the_published_frame() -> None:
    NetworkView = NetworkLesson.view_module().NetworkView

    lesson = NetworkLesson(hidden=[3, 2], stop_epoch=8)
    view = NetworkView(lesson)
    run(lesson.run("train"))
    frame = lesson.frame
    # Maps are sent as palette indices: scores 0…1 onto colours 0…63 (beyond: the end colours), neuron
    # outputs −1…1 likewise.
    image = view.map_source.data["image"][0]
    assert image.dtype == np.uint8 and image.min() == 0  # squared error's scores go below 0 here
    assert np.array_equal(image, np.rint(np.clip(frame.maps.output, 0, 1) * 63).astype(np.uint8))
    assert view.neuron_shapes == [3, 2] and len(view.neuron_source.data["image"]) == 5
    drawn = view.neuron_source.data["image"][3]  # layer 2's first neuron follows layer 1's three
    assert np.array_equal(drawn, np.rint((frame.maps.neurons[1][0] + 1) * 31.5).astype(np.uint8))
    assert list(view.curve_source.data["epoch"]) == list(range(9))
    assert view.curve_source.data["test"][-1] == lesson.results()["test_loss"]
    assert "Epoch <b>8</b>" in view.counter.text and "accuracy" in view.scores.object
    assert len(view.train_source.data["x"]) == 250 and len(view.test_source.data["x"]) == 0
    lesson.show_test = True
    assert len(view.test_source.data["x"]) == 250
    lesson.discretise = True
    assert set(np.unique(view.map_source.data["image"][0])) <= {0, 63}  # the two end colours
    assert view.code.object.startswith('<pre class="faders-code"') and "range(8)" in shown_text(view.code)
    assert shown_text(view.code) == lesson.python_code().strip()
    links = view.link_source.data
    weights = lesson.weights()
    assert len(links["width"]) == 2 * 3 + 3 * 2 + 2 * 1 and len(view.node_source.data["x"]) == 2 + 1
    tiles = view.neuron_source.data  # each hidden neuron's map sits in its layer's column, centred on it
    centres = [round(x + width / 2, 9) for x, width in zip(tiles["x"], tiles["dw"], strict=True)]
    assert centres == [1, 1, 1, 2, 2]
    first = weights[0][0, 0]  # input x to the first neuron of layer 1
    assert links["colour"][0] == ("#0877bd" if first > 0 else "#f59322")
    assert links["width"][0] == 0.5 + 1.5 * min(abs(first), 3.0)
    assert view.node_source.data["label"][:2] == ["x", "y"]


def test_the_view_checks_typed_layers_and_takes_clicks() -> None:
    NetworkView = NetworkLesson.view_module().NetworkView

    lesson = NetworkLesson()
    view = NetworkView(lesson)
    view.list_inputs["hidden"].value = "5,5,2"
    assert lesson.hidden == [5, 5, 2] and view.list_inputs["act"].value == "tanh,tanh,tanh"
    assert view.neuron_shapes == [5, 5, 2]
    view.list_inputs["hidden"].value = "5,99"
    assert lesson.hidden == [5, 5, 2] and view.list_inputs["hidden"].value == "5,5,2"
    assert view.notices.visible and "outside the range 1 to 32" in view.notices.object
    view.features.value = ["x", "y", "sin_x"]
    assert lesson.features == ["x", "y", "sin_x"] and lesson.results()["layer_sizes"][0] == 3
    view._clicked(FakeTap(1.234, 2.0))
    view._clicked(FakeTap(-3.0, -1.0, shift=True))
    assert lesson.dataset == "custom" and lesson.custom_points.y.tolist() == [1, 0]
    assert lesson.custom_points.x.tolist() == [[1.23, 2.0], [-3.0, -1.0]]


def test_the_lesson_is_listed_with_a_preview() -> None:
    from faders.lessons import LESSONS
    from tools.prerender import PREVIEWS

    assert LESSONS["network"] is NetworkLesson
    svg = PREVIEWS["network"]()
    assert svg.startswith("<svg") and svg.count("<circle") == 250 and len(svg) < 40_000


def test_the_page_link_answers_the_api() -> None:
    replies, sent = page_link_session(NetworkLesson(), [
        ("set", {"hidden": "3", "epochs": "4", "lr": "abc"}), ("run", "train")])
    assert replies[1]["result"]["settings"]["hidden"] == "3"
    assert "Ignored lr='abc'" in replies[1]["result"]["notices"][0]
    results = replies[2]["result"]["results"]
    assert results["epoch"] == 4 and results["layer_sizes"] == [2, 3, 1] and results["status"] == "done"
    assert "patch" in sent


def test_a_notebook_shows_the_lesson() -> None:
    shown = notebook_display("import panel as pn\n"
                             "from faders.lessons.network import NetworkLesson\n"
                             "pn.extension()\n"
                             "NetworkLesson(dataset='xor')")
    assert "Neurons per hidden layer" in shown and "Show test data" in shown

"""Lesson `ship` in CPython: every number it shows is faders.core's, its links, its refusals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from faders.core import knn, metrics
from faders.core.activations import logistic
from faders.core.datasets import make_dataset, train_test_split
from faders.core.mlp import MLP
from faders.core.optimizers import Adam
from faders.core.shift import recover, shift_points, shifted, with_positive_share
from faders.core.training import accuracy, train
from faders.lessons.kit.charts import describe, figures
from faders.lessons.ship import ShipLesson, words
from faders.lessons.ship.preset import (
    BATCH_SIZE,
    EPOCHS,
    LEARNING_RATE,
    N_POINTS,
    NEW_DATA_SEED,
    NOISE,
    POOL,
    POOL_SEED,
    USES,
)
from faders.lessons.ship.state import IN_USE, MOST_EPOCHS, RECOVERY_GAP, THRESHOLDS
from tests.helpers import notebook_display, page_text, run
from tools.prerender import PREVIEWS

DEFAULTS = {"data": "moons", "seed": "1", "dx": "1.5", "dy": "0", "angle": "30", "spread": "1",
            "yes": "1", "t": "0.5", "price": "0.05", "far": "30", "dir": "45", "use": "fraud"}
OTHER = {"data": "xor", "seed": "4", "dx": "-1", "dy": "2", "angle": "-45", "spread": "1.4",
         "yes": "20", "t": "0.35", "price": "1", "far": "12", "dir": "-90", "use": "spam"}


def trained_by_hand(settings: dict[str, str]) -> dict:
    """The data and the model of `settings` from faders.core alone, as the lesson must make them."""
    seed = int(settings["seed"])
    data = make_dataset(settings["data"], N_POINTS, NOISE, seed)
    train_data, test_data = train_test_split(data, 0.5, seed)
    model = MLP([2, 8, 8, 1], "tanh", "linear", seed=seed)
    optimizer = Adam(learning_rate=LEARNING_RATE)
    losses = [e.loss for e in train(model, train_data.x, train_data.y, EPOCHS, optimizer, BATCH_SIZE,
                                    "cross_entropy", seed=seed)]
    return {"train": train_data, "test": test_data, "model": model, "losses": losses, "seed": seed}


@pytest.fixture(scope="module")
def default_lesson() -> ShipLesson:
    return ShipLesson()


def test_defaults(default_lesson: ShipLesson) -> None:
    assert default_lesson.settings() == DEFAULTS
    model = default_lesson.results()["model"]
    assert model["layer_sizes"] == [2, 8, 8, 1] and model["parameters"] == 105 and model["epochs"] == EPOCHS
    assert (model["n_train"], model["n_test"]) == (200, 200)
    assert model["accuracy"]["test"] >= 0.95  # a good model on paper: the point of the lesson


@pytest.mark.parametrize("settings", [DEFAULTS, OTHER])
def test_the_model_and_question_1_are_faders_core_s(settings: dict[str, str]) -> None:
    lesson = ShipLesson()
    assert lesson.apply(settings) == []
    want, results = trained_by_hand(settings), lesson.results()
    assert results["model"]["losses"] == want["losses"]
    model, test = want["model"], want["test"]
    assert results["model"]["accuracy"] == {"train": accuracy(model, want["train"].x, want["train"].y),
                                            "test": accuracy(model, test.x, test.y)}
    dx, dy, angle, spread = (float(settings[key]) for key in ("dx", "dy", "angle", "spread"))
    moved = shift_points(test.x, dx, dy, angle, spread)
    shift = results["shift"]
    assert shift["accuracy_after"] == accuracy(model, moved, test.y)
    assert shift["accuracy_before"] == accuracy(model, test.x, test.y)
    half = shift_points(test.x, dx / 2, dy / 2, angle / 2, 1 + (spread - 1) / 2)
    assert [0.5, accuracy(model, half, test.y)] in shift["drift"]
    text = page_text(lesson.view())
    assert f"**{words.percent(shift['accuracy_after'])}**" in text
    assert f"**{words.percent(results['model']['accuracy']['test'])}** on 200 test points" in text


@pytest.mark.parametrize("settings", [DEFAULTS, OTHER])
def test_question_2_s_metrics_are_faders_core_s(settings: dict[str, str]) -> None:
    lesson = ShipLesson()
    lesson.apply(settings)
    want, metric = trained_by_hand(settings), lesson.results()["metric"]
    pool = make_dataset(settings["data"], POOL, NOISE, want["seed"] + POOL_SEED)
    in_use = with_positive_share(pool, IN_USE, int(settings["yes"]) / 100)
    p = logistic(want["model"].predict(in_use.x)[:, 0])
    counts = metrics.confusion(metrics.answers(p, float(settings["t"])), in_use.y)
    assert metric["confusion"] == counts.tolist()
    assert metric["model"] == metrics.scores_of(counts).as_dict()
    assert metric["yes"] == round(IN_USE * int(settings["yes"]) / 100) and metric["examples"] == IN_USE
    assert metric["always_no"]["accuracy"] == 1 - int(settings["yes"]) / 100
    assert metric["always_no"]["precision"] is None and metric["always_no"]["recall"] == 0.0
    assert len(metric["sweep"]) == len(THRESHOLDS)
    use = USES[settings["use"]]
    costs = [metrics.cost(metrics.confusion(metrics.answers(p, t), in_use.y), use.false_alarm, use.miss)
             for t in THRESHOLDS]
    assert metric["costs"]["best_threshold"] == THRESHOLDS[int(np.argmin(costs))]
    assert metric["costs"]["best_total"] == pytest.approx(min(costs) * 1000 / IN_USE)
    assert metric["costs"]["total"] == pytest.approx(metrics.cost(counts, use.false_alarm, use.miss) / 2)
    (tn, fp), (fn, tp) = counts.tolist()
    text = page_text(lesson.view())
    assert f"| truly no | {tn:,} right | {fp:,} false alarms |" in text
    assert f"| truly yes | {fn:,} misses | {tp:,} found |" in text
    assert f"| Recall | {words.percent(metric['model']['recall'])} | 0.0% |" in text


def test_the_always_no_model_scores_99_percent_at_1_in_100(default_lesson: ShipLesson) -> None:
    metric = default_lesson.results()["metric"]
    assert (metric["yes"], metric["no"]) == (20, 1980)
    assert metric["always_no"] == {"accuracy": 0.99, "precision": None, "recall": 0.0, "f1": 0.0}
    text = page_text(default_lesson.view())
    assert "(99/1)" in text and "**99.0% accuracy**" in text and "Its precision is undefined" in text


def test_question_3_times_three_models_and_prices_them() -> None:
    lesson = ShipLesson(price=0.1)
    budget = lesson.results()["budget"]
    t = lesson.trained
    assert [row["model"] for row in budget] == [words.THIS_MODEL, words.LARGER_MODEL, words.KNN_MODEL]
    assert [row["numbers"] for row in budget] == [105, 4417, 600]
    assert budget[0]["accuracy"] == accuracy(t.model, t.test.x, t.test.y)
    assert budget[1]["accuracy"] == accuracy(t.larger, t.test.x, t.test.y)
    knn_answers = knn.knn_predict(t.train.x, t.train.y, t.test.x, 5)
    assert budget[2]["accuracy"] == float(np.mean(knn_answers == t.test.y))
    for row in budget:
        assert row["microseconds"] > 0
        assert row["dollars_per_million"] == pytest.approx(row["microseconds"] * 0.1 / 3600)
    first = lesson.timings
    run(lesson.run("measure"))
    assert len(lesson.timings) == 3 and lesson.timings is not first
    lesson.price = 1.0  # the price changes the cost, not the timings
    assert lesson.results()["budget"][0]["dollars_per_million"] == pytest.approx(lesson.timings[0] / 3600)


def test_question_4_the_model_is_sure_far_from_the_data(default_lesson: ShipLesson) -> None:
    failure = default_lesson.results()["failure"]
    t = default_lesson.trained
    point = np.array([30 * np.cos(np.radians(45)), 30 * np.sin(np.radians(45))])
    assert failure["point"] == pytest.approx(point.tolist())
    p = float(logistic(t.model.predict(point[None, :]))[0, 0])
    assert failure["p_yes"] == p and failure["confidence"] == max(p, 1 - p)
    assert failure["confidence"] > 0.99  # sure of itself where it has seen nothing
    nearest = np.min(np.linalg.norm(t.train.x - point, axis=1))
    assert failure["nearest_training_point"] == pytest.approx(nearest)
    assert failure["flagged"] and failure["farthest_test_point"] < 2
    assert len(failure["ray"]) == 61 and failure["ray"][-1][0] == 60.0


def test_question_4_the_costliest_cell_depends_on_the_use() -> None:
    screening = ShipLesson(use="screening", yes_percent=5, threshold=0.9).results()["metric"]["costs"]
    spam = ShipLesson(use="spam", yes_percent=50, threshold=0.1).results()["metric"]["costs"]
    assert screening["miss_price"] == 20_000 and spam["false_alarm_price"] == 30
    assert spam["costliest"] == "false_alarms"
    assert screening["best_threshold"] <= 0.9


def test_fine_tuning_is_measured_from_released_weights_and_from_scratch(default_lesson: ShipLesson) -> None:
    tuning = default_lesson.results()["fine_tuning"]
    want = trained_by_hand(DEFAULTS)
    new_data = shifted(make_dataset("moons", N_POINTS // 2, NOISE, 1 + NEW_DATA_SEED), 1.5, 0.0, 30.0, 1.0)
    test_data = shifted(want["test"], 1.5, 0.0, 30.0, 1.0)
    target = accuracy(want["model"], want["test"].x, want["test"].y) - RECOVERY_GAP
    fine, scratch = (recover(start, Adam(learning_rate=LEARNING_RATE), new_data, test_data, target,
                             MOST_EPOCHS, BATCH_SIZE, 1)
                     for start in (want["model"].copy(), MLP([2, 8, 8, 1], "tanh", "linear", seed=1)))
    assert tuning["target"] == target and tuning["stale"] is False
    assert (tuning["fine_tuned_epochs"], tuning["from_scratch_epochs"]) == (fine.epochs, scratch.epochs)
    assert tuning["fine_tuned_accuracy"] == fine.accuracies
    assert tuning["from_scratch_accuracy"] == scratch.accuracies
    # At the defaults the released weights recover in fewer epochs than a fresh start.
    assert 0 < fine.epochs < scratch.epochs
    text = page_text(default_lesson.view())
    assert f"recovered in **{fine.epochs} epochs**; from scratch: in **{scratch.epochs} epochs**" in text


def test_a_new_shift_leaves_the_fine_tuning_marked_until_measured_again() -> None:
    lesson = ShipLesson()
    view = lesson.view()
    before = lesson.results()["fine_tuning"]
    lesson.apply({"angle": "-20"})
    after = lesson.results()["fine_tuning"]
    assert after["stale"] is True and after["shift"] == before["shift"]
    assert "The shift has moved since" in page_text(view)
    run(lesson.run("fine_tune"))
    tuning = lesson.results()["fine_tuning"]
    assert tuning["stale"] is False and tuning["shift"]["angle"] == -20.0
    assert "The shift has moved since" not in page_text(view)


def test_the_released_weights_are_the_trained_numbers_only(default_lesson: ShipLesson) -> None:
    released = json.loads(default_lesson.weights_json())
    assert set(released) == {"format", "version", "inputs", "output", "model"}
    model = MLP.from_dict(released["model"])
    trained = default_lesson.trained.model
    assert [p.tolist() for p in model.parameters()] == [p.tolist() for p in trained.parameters()]
    assert sum(p.size for p in model.parameters()) == 105
    weights = default_lesson.results()["weights"]
    assert weights == {"parameters": 105, "bytes": len(default_lesson.weights_json().encode())}


def test_a_link_round_trips_and_a_new_preset_trains_once() -> None:
    lesson = ShipLesson()
    lesson.apply(OTHER)
    assert lesson._trained is None  # nothing trained until asked: a link's preset trains once
    again = ShipLesson()
    assert again.apply(lesson.settings()) == []
    assert again.settings() == OTHER

    def same(results: dict) -> dict:
        return {**results, "budget": [], "model": {**results["model"], "training_seconds": 0}}

    assert same(again.results()) == same(lesson.results())


@pytest.mark.parametrize(("values", "notice"), [
    ({"yes": "0"}, "Ignored yes='0': it is outside the range 1 to 50; kept 1."),
    ({"yes": "60"}, "Ignored yes='60': it is outside the range 1 to 50; kept 1."),
    ({"t": "1"}, "Ignored t='1': it is outside the range 0.01 to 0.99; kept 0.5."),
    ({"spread": "0"}, "Ignored spread='0': it is outside the range 0.5 to 3; kept 1."),
    ({"far": "abc"}, "Ignored far='abc': it is not a number; kept 30."),
    ({"data": "spiral"}, "Ignored data='spiral': it is not one of moons, circle, xor; kept moons."),
    ({"use": "weather"}, "Ignored use='weather': it is not one of fraud, spam, screening; kept fraud."),
])
def test_bad_input_is_refused_with_a_notice_and_changes_nothing(values: dict[str, str], notice: str) -> None:
    lesson = ShipLesson()
    assert lesson.apply(values) == [notice]
    assert lesson.settings() == DEFAULTS


def test_the_charts_have_words_and_the_picture_is_drawn(default_lesson: ShipLesson) -> None:
    described = [describe(fig) for fig in figures(default_lesson.view())]
    assert len(described) == 9 and all(text.startswith("Chart: ") for text in described)
    picture = PREVIEWS["ship"]()
    assert picture.startswith("<svg") and words.DRIFT_TITLE in picture and words.SWEEP_TITLE in picture


def test_the_lesson_displays_in_a_notebook() -> None:
    shown = notebook_display("import panel as pn\n"
                             "from faders.lessons.ship import ShipLesson\n"
                             "pn.extension()\n"
                             "ShipLesson(threshold=0.3)")
    assert "Decision threshold" in shown and words.FINE_TUNE_LABEL in shown


def test_a_threshold_dragged_looks_the_cases_up_and_one_off_the_grid_is_exact() -> None:
    lesson = ShipLesson()
    cases = lesson.in_use()
    lesson.threshold = 0.505  # a link may set a threshold between the sweep's steps
    assert lesson.in_use() is cases
    counts = metrics.confusion(metrics.answers(cases.scores, 0.505), cases.data.y)
    assert lesson.results()["metric"]["confusion"] == counts.tolist()
    lesson.yes_percent = 30
    assert lesson.in_use() is not cases and int(lesson.in_use().data.y.sum()) == 600


def test_the_summary_says_the_shift_and_the_metric(default_lesson: ShipLesson) -> None:
    results = default_lesson.results()
    model = results["metric"]["model"]
    assert results["summary"] == (
        f"Accuracy {words.percent(results['shift']['accuracy_before'])} on the test points, "
        f"{words.percent(results['shift']['accuracy_after'])} once shifted. With 20 yes in 2,000 cases, at "
        f"threshold 0.50: precision {words.percent(model['precision'])}, "
        f"recall {words.percent(model['recall'])}.")


def test_the_budget_note_reads_the_measured_times() -> None:
    rows = [{"model": "a", "numbers": 105, "microseconds": 10.0},
            {"model": "b", "numbers": 4417, "microseconds": 12.0},
            {"model": "c", "numbers": 600, "microseconds": 50.0}]
    note = words.budget_note(rows)
    assert note.startswith("Fastest here: a; slowest: c, 5.0 times as long. The larger MLP has 42 times")
    assert "took 1.2 times as long: for a model this small the fixed cost of a call" in note
    rows[1]["microseconds"] = 200.0
    assert "took 20.0 times as long: here the arithmetic already shows" in words.budget_note(rows)

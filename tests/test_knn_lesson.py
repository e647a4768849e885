"""Lesson `knn` in CPython: every number it shows is faders.core's, its links, its refusals."""

from __future__ import annotations

import numpy as np
import pytest
from bokeh.events import Tap

from faders.core import knn, logistic
from faders.core.datasets import make_dataset, train_test_split
from faders.core.playground import grid_points
from faders.lessons.kit.charts import describe, figures, title_of
from faders.lessons.knn import KnnLesson, words
from faders.lessons.knn.state import MAP_RESOLUTION, TEST_FRACTION, TIMED_SIZES, train_size
from tests.helpers import page_text, run

DEFAULTS = {"data": "moons", "n": "200", "noise": "0.3", "seed": "1", "k": "5", "qx": "1", "qy": "0.5",
            "forget": "0"}
OTHER = {"data": "xor", "n": "120", "noise": "0.1", "seed": "7", "k": "9", "qx": "-2.5", "qy": "3",
         "forget": "0"}


def expected(settings: dict[str, str]) -> dict:
    """What the lesson must show for `settings`, computed from faders.core alone."""
    data = make_dataset(settings["data"], int(settings["n"]), float(settings["noise"]), int(settings["seed"]))
    train, test = train_test_split(data, TEST_FRACTION, int(settings["seed"]))
    model = logistic.fit(train.x, train.y)
    k, point = int(settings["k"]), np.array([[float(settings["qx"]), float(settings["qy"])]])
    nearest = knn.nearest_neighbours(train.x, point, k)[0]
    right = {f"knn_{part}": float(np.mean(knn.knn_predict(train.x, train.y, d.x, k) == d.y))
             for part, d in (("train", train), ("test", test))}
    right |= {f"logistic_{part}": float(np.mean(logistic.predict(model, d.x) == d.y))
              for part, d in (("train", train), ("test", test))}
    return {"model": model, "train": train, "nearest": nearest.tolist(), "accuracy": right,
            "knn_class": int(knn.knn_predict(train.x, train.y, point, k)[0]),
            "votes": [int(np.sum(train.y[nearest] == c)) for c in (0, 1)],
            "logit": float(logistic.logit(model, point)[0]),
            "knn_map": knn.knn_predict(train.x, train.y, grid_points(MAP_RESOLUTION), k, task="regression"),
            "logistic_map": logistic.probability(model, grid_points(MAP_RESOLUTION))}


def test_defaults() -> None:
    lesson = KnnLesson()
    assert lesson.settings() == DEFAULTS
    results = lesson.results()
    assert (results["n_train"], results["n_test"]) == (100, 100)
    assert results["numbers_kept"] == {"logistic": 3, "knn": 300}


@pytest.mark.parametrize("settings", [DEFAULTS, OTHER])
def test_every_number_shown_is_faders_core_s(settings: dict[str, str]) -> None:
    lesson = KnnLesson()
    assert lesson.apply(settings) == []
    want, results = expected(settings), lesson.results()
    assert results["logistic_numbers"] == want["model"].numbers
    assert results["accuracy"] == want["accuracy"]
    assert results["query"]["neighbours"] == want["nearest"]
    assert results["query"]["neighbour_points"] == want["train"].x[want["nearest"]].tolist()
    assert results["query"]["votes"] == want["votes"] and results["query"]["knn_class"] == want["knn_class"]
    assert results["query"]["logit"] == want["logit"]
    assert results["numbers_kept"] == {"logistic": 3, "knn": 3 * len(want["train"].y)}
    parametric, shares = lesson.decision_maps()
    assert np.array_equal(shares.ravel(), want["knn_map"])
    assert np.array_equal(parametric.ravel(), want["logistic_map"])

    # The same numbers as the page writes them.
    text = page_text(lesson.view())
    accuracy = want["accuracy"]
    for name in ("logistic_train", "logistic_test", "knn_train", "knn_test"):
        assert f"{100 * accuracy[name]:.0f}%" in text
    w1, w2, b = want["model"].numbers
    assert f"`w₁ = {w1:.3f}`, `w₂ = {w2:.3f}`, `b = {b:.3f}`" in text
    zero, one = want["votes"]
    assert f"vote {one} for blue, {zero} for orange" in text
    assert f"{3 * len(want['train'].y):,} ({len(want['train'].y)} points × 3)" in text


def test_a_link_round_trips() -> None:
    lesson = KnnLesson()
    lesson.apply(OTHER)
    again = KnnLesson()
    assert again.apply(lesson.settings()) == []
    assert again.settings() == OTHER
    assert again.results() | {"timings": []} == lesson.results() | {"timings": []}


@pytest.mark.parametrize(("values", "notice"), [
    ({"k": "0"}, "Ignored k='0': it is outside the range 1 to 1000; kept 5."),
    ({"k": "2.5"}, "Ignored k='2.5': it is not a whole number; kept 5."),
    ({"k": "150"}, "Ignored k=150: there are only 100 training points"),
    ({"n": "0"}, "Ignored n='0': it is outside the range 10 to 2000; kept 200."),
    ({"qx": "7"}, "Ignored qx='7': it is outside the range -6 to 6; kept 1."),
    ({"data": "spirals"}, "Ignored data='spirals': it is not one of circle, xor, gaussians, spiral, moons"),
])
def test_bad_input_is_refused_with_a_notice_and_changes_nothing(values: dict[str, str], notice: str) -> None:
    lesson = KnnLesson()
    notices = lesson.apply(values)
    assert any(said.startswith(notice) for said in notices), notices
    assert lesson.k == 5 and lesson.n_points == 200 and lesson.query_x == 1.0 and lesson.dataset == "moons"


def test_n_too_small_for_k_is_refused_and_together_both_are_taken() -> None:
    lesson = KnnLesson(k=20)
    assert lesson.apply({"n": "30"}) == [
        "Ignored n=30: it leaves 15 training points, fewer than k = 20; kept n = 200. Lower k first."]
    assert lesson.n_points == 200
    assert lesson.apply({"n": "30", "k": "15"}) == [] and (lesson.n_points, lesson.k) == (30, 15)
    assert lesson.apply({"n": "10", "k": "6"}) == [
        "Ignored k=6: there are only 5 training points, and k nearest neighbours needs k of them; "
        "kept k = 15.",
        "Ignored n=10: it leaves 5 training points, fewer than k = 15; kept n = 30. Lower k first."]
    assert (lesson.n_points, lesson.k) == (30, 15)


def test_a_slider_past_the_data_goes_back_with_a_notice() -> None:
    lesson = KnnLesson()
    lesson.k = 101  # as a slider sets it, past apply()
    assert lesson.k == 5
    assert lesson.notices == ["Ignored k=101: there are only 100 training points, and k nearest "
                              "neighbours needs k of them; kept k = 5."]
    lesson.k = 100
    lesson.n_points = 100
    assert (lesson.n_points, lesson.k) == (200, 100)
    assert train_size(lesson.n_points) == 100


def test_k_one_memorises_the_training_points() -> None:
    lesson = KnnLesson(k=1)
    assert lesson.results()["accuracy"]["knn_train"] == 1.0
    assert "it has memorised them" in page_text(lesson.view())


def test_throwing_the_data_away_leaves_only_the_parametric_model() -> None:
    lesson = KnnLesson()
    before = lesson.results()
    lesson.apply({"forget": "1"})
    results = lesson.results()
    assert results["numbers_kept"] == {"logistic": 3, "knn": 0}
    assert results["accuracy"]["knn_test"] is None and results["query"]["knn_class"] is None
    assert results["query"]["logit"] == before["query"]["logit"]
    assert results["accuracy"]["logistic_test"] == before["accuracy"]["logistic_test"]
    assert lesson.decision_maps()[1] is None
    assert "kNN** cannot answer" in page_text(lesson.view())


def test_new_data_fits_the_parametric_model_again() -> None:
    lesson = KnnLesson()
    first = lesson.model.numbers
    lesson.apply({"seed": "2"})
    assert lesson.model.numbers != first and lesson.data_version == 1


def test_measure_times_one_prediction_of_each_model_at_each_size() -> None:
    lesson = KnnLesson()
    run(lesson.run("measure"))
    rows = lesson.results()["timings"]
    assert [row[0] for row in rows] == list(TIMED_SIZES)
    assert all(row[1] > 0 and row[2] > 0 for row in rows)
    run(lesson.run("measure"))
    assert len(lesson.timings) == 2 * len(TIMED_SIZES)


def test_a_click_on_a_map_asks_about_that_point_and_the_charts_have_words() -> None:
    lesson = KnnLesson()
    knn_map = next(fig for fig in figures(lesson.view()) if title_of(fig) == words.KNN_TITLE)
    knn_map._trigger_event(Tap(knn_map, x=-1.234, y=2.345))
    assert (lesson.query_x, lesson.query_y) == (-1.23, 2.35)
    assert lesson.settings()["qx"] == "-1.23"
    rings = next(r.data_source for r in knn_map.renderers if type(r.glyph).__name__ == "Segment")
    assert rings.data["x"].tolist() == lesson.train.x[lesson.query().neighbours, 0].tolist()
    described = [describe(fig) for fig in figures(lesson.view())]
    assert len(described) == 3 and all(text.startswith("Chart: ") for text in described)

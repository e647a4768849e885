"""Lesson `bias-variance` in CPython: every number it shows is faders.core's for the same settings; its
links, refusals and its one action."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import numpy as np
import panel as pn
import pytest

from faders.core import bias_variance as bv
from faders.core.datasets import regression_1d
from faders.core.polynomial import evaluate, fit_polynomial
from faders.lessons.bias_variance import BiasVarianceLesson, words
from faders.lessons.bias_variance.state import DEGREES, GRID, TEST_POINTS, network_link
from faders.lessons.kit.charts import figures, title_of
from faders.lessons.kit.formatting import format_number
from faders.lessons.network import NetworkLesson
from tests.helpers import run

SETTINGS = {"truth": "step", "n": "30", "noise": "0.2", "seed": "7", "degree": "6", "ridge": "1",
            "lam": "0.001", "fits": "60", "draw": "3"}


class Page:
    """The lesson's page as a reader sees it: the words of its text panes and its charts' data."""

    def __init__(self, lesson: BiasVarianceLesson) -> None:
        self.layout = lesson.view()

    @property
    def text(self) -> str:
        return "\n".join(pane.object for pane in self.layout.select(pn.pane.Markdown))

    def data(self, title: str, column: str, renderer: int = 0) -> list:
        fig = next(fig for fig in figures(self.layout) if title_of(fig) == title)
        return list(fig.renderers[renderer].data_source.data[column])


def expected(truth: str, n: int, noise: float, seed: int, degree: int, ridge: float, fits: int,
             draw: int) -> dict:
    """What faders.core says for these settings, computed here without the lesson."""
    train = regression_1d(truth, n, noise, np.random.default_rng((seed, 0)))
    test = regression_1d(truth, TEST_POINTS, noise, np.random.default_rng((seed, 1)))
    fit = fit_polynomial(train.x, train.y, degree, ridge)
    train_errors, test_errors = bv.error_curve(train, test, DEGREES, ridge)
    resampled = bv.resample(truth, n, noise, degree, ridge, test.x[:, 0], fits,
                            np.random.default_rng((seed, 2, draw)))
    return {"train": train, "fit": fit, "train_error": evaluate(fit, train.x, train.y),
            "test_error": evaluate(fit, test.x, test.y), "train_errors": train_errors,
            "test_errors": test_errors, "parts": resampled.decomposition,
            "coefficients": resampled.coefficients}


@pytest.mark.parametrize("settings", [{}, SETTINGS])
def test_every_number_shown_is_the_cores(settings: dict[str, str]) -> None:
    lesson = BiasVarianceLesson()
    assert lesson.apply(settings) == []
    want = expected(lesson.truth, lesson.points, lesson.noise, lesson.seed, lesson.degree, lesson.penalty,
                    lesson.fits, lesson.draw)
    results = lesson.results()
    assert results["train_error"] == want["train_error"] and results["test_error"] == want["test_error"]
    assert results["coefficients"] == want["fit"].coefficients.tolist()
    assert results["train_errors"] == want["train_errors"].tolist()
    assert results["test_errors"] == want["test_errors"].tolist()
    assert results["sweet_spot"] == bv.sweet_spot(want["test_errors"], DEGREES)
    parts = want["parts"]
    for name in ("bias_squared", "variance", "noise", "measured_error", "sampling_error"):
        assert results[name] == getattr(parts, name), name
    assert results["total"] == parts.total
    average = (want["coefficients"] @ np.vander(GRID, lesson.degree + 1, increasing=True).T).mean(axis=0)
    assert np.allclose(results["resampled"]["average_curve"], average, rtol=1e-12, atol=1e-12)

    # The page shows those same numbers, in its words and in its charts.
    page = Page(lesson)
    for number in (results["train_error"], results["test_error"], min(results["test_errors"]),
                   parts.bias_squared, parts.variance, parts.noise, parts.total, parts.measured_error,
                   2 * parts.sampling_error):
        assert format_number(number) in page.text
    assert results["verdict"] in page.text
    assert page.data(words.FIT_TITLE, "y", 1) == want["train"].y.tolist()
    assert page.data(words.PARTS_TITLE, "value")[:3] == pytest.approx(
        [max(v, 1e-5) for v in (parts.bias_squared, parts.variance, parts.noise)], rel=1e-15)
    assert page.data(words.CURVE_TITLE, "test", 1) == pytest.approx(
        np.clip(want["test_errors"], 1e-4, 1e4).tolist())
    assert page.data(words.CURVE_TITLE, "degree", 2) == [results["sweet_spot"]]


def test_turning_the_degree_redraws_the_page() -> None:
    lesson = BiasVarianceLesson()
    page = Page(lesson)
    lesson.degree = 12
    results = lesson.results()
    assert page.data(words.CURVE_TITLE, "degree", 3) == [12, 12]
    assert format_number(results["variance"]) in page.text
    assert "Overfitting" in page.text
    lesson.degree = 0
    assert "Underfitting" in page.text


def test_a_degree_as_large_as_the_data_hits_every_training_point() -> None:
    lesson = BiasVarianceLesson(points=8, degree=7)
    results = lesson.results()
    assert results["train_error"] < 1e-20
    assert results["test_error"] > 10 * min(results["test_errors"])
    assert "passes through every training point" in results["verdict"]
    lesson.ridge_on = True
    assert "passes through every" not in lesson.results()["verdict"]


def test_more_data_and_ridge_cut_the_variance() -> None:
    few = BiasVarianceLesson(degree=8).results()["variance"]
    many = BiasVarianceLesson(degree=8, points=200).results()["variance"]
    ridged = BiasVarianceLesson(degree=8, ridge_on=True, ridge=0.1).results()["variance"]
    assert many < few / 100 and ridged < few / 100


def test_resample_draws_the_next_training_sets_and_a_link_keeps_them() -> None:
    lesson = BiasVarianceLesson()
    before = lesson.results()
    run(lesson.run("resample"))
    after = lesson.results()
    assert lesson.draw == 1 and lesson.settings()["draw"] == "1"
    assert after["variance"] != before["variance"]
    assert after["train_error"] == before["train_error"]  # the reader's own training set stays
    opened = BiasVarianceLesson()
    opened.apply(lesson.settings())
    assert opened.results()["variance"] == after["variance"]


def test_a_link_round_trips_every_setting() -> None:
    lesson = BiasVarianceLesson()
    assert lesson.apply(SETTINGS) == []
    assert lesson.settings() == SETTINGS
    opened = BiasVarianceLesson()
    opened.apply(lesson.settings())
    assert opened.results() == lesson.results()


def test_bad_input_is_refused_in_words_and_changes_nothing() -> None:
    lesson = BiasVarianceLesson()
    before = lesson.settings()
    notices = lesson.apply({"degree": "21", "lam": "0", "n": "0", "fits": "500", "truth": "<b>x</b>"})
    assert lesson.settings() == before
    assert len(notices) == 5
    assert "degree='21'" in notices[0] and "0 to 20" in notices[0]
    assert "must be above 0" in notices[1] and "kept 0.01" in notices[1]
    assert "n='0'" in notices[2] and "2 to 200" in notices[2]
    assert lesson.apply({"lam": "-1"})[0].startswith("Ignored lam='-1'")
    assert lesson.notices and lesson.ridge == 0.01


def test_the_playground_link_is_a_setting_the_network_lesson_takes_whole() -> None:
    link = urlsplit(network_link())
    assert link.path == "network.html"
    network = NetworkLesson()
    assert network.apply(dict(parse_qsl(link.query))) == []
    assert (network.n_points, network.hidden, network.noise, network.show_test) == (40, [8, 8, 8], 30, True)


def test_the_summary_says_the_numbers() -> None:
    lesson = BiasVarianceLesson()
    results = lesson.results()
    assert format_number(results["variance"]) in lesson.summary()
    assert format_number(results["test_error"]) in lesson.summary()

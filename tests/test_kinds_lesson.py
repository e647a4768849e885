"""Lesson `kinds` in CPython: every number it shows is faders.core's, its links, refusals and buttons."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core import bandit, kmeans, logistic
from faders.core.datasets import make_dataset, train_test_split
from faders.lessons.kinds import KindsLesson, words
from faders.lessons.kinds.state import (
    CHART_POINTS,
    GROUP_COLOURS,
    LOSS_EVERY,
    STARTS_SHOWN,
    TEST_FRACTION,
    chart_pulls,
)
from faders.lessons.kit.charts import describe, figures, title_of
from tests.helpers import notebook_display, page_link_session, page_text, run

DEFAULTS = {"data": "gaussians", "n": "200", "noise": "0.3", "seed": "1", "k": "2", "start": "0", "step": "2",
            "arms": "5", "eps": "0.1", "pulls": "1000", "bseed": "1"}
OTHER = {"data": "xor", "n": "160", "noise": "0.1", "seed": "7", "k": "3", "start": "5", "step": "7",
         "arms": "4", "eps": "0.25", "pulls": "777", "bseed": "3"}


def expected(settings: dict[str, str]) -> dict:
    """What the lesson must show for `settings`, computed from faders.core alone."""
    seed = int(settings["seed"])
    data = make_dataset(settings["data"], int(settings["n"]), float(settings["noise"]), seed)
    train, test = train_test_split(data, TEST_FRACTION, seed)
    losses: list[float] = []
    model = logistic.fit(train.x, train.y, losses=losses)
    k, start = int(settings["k"]), int(settings["start"])
    steps = kmeans.run(data.x, k, start)
    arms, pulls, luck_seed = int(settings["arms"]), int(settings["pulls"]), int(settings["bseed"])
    rates = bandit.hidden_rates(arms, luck_seed)
    luck = bandit.draw(pulls, arms, luck_seed)
    played = bandit.play(rates, float(settings["eps"]), luck)
    return {"data": data, "model": model, "losses": losses, "train": train, "test": test, "steps": steps,
            "rates": rates, "played": played, "greedy": bandit.play(rates, 0.0, luck),
            "random": bandit.play(rates, 1.0, luck)}


def test_defaults() -> None:
    lesson = KindsLesson()
    assert lesson.settings() == DEFAULTS
    results = lesson.results()
    assert results["supervised"]["n_train"] == 100
    assert results["supervised"]["loss_before"] == pytest.approx(np.log(2))  # a coin toss for each point
    assert results["kmeans"]["step"] == 2 and results["kmeans"]["kind"] == "move"
    # The default bandit shows why exploring pays: never exploring locks onto a worse machine.
    assert results["bandit"]["greedy_regret"] > 2 * results["bandit"]["regret"]
    # Two blobs and k = 2: every start settles in the same grouping, and the page says so.
    assert len({row[1] for row in results["kmeans"]["starts"]}) == 1
    assert "the start only changes how many steps it takes" in page_text(lesson.view())


@pytest.mark.parametrize("settings", [DEFAULTS, OTHER])
def test_every_number_shown_is_faders_core_s(settings: dict[str, str]) -> None:
    lesson = KindsLesson()
    assert lesson.apply(settings) == []
    want, results = expected(settings), lesson.results()

    learned = results["supervised"]
    train, test, model = want["train"], want["test"], want["model"]
    assert learned["numbers"] == model.numbers
    assert learned["train_accuracy"] == float(np.mean(logistic.predict(model, train.x) == train.y))
    assert learned["test_accuracy"] == float(np.mean(logistic.predict(model, test.x) == test.y))
    assert learned["loss_after"] == logistic.loss_and_gradient(model, train.x, train.y)[0]
    assert learned["losses"] == want["losses"][::LOSS_EVERY] and learned["loss_before"] == want["losses"][0]
    assert lesson.decision_map().shape == (50, 50)

    grouped, steps, shown = results["kmeans"], want["steps"], int(settings["step"])
    assert grouped["step"] == shown and grouped["last_step"] == len(steps) - 1
    assert grouped["centres"] == steps[shown].centres.tolist()
    assert grouped["counts"] == np.bincount(steps[shown].groups, minlength=int(settings["k"])).tolist()
    assert grouped["inertia"] == [step.inertia for step in steps[1:shown + 1]]
    assert grouped["groups"] == steps[shown].groups.tolist()
    assert grouped["settled"] is False and grouped["agreement"] is None
    first = int(settings["start"]) // STARTS_SHOWN * STARTS_SHOWN
    assert [row[0] for row in grouped["starts"]] == list(range(first, first + STARTS_SHOWN))
    assert grouped["starts"][int(settings["start"]) - first][1] == steps[-1].inertia

    played, run_ = results["bandit"], want["played"]
    assert played["rates"] == want["rates"].tolist()
    assert played["estimates"] == run_.estimates[-1].tolist() and played["counts"] == run_.counts.tolist()
    assert played["total_reward"] == run_.rewards.sum()
    assert played["regret"] == bandit.regret(want["rates"], run_.arms)[-1]
    assert played["greedy_regret"] == bandit.regret(want["rates"], want["greedy"].arms)[-1]
    assert played["random_regret"] == bandit.regret(want["rates"], want["random"].arms)[-1]
    at = chart_pulls(int(settings["pulls"]))
    assert len(at) == min(CHART_POINTS, int(settings["pulls"])) and at[-1] == int(settings["pulls"]) - 1
    curves = played["curves"]
    assert curves["pull"] == (at + 1).tolist()
    assert curves["estimates"] == run_.estimates[at].tolist()
    assert curves["reward_per_pull"] == bandit.reward_per_pull(run_.rewards)[at].tolist()
    assert curves["regret"] == bandit.regret(want["rates"], run_.arms)[at].tolist()

    # The same numbers as the page writes them.
    text = page_text(lesson.view())
    assert f"to **{learned['loss_after']:.3f}**" in text
    assert f"**{100 * learned['test_accuracy']:.0f}%** of {len(test.y)} points it never saw" in text
    assert f"Spread **{grouped['inertia'][-1]:.1f}**" in text
    assert "Group sizes: " + ", ".join(map(str, grouped["counts"])) in text
    assert f"Regret **{played['regret']:.1f}**" in text
    assert f"(ε = 0) gives {played['greedy_regret']:.1f}" in text
    for rate, estimate, count in zip(played["rates"], played["estimates"], played["counts"], strict=True):
        assert f"| {rate:.2f} | {estimate:.2f} | {count:,} |" in text


def test_a_settled_run_says_how_its_groups_line_up_with_the_hidden_labels() -> None:
    lesson = KindsLesson()
    run(lesson.run("settle"))
    want = expected(lesson.settings())
    results = lesson.results()["kmeans"]
    assert results["settled"] and results["step"] == len(want["steps"]) - 1
    groups, labels = want["steps"][-1].groups, want["data"].y
    assert results["agreement"]["table"] == kmeans.contingency(groups, labels, 2).tolist()
    assert results["agreement"]["share"] == kmeans.agreement(groups, labels, 2)
    assert results["agreement"]["share"] > 0.95  # two blobs: the groups are the classes
    text = page_text(lesson.view())
    assert f"agree with the hidden labels on **{100 * results['agreement']['share']:.0f}%**" in text
    assert "**Settled** after" in text
    orange, blue = results["agreement"]["table"][0]
    assert f"| group 1 (green) | {orange} | {blue} |" in text
    # Every group has a colour, and the words name it.
    assert len(GROUP_COLOURS) == len(words.GROUP_NAMES) == KindsLesson.param.k.bounds[1]


def test_the_buttons_step_k_means_back_and_forth() -> None:
    lesson = KindsLesson()
    run(lesson.run("reset"))
    assert lesson.results()["kmeans"]["kind"] == "start" and lesson.results()["kmeans"]["inertia"] == []
    assert "Step 0: the start." in page_text(lesson.view())
    for step in (1, 2, 3):
        run(lesson.run("step"))
        assert lesson.steps == step
    spreads = lesson.results()["kmeans"]["inertia"]
    assert len(spreads) == 3 and spreads == sorted(spreads, reverse=True)
    run(lesson.run("settle"))
    last = lesson.steps
    run(lesson.run("step"))  # a settled run goes no further
    assert lesson.steps == last
    run(lesson.run("new_start"))
    assert (lesson.start, lesson.steps) == (1, 0)


def test_a_new_start_can_settle_in_a_worse_grouping() -> None:
    lesson = KindsLesson(dataset="xor", k=3, start=1)
    spreads = {row[0]: row[1] for row in lesson.results()["kmeans"]["starts"]}
    assert max(spreads.values()) > 1.01 * min(spreads.values())
    clearly = sum(spread > 1.01 * min(spreads.values()) for spread in spreads.values())
    assert clearly > 0
    assert f"{clearly} settle in a grouping more than 1% worse than the best" in page_text(lesson.view())


def test_new_machines_are_another_bandit() -> None:
    lesson = KindsLesson()
    before = lesson.results()["bandit"]
    run(lesson.run("new_luck"))
    assert lesson.bandit_seed == 2 and lesson.results()["bandit"]["counts"] != before["counts"]


def test_a_link_round_trips() -> None:
    lesson = KindsLesson()
    lesson.apply(OTHER)
    again = KindsLesson()
    assert again.apply(lesson.settings()) == []
    assert again.settings() == OTHER and again.results() == lesson.results()


@pytest.mark.parametrize(("values", "notice"), [
    ({"k": "0"}, "Ignored k='0': it is outside the range 1 to 10; kept 2."),
    ({"k": "11"}, "Ignored k='11': it is outside the range 1 to 10; kept 2."),
    ({"eps": "1.5"}, "Ignored eps='1.5': it is outside the range 0 to 1; kept 0.1."),
    ({"pulls": "5"}, "Ignored pulls='5': it is outside the range 10 to 5000; kept 1000."),
    ({"arms": "many"}, "Ignored arms='many': it is not a number; kept 5."),
    ({"step": "-1"}, "Ignored step='-1': it is outside the range 0 to 201; kept 2."),
    ({"data": "spirals"}, "Ignored data='spirals': it is not one of circle, xor, gaussians, spiral, moons"),
])
def test_bad_input_is_refused_with_a_notice_and_changes_nothing(values: dict[str, str], notice: str) -> None:
    lesson = KindsLesson()
    notices = lesson.apply(values)
    assert any(said.startswith(notice) for said in notices), notices
    assert lesson.settings() == DEFAULTS


def test_a_step_past_the_end_shows_the_end_and_says_so() -> None:
    lesson = KindsLesson()
    last = len(kmeans.run(lesson.points().x, 2, 0)) - 1
    assert lesson.apply({"step": "150"}) == [
        f"Ignored step=150: this k-means run ends after {last} steps; showing its last step, {last}."]
    assert lesson.steps == last and lesson.results()["kmeans"]["settled"]
    # Judged against the run the same link makes: with its k, not the one before.
    other = len(kmeans.run(lesson.points().x, 4, 0)) - 1
    assert lesson.apply({"k": "4", "step": str(other)}) == [] and lesson.steps == other


def test_the_charts_have_words_and_the_api_answers() -> None:
    lesson = KindsLesson()
    view = lesson.view()
    titles = [title_of(fig) for fig in figures(view)]
    assert words.GROUPS_TITLE in titles and words.LOSS_TITLE in titles and len(titles) == 8
    described = [describe(fig) for fig in figures(view)]
    assert all(text.startswith("Chart: ") and any(c.isdigit() for c in text) for text in described)
    results, _ = page_link_session(KindsLesson(), [("set", {"k": "3"}), ("run", "settle"),
                                                   ("run", "frobnicate")])
    assert results[1]["result"]["settings"]["k"] == "3"
    assert results[2]["result"]["results"]["kmeans"]["settled"]
    assert "Unknown action" in results[3]["error"]


def test_each_way_to_learn_is_a_place_a_link_can_open_at() -> None:
    found = []

    def walk(item) -> None:  # type: ignore[no-untyped-def]
        found.extend(getattr(item, "css_classes", None) or [])
        for child in getattr(item, "objects", []) or []:
            walk(child)

    walk(KindsLesson().view())
    places = [name.removeprefix("faders-place-") for name in found if name.startswith("faders-place-")]
    assert places == ["supervised", "unsupervised", "reinforcement"]


def test_the_same_lesson_renders_in_a_jupyter_notebook() -> None:
    shown = notebook_display("import panel as pn\n"
                             "from faders.lessons.kinds import KindsLesson\n"
                             "pn.extension()\n"
                             "KindsLesson(k=3)")
    assert "k (groups)" in shown


def test_the_starts_in_words() -> None:
    assert words.starts([[0, 100.0, 5], [1, 102.0, 7], [2, 100.5, 3]], 1) == (
        "Start 1 settles at spread 102.0 after 7 steps: 2.0% more than the best of them. Of starts 0–2, "
        "1 settles in a grouping more than 1% worse than the best (100.0).")
    assert words.starts([[0, 100.0, 5], [1, 100.5, 7]], 0).startswith(
        "Start 0 settles at spread 100.0 after 5 steps: the best of them. Of starts 0–1, 0 settle")
    assert "the start only changes how many steps it takes" in words.starts([[0, 9.0, 5], [1, 9.0, 7]], 1)

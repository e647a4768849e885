"""Every word lesson `knn` says: its prose, help, headings, chart titles and sentences on its numbers."""

from __future__ import annotations

from typing import Protocol

from faders.lessons.kit.formatting import format_count, format_number


class Query(Protocol):
    """What the sentences need of a point asked of both models (state.Query has it)."""

    x: float
    y: float
    votes: list[int]
    knn_class: int | None
    logit: float
    probability: float
    logistic_class: int

TITLE = "Keep the numbers or keep the data"
TEASER = ("Logistic regression keeps three numbers; k nearest neighbours keeps every point and "
          "looks them up at each prediction.")

PROSE = """
There are two ways for a model to remember what it learned. A **parametric** model squeezes the
data into a fixed set of numbers: **logistic regression** here keeps two weights and a bias, three
numbers, and then the training data can go. A **non-parametric** model keeps the data itself:
**k nearest neighbours** (kNN) stores every training point, and to classify a new point it finds
the k stored points nearest to it and lets them vote.

Both see the same points. Drag **k**: at k = 1 each point is its own nearest neighbour, so kNN is
right on every training point (it memorises them) and its map is jagged; a larger k smooths the
map, and when k is too large it blurs the classes together. Too flexible against too simple: the
same trade-off as in [Too simple, too flexible](bias-variance.html). Click anywhere on a map to
ask both models about that point.
"""

# The knobs' help (shown beside each widget and read to a screen reader).
HELP_DATASET = "Which two-class dataset both models learn from."
HELP_N_POINTS = "How many points are drawn; half train the models, half test them."
HELP_NOISE = "How much the classes blur into each other."
HELP_SEED = "The random draw of the points: the same seed gives the same points."
HELP_K = "How many nearest training points vote on a new point's class."
HELP_QUERY_X = "The point asked of both models: across (click a map to move it)."
HELP_QUERY_Y = "The point asked of both models: up (click a map to move it)."
HELP_FORGET = "Delete the training points, keeping only what each model stored."

# Headings and chart titles, the same on the live page and in the still picture.
MAPS_HEADING = "### 1 · Two models, one dataset"
QUERY_HEADING = "### 2 · Ask about one point"
KEEP_HEADING = "### 3 · What each model keeps, and what it costs"
FORGET_HEADING = "### 4 · Throw the data away"
LOGISTIC_TITLE = "Logistic regression (3 numbers): P(blue)"
KNN_TITLE = "kNN: the share of the k votes for blue"
TIMING_TITLE = "One prediction, measured here (log scales)"
TIMING_X = "training points n"
TIMING_Y = "µs per prediction"
KNN_LEGEND = "kNN"
LOGISTIC_LEGEND = "logistic regression"
MEASURE_LABEL = "Measure again"
CLASS_NAMES = ("orange", "blue")
PREVIEW_LABEL = ("The moons dataset's orange and blue points over logistic regression's straight "
                 "boundary, and over the k nearest neighbours' curved one")

SCALE_NOTE = """
A kNN prediction compares the new point with every stored point, so its cost grows with the data.
Search engines and recommenders that look up neighbours among billions of items do not compare
them all: they build an **index** first (graphs such as HNSW, or clusters with compressed
vectors such as IVF-PQ) that finds *nearly* the nearest ones in a tiny fraction of the time. The
lookup stays; only its cost shrinks. This page compares them all, which is exact and plain.
"""


def share(value: float | None) -> str:
    """An accuracy as a percentage, or a dash when the model cannot answer."""
    return "—" if value is None else f"{100 * value:.0f}%"


def k_too_large(k: int, n_train: int, kept: int) -> str:
    return (f"Ignored k={k}: there are only {n_train} training points, and k nearest neighbours "
            f"needs k of them; kept k = {kept}.")


def n_too_small(n: int, n_train: int, k: int, kept: int) -> str:
    return (f"Ignored n={n}: it leaves {n_train} training points, fewer than k = {k}; "
            f"kept n = {kept}. Lower k first.")


def scores(accuracy: dict[str, float | None], kept: dict[str, int], n_train: int, k: int) -> str:
    """The two models side by side (Markdown table)."""
    knn_kept = (f"{format_count(kept['knn'])} ({format_count(n_train)} points × 3)" if kept["knn"]
                else "0 (thrown away)")
    return ("| | logistic regression | kNN, k = " + str(k) + " |\n|---|---|---|\n"
            f"| training accuracy | {share(accuracy['logistic_train'])} | {share(accuracy['knn_train'])} |\n"
            f"| test accuracy | {share(accuracy['logistic_test'])} | {share(accuracy['knn_test'])} |\n"
            f"| numbers kept | {kept['logistic']} | {knn_kept} |")


def weights(numbers: list[float]) -> str:
    """Logistic regression's whole memory, written out (Markdown)."""
    w1, w2, b = numbers
    return (f"Everything logistic regression keeps: `w₁ = {w1:.3f}`, `w₂ = {w2:.3f}`, `b = {b:.3f}`. "
            "Its boundary is the straight line where w₁·x + w₂·y + b = 0.")


def memorises(k: int, knn_train: float | None) -> str:
    """What k does, in a sentence about the reader's own k."""
    if knn_train is None:
        return "kNN has no points left to look up."
    if k == 1:
        return (f"k = 1: every training point is its own nearest neighbour, so kNN gets "
                f"{share(knn_train)} of them right: it has memorised them, noise and all.")
    return (f"k = {k}: each point's class is the vote of its {k} nearest training points. Lower k "
            "follows every wiggle of the data (too flexible); higher k smooths the map until it "
            "blurs the classes (too simple).")


def query(q: Query, numbers: list[float]) -> str:
    """Both models' answers for the clicked point (Markdown)."""
    w1, w2, b = numbers
    where = f"({q.x:g}, {q.y:g})"
    if q.knn_class is None:
        knn_words = "**kNN** cannot answer: its training points are gone, and they were the model."
    else:
        zero, one = q.votes
        knn_words = (f"**kNN**: its {zero + one} nearest training points (ringed on the map) vote "
                     f"{one} for blue, {zero} for orange: **{CLASS_NAMES[q.knn_class]}**.")
    return (f"The point {where}.  \n{knn_words}  \n**Logistic regression**: z = {w1:.3f}·{q.x:g} + "
            f"{w2:.3f}·{q.y:g} + {b:.3f} = {format_number(q.logit)}, P(blue) = σ(z) = "
            f"{q.probability:.3f}: **{CLASS_NAMES[q.logistic_class]}**.")


def timing(rows: list[list[float]]) -> str:
    """The latest measurements in a sentence (Markdown)."""
    if not rows:
        return "Press Measure to time one prediction of each model in this browser."
    small, large = rows[-5], rows[-1]
    return (f"Measured in this browser: one kNN prediction took {format_number(small[1])} µs with "
            f"{format_count(int(small[0]))} stored points and {format_number(large[1])} µs with "
            f"{format_count(int(large[0]))}; logistic regression took about "
            f"{format_number(large[2])} µs whatever the data, since it only ever reads its three "
            "numbers.")


def forgotten(forget: bool) -> str:
    if forget:
        return ("The training data is gone. Logistic regression still answers everywhere: its three "
                "numbers are the whole model. kNN's map is blank: without the points it has nothing "
                "to look up.")
    return "Tick the box to delete the training points and see which model can still answer."


def summary(k: int, knn_test: float | None, logistic_test: float | None, q: Query) -> str:
    """The lesson's result in a sentence, for a screen reader."""
    knn_part = (f"kNN with k = {k} gets {share(knn_test)} of the test points right"
                if knn_test is not None else "kNN has thrown its data away and cannot answer")
    point = (f"; at ({q.x:g}, {q.y:g}) kNN says {CLASS_NAMES[q.knn_class]}" if q.knn_class is not None
             else f"; at ({q.x:g}, {q.y:g})")
    return (f"{knn_part}, logistic regression {share(logistic_test)}{point}, logistic regression "
            f"says {CLASS_NAMES[q.logistic_class]}.")

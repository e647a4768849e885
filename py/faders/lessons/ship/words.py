"""Every word lesson `ship` says: its prose, help, headings, chart titles and sentences on its numbers."""

from __future__ import annotations

import math
from typing import Any

from faders.lessons.kit.formatting import format_count

TITLE = "Before you ship: what a senior engineer asks first"
TEASER = ("A classifier that scores well on its test set, and four questions to ask before it meets "
          "the world: the inputs, the metric, the cost, the failures.")

PROSE = """
A model that does well on its test set is where the work starts, not where it ends. Before an
experienced engineer lets a model answer real requests, they ask four questions: **what will the
inputs look like** in use, **which number says it is good enough**, **what does one answer cost**, and
**how does it fail**. Each question below has a knob; turn it and watch the answer change.

The model is a small network (2 inputs, two hidden layers of 8, one output: 105 numbers) trained on
a playground dataset when this page opens, in a fraction of a second. Its output is P(yes), the
probability that a point is blue.
"""

# The knobs' help (shown beside each widget and read to a screen reader).
HELP_DATASET = "Which two-class dataset the model learns from; a new one trains the model again."
HELP_SEED = "The random draw of the points and the network's first weights: the same seed, the same model."
HELP_MOVE_X = "Moves every input met in use this far to the right (left when negative)."
HELP_MOVE_Y = "Moves every input met in use this far up (down when negative)."
HELP_ANGLE = "Turns the inputs met in use about the middle, counter-clockwise, by this many degrees."
HELP_SPREAD = "Spreads the inputs met in use out from the middle by this factor (below 1 squeezes them)."
HELP_YES = "Out of every 100 cases met in use, how many are truly yes (blue): 50 is balanced, 1 is rare."
HELP_THRESHOLD = ("The model says yes when its P(yes) reaches this value; lower finds more yeses and "
                  "raises more alarms.")
HELP_PRICE = "What one CPU core costs per hour where the model runs (an assumption: set your own)."
HELP_FAR = "How far from the middle of the training data the probe point sits."
HELP_DIRECTION = "Which way the probe lies from the middle, in degrees counter-clockwise from the right."
HELP_USE = "What the yes answers are used for, which sets what each kind of mistake costs."

# Headings and chart titles, the same on the live page and in the still picture.
MODEL_HEADING = "### The model"
SHIFT_HEADING = "### 1 · What will the inputs look like?"
METRIC_HEADING = "### 2 · Which number says it is good?"
BUDGET_HEADING = "### 3 · What does one answer cost?"
FAILURE_HEADING = "### 4 · How does it fail?"
WEIGHTS_HEADING = "### The weights are released: what that gives you"
MAP_TITLE = "The trained model: P(yes) and its training points"
LOSS_TITLE = "Training loss, epoch by epoch"
SHIFT_TITLE = "In use: the test points, shifted"
DRIFT_TITLE = "Accuracy as the inputs drift"
DRIFT_X = "share of your shift (1 = as set)"
SWEEP_TITLE = "Four scores against the threshold"
BUDGET_TITLE = "One prediction, measured here (µs, log scale)"
WIDE_TITLE = "Confidence far from the data (the data sit in the box)"
RAY_TITLE = "Confidence along the probe's direction"
RAY_X = "distance from the middle of the data"
TUNE_TITLE = "Recovering on the shifted data: accuracy by epoch"
FINE_TUNED_LEGEND = "from the released weights"
SCRATCH_LEGEND = "from scratch"
MEASURE_LABEL = "Measure again"
FINE_TUNE_LABEL = "Fine-tune on this shift"
DOWNLOAD_LABEL = "Download the weights (JSON)"
THIS_MODEL = "This model (2-8-8-1)"
LARGER_MODEL = "A larger MLP (2-64-64-1)"
KNN_MODEL = "kNN (k = 5) on the training points"
# The same three, short enough to name the bars of a chart on a phone.
BUDGET_BARS = ("this model", "larger MLP", "kNN")
WEIGHTS_OUTPUT = "the logit of P(yes): apply the sigmoid 1 / (1 + exp(-z))"
PREVIEW_LABEL = ("Two line charts: the model's accuracy falling as its inputs drift from the training "
                 "data, and accuracy, precision, recall and F1 against the decision threshold")

SHIFT_INTRO = """
Training data is a snapshot. In use the inputs drift: a new camera, a sensor replaced, a market
that changes. Move, turn or widen the points the model meets (the labels move with them) and watch
its boundary, which does not move, fall behind.
"""

METRIC_INTRO = """
Make **yes** rare, as fraud, spam that got through or a disease are, and a model that always says
**no** scores 99% accuracy at 1 yes in 100 while finding nothing. **Precision** asks how many of its
yeses were right; **recall** how many of the true yeses it found; **F1** balances the two. Move the
threshold: recall rises as precision falls. "It looks good" is not a metric; pick the one that
matches what a mistake costs.
"""

BUDGET_INTRO = """
Every answer in use costs compute. Here is one prediction of three models, timed in your browser
right now (numbers differ from machine to machine), with what a million answers cost at the price you
set, beside the accuracy each reaches. The larger network keeps 42 times as many numbers; kNN keeps
every training point and compares the new point with all of them.
"""

FAILURE_INTRO = """
Far from anything it was trained on, the model still answers, and is sure of itself: out there its
tanh units sit at +1 or −1, so its logit settles on a fixed value, and here a large one. Nothing in
P(yes) says "I have never seen anything like this". Move the probe out and watch the confidence stay
near 100%.
"""

WHAT_TO_DO = """
**What to do about it**

- Check each input against the training data (here: its distance to the nearest training point),
  and send what lies outside to a person, or answer "I don't know".
- Choose the threshold by what the mistakes cost in your use, not by accuracy.
- Watch the inputs in use and the scores they get; when they drift, collect new labelled data and
  fine-tune (below).
- Write down what the model was trained on and where it must not be used.
"""

WEIGHTS_INTRO = """
When a model's **weights are released**, you get its trained numbers and nothing else: for this
model, 105 numbers in a JSON file. With them you can run the model (inference) and you can keep
training it on your own data (**fine-tuning**). You cannot train it again from the start, or check
what it learned from, without its training data and the code that trained it.

Fine-tuning, measured: new labelled points from the shifted world of question 1, trained on from the
released weights and from fresh random ones, the same data, optimiser and batches for both, until
each is back within 2 points of the accuracy the model had before the shift.
"""


def percent(value: float | None) -> str:
    """A share as a percentage with one decimal, or a dash for an undefined one."""
    return "—" if value is None else f"{100 * value:.1f}%"


def dollars(value: float) -> str:
    """Money: cents below $10, whole dollars with separators above, a fraction of a cent to two
    significant digits ($0.000087), never in powers of ten."""
    if value == 0:
        return "$0"
    if value < 0.01:
        return f"${value:.{1 - math.floor(math.log10(value))}f}"
    return f"${value:,.2f}" if value < 10 else f"${value:,.0f}"


def model_text(results: dict[str, Any]) -> str:
    model = results["model"]
    sizes = "-".join(str(size) for size in model["layer_sizes"])
    return (f"A {sizes} network ({format_count(model['parameters'])} numbers), trained for "
            f"{model['epochs']} epochs on {model['n_train']} points with Adam, here in "
            f"{1000 * model['training_seconds']:.0f} ms. Accuracy: **{percent(model['accuracy']['train'])}** "
            f"on its training points, **{percent(model['accuracy']['test'])}** on {model['n_test']} test "
            "points it never saw.")


def shift_text(shift: dict[str, Any]) -> str:
    before, after = shift["accuracy_before"], shift["accuracy_after"]
    change = ("The shift costs it nothing here." if after >= before else
              f"It lost **{100 * (before - after):.1f} points** without anything in the model changing.")
    return (f"On the test points as they were: **{percent(before)}**. Moved by ({shift['dx']:g}, "
            f"{shift['dy']:g}), turned {shift['angle']:g}°, widened ×{shift['spread']:g}: "
            f"**{percent(after)}**. {change}")


def metric_table(metric: dict[str, Any]) -> str:
    rows = [("Accuracy", "accuracy"), ("Precision", "precision"), ("Recall", "recall"), ("F1", "f1")]
    lines = [f"| at threshold {metric['threshold']:.2f} | this model | always \"no\" |", "|---|---|---|"]
    lines += [f"| {label} | {percent(metric['model'][key])} | {percent(metric['always_no'][key])} |"
              for label, key in rows]
    return "\n".join(lines)


def confusion_table(metric: dict[str, Any]) -> str:
    (tn, fp), (fn, tp) = metric["confusion"]
    return "\n".join([
        "| this model | says no | says yes |", "|---|---|---|",
        f"| truly no | {format_count(tn)} right | {format_count(fp)} false alarms |",
        f"| truly yes | {format_count(fn)} misses | {format_count(tp)} found |"])


def metric_text(metric: dict[str, Any]) -> str:
    no, yes = metric["no"], metric["yes"]
    always = metric["always_no"]
    undefined = (" Its precision is undefined: it never says yes, so there is nothing to be right about."
                 if always["precision"] is None else "")
    return (f"{format_count(metric['examples'])} cases met in use, {format_count(yes)} yes and "
            f"{format_count(no)} no ({no * 100 // metric['examples']}/{yes * 100 // metric['examples']}). "
            f"The model that always says no scores **{percent(always['accuracy'])} accuracy** and finds "
            f"**{percent(always['recall'])}** of the yeses.{undefined}")


def budget_table(budget: list[dict[str, Any]], price: float) -> str:
    lines = ["| model | numbers kept | test accuracy | one prediction | a million predictions |",
             "|---|---|---|---|---|"]
    lines += [f"| {row['model']} | {format_count(row['numbers'])} | {percent(row['accuracy'])} | "
              f"{row['microseconds']:.1f} µs | {dollars(row['dollars_per_million'])} |" for row in budget]
    return "\n".join(lines) + (f"\n\nAt ${price:g} per CPU-core hour, one core answering without a pause "
                               "(a real service adds the network, queues and spare capacity).")


def failure_text(failure: dict[str, Any]) -> str:
    x, y = failure["point"]
    farthest = failure["farthest_test_point"]
    flag = ("An input check would flag it: that is farther than any test point lies from the training "
            f"data ({farthest:.1f})." if failure["flagged"] else
            f"That is within the range the test points lie in ({farthest:.1f} at most).")
    return (f"The probe at ({x:.1f}, {y:.1f}), {failure['nearest_training_point']:.1f} from the nearest "
            f"training point: P(yes) = {failure['p_yes']:.3f}, so the model says **{failure['answer']}** "
            f"with **{percent(failure['confidence'])}** confidence. {flag}")


def cost_text(costs: dict[str, Any], use_name: str, yes: str, no: str) -> str:
    costliest = "the misses" if costs["costliest"] == "misses" else "the false alarms"
    return "\n".join([
        f"**{use_name}**: yes means {yes}. A false alarm (a yes that was {no}) costs "
        f"{dollars(costs['false_alarm_price'])}; a miss (a {yes} let through) costs "
        f"{dollars(costs['miss_price'])} (assumed prices).",
        "",
        "| per 1,000 cases, at the threshold of question 2 | cost |", "|---|---|",
        f"| false alarms | {dollars(costs['false_alarms'])} |", f"| misses | {dollars(costs['misses'])} |",
        f"| all mistakes | {dollars(costs['total'])} |",
        "",
        f"The costliest cell is **{costliest}**. The threshold that costs least here is "
        f"**{costs['best_threshold']:.2f}**: {dollars(costs['best_total'])} per 1,000 cases."])


def budget_note(budget: list[dict[str, Any]]) -> str:
    fastest = min(budget, key=lambda row: row["microseconds"])
    slowest = max(budget, key=lambda row: row["microseconds"])
    small, larger = budget[0], budget[1]
    more_numbers = larger["numbers"] / small["numbers"]
    more_time = larger["microseconds"] / small["microseconds"]
    why = ("for a model this small the fixed cost of a call outweighs its arithmetic, while kNN's work "
           "grows with the data it keeps. At the size of real models the arithmetic wins, and the cost "
           "grows with the numbers." if more_time < more_numbers / 4 else
           "here the arithmetic already shows in the time.")
    return (f"Fastest here: {fastest['model']}; slowest: {slowest['model']}, "
            f"{slowest['microseconds'] / fastest['microseconds']:.1f} times as long. The larger MLP has "
            f"{more_numbers:.0f} times the numbers to multiply and took {more_time:.1f} times as long: {why}")


def weights_text(weights: dict[str, Any]) -> str:
    return (f"The file holds the network's shape and its {format_count(weights['parameters'])} numbers: "
            f"{format_count(weights['bytes'])} bytes.")


def epochs_said(epochs: int | None, most: int) -> str:
    if epochs is None:
        return f"not within {most} epochs"
    return "at once (0 epochs)" if epochs == 0 else f"in **{epochs} epoch{'s' if epochs != 1 else ''}**"


def tuning_text(tuning: dict[str, Any]) -> str:
    fine, scratch, most = tuning["fine_tuned_epochs"], tuning["from_scratch_epochs"], tuning["most_epochs"]
    s = tuning["shift"]
    said = (f"Target: {percent(tuning['target'])} on the shifted test points. From the released weights: "
            f"recovered {epochs_said(fine, most)}; from scratch: {epochs_said(scratch, most)}.")
    if fine is not None and (scratch is None or fine < scratch):
        said += " The released weights already knew the shape of the classes; only the shift was new."
    elif fine is not None and scratch is not None and fine > scratch:
        said += (" Here starting over was quicker: a shift this large leaves the old boundary in the way, "
                 "and it must be unlearned first.")
    measured = (f"Measured for the shift ({s['dx']:g}, {s['dy']:g}), {s['angle']:g}°, ×{s['spread']:g}.")
    if tuning["stale"]:
        measured += " The shift has moved since: press the button to measure again."
    return f"{said}\n\n{measured}"


def summary(before: float, after: float, yes: int, cases: int, threshold: float,
            scores: dict[str, float | None]) -> str:
    return (f"Accuracy {percent(before)} on the test points, {percent(after)} once shifted. With "
            f"{format_count(yes)} yes in {format_count(cases)} cases, at threshold {threshold:.2f}: "
            f"precision {percent(scores['precision'])}, recall {percent(scores['recall'])}.")

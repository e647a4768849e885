"""Every word lesson `function` says: its prose, headings, chart titles and sentences on its numbers."""

from __future__ import annotations

from faders.lessons.kit.formatting import format_number

TITLE = "A model is a function"
TEASER = "Turn two knobs to fit a line, then watch gradient descent turn them for you."

PROSE = """
A **model** is a function with knobs. This one draws a line: `pred = w * x + b`. The two knobs,
the **weight** `w` (the slope) and the **bias** `b` (where the line crosses x = 0), are its
**parameters**. The five points are the data, `y = 2x + 1`. The **loss** says how far the line is
from the points: the mean of the squared errors.

Turn the knobs yourself first. Then press **Train** and watch the four-step loop turn them for
you: a **forward pass** computes `pred`, the **loss** measures the error, the **gradient** says
which way each knob makes the loss grow, and the **update** moves each knob a small step the other
way. How small is the **learning rate**: a **hyperparameter**, a setting of the training rather
than part of the model. Once trained, the knobs are frozen and **inference** is a single forward
pass on a new input.
"""

# The knobs' help (shown beside each widget and read to a screen reader).
HELP_W = "Weight: the slope of the line."
HELP_B = "Bias: the height of the line at x = 0."
HELP_LEARNING_RATE = "How far each update moves the knobs."
HELP_STEPS = "How many updates Train makes."
HELP_X_NEW = "A new input for inference."
FROZEN = "The knobs are frozen after training; press Reset to turn them again."

# Headings and chart titles, the same on the live page and in the still picture.
HAND_HEADING = "### 1 · Turn the knobs by hand"
SURFACE_HEADING = "### The loss surface"
TRAINING_HEADING = "### 2 · Let training turn them"
LOOP_HEADING = "#### The loop being run"
LOOP_LABEL = "The loop being run, in Python"
INFERENCE_HEADING = "### 3 · Training versus inference"
INFERENCE_INTRO = "Inference is one forward pass with the knobs as they are."
FIT_TITLE = "The model's line and the data"
FIT_Y_LABEL = "y = w·x + b"
SURFACE_TITLE = "Loss for every (w, b): the valley training walks down"
LOSS_TITLE = "Loss while training (log scale)"
PREVIEW_LABEL = ("The five data points with the line at w = 0, b = 0, and the loss surface as rings "
                 "around the best fit")


def status_message(status: str, first_loss: float, last_step: int, last_loss: float, steps: int,
                   learning_rate: float, largest_stable_rate: float) -> str:
    """What is happening, in plain words (the first and last loss and step of the run so far)."""
    if status == "diverged":
        stopped = " Training stopped there, before the numbers overflow." if last_step < steps else ""
        return (f"Training diverged: by step {last_step} the loss had grown from "
                f"{format_number(first_loss)} to {format_number(last_loss)}.{stopped} "
                f"A learning rate of {learning_rate:g} is too large for this data: every "
                f"update overshoots the bottom of the valley and lands higher on the other "
                f"side. Any rate above {largest_stable_rate:.3f} does this here; press Reset and try a "
                f"smaller one.")
    if status == "trained":
        return (f"Trained: {last_step} steps brought the loss to "
                f"{format_number(last_loss)}. The knobs are now frozen; press Reset "
                f"to turn them again.")
    if status == "stopped":
        return f"Stopped at step {last_step}. Train continues from here."
    if status == "training":
        return "Training: forward pass, loss, gradient, update, again and again."
    return "Turn the knobs by hand, or press Train."


def progress(step: int, steps: int, loss: float) -> str:
    """How a run stands, said every few seconds while it trains."""
    return f"Training: step {step:,} of {steps:,}, loss {format_number(loss)}."


def readout(w: float, b: float, loss: float) -> str:
    """The formula with the knobs in it, and the loss it gives (Markdown)."""
    return (f"`pred = {w:.2f} · x + {b:.2f}`  \n"
            f"**loss** = mean((pred − y)²) = **{format_number(loss)}**")


def counter(step: int | None, steps: int, loss: float | None) -> str:
    """The step counter under the buttons (Markdown); `step` None before any training."""
    if step is None or loss is None:
        return f"Step **0** of {steps:,}"
    return f"Step **{step:,}** of {steps:,} · loss **{format_number(loss)}**"


def inference(w: float, b: float, x: float, prediction: float) -> str:
    """One inference written out (Markdown)."""
    return f"pred = {w:.2f} × {x:g} + {b:.2f} = **{format_number(prediction)}**"


def cost(timing: dict[str, float], steps: int) -> str:
    """The measured cost of training against one inference (Markdown), or what to do to see it."""
    if not timing:
        return "Train the model to compare the cost of training with one inference."
    return (f"Measured here, in this browser: training ({steps:,} steps) took "
            f"**{timing['train_ms']:.2f} ms**; one inference took "
            f"**{timing['inference_us']:.2f} µs**. Training cost about "
            f"**{timing['ratio']:,.0f}×** one inference.")

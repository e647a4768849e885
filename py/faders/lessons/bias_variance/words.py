"""Every word lesson `bias-variance` says: its prose, help texts, headings, chart titles and the
sentences on its numbers."""

from __future__ import annotations

from faders.lessons.kit.formatting import format_number

TITLE = "Too simple, too flexible: bias and variance"
TEASER = ("Turn a polynomial's degree from a line to a wiggle, refit on many training sets, and watch "
          "bias² + variance + noise add up to the test error.")

PROSE = """
A model can miss in two ways. Too simple, and it cannot bend to the truth however much data it
sees: that is **bias**. Too flexible, and it bends to the noise of the few points it was given, so
another training set would give a different curve: that is **variance**. The knob between them
here is the **degree** of a polynomial fitted to noisy points of a true curve; **capacity** is the
general name for it (in a network: its size).

Drag the degree and watch two errors: on the **training** points and on fresh **test** points from
the same truth. Then look at many fits at once: each thin curve was fitted to its own training set.
Where they disagree, that is variance; where their average misses the truth, that is bias.
"""

# The knobs' help (beside each widget, and read to a screen reader).
HELP_TRUTH = "The true curve the points are drawn from, before noise is added."
HELP_POINTS = "How many training points each fit sees. More data is the first cure for variance."
HELP_NOISE = "The spread of the noise added to each point (its standard deviation)."
HELP_SEED = "Draws the training and test points; the same seed gives the same points."
HELP_DEGREE = "The highest power of x in the polynomial: 0 is a flat line, 1 a sloped line, 20 a wiggle."
HELP_RIDGE_ON = "Add a penalty on large coefficients (ridge regression): the second cure for variance."
HELP_RIDGE = "How strongly large coefficients are penalised (λ), on a log scale from 10⁻⁶ to 100."
HELP_FITS = "How many training sets Resample draws and fits, each from the same truth."
HELP_DRAW = "Which batch of training sets is shown; Resample draws the next, and a link keeps it."
RIDGE_REASON = "λ sits on a log scale, so it must be above 0; turn Ridge penalty off for none"
RIDGE_SLIDER_LABEL = "Ridge λ (log₁₀ scale)"

# Headings and chart titles, the same on the live page and in the still picture.
FIT_HEADING = "### 1 · One fit"
CURVE_HEADING = "### 2 · Errors against the degree"
RESAMPLE_HEADING = "### 3 · Many training sets: bias and variance"
CURES_HEADING = "### 4 · Two cures, and the same idea in a network"
FIT_TITLE = "The fit, the training points and the truth"
CURVE_TITLE = "Training and test error against the degree (log scale)"
FITS_TITLE = "Fits to resampled training sets, and their average"
PARTS_TITLE = "Expected test error, in parts"
PART_NAMES = ["bias²", "variance", "noise", "sum", "measured"]
PREVIEW_LABEL = ("Noisy points of a sine with a degree-3 polynomial fitted to them, and the training "
                 "and test errors against the degree: the training error falls, the test error "
                 "makes a U")

CURES = """
**More data** and **regularisation** both cut variance. Raise the training points and watch the
thin curves close in on their average and the variance bar shrink. Or turn on the ridge penalty
and raise λ: the fits become stiffer (less variance) but are pulled away from the truth (more
bias). Too much λ, and a degree-15 polynomial underfits like a line.
"""

NETWORK_LINK_TEXT = "Open the network playground with a network that overfits"
NETWORK_LINK_AFTER = (" (40 noisy points, three layers of eight neurons): press Train and watch its "
                      "training loss fall while its test loss climbs.")


def verdict(degree: int, best: int, train_error: float, test_error: float, best_error: float,
            points: int, exact: bool) -> str:
    """Where the reader's degree stands on the U, in plain words."""
    if exact:
        return (f"Degree {degree} on {points} points: the curve passes through every training point "
                f"(training error {format_number(train_error)}), noise and all. It has memorised the "
                f"noise, and the test error is {format_number(test_error)}: a model with more knobs "
                f"than examples can do this, whatever it is.")
    if degree < best and test_error > 1.2 * best_error:
        return (f"Underfitting (high bias): at degree {degree} the curve is too stiff to follow the "
                f"truth; both errors are high. Degree {best} does best on the test points.")
    if degree > best and test_error > 1.2 * best_error:
        return (f"Overfitting (high variance): at degree {degree} the training error is low "
                f"({format_number(train_error)}) but the test error is {format_number(test_error)}: the "
                f"curve follows the noise. Degree {best} does best on the test points.")
    if degree == best:
        return f"The sweet spot: degree {degree} has the lowest test error of all the degrees."
    return (f"Close to the sweet spot: degree {best} has the lowest test error, and degree "
            f"{degree}'s is within a fifth of it.")


def errors(degree: int, train_error: float, test_error: float, best: int, best_error: float) -> str:
    """The two errors of the current fit and the sweet spot (Markdown)."""
    return (f"Degree **{degree}**: training error **{format_number(train_error)}**, test error "
            f"**{format_number(test_error)}**. Lowest test error: degree **{best}** "
            f"({format_number(best_error)}).")


def parts(bias_squared: float, variance: float, noise: float, measured: float, sampling_error: float,
          fits: int) -> str:
    """The decomposition in the reader's numbers (Markdown)."""
    total = bias_squared + variance + noise
    return (f"Over **{fits}** training sets: bias² **{format_number(bias_squared)}** + variance "
            f"**{format_number(variance)}** + noise **{format_number(noise)}** = "
            f"**{format_number(total)}**. Measured on fresh test points: **{format_number(measured)}** "
            f"± {format_number(2 * sampling_error)} (two standard errors: the measurement is itself an "
            f"average over {fits} training sets).")


def summary(degree: int, test_error: float, bias_squared: float, variance: float) -> str:
    """The result in one sentence, said once the reader's changes settle."""
    return (f"Degree {degree}: test error {format_number(test_error)}; over the resampled fits, bias "
            f"squared {format_number(bias_squared)} and variance {format_number(variance)}.")

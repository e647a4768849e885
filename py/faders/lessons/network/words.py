"""Every word lesson `network` says: its prose, help texts, headings, chart titles and sentences on its
numbers, for Part 1 (a network fits a curve) and Part 2 (the playground)."""

from __future__ import annotations

from faders.lessons.kit.formatting import format_number, run_message

TITLE = "Neural networks approximate functions"
TEASER = ("Add neurons and layers, press Train, and watch a network bend its answer to the data: "
          "tensorflow/playground and more.")

PROSE = """
A **neural network** is a function built from many small ones. Each **neuron** adds up its inputs,
each times a **weight**, adds a **bias**, and bends the sum with an **activation** (tanh, ReLU,
sigmoid). A layer of neurons feeds the next, and the last one gives the answer. With enough neurons
in one hidden layer such a network can approximate any smooth function as closely as you like (the
**universal approximation theorem**); more layers let it build the same shapes from far fewer
neurons, each layer combining the simpler shapes of the one before.

Pick a dataset, press **Train**, and watch the map: the colour is the network's answer at every
point of the square, the dots are the data. The small maps show what each hidden neuron answers.
"""

PART_1_HEADING = "## Part 1: fitting a curve"
PART_2_HEADING = "## Part 2: the playground"

# ---- Part 1: a network fits a curve ---------------------------------------------------------------

FIT_PROSE = """
A network with one input and one output is a curve: give it x, it answers y. Pick a target (or click
on the chart to place points of your own), press **Train**, and watch the thick line bend to the dots.

**One hidden layer adds up simple pieces.** With one hidden layer, the answer is a sum: each hidden
unit takes x, multiplies it by its weight, adds its bias, bends the result with its activation, and
the output layer adds the units up, each times its own weight, plus one last bias. The thin lines are
those terms, one per unit; add them up and you get the thick line. A ReLU unit is flat on one side of
a point and straight on the other, so each one adds a single **kink** (the marks on the fit). With
enough units, kinks can be placed wherever the curve turns, and a chain of short straight pieces
follows any continuous curve on an interval as closely as you like. That is the **universal
approximation theorem**: one hidden layer is enough, if it may be wide enough. Try the step with 2
units, then with 30.

**Why depth helps.** A second layer does not add more pieces side by side: each of its units takes the
whole bent curve of the layer below and bends it again. Bends of bends multiply: two ReLUs a layer,
stacked ten deep, can zig-zag through a thousand straight pieces, where one layer of those twenty
units makes at most twenty-one. Deep networks get the same wiggliness from far fewer weights, and
they build it as we would: simple shapes first, combined into more complex ones.
"""

HELP_FIT_TARGET = "The curve to fit: a line, a sine, a step, |x|, or your own points."
HELP_FIT_WIDTH = "Units in each hidden layer."
HELP_FIT_DEPTH = "How many hidden layers."
HELP_FIT_ACTIVATION = "How each hidden unit bends its sum."
HELP_FIT_POINTS = "The reader's own points, (x, y) each."
FIT_LOCKED = "The curve is training; press its Stop first."
FIT_TRAINING_NO_POINTS = "The curve is training; press its Stop before adding points."
FIT_POINTS_FIRST = "Click on the chart to place points of your own first."
FIT_IDLE = "Press Train to fit the curve, or Step to train one epoch at a time."
FIT_LOSS_TITLE = "Mean squared error while training (log scale)"


def fit_title(max_points: int) -> str:
    """The title of Part 1's chart."""
    return f"The network's answer (click to add a point, up to {max_points})"


def fit_no_points_yet(kept: str) -> str:
    """A link that asks for the reader's points before there are any."""
    return ("Ignored fit='points': there are no points of your own yet; click on the chart to place some. "
            f"Kept {kept}.")


def point_off_the_chart(x: float, y: float, x_limit: float, y_limit: float) -> str:
    return (f"Ignored the point ({x:g}, {y:g}): points lie within x from {-x_limit:g} to {x_limit:g} and "
            f"y from {-y_limit:g} to {y_limit:g}.")


def too_many_points(max_points: int) -> str:
    return f"Ignored the point: this chart takes at most {max_points} points of your own."


def fit_message(status: str, epoch: int, loss: float, learning_rate: float) -> str:
    """Part 1's status line."""
    return run_message(status, epoch, f"mean squared error {format_number(loss)}", learning_rate, FIT_IDLE)


def fit_counter(epoch: int, loss: float, breakpoints: int | None) -> str:
    """Part 1's epoch, error and straight pieces (Markdown)."""
    pieces = "" if breakpoints is None else (
        f" · **{breakpoints + 1}** straight piece{'s' if breakpoints else ''}")
    return f"Epoch **{epoch:,}** · mean squared error **{format_number(loss)}**{pieces}"


def fit_size_warning(parameters: int, work: float) -> str:
    """A network too large to watch it fit on a phone."""
    return (f"This network is large ({parameters:,} weights and biases): each epoch takes about "
            f"{work / 1e6:.0f} million multiply-adds, too many to watch it fit on a phone. Fewer units or "
            "layers train faster.")


def fit_explanation(width: int, depth: int, activation: str) -> str:
    """What Part 1's chart draws, and why the pieces are drawn or not."""
    if depth == 1:
        units = "the one hidden unit" if width == 1 else f"each of the {width} hidden units"
        words = (f"Thin lines: what {units} adds, its weight times its activation. Thick line: their "
                 "sum plus the output bias, the network's answer.")
        if activation == "relu":
            kinks = "one kink" if width == 1 else f"{width} kinks"
            words += f" Each ReLU unit bends the answer once, at its mark: at most {kinks}."
        return words
    return (f"With {depth} hidden layers the pieces are not drawn: a unit of layer 2 reads every unit "
            "of layer 1, so the answer is no longer one curve per unit added up. Each layer bends the "
            "curves of the one below again, and bends of bends multiply: depth buys more turns per "
            "weight.")


# ---- Part 2: the playground ---------------------------------------------------------------------

HELP_PROBLEM = "Classification (two classes) or regression (a number per point)."
HELP_DATASET = "Which points to learn."
HELP_NOISE = "Noise, in percent, as playground's knob."
HELP_TRAIN_PERCENT = "The share of the points trained on, in percent."
HELP_N_POINTS = "How many points a named dataset draws."
HELP_BATCH_SIZE = "Points per update."
HELP_FEATURES = "The inputs the network reads, computed from each point's x and y."
HELP_HIDDEN = "Neurons in each hidden layer."
HELP_ACTIVATIONS = "The activation of each hidden layer."
HELP_LOSS = "Squared error, or cross-entropy (classification only)."
HELP_LEARNING_RATE = "How far each update moves the weights."
HELP_REGULARIZATION = "None, L1 or L2."
HELP_REGULARIZATION_RATE = "How strongly large weights are penalised."
HELP_SEED = "Draws the data, the first weights and the batches."
HELP_SHOW_TEST = "Draw the test points too."
HELP_DISCRETISE = "Colour the map by class instead of by score."
HELP_TARGET_LOSS = "Stop once the train loss is this low (0: never)."
HELP_STOP_EPOCH = "Stop at this epoch (0: never)."
HELP_OWN_POINTS = "The reader's own points as a link carries them: x:y:label, comma-separated."
SIZE_REASON = "a larger network trains too slowly here to watch"
IDLE = "Press Train to start, or Step to train one epoch at a time."
TRAINING_NO_PASTE = "Training is running; press Stop before pasting points."
TRAINING_NO_POINTS = "Training is running; press Stop before adding points."
ONE_MORE_POINT = "Add at least one more point: training needs one to learn from and one to test."

DATA_HEADING = "### Data"
NETWORK_HEADING = "### Network"
OUTPUT_HEADING = "### Output"
EXPORTS_HEADING = "### Take the run with you"
FEATURES_INTRO = "Features the network reads:"
CODE_INTRO = "The Python below repeats this run with faders.core, epoch for epoch:"
CODE_LABEL = "The Python that repeats this run"
PASTE_LABEL = "Your own points: x, y, label per line"
MAP_TITLE = "The network's answer (● training, ■ test points)"
LOSS_TITLE = "Loss while training: train (solid), test (dashed)"
DIAGRAM_TITLE = "Each neuron's answer; links: blue +, orange −, thick: large"
PREVIEW_MAP_TITLE = "The network's answer over the square"
PREVIEW_LOSS_TITLE = "Loss while training"
PREVIEW_LOSS_NOTE = "Train draws the train and test loss here"
PREVIEW_LABEL = ("The circle dataset, blue points inside orange ones, over the untrained network's answer, "
                 "and an empty chart of the loss")


def message(status: str, epoch: int, train_loss: float, test_loss: float, learning_rate: float) -> str:
    """Part 2's status line."""
    losses = f"train loss {format_number(train_loss)}, test loss {format_number(test_loss)}"
    return run_message(status, epoch, losses, learning_rate, IDLE)


def size_warning(work: float) -> str:
    """A setting too large for this device to train at a watchable speed."""
    return (f"This setting is large: each epoch takes about {work / 1e6:.0f} million multiply-adds, so "
            f"on a phone it may train only a few epochs a second. Fewer points or neurons train faster.")


def counter(epoch: int, train_loss: float, test_loss: float, bold: tuple[str, str] = ("", "")) -> str:
    """Part 2's epoch and losses, each number between `bold`'s two tags."""
    start, end = bold
    return (f"Epoch {start}{epoch:,}{end} · train loss {start}{format_number(train_loss)}{end} · test loss "
            f"{start}{format_number(test_loss)}{end}")


def scores(results: dict) -> str:
    """Part 2's numbers after a run (Markdown): accuracy and confusion, speed, warning, the network."""
    lines = []
    if results["problem"] == "classification":
        for name in ("train", "test"):
            accuracy = results[f"{name}_accuracy"]
            if accuracy is None:
                continue
            (tn, fp), (fn, tp) = results[f"{name}_confusion"]
            lines.append(f"**{name.capitalize()}**: accuracy **{accuracy:.1%}**\n\n"
                         f"| true \\ predicted | class 0 | class 1 |\n|---|---:|---:|\n"
                         f"| class 0 | {tn} | {fp} |\n| class 1 | {fn} | {tp} |\n")
    if results["speed"]:
        speed = results["speed"]
        lines.append(f"Last training here: **{speed['epochs_per_second']:.0f}** epochs a second, "
                     f"the maps "
                     f"redrawn **{speed['redraws_per_second']:.0f}** times a second.")
    if results["warning"]:
        lines.append(results["warning"])
    engine = "WebGPU (on the GPU)" if results["engine"] == "webgpu" else "numpy (on the CPU)"
    lines.append(f"The network: {' → '.join(map(str, results['layer_sizes']))} "
                 f"({results['parameters']:,} weights and biases); its products computed by {engine}.")
    return "\n\n".join(lines)

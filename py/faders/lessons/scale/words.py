"""Every word lesson `scale` says: its prose, help texts, headings, chart titles and the sentences
and tables that quote its figures (numbers written by readable.py)."""

from __future__ import annotations

from typing import Any

from faders.core import scale
from faders.lessons.scale import readable

TITLE = "Scale and cost"
TEASER = ("Count the knobs of GPT-2, GPT-3 and Llama 3, see whether they fit on your laptop, and what "
          "training them costs next to using them.")

PROSE = """
A model's **parameters** are its knobs. The line of the first lesson has two. The language models
people talk about have billions, and how many follows from the model's shape: how many different
tokens (pieces of words) it knows, how long the list of numbers is that carries each token through
the model (its **width**), how many **layers** it stacks, and a few choices inside each layer. Pick
a well-known model below, or change its shape; the count is worked out from the shape, with the
figure its makers published beside it.

**Does it fit on my laptop, or on one GPU?** Every parameter is a number held in memory: 4 bytes
at full precision (fp32), 2 in bf16 (the usual format for running a model), 1 in int8 and half a
byte in int4. The last two squeeze each number into fewer bits ("quantising" it) at some cost in
accuracy. The weights alone must fit in the memory of the machine that runs the model, and it
needs some room on top: for the text it is working on and, on a laptop, for everything else.

**Training costs far more than using.** Working out one token of output takes about two
operations per parameter, a multiply and an add: **2·N** floating-point operations (FLOPs) for N
parameters. Training reads **D** tokens of text, and for each one it does that forward pass and
then a backward pass, about twice as costly, to learn which way to turn every knob: about
**6·N·D** FLOPs in all. So one training run costs as much as producing **3·D** tokens, whatever the
size of the model. N and D are the two things you pay for: how many knobs there are, and how much
text turns them.

To turn FLOPs into hours and money the lesson assumes a GPU's peak speed (an NVIDIA H100: 989
trillion FLOPs a second in bf16), the share of that peak real work gets (the **utilisation**,
about 40% when training big models) and a rental price per GPU-hour. The price of $2 is an
assumption: prices differ between providers and change over time, so put in your own. All of these
count the arithmetic alone. Real projects pay for experiments that fail and machines that wait,
and generating text one token at a time is usually slowed by moving the weights through memory
rather than by arithmetic, so the inference figures are a floor.
"""

# The knobs' help (shown beside each widget and read to a screen reader).
HELP_PRESET = "A published model, or custom once the shape is changed."
HELP_VOCABULARY = "How many different tokens the model knows."
HELP_CONTEXT = "How many tokens it reads at once."
HELP_WIDTH = "Numbers carried per token (d_model)."
HELP_LAYERS = "Transformer blocks stacked."
HELP_HEADS = "Attention heads per layer."
HELP_KV_HEADS = "Key/value heads: fewer than heads means several heads share one."
HELP_MLP_HIDDEN = "Width inside each layer's MLP (GPT-2: 4 × width)."
HELP_MLP_KIND = "gelu: two matrices per MLP; swiglu: three."
HELP_TIED = "The output reuses the token embedding matrix."
HELP_POSITIONS = "learned: a vector per position; rotary: a formula, no knobs."
HELP_BIASES = "A bias on every linear layer."
HELP_NORM = "layernorm: scale and shift per channel; rmsnorm: scale only."
HELP_TOKENS = "D: tokens of text read in training."
HELP_THROUGHPUT = "One GPU's peak speed, in trillions of FLOPs a second."
HELP_UTILIZATION = "The share of the peak that real work gets."
HELP_PRICE = "Rental price of one GPU for one hour, in dollars (an assumption)."

# What the model menu calls a shape of the reader's own, and what the results call it.
CUSTOM_CHOICE = "Custom shape"
CUSTOM_MODEL = "Custom model"


def refusal(reason: object) -> str:
    """Why a shape was refused (core's reason), and that nothing changed."""
    return f"Refused that shape: {reason}. Nothing was changed."


# Headings and chart titles, the same on the live page and in the still picture.
SHAPE_HEADING = "### 1 · Pick a model, or change its shape"
MORE_SHAPE = "More of the shape"
MEMORY_HEADING = "### 2 · Does it fit on my laptop, or on one GPU?"
COMPUTE_HEADING = "### 3 · Training against inference"
LINE_HEADING = "### 4 · Your line from lesson 1, on the same scales"
PARTS_TITLE = "Where the parameters are"
MEMORY_TITLE = "Memory of the weights (log scale)"
MEMORY_X_LABEL = "bytes (10⁹ = 1 GB)"
COMPUTE_TITLE = "Training vs inference (log scale)"
PREVIEW_LABEL = ("GPT-2 small: the memory its weights take at four precisions against a laptop and two "
                 "GPUs, and the compute of training against inference")

# The charts' rows.
PART_NAMES = {"embeddings": "token embeddings", "positions": "position table", "attention": "attention",
              "mlp": "MLP", "norms": "norms", "output_head": "output head"}
DEVICE_NAMES = {"laptop": "laptop", "consumer-gpu": "consumer GPU", "datacentre-gpu": "data-centre GPU"}
THIS_MODEL, LINE = "this model", "lesson 1's line"
TRAINING = "training: 6·N·D"
MILLION_TOKENS = "10⁶ tokens of inference"
ONE_TOKEN = "1 token of inference: 2·N"
COMPUTE_ROWS = [(THIS_MODEL, TRAINING), (THIS_MODEL, MILLION_TOKENS), (THIS_MODEL, ONE_TOKEN),
                (LINE, "training: 6·2·5,000"), (LINE, "1 prediction: 2·2")]
PREVIEW_LINE_ROWS = ("lesson 1's line, training", "lesson 1's line, 1 prediction")


def count_text(results: dict[str, Any]) -> str:
    """The parameter count worked out from the shape, beside what its makers published (Markdown)."""
    architecture = results["architecture"]
    text = (f"**{results['model']}: {readable.count(results['parameters'])} parameters**, "
            f"worked out from its shape (each head is {architecture['head_width']} numbers wide; "
            f"the MLP is {readable.significant(architecture['mlp_multiple'])} × the width).")
    published = results["published"]
    if published is None:
        return text + "  \nA shape of your own: no published figure to compare with."
    text += f"  \nPublished: **{published['headline']}** ({published['headline_source']})."
    if published["exact_parameters"] is not None:
        agrees = "matches" if published["exact_parameters"] == results["parameters"] else "does not match"
        exact = readable.whole(published["exact_parameters"])
        text += (f" Exact count of the released weights: **{exact}** ({published['exact_source']}), "
                 f"which the count above {agrees}.")
    if published["note"]:
        text += f" {published['note']}"
    return text


def memory_text(results: dict[str, Any]) -> str:
    """The weights' memory at each precision, and which machine holds them (a Markdown table)."""
    devices = results["devices"]
    header = "| precision | bytes per number | weights | " + " | ".join(
        f"{DEVICE_NAMES[key]} ({device['memory_gb']} GB)" for key, device in devices.items()) + " |"
    lines = [header, "|---|---|---|" + "---|" * len(devices)]
    for p in scale.BYTES_PER_PARAMETER:
        fits = results["fits"][p]
        cells = " | ".join("✓ fits" if fits[key] else "✗ too big" for key in devices)
        lines.append(f"| {p} | {scale.BYTES_PER_PARAMETER[p]:g} | "
                     f"{readable.size_in_bytes(results['memory_bytes'][p])} | {cells} |")
    names = "; ".join(device["name"] for device in devices.values())
    return "\n".join(lines) + (f"\n\nThe weights alone, in GB of 10⁹ bytes as on a spec sheet ({names}). "
                               "Running the model needs room on top, so a fit near the limit is tight.")


def compute_text(results: dict[str, Any]) -> str:
    """Training against inference in FLOPs, GPU time and money (Markdown)."""
    tokens = results["training_tokens"]
    published = results["published"]
    if published is None:
        stated = ""
    elif published["training_tokens_stated"]:
        stated = f" Its makers state {published['training_tokens_stated']}."
    else:
        stated = " Its makers did not publish a token count."
    price = readable.money(results["price_per_gpu_hour"])
    speed = (f"at {readable.percent(results['utilization'])} of "
             f"{readable.significant(results['throughput_tflops'])} TFLOP/s")
    ratio = results["training_to_inference_ratio"]
    return (
        f"**Training** on D = {readable.count(tokens)} tokens "
        f"({readable.significant(results['tokens_per_parameter'])} tokens per parameter).{stated}  \n"
        f"6·N·D = **{readable.power_of_ten(results['training_flops'])} FLOPs**, that is "
        f"**{readable.gpu_time(results['training_gpu_hours'])}** {speed}, costing "
        f"**{readable.money(results['training_cost'])}** at {price} per GPU-hour.\n\n"
        f"**Inference**: one token takes 2·N = "
        f"**{readable.power_of_ten(results['inference_flops_per_token'])} FLOPs**; a million tokens "
        f"**{readable.power_of_ten(results['inference_flops_per_million_tokens'])} FLOPs**, that is "
        f"**{readable.gpu_time(results['inference_gpu_hours_per_million_tokens'])}**, costing "
        f"**{readable.money(results['inference_cost_per_million_tokens'])}**.\n\n"
        f"**Training once costs as much as {readable.power_of_ten(ratio)} tokens of inference** "
        f"(3·D; {readable.short_count(ratio)}), whatever the size of the model.")


def comparison_text(results: dict[str, Any]) -> str:
    """The model beside lesson 1's line, priced by the same rules (a Markdown table)."""
    line = results["line"]
    rows = [
        ("parameters (knobs)", readable.count(results["parameters"]), readable.count(line["parameters"])),
        ("weights in fp32", readable.size_in_bytes(results["memory_bytes"]["fp32"]),
         readable.size_in_bytes(line["memory_bytes"]["fp32"])),
        ("training reads", f"{readable.short_count(results['training_tokens'])} tokens",
         f"{readable.whole(line['training_examples'])} examples (5 points × 1,000 steps)"),
        ("training, FLOPs", readable.power_of_ten(results["training_flops"]),
         readable.power_of_ten(line["training_flops"])),
        ("one answer, FLOPs", readable.power_of_ten(results["inference_flops_per_token"]),
         readable.power_of_ten(line["inference_flops"])),
        ("training, GPU time", readable.gpu_time(results["training_gpu_hours"]),
         readable.gpu_time(line["training_gpu_hours"])),
        ("training, cost", readable.money(results["training_cost"]),
         readable.money(line["training_cost"])),
        ("training ÷ one answer", readable.power_of_ten(results["training_to_inference_ratio"]),
         readable.power_of_ten(line["training_to_inference_ratio"])),
    ]
    table = "\n".join(f"| {name} | {model} | {mine} |" for name, model, mine in rows)
    return (f"| | {results['model']} | your line from lesson 1 |\n|---|---|---|\n{table}\n\n"
            "The same rules price both. The line fits in "
            f"{readable.size_in_bytes(line['memory_bytes']['fp32'])} and trains in a blink, and yet "
            f"training it costs {readable.whole(line['training_to_inference_ratio'])} times one answer.")

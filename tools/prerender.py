"""Still pictures of the lessons, drawn at build time so a page shows something at once."""

from __future__ import annotations

from faders.lessons.bias_variance import preview as bias_variance_preview
from faders.lessons.function import preview as function_preview
from faders.lessons.gpus import preview as gpus_preview
from faders.lessons.kinds import preview as kinds_preview
from faders.lessons.knn import preview as knn_preview
from faders.lessons.language_model import preview as language_model_preview
from faders.lessons.logits import preview as logits_preview
from faders.lessons.network import preview as network_preview
from faders.lessons.scale import preview as scale_preview
from faders.lessons.ship import preview as ship_preview

PREVIEWS = {"function": function_preview.picture, "logits": logits_preview.picture,
            "kinds": kinds_preview.picture,
            "scale": scale_preview.picture, "gpus": gpus_preview.picture,
            "network": network_preview.picture, "knn": knn_preview.picture,
            "bias-variance": bias_variance_preview.picture,
            "language-model": language_model_preview.picture, "ship": ship_preview.picture}

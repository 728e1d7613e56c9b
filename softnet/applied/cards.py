"""The model card of a final model: what it was trained on and how, for whoever applies it."""

from __future__ import annotations

import pandas as pd

from softnet.applied.models import ModelTiming


def model_card(
    dataset: str,
    kind: str,
    expression_type: str,
    timing: ModelTiming,
    subjects: list[str],
    training: dict[str, object],
    history: pd.DataFrame,
    loso: dict[str, object],
    version: str,
) -> dict[str, object]:
    """What a final model is and how it scored leave one subject out, for whoever applies it
    later (written as final.json); `loso` is the dataset's evaluation per scope."""
    return {
        "model": "final",
        "dataset": dataset,
        "kind": kind,
        "type": expression_type,
        "k": timing.k,
        "fps": timing.fps,
        "subjects": subjects,
        "training": training,
        "samples": int(history["samples"].iloc[-1]) if len(history) else 0,
        "final_loss": float(history["loss"].iloc[-1]) if len(history) else None,
        "device": str(history["device"].iloc[-1]) if "device" in history and len(history) else None,
        "softnet_version": version,
        "loso": loso,
    }

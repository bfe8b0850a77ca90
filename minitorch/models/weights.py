"""The ``weights=`` argument of the model constructors: only ``None`` (random initialisation)."""
from __future__ import annotations

from typing import Any


def check_no_weights(name: str, weights: Any, kwargs: dict) -> None:
    """Refuse pretrained weights clearly (they need a download); accept ``pretrained=False``."""
    if kwargs.pop("pretrained", False) or weights is not None:
        raise NotImplementedError(
            f"{name}: pretrained weights are not available in minitorch (they would need a download); "
            f"build the model with weights=None and load_state_dict() a converted state_dict instead")
    kwargs.pop("progress", None)

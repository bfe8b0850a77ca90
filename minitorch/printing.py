"""``repr(tensor)`` in PyTorch's format, and ``set_printoptions`` to tune it.

``tensor([1.5000, 2.0000], requires_grad=True)``: every element of a tensor is printed the same
way and right-aligned to the widest. Floats get 4 decimals (``precision``); floats that are all
integers print as ``1.``; scientific notation (``1.0000e-05``) is chosen when the nonzero
magnitudes span more than 3 decades, exceed 1e8 or fall below 1e-4 (``sci_mode`` forces it on or
off). Tensors of more than ``threshold`` elements show only ``edgeitems`` at each end of each
dimension, with ``...`` between, and rows wrap at ``linewidth`` characters.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from minitorch import dtypes

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}
_options: dict = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(precision: Optional[int] = None, threshold: Optional[float] = None,
                     edgeitems: Optional[int] = None, linewidth: Optional[int] = None,
                     profile: Optional[str] = None, sci_mode: Optional[bool] = None) -> None:
    """Change how tensors print (as ``torch.set_printoptions``); a ``profile`` ('default', 'short',
    'full') sets the first four at once. ``sci_mode`` None lets each tensor choose."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"profile must be one of {sorted(_PROFILES)}, got {profile!r}")
        _options.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            _options[name] = value
    _options["sci_mode"] = sci_mode


def get_printoptions() -> dict:
    return dict(_options)


class _Formatter:
    """How every element of one tensor is written: its mode (integer / fixed / scientific) and width."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        precision = _options["precision"]
        flat = values.reshape(-1)
        if not self.floating:
            self.width = max([len(str(v)) for v in flat.tolist()] or [1])
        else:
            finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
            if finite.size:
                magnitudes = np.abs(finite)
                spread = magnitudes.max() / magnitudes.min() > 1000.0 or magnitudes.max() > 1.0e8
                self.int_mode = bool((finite == np.ceil(finite)).all())
                self.sci_mode = spread if self.int_mode else spread or magnitudes.min() < 1.0e-4
                if _options["sci_mode"] is not None:
                    self.sci_mode = _options["sci_mode"]
                if self.sci_mode:
                    texts = [f"{v:.{precision}e}" for v in finite.tolist()]
                elif self.int_mode:
                    texts = [f"{v:.0f}." for v in finite.tolist()]
                else:
                    texts = [f"{v:.{precision}f}" for v in finite.tolist()]
                self.width = max(len(t) for t in texts)

    def format(self, value: Any) -> str:
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.width}.{_options['precision']}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        else:
            text = f"{value:.{_options['precision']}f}"
        return " " * (self.width - len(text)) + text


def _summarized(values: np.ndarray, edge: int) -> np.ndarray:
    """Only the elements that will be shown (``edge`` at each end of every dimension)."""
    for axis in range(values.ndim):
        if values.shape[axis] > 2 * edge:
            keep = list(range(edge)) + list(range(values.shape[axis] - edge, values.shape[axis]))
            values = np.take(values, keep, axis=axis)
    return values


def _body(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    edge = _options["edgeitems"]
    if values.ndim == 0:
        return formatter.format(values.item())
    cut = summarize and values.shape[0] > 2 * edge
    if values.ndim == 1:
        per_line = max(1, int(math.floor((_options["linewidth"] - indent) / (formatter.width + 2))))
        if summarize and not edge:
            items = ["..."]
        elif cut:
            items = [formatter.format(v) for v in values[:edge].tolist()] + [" ..."]
            items += [formatter.format(v) for v in values[-edge:].tolist()]
        else:
            items = [formatter.format(v) for v in values.tolist()]
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = range(values.shape[0])
    if cut:
        parts = [_body(values[i], indent + 1, summarize, formatter) for i in rows[:edge]] + ["..."]
        parts += [_body(values[i], indent + 1, summarize, formatter) for i in rows[-edge:]]
    else:
        parts = [_body(values[i], indent + 1, summarize, formatter) for i in rows]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _add_suffixes(text: str, suffixes: list, indent: int) -> str:
    """``, dtype=...`` after the values, on a new line when the last line would get too long."""
    last_line = len(text) - text.rfind("\n") + 1
    pieces = [text]
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > _options["linewidth"]:
            pieces.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            last_line += len(suffix) + 2
    return "".join(pieces) + ")"


def tensor_repr(tensor: Any) -> str:
    values = tensor._cpu_array()
    prefix = "tensor("
    suffixes = []
    if tensor.is_cuda:
        suffixes.append(f"device='{tensor.device}'")
    dtype = dtypes.of(values.dtype)
    if values.size == 0:  # no values to infer the dtype from: show it unless it is the default float
        body = "[]"
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if dtype != dtypes.default_float:
            suffixes.append(f"dtype={dtype}")
    else:
        if dtype not in (dtypes.default_float, dtypes.int64, dtypes.bool_):
            suffixes.append(f"dtype={dtype}")
        if values.dtype == np.float16:
            values = values.astype(np.float32)
        summarize = values.size > _options["threshold"]
        formatter = _Formatter(_summarized(values, _options["edgeitems"]) if summarize else values)
        body = _body(values, len(prefix), summarize, formatter)
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, len(prefix))

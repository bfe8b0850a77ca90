"""A model summary in the spirit of torchinfo: layers, output shapes, parameters, multiply-adds.

``summary(model, input_size=(1, 3, 32, 32))`` runs one forward pass (in eval mode, without
recording a graph, on an input drawn from its own generator so the global seed is untouched),
notes what each layer returned, and prints a table::

    ==========================================================================================
    Layer (type (var_name):depth-idx)        Output Shape              Param #        Mult-Adds
    ==========================================================================================
    LeNet                                    [1, 10]                   --             --
    ├─Conv2d (conv1): 1-1                    [1, 6, 28, 28]            456            357,504
    ...

Multiply-adds count what dominates the cost: each weight of a convolution is used once per
output pixel, of a Linear layer once per output row; a normalisation scales and shifts each
output element once.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Sequence

import numpy as np

from minitorch.autograd.grad_mode import no_grad
from minitorch.backend import device as Device, to_device
from minitorch.tensor import Tensor

WIDTHS = {"layer": 40, "output_size": 25, "num_params": 15, "mult_adds": 15, "trainable": 10}
HEADERS = {"output_size": "Output Shape", "num_params": "Param #", "mult_adds": "Mult-Adds", "trainable": "Trainable"}


class ModelStatistics:
    """What :func:`summary` measured; ``str()`` is the table."""

    def __init__(self, model: Any, rows: list, inputs: list, col_names: Sequence[str], depth: int) -> None:
        self.rows, self.col_names, self.depth = rows, tuple(col_names), depth
        unique = {id(p): p for p in model.parameters()}.values()
        self.total_params = sum(p.numel() for p in unique)
        self.trainable_params = sum(p.numel() for p in unique if p.requires_grad)
        self.total_mult_adds = sum(row["mult_adds"] for row in rows)
        self.input_bytes = sum(t._data.nbytes for t in inputs)
        self.forward_backward_bytes = 2 * sum(row["output_bytes"] for row in rows if row["is_leaf"])
        self.params_bytes = sum(p._data.nbytes for p in unique)

    def __str__(self) -> str:
        width = WIDTHS["layer"] + sum(WIDTHS[c] for c in self.col_names)
        header = f"{'Layer (type (var_name):depth-idx)':<{WIDTHS['layer']}}" + "".join(
            f"{HEADERS[c]:<{WIDTHS[c]}}" for c in self.col_names)
        lines = ["=" * width, header.rstrip(), "=" * width]
        for row in self.rows:
            if row["depth"] <= self.depth:
                lines.append(self._format(row).rstrip())
        megabytes = (self.input_bytes + self.forward_backward_bytes + self.params_bytes) / 1e6
        lines += ["=" * width,
                  f"Total params: {self.total_params:,}",
                  f"Trainable params: {self.trainable_params:,}",
                  f"Non-trainable params: {self.total_params - self.trainable_params:,}",
                  f"Total mult-adds ({_unit(self.total_mult_adds)}): {_scaled(self.total_mult_adds):.2f}",
                  "=" * width,
                  f"Input size (MB): {self.input_bytes / 1e6:.2f}",
                  f"Forward/backward pass size (MB): {self.forward_backward_bytes / 1e6:.2f}",
                  f"Params size (MB): {self.params_bytes / 1e6:.2f}",
                  f"Estimated Total Size (MB): {megabytes:.2f}",
                  "=" * width]
        return "\n".join(lines)

    __repr__ = __str__

    def _format(self, row: dict) -> str:
        depth = row["depth"]
        prefix = "" if depth == 0 else "├─" if depth == 1 else "│    " * (depth - 1) + "└─"
        name = f"{prefix}{row['type']}" + (f" ({row['var_name']})" if row["var_name"] else "")
        name += f": {depth}-{row['index']}" if depth else ""
        shown_children = not row["is_leaf"] and depth < self.depth
        params = row["own_params"] if shown_children else row["all_params"]
        mult_adds = row["mult_adds"] + (0 if shown_children else sum(r["mult_adds"] for r in row.get("inner_rows", ())))
        cells = {
            "output_size": str(row["output_size"]),
            "num_params": "--" if not params or (shown_children and not row["own_params"]) else f"{params:,}",
            "mult_adds": f"{mult_adds:,}" if mult_adds else "--",
            "trainable": row["trainable"],
        }
        return f"{name:<{WIDTHS['layer']}}" + "".join(f"{cells[c]:<{WIDTHS[c]}}" for c in self.col_names)


def summary(model: Any, input_size: Optional[Sequence] = None, input_data: Any = None,
            col_names: Sequence[str] = ("output_size", "num_params", "mult_adds"), depth: int = 3,
            device: Optional[Any] = None, dtypes: Optional[Sequence[Any]] = None, verbose: int = 1) -> ModelStatistics:
    """Run ``model`` once on ``input_data`` (or a random input of ``input_size``) and tabulate its layers."""
    for name in col_names:
        if name not in HEADERS:
            raise ValueError(f"summary: unknown column {name!r}; choose from {sorted(HEADERS)}")
    inputs = _inputs(model, input_size, input_data, device, dtypes)
    places = _places(model)
    rows: list = []
    handles = []
    for module_name, module in model.named_modules():
        handles.append(module.register_forward_pre_hook(_opener(rows, module_name, places)))
        handles.append(module.register_forward_hook(_closer(rows)))
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            model(*inputs)
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    statistics = ModelStatistics(model, rows, inputs, col_names, depth)
    if verbose:
        print(statistics)
    return statistics


def _inputs(model: Any, input_size: Any, input_data: Any, device: Any, dtypes: Any) -> list:
    if (input_size is None) == (input_data is None):
        raise ValueError("summary: give exactly one of input_size and input_data")
    if input_data is not None:
        return [input_data] if isinstance(input_data, Tensor) else list(input_data)
    sizes = [input_size] if all(isinstance(s, int) for s in input_size) else list(input_size)
    if device is None:
        first = next(iter(model.parameters()), None)
        device = first.device if first is not None else "cpu"
    generator = np.random.default_rng(0)  # its own: the global seed is left as it was
    inputs = []
    for number, size in enumerate(sizes):
        dtype = np.dtype(str(dtypes[number]).split(".")[-1]) if dtypes else np.float32
        values = generator.random(tuple(size)).astype(dtype)
        inputs.append(Tensor._wrap(to_device(values, Device(device))))
    return inputs


def _places(model: Any) -> dict:
    """module id -> (its attribute name, depth, index among its parent's children)."""
    places = {id(model): ("", 0, 1)}
    for parent_name, parent in model.named_modules():
        depth = places[id(parent)][1] + 1 if id(parent) in places else parent_name.count(".") + 2
        for index, (name, child) in enumerate(parent.named_children(), 1):
            places.setdefault(id(child), (name, depth, index))
    return places


def _opener(rows: list, module_name: str, places: dict) -> Any:
    def hook(module: Any, args: Any) -> None:
        var_name, depth, index = places.get(id(module), (module_name, 0, 1))
        children = list(module.named_children())
        own = sum(p.numel() for p in module.parameters(recurse=False))
        every = sum(p.numel() for p in module.parameters())
        trainable = [p.requires_grad for p in module.parameters()]
        rows.append({"type": type(module).__name__, "var_name": var_name, "depth": depth, "index": index,
                     "module": module, "is_leaf": not children, "own_params": own, "all_params": every,
                     "trainable": "--" if not trainable else "True" if all(trainable) else
                     "False" if not any(trainable) else "Partial",
                     "output_size": "--", "output_bytes": 0, "mult_adds": 0, "open": True})
    return hook


def _closer(rows: list) -> Any:
    def hook(module: Any, args: Any, output: Any) -> None:
        row = next(r for r in reversed(rows) if r["module"] is module and r["open"])
        row["open"] = False
        row["inner_rows"] = rows[rows.index(row) + 1:]  # the calls made inside this one
        tensor = _first_tensor(output)
        if tensor is not None:
            row["output_size"] = list(tensor.shape)
            row["output_bytes"] = tensor._data.nbytes
            row["mult_adds"] = _mult_adds(module, row["type"], list(tensor.shape))
    return hook


def _first_tensor(value: Any) -> Optional[Tensor]:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (tuple, list)):
        for item in value:
            found = _first_tensor(item)
            if found is not None:
                return found
    return None


def _mult_adds(module: Any, kind: str, shape: list) -> int:
    """Convolution: each weight once per output pixel. Normalisation: one scale-and-shift per output
    element. Any other layer with weights (Linear): each weight once per output row."""
    own = [p for name, p in module.named_parameters(recurse=False) if name in ("weight", "bias")]
    if not own or not shape:
        return 0
    if "Norm" in kind:
        return math.prod(shape)
    uses = shape[0] * math.prod(shape[2:]) if "Conv" in kind else math.prod(shape[:-1])
    return sum(p.numel() for p in own) * uses


def _unit(count: int) -> str:
    return "G" if count >= 1e9 else "M" if count >= 1e6 else "K" if count >= 1e3 else "Units"


def _scaled(count: int) -> float:
    return count / {"G": 1e9, "M": 1e6, "K": 1e3, "Units": 1}[_unit(count)]

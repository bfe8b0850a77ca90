"""Whole-function derivatives: ``jacobian``, ``hessian`` and the products ``vjp``, ``jvp``, ``hvp``, ``vhp``.

Each takes a function ``func`` of Tensors and the point ``inputs`` to differentiate it at, as
``torch.autograd.functional`` does. They are built from one primitive, reverse mode
(:func:`minitorch.autograd.grad`), which answers one question per backward pass:

* ``vjp``: ``vᵀ·J``, the vector-Jacobian product, is exactly what one backward pass computes when
  the outputs are seeded with ``v``.
* ``jacobian``: one ``vjp`` per output element, seeded with that element's unit vector: row by row.
* ``jvp``: ``J·v`` (forward mode) with the *double-backward trick*: ``g(u) = uᵀ·J`` is linear in
  ``u``, so one more backward pass, of ``g`` with respect to ``u`` seeded with ``v``, gives ``J·v``.
  It needs ``create_graph=True`` on the first pass, so that the first pass can be differentiated.
* ``hessian``: the Jacobian of the gradient; ``vhp`` is ``vᵀ·H`` (the backward of the gradient),
  and ``hvp`` is ``H·v`` (the double-backward trick once more; equal to ``vhp`` when the second
  derivatives are continuous, as the Hessian is then symmetric).

Common arguments:

* ``inputs``: a Tensor or a tuple of Tensors; results come back shaped the same way (a tuple when
  ``inputs`` was one). Jacobian blocks have the output's shape followed by the input's shape.
* ``create_graph``: record the computation, so the results can be differentiated again (without
  it the results are detached from the graph).
* ``strict``: raise when some output does not depend on some input, instead of returning the
  mathematically correct zeros.
* ``vectorize`` and the ``strategy`` arguments are accepted for PyTorch's signatures and change
  nothing: minitorch always computes the Jacobian row by row in reverse mode.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

from minitorch.autograd.api import grad
from minitorch.autograd.grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from minitorch.backend import array_module
from minitorch.tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

Tensors = Union[Tensor, Sequence[Tensor]]
STRATEGIES = ("forward-mode", "reverse-mode")


# ----- tuples in, tuples out -----
def _as_tuple(value: Any, arg_name: str, fn_name: str) -> tuple:
    """(was it a tuple?, the Tensors as a tuple); anything but Tensors is a TypeError."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, element in enumerate(values):
        if not isinstance(element, Tensor):
            where = f"the value at index {i} has type" if is_tuple else f"the given {arg_name} has type"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"{where} {type(element)}.")
    return is_tuple, values


def _unpack(result: tuple, was_tuple: Any) -> Any:
    """Undo ``_as_tuple``: a lone Tensor back out of its tuple. ``was_tuple`` may be a pair
    (outputs, inputs) for the nested results of ``jacobian`` and ``hessian``."""
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        if not inner:
            result = tuple(row[0] for row in result)
        return result if outer else result[0]
    return result if was_tuple else result[0]


def _prepare(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """Fresh Tensors to differentiate with respect to: a view (so the graph reaches back to the
    caller's tensors) when ``create_graph`` and they require grad, else a detached alias (same
    memory, no history) that requires grad when ``need_graph``. Fresh objects keep them apart
    from the same tensors captured inside ``func``."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad else x.detach().requires_grad_(need_graph)
                 for x in inputs)


def _finish(values: tuple, create_graph: bool) -> tuple:
    """Results with history only when the caller asked for it (``create_graph``)."""
    if values and isinstance(values[0], Tensor):
        return values if create_graph else tuple(value.detach() for value in values)
    return tuple(_finish(row, create_graph) for row in values)


def _check_v(v: tuple, like: tuple, like_is_tuple: bool) -> None:
    """``v`` must match ``like`` (the outputs for a vjp, the inputs otherwise) tensor for tensor."""
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (given, expected) in enumerate(zip(v, like)):
        if given.size() != expected.size():
            where = f"Entry {i} in " if like_is_tuple else ""
            raise RuntimeError(f"{where}v has invalid size: should be {expected.size()} but got {given.size()}.")


def _check_scalar_input(inputs: tuple, v: Optional[tuple]) -> None:
    if v is None and (len(inputs) != 1 or inputs[0].numel() != 1):
        raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                           "Tensor with a single element.")


def _check_scalar_output(outputs: tuple, is_tuple: bool, fn_name: str) -> None:
    if is_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")


# ----- strict mode: say which output does not depend on which input -----
def _check_requires_grad(values: tuple, kind: str, strict: bool) -> None:
    """With ``strict``: every value must exist and require grad (so depend on the inputs)."""
    if not strict:
        return
    for i, value in enumerate(values):
        if value is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode.")
        if value.requires_grad:
            continue
        if kind == "hessian":
            raise RuntimeError(
                f"The hessian of the user-provided function with respect to input {i} is independent of the input. "
                "This is not allowed in strict mode. You should ensure that your function is thrice differentiable "
                "and that the hessian depends on the inputs.")
        if kind == "jacobian":
            raise RuntimeError(
                "While computing the hessian, found that the jacobian of the user-provided function with respect to "
                f"input {i} is independent of the input. This is not allowed in strict mode. You should ensure that "
                "your function is twice differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).")
        if kind == "grad_inputs":
            raise RuntimeError(f"The gradient with respect to input {i} is independent of the inputs of the "
                               "user-provided function. This is not allowed in strict mode.")
        raise RuntimeError(f"Output {i} of the user-provided function does not require gradients. The outputs must "
                           "be computed in a differentiable manner from the input when running in strict mode.")


_INDEPENDENT = {  # stage -> what a missing gradient means there (strict mode)
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in "
            "strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in "
                  "strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                   "in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the "
                         "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                         "backward trick to replace forward mode AD.",
}


def _zeros_for_missing(grads: tuple, like: tuple, strict: bool, create_graph: bool, stage: str) -> tuple:
    """A gradient that never arrived is zero (the function does not depend on that input); in
    strict mode it is an error instead, as is a constant gradient when ``create_graph`` is on."""
    filled = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_INDEPENDENT[stage].format(i=i))
            g = like[i].new_zeros(like[i].shape)
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. "
                               "This is not allowed in strict mode when create_graph=True.")
        filled.append(g)
    return tuple(filled)


def _grad(outputs: tuple, inputs: tuple, seeds: Optional[tuple] = None, create_graph: bool = False,
          retain_graph: Optional[bool] = None) -> tuple:
    """``autograd.grad`` that skips outputs without a graph (None or constant) and gives None for
    each input that no output depends on."""
    seeds = (None,) * len(outputs) if seeds is None else seeds
    used = [(out, seed) for out, seed in zip(outputs, seeds) if out is not None and out.requires_grad]
    if not used:
        return (None,) * len(inputs)
    return grad([out for out, _ in used], inputs, [seed for _, seed in used], retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


def _call(func: Callable[..., Any], inputs: tuple, fn_name: str, strict: bool) -> tuple:
    """``func(*inputs)`` as (was the result a tuple?, the outputs as a tuple)."""
    is_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    return is_tuple, outputs


def _vector(v: Any, like: tuple, like_is_tuple: bool, create_graph: bool, fn_name: str) -> Optional[tuple]:
    if v is None:
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = _prepare(v, create_graph, need_graph=False)
    _check_v(v, like, like_is_tuple)
    return v


# ----- the public functions -----
def vjp(func: Callable[..., Any], inputs: Tensors, v: Optional[Tensors] = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), vᵀ·J)``: one backward pass seeded with ``v`` (shaped like the outputs; may be
    omitted when the output is a single element). The product is shaped like the inputs."""
    with enable_grad():
        inputs_are_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_are_tuple, outputs = _call(func, inputs, "vjp", strict)
        v = _vector(v, outputs, outputs_are_tuple, create_graph, "vjp")
        if v is None and (len(outputs) != 1 or outputs[0].numel() != 1):
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                               "with a single element.")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        product = _zeros_for_missing(_grad(outputs, inputs, v, create_graph), inputs, strict, create_graph, "back")
    return (_unpack(_finish(outputs, create_graph), outputs_are_tuple),
            _unpack(_finish(product, create_graph), inputs_are_tuple))


def jvp(func: Callable[..., Any], inputs: Tensors, v: Optional[Tensors] = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), J·v)`` by the double-backward trick: ``u ↦ uᵀ·J`` is linear in ``u``, and its
    own vector-Jacobian product with ``v`` is ``J·v``. ``u`` only needs to be finite (zeros do): it
    does not appear in the result. The product is shaped like the outputs."""
    with enable_grad():
        inputs_are_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        v = _vector(v, inputs, inputs_are_tuple, create_graph, "jvp")
        _check_scalar_input(inputs, v)
        outputs_are_tuple, outputs = _call(func, inputs, "jvp", strict)
        u = tuple(out.new_zeros(out.shape).requires_grad_() for out in outputs)
        u_times_j = _grad(outputs, inputs, u, create_graph=True)
        _check_requires_grad(u_times_j, "grad_inputs", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        product = _grad(u_times_j, u, v, create_graph)
        product = _zeros_for_missing(product, outputs, strict, create_graph, "back_trick")
    return (_unpack(_finish(outputs, create_graph), outputs_are_tuple),
            _unpack(_finish(product, create_graph), outputs_are_tuple))


def _stack(rows: list) -> Tensor:
    # minitorch.stack is an op (a layer above autograd); array_module(tensor) hands over the same op.
    return array_module(rows[0]).stack(rows, axis=0)


def jacobian(func: Callable[..., Any], inputs: Tensors, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``, one backward pass per output element.

    Block ``[i][j]`` has the shape of output ``i`` followed by the shape of input ``j``: its entry
    ``[a, b]`` is ``∂ output_i[a] / ∂ input_j[b]``. A lone output or input drops its tuple level.
    """
    if strategy not in STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
                             'function has more outputs than inputs, "forward-mode" tends to be more performant. '
                             'Otherwise, prefer to use "reverse-mode".')
    with enable_grad():
        inputs_are_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_are_tuple, outputs = _call(func, inputs, "jacobian", strict)
        blocks = tuple(_jacobian_rows(i, out, inputs, create_graph, strict) for i, out in enumerate(outputs))
    return _unpack(_finish(blocks, create_graph), (outputs_are_tuple, inputs_are_tuple))


def _jacobian_rows(i: int, out: Tensor, inputs: tuple, create_graph: bool, strict: bool) -> tuple:
    """The blocks of output ``i``: row ``k`` is the backward pass seeded with the unit vector e_k."""
    rows: list = [[] for _ in inputs]
    for k in range(out.numel()):
        unit = out.new_zeros(out.numel())
        unit[k] = 1
        for j, (row, g) in enumerate(zip(rows, _grad((out,), inputs, (unit.view(out.shape),), create_graph,
                                                     retain_graph=True))):
            if g is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is independent of input {j}. "
                                       "This is not allowed in strict mode.")
                g = inputs[j].new_zeros(inputs[j].shape)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(f"The jacobian of the user-provided function is independent of input {i}. "
                                   "This is not allowed in strict mode when create_graph=True.")
            row.append(g)
    return tuple(_stack(row).view(tuple(out.shape) + tuple(x.shape)) if row
                 else x.new_zeros(tuple(out.shape) + tuple(x.shape)) for row, x in zip(rows, inputs))


def hessian(func: Callable[..., Any], inputs: Tensors, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar ``func``: the Jacobian of its gradient (the gradient recorded with
    ``create_graph=True``, then differentiated row by row). With several inputs, block ``[i][j]``
    holds ``∂² f / ∂ input_i ∂ input_j`` shaped as input ``i`` followed by input ``j``."""
    inputs_are_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def scalar_func(*xs: Tensor) -> Tensor:
        out = func(*xs)
        is_tuple, outputs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outputs, "outputs", strict)
        if is_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def gradient(*xs: Tensor) -> tuple:
        g = jacobian(scalar_func, xs, create_graph=True)
        _check_requires_grad(g, "jacobian", strict)
        return g

    blocks = jacobian(gradient, inputs, create_graph=create_graph, strict=strict)
    return _unpack(blocks, (inputs_are_tuple, inputs_are_tuple))


def _gradient_of_scalar(func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool, strict: bool,
                        fn_name: str) -> tuple:
    """What ``vhp`` and ``hvp`` share: fresh inputs, ``v`` checked, ``f(inputs)`` and its gradient
    recorded with ``create_graph=True`` (so it can be differentiated once more)."""
    inputs_are_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _prepare(inputs, create_graph, need_graph=True)
    v = _vector(v, inputs, inputs_are_tuple, create_graph, fn_name)
    _check_scalar_input(inputs, v)
    outputs_are_tuple, outputs = _call(func, inputs, fn_name, strict)
    _check_scalar_output(outputs, outputs_are_tuple, fn_name)
    gradient = _grad(outputs, inputs, create_graph=True)
    _check_requires_grad(gradient, "jacobian", strict)
    return inputs_are_tuple, inputs, v, outputs, gradient


def vhp(func: Callable[..., Any], inputs: Tensors, v: Optional[Tensors] = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), vᵀ·H)`` for a scalar ``func``: the backward pass of the gradient, seeded with ``v``."""
    with enable_grad():
        inputs_are_tuple, inputs, v, outputs, gradient = _gradient_of_scalar(func, inputs, v, create_graph, strict,
                                                                             "vhp")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        product = _grad(gradient, inputs, v, create_graph)
        product = _zeros_for_missing(product, inputs, strict, create_graph, "double_back")
    return _finish(outputs, create_graph)[0], _unpack(_finish(product, create_graph), inputs_are_tuple)


def hvp(func: Callable[..., Any], inputs: Tensors, v: Optional[Tensors] = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), H·v)`` for a scalar ``func``, by the double-backward trick applied to the
    gradient: ``u ↦ uᵀ·H`` is linear in ``u``, and its vector-Jacobian product with ``v`` is ``H·v``.
    When ``func`` has continuous second derivatives H is symmetric, and :func:`vhp` gives the same
    with one backward pass fewer."""
    with enable_grad():
        inputs_are_tuple, inputs, v, outputs, gradient = _gradient_of_scalar(func, inputs, v, create_graph, strict,
                                                                             "hvp")
        u = tuple(x.new_zeros(x.shape).requires_grad_() for x in inputs)
        u_times_h = _grad(gradient, inputs, u, create_graph=True)
        _check_requires_grad(gradient, "hessian", strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        product = _grad(u_times_h, u, v, create_graph)
        product = _zeros_for_missing(product, inputs, strict, create_graph, "double_back_trick")
    return _finish(outputs, create_graph)[0], _unpack(_finish(product, create_graph), inputs_are_tuple)

"""``Function``: one differentiable op, its forward and its backward side by side.

Calling ``MyOp.apply(*args)`` runs ``forward`` and, when some input requires a gradient and
grad mode is on, records a node in the graph. That node *is* the ``ctx`` object passed to
``forward`` and ``backward`` (as in PyTorch, where ``y.grad_fn`` is the op's context): it keeps
the tensors ``forward`` saved, which inputs need gradients, and the edges to the nodes that
produced the inputs (``next_functions``). The engine walks those edges in reverse.

There are two flavours, sharing this one mechanism:

* :class:`Function` — PyTorch's API for user-defined ops: ``forward`` and ``backward`` see Tensors.
* :class:`ArrayFunction` — what minitorch's own ops use: ``forward`` and ``backward`` see the raw
  arrays (``numpy.ndarray`` or ``cupy.ndarray``), which keeps the per-op overhead small.

Higher-order gradients (``create_graph=True``) need no second copy of any backward. Each backward
formula is written once against ``xp = array_module(grad)``; ``array_module`` of a *Tensor* is a
namespace of differentiable ops with NumPy's names (``minitorch/ops/namespace.py``). So the same
formula runs two ways:

* first order (the fast path, every training step): on raw arrays, recording nothing;
* with ``create_graph=True``: on Tensors, under grad mode, so the backward's own arithmetic is
  recorded and can itself be differentiated (:meth:`Function._backward_graph`).

For that second way ``ctx.saved_tensors`` hands back Tensors wired into the graph: a saved input
as the tensor it was (its gradient flows to where the input's would), a saved output as an output
of this very node. A value that is neither (an index, a mask) is a constant. Ops whose backward
is not elementwise algebra call other ops that are themselves differentiable (``Op.call``: a
convolution's backward is a transposed convolution, a gather's a scatter), as PyTorch's
``convolution_backward`` has a derivative of its own.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from minitorch.autograd import grad_mode, node_names
from minitorch.autograd.observers import OBSERVERS, observed_apply, take_pass
from minitorch.backend import array_module, device_of
from minitorch.hooks import RemovableHandle
from minitorch.tensor import Tensor


class Function:
    """Base class for differentiable ops; subclasses define static ``forward`` and ``backward``.

    Example (a user-defined ReLU)::

        class MyReLU(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x.clamp(min=0)

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return grad * (x > 0)

        y = MyReLU.apply(x)
    """

    # Defaults shared by every node; a node sets its own values only where they differ.
    needs_input_grad: tuple = ()
    _edges: tuple = ()  # where each input's gradient goes (see _edges()); PyTorch's view: next_functions
    _recording = False
    _saved: tuple = ()
    _saved_versions: tuple = ()
    _saved_origins: tuple = ()  # per saved value: ("in", i, version counter), ("out", j, ...) or None
    _released = False
    _hooks: Optional[dict] = None
    _output_meta: tuple = ()
    _non_differentiable: tuple = ()
    _unpack: Any = None  # set by saved_tensors_hooks (autograd/graph.py): how to unpack _saved

    @staticmethod
    def forward(ctx: "Function", *args: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: "Function", *grads: Any) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, *grads)")

    # ----- what forward may call on ctx -----
    def save_for_backward(self, *values: Any) -> None:
        """Keep what backward needs; nothing is kept when no gradient will be asked for."""
        if self._recording:
            self._saved = values

    @property
    def saved_tensors(self) -> tuple:
        if self._released:
            raise RuntimeError(
                f"{self.name()}: its saved tensors were freed by an earlier backward(); "
                "call backward(retain_graph=True) the first time to backward through the graph twice"
            )
        return self._saved if self._unpack is None else self._unpack(self._saved)

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """Outputs (e.g. indices) that never carry a gradient."""
        self._non_differentiable = tuple(id(_array_of(output)) for output in outputs)

    def name(self) -> str:
        """PyTorch's name for this node (``SumBackward0``), looked up only when asked."""
        return node_names.pytorch_name(self)

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def next_functions(self) -> tuple:
        """The nodes this one sends gradients to, as PyTorch lists them (leaves as AccumulateGrad)."""
        return node_names.pytorch_edges(self, self._edges)

    def register_hook(self, output_nr: int, hook: Any) -> RemovableHandle:
        """Run ``hook(grad)`` on the gradient of output ``output_nr`` before this node's backward."""
        if self._hooks is None:
            self._hooks = {}
        return RemovableHandle(self._hooks.setdefault(output_nr, {}), hook)

    # ----- building the graph -----
    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run ``forward`` on ``args``; record this op in the graph if a gradient may be needed."""
        if OBSERVERS and not take_pass():  # an instrument is watching (autograd/observers.py)
            return observed_apply(cls, args)
        ctx = cls()
        arrays = []
        first = None
        any_requires_grad = False
        for arg in args:
            if isinstance(arg, Tensor):
                if first is None:
                    first = arg
                elif type(arg._data) is not type(first._data):
                    _raise_device_mismatch(cls, first, arg)
                any_requires_grad = any_requires_grad or arg._requires_grad
                arrays.append(arg._data)
            else:
                arrays.append(arg)
        recording = any_requires_grad and grad_mode._grad_enabled
        if recording:
            ctx._recording = True
            ctx.needs_input_grad, ctx._edges = _edges(args)
        result = cls._forward(ctx, args, arrays)
        if isinstance(result, np.generic):  # NumPy gives scalars for 0-d results; a tensor holds arrays
            result = _scalar_to_array(ctx, result)
        if type(result) is tuple:
            outputs = tuple(cls._wrap(ctx, value, i) for i, value in enumerate(result))
            ctx._output_meta = tuple((out._data.shape, out._data.dtype) for out in outputs)
        else:
            outputs = Tensor._from_op(result, ctx if recording else None, 0)
        if recording and ctx._saved:
            cls._track_saved(ctx, args, outputs)
        return outputs

    @classmethod
    def call(cls, *args: Any) -> Any:
        """Run this op from inside another op's backward: recorded (``apply``) when some argument is
        a Tensor (the create_graph path), else straight on the arrays with nothing recorded."""
        for arg in args:
            if isinstance(arg, Tensor):
                return cls.apply(*args)
        return cls.forward(cls(), *args)

    @classmethod
    def _forward(cls, ctx: "Function", args: tuple, arrays: list) -> Any:
        with grad_mode.no_grad():
            result = cls.forward(ctx, *args)
        if isinstance(result, tuple):
            return tuple(r._data if isinstance(r, Tensor) else r for r in result)
        return result._data if isinstance(result, Tensor) else result

    @classmethod
    def _wrap(cls, ctx: "Function", value: Any, index: int) -> Any:
        if ctx._recording and id(value) not in ctx._non_differentiable:
            return Tensor._from_op(value, ctx, index)
        return Tensor._from_op(value, None, 0)

    @staticmethod
    def _track_saved(ctx: "Function", args: tuple, outputs: Any) -> None:
        """Where each saved value came from (``("in", i)``, ``("out", j)`` or None, with the tensor's
        version counter) and each saved input/output's version now, to detect in-place changes later."""
        candidates = [(a, ("in", i)) for i, a in enumerate(args) if isinstance(a, Tensor)]
        candidates += list(zip(outputs, [("out", j) for j in range(len(outputs))])) if type(outputs) is tuple \
            else [(outputs, ("out", 0))]
        versions, origins = [], []
        for saved in ctx._saved:
            origin = None
            for tensor, (kind, index) in candidates:  # a Function's forward saves Tensors, an ArrayFunction's arrays
                if saved is tensor or _array_of(saved) is tensor._data:
                    versions.append((tensor._version_counter, tensor._version_counter.value))
                    origin = (kind, index, tensor._version_counter)
                    break
            origins.append(origin)
        ctx._saved_versions, ctx._saved_origins = tuple(versions), tuple(origins)

    # ----- running backward (called by the engine) -----
    def _run_backward(self, grads: list, create_graph: bool = False) -> tuple:
        if self._released:
            raise RuntimeError(
                f"Trying to backward through the graph a second time ({self.name()} was already "
                "freed). Specify retain_graph=True if you need to backward through it again."
            )
        for counter, version in self._saved_versions:
            if counter.value != version:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: {self.name()} saved it at version {version}, it is now at "
                    f"version {counter.value}. Use an out-of-place op (e.g. x = x + y, not x += y) instead."
                )
        if len(grads) > 1:
            grads = self._fill_missing(grads)
        result = self._backward_graph(grads) if create_graph else self._backward(grads)
        if type(result) is not tuple:
            result = (result,)
        if len(result) != len(self._edges):
            raise RuntimeError(
                f"{type(self).__name__}.backward returned {len(result)} gradients, "
                f"but forward took {len(self._edges)} arguments"
            )
        return result

    def _fill_missing(self, grads: list) -> list:
        """Zeros for outputs of a multi-output op that nothing downstream used."""
        present = next(g for g in grads if g is not None)
        xp = array_module(present)
        return [xp.zeros(shape, dtype) if g is None else g for g, (shape, dtype) in zip(grads, self._output_meta)]

    def _backward(self, grads: list) -> Any:
        with grad_mode.no_grad():
            result = type(self).backward(self, *(Tensor._wrap(g) for g in grads))
        if isinstance(result, tuple):
            return tuple(None if g is None else _array_of(g) for g in result)
        return None if result is None else _array_of(result)

    def _backward_graph(self, grads: list) -> Any:
        """``create_graph=True``: the same backward, run on Tensors under grad mode, so that what it
        computes is recorded and can be differentiated again."""
        saved, unpack = self._saved, self._unpack
        wired = self._saved_in_graph()
        self._saved, self._unpack = wired, None
        try:
            with grad_mode.enable_grad():
                result = type(self).backward(self, *grads)
        finally:
            self._saved, self._unpack = saved, unpack
        result = tuple(_as_tensor(g) for g in result) if isinstance(result, tuple) else (_as_tensor(result),)
        if isinstance(self, ArrayFunction):  # minitorch's own ops; a user's Function returns what it computed
            read = [t for t in (*grads, *wired) if isinstance(t, Tensor) and t._requires_grad]
            result = tuple(_in_graph(g, read) for g in result)
        return result

    def _saved_in_graph(self) -> tuple:
        """The saved values as Tensors wired into the graph: inputs as they were, outputs as outputs
        of this node, anything else (indices, masks) as constants."""
        values = self.saved_tensors
        origins = self._saved_origins if len(self._saved_origins) == len(values) else (None,) * len(values)
        wired = []
        for value, origin in zip(values, origins):
            if origin is not None and origin[0] == "out":
                value = _sharing_versions(Tensor._from_op(_array_of(value), self, origin[1]), origin[2])
            elif origin is not None and not isinstance(value, Tensor) and self._edges[origin[1]] is not None:
                node, index = self._edges[origin[1]]
                value = node if isinstance(node, Tensor) else \
                    _sharing_versions(Tensor._from_op(value, node, index), origin[2])
            wired.append(_as_tensor(value))
        return tuple(wired)

    def _release(self) -> None:
        self._saved = ()
        self._released = True


class ArrayFunction(Function):
    """A Function whose ``forward``/``backward`` take and return raw arrays (minitorch's own ops).

    Contract: Tensor arguments arrive as their arrays, other arguments unchanged; ``backward``
    returns one gradient (or None) per ``forward`` argument and never writes into ``grad``.
    """

    __slots__ = ()

    @classmethod
    def _forward(cls, ctx: Function, args: tuple, arrays: list) -> Any:
        return cls.forward(ctx, *arrays)

    def _backward(self, grads: list) -> Any:
        return type(self).backward(self, *grads)


class StaysInGraph(ArrayFunction):
    """A gradient computed under ``create_graph`` that depends on nothing differentiable (relu's
    ``g · 1[y > 0]`` for a constant ``g``) still belongs to the graph, with derivative 0 with respect
    to what its backward read (relu's output ``y``), as PyTorch's formulas do: differentiating it
    again gives zeros, not an error."""

    @staticmethod
    def forward(ctx, value, *read):
        ctx.read = [(x.shape, x.dtype) for x in read]
        return value

    @staticmethod
    def backward(ctx, grad):
        """d value / d read = 0."""
        xp = array_module(grad)
        return (None,) + tuple(xp.zeros(shape, dtype) for shape, dtype in ctx.read)


def _in_graph(gradient: Any, read: list) -> Any:
    if read and isinstance(gradient, Tensor) and not gradient._requires_grad and gradient._data.dtype.kind == "f":
        return StaysInGraph.apply(gradient, *read)
    return gradient


def _edges(args: tuple) -> tuple:
    """Which inputs need a gradient, and where each one's gradient goes: to the node that
    produced it, into the tensor itself if it is a leaf, or nowhere (``None``)."""
    needs, edges = [], []
    for arg in args:
        if isinstance(arg, Tensor) and arg._requires_grad:
            needs.append(True)
            edges.append((arg.grad_fn, arg._output_nr) if arg.grad_fn is not None else (arg, 0))
        else:
            needs.append(False)
            edges.append(None)
    return tuple(needs), tuple(edges)


def _array_of(value: Any) -> Any:
    return value._data if isinstance(value, Tensor) else value


def _scalar_to_array(ctx: Function, scalar: np.generic) -> np.ndarray:
    """A 0-d array in place of a NumPy scalar result, also where ``forward`` saved the scalar (so a
    saved output is still recognised as the output)."""
    array = np.asarray(scalar)
    if ctx._saved:
        ctx._saved = tuple(array if saved is scalar else saved for saved in ctx._saved)
    return array


def _sharing_versions(tensor: Tensor, counter: Any) -> Tensor:
    """``tensor`` stands for a saved tensor: an in-place change to that one must show on this one."""
    tensor._version_counter = counter
    return tensor


def _as_tensor(value: Any) -> Any:
    """A raw array as a constant Tensor; Tensors, numbers and None as they are."""
    if isinstance(value, Tensor) or not hasattr(value, "dtype") or not hasattr(value, "shape"):
        return value
    return Tensor._wrap(value)


def _raise_device_mismatch(op: type, a: Any, b: Any) -> None:
    raise RuntimeError(
        f"{op.__name__}: expected all tensors to be on the same device, but found at least two "
        f"devices, {device_of(a._data)} and {device_of(b._data)}; move one with .to(device)"
    )


from minitorch.autograd.once_differentiable import once_differentiable  # noqa: E402,F401  PyTorch spells it here too

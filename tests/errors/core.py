"""Error cases of the core: tensors, shapes, dims, indexing, autograd, dtypes, creation."""
import numpy as np


def zeros(lib, *shape):
    return lib.zeros(*shape)


def backward_twice(lib):
    y = (lib.ones(2, requires_grad=True) * lib.ones(2)).sum()
    y.backward()
    y.backward()


def inplace_after_save(lib):
    y = lib.ones(2, requires_grad=True).exp()
    y.add_(1)
    y.sum().backward()


def autograd_grad_unused(lib):
    x, unused = lib.ones(2, requires_grad=True), lib.ones(2, requires_grad=True)
    lib.autograd.grad((x * 2).sum(), [x, unused])


ERRORS = {
    # shapes: products, broadcasting, reshapes
    "matmul inner sizes": (lambda lib: zeros(lib, 2, 3) @ zeros(lib, 4, 5), RuntimeError, r"\(2x3 and 4x5\)", True),
    "matmul vectors": (lambda lib: zeros(lib, 3) @ zeros(lib, 4), RuntimeError, r"\(3 and 4\)", True),
    "matmul batch dims": (lambda lib: zeros(lib, 2, 3, 4) @ zeros(lib, 3, 4, 5), RuntimeError,
                          r"batch dimensions \[2\] and \[3\]", True),
    "matmul 0-d": (lambda lib: lib.tensor(1.0) @ zeros(lib, 3), RuntimeError, "at least 1D", True),
    "matmul not a tensor": (lambda lib: zeros(lib, 3) @ 2, TypeError, "must be Tensor, not int", True),
    "mm of 3-d": (lambda lib: lib.mm(zeros(lib, 2, 3, 4), zeros(lib, 4, 5)), RuntimeError, "2D", True),
    "bmm of 2-d": (lambda lib: lib.bmm(zeros(lib, 3, 4), zeros(lib, 4, 5)), RuntimeError, "3D", True),
    "bmm batch sizes": (lambda lib: lib.bmm(zeros(lib, 2, 3, 4), zeros(lib, 3, 4, 5)), RuntimeError, "2 and 3", True),
    "dot of 2-d": (lambda lib: lib.dot(zeros(lib, 2, 3), zeros(lib, 3)), RuntimeError, "1D tensors expected", True),
    "broadcast add": (lambda lib: zeros(lib, 2, 3) + zeros(lib, 4), RuntimeError,
                      r"size of tensor a \(3\) must match the size of tensor b \(4\).*\[2, 3\] and \[4\]", True),
    "broadcast mul": (lambda lib: zeros(lib, 2, 3) * zeros(lib, 3, 2), RuntimeError, r"\[2, 3\] and \[3, 2\]", True),
    "broadcast comparison": (lambda lib: zeros(lib, 2, 3) < zeros(lib, 2), RuntimeError, r"\[2, 3\] and \[2\]", True),
    "broadcast where": (lambda lib: lib.where(zeros(lib, 2, 3) > 0, zeros(lib, 2, 3), zeros(lib, 2)), RuntimeError,
                        r"\[2, 3\] and \[2\]", True),
    "broadcast where condition": (lambda lib: lib.where(zeros(lib, 4) > 0, zeros(lib, 2, 3), zeros(lib, 3)),
                                  RuntimeError, r"\[4\] and \[2, 3\]", True),
    "broadcast maximum": (lambda lib: lib.maximum(zeros(lib, 2, 3), zeros(lib, 2)), RuntimeError,
                          r"\[2, 3\] and \[2\]", True),
    "in-place broadcast": (lambda lib: zeros(lib, 1).add_(zeros(lib, 3)),
                           RuntimeError, r"output with shape \[1\]", True),
    "reshape size": (lambda lib: zeros(lib, 2, 3).reshape(4, 2), RuntimeError,
                     r"shape '\[4, 2\]' is invalid for input of size 6", True),
    "reshape two -1": (lambda lib: zeros(lib, 2, 3).reshape(-1, -1),
                       RuntimeError, "only one dimension can be inferred", True),
    "reshape -1 impossible": (lambda lib: zeros(lib, 2, 3).reshape(-1, 4),
                              RuntimeError, r"'\[-1, 4\]' is invalid", True),
    "reshape negative": (lambda lib: zeros(lib, 2, 3).reshape(-2, 3), RuntimeError, "invalid shape dimension -2", True),
    "reshape float size": (lambda lib: zeros(lib, 2, 3).reshape(2.0, 3), TypeError, "tuple of ints", True),
    "view of transposed": (lambda lib: zeros(lib, 2, 3).t().view(6),
                           RuntimeError, r"Use \.reshape\(\.\.\.\) instead", True),
    "unflatten sizes": (lambda lib: zeros(lib, 2, 6).unflatten(1, (4, 2)),
                        RuntimeError, "invalid for input of size 12", True),
    "expand size": (lambda lib: zeros(lib, 2, 3).expand(4, 3), RuntimeError,
                    r"expanded size of the tensor \(4\) must match the existing size \(2\)", True),
    "expand too few sizes": (lambda lib: zeros(lib, 2, 3).expand(3), RuntimeError, "number of sizes provided", True),
    "expand -1 leading": (lambda lib: zeros(lib, 3).expand(-1, 3), RuntimeError, "-1 is not allowed", True),
    "t of 3-d": (lambda lib: zeros(lib, 2, 3, 4).t(), RuntimeError, "<= 2 dimensions", True),
    "mT of 1-d": (lambda lib: zeros(lib, 2).mT, RuntimeError, "matrices or batches of matrices", True),
    "permute length": (lambda lib: zeros(lib, 2, 3).permute(0),
                       RuntimeError, r"input.dim\(\) = 2 is not equal to len\(dims\) = 1", True),
    "permute duplicates": (lambda lib: zeros(lib, 2, 3).permute(0, 0), RuntimeError, "duplicate dims", True),
    "flatten order": (lambda lib: zeros(lib, 2, 3, 4).flatten(2, 1),
                      RuntimeError, "start_dim cannot come after end_dim", True),
    # dims out of range: IndexError naming the valid range
    "sum dim": (lambda lib: zeros(lib, 2, 3).sum(2), IndexError, r"range of \[-2, 1\], but got 2", True),
    "sum negative dim": (lambda lib: zeros(lib, 2, 3).sum(-3), IndexError, "but got -3", True),
    "0-d tensor dim": (lambda lib: lib.tensor(1.0).sum(1), IndexError, r"range of \[-1, 0\], but got 1", True),
    "max dim": (lambda lib: zeros(lib, 2, 3).max(5), IndexError, "but got 5", True),
    "argmax dim": (lambda lib: zeros(lib, 2, 3).argmax(5), IndexError, "but got 5", True),
    "size dim": (lambda lib: zeros(lib, 2, 3).size(2), IndexError, "but got 2", True),
    "transpose dim": (lambda lib: zeros(lib, 2, 3).transpose(0, 2), IndexError, "but got 2", True),
    "unsqueeze dim": (lambda lib: zeros(lib, 2, 3).unsqueeze(4), IndexError, r"\[-3, 2\], but got 4", True),
    "squeeze dim": (lambda lib: zeros(lib, 2, 3).squeeze(3), IndexError, "but got 3", True),
    "cat dim": (lambda lib: lib.cat([zeros(lib, 2, 3)], 2), IndexError, "but got 2", True),
    "stack dim": (lambda lib: lib.stack([zeros(lib, 2, 3)], 4), IndexError, r"\[-3, 2\], but got 4", True),
    "flatten dim": (lambda lib: zeros(lib, 2, 3).flatten(0, 3), IndexError, "but got 3", True),
    "permute dim": (lambda lib: zeros(lib, 2, 3).permute(0, 2), IndexError, "but got 2", True),
    "split dim": (lambda lib: zeros(lib, 2, 3).split(1, 2), IndexError, "but got 2", True),
    "repeated dims": (lambda lib: zeros(lib, 2, 3).sum((0, 0)), RuntimeError, "appears multiple times", True),
    "repeated squeeze dims": (lambda lib: zeros(lib, 1, 2).squeeze((0, 0)), RuntimeError, "more than once", True),
    "dim of a wrong type": (lambda lib: zeros(lib, 2, 3).sum(1.5), TypeError, "dim must be an int", True),
    # joining and splitting
    "cat sizes": (lambda lib: lib.cat([zeros(lib, 2, 3), zeros(lib, 2, 4)]), RuntimeError,
                  r"must match except in dimension 0.*\[2, 3\].*\[2, 4\] for tensor number 1", True),
    "cat dims": (lambda lib: lib.cat([zeros(lib, 2, 3), zeros(lib, 3)]), RuntimeError, r"got \[3\]", True),
    "cat nothing": (lambda lib: lib.cat([]), ValueError, "non-empty list of Tensors", True),
    "cat not tensors": (lambda lib: lib.cat([zeros(lib, 2), [1.0]]), TypeError, "sequence of Tensors", True),
    "stack sizes": (lambda lib: lib.stack([zeros(lib, 2, 3), zeros(lib, 3, 2)]), RuntimeError,
                    r"equal size.*\[2, 3\] at entry 0 and \[3, 2\] at entry 1", True),
    "split sizes": (lambda lib: zeros(lib, 5).split([2, 2]), RuntimeError, r"sum exactly to 5.*\[2, 2\]", True),
    "split size 0": (lambda lib: zeros(lib, 4).split(0), RuntimeError, "split_size", True),
    "chunk 0": (lambda lib: zeros(lib, 4).chunk(0), RuntimeError, "greater than 0, got: 0", True),
    # indexing
    "index out of range": (lambda lib: zeros(lib, 3)[5], IndexError, r"index 5 is out of bounds.*shape \[3\]", True),
    "too many indices": (lambda lib: zeros(lib, 3)[0, 0], IndexError, "too many indices", True),
    "float index tensor": (lambda lib: zeros(lib, 3)[lib.tensor([0.5])], IndexError, "long, int or bool", True),
    "index array out of range": (lambda lib: zeros(lib, 3)[lib.tensor([0, 3])],
                                 IndexError, "index 3 is out of bounds", True),
    "mask shape": (lambda lib: zeros(lib, 3)[lib.tensor([True, False])],
                   IndexError, "boolean index did not match", True),
    "setitem shape": (lambda lib: zeros(lib, 3, 2).__setitem__(0, zeros(lib, 3)), RuntimeError,
                      r"value of shape \[3\] into a tensor of shape \[3, 2\]", True),
    "setitem out of range": (lambda lib: zeros(lib, 3).__setitem__(5, 1.0),
                             IndexError, "index 5 is out of bounds", True),
    # autograd
    "backward twice": (backward_twice,
                       RuntimeError, "backward through the graph a second time.*retain_graph=True", True),
    "in-place after save": (inplace_after_save, RuntimeError,
                            "modified by an inplace operation: ExpBackward0 saved it at version 0, "
                            "it is now at version 1", True),
    "non-scalar backward": (lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(), RuntimeError,
                            r"implicitly created only for scalar outputs.*shape \[2\]", True),
    "backward gradient shape": (lambda lib: (lib.ones(2, requires_grad=True) * 2).backward(lib.ones(3)), RuntimeError,
                                r"shape of \[3\] and output\[0\] has a shape of \[2\]", True),
    "backward without grad": (lambda lib: lib.ones(2).sum().backward(), RuntimeError, "does not require grad", True),
    "requires_grad on int": (lambda lib: lib.tensor([1, 2], requires_grad=True), RuntimeError,
                             "floating point dtype can require gradients, got int64", True),
    "requires_grad_ on int": (lambda lib: lib.tensor([1, 2]).requires_grad_(), RuntimeError, "floating point", True),
    "int zeros requiring grad": (lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True), RuntimeError,
                                 "floating point", True),
    "requires_grad of non-leaf": (lambda lib: (lib.ones(2, requires_grad=True) * 2).requires_grad_(False),
                                  RuntimeError, "leaf variables.*detach", True),
    "in-place on leaf": (lambda lib: lib.ones(2, requires_grad=True).add_(1), RuntimeError,
                         "leaf Variable that requires grad.*no_grad", True),
    "hook without grad": (lambda lib: lib.ones(2).register_hook(lambda g: g),
                          RuntimeError, "doesn't require gradient", True),
    "retain_grad without grad": (lambda lib: lib.ones(2).retain_grad(), RuntimeError, "requires_grad=False", True),
    "grad of unused input": (autograd_grad_unused, RuntimeError, "allow_unused=True", True),
    "grad of input without grad": (lambda lib: lib.autograd.grad((lib.ones(2, requires_grad=True) * 2).sum(),
                                                                 [lib.ones(2)]),
                                   RuntimeError, "does not require grad", True),
    "numpy of tensor requiring grad": (lambda lib: lib.ones(2, requires_grad=True).numpy(), RuntimeError,
                                       r"detach\(\)\.numpy\(\)", True),
    # dtypes
    "unsupported dtype": (lambda lib: lib.zeros(2, dtype="complex64"),
                          TypeError, "complex64 is not supported; choose one of", False),
    "not a dtype": (lambda lib: lib.zeros(2, dtype="junk"), TypeError, "'junk' is not a dtype", False),
    "object dtype": (lambda lib: lib.zeros(2, dtype=object), TypeError, "object is not supported", True),
    "mean of ints": (lambda lib: lib.tensor([1, 2]).mean(), RuntimeError, "floating point.*Got: int64", True),
    "var of ints": (lambda lib: lib.tensor([1, 2]).var(), RuntimeError, "floating point", True),
    "where of a float condition": (lambda lib: lib.where(zeros(lib, 2), zeros(lib, 2), zeros(lib, 2)), RuntimeError,
                                   "boolean", True),
    "int to a negative power": (lambda lib: lib.tensor([2]) ** -1, RuntimeError, "negative integer powers", True),
    "in-place float into int": (lambda lib: lib.zeros(2, dtype=lib.int64).add_(1.5), RuntimeError,
                                "can't be cast to the desired output type torch.int64", True),
    "negating bools": (lambda lib: -lib.tensor([True]), RuntimeError, "logical_not", True),
    "bitwise of floats": (lambda lib: zeros(lib, 2) & zeros(lib, 2), RuntimeError, "bool and integer", True),
    "random ints": (lambda lib: lib.rand(2, dtype=lib.int64), RuntimeError, "floating point dtype", True),
    # values that are not tensors
    "tensor from text": (lambda lib: lib.tensor("abc"), TypeError, "text", True),
    "tensor from None": (lambda lib: lib.tensor(None), RuntimeError, "Could not infer dtype of NoneType", True),
    "ragged lists": (lambda lib: lib.tensor([[1, 2], [3]]), ValueError, "ragged", True),
    "add a string": (lambda lib: zeros(lib, 2) + "a", TypeError, "unsupported operand type str", True),
    "from_numpy of a list": (lambda lib: lib.from_numpy([1, 2]), TypeError, r"expected np.ndarray \(got list\)", True),
    "from_numpy of objects": (lambda lib: lib.from_numpy(np.array([None])), TypeError, "object", True),
    "set data to a list": (lambda lib: setattr(zeros(lib, 2), "data", [1.0]),
                           TypeError, "must be set to a Tensor", False),
    "item of many": (lambda lib: lib.ones(2).item(), RuntimeError, "2 elements cannot be converted", True),
    "bool of many": (lambda lib: bool(lib.ones(2)), RuntimeError, "ambiguous", True),
    "float tensor as index": (lambda lib: [1, 2][lib.tensor(1.0)],
                              TypeError, "integer tensors of a single element", True),
    "len of 0-d": (lambda lib: len(lib.tensor(1.0)), TypeError, "0-d tensor", True),
    "to with unknown keyword": (lambda lib: lib.ones(2).to(foo=1), TypeError, "foo", True),
    # creation
    "negative size": (lambda lib: lib.zeros(-1), RuntimeError, "negative dimension -1", True),
    "float size": (lambda lib: lib.zeros(2.5), TypeError, "tuple of ints", True),
    "full of an int size": (lambda lib: lib.full(3, 1.0), TypeError, "must be a tuple of ints, not int", True),
    "arange step 0": (lambda lib: lib.arange(0, 5, 0), RuntimeError, "step must be nonzero", True),
    "arange direction": (lambda lib: lib.arange(0, 5, -1), RuntimeError, "inconsistent with step sign", True),
    "linspace steps": (lambda lib: lib.linspace(0, 1, -1), RuntimeError, "non-negative", True),
    "randint bounds": (lambda lib: lib.randint(5, 2, (3,)), RuntimeError, "from=5 >= to=2", True),
    "unknown device": (lambda lib: lib.device("tpu"), RuntimeError, "'tpu'", True),
    # reductions over nothing
    "max of empty": (lambda lib: zeros(lib, 0).max(), RuntimeError, "numel\\(\\) == 0", True),
    "max over empty dim": (lambda lib: zeros(lib, 0, 3).max(0), IndexError, "dim 0 to have non-zero size", True),
    "argmax of empty": (lambda lib: zeros(lib, 0).argmax(), IndexError, "numel\\(\\) == 0", True),
    "clamp without bounds": (lambda lib: zeros(lib, 2).clamp(), RuntimeError, "At least one of 'min' or 'max'", True),
    "clamp_ without bounds": (lambda lib: zeros(lib, 2).clamp_(), RuntimeError, "At least one of 'min' or 'max'", True),
    "div rounding mode": (lambda lib: lib.div(zeros(lib, 2), 2, rounding_mode="round"), RuntimeError, "'round'", True),
}

"""Error cases of the neural-network ops: conv2d, max_pool2d/avg_pool2d and the losses."""


def zeros(lib, *shape, dtype=None):
    return lib.zeros(*shape, dtype=dtype) if dtype is not None else lib.zeros(*shape)


def conv(x_shape, weight_shape, bias_shape=None, **options):
    """conv2d of zeros of the given shapes."""
    def raise_it(lib):
        bias = zeros(lib, *bias_shape) if bias_shape else None
        return lib.nn.functional.conv2d(zeros(lib, *x_shape), zeros(lib, *weight_shape), bias, **options)
    return raise_it


def pool(name, shape, **options):
    return lambda lib: getattr(lib.nn.functional, name)(zeros(lib, *shape), **options)


def loss(name, input_shape, target, **options):
    """``name`` (cross_entropy or nll_loss) of zeros against a target: a list or a shape of zeros."""
    def raise_it(lib):
        targets = lib.tensor(target) if isinstance(target, list) else zeros(lib, *target, dtype=lib.int64)
        return getattr(lib.nn.functional, name)(zeros(lib, *input_shape), targets, **options)
    return raise_it


OUTPUT = "Output size is too small"
ERRORS = {
    # conv2d
    "conv input rank": (conv((3, 8), (4, 3, 3, 3)), RuntimeError, r"3D \(unbatched\) or 4D .* input of size: \[3, 8\]",
                        True),
    "conv weight rank": (conv((2, 3, 8, 8), (4, 3, 3)), RuntimeError, r"4-D weight .* \[4, 3, 3\]", True),
    "conv channels": (conv((2, 3, 8, 8), (4, 2, 3, 3)), RuntimeError,
                      r"expected input\[2, 3, 8, 8\] to have 2 channels, but got 3", True),
    "conv groups split channels": (conv((2, 3, 8, 8), (4, 1, 3, 3), groups=2), RuntimeError,
                                   r"to have 2 channels, but got 3", True),
    "conv groups split filters": (conv((2, 4, 8, 8), (3, 2, 3, 3), groups=2), RuntimeError,
                                  r"divisible by 2 at dimension 0", True),
    "conv groups zero": (conv((2, 3, 8, 8), (4, 3, 3, 3), groups=0), RuntimeError, r"non-positive groups", True),
    "conv kernel too large": (conv((2, 3, 4, 4), (4, 3, 5, 5)), RuntimeError,
                              r"padded input size per channel: \(4 x 4\)", True),
    "conv dilated kernel too large": (conv((2, 3, 4, 4), (4, 3, 2, 2), dilation=4), RuntimeError,
                                      r"Kernel size: \(5 x 5\)", True),
    "conv stride zero": (conv((2, 3, 8, 8), (4, 3, 3, 3), stride=0), RuntimeError, r"non-positive stride", True),
    "conv stride negative": (conv((2, 3, 8, 8), (4, 3, 3, 3), stride=(1, -1)), RuntimeError, r"non-positive stride",
                             True),
    "conv stride of three": (conv((2, 3, 8, 8), (4, 3, 3, 3), stride=(1, 1, 1)), RuntimeError, r"list of 2 values",
                             True),
    "conv padding negative": (conv((2, 3, 8, 8), (4, 3, 3, 3), padding=-1), RuntimeError, r"negative padding", True),
    "conv padding string": (conv((2, 3, 8, 8), (4, 3, 3, 3), padding="full"), RuntimeError,
                            r"Invalid padding string: 'full'", True),
    "conv same with stride": (conv((2, 3, 8, 8), (4, 3, 3, 3), padding="same", stride=2), RuntimeError,
                              r"strided convolutions", True),
    "conv dilation zero": (conv((2, 3, 8, 8), (4, 3, 3, 3), dilation=0), RuntimeError, r"non-positive dilation", True),
    "conv bias size": (conv((2, 3, 8, 8), (4, 3, 3, 3), (5,)), RuntimeError,
                       r"bias to be 1-dimensional with 4 elements, but got bias of size \[5\]", True),
    "conv input and weight dtypes": (lambda lib: lib.nn.functional.conv2d(zeros(lib, 2, 3, 8, 8),
                                                                          zeros(lib, 4, 3, 3, 3).double()),
                                     RuntimeError, r"Input type \(torch.float32\) and weight type \(torch.float64\)", True),
    "conv integer input": (lambda lib: lib.nn.functional.conv2d(zeros(lib, 2, 3, 8, 8, dtype=lib.int64),
                                                                zeros(lib, 4, 3, 3, 3)),
                           RuntimeError, r"floating-point input, but got torch.int64", True),
    # pooling (PyTorch's avg_pool2d says IndexError for a 2-D input)
    "max pool rank": (pool("max_pool2d", (8, 8), kernel_size=2), RuntimeError, r"3D or 4D .* but got: \[8, 8\]",
                      (RuntimeError, IndexError)),
    "max pool rank 5": (pool("max_pool2d", (1, 1, 1, 8, 8), kernel_size=2), RuntimeError, r"3D or 4D", True),
    "max pool empty": (pool("max_pool2d", (1, 0, 4, 4), kernel_size=2), RuntimeError, r"3D or 4D .* \[1, 0, 4, 4\]",
                       True),
    "max pool too small": (pool("max_pool2d", (1, 1, 2, 2), kernel_size=3), RuntimeError,
                           r"\(1x2x2\).*\(1x0x0\). " + OUTPUT, True),
    "max pool padding": (pool("max_pool2d", (2, 3, 8, 8), kernel_size=3, padding=2), RuntimeError,
                         r"at most half .* pad=2, kernel_size=3", True),
    "max pool padding negative": (pool("max_pool2d", (2, 3, 8, 8), kernel_size=2, padding=-1), RuntimeError,
                                  r"pad must be non-negative", True),
    "max pool stride zero": (pool("max_pool2d", (2, 3, 8, 8), kernel_size=2, stride=0), RuntimeError,
                             r"stride should be greater than zero", True),
    "max pool stride negative": (pool("max_pool2d", (2, 3, 8, 8), kernel_size=2, stride=-1), RuntimeError,
                                 r"stride should be greater", True),
    "max pool kernel zero": (pool("max_pool2d", (2, 3, 8, 8), kernel_size=0), RuntimeError,
                             r"kernel size should be greater than zero", True),
    "max pool kernel of three": (pool("max_pool2d", (2, 3, 8, 8), kernel_size=(2, 2, 2)), RuntimeError,
                                 r"list of 2 values", True),
    "max pool dilation zero": (pool("max_pool2d", (2, 3, 8, 8), kernel_size=2, dilation=0), RuntimeError,
                               r"dilation should be greater", True),
    "avg pool rank": (pool("avg_pool2d", (8, 8), kernel_size=2), RuntimeError, r"3D or 4D .* but got: \[8, 8\]",
                      (RuntimeError, IndexError)),
    "avg pool too small": (pool("avg_pool2d", (1, 1, 2, 2), kernel_size=3), RuntimeError, OUTPUT, True),
    "avg pool padding": (pool("avg_pool2d", (2, 3, 8, 8), kernel_size=3, padding=2), RuntimeError, r"at most half",
                         True),
    "avg pool padding negative": (pool("avg_pool2d", (2, 3, 8, 8), kernel_size=2, padding=-1), RuntimeError,
                                  r"pad must be non-negative", True),
    "avg pool stride zero": (pool("avg_pool2d", (2, 3, 8, 8), kernel_size=2, stride=0), RuntimeError,
                             r"stride should be greater", True),
    "avg pool kernel zero": (pool("avg_pool2d", (2, 3, 8, 8), kernel_size=0), RuntimeError,
                             r"kernel size should be greater than zero", True),
    "avg pool divisor zero": (pool("avg_pool2d", (2, 3, 8, 8), kernel_size=2, divisor_override=0), RuntimeError,
                              r"divisor must be not zero", True),
    "avg pool integer input": (lambda lib: lib.nn.functional.avg_pool2d(zeros(lib, 1, 1, 4, 4, dtype=lib.int64), 2),
                               RuntimeError, r"floating-point input, but got torch.int64",
                               False),  # PyTorch's CPU kernel takes ints
    # losses
    "mse shapes": (lambda lib: lib.nn.functional.mse_loss(zeros(lib, 4, 10), zeros(lib, 3, 10)), RuntimeError,
                   "must match the size of tensor b", True),
    "mse reduction": (lambda lib: lib.nn.functional.mse_loss(zeros(lib, 2, 3), zeros(lib, 2, 3), reduction="avg"),
                      ValueError, "avg is not a valid value for reduction", True),
    "cross_entropy label smoothing below 0": (loss("cross_entropy", (2, 3), [0, 1], label_smoothing=-0.1),
                                              RuntimeError, "label_smoothing must be between 0.0 and 1.0",
                                              False),  # PyTorch accepts it
    "cross_entropy label smoothing above 1": (loss("cross_entropy", (2, 3), [0, 1], label_smoothing=1.5),
                                              RuntimeError, "label_smoothing must be between 0.0 and 1.0", True),
    "cross_entropy legacy positional options": (
        lambda lib: lib.nn.functional.cross_entropy(zeros(lib, 2, 3), lib.tensor([0, 1]), None, None, 3),
        TypeError, "positional arguments", False),  # PyTorch still takes (weight, size_average, ignore_index) so
}

# cross_entropy and nll_loss share their target checks
for _name in ("cross_entropy", "nll_loss"):
    ERRORS.update({
        f"{_name} target 3 out of range": (loss(_name, (2, 3), [0, 3]), IndexError, "Target 3 is out of bounds", True),
        f"{_name} target -5 out of range": (loss(_name, (2, 3), [0, -5]), IndexError, "Target -5 is out of bounds",
                                            True),
        f"{_name} float32 targets": (lambda lib, n=_name: getattr(lib.nn.functional, n)(
            zeros(lib, 2, 3), lib.tensor([0, 1], dtype=lib.float32)), RuntimeError,
            "expected target dtype to be Long or Byte", True),
        f"{_name} int32 targets": (lambda lib, n=_name: getattr(lib.nn.functional, n)(
            zeros(lib, 2, 3), lib.tensor([0, 1], dtype=lib.int32)), RuntimeError,
            "expected target dtype to be Long or Byte", True),
        f"{_name} batch sizes": (loss(_name, (4, 3), [0, 1, 2]), ValueError,
                                 r"Expected input batch_size \(4\) to match target batch_size \(3\)", True),
        f"{_name} multi-target": (loss(_name, (2, 3), [[0], [1]]), RuntimeError, "multi-target not supported", True),
        f"{_name} spatial sizes": (loss(_name, (2, 3, 4), (2, 5)), RuntimeError,
                                   r"Expected target size \[2, 4\], got \[2, 5\]", True),
        f"{_name} of a 0-d input": (lambda lib, n=_name: getattr(lib.nn.functional, n)(lib.tensor(1.0), lib.tensor(0)),
                                    RuntimeError, "class dimension",
                                    True if _name == "cross_entropy" else ValueError),
        f"{_name} class weights size": (lambda lib, n=_name: getattr(lib.nn.functional, n)(
            zeros(lib, 2, 3), lib.tensor([0, 1]), lib.ones(2)), RuntimeError, "for all 3 classes or no classes", True),
        f"{_name} reduction": (loss(_name, (2, 3), [0, 1], reduction="avg"), ValueError,
                               "avg is not a valid value for reduction", True),
    })

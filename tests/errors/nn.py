"""Error cases of ``nn``: the functional API (linear, softmax, dropout, pad, batch_norm), the layers'
arguments and inputs, ``nn.init`` and the loss modules."""


def zeros(lib, *shape, dtype=None):
    return lib.zeros(*shape, dtype=dtype) if dtype is not None else lib.zeros(*shape)


def linear(x_shape, weight_shape, bias_shape=None, dtype=None):
    def raise_it(lib):
        bias = zeros(lib, *bias_shape) if bias_shape else None
        return lib.nn.functional.linear(zeros(lib, *x_shape, dtype=dtype and getattr(lib, dtype)),
                                        zeros(lib, *weight_shape), bias)
    return raise_it


def pad(amounts, **options):
    return lambda lib: lib.nn.functional.pad(zeros(lib, 4, 10), amounts, **options)


def batch_norm(x_shape, channels=None, **options):
    """batch_norm of zeros, with running statistics of ``channels`` elements (None: no statistics)."""
    def raise_it(lib):
        mean, var = (zeros(lib, channels), lib.ones(channels)) if channels else (None, None)
        return lib.nn.functional.batch_norm(zeros(lib, *x_shape), mean, var, **options)
    return raise_it


def layer(name, *arguments, **options):
    return lambda lib: getattr(lib.nn, name)(*arguments, **options)


def apply_layer(name, channels, x_shape):
    return lambda lib: getattr(lib.nn, name)(channels)(zeros(lib, *x_shape))


def init(name, *arguments, shape=None, **options):
    """``nn.init.<name>`` of a tensor of ``shape`` (none: of the arguments alone)."""
    def raise_it(lib):
        tensor = (lib.empty(*shape),) if shape else ()
        return getattr(lib.nn.init, name)(*tensor, *arguments, **options)
    return raise_it


PER_CHANNEL = "Expected more than 1 value per channel when training"
REDUCTION = "elementwise is not a valid value for reduction"
ERRORS = {
    # functional
    "linear sizes": (linear((4, 10), (5, 3)), RuntimeError,
                     r"mat1 and mat2 shapes cannot be multiplied \(4x10 and 3x5\)", True),
    "linear 1-d weight": (linear((4, 3), (3,)), RuntimeError, "2-D weight", False),  # PyTorch takes it as a vector
    "linear bias shape": (linear((4, 3), (5, 3), (4,)), RuntimeError, "bias of shape", True),
    "linear dtypes": (linear((4, 3), (5, 3), dtype="float64"), RuntimeError, "must have the same dtype", True),
    "softmax of integers": (lambda lib: lib.nn.functional.softmax(lib.tensor([1, 2]), dim=0), RuntimeError,
                            "floating point", True),
    "dropout p below 0": (lambda lib: lib.nn.functional.dropout(lib.ones(2), -0.1), ValueError,
                          "dropout probability has to be between 0 and 1", True),
    "dropout p above 1": (lambda lib: lib.nn.functional.dropout(lib.ones(2), 1.5), ValueError,
                          "dropout probability has to be between 0 and 1", True),
    "pad odd length": (pad((1, 2, 3)), RuntimeError, "Padding length must be divisible by 2", True),
    "pad too long": (pad((1, 2, 3, 4, 5, 6)), RuntimeError, "less than or equal to two times the input dimension",
                     True),
    "pad crops everything": (pad((-6, -6)), RuntimeError, "negative", True),
    "pad unknown mode": (pad((1, 1), mode="mirror"), NotImplementedError, "unknown padding mode 'mirror'", False),
    "batch_norm eval without statistics": (batch_norm((4, 3), training=False), RuntimeError,
                                           "needs running_mean and running_var", False),  # PyTorch crashes later
    "batch_norm statistics size": (batch_norm((2, 4), 3), RuntimeError, "running_mean should contain 4 elements not 3",
                                   True),
    "batch_norm one value per channel": (batch_norm((1, 3), training=True), ValueError, PER_CHANNEL, True),
    "batch_norm 1-d input": (batch_norm((3,), training=True), ValueError, r"\(N, C, ...\)", False),
    # layers
    "Conv2d groups zero": (layer("Conv2d", 4, 4, 3, groups=0), ValueError, "groups must be a positive integer", True),
    "Conv2d in_channels and groups": (layer("Conv2d", 3, 4, 3, groups=2), ValueError,
                                      "in_channels must be divisible by groups", True),
    "Conv2d out_channels and groups": (layer("Conv2d", 4, 3, 3, groups=2), ValueError,
                                       "out_channels must be divisible by groups", True),
    "Conv2d padding string": (layer("Conv2d", 4, 4, 3, padding="full"), ValueError, "Invalid padding string 'full'",
                              True),
    "Conv2d same with stride": (layer("Conv2d", 4, 4, 3, stride=2, padding="same"), ValueError,
                                "padding='same' is not supported for strided convolutions", True),
    "Conv2d padding_mode": (layer("Conv2d", 4, 4, 3, padding_mode="mirror"), ValueError,
                            "padding_mode='mirror'", True),
    "BatchNorm2d of 3-d input": (apply_layer("BatchNorm2d", 3, (2, 3, 5)), ValueError,
                                 r"expected 4D input \(got 3D input\)", True),
    "BatchNorm1d of 4-d input": (apply_layer("BatchNorm1d", 3, (2, 3, 5, 5)), ValueError,
                                 r"expected 2D or 3D input \(got 4D input\)", True),
    "BatchNorm2d channels": (apply_layer("BatchNorm2d", 3, (2, 4, 5, 5)), RuntimeError,
                             "running_mean should contain 4 elements not 3", True),
    "BatchNorm1d one value per channel": (apply_layer("BatchNorm1d", 3, (1, 3)), ValueError, PER_CHANNEL, True),
    "Dropout p": (layer("Dropout", 2), ValueError, "dropout probability has to be between 0 and 1, but got 2", True),
    "CrossEntropyLoss reduction": (layer("CrossEntropyLoss", reduction="elementwise"), ValueError, REDUCTION, False),
    "NLLLoss reduction": (layer("NLLLoss", reduction="elementwise"), ValueError, REDUCTION, False),
    "MSELoss reduction": (layer("MSELoss", reduction="elementwise"), ValueError, REDUCTION, False),
    "CrossEntropyLoss legacy positional options": (layer("CrossEntropyLoss", None, None, 3), TypeError,
                                                   "positional arguments", False),
    # nn.init
    "calculate_gain unknown": (init("calculate_gain", "gelu"), ValueError, "Unsupported nonlinearity gelu", True),
    "calculate_gain slope": (init("calculate_gain", "leaky_relu", "slope"), ValueError,
                             "negative_slope slope not a valid number", True),
    "fans of 1-d": (init("xavier_uniform_", shape=(5,)), ValueError, "fewer than 2 dimensions", True),
    "kaiming mode": (init("kaiming_normal_", shape=(3, 3), mode="fan_avg"), ValueError, "Mode fan_avg not supported",
                     True),
}

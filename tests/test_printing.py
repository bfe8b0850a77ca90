"""repr(tensor) character for character as PyTorch's, under every print option."""
import pytest

import minitorch

torch = pytest.importorskip("torch")

CASES = {
    "floats": lambda lib: lib.tensor([1.0, 2.0]),
    "mixed": lambda lib: lib.tensor([1.5, -22.25, 0.001]),
    "scientific small": lambda lib: lib.tensor([1e-5, 1.0]),
    "scientific large": lambda lib: lib.tensor([123456789.0, 1.0]),
    "integral floats spread": lambda lib: lib.tensor([1e10, 1.0]),
    "tiny and half": lambda lib: lib.tensor([0.00001234, 0.5]),
    "ints": lambda lib: lib.arange(12).reshape(3, 4),
    "negative ints": lambda lib: lib.tensor([-100, 5]),
    "bools": lambda lib: lib.tensor([[True, False], [False, True]]),
    "3-d": lambda lib: lib.arange(24.0).reshape(2, 3, 4) / 7,
    "summarized 2-d": lambda lib: lib.arange(2000.0).reshape(40, 50) / 3,
    "summarized 1-d ints": lambda lib: lib.arange(5000),
    "summarized 3-d": lambda lib: lib.arange(3000.0).reshape(10, 10, 30),
    "wrapped row": lambda lib: lib.arange(40.0) * 1.37,
    "nan and inf": lambda lib: lib.tensor([float("nan"), float("inf"), 1.0, -float("inf")]),
    "nan among integers": lambda lib: lib.tensor([float("nan"), 2.0, 3.0]),
    "zeros": lambda lib: lib.zeros(2, 3),
    "negative zero": lambda lib: lib.tensor([-0.0, 1.0]),
    "0-d": lambda lib: lib.tensor(3.25),
    "empty 2-d": lambda lib: lib.zeros(0, 3),
    "empty int": lambda lib: lib.zeros(0, dtype=lib.int64),
    "float64": lambda lib: lib.tensor([1.5, 2], dtype=lib.float64),
    "float16": lambda lib: lib.tensor([1.5, 2], dtype=lib.float16),
    "int32": lambda lib: lib.tensor([[1, 2]], dtype=lib.int32),
    "uint8": lambda lib: lib.tensor([1, 200], dtype=lib.uint8),
    "grad_fn": lambda lib: lib.ones(2, requires_grad=True) * 2,
    "requires_grad": lambda lib: lib.ones(3, requires_grad=True),
    "suffix on a new line": lambda lib: (lib.arange(30.0) / 7).requires_grad_(),
    "dtype suffix wrapping": lambda lib: lib.arange(16.0, dtype=lib.float64).reshape(1, 16) / 3,
}
OPTIONS = {
    "default": {}, "precision 2": dict(precision=2), "sci off": dict(sci_mode=False), "sci on": dict(sci_mode=True),
    "threshold 5": dict(threshold=5, edgeitems=2), "linewidth 40": dict(linewidth=40),
    "short": dict(profile="short"), "full": dict(profile="full"), "edgeitems 1": dict(edgeitems=1, threshold=10),
}


@pytest.fixture(params=OPTIONS.values(), ids=OPTIONS.keys())
def options(request):
    for lib in (minitorch, torch):
        lib.set_printoptions(profile="default")
        lib.set_printoptions(**request.param)
    yield
    for lib in (minitorch, torch):
        lib.set_printoptions(profile="default")


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_repr_matches_pytorch(options, make):
    assert repr(make(minitorch)) == repr(make(torch))


def test_printoptions_round_trip_and_bad_profile():
    minitorch.set_printoptions(precision=2)
    assert minitorch.get_printoptions()["precision"] == 2
    minitorch.set_printoptions(profile="default")
    assert minitorch.get_printoptions()["precision"] == 4
    with pytest.raises(ValueError, match="profile must be one of"):
        minitorch.set_printoptions(profile="long")


def test_parameter_and_str_print_like_pytorch():
    assert repr(minitorch.nn.Parameter(minitorch.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))
    assert str(minitorch.arange(3)) == str(torch.arange(3))

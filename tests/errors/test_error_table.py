"""Every entry of the error table (``tests/errors``): PyTorch's exception type and a message that
says what went wrong and, where it helps, what to do."""
import pytest

import minitorch
from tests.errors import ERRORS

try:  # the table runs without PyTorch too: then only minitorch's half is checked
    import torch
except ImportError:
    torch = None


@pytest.mark.filterwarnings("ignore:Using a target size")  # PyTorch warns before its mse_loss error
@pytest.mark.parametrize("raise_it, error, pattern, pytorch", ERRORS.values(), ids=ERRORS.keys())
def test_error(raise_it, error, pattern, pytorch):
    with pytest.raises(error, match=pattern):
        raise_it(minitorch)
    if pytorch is not False and torch is not None:
        with pytest.raises(error if pytorch is True else pytorch):
            raise_it(torch)

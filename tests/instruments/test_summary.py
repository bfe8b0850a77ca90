"""utils.summary: layers with nested names, output shapes, parameters, multiply-adds, totals."""
import numpy as np
import pytest

import minitorch
from minitorch import nn
from minitorch.utils import summary


class Small(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)  # 3x8x8 -> 4x6x6
        self.block = nn.Sequential(nn.BatchNorm2d(4), nn.ReLU())
        self.fc = nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        return self.fc(minitorch.flatten(self.block(self.conv(x)), 1))


def test_rows_shapes_parameters_and_mult_adds(backend: str) -> None:
    model = Small().to(backend)
    model.fc.bias.requires_grad_(False)
    stats = summary(model, input_size=(2, 3, 8, 8), verbose=0)
    rows = [(r["type"], r["var_name"], r["depth"], r["index"], r["output_size"]) for r in stats.rows]
    assert rows == [
        ("Small", "", 0, 1, [2, 5]),
        ("Conv2d", "conv", 1, 1, [2, 4, 6, 6]),
        ("Sequential", "block", 1, 2, [2, 4, 6, 6]),
        ("BatchNorm2d", "0", 2, 1, [2, 4, 6, 6]),
        ("ReLU", "1", 2, 2, [2, 4, 6, 6]),
        ("Linear", "fc", 1, 3, [2, 5]),
    ]
    conv, bn, fc = stats.rows[1], stats.rows[3], stats.rows[5]
    assert conv["mult_adds"] == (4 * 3 * 3 * 3 + 4) * 2 * 6 * 6
    assert fc["mult_adds"] == (144 * 5 + 5) * 2
    assert bn["mult_adds"] == 2 * 4 * 6 * 6
    assert stats.total_params == 112 + 8 + 725
    assert stats.trainable_params == stats.total_params - 5
    text = str(stats)
    assert "├─Conv2d (conv): 1-1" in text and "│    └─BatchNorm2d (0): 2-1" in text
    assert "Total params: 845" in text and "Trainable params: 840" in text and "Non-trainable params: 5" in text
    assert "Total mult-adds (K):" in text


def test_depth_folds_children_into_their_parent_and_mode_is_restored() -> None:
    model = Small()
    model.train()
    stats = summary(model, input_data=minitorch.randn(1, 3, 8, 8), depth=1, verbose=0)
    text = str(stats)
    assert "BatchNorm2d" not in text and "├─Sequential (block): 1-2" in text
    block_line = next(line for line in text.splitlines() if "Sequential (block)" in line)
    assert "8" in block_line.split()[-2]  # the folded BatchNorm's 8 parameters
    assert model.training and model.block[0].training
    np.testing.assert_array_equal(model.block[0].running_mean.numpy(), np.zeros(4, dtype=np.float32))


def test_leaves_the_global_seed_alone_and_prints(capsys) -> None:
    model = nn.Linear(3, 2)
    minitorch.manual_seed(3)
    expected = minitorch.rand(2).tolist()
    minitorch.manual_seed(3)
    summary(model, input_size=(4, 3))
    assert minitorch.rand(2).tolist() == expected
    assert "Linear" in capsys.readouterr().out


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="exactly one of input_size and input_data"):
        summary(nn.Linear(3, 2), verbose=0)
    with pytest.raises(ValueError, match="unknown column"):
        summary(nn.Linear(3, 2), input_size=(1, 3), col_names=("kernel_size",), verbose=0)


def test_input_dtypes() -> None:
    stats = summary(nn.Linear(3, 2).double(), input_size=(4, 3), dtypes=[minitorch.float64], verbose=0)
    assert stats.input_bytes == 4 * 3 * 8

"""Smoke test of the benchmark suite: its minitorch code paths run, in a few seconds.

The benchmarks themselves are never run by pytest; see benchmarks/README.md.
"""

import math
import sys
from pathlib import Path

import pytest

try:
    import minitorch
    import minitorch.nn
    import minitorch.nn.functional
    import minitorch.optim
except ImportError:
    pytest.skip("minitorch.nn / optim not importable yet", allow_module_level=True)

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import harness  # noqa: E402
import ops  # noqa: E402
import train_step  # noqa: E402

LIB = harness.Lib(name="minitorch", device="cpu", torch=minitorch)


@pytest.mark.parametrize("model", ["lenet", "net2", "resnet", "lstm", "transformer"])
def test_one_training_step_in_process(model):
    result = train_step.measure(LIB, model, batch=2, steps=1, target_s=0.0)
    assert result["steps"] == 1 and result["images_per_s"] > 0
    assert math.isfinite(result["loss"])
    assert "peak_bytes" in result


def test_worker_process_prints_json():
    args = ["--worker", "--lib", "minitorch", "--model", "lenet", "--batch", "2", "--steps", "1", "--threads", "1"]
    result = harness.run_worker(str(BENCHMARKS / "train_step.py"), args)
    assert "error" not in result, result.get("error")
    assert result["lib"] == "minitorch" and result["batch"] == 2


def test_tiny_graph_op():
    result = ops.measure(LIB, ops.select("tiny"), target_s=0.01)
    assert result["ops"]["tiny graph (10)"]["fwd_bwd_us"] > 0

"""The teaching scripts that show the instruments run as a user runs them, in a fresh process."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.examples.test_examples import cifar, needs_subset, run
from tests.examples.test_mnist_example import mnist, needs_mnist


def test_seeing_inside_shows_every_instrument(tmp_path: Path) -> None:
    out = run("examples/seeing_inside.py", cwd=tmp_path, timeout=120).stdout
    assert "Total params: 151" in out and "Total mult-adds" in out  # summary
    assert "ops: NllLossBackward0" in out  # draw_graph
    assert "total kept for backward" in out and "layer 0" in out  # saved_memory
    assert "Self CPU time total" in out and "train_step" in out  # profiler
    assert "fwd (carried)" in out and "1.2e-01" in out  # shadow: the naive variance's cancellation
    assert "returned nan values in its 0th output" in out and "seeing_inside.py" in out  # anomaly
    assert "analytic 3 vs numerical 6" in out and "sits at a kink" in out  # gradcheck
    assert json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    if shutil.which("dot"):
        assert (tmp_path / "seeing_inside_graph.png").read_bytes().startswith(b"\x89PNG")


def test_autograd_demo_draws_its_graph(tmp_path: Path) -> None:
    out = run("examples/autograd_demo.py", cwd=tmp_path, timeout=60).stdout
    assert "the graph of loss: SumBackward" in out
    assert "drawn into autograd_graph.png" in out or "digraph {" in out


@pytest.mark.slow
@needs_subset
def test_cifar_prints_a_summary(tmp_path: Path) -> None:
    out = cifar(tmp_path, "--summary", "--epochs", "1", "--limit-train", "64", "--limit-test", "64").stdout
    assert "├─Conv2d (conv1): 1-1" in out and "Total params: 62,006" in out


@pytest.mark.slow
@needs_mnist
def test_mnist_prints_a_summary(tmp_path: Path) -> None:
    out = mnist(tmp_path, "--summary", "--limit-train", "64", "--limit-test", "64").stdout
    assert "├─Conv2d (conv1): 1-1" in out and "Total params: 1,199,882" in out

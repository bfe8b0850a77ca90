"""examples/mnist.py as a user runs it, on a subset of the real MNIST files shared next to the repository.

A clone without ``../shared/datasets`` skips these tests. The full-epoch accuracy (>= 97%, and
PyTorch's run of the same model, seed and batches within 0.5 points) is measured by hand; the
numbers are in the README.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minitorch

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "datasets"
MNIST_DATA = SHARED / "mnist"
LAST_LINE = re.compile(r"test accuracy: \d+\.\d\d%")
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}

needs_mnist = pytest.mark.skipif(not (MNIST_DATA / "MNIST" / "raw").is_dir(),
                                 reason=f"the shared MNIST files are not at {MNIST_DATA} (only the project's machines have them)")
needs_fashion = pytest.mark.skipif(not (SHARED / "fashion-mnist" / "FashionMNIST" / "raw").is_dir(),
                                   reason=f"the shared Fashion-MNIST files are not at {SHARED / 'fashion-mnist'}")


def run(script: str, *args: object, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    result = subprocess.run([sys.executable, str(ROOT / script), *map(str, args)], cwd=cwd, capture_output=True,
                            text=True, timeout=300, env={**ONE_THREAD, **os.environ, "PYTHONPATH": path})
    if check:
        assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result


def mnist(tmp_path: Path, *args: object, check: bool = True) -> subprocess.CompletedProcess:
    return run("examples/mnist.py", "--data", MNIST_DATA, *args, cwd=tmp_path, check=check)


@pytest.mark.slow
@needs_mnist
def test_mnist_example_end_to_end_on_a_small_subset(tmp_path: Path) -> None:
    """Training, the per-class table, the PNG grid of mistakes and the last line, in a few seconds."""
    out = mnist(tmp_path, "--limit-train", 640, "--limit-test", 300, "--json", "run.json").stdout
    lines = out.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), out
    assert all(any(line.startswith(f"{digit} - ") for line in lines) for digit in range(10)), out
    summary = json.loads((tmp_path / "run.json").read_text())
    assert len(summary["history"][0]["batch_losses"]) == 10  # 640 images in batches of 64
    assert summary["test_acc"] > 0.3  # chance is 0.10
    assert lines[-1] == f"test accuracy: {100 * summary['test_acc']:.2f}%"
    grid = tmp_path / "misclassified.png"
    assert grid.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "misclassified test images written to" in out


@pytest.mark.slow
@needs_mnist
def test_mnist_example_resume_repeats_an_uninterrupted_run(tmp_path: Path) -> None:
    quick = ("--limit-train", 256, "--limit-test", 128, "--errors", "", "--optimizer", "adam")
    mnist(tmp_path, *quick, "--epochs", 2, "--json", "straight.json")
    mnist(tmp_path, *quick, "--epochs", 1, "--checkpoint", "ck/run.npz")
    resumed = mnist(tmp_path, *quick, "--epochs", 2, "--checkpoint", "ck/run.npz", "--resume", "--json", "resumed.json")
    assert "resumed from" in resumed.stdout
    first, second = (json.loads((tmp_path / name).read_text()) for name in ("straight.json", "resumed.json"))
    for a, b in zip(first["history"], second["history"], strict=True):
        assert a["batch_losses"] == b["batch_losses"] and a["test_acc"] == b["test_acc"]
    other = mnist(tmp_path, *quick, "--lr", 0.1, "--epochs", 3, "--checkpoint", "ck/run.npz", "--resume", check=False)
    assert other.returncode != 0 and "--lr 0.001 (now 0.1)" in other.stderr


@pytest.mark.slow
@needs_fashion
def test_mnist_example_trains_on_fashion_mnist(tmp_path: Path) -> None:
    out = run("examples/mnist.py", "--data", SHARED / "fashion-mnist", "--dataset", "fashion", "--limit-train", 320,
              "--limit-test", 100, "--errors", "", "--plot", "curves.png", cwd=tmp_path).stdout
    assert "Ankle boot" in out and LAST_LINE.fullmatch(out.strip().splitlines()[-1])
    assert (tmp_path / "curves.png").is_file()


def test_mnist_example_without_data_says_where_to_put_it(tmp_path: Path) -> None:
    result = run("examples/mnist.py", "--data", tmp_path / "nothing", "--limit-train", 10, cwd=tmp_path, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "could not download" in result.stderr and "put the file in" in result.stderr


def load(path: Path, name: str):
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "examples"))


def test_torch_counterpart_builds_the_same_network_from_the_same_weights() -> None:
    """benchmarks/mnist_torch.py: PyTorch's Net with minitorch's initial weights computes the same scores."""
    torch = pytest.importorskip("torch")
    example = load(ROOT / "examples" / "mnist.py", "mnist")
    benchmark = load(ROOT / "benchmarks" / "mnist_torch.py", "mnist_torch")
    theirs = benchmark.Net()
    benchmark.same_initial_weights(theirs, seed=1)
    minitorch.manual_seed(1)
    ours = example.Net().eval()
    images = np.random.default_rng(0).random((4, 1, 28, 28), dtype=np.float32)
    with minitorch.no_grad():
        expected = ours(minitorch.from_numpy(images)).numpy()
    with torch.no_grad():
        np.testing.assert_allclose(theirs.eval()(torch.from_numpy(images)).numpy(), expected, atol=1e-5)
    assert sum(p.numel() for p in ours.parameters()) == 1_199_882  # pytorch/examples/mnist's Net

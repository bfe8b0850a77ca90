"""The examples run as a user runs them: ``python examples/<script>.py`` in a fresh process.

The teaching scripts take seconds. ``cifar_cnn.py`` trains end to end on the real CIFAR-10
subset shared next to the repository (``../shared/datasets/cifar10-subset``); a clone without
it skips those tests. They are marked ``slow`` (``pytest -m "not slow"`` leaves them out). The
PyTorch counterpart ``benchmarks/cifar_cnn_torch.py`` must start from the very same point.
"""
from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import minitorch

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SUBSET = ROOT.parent / "shared" / "datasets" / "cifar10-subset"
LAST_LINE = re.compile(r"test accuracy: \d+\.\d\d%")
CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

needs_subset = pytest.mark.skipif(
    not (SUBSET / "cifar-10-python.tar.gz").is_file(),
    reason=f"the shared CIFAR-10 subset is not at {SUBSET} (only the project's own machines have it)",
)


# One BLAS thread per script unless the caller chose otherwise: on the 2 shared cores of CI, a
# second OpenBLAS thread waits for a busy core and made an epoch up to 18x slower (measured).
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def run(script: str, *args: object, cwd: Path, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``<script>`` (relative to the repository) with this interpreter; minitorch importable even when not installed."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(ROOT / script), *map(str, args)],
        cwd=cwd,  # a temporary folder: nothing is written into the repository
        env={**ONE_THREAD, **os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result


def cifar(tmp_path: Path, *args: object, check: bool = True) -> subprocess.CompletedProcess:
    return run("examples/cifar_cnn.py", "--data", SUBSET, *args, cwd=tmp_path, check=check)


# ----- teaching scripts -----


def test_autograd_demo(tmp_path: Path) -> None:
    out = run("examples/autograd_demo.py", cwd=tmp_path, timeout=60).stdout
    assert "y = 7.0" in out and "dy/dw = 3.0" in out and "dy/db = 1.0" in out


def test_linear_regression_finds_the_plane(tmp_path: Path) -> None:
    out = run("examples/linear_regression.py", cwd=tmp_path, timeout=60).stdout
    for line in ("by hand  w =", "nn.Linear w ="):
        fitted = re.search(re.escape(line) + r" \[(\S+), (\S+)\], b = (\S+)", out)
        assert fitted, out
        assert [round(float(v), 1) for v in fitted.groups()] == [3.0, -2.0, 0.5]


def test_mlp_separates_the_spirals(tmp_path: Path) -> None:
    out = run("examples/mlp.py", cwd=tmp_path, timeout=60).stdout
    mlp, linear = map(float, re.search(r"MLP (\S+)%, linear model (\S+)%", out).groups())
    assert mlp >= 95 and linear < 75, out


# ----- the CIFAR-10 models -----


def load_models() -> dict:
    spec = importlib.util.spec_from_file_location("examples_models", EXAMPLES / "models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MODELS


@pytest.mark.parametrize("name", ["lenet", "net2", "bn"])
def test_models_give_ten_scores_per_image(name: str) -> None:
    model = load_models()[name]().eval()
    with minitorch.no_grad():
        assert model(minitorch.randn(2, 3, 32, 32)).shape == (2, 10)


def test_lenet_is_the_tutorial_net() -> None:
    assert sum(p.numel() for p in load_models()["lenet"]().parameters()) == 62006  # as in PyTorch's tutorial


# ----- cifar_cnn.py end to end -----


@pytest.mark.slow
@needs_subset
def test_cifar_cnn_one_epoch_on_the_subset(tmp_path: Path) -> None:
    """The teacher's command for one epoch: the loss falls, the model beats chance, the plot exists."""
    out = cifar(tmp_path, "--epochs", 1, "--json", "run.json", "--plot", "curves.png").stdout
    lines = out.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert all(any(line.startswith(name) for line in lines) for name in CLASSES), out
    summary = json.loads((tmp_path / "run.json").read_text())
    losses = summary["history"][0]["batch_losses"]
    assert len(losses) == math.ceil(5170 / 32)
    assert sum(losses[-20:]) / 20 < sum(losses[:20]) / 20 - 0.05, losses
    assert summary["test_acc"] > 0.15  # chance is 0.10
    assert lines[-1] == f"test accuracy: {100 * summary['test_acc']:.2f}%"
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
@needs_subset
def test_cifar_cnn_resume_repeats_an_uninterrupted_run(tmp_path: Path) -> None:
    """Two epochs straight through == one epoch, stop, resume for the second (BatchNorm, dropout, augmentation)."""
    quick = ("--model", "bn", "--augment", "--limit-train", 256, "--limit-test", 128, "--batch-size", 32)
    straight = cifar(tmp_path, *quick, "--epochs", 2, "--json", "straight.json").stdout
    cifar(tmp_path, *quick, "--epochs", 1, "--checkpoint", "ck/run.npz")
    resumed = cifar(tmp_path, *quick, "--epochs", 2, "--checkpoint", "ck/run.npz", "--resume", "--json", "resumed.json")
    assert "resumed from" in resumed.stdout
    first, second = (json.loads((tmp_path / name).read_text()) for name in ("straight.json", "resumed.json"))
    for a, b in zip(first["history"], second["history"], strict=True):
        assert a["batch_losses"] == b["batch_losses"] and a["test_acc"] == b["test_acc"]
    assert straight.strip().splitlines()[-1] == resumed.stdout.strip().splitlines()[-1]

    other = cifar(tmp_path, *quick, "--lr", 0.1, "--epochs", 3, "--checkpoint", "ck/run.npz", "--resume", check=False)
    assert other.returncode != 0 and "--lr 0.01 (now 0.1)" in other.stderr


@pytest.mark.skipif(minitorch.cuda.is_available(), reason="checks the message shown when there is no GPU")
def test_cifar_cnn_says_when_cuda_is_missing(tmp_path: Path) -> None:
    result = run("examples/cifar_cnn.py", "--device", "cuda", cwd=tmp_path, check=False, timeout=60)
    assert result.returncode == 2 and "needs CuPy and an NVIDIA GPU" in result.stderr


@pytest.mark.slow
@needs_subset
def test_torch_counterpart_starts_from_the_same_point(tmp_path: Path) -> None:
    """benchmarks/cifar_cnn_torch.py: same weights, same batches, so the first losses agree with minitorch's."""
    pytest.importorskip("torch")
    quick = ("--data", SUBSET, "--limit-train", 128, "--limit-test", 64, "--epochs", 1)
    ours = run("examples/cifar_cnn.py", *quick, "--json", "ours.json", cwd=tmp_path).stdout
    theirs = run("benchmarks/cifar_cnn_torch.py", *quick, "--json", "theirs.json", cwd=tmp_path).stdout
    assert LAST_LINE.fullmatch(ours.strip().splitlines()[-1]) and LAST_LINE.fullmatch(theirs.strip().splitlines()[-1])
    ours, theirs = (json.loads((tmp_path / name).read_text())["history"][0] for name in ("ours.json", "theirs.json"))
    assert ours["batch_losses"] == pytest.approx(theirs["batch_losses"], abs=1e-4)

"""examples/ddp_cifar.py under ``mpiexec``: 2 ranks see what 1 rank sees, rank 0 alone saves."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mpi4py")

from test_dist_ranks import launcher  # noqa: E402

import minitorch  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT.parent / "shared" / "datasets" / "cifar10-subset"
EPOCH = re.compile(r"epoch 1/1: train loss (\d+\.\d+), train accuracy (\d+\.\d+)%")


def run_example(ranks: int, tmp_path: Path, *args: object) -> str:
    env = {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    command = [launcher(), "-n", str(ranks), sys.executable, str(ROOT / "examples" / "ddp_cifar.py"),
               "--data", str(SUBSET), "--epochs", "1", "--limit-train", "320", "--limit-test", "64", *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.skipif(not (SUBSET / "cifar-10-python.tar.gz").is_file(), reason=f"no CIFAR-10 subset at {SUBSET}")
def test_two_ranks_train_like_one_with_the_same_global_batch(tmp_path):
    one = run_example(1, tmp_path)
    two = run_example(2, tmp_path, "--checkpoint", tmp_path / "ddp.npz")
    assert "2 rank(s), backend mpi; model lenet; global batch 32 (16 per rank)" in two
    assert re.search(r"images/s per rank, \d+ images/s in total", two)
    assert re.search(r"test accuracy: \d+\.\d\d%$", two.strip())
    loss_one, accuracy_one = map(float, EPOCH.search(one).groups())
    loss_two, accuracy_two = map(float, EPOCH.search(two).groups())
    assert abs(loss_one - loss_two) < 2e-3 and abs(accuracy_one - accuracy_two) < 1.0  # float32 rounding only
    saved = minitorch.load(tmp_path / "ddp.npz")
    assert saved["epoch"] == 1 and "conv1.weight" in saved["model"]

"""PyTorch's first tutorials, written as minitorch teaching scripts, print what PyTorch prints.

Each script starts with ``import minitorch as torch``; the test runs it as it is and with that line
changed to ``import torch``, and compares the two outputs (text for the tensor tour, numbers to
float32 rounding for the polynomial fits).
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]


def run(source: str, tmp_path: Path, name: str) -> str:
    script = tmp_path / name
    script.write_text(source)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def both(name: str, tmp_path: Path) -> tuple:
    source = (ROOT / "examples" / name).read_text()
    assert "\nimport minitorch as torch\n" in source
    return (run(source, tmp_path, "ours.py"),
            run(source.replace("\nimport minitorch as torch\n", "\nimport torch\n"), tmp_path, "theirs.py"))


def test_tensors_tour_prints_what_pytorch_prints(tmp_path: Path) -> None:
    ours, theirs = both("tensors_tour.py", tmp_path)
    assert ours == theirs


@pytest.mark.slow
def test_polynomial_fits_find_what_pytorch_finds(tmp_path: Path) -> None:
    ours, theirs = both("polynomial_fit.py", tmp_path)
    number = r"-?\d+\.?\d*"
    assert re.sub(number, "#", ours) == re.sub(number, "#", theirs)  # the same lines
    for mine, reference in zip(re.findall(number, ours), re.findall(number, theirs)):
        assert float(mine) == pytest.approx(float(reference), rel=1e-3, abs=2e-4)

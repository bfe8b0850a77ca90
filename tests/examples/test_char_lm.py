"""``examples/char_lm.py``: in both libraries from the same weights and batches, 20 training steps
give the same losses; the script trains, samples and resumes to bit-identical weights."""
from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import pytest

import minitorch
from tests.examples.test_examples import EXAMPLES, run

SCRIPT = EXAMPLES / "char_lm.py"
TINY = ["--width", 32, "--layers", 2, "--heads", 2, "--block-size", 16, "--batch-size", 8, "--warmup", 5]
NEEDS = [(minitorch.nn.utils, "clip_grad_norm_", "nn.utils.clip_grad_norm_"), (minitorch, "topk", "torch.topk"),
         (minitorch, "multinomial", "torch.multinomial")]


def require(*names: str) -> None:
    """Skip, naming the missing piece, while a dependency built elsewhere has not landed."""
    missing = [label for owner, name, label in NEEDS if label in names and not hasattr(owner, name)]
    if missing:
        pytest.skip(f"char_lm.py needs {', '.join(missing)}, not in this checkout yet")


def load(library: str) -> types.ModuleType:
    """The script as a module; for ``torch`` with its import lines swapped (the only difference)."""
    source = SCRIPT.read_text(encoding="utf-8")
    if library == "torch":
        source = source.replace("import minitorch as torch", "import torch").replace("minitorch.", "torch.")
    module = types.ModuleType(f"char_lm_{library}")
    module.__file__ = str(SCRIPT)
    exec(compile(source, str(SCRIPT), "exec"), module.__dict__)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("model", ["lstm", "transformer"])
def test_twenty_steps_track_pytorch(model: str) -> None:
    """Same initial weights, same batches, AdamW with warm-up, clipping: losses agree to 1e-4 (float32)."""
    torch = pytest.importorskip("torch")
    require("nn.utils.clip_grad_norm_")
    ours, theirs = load("minitorch"), load("torch")
    argv = ["--model", model, *map(str, TINY), "--dropout", "0", "--epochs", "1", "--steps-per-epoch", "20"]
    args = ours.parse_args(argv)
    text = (EXAMPLES / "data" / "shakespeare.txt").read_text(encoding="utf-8")
    data = ours.CharData(text)
    torch.manual_seed(0)
    reference = theirs.build_model(theirs.parse_args(argv), len(data.chars))
    mine = ours.build_model(args, len(data.chars))
    mine.load_state_dict({key: value.detach().numpy() for key, value in reference.state_dict().items()})
    optimizers = ours.make_optimizer(mine, args), theirs.make_optimizer(reference, args)
    rngs = np.random.default_rng(0), np.random.default_rng(0)
    for step in range(20):
        lr = ours.learning_rate(step, args)
        x, y = ours.get_batch(data.train, args.batch_size, args.block_size, rngs[0])
        x_t, y_t = theirs.get_batch(data.train, args.batch_size, args.block_size, rngs[1])
        loss = ours.train_step(mine, optimizers[0], x, y, lr, args.clip)
        expected = theirs.train_step(reference, optimizers[1], x_t, y_t, lr, args.clip)
        assert loss == pytest.approx(expected, rel=1e-4), f"step {step}"


@pytest.mark.slow
@pytest.mark.parametrize("model", ["lstm", "transformer"])
def test_trains_samples_and_resumes_bit_identically(model: str, tmp_path: Path) -> None:
    require("nn.utils.clip_grad_norm_", "torch.topk", "torch.multinomial")
    common = ["--model", model, *TINY, "--epochs", 2, "--steps-per-epoch", 4, "--val-batches", 2,
              "--sample-chars", 40]
    straight = run("examples/char_lm.py", *common, "--checkpoint", "straight.npz", "--plot", "curves.png",
                   cwd=tmp_path)
    run("examples/char_lm.py", *common, "--checkpoint", "resumed.npz", "--stop-after", 1, cwd=tmp_path)
    resumed = run("examples/char_lm.py", *common, "--checkpoint", "resumed.npz", "--resume", cwd=tmp_path)
    assert "resumed from" in resumed.stdout
    assert straight.stdout.splitlines()[-1].startswith("validation loss: ")
    lines = [line for line in straight.stdout.splitlines() if line.startswith("epoch ")]
    assert len(lines) == 2 and all("validation loss" in line for line in lines)
    # the same sample and final loss, and the very same weights and optimizer state
    assert straight.stdout.split("--- sample")[1] == resumed.stdout.split("--- sample")[1]
    first, second = (minitorch.load(tmp_path / name) for name in ("straight.npz", "resumed.npz"))
    for key, value in first["model"].items():
        assert np.array_equal(value.numpy(), second["model"][key].numpy()), key
    assert first["history"][-1]["val_loss"] == second["history"][-1]["val_loss"]
    assert (tmp_path / "curves.png").stat().st_size > 0
    sample = straight.stdout.split("--- sample")[1].split("\n", 1)[1].rsplit("validation loss", 1)[0]
    assert len(sample.strip()) >= 30

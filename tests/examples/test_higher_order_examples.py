"""The double-backprop teaching scripts run as a user runs them and find what they promise; the
gradient-penalty critic step gives PyTorch's loss and parameter gradients (float64)."""
import re
import types
from pathlib import Path

import numpy as np
import pytest

import minitorch
from minitorch.testing import assert_close
from tests.examples.test_examples import ROOT, run


def numbers(pattern: str, text: str) -> list:
    found = re.search(pattern, text)
    assert found, text
    return [float(value) for value in found.groups()]


def test_newton_finds_ln2_in_a_few_steps(tmp_path: Path) -> None:
    out = run("examples/newton.py", cwd=tmp_path, timeout=60).stdout
    (error,) = numbers(r"step 6  x = \S+  error (\S+)", out)
    (steps,) = numbers(r"needs (\d+) steps", out)
    x, ln2, curvature = numbers(r"minimum at x = (\S+), ln 2 = (\S+); there f'\(x\) = \S+ and f''\(x\) = (\S+) ", out)
    assert error < 1e-10 and steps > 20 and abs(x - ln2) < 1e-10 and abs(curvature - 2) < 1e-9, out


def test_newton_prints_what_pytorch_prints(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    source = (ROOT / "examples" / "newton.py").read_text()
    assert "\nimport minitorch as torch\n" in source
    (tmp_path / "theirs.py").write_text(source.replace("\nimport minitorch as torch\n", "\nimport torch\n"))
    ours = run("examples/newton.py", cwd=tmp_path, timeout=60).stdout
    assert ours == run(str(tmp_path / "theirs.py"), cwd=tmp_path, timeout=120).stdout


def test_hessian_vector_products_match_the_explicit_hessian(tmp_path: Path) -> None:
    out = run("examples/hessian_vector.py", cwd=tmp_path, timeout=60).stdout
    assert numbers(r"symmetric to (\S+)", out)[0] < 1e-12
    assert numbers(r"two backward passes vs H @ v: largest difference (\S+)", out)[0] < 1e-12
    assert numbers(r"functional.vhp vs H @ v: largest difference (\S+)", out)[0] < 1e-12
    power, exact = numbers(r"power iteration: (\S+); from the eigenvalues of H: (\S+)", out)
    assert abs(power - exact) < 1e-4 * abs(exact), out


def test_pinn_solves_the_equation(tmp_path: Path) -> None:
    out = run("examples/pinn.py", cwd=tmp_path, timeout=120).stdout
    losses = [float(v) for v in re.findall(r"loss (\S+)", out)]
    assert losses[-1] < losses[0] / 2, out
    assert numbers(r"exact solution sin\(pi x\) on \[0, 1\]: (\S+)", out)[0] < 0.01, out


def test_gradient_penalty_keeps_the_critic_near_1_lipschitz(tmp_path: Path) -> None:
    out = run("examples/gradient_penalty.py", cwd=tmp_path, timeout=120).stdout
    with_penalty, without = out.split("without it")
    last = r"step 100  Wasserstein estimate +(\S+)  gradient norm at mixed images +(\S+)"
    estimate, norm = numbers(last, with_penalty)
    assert 4 < estimate < 9 and 0.7 < norm < 1.5, out  # the true distance is 7.48
    estimate, norm = numbers(last, without)
    assert estimate > 50 and norm > 10, out


# ----- one critic step, against PyTorch -----
def load(library: str) -> types.ModuleType:
    """examples/gradient_penalty.py as a module on minitorch, or with its imports changed to torch."""
    source = (ROOT / "examples" / "gradient_penalty.py").read_text()
    if library == "torch":
        source = source.replace("\nimport minitorch as torch\n", "\nimport torch\n")
        source = source.replace("\nimport minitorch.nn as nn\n", "\nimport torch.nn as nn\n")
    module = types.ModuleType(f"gradient_penalty_{library}")
    exec(compile(source, f"gradient_penalty_{library}", "exec"), module.__dict__)
    return module


def test_one_critic_step_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = load("minitorch"), load("torch")
    assert ours.torch is minitorch and theirs.torch is torch
    their_critic = theirs.make_critic().double()
    our_critic = ours.make_critic().double()
    our_critic.load_state_dict({key: value.detach().numpy() for key, value in their_critic.state_dict().items()})
    rng = np.random.default_rng(5)
    real, fake = (rng.standard_normal((6, 1, 8, 8)) for _ in range(2))
    alpha = rng.uniform(0, 1, (6, 1, 1, 1))

    def step(lib, module, critic):
        inputs = (lib.tensor(a, dtype=lib.float64) for a in (real, fake, alpha))
        loss, distance, norms = module.critic_loss(critic, *inputs)
        loss.backward()
        return [loss, distance, norms] + [p.grad for p in critic.parameters()]

    for mine, reference in zip(step(minitorch, ours, our_critic), step(torch, theirs, their_critic), strict=True):
        assert_close(mine.detach(), reference.detach(), rtol=1e-6, atol=1e-6)

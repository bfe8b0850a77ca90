"""Losses: cross-entropy, NLL and MSE against PyTorch (values and gradients), and their errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.testing import assert_close
from nn_parity import assert_grads_close, backward_both, leaves

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


@st.composite
def classification_problems(draw: st.DrawFn) -> dict:
    """Logits (N, C[, d...]) or unbatched (C,), class targets (some ignored), options."""
    classes = draw(st.integers(1, 5))
    layout = draw(st.sampled_from(["unbatched", "rows", "spatial"]))
    batch = () if layout == "unbatched" else (draw(st.integers(1, 4)),)
    spatial = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))) if layout == "spatial" else ()
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    logits = rng.standard_normal(batch + (classes,) + spatial) * 3
    target = rng.integers(0, classes, size=batch + spatial)
    ignore_index = draw(st.sampled_from([-100, 0, classes - 1]))
    weight = rng.uniform(0.2, 2.0, classes) if draw(st.booleans()) else None
    return dict(logits=logits, target=np.asarray(target, dtype=np.int64), ignore_index=ignore_index,
                weight=weight, reduction=draw(REDUCTIONS), rng=rng)


def _weights(weight: np.ndarray) -> tuple:
    if weight is None:
        return None, None
    return minitorch.tensor(weight), torch.tensor(weight)


@settings(max_examples=40)
@given(classification_problems(), st.sampled_from([0.0, 0.1, 0.7, 1.0]))
def test_cross_entropy_matches_torch(problem: dict, smoothing: float) -> None:
    ours, theirs = leaves(problem["logits"])
    our_weight, their_weight = _weights(problem["weight"])
    options = dict(ignore_index=problem["ignore_index"], reduction=problem["reduction"], label_smoothing=smoothing)
    our_loss = F.cross_entropy(ours, minitorch.tensor(problem["target"]), our_weight, **options)
    their_loss = torch.nn.functional.cross_entropy(theirs, torch.tensor(problem["target"]), their_weight, **options)
    assert_close(our_loss, their_loss, rtol=1e-7, atol=1e-10)
    if torch.isfinite(their_loss).all():
        backward_both(our_loss, their_loss, problem["rng"])
        assert_grads_close([(ours, theirs)], rtol=1e-7, atol=1e-10)


@settings(max_examples=25)
@given(classification_problems(), st.sampled_from([0.0, 0.3]))
def test_cross_entropy_with_class_probabilities_matches_torch(problem: dict, smoothing: float) -> None:
    rng = problem["rng"]
    logits = problem["logits"]
    class_axis = 1 if logits.ndim > 1 else 0
    rows = logits.shape[:1] + logits.shape[2:] if class_axis else None
    probabilities = np.moveaxis(rng.dirichlet(np.ones(logits.shape[class_axis]), size=rows), -1, class_axis)
    ours, theirs = leaves(logits)
    our_weight, their_weight = _weights(problem["weight"])
    options = dict(reduction=problem["reduction"], label_smoothing=smoothing)
    our_loss = F.cross_entropy(ours, minitorch.tensor(probabilities), our_weight, **options)
    their_loss = torch.nn.functional.cross_entropy(theirs, torch.tensor(probabilities), their_weight, **options)
    assert_close(our_loss, their_loss, rtol=1e-7, atol=1e-10)
    backward_both(our_loss, their_loss, rng)
    assert_grads_close([(ours, theirs)], rtol=1e-7, atol=1e-10)


@settings(max_examples=30)
@given(classification_problems())
def test_nll_loss_matches_torch(problem: dict) -> None:
    ours, theirs = leaves(problem["logits"])
    our_weight, their_weight = _weights(problem["weight"])
    options = dict(ignore_index=problem["ignore_index"], reduction=problem["reduction"])
    our_loss = F.nll_loss(ours, minitorch.tensor(problem["target"]), our_weight, **options)
    their_loss = torch.nn.functional.nll_loss(theirs, torch.tensor(problem["target"]), their_weight, **options)
    assert_close(our_loss, their_loss, rtol=1e-7, atol=1e-10)
    if torch.isfinite(their_loss).all():
        backward_both(our_loss, their_loss, problem["rng"])
        assert_grads_close([(ours, theirs)], rtol=1e-7, atol=1e-10)


@settings(max_examples=25)
@given(st.lists(st.integers(1, 4), min_size=0, max_size=3), REDUCTIONS, st.integers(0, 2**32 - 1))
def test_mse_loss_matches_torch_for_both_inputs(shape: list, reduction: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    (ours, theirs), (our_target, their_target) = (leaves(rng.standard_normal(shape)) for _ in range(2))
    our_loss = F.mse_loss(ours, our_target, reduction=reduction)
    their_loss = torch.nn.functional.mse_loss(theirs, their_target, reduction=reduction)
    assert_close(our_loss, their_loss, rtol=1e-7, atol=1e-10)
    backward_both(our_loss, their_loss, rng)
    assert_grads_close([(ours, theirs), (our_target, their_target)], rtol=1e-7, atol=1e-10)


def test_mse_loss_broadcasts_with_a_warning_like_torch(rng: np.random.Generator) -> None:
    (ours, theirs), (our_target, their_target) = leaves(rng.standard_normal((4, 1))), leaves(rng.standard_normal(4))
    with pytest.warns(UserWarning, match="different to the input size"):
        our_loss = F.mse_loss(ours, our_target)
    with pytest.warns(UserWarning):
        their_loss = torch.nn.functional.mse_loss(theirs, their_target)
    assert_close(our_loss, their_loss)
    our_loss.backward()
    their_loss.backward()
    assert_grads_close([(ours, theirs), (our_target, their_target)])


def test_loss_modules_match_the_functions(rng: np.random.Generator) -> None:
    logits = minitorch.tensor(rng.standard_normal((6, 4)).astype(np.float32))
    target = minitorch.tensor(rng.integers(0, 4, 6))
    weight = minitorch.tensor([1.0, 2.0, 0.5, 1.0])
    module = nn.CrossEntropyLoss(weight=weight, ignore_index=2, reduction="sum", label_smoothing=0.2)
    expected = F.cross_entropy(logits, target, weight, ignore_index=2, reduction="sum", label_smoothing=0.2)
    assert_close(module(logits, target), expected)
    log_probs = F.log_softmax(logits, dim=1)
    expected = F.nll_loss(log_probs, target, weight, ignore_index=1)
    assert_close(nn.NLLLoss(weight, ignore_index=1)(log_probs, target), expected)
    assert_close(nn.MSELoss(reduction="none")(logits, logits * 2), F.mse_loss(logits, logits * 2, reduction="none"))


def test_loss_modules_repr_and_state_like_torch() -> None:
    weight = np.array([1.0, 2.0], dtype=np.float32)
    for name in ("CrossEntropyLoss", "NLLLoss"):
        ours, theirs = getattr(nn, name)(minitorch.tensor(weight)), getattr(torch.nn, name)(torch.tensor(weight))
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert repr(nn.MSELoss()) == repr(torch.nn.MSELoss()) == "MSELoss()"
    assert list(nn.CrossEntropyLoss().state_dict()) == []


def test_cross_entropy_is_one_fused_node_whose_gradient_is_softmax_minus_one_hot() -> None:
    logits = minitorch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], requires_grad=True)
    target = minitorch.tensor([2, 0])
    loss = F.cross_entropy(logits, target)
    (edge, *constants) = loss.grad_fn._edges
    assert edge[0] is logits and constants == [None] * 5
    loss.backward()
    probabilities = F.softmax(logits.detach(), dim=1).numpy()
    one_hot = np.eye(3, dtype=np.float32)[[2, 0]]
    assert_close(logits.grad, (probabilities - one_hot) / 2)


def test_cross_entropy_stays_float32_and_is_stable_for_huge_logits() -> None:
    logits = minitorch.tensor([[1e4, -1e4, 0.0], [-5e3, 5e3, 5e3]], requires_grad=True)
    loss = F.cross_entropy(logits, minitorch.tensor([1, 2]))
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits.detach().numpy()), torch.tensor([1, 2]))
    assert loss.dtype == minitorch.float32
    assert_close(loss, expected)
    loss.backward()
    assert logits.grad.dtype == minitorch.float32
    assert np.isfinite(logits.grad.numpy()).all()


def test_mean_over_only_ignored_targets_is_nan_like_torch() -> None:
    logits = np.zeros((2, 3))
    target = np.array([-100, -100])
    ours = F.cross_entropy(minitorch.tensor(logits), minitorch.tensor(target))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target))
    assert torch.isnan(theirs) and np.isnan(ours.item())


def test_uint8_targets_are_accepted_like_torch() -> None:
    logits = np.arange(6.0).reshape(2, 3)
    ours = F.cross_entropy(minitorch.tensor(logits), minitorch.tensor([0, 2], dtype=minitorch.uint8))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor([0, 2], dtype=torch.uint8))
    assert_close(ours, theirs)


# ----- errors -----
LOSSES = [F.cross_entropy, F.nll_loss]


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("bad_class", [3, -5])
def test_target_out_of_range_is_an_index_error(loss, bad_class: int) -> None:
    with pytest.raises(IndexError, match=f"Target {bad_class} is out of bounds"):
        loss(minitorch.zeros(2, 3), minitorch.tensor([0, bad_class]))


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("dtype", [minitorch.float32, minitorch.int32])
def test_targets_of_the_wrong_dtype_are_rejected(loss, dtype) -> None:
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte"):
        loss(minitorch.zeros(2, 3), minitorch.tensor([0, 1], dtype=dtype))


@pytest.mark.parametrize("loss", LOSSES)
def test_batch_size_mismatch_is_a_value_error(loss) -> None:
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target batch_size \(3\)"):
        loss(minitorch.zeros(4, 3), minitorch.tensor([0, 1, 2]))


@pytest.mark.parametrize("loss", LOSSES)
def test_multi_target_and_spatial_mismatch_are_runtime_errors(loss) -> None:
    with pytest.raises(RuntimeError, match="multi-target not supported"):
        loss(minitorch.zeros(2, 3), minitorch.tensor([[0], [1]]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 5\]"):
        loss(minitorch.zeros(2, 3, 4), minitorch.zeros(2, 5, dtype=minitorch.int64))
    with pytest.raises(RuntimeError, match="class dimension"):
        loss(minitorch.tensor(1.0), minitorch.tensor(0))


@pytest.mark.parametrize("loss", LOSSES)
def test_class_weights_of_the_wrong_size_are_rejected(loss) -> None:
    with pytest.raises(RuntimeError, match="for all 3 classes or no classes"):
        loss(minitorch.zeros(2, 3), minitorch.tensor([0, 1]), minitorch.ones(2))


@pytest.mark.parametrize("loss", LOSSES + [F.mse_loss])
def test_an_unknown_reduction_is_a_value_error(loss) -> None:
    target = minitorch.tensor([0, 1]) if loss is not F.mse_loss else minitorch.zeros(2, 3)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        loss(minitorch.zeros(2, 3), target, reduction="avg")


@pytest.mark.parametrize("module", [nn.CrossEntropyLoss, nn.NLLLoss, nn.MSELoss])
def test_loss_modules_reject_an_unknown_reduction(module) -> None:
    with pytest.raises(ValueError, match="elementwise is not a valid value for reduction"):
        module(reduction="elementwise")


@pytest.mark.parametrize("smoothing", [-0.1, 1.5])
def test_label_smoothing_outside_zero_one_is_rejected(smoothing: float) -> None:
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
        F.cross_entropy(minitorch.zeros(2, 3), minitorch.tensor([0, 1]), label_smoothing=smoothing)


def test_mse_loss_of_shapes_that_do_not_broadcast_is_a_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        F.mse_loss(minitorch.zeros(4, 10), minitorch.zeros(3, 10))


def test_legacy_positional_options_fail_loudly() -> None:
    with pytest.raises(TypeError):
        nn.CrossEntropyLoss(None, None, 3)
    with pytest.raises(TypeError):
        F.cross_entropy(minitorch.zeros(2, 3), minitorch.tensor([0, 1]), None, None, 3)

"""Loss layers of nn surface B: values against PyTorch's layers, reprs, edge cases and errors."""
import warnings

import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")


def both(array, requires_grad=False):
    return (minitorch.tensor(array, requires_grad=requires_grad),
            torch.tensor(np.asarray(array), requires_grad=requires_grad))


LAYERS = [
    ("BCELoss", {}, "prob", "unit"),
    ("BCEWithLogitsLoss", {}, "any", "unit"),
    ("L1Loss", {"reduction": "sum"}, "any", "any"),
    ("SmoothL1Loss", {"beta": 0.3}, "any", "any"),
    ("HuberLoss", {"delta": 0.4}, "any", "any"),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, "any", "any"),
    ("PoissonNLLLoss", {"full": True}, "any", "count"),
    ("SoftMarginLoss", {}, "any", "sign"),
    ("MultiLabelSoftMarginLoss", {"reduction": "none"}, "any", "unit"),
    ("HingeEmbeddingLoss", {"margin": 0.5}, "any", "sign"),
]


def draw(kind, rng, shape=(4, 3)):
    return {"prob": lambda: rng.uniform(0.05, 0.95, shape), "unit": lambda: rng.uniform(0, 1, shape),
            "any": lambda: rng.standard_normal(shape), "count": lambda: rng.integers(0, 5, shape).astype(float),
            "sign": lambda: rng.choice([-1.0, 1.0], shape)}[kind]()


@pytest.mark.parametrize("name, options, input_kind, target_kind", LAYERS, ids=[layer[0] for layer in LAYERS])
def test_layer_matches_pytorch(name, options, input_kind, target_kind):
    rng = np.random.default_rng(0)
    x, tx = both(draw(input_kind, rng), requires_grad=True)
    y, ty = both(draw(target_kind, rng))
    ours, theirs = getattr(nn, name)(**options), getattr(torch.nn, name)(**options)
    assert repr(ours) == repr(theirs)
    out, expected = ours(x, y), theirs(tx, ty)
    assert_close(out, expected)
    upstream = rng.standard_normal(expected.shape)
    out.backward(minitorch.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    assert_close(x.grad, tx.grad)


def test_three_input_layers_match_pytorch():
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((5, 3)) for _ in range(3)]
    ours = [minitorch.tensor(a) for a in arrays]
    theirs = [torch.tensor(a) for a in arrays]
    sign = rng.choice([-1, 1], 5)
    assert_close(nn.TripletMarginLoss(margin=2.0, swap=True)(*ours),
                 torch.nn.TripletMarginLoss(margin=2.0, swap=True)(*theirs))
    assert_close(nn.CosineEmbeddingLoss(0.2)(ours[0], ours[1], minitorch.tensor(sign)),
                 torch.nn.CosineEmbeddingLoss(0.2)(theirs[0], theirs[1], torch.tensor(sign)))
    assert_close(nn.MarginRankingLoss(0.1)(ours[0][:, 0], ours[1][:, 0], minitorch.tensor(sign)),
                 torch.nn.MarginRankingLoss(0.1)(theirs[0][:, 0], theirs[1][:, 0], torch.tensor(sign)))
    var = np.abs(arrays[2]) + 0.1
    assert_close(nn.GaussianNLLLoss(full=True)(ours[0], ours[1], minitorch.tensor(var)),
                 torch.nn.GaussianNLLLoss(full=True)(theirs[0], theirs[1], torch.tensor(var)))
    labels = rng.integers(0, 3, 5)
    weight = np.array([0.5, 1.0, 2.0])
    assert_close(nn.MultiMarginLoss(p=2, weight=minitorch.tensor(weight))(ours[0], minitorch.tensor(labels)),
                 torch.nn.MultiMarginLoss(p=2, weight=torch.tensor(weight))(theirs[0], torch.tensor(labels)))
    assert_close(nn.PairwiseDistance(p=1)(ours[0], ours[1]), torch.nn.PairwiseDistance(p=1)(theirs[0], theirs[1]))
    assert_close(nn.CosineSimilarity(dim=0)(ours[0], ours[1]), torch.nn.CosineSimilarity(dim=0)(theirs[0], theirs[1]))


def test_bce_clamps_log_at_minus_100():
    p, tp = both(np.array([0.0, 1.0, 0.0, 1.0]), requires_grad=True)
    y, ty = both(np.array([1.0, 0.0, 0.0, 1.0]))
    out = nn.functional.binary_cross_entropy(p, y, reduction="none")
    expected = torch.nn.functional.binary_cross_entropy(tp, ty, reduction="none")
    assert_close(out, expected)
    assert out.tolist() == [100.0, 100.0, 0.0, 0.0]
    out.sum().backward()
    expected.sum().backward()
    assert_close(p.grad, tp.grad)


def test_bce_with_logits_is_stable_for_large_logits():
    x, tx = both(np.array([-800.0, 800.0, 40.0]))
    y, ty = both(np.array([1.0, 0.0, 1.0]))
    pos = minitorch.tensor([3.0, 3.0, 3.0])
    assert_close(nn.functional.binary_cross_entropy_with_logits(x, y, reduction="none", pos_weight=pos),
                 torch.nn.functional.binary_cross_entropy_with_logits(tx, ty, reduction="none",
                                                                      pos_weight=torch.tensor([3.0] * 3)))


def test_float32_stays_float32():
    x = minitorch.rand(3, 2).float()
    y = minitorch.rand(3, 2).float()
    for loss in (nn.BCELoss(), nn.BCEWithLogitsLoss(), nn.L1Loss(), nn.SmoothL1Loss(), nn.HuberLoss()):
        assert loss(x, y).dtype == minitorch.float32


def test_empty_input_mean_is_nan_sum_is_zero():
    x, y = minitorch.zeros(0, 3), minitorch.zeros(0, 3)
    assert np.isnan(nn.L1Loss()(x, y).item())
    assert nn.L1Loss(reduction="sum")(x, y).item() == 0.0


def test_legacy_size_average_and_reduce():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.L1Loss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.BCELoss(reduce=False).reduction == "none"


def test_errors_as_pytorch():
    with pytest.raises(ValueError, match=r"target size \(torch.Size\(\[3\]\)\).*input size \(torch.Size\(\[2, 3\]\)\)"):
        nn.functional.binary_cross_entropy(minitorch.rand(2, 3), minitorch.rand(3))
    with pytest.raises(ValueError, match=r"Target size \(torch.Size\(\[2\]\)\) must be the same as input size"):
        nn.functional.binary_cross_entropy_with_logits(minitorch.rand(2, 3), minitorch.rand(2))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        nn.functional.binary_cross_entropy(minitorch.tensor([1.5]), minitorch.tensor([1.0]))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        nn.L1Loss(reduction="average")
    with pytest.raises(RuntimeError, match="negative values for beta"):
        nn.functional.smooth_l1_loss(minitorch.rand(2), minitorch.rand(2), beta=-1.0)
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        nn.functional.huber_loss(minitorch.rand(2), minitorch.rand(2), delta=0.0)
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(2\)"):
        nn.functional.l1_loss(minitorch.rand(3), minitorch.rand(2))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        nn.functional.gaussian_nll_loss(minitorch.rand(3, 2), minitorch.rand(3, 2), minitorch.rand(2))
    with pytest.raises(ValueError, match="negative entry"):
        nn.functional.gaussian_nll_loss(minitorch.rand(3), minitorch.rand(3), -minitorch.ones(3))
    with pytest.raises(ValueError, match="only p == 1 and p == 2"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(RuntimeError, match="inconsistent target size"):
        nn.functional.multilabel_margin_loss(minitorch.rand(2, 3), minitorch.zeros(2, 2).long())
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors, got: 3D"):
        nn.functional.pdist(minitorch.rand(2, 2, 2))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
        nn.functional.soft_margin_loss(minitorch.rand(2), minitorch.rand(2, requires_grad=True))
    with pytest.raises(ValueError, match="expected margin to be greater than 0"):
        nn.TripletMarginLoss(margin=0.0)


def test_broadcast_target_warns():
    with pytest.warns(UserWarning, match=r"target size \(torch.Size\(\[3\]\)\) that is different"):
        nn.functional.l1_loss(minitorch.rand(2, 3), minitorch.rand(3))


def test_kl_div_mean_warns_and_batchmean_divides_by_batch():
    x, tx = both(np.log(np.full((4, 2), 0.5)))
    y, ty = both(np.full((4, 2), 0.25))
    with pytest.warns(UserWarning, match="batchmean"):
        nn.functional.kl_div(x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_close(nn.functional.kl_div(x, y, reduction="batchmean"),
                     torch.nn.functional.kl_div(tx, ty, reduction="batchmean"))


def test_weights_are_buffers():
    loss = nn.BCEWithLogitsLoss(weight=minitorch.ones(3), pos_weight=minitorch.ones(3))
    assert list(loss.state_dict()) == ["weight", "pos_weight"]


def test_poisson_full_target_gradient_at_zero_is_nan_as_pytorch():
    x, tx = both(np.zeros(2), requires_grad=True)
    y, ty = both(np.array([0.0, 0.5]), requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        nn.functional.poisson_nll_loss(x, y, full=True, reduction="sum").backward()
    torch.nn.functional.poisson_nll_loss(tx, ty, full=True, reduction="sum").backward()
    assert_close(y.grad, ty.grad)
    assert np.isnan(y.grad.numpy()[0])


@pytest.mark.parametrize("name, extra", [("nll_loss", ()), ("cross_entropy", ()), ("mse_loss", ()),
                                         ("l1_loss", ()), ("binary_cross_entropy", ()), ("soft_margin_loss", ())])
@pytest.mark.parametrize("flags", [{"size_average": False}, {"reduce": False}, {"size_average": True, "reduce": True}])
def test_functional_losses_take_the_legacy_flags(name, extra, flags):
    rng = np.random.default_rng(0)
    if name in ("nll_loss", "cross_entropy"):
        x, y = rng.standard_normal((4, 3)), rng.integers(0, 3, 4)
    else:
        x, y = rng.uniform(0.1, 0.9, (4, 3)), rng.choice([0.0, 1.0], (4, 3))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        out = getattr(nn.functional, name)(minitorch.tensor(x), minitorch.tensor(y), **flags)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = getattr(torch.nn.functional, name)(torch.tensor(x), torch.tensor(y), **flags)
    assert_close(out, expected)


def test_cross_entropy_layer_takes_the_legacy_flags():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert nn.CrossEntropyLoss(size_average=False).reduction == "sum"
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.NLLLoss(reduce=False, ignore_index=1).reduction == "none"

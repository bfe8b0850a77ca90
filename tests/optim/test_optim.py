"""Optimizers against PyTorch: the same parameters and the same stream of gradients must give the
same trajectory, for every option, in float64 (to rounding) and float32 (to ~1e-6).

Gradients are assigned to ``.grad`` directly, so these tests need neither ``nn`` nor backward.
"""
import itertools
import warnings

import numpy as np
import pytest

import minitorch
import minitorch.optim as optim
from minitorch.nn.parameter import Parameter

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (4,), (2, 3, 2)]
STEPS = 50
TOLERANCE = {np.float64: dict(rtol=1e-12, atol=1e-14), np.float32: dict(rtol=1e-6, atol=1e-6)}


def initial_values(dtype, shapes=SHAPES):
    rng = np.random.default_rng(1)
    return [rng.standard_normal(shape).astype(dtype) for shape in shapes]


def gradient_stream(dtype, steps=STEPS, shapes=SHAPES, skip=None):
    """``steps`` lists of gradients; ``skip(step, index)`` True leaves that gradient None."""
    rng = np.random.default_rng(2)
    stream = [[rng.standard_normal(shape).astype(dtype) for shape in shapes] for _ in range(steps)]
    if skip is not None:
        stream = [[None if skip(t, i) else g for i, g in enumerate(grads)] for t, grads in enumerate(stream)]
    return stream


class Lib:
    """Drive minitorch or torch through one interface: make params, set grads, read values."""

    def __init__(self, name):
        self.name = name
        self.optim = optim if name == "minitorch" else torch.optim

    def params(self, arrays):
        if self.name == "minitorch":
            return [Parameter(minitorch.tensor(a)) for a in arrays]
        return [torch.nn.Parameter(torch.tensor(a)) for a in arrays]

    def set_grads(self, params, grads):
        make = minitorch.tensor if self.name == "minitorch" else torch.tensor
        for p, g in zip(params, grads):
            p.grad = None if g is None else make(g)

    @staticmethod
    def values(params):
        return [p.detach().numpy().copy() for p in params]


MT, TORCH = Lib("minitorch"), Lib("torch")


def trajectory(lib, make_optimizer, dtype, stream=None, steps=STEPS):
    """Parameter values after each step of ``make_optimizer(lib.optim, params)``."""
    params = lib.params(initial_values(dtype))
    optimizer = make_optimizer(lib.optim, params)
    values = []
    for grads in stream or gradient_stream(dtype, steps):
        lib.set_grads(params, grads)
        optimizer.step()
        values.append(lib.values(params))
    return values


def assert_same_trajectory(make_optimizer, dtype, stream=None):
    ours = trajectory(MT, make_optimizer, dtype, stream)
    theirs = trajectory(TORCH, make_optimizer, dtype, stream)
    for step, (mine, reference) in enumerate(zip(ours, theirs)):
        for a, b in zip(mine, reference):
            assert a.dtype == b.dtype
            np.testing.assert_allclose(a, b, **TOLERANCE[dtype], err_msg=f"step {step}")


def sgd_cases():
    for momentum, dampening, weight_decay, nesterov, maximize in itertools.product(
        (0, 0.9), (0, 0.5), (0, 1e-2), (False, True), (False, True)
    ):
        if nesterov and (momentum == 0 or dampening != 0):
            continue
        yield dict(momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                   nesterov=nesterov, maximize=maximize)


ADAM_CASES = [
    dict(amsgrad=amsgrad, weight_decay=weight_decay, maximize=maximize)
    for amsgrad, weight_decay, maximize in itertools.product((False, True), (0, 0.1), (False, True))
]
DTYPES = [np.float64, np.float32]


# ----- trajectories -----
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", list(sgd_cases()), ids=str)
def test_sgd_matches_torch(options, dtype):
    assert_same_trajectory(lambda lib, params: lib.SGD(params, lr=0.05, **options), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("options", ADAM_CASES, ids=str)
def test_adam_matches_torch(name, options, dtype):
    assert_same_trajectory(lambda lib, params: getattr(lib, name)(params, lr=0.01, **options), dtype)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_defaults_match_torch(name):
    assert_same_trajectory(lambda lib, params: getattr(lib, name)(params), np.float32)


def groups_with_different_lrs(lib_optim, params, name, **options):
    groups = [{"params": params[:1], "lr": 0.1}, {"params": params[1:]}]
    return getattr(lib_optim, name)(groups, lr=0.01, **options)


@pytest.mark.parametrize("name, options", [("SGD", dict(momentum=0.9)), ("Adam", dict(amsgrad=True))])
def test_param_groups_with_different_lrs_match_torch(name, options):
    assert_same_trajectory(lambda lib, params: groups_with_different_lrs(lib, params, name, **options), np.float64)


@pytest.mark.parametrize("name, options", [("SGD", dict(momentum=0.9)), ("Adam", {}), ("AdamW", {})])
def test_params_without_grad_are_skipped_like_torch(name, options):
    stream = gradient_stream(np.float64, skip=lambda step, index: index == 1 and step % 3 != 2)
    assert_same_trajectory(lambda lib, params: getattr(lib, name)(params, lr=0.05, **options), np.float64, stream)


def test_param_without_grad_is_untouched_and_gets_no_state():
    a, b = MT.params(initial_values(np.float32)[:2])
    before = b.detach().numpy().copy()
    optimizer = optim.Adam([a, b])
    a.grad = minitorch.ones_like(a)
    optimizer.step()
    np.testing.assert_array_equal(b.detach().numpy(), before)
    assert b not in optimizer.state and b._version == 0
    assert a._version == 1


def test_add_param_group_matches_torch():
    def make(lib_optim, params):
        optimizer = lib_optim.SGD(params[:2], lr=0.01, momentum=0.9)
        optimizer.add_param_group({"params": params[2], "lr": 0.2})
        return optimizer

    assert_same_trajectory(make, np.float64)


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_float32_stays_float32_with_numpy_float64_hyperparameters(name):
    p = Parameter(minitorch.ones(3))
    optimizer = getattr(optim, name)([p], lr=np.float64(0.1))
    if name == "SGD":
        optimizer.param_groups[0]["momentum"] = np.float64(0.9)
    for _ in range(2):
        p.grad = minitorch.ones(3)
        optimizer.step()
    assert p.dtype == minitorch.float32
    assert all(t.dtype == minitorch.float32 for t in optimizer.state[p].values() if t.ndim > 0)


def test_adam_step_count_is_a_cpu_float32_tensor_like_torch():
    p = Parameter(minitorch.ones(2))
    optimizer = optim.Adam([p])
    for _ in range(3):
        p.grad = minitorch.ones(2)
        optimizer.step()
    step = optimizer.state[p]["step"]
    assert isinstance(step, minitorch.Tensor) and step.dtype == minitorch.float32 and step.item() == 3


def test_step_returns_the_closure_loss_computed_with_grad_enabled():
    p = Parameter(minitorch.tensor([1.0, -2.0]))
    optimizer = optim.SGD([p], lr=0.1)

    def closure():
        optimizer.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with minitorch.no_grad():
        loss = optimizer.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8, -1.6], rtol=1e-6)


def test_step_bumps_the_version_so_a_stale_graph_is_detected():
    p = Parameter(minitorch.tensor([1.0, 2.0]))
    optimizer = optim.SGD([p], lr=0.1)
    loss = (p * p).sum()
    p.grad = minitorch.ones(2)
    optimizer.step()
    assert p._version == 1
    with pytest.raises(RuntimeError):
        loss.backward()


def test_base_optimizer_step_is_abstract():
    with pytest.raises(NotImplementedError):
        optim.Optimizer([Parameter(minitorch.ones(1))], {}).step()


def test_repr_lists_each_group_options():
    text = repr(optim.SGD([Parameter(minitorch.ones(1))], lr=0.01, momentum=0.9))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.01" in text and "momentum: 0.9" in text


# ----- zero_grad -----
def test_zero_grad_sets_grads_to_none_by_default():
    params = MT.params(initial_values(np.float32))
    MT.set_grads(params, gradient_stream(np.float32, 1)[0])
    optim.SGD(params).zero_grad()
    assert all(p.grad is None for p in params)


def test_zero_grad_without_set_to_none_zeroes_the_same_tensor_and_detaches_it():
    p, q = Parameter(minitorch.ones(3)), Parameter(minitorch.ones(3))
    p.grad = q * 2  # a gradient with history, as create_graph=True would leave
    grad = p.grad
    optimizer = optim.SGD([p, Parameter(minitorch.ones(1))])
    optimizer.zero_grad(set_to_none=False)
    assert p.grad is grad and p.grad.grad_fn is None and not p.grad.requires_grad
    np.testing.assert_array_equal(p.grad.numpy(), np.zeros(3, np.float32))
    assert optimizer.param_groups[0]["params"][1].grad is None


# ----- state_dict -----
def trained(name, steps=3, **options):
    params = MT.params(initial_values(np.float64))
    optimizer = getattr(optim, name)(params, lr=0.05, **options)
    for grads in gradient_stream(np.float64, steps):
        MT.set_grads(params, grads)
        optimizer.step()
    return params, optimizer


def test_state_dict_has_torchs_layout():
    optimizers = []
    for lib in (MT, TORCH):
        params = lib.params(initial_values(np.float64))
        optimizers.append(lib.optim.SGD([{"params": params[:1], "lr": 0.1}, {"params": params[1:]}],
                                        lr=0.05, momentum=0.9))
        lib.set_grads(params, gradient_stream(np.float64, 1)[0])
        optimizers[-1].step()
    mine, reference = (optimizer.state_dict() for optimizer in optimizers)
    assert list(mine) == ["state", "param_groups"]
    assert mine["state"].keys() == reference["state"].keys() == {0, 1, 2}
    for index in range(3):
        np.testing.assert_allclose(
            mine["state"][index]["momentum_buffer"].numpy(), reference["state"][index]["momentum_buffer"].numpy()
        )
    for group, torch_group in zip(mine["param_groups"], reference["param_groups"]):
        assert group == {k: v for k, v in torch_group.items() if k in group}
    assert [g["params"] for g in mine["param_groups"]] == [[0], [1, 2]]


@pytest.mark.parametrize("name, options", [("SGD", dict(momentum=0.9)), ("Adam", dict(amsgrad=True))])
def test_load_state_dict_continues_exactly(name, options):
    params, optimizer = trained(name, **options)
    copies = MT.params(Lib.values(params))
    restored = getattr(optim, name)(copies, lr=1.0)  # options come from the state dict
    restored.load_state_dict(optimizer.state_dict())
    assert restored.param_groups[0]["lr"] == 0.05
    for grads in gradient_stream(np.float64, 5):
        for ps, opt in ((params, optimizer), (copies, restored)):
            MT.set_grads(ps, grads)
            opt.step()
    for a, b in zip(Lib.values(params), Lib.values(copies)):
        np.testing.assert_array_equal(a, b)


def test_load_state_dict_copies_tensors_and_casts_them_to_the_param_dtype():
    params, optimizer = trained("Adam")
    state_dict = optimizer.state_dict()
    floats = MT.params([a.astype(np.float32) for a in Lib.values(params)])
    restored = optim.Adam(floats)
    restored.load_state_dict(state_dict)
    exp_avg = restored.state[floats[0]]["exp_avg"]
    assert exp_avg.dtype == minitorch.float32
    assert exp_avg is not state_dict["state"][0]["exp_avg"]
    step = restored.state[floats[0]]["step"]
    assert step.item() == 3 and step is not state_dict["state"][0]["step"]


@pytest.mark.parametrize("name, options", [("SGD", dict(momentum=0.9)), ("Adam", dict(amsgrad=True))])
def test_resume_from_a_saved_checkpoint_equals_uninterrupted_training(tmp_path, name, options):
    stream = gradient_stream(np.float32, 20)

    def train(params, optimizer, grads_list):
        for grads in grads_list:
            MT.set_grads(params, grads)
            optimizer.step()

    params = MT.params(initial_values(np.float32))
    optimizer = getattr(optim, name)(params, lr=0.05, **options)
    train(params, optimizer, stream)

    first = MT.params(initial_values(np.float32))
    first_optimizer = getattr(optim, name)(first, lr=0.05, **options)
    train(first, first_optimizer, stream[:10])
    minitorch.save({"params": [p.detach() for p in first], "optimizer": first_optimizer.state_dict(), "epoch": 10},
                   tmp_path / "checkpoint.npz")

    checkpoint = minitorch.load(tmp_path / "checkpoint.npz")
    resumed = [Parameter(t) for t in checkpoint["params"]]
    resumed_optimizer = getattr(optim, name)(resumed, lr=0.05, **options)
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    train(resumed, resumed_optimizer, stream[checkpoint["epoch"]:])
    for a, b in zip(Lib.values(params), Lib.values(resumed)):
        np.testing.assert_array_equal(a, b)


def test_load_state_dict_rejects_a_different_number_of_groups():
    _, optimizer = trained("SGD", momentum=0.9)
    params = MT.params(initial_values(np.float64))
    other = optim.SGD([{"params": params[:1]}, {"params": params[1:]}])
    with pytest.raises(ValueError, match="different number of parameter groups"):
        other.load_state_dict(optimizer.state_dict())


def test_load_state_dict_rejects_a_group_of_another_size():
    _, optimizer = trained("SGD", momentum=0.9)
    other = optim.SGD(MT.params(initial_values(np.float64)[:2]))
    with pytest.raises(ValueError, match="doesn't match the size"):
        other.load_state_dict(optimizer.state_dict())


def test_load_state_dict_rejects_state_of_another_shape():
    _, optimizer = trained("SGD", momentum=0.9)
    shapes = [(4, 3), (4,), (2, 3, 2)]
    other = optim.SGD(MT.params(initial_values(np.float64, shapes)))
    with pytest.raises(ValueError, match="shape"):
        other.load_state_dict(optimizer.state_dict())


@pytest.mark.parametrize("bad", [{}, {"state": {}}, [1, 2]])
def test_load_state_dict_rejects_something_else(bad):
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        optim.SGD([Parameter(minitorch.ones(1))]).load_state_dict(bad)


# ----- constructor errors -----
def test_empty_parameter_list_is_an_error():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([])


def test_a_single_tensor_instead_of_a_list_is_an_error():
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(Parameter(minitorch.ones(1)))


def test_parameters_must_be_tensors():
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([np.ones(3)])


def test_non_leaf_tensors_are_rejected():
    p = Parameter(minitorch.ones(2))
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2])


def test_a_set_of_parameters_is_rejected():
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD({Parameter(minitorch.ones(1))})
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {Parameter(minitorch.ones(1))}}])


def test_duplicate_parameters_warn():
    p = Parameter(minitorch.ones(1))
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([p, p])


def test_a_parameter_in_two_groups_is_rejected():
    p = Parameter(minitorch.ones(1))
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [p]}])


def test_add_param_group_needs_a_dict():
    optimizer = optim.SGD([Parameter(minitorch.ones(1))])
    with pytest.raises(TypeError, match="param_group must be a dict"):
        optimizer.add_param_group([Parameter(minitorch.ones(1))])


@pytest.mark.parametrize("options, message", [
    (dict(lr=-0.1), "Invalid learning rate"),
    (dict(momentum=-0.5), "Invalid momentum value"),
    (dict(weight_decay=-1e-4), "Invalid weight_decay value"),
    (dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    (dict(nesterov=True, momentum=0.9, dampening=0.1), "Nesterov momentum requires"),
])
def test_sgd_rejects_invalid_options(options, message):
    with pytest.raises(ValueError, match=message):
        optim.SGD([Parameter(minitorch.ones(1))], **options)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("options, message", [
    (dict(lr=-0.1), "Invalid learning rate"),
    (dict(eps=-1e-8), "Invalid epsilon value"),
    (dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0"),
    (dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1"),
    (dict(weight_decay=-1e-2), "Invalid weight_decay value"),
])
def test_adam_rejects_invalid_options(name, options, message):
    with pytest.raises(ValueError, match=message):
        getattr(optim, name)([Parameter(minitorch.ones(1))], **options)


# ----- devices -----
@pytest.mark.parametrize("name, options", [("SGD", dict(momentum=0.9, nesterov=True)), ("Adam", dict(amsgrad=True))])
def test_update_on_each_backend_equals_the_cpu_update(backend, name, options):
    values, grads = initial_values(np.float32), gradient_stream(np.float32, 5)
    results = []
    for device in ("cpu", backend):
        params = [Parameter(minitorch.tensor(a, device=device)) for a in values]
        optimizer = getattr(optim, name)(params, lr=0.05, **options)
        for step in grads:
            for p, g in zip(params, step):
                p.grad = minitorch.tensor(g, device=device)
            optimizer.step()
        assert all(p.device.type == device for p in params)
        results.append([p.detach().cpu().numpy() for p in params])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_no_warnings_in_a_normal_step():
    params = MT.params(initial_values(np.float32))
    optimizer = optim.AdamW(params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MT.set_grads(params, gradient_stream(np.float32, 1)[0])
        optimizer.step()

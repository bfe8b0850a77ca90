"""Attention against PyTorch (float64, copied weights): ``F.scaled_dot_product_attention`` on
hypothesis-drawn shapes and masks, ``nn.MultiheadAttention`` in every configuration, the Transformer
layers, stacks and model; outputs and every gradient (inputs, masks, weights); errors."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.testing import assert_close
from tests.parity import copy_weights

torch = pytest.importorskip("torch")

SEEDS = st.integers(0, 2**32 - 1)
pytestmark = pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")  # PyTorch's, about its speed


def leaf(array, backend="cpu", grad=True):
    return (minitorch.tensor(array, requires_grad=grad, device=backend),
            torch.tensor(array, requires_grad=grad))


def compare(ours, theirs, leaves, rng, backend="cpu"):
    """Outputs equal; one random upstream gradient through both; every leaf's gradient equal."""
    ours = [t for t in ours if t is not None]
    theirs = [t for t in theirs if t is not None]
    for i, (mine, reference) in enumerate(zip(ours, theirs)):
        assert_close(mine, reference, msg=f"output {i}")
    upstream = [rng.standard_normal(tuple(t.shape)) for t in theirs]
    torch.autograd.backward(theirs, [torch.tensor(g) for g in upstream])
    minitorch.autograd.backward(ours, [minitorch.tensor(g, device=backend) for g in upstream])
    for i, (mine, reference) in enumerate(leaves):
        if reference.requires_grad:
            assert_close(mine.grad, reference.grad, msg=f"gradient {i}")


# ----- F.scaled_dot_product_attention -----
@settings(max_examples=20)
@given(st.lists(st.integers(1, 2), max_size=2), st.integers(1, 4), st.integers(1, 4), st.integers(1, 3),
       st.integers(1, 3), st.sampled_from(["none", "bool", "float", "causal"]),
       st.one_of(st.none(), st.floats(0.1, 2.0)), SEEDS)
def test_sdpa_matches_torch(backend, batch, steps, keys, embed, value_embed, mask_kind, scale, seed):
    rng = np.random.default_rng(seed)
    q, k, v = (leaf(rng.standard_normal(shape), backend) for shape in
               ((*batch, steps, embed), (*batch, keys, embed), (*batch, keys, value_embed)))
    leaves, options = [q, k, v], {"scale": scale}
    if mask_kind == "bool":
        allowed = rng.random((steps, keys)) > 0.4
        allowed[0] = False  # a query that may see nothing: zeros, as PyTorch's CPU kernel
        options["attn_mask"] = (minitorch.tensor(allowed, device=backend), torch.tensor(allowed))
    elif mask_kind == "float":
        mask = leaf(rng.standard_normal((steps, keys)), backend)
        options["attn_mask"] = mask
        leaves.append(mask)
    elif mask_kind == "causal":
        options["is_causal"] = True
    ours = F.scaled_dot_product_attention(q[0], k[0], v[0], **{name: value[0] if isinstance(value, tuple) else value
                                                               for name, value in options.items()})
    theirs = torch.nn.functional.scaled_dot_product_attention(
        q[1], k[1], v[1], **{name: value[1] if isinstance(value, tuple) else value for name, value in options.items()})
    compare([ours], [theirs], leaves, rng, backend)


def test_sdpa_grouped_query_heads_and_broadcast_batch(rng):
    q, k, v = (leaf(rng.standard_normal(shape)) for shape in ((2, 4, 3, 5), (2, 2, 6, 5), (2, 2, 6, 3)))
    compare([F.scaled_dot_product_attention(q[0], k[0], v[0], enable_gqa=True)],
            [torch.nn.functional.scaled_dot_product_attention(q[1], k[1], v[1], enable_gqa=True)], [q, k, v], rng)
    q, k, v = (leaf(rng.standard_normal(shape)) for shape in ((2, 3, 4), (1, 5, 4), (5, 2)))
    compare([F.scaled_dot_product_attention(q[0], k[0], v[0])],
            [torch.nn.functional.scaled_dot_product_attention(q[1], k[1], v[1])], [q, k, v], rng)


def test_sdpa_dropout_drops_weights_and_keeps_the_mean(rng):
    """Dropout's mask comes from minitorch's generator (PyTorch's cannot be reproduced): check that
    weights are zeroed at rate p and rescaled by 1/(1−p), and that the gradient flows through the same mask."""
    q = minitorch.tensor(np.zeros((1, 400, 2)), requires_grad=True)
    v = minitorch.tensor(np.ones((1, 50, 1)))
    out = F.scaled_dot_product_attention(q, minitorch.tensor(np.zeros((1, 50, 2))), v, dropout_p=0.25)
    values = out.detach().numpy().ravel()  # each row: (kept keys / 50) / 0.75
    assert abs(values.mean() - 1.0) < 0.05
    assert np.all(np.isclose(values * 0.75 * 50, np.round(values * 0.75 * 50)))
    out.sum().backward()
    assert q.grad.shape == q.shape
    assert minitorch.equal(F.scaled_dot_product_attention(q, q, q, dropout_p=1.0), minitorch.zeros(1, 400, 2,
                                                                                                   dtype=minitorch.float64))


@settings(max_examples=10)
@given(st.integers(1, 3), st.integers(1, 3), st.sampled_from(["float", "causal", "gqa"]), SEEDS)
def test_sdpa_gradcheck(steps, keys, kind, seed):
    """Finite differences through the fused op: Q, K, V and a float mask (or the causal mask, or
    grouped-query heads)."""
    rng = np.random.default_rng(seed)
    heads = (4, 2) if kind == "gqa" else (1, 1)

    def leaf_of(*shape):
        return minitorch.tensor(rng.standard_normal(shape), requires_grad=True)

    q, k, v = leaf_of(heads[0], steps, 2), leaf_of(heads[1], keys, 2), leaf_of(heads[1], keys, 3)
    if kind == "float":
        mask = leaf_of(steps, keys)
        assert minitorch.gradcheck(lambda *a: F.scaled_dot_product_attention(*a[:3], attn_mask=a[3], scale=0.7),
                                   (q, k, v, mask))
    else:
        options = {"is_causal": True} if kind == "causal" else {"enable_gqa": True}
        assert minitorch.gradcheck(lambda *a: F.scaled_dot_product_attention(*a, **options), (q, k, v))


def test_sdpa_keeps_float32(rng):
    q = minitorch.tensor(rng.standard_normal((2, 3, 4)).astype(np.float32))
    assert F.scaled_dot_product_attention(q, q, q, is_causal=True).dtype == minitorch.float32


SDPA_ERRORS = [
    (((2, 3, 4), (2, 5, 3), (2, 5, 6)), {}, "same embedding size E, got 4 and 3"),
    (((2, 3, 4), (2, 5, 4), (2, 4, 6)), {}, "same sequence length S, got 5 and 4"),
    (((3, 4), (5, 4), (5,)), {}, "at least 2 dimensional"),
    (((2, 3, 4), (2, 5, 4), (2, 5, 6)), {"attn_mask": np.ones((4, 5), bool)}, r"attn_mask of shape \[4, 5\]"),
    (((2, 3, 4), (2, 5, 4), (2, 5, 6)), {"attn_mask": np.ones((3, 5), bool), "is_causal": True},
     "Explicit attn_mask should not be set when is_causal=True"),
    (((2, 3, 3, 4), (2, 2, 5, 4), (2, 2, 5, 6)), {"enable_gqa": True}, "3 query heads are not a multiple of the 2"),
]


@pytest.mark.parametrize("shapes, options, message", SDPA_ERRORS)
def test_sdpa_errors_name_the_shapes(shapes, options, message):
    options = {k: minitorch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    with pytest.raises(RuntimeError, match=message):
        F.scaled_dot_product_attention(*(minitorch.zeros(*s) for s in shapes), **options)
    with pytest.raises(RuntimeError, match="same dtype"):
        F.scaled_dot_product_attention(minitorch.zeros(2, 3), minitorch.zeros(2, 3, dtype=minitorch.float64),
                                       minitorch.zeros(2, 3))


# ----- nn.MultiheadAttention -----
MHA_CASES = [
    (dict(), dict(), "cross"),
    (dict(batch_first=True), dict(), "self"),
    (dict(kdim=3, vdim=6), dict(), "cross"),
    (dict(), dict(average_attn_weights=False), "cross"),
    (dict(), dict(need_weights=False), "self"),
    (dict(bias=False), dict(), "cross"),
    (dict(add_bias_kv=True, add_zero_attn=True), dict(), "cross"),
    (dict(), dict(masks=("key_padding_mask",)), "cross"),
    (dict(), dict(masks=("attn_mask", "key_padding_mask")), "cross"),
    (dict(add_bias_kv=True), dict(masks=("float_attn_mask_3d", "key_padding_mask")), "cross"),
    (dict(), dict(masks=("causal",), is_causal=True), "self"),
    (dict(batch_first=True), dict(masks=("float_key_padding_mask",), need_weights=False), "self"),
    (dict(), dict(), "unbatched"),
]


@pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask")  # PyTorch's deprecation, not ours
@pytest.mark.parametrize("options, call, kind", MHA_CASES, ids=str)
def test_multihead_attention_matches_torch(options, call, kind, rng):
    call = dict(call)
    theirs = torch.nn.MultiheadAttention(4, 2, **options).double()
    ours = nn.MultiheadAttention(4, 2, **options).double()
    copy_weights(theirs, ours)
    steps, keys, batch = 3, (3 if kind == "self" else 5), 2
    first = options.get("batch_first", False)

    def shape(length, features):
        if kind == "unbatched":
            return (length, features)
        return (batch, length, features) if first else (length, batch, features)

    query = leaf(rng.standard_normal(shape(steps, 4)))
    if kind == "self":
        leaves, args = [query], (query, query, query)
    else:
        key = leaf(rng.standard_normal(shape(keys, options.get("kdim", 4))))
        value = leaf(rng.standard_normal(shape(keys, options.get("vdim", 4))))
        leaves, args = [query, key, value], (query, key, value)
    masks = {}
    for name in call.pop("masks", ()):
        if name == "key_padding_mask":
            padding = np.zeros((batch, keys), bool)
            padding[0, -1], padding[1, 1] = True, True
            masks[name] = leaf(padding, grad=False)
        elif name == "float_key_padding_mask":
            masks["key_padding_mask"] = leaf(rng.standard_normal((batch, keys)))
            leaves.append(masks["key_padding_mask"])
        elif name == "attn_mask":
            blocked = rng.random((steps, keys)) > 0.6
            blocked[:, 0] = False
            masks[name] = leaf(blocked, grad=False)
        elif name == "float_attn_mask_3d":
            masks["attn_mask"] = leaf(rng.standard_normal((batch * 2, steps, keys)))
            leaves.append(masks["attn_mask"])
        elif name == "causal":
            masks["attn_mask"] = (nn.Transformer.generate_square_subsequent_mask(steps, dtype=minitorch.float64),
                                  torch.nn.Transformer.generate_square_subsequent_mask(steps, dtype=torch.float64))
    ours_out = ours(*(a[0] for a in args), **{k: v[0] for k, v in masks.items()}, **call)
    theirs_out = theirs(*(a[1] for a in args), **{k: v[1] for k, v in masks.items()}, **call)
    assert (ours_out[1] is None) == (theirs_out[1] is None)
    compare(list(ours_out), list(theirs_out), leaves + list(zip(ours.parameters(), theirs.parameters())), rng)


def test_multihead_attention_weights_layout_and_init():
    ours, theirs = nn.MultiheadAttention(6, 3, kdim=2, vdim=5), torch.nn.MultiheadAttention(6, 3, kdim=2, vdim=5)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    same = nn.MultiheadAttention(6, 3, add_bias_kv=True)
    assert [k for k in same.state_dict()] == [k for k in torch.nn.MultiheadAttention(6, 3, add_bias_kv=True).state_dict()]
    assert float(same.in_proj_bias.abs().max()) == 0 and float(same.out_proj.bias.abs().max()) == 0
    assert float(same.in_proj_weight.abs().max()) <= np.sqrt(6 / (6 + 18))  # Xavier-uniform bound of (18, 6)
    assert repr(same) == repr(torch.nn.MultiheadAttention(6, 3, add_bias_kv=True))


MHA_ERRORS = [
    (lambda: nn.MultiheadAttention(5, 2), AssertionError, "embed_dim must be divisible by num_heads"),
    (lambda: nn.MultiheadAttention(0, 2), ValueError, "embed_dim=0 and num_heads=2"),
    (lambda: nn.MultiheadAttention(4, 2)(*[minitorch.zeros(3, 2, 5)] * 3), AssertionError,
     "expecting embedding dimension of 4, but got 5"),
    (lambda: nn.MultiheadAttention(4, 2)(minitorch.zeros(3, 2, 4), minitorch.zeros(5, 2, 4), minitorch.zeros(5, 2, 4),
                                         attn_mask=minitorch.zeros(3, 4)), RuntimeError,
     r"The shape of the 2D attn_mask is \[3, 4\], but should be \(3, 5\)"),
    (lambda: nn.MultiheadAttention(4, 2)(*[minitorch.zeros(3, 2, 4)] * 3, key_padding_mask=minitorch.zeros(2, 4)),
     AssertionError, r"expecting key_padding_mask shape of \(2, 3\), but got \[2, 4\]"),
    (lambda: nn.MultiheadAttention(4, 2)(minitorch.zeros(3, 2, 4), minitorch.zeros(3, 4), minitorch.zeros(3, 4)),
     AssertionError, "expected `key` and `value` to be 3-D but found 2-D and 2-D"),
    (lambda: nn.MultiheadAttention(4, 2)(*[minitorch.zeros(3, 2, 4)] * 3, is_causal=True), RuntimeError,
     "Need attn_mask if specifying the is_causal hint"),
    (lambda: nn.MultiheadAttention(4, 2)(*[minitorch.zeros(1, 3, 2, 4)] * 3), AssertionError,
     "unbatched 2D or batched 3D tensor but received 4-D"),
]


@pytest.mark.parametrize("call, error, message", MHA_ERRORS)
def test_multihead_attention_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- Transformer layers -----
LAYER_OPTIONS = [dict(), dict(norm_first=True, activation="gelu"), dict(batch_first=True, bias=False)]


def build(lib, kind, options):
    layer_options = dict(dim_feedforward=6, dropout=0.0, **options)
    if kind == "encoder":
        return lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(4, 2, **layer_options), 2,
                                         norm=lib.nn.LayerNorm(4))
    if kind == "decoder":
        return lib.nn.TransformerDecoder(lib.nn.TransformerDecoderLayer(4, 2, **layer_options), 2)
    return lib.nn.Transformer(4, 2, 1, 2, **layer_options)


@pytest.mark.parametrize("kind", ["encoder", "decoder", "transformer"])
@pytest.mark.parametrize("options", LAYER_OPTIONS, ids=str)
def test_transformer_stacks_match_torch(kind, options, rng):
    """Training mode with dropout 0 (PyTorch's evaluation fast path turns padded positions into zeros
    through nested tensors; minitorch computes them like any other position)."""
    theirs, ours = build(torch, kind, options).double(), build(minitorch, kind, options).double()
    copy_weights(theirs, ours)
    first = options.get("batch_first", False)
    src = leaf(rng.standard_normal((2, 5, 4) if first else (5, 2, 4)))
    tgt = leaf(rng.standard_normal((2, 3, 4) if first else (3, 2, 4)))
    padding = np.zeros((2, 5), bool)
    padding[1, 3:] = True
    pad = leaf(padding, grad=False)
    causal = (nn.Transformer.generate_square_subsequent_mask(3, dtype=minitorch.float64),
              torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64))
    leaves = list(zip(ours.parameters(), theirs.parameters()))
    if kind == "encoder":
        ours_out, theirs_out = ours(src[0], src_key_padding_mask=pad[0]), theirs(src[1], src_key_padding_mask=pad[1])
        leaves.append(src)
    elif kind == "decoder":
        ours_out = ours(tgt[0], src[0], tgt_mask=causal[0], memory_key_padding_mask=pad[0], tgt_is_causal=True)
        theirs_out = theirs(tgt[1], src[1], tgt_mask=causal[1], memory_key_padding_mask=pad[1], tgt_is_causal=True)
        leaves += [src, tgt]
    else:
        ours_out = ours(src[0], tgt[0], tgt_mask=causal[0], src_key_padding_mask=pad[0],
                        memory_key_padding_mask=pad[0])
        theirs_out = theirs(src[1], tgt[1], tgt_mask=causal[1], src_key_padding_mask=pad[1],
                            memory_key_padding_mask=pad[1])
        leaves += [src, tgt]
    compare([ours_out], [theirs_out], leaves, rng)


def test_transformer_structure_matches_torch():
    for make in (lambda lib: lib.nn.TransformerEncoderLayer(4, 2, 8), lambda lib: lib.nn.TransformerDecoderLayer(4, 2, 8),
                 lambda lib: lib.nn.Transformer(4, 2, 1, 1, 8)):
        ours, theirs = make(minitorch), make(torch)
        assert repr(ours) == repr(theirs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
               [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    stack = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8), 2)
    assert stack.layers[0].linear1.weight is not stack.layers[1].linear1.weight


def test_generate_square_subsequent_mask():
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    assert mask.dtype == minitorch.float32
    assert_close(mask, torch.nn.Transformer.generate_square_subsequent_mask(4))


def test_transformer_errors():
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")
    model = nn.Transformer(4, 2, 1, 1, 8)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(minitorch.zeros(3, 2, 4), minitorch.zeros(3, 3, 4))
    with pytest.raises(RuntimeError, match="feature number of src and tgt must be equal to d_model"):
        model(minitorch.zeros(3, 2, 4), minitorch.zeros(3, 2, 5))

"""minitorch.transforms: each transform against its definition, on one image and on a batch."""

import numpy as np
import pytest

import minitorch
import minitorch.transforms as T

torch = pytest.importorskip("torch")


def uint8_images(*shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def seeded(seed):
    return minitorch.Generator().manual_seed(seed)


# ----- ToTensor -----


def test_to_tensor_scales_uint8_hwc_to_float32_chw():
    image = uint8_images(5, 7, 3)
    out = T.ToTensor()(image)
    assert isinstance(out, minitorch.Tensor)
    assert out.shape == (3, 5, 7) and out.dtype == minitorch.float32
    expected = torch.from_numpy(image.transpose(2, 0, 1).copy()).float().div(255)  # torchvision's formula
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_to_tensor_turns_an_nhwc_batch_into_nchw():
    batch = uint8_images(4, 5, 7, 3)
    out = T.ToTensor()(batch)
    assert out.shape == (4, 3, 5, 7)
    np.testing.assert_array_equal(out.numpy()[2], T.ToTensor()(batch[2]).numpy())


def test_to_tensor_keeps_float_values_and_dtype():
    image = np.random.default_rng(0).normal(size=(5, 7, 3)).astype(np.float32)
    out = T.ToTensor()(image)
    assert out.dtype == minitorch.float32
    np.testing.assert_array_equal(out.numpy(), image.transpose(2, 0, 1))


def test_to_tensor_gives_a_grayscale_image_one_channel():
    assert T.ToTensor()(uint8_images(5, 7)).shape == (1, 5, 7)


def test_to_tensor_rejects_tensors_and_wrong_shapes():
    with pytest.raises(TypeError, match="NumPy array"):
        T.ToTensor()(minitorch.from_numpy(np.zeros((3, 4, 4), np.float32)))
    with pytest.raises(ValueError, match="HWC"):
        T.ToTensor()(np.zeros(5, np.uint8))


# ----- Normalize -----


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5)])
def test_normalize_matches_torch_formula(shape):
    values = np.random.default_rng(0).random(shape, dtype=np.float32)
    mean, std = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)
    out = T.Normalize(mean, std)(minitorch.from_numpy(values.copy()))
    reference = torch.from_numpy(values)
    reference = reference.sub(torch.tensor(mean).view(-1, 1, 1)).div(torch.tensor(std).view(-1, 1, 1))
    assert out.dtype == minitorch.float32
    np.testing.assert_allclose(out.numpy(), reference.numpy(), rtol=1e-6)


def test_normalize_broadcasts_a_single_mean_and_std():
    values = np.ones((3, 2, 2), np.float32)
    np.testing.assert_allclose(T.Normalize([0.5], [0.25])(minitorch.from_numpy(values)).numpy(), 2.0)


def test_normalize_inplace_overwrites_its_input_and_default_does_not():
    values = np.ones((3, 2, 2), np.float32)
    tensor = minitorch.from_numpy(values)
    T.Normalize([1, 1, 1], [2, 2, 2])(tensor)
    np.testing.assert_array_equal(values, 1.0)
    assert T.Normalize([1, 1, 1], [2, 2, 2], inplace=True)(tensor) is tensor
    np.testing.assert_array_equal(values, 0.0)


def test_normalize_errors():
    image = minitorch.from_numpy(np.zeros((3, 2, 2), np.float32))
    with pytest.raises(ValueError, match="mean has 2 values but the tensor has 3 channels"):
        T.Normalize([0, 0], [1, 1, 1])(image)
    with pytest.raises(ValueError, match="std has 2 values"):
        T.Normalize([0, 0, 0], [1, 1])(image)
    with pytest.raises(ValueError, match="divide by zero"):
        T.Normalize([0, 0, 0], [1, 0, 1])
    with pytest.raises(TypeError, match="apply ToTensor first"):
        T.Normalize([0], [1])(np.zeros((3, 2, 2), np.float32))
    with pytest.raises(TypeError, match="float Tensor, got uint8"):
        T.Normalize([0], [1])(minitorch.from_numpy(np.zeros((3, 2, 2), np.uint8)))
    with pytest.raises(ValueError, match="CHW"):
        T.Normalize([0], [1])(minitorch.from_numpy(np.zeros((2, 2), np.float32)))


# ----- RandomCrop -----


def test_random_crop_cuts_each_image_of_a_batch_at_its_own_offset():
    batch = np.random.default_rng(0).random((16, 3, 6, 6), dtype=np.float32)
    out = T.RandomCrop(6, padding=2, generator=seeded(5))(minitorch.from_numpy(batch)).numpy()
    assert out.shape == (16, 3, 6, 6) and out.dtype == np.float32
    # The definition: zero-pad, then take the window at offsets drawn in this order.
    rng = seeded(5).numpy_rng
    tops, lefts = rng.integers(0, 5, size=16), rng.integers(0, 5, size=16)
    padded = np.pad(batch, ((0, 0), (0, 0), (2, 2), (2, 2)))
    for n in range(16):
        np.testing.assert_array_equal(out[n], padded[n, :, tops[n] : tops[n] + 6, lefts[n] : lefts[n] + 6])
    assert len(set(zip(tops, lefts))) > 1


def test_random_crop_treats_hwc_arrays_and_chw_tensors_alike():
    image = uint8_images(8, 8, 3)
    from_array = T.RandomCrop((5, 4), padding=1, generator=seeded(3))(image)
    from_tensor = T.RandomCrop((5, 4), padding=1, generator=seeded(3))(minitorch.from_numpy(image.transpose(2, 0, 1)))
    assert from_array.shape == (5, 4, 3) and from_array.dtype == np.uint8
    assert from_tensor.shape == (3, 5, 4)
    np.testing.assert_array_equal(from_array.transpose(2, 0, 1), from_tensor.numpy())


def test_random_crop_follows_minitorch_manual_seed():
    batch = uint8_images(8, 10, 10, 3)
    minitorch.manual_seed(7)
    first = T.RandomCrop(8, padding=4)(batch)
    minitorch.manual_seed(7)
    np.testing.assert_array_equal(T.RandomCrop(8, padding=4)(batch), first)


@pytest.mark.parametrize(
    "padding, expected", [(1, (1, 1, 1, 1)), ((1, 2), (1, 2, 1, 2)), ((1, 2, 3, 4), (1, 2, 3, 4))]
)
def test_random_crop_padding_forms_follow_torchvision(padding, expected):
    left, top, right, bottom = expected
    image = np.ones((2, 2, 1), np.uint8)
    crop = T.RandomCrop((2 + top + bottom, 2 + left + right), padding=padding)(image)  # the whole padded image
    np.testing.assert_array_equal(crop[..., 0], np.pad(np.ones((2, 2)), ((top, bottom), (left, right))))


def test_random_crop_fill_padding_mode_and_pad_if_needed():
    image = np.arange(4, dtype=np.float32).reshape(2, 2, 1)
    filled = T.RandomCrop(4, padding=1, fill=9)(image)[..., 0]
    np.testing.assert_array_equal(filled, np.pad(image[..., 0], 1, constant_values=9))
    edged = T.RandomCrop(4, padding=1, padding_mode="edge")(image)[..., 0]
    np.testing.assert_array_equal(edged, np.pad(image[..., 0], 1, mode="edge"))
    assert T.RandomCrop(3, pad_if_needed=True)(image).shape == (3, 3, 1)


def test_random_crop_errors():
    with pytest.raises(ValueError, match=r"crop size \(5, 5\) is larger than the \(padded\) image size \(4, 4\)"):
        T.RandomCrop(5)(np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="size must be"):
        T.RandomCrop(0)
    with pytest.raises(ValueError, match="padding must be"):
        T.RandomCrop(4, padding=(1, 2, 3))
    with pytest.raises(ValueError, match="padding_mode"):
        T.RandomCrop(4, padding_mode="wrap")
    with pytest.raises(TypeError, match="NumPy array or a Tensor"):
        T.RandomCrop(4)([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="HWC or NHWC array"):  # (H, W) is a grayscale image, (W,) is nothing
        T.RandomCrop(1)(np.zeros(4, np.uint8))
    with pytest.raises(ValueError, match="CHW or NCHW Tensor"):
        T.RandomCrop(1)(minitorch.from_numpy(np.zeros(4, np.float32)))


# ----- RandomHorizontalFlip -----


def test_horizontal_flip_flips_each_image_of_a_batch_by_its_own_coin():
    batch = np.random.default_rng(0).random((32, 3, 4, 5), dtype=np.float32)
    out = T.RandomHorizontalFlip(generator=seeded(1))(minitorch.from_numpy(batch)).numpy()
    flips = seeded(1).numpy_rng.random(32) < 0.5
    np.testing.assert_array_equal(out[flips], batch[flips][..., ::-1])
    np.testing.assert_array_equal(out[~flips], batch[~flips])
    assert 0 < flips.sum() < 32


def test_horizontal_flip_with_p_one_and_zero_on_single_images():
    image = uint8_images(4, 5, 3)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(image), image[:, ::-1])
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=0.0)(image), image)
    tensor = minitorch.from_numpy(image.transpose(2, 0, 1).astype(np.float32))
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(tensor).numpy(), tensor.numpy()[..., ::-1])


def test_horizontal_flip_rejects_a_bad_probability():
    with pytest.raises(ValueError, match=r"probability in \[0, 1\]"):
        T.RandomHorizontalFlip(p=1.5)


# ----- Compose -----


def test_compose_runs_a_cifar_pipeline_on_a_whole_batch():
    pipeline = T.Compose(
        [T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize([0.5] * 3, [0.25] * 3)]
    )
    out = pipeline(uint8_images(10, 32, 32, 3))
    assert out.shape == (10, 3, 32, 32) and out.dtype == minitorch.float32
    assert out.numpy().min() >= -2.0 and out.numpy().max() <= 2.0
    assert "RandomCrop(size=(32, 32)" in repr(pipeline)

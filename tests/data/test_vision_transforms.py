"""The image transforms against their references, for PIL images, NumPy arrays and Tensors.

References, as torchvision defines them:

- PIL input: torchvision calls Pillow, so Pillow's own operation (``Image.resize``,
  ``Image.rotate``, ``ImageEnhance``, ``convert("L")`` ...) is the reference. An array or
  Tensor run through our array code must agree with it on the same uint8 image (within one
  level where Pillow rounds in fixed point).
- Tensor input: torchvision calls ``torch.nn.functional.interpolate`` (resize, antialiased as
  Pillow) and ``affine_grid`` + ``grid_sample`` (rotate, affine), so those PyTorch functions,
  fed with torchvision's inverse matrix and grid, are the reference; blur is a conv2d with
  torchvision's Gaussian kernel and reflect padding.
- Random transforms: each image of a batch must equal the functional transform applied with
  the parameters drawn for it.
"""
import numpy as np
import pytest

import minitorch
import minitorch.transforms as T
import minitorch.transforms.functional as TF
from minitorch.transforms._resample import inverse_affine_matrix

torch = pytest.importorskip("torch")
Image = pytest.importorskip("PIL.Image")


def uint8_image(*shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def smooth_image(height=37, width=53, seed=0):
    """A uint8 RGB image with gradients and noise (rounding ties are rare on it)."""
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 / width, y * 255 / height, (x + y) * 127 / (width + height)], axis=-1)
    noise = np.random.default_rng(seed).integers(0, 60, size=base.shape)
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def seeded(seed):
    return minitorch.Generator().manual_seed(seed)


def chw(array):
    return minitorch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def nchw(batch):
    return minitorch.from_numpy(np.ascontiguousarray(batch.transpose(0, 3, 1, 2)))


def max_diff(a, b):
    return int(np.abs(np.asarray(a, dtype=np.int64) - np.asarray(b, dtype=np.int64)).max())


# ----- conversions -----


@pytest.mark.parametrize("mode, channels", [("L", 1), ("RGB", 3), ("RGBA", 4)])
def test_to_tensor_and_pil_to_tensor_accept_pil_images(mode, channels):
    array = uint8_image(5, 7, channels)
    pil = Image.fromarray(array[..., 0] if channels == 1 else array)
    pil = pil.convert(mode)
    out = T.ToTensor()(pil)
    assert out.shape == (channels, 5, 7) and out.dtype == minitorch.float32
    np.testing.assert_array_equal(out.numpy(), array.transpose(2, 0, 1).astype(np.float32) / 255)
    raw = T.PILToTensor()(pil)
    assert raw.dtype == minitorch.uint8
    np.testing.assert_array_equal(raw.numpy(), array.transpose(2, 0, 1))


def test_to_tensor_of_a_binary_image_gives_zeros_and_ones():
    pil = Image.fromarray(np.array([[0, 255], [255, 0]], np.uint8)).convert("1")
    np.testing.assert_array_equal(T.ToTensor()(pil).numpy(), [[[0, 1], [1, 0]]])


def test_to_pil_image_round_trips_and_picks_the_mode_by_channels_and_dtype():
    array = uint8_image(5, 7, 3)
    pil = T.ToPILImage()(T.ToTensor()(array))
    assert pil.mode == "RGB" and pil.size == (7, 5)
    np.testing.assert_array_equal(np.asarray(pil), array)
    assert T.ToPILImage()(uint8_image(5, 7)).mode == "L"
    assert T.ToPILImage()(uint8_image(5, 7, 4)).mode == "RGBA"
    assert T.ToPILImage()(np.zeros((5, 7), np.float32)).mode == "L"  # floats are scaled to uint8
    assert T.ToPILImage(mode="F")(np.zeros((5, 7), np.float32)).mode == "F"
    # floats are multiplied by 255 and truncated, as torchvision's pic.mul(255).byte()
    assert np.asarray(T.ToPILImage()(minitorch.tensor([[[0.999]]]))).item() == 254
    with pytest.raises(TypeError, match="Tensor or ndarray"):
        T.ToPILImage()([1, 2])
    with pytest.raises(ValueError, match="2/3 dimensional"):
        T.ToPILImage()(np.zeros((1, 2, 3, 4), np.uint8))


def test_convert_image_dtype_follows_torchvision_formulas():
    image = minitorch.from_numpy(uint8_image(3, 4, 5))
    as_float = T.ConvertImageDtype(minitorch.float32)(image)
    np.testing.assert_allclose(as_float.numpy(), image.numpy() / 255, rtol=1e-6)
    back = T.ConvertImageDtype(minitorch.uint8)(as_float)
    expected = (torch.from_numpy(as_float.numpy()) * (255 + 1.0 - 1e-3)).to(torch.uint8)  # torchvision's rule
    np.testing.assert_array_equal(back.numpy(), expected.numpy())
    np.testing.assert_array_equal(back.numpy(), image.numpy())
    with pytest.raises(TypeError, match="Tensor Image"):
        T.ConvertImageDtype(minitorch.float32)(np.zeros((3, 2, 2)))


def test_lambda_and_the_random_containers():
    assert T.Lambda(lambda x: x + 1)(1) == 2
    with pytest.raises(TypeError, match="callable"):
        T.Lambda(3)
    add = T.Lambda(lambda x: x + 1)
    double = T.Lambda(lambda x: x * 2)
    assert T.RandomApply([add, double], p=1.0)(1) == 4 and T.RandomApply([add], p=0.0)(1) == 1
    results = {T.RandomChoice([add, double], generator=seeded(s))(10) for s in range(20)}
    assert results == {11, 20}
    assert T.RandomChoice([add, double], p=[0, 1])(10) == 20
    with pytest.raises(ValueError, match="Length of p"):
        T.RandomChoice([add], p=[0.5, 0.5])
    assert {T.RandomOrder([add, double], generator=seeded(s))(1) for s in range(20)} == {3, 4}
    assert not T.Compose([T.ToTensor(), add]).supports_batches and T.Compose([T.ToTensor()]).supports_batches


# ----- resize -----


@pytest.mark.parametrize("size", [(20, 30), (60, 90), (37, 20), (11, 100)])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_resize_of_an_array_agrees_with_pillow(size, mode):
    image = smooth_image()
    ours = T.Resize(size, interpolation=mode)(image)
    theirs = np.asarray(Image.fromarray(image).resize(size[::-1], getattr(Image, mode.upper())))
    # Pillow computes in fixed point (weights quantised, the half-done image rounded to uint8)
    assert ours.shape == theirs.shape and max_diff(ours, theirs) <= {"bilinear": 1, "bicubic": 2}[mode]


@pytest.mark.parametrize("size", [(20, 30), (60, 90), (37, 20), (5, 3)])
@pytest.mark.parametrize("mode, antialias", [("bilinear", True), ("bilinear", False), ("bicubic", True), ("nearest", False)])
def test_resize_of_a_float_tensor_is_torch_interpolate(size, mode, antialias):
    batch = np.random.default_rng(0).random((2, 3, 37, 53), dtype=np.float32)
    ours = T.Resize(size, interpolation=mode, antialias=antialias)(minitorch.from_numpy(batch)).numpy()
    options = {} if mode == "nearest" else {"align_corners": False, "antialias": antialias}
    theirs = torch.nn.functional.interpolate(torch.from_numpy(batch), size=size, mode=mode, **options).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_resize_int_is_the_shorter_side_and_max_size_caps_the_longer():
    image = uint8_image(40, 100, 3)
    assert T.Resize(20)(image).shape == (20, 50, 3)
    assert T.Resize(20, max_size=30)(image).shape == (12, 30, 3)
    assert T.Resize([20])(chw(image)).shape == (3, 20, 50)
    assert T.Resize(20)(Image.fromarray(image)).size == (50, 20)
    assert T.Resize((40, 100))(image) is image  # same size: nothing to do
    with pytest.raises(ValueError, match="max_size = 20 must be strictly greater"):
        T.Resize(20, max_size=20)(image)
    with pytest.raises(TypeError, match="Size should be int or sequence"):
        T.Resize((1, 2, 3))
    with pytest.raises(ValueError, match="interpolation must be one of"):
        T.Resize(3, interpolation="lanczos9")
    assert T.Resize(3, interpolation=Image.BICUBIC).interpolation is T.InterpolationMode.BICUBIC  # Pillow's constant


def test_resize_keeps_uint8_and_a_grayscale_array_stays_2d():
    image = uint8_image(28, 28)
    out = T.Resize(14, antialias=False)(image)  # halving without antialias: the mean of each 2x2 box
    assert out.shape == (14, 14) and out.dtype == np.uint8
    np.testing.assert_allclose(out, image.reshape(14, 2, 14, 2).mean(axis=(1, 3)), atol=1)  # rounded twice


# ----- crops, flips, pad -----


@pytest.mark.parametrize("size", [(20, 21), (36, 52), 5, (37, 53)])
def test_center_crop_agrees_with_pillow_crop_at_torchvisions_box(size):
    image = smooth_image()
    h, w = (size, size) if isinstance(size, int) else size
    top, left = int(round((37 - h) / 2.0)), int(round((53 - w) / 2.0))  # Python's round, as torchvision
    expected = np.asarray(Image.fromarray(image).crop((left, top, left + w, top + h)))
    np.testing.assert_array_equal(T.CenterCrop(size)(image), expected)
    np.testing.assert_array_equal(np.asarray(T.CenterCrop(size)(Image.fromarray(image))), expected)
    np.testing.assert_array_equal(T.CenterCrop(size)(chw(image)).numpy(), expected.transpose(2, 0, 1))


def test_center_crop_larger_than_the_image_pads_with_zeros():
    image = np.ones((2, 3, 1), np.uint8)
    out = T.CenterCrop((4, 6))(image)[..., 0]
    expected = np.zeros((4, 6), np.uint8)
    expected[1:3, 1:4] = 1  # left (6 - 3) // 2 = 1, top (4 - 2) // 2 = 1
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("padding", [2, (1, 3), (1, 2, 3, 4)])
def test_pad_is_np_pad_and_agrees_with_pillow(mode, padding):
    image = uint8_image(5, 6, 3)
    # torchvision's forms: all sides; (left/right, top/bottom); (left, top, right, bottom)
    left, top, right, bottom = {2: (2, 2, 2, 2), (1, 3): (1, 3, 1, 3), (1, 2, 3, 4): (1, 2, 3, 4)}[padding]
    widths = ((top, bottom), (left, right), (0, 0))
    expected = np.pad(image, widths, mode=mode, **({"constant_values": 9} if mode == "constant" else {}))
    fill = 9 if mode == "constant" else 0
    np.testing.assert_array_equal(T.Pad(padding, fill=fill, padding_mode=mode)(image), expected)
    np.testing.assert_array_equal(np.asarray(T.Pad(padding, fill=fill, padding_mode=mode)(Image.fromarray(image))), expected)
    np.testing.assert_array_equal(T.Pad(padding, fill, mode)(chw(image)).numpy(), expected.transpose(2, 0, 1))


def test_pad_with_one_fill_per_channel_and_errors():
    out = T.Pad(1, fill=(1, 2, 3))(np.zeros((1, 1, 3), np.uint8))
    np.testing.assert_array_equal(out[0, 0], [1, 2, 3])
    np.testing.assert_array_equal(out[1, 1], [0, 0, 0])
    with pytest.raises(ValueError, match="Padding mode"):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(ValueError, match="padding must be"):
        T.Pad((1, 2, 3))


def test_flips_of_pil_images_and_batches():
    image = uint8_image(4, 5, 3)
    np.testing.assert_array_equal(np.asarray(T.RandomVerticalFlip(p=1)(Image.fromarray(image))), image[::-1])
    np.testing.assert_array_equal(np.asarray(T.RandomHorizontalFlip(p=1)(Image.fromarray(image))), image[:, ::-1])
    batch = uint8_image(32, 4, 5, 3)
    out = T.RandomVerticalFlip(generator=seeded(1))(batch)
    flips = seeded(1).numpy_rng.random(32) < 0.5
    np.testing.assert_array_equal(out[flips], batch[flips, ::-1])
    np.testing.assert_array_equal(out[~flips], batch[~flips])
    assert 0 < flips.sum() < 32


def test_random_crop_of_a_pil_image_is_one_of_its_crops():
    image = uint8_image(8, 9, 3)
    out = np.asarray(T.RandomCrop(4, padding=2)(Image.fromarray(image)))
    padded = np.pad(image, ((2, 2), (2, 2), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (4, 4), axis=(0, 1))
    assert any(np.array_equal(out, windows[i, j].transpose(1, 2, 0)) for i in range(9) for j in range(10))


def test_random_resized_crop_boxes_follow_torchvisions_rule_and_each_image_is_resized_crop():
    batch = np.random.default_rng(0).random((16, 3, 40, 60), dtype=np.float32)
    transform = T.RandomResizedCrop((24, 20), generator=seeded(3))
    boxes = T.RandomResizedCrop((24, 20), generator=seeded(3)).get_boxes(40, 60, 16)
    out = transform(minitorch.from_numpy(batch)).numpy()
    assert out.shape == (16, 3, 24, 20)
    top, left, h, w = boxes.T
    assert (top >= 0).all() and (left >= 0).all() and (top + h <= 40).all() and (left + w <= 60).all()
    area = h * w / (40 * 60)
    assert (area > 0.08 * 0.9).all() and (area <= 1.0).all()
    assert len({tuple(box) for box in boxes.tolist()}) > 1  # each image its own box
    for n in range(16):
        crop = torch.from_numpy(batch[n:n + 1, :, top[n]:top[n] + h[n], left[n]:left[n] + w[n]])
        expected = torch.nn.functional.interpolate(crop, size=(24, 20), mode="bilinear", align_corners=False, antialias=True)
        np.testing.assert_allclose(out[n], expected[0].numpy(), atol=1e-5)


def test_random_resized_crop_falls_back_to_the_central_crop():
    transform = T.RandomResizedCrop(8, scale=(5.0, 6.0), ratio=(1.0, 1.0))  # no try can fit
    np.testing.assert_array_equal(transform.get_boxes(10, 20, 2), [[0, 5, 10, 10]] * 2)
    assert T.RandomResizedCrop(8)(Image.fromarray(uint8_image(10, 20, 3))).size == (8, 8)
    with pytest.raises(ValueError, match="Scale and ratio"):
        T.RandomResizedCrop(8, scale=(1.0, 0.5))


# ----- rotation and affine -----


def torchvision_warp(batch: np.ndarray, matrix, mode: str, fill, out_size=None) -> np.ndarray:
    """torchvision's tensor warp: its affine grid (pixel centres around the image centre, scaled by the
    input size), grid_sample without align_corners, a ones-channel mask for the fill."""
    n, c, h, w = batch.shape
    oh, ow = out_size or (h, w)
    theta = torch.tensor(np.asarray(matrix, dtype=np.float32)).reshape(1, 2, 3)
    base = torch.ones(1, oh, ow, 3)
    base[..., 0] = torch.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, ow)
    base[..., 1] = torch.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, oh).unsqueeze(-1)
    grid = base.view(1, oh * ow, 3).bmm(theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h])).view(1, oh, ow, 2)
    image = torch.cat([torch.from_numpy(batch), torch.ones(n, 1, h, w)], dim=1)
    out = torch.nn.functional.grid_sample(image, grid.expand(n, oh, ow, 2), mode=mode, padding_mode="zeros", align_corners=False)
    out, mask = out[:, :-1], out[:, -1:]
    fill = torch.tensor(fill, dtype=out.dtype).view(1, -1, 1, 1).expand_as(out)
    out = torch.where(mask < 0.5, fill, out) if mode == "nearest" else out * mask + (1 - mask) * fill
    return out.numpy()


@pytest.mark.parametrize("angle", [30.0, -73.5, 90.0])
@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
def test_rotate_of_a_tensor_is_torchvisions_grid_sample(angle, mode):
    batch = np.random.default_rng(0).random((2, 3, 17, 24), dtype=np.float32)
    ours = TF.rotate(minitorch.from_numpy(batch), angle, mode, fill=[0.5, 0.2, 0.1]).numpy()
    matrix = inverse_affine_matrix((0.0, 0.0), -angle, (0.0, 0.0), 1.0, (0.0, 0.0))
    np.testing.assert_allclose(ours, torchvision_warp(batch, matrix, mode, [0.5, 0.2, 0.1]), atol=1e-5)


def test_rotate_expand_gives_pillows_canvas_and_a_quarter_turn_is_rot90():
    image = smooth_image()
    for angle in (30, 90, -45):
        ours = TF.rotate(image, angle, expand=True)
        theirs = np.asarray(Image.fromarray(image).rotate(angle, expand=True))
        assert ours.shape == theirs.shape
    np.testing.assert_array_equal(TF.rotate(image[:, :37], 90), np.rot90(image[:, :37]))
    np.testing.assert_array_equal(np.asarray(TF.rotate(Image.fromarray(image[:, :37]), 90)), np.rot90(image[:, :37]))


def test_affine_of_a_tensor_is_torchvisions_grid_sample_and_pil_agrees():
    batch = np.random.default_rng(1).random((1, 3, 20, 30), dtype=np.float32)
    ours = TF.affine(minitorch.from_numpy(batch), 20.0, (3, -2), 1.2, (10.0, 5.0), "bilinear", fill=0).numpy()
    matrix = inverse_affine_matrix((0.0, 0.0), 20.0, (3.0, -2.0), 1.2, (10.0, 5.0))
    np.testing.assert_allclose(ours, torchvision_warp(batch, matrix, "bilinear", [0.0] * 3), atol=1e-5)
    image = smooth_image()
    array_result = TF.affine(image, 20, (3, -2), 1.2, (10, 5))
    pil_result = np.asarray(TF.affine(Image.fromarray(image), 20, (3, -2), 1.2, (10, 5)))
    assert (array_result != pil_result).any(axis=-1).mean() < 0.01  # nearest: ties may round apart


def test_random_rotation_gives_each_image_its_own_angle():
    batch = np.random.default_rng(0).random((6, 1, 9, 9), dtype=np.float32)
    out = T.RandomRotation(45, interpolation="bilinear", generator=seeded(2))(minitorch.from_numpy(batch)).numpy()
    angles = seeded(2).numpy_rng.uniform(-45, 45, size=6)
    for n in range(6):
        expected = TF.rotate(minitorch.from_numpy(batch[n]), float(angles[n]), "bilinear", fill=0).numpy()
        np.testing.assert_allclose(out[n], expected, atol=1e-6)
    assert T.RandomRotation(10, expand=True)(uint8_image(9, 9, 3)).shape[0] >= 9
    with pytest.raises(ValueError, match="must be non negative"):
        T.RandomRotation(-3)


def test_random_affine_gives_each_image_its_own_parameters():
    batch = np.random.default_rng(0).random((5, 2, 12, 10), dtype=np.float32)
    transform = T.RandomAffine(30, translate=(0.2, 0.1), scale=(0.8, 1.2), shear=(-5, 5, -3, 3), generator=seeded(4))
    p = T.RandomAffine(30, translate=(0.2, 0.1), scale=(0.8, 1.2), shear=(-5, 5, -3, 3), generator=seeded(4)).get_params(10, 12, 5)
    out = transform(minitorch.from_numpy(batch)).numpy()
    assert (np.abs(p["tx"]) <= 2).all() and (np.abs(p["ty"]) <= 1.2).all() and (p["tx"] == np.round(p["tx"])).all()
    for n in range(5):
        expected = TF.affine(minitorch.from_numpy(batch[n]), p["angle"][n], (p["tx"][n], p["ty"][n]), p["scale"][n],
                             (p["shear_x"][n], p["shear_y"][n]), fill=0).numpy()
        np.testing.assert_allclose(out[n], expected, atol=1e-6)
    assert T.RandomAffine(10)(Image.fromarray(smooth_image())).size == (53, 37)
    with pytest.raises(ValueError, match="translation values"):
        T.RandomAffine(0, translate=(2, 0))


# ----- colour -----


def test_grayscale_agrees_with_pillow_and_keeps_or_triples_channels():
    image = smooth_image()
    theirs = np.asarray(Image.fromarray(image).convert("L"))
    assert max_diff(T.Grayscale()(image)[..., 0], theirs) <= 1  # Pillow rounds, torchvision truncates
    three = T.Grayscale(3)(chw(image)).numpy()
    assert three.shape == (3, 37, 53) and (three[0] == three[2]).all()
    assert T.Grayscale(3)(Image.fromarray(image)).mode == "RGB"
    expected = (0.2989 * image[..., 0] + 0.587 * image[..., 1] + 0.114 * image[..., 2]).astype(np.uint8)
    np.testing.assert_array_equal(T.Grayscale()(image)[..., 0], expected)  # torchvision's formula, truncated
    with pytest.raises(ValueError, match="1 or 3"):
        T.functional.rgb_to_grayscale(image, 2)


def test_random_grayscale_keeps_the_channel_count():
    batch = uint8_image(20, 4, 4, 3)
    out = T.RandomGrayscale(p=0.5, generator=seeded(0))(batch)
    gray = (out[..., 0] == out[..., 1]).all(axis=(1, 2)) & (out[..., 1] == out[..., 2]).all(axis=(1, 2))
    chosen = seeded(0).numpy_rng.random(20) < 0.5
    np.testing.assert_array_equal(gray, chosen)
    assert T.RandomGrayscale(p=1)(Image.fromarray(batch[0])).mode == "RGB"


@pytest.mark.parametrize("name, factor, tolerance", [("brightness", 1.3, 1), ("brightness", 0.5, 1), ("contrast", 1.4, 1),
                                                     ("contrast", 0.3, 1), ("saturation", 1.6, 1), ("saturation", 0.2, 1)])
def test_colour_adjustments_agree_with_pillows_image_enhance(name, factor, tolerance):
    image = smooth_image()
    ours = getattr(TF, f"adjust_{name}")(image, factor)
    theirs = np.asarray(getattr(TF, f"adjust_{name}")(Image.fromarray(image), factor))
    assert max_diff(ours, theirs) <= tolerance


def test_hue_agrees_with_pillows_hsv_up_to_its_hue_quantisation():
    image = smooth_image()
    ours = TF.adjust_hue(image, 0.2)
    theirs = np.asarray(TF.adjust_hue(Image.fromarray(image), 0.2))
    assert np.abs(ours.astype(int) - theirs).mean() < 2  # Pillow keeps hue in 256 steps
    np.testing.assert_allclose(TF.adjust_hue(chw(image).float() / 255, 0.0).numpy(), chw(image).numpy() / 255, atol=1e-6)
    np.testing.assert_allclose(TF.adjust_hue(chw(image).float() / 255, 0.5).numpy(),
                               TF.adjust_hue(chw(image).float() / 255, -0.5).numpy(), atol=1e-6)  # half a turn both ways
    with pytest.raises(ValueError, match=r"not in \[-0.5, 0.5\]"):
        TF.adjust_hue(image, 0.7)


def test_brightness_follows_torchvisions_blend_on_float_tensors():
    x = minitorch.from_numpy(np.random.default_rng(0).random((3, 4, 5), dtype=np.float32))
    np.testing.assert_allclose(TF.adjust_brightness(x, 1.5).numpy(), np.clip(x.numpy() * 1.5, 0, 1), rtol=1e-6)
    gray_mean = (0.2989 * x.numpy()[0] + 0.587 * x.numpy()[1] + 0.114 * x.numpy()[2]).mean()
    np.testing.assert_allclose(TF.adjust_contrast(x, 0.5).numpy(), np.clip(0.5 * x.numpy() + 0.5 * gray_mean, 0, 1), rtol=1e-5)


def test_color_jitter_with_fixed_factors_is_the_functional_adjustment():
    image = chw(smooth_image()).float() / 255
    np.testing.assert_allclose(T.ColorJitter(brightness=(1.3, 1.3))(image).numpy(), TF.adjust_brightness(image, 1.3).numpy(), atol=1e-6)
    np.testing.assert_allclose(T.ColorJitter(hue=(0.1, 0.1))(image).numpy(), TF.adjust_hue(image, 0.1).numpy(), atol=1e-6)
    batch = uint8_image(8, 6, 6, 3)
    out = T.ColorJitter(brightness=0.5, generator=seeded(0))(batch)
    ratios = out.reshape(8, -1).astype(float).sum(1) / batch.reshape(8, -1).sum(1)
    assert len(np.unique(np.round(ratios, 2))) > 1  # each image its own factor
    assert T.ColorJitter(0.4, 0.4, 0.4, 0.1)(Image.fromarray(smooth_image())).size == (53, 37)
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=0.7)
    with pytest.raises(ValueError, match="must be non negative"):
        T.ColorJitter(brightness=-1)


def test_gaussian_blur_is_a_conv2d_with_torchvisions_kernel_and_reflect_padding():
    batch = np.random.default_rng(0).random((1, 2, 10, 12), dtype=np.float32)
    ours = TF.gaussian_blur(minitorch.from_numpy(batch), [5, 3], [1.5, 0.7]).numpy()

    def kernel(size, sigma):
        x = torch.linspace(-(size - 1) * 0.5, (size - 1) * 0.5, size)
        pdf = torch.exp(-0.5 * (x / sigma) ** 2)
        return pdf / pdf.sum()

    k2d = torch.outer(kernel(3, 0.7), kernel(5, 1.5)).expand(2, 1, 3, 5)
    padded = torch.nn.functional.pad(torch.from_numpy(batch), [2, 2, 1, 1], mode="reflect")
    theirs = torch.nn.functional.conv2d(padded, k2d, groups=2).numpy()
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    blurred = T.GaussianBlur(3, sigma=(0.1, 2.0))(Image.fromarray(smooth_image()))
    assert blurred.size == (53, 37)
    with pytest.raises(ValueError, match="odd and positive"):
        T.GaussianBlur(4)


def test_random_erasing_erases_one_box_per_image_with_the_value():
    batch = minitorch.ones(16, 3, 20, 20)
    out = T.RandomErasing(p=1.0, value=0, generator=seeded(0))(batch).numpy()
    boxes = T.RandomErasing(p=1.0, generator=seeded(0)).get_boxes(20, 20, 16)
    for n, (top, left, h, w) in enumerate(boxes):
        expected = np.ones((3, 20, 20), np.float32)
        expected[:, top:top + h, left:left + w] = 0
        np.testing.assert_array_equal(out[n], expected)
        assert 0.02 * 400 * 0.8 <= h * w <= 0.33 * 400 * 1.2
    np.testing.assert_array_equal(T.RandomErasing(p=0.0)(batch).numpy(), batch.numpy())
    noisy = T.RandomErasing(p=1.0, value="random")(minitorch.zeros(3, 20, 20)).numpy()
    assert (noisy != 0).any()
    image = minitorch.ones(3, 8, 8)
    assert T.RandomErasing(p=1.0, inplace=True)(image) is image and (image.numpy() == 0).any()
    with pytest.raises(TypeError, match="apply ToTensor first"):
        T.RandomErasing()(Image.fromarray(smooth_image()))
    with pytest.raises(ValueError, match="'random'"):
        T.RandomErasing(value="noise")

"""ImageFolder, DatasetFolder, FakeData, minitorch.io and the image grid, on files the tests write."""
import io
import os

import numpy as np
import pytest

import minitorch
import minitorch.transforms as T
from minitorch import datasets
from minitorch.io import ImageReadMode, decode_image, read_file, read_image, write_jpeg, write_png
from minitorch.utils import make_grid, save_image
from minitorch.utils.data import DataLoader

Image = pytest.importorskip("PIL.Image")


def picture(seed, size=(6, 8), mode="RGB"):
    array = np.random.default_rng(seed).integers(0, 256, size=(*size, 3), dtype=np.uint8)
    return Image.fromarray(array).convert(mode)


@pytest.fixture
def folder(tmp_path):
    """root/cat/{a.png, b.JPG}, root/cat/nested/c.jpeg, root/dog/d.png, root/dog/notes.txt, root/empty_file.png"""
    (tmp_path / "cat" / "nested").mkdir(parents=True)
    (tmp_path / "dog").mkdir()
    picture(0).save(tmp_path / "cat" / "a.png")
    picture(1).save(tmp_path / "cat" / "b.JPG", format="JPEG")
    picture(2).save(tmp_path / "cat" / "nested" / "c.jpeg")
    picture(3, mode="L").save(tmp_path / "dog" / "d.png")
    (tmp_path / "dog" / "notes.txt").write_text("not an image")
    picture(4).save(tmp_path / "top_level.png")  # not in a class folder: ignored
    return tmp_path


def test_image_folder_finds_classes_and_images_as_torchvision(folder):
    dataset = datasets.ImageFolder(folder)
    assert dataset.classes == ["cat", "dog"] and dataset.class_to_idx == {"cat": 0, "dog": 1}
    names = [os.path.relpath(path, folder) for path, _ in dataset.samples]
    assert names == ["cat/a.png", "cat/b.JPG", "cat/nested/c.jpeg", "dog/d.png"]
    assert dataset.targets == [0, 0, 0, 1] and dataset.imgs == dataset.samples and len(dataset) == 4
    image, target = dataset[3]
    assert image.mode == "RGB" and image.size == (8, 6) and target == 1  # the default loader converts to RGB
    np.testing.assert_array_equal(np.asarray(image), np.asarray(Image.open(folder / "dog" / "d.png").convert("RGB")))
    assert "Number of datapoints: 4" in repr(dataset)


def test_image_folder_with_transforms_feeds_a_loader(folder):
    transform = T.Compose([T.Resize(4), T.CenterCrop(4), T.ToTensor(), T.Normalize((0.5,) * 3, (0.5,) * 3)])
    images, labels = next(iter(DataLoader(datasets.ImageFolder(folder, transform=transform), batch_size=4)))
    assert images.shape == (4, 3, 4, 4) and labels.tolist() == [0, 0, 0, 1]
    assert float(images.min()) >= -1 and float(images.max()) <= 1


def test_is_valid_file_and_a_custom_loader(folder):
    dataset = datasets.DatasetFolder(folder, loader=lambda path: os.path.basename(path),
                                     is_valid_file=lambda path: path.endswith(".txt"), allow_empty=True)
    assert dataset.samples == [(str(folder / "dog" / "notes.txt"), 1)] and dataset[0] == ("notes.txt", 1)
    only_png = datasets.ImageFolder(folder, is_valid_file=lambda path: path.endswith(".png"))
    assert [os.path.basename(p) for p, _ in only_png.samples] == ["a.png", "d.png"]
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None or not None"):
        datasets.DatasetFolder(folder, loader=print)
    assert ".webp" in datasets.IMG_EXTENSIONS and ".png" in datasets.IMG_EXTENSIONS


def test_missing_and_empty_class_folders_raise_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty. Supported extensions are: .jpg"):
        datasets.ImageFolder(tmp_path)
    assert len(datasets.ImageFolder(tmp_path, allow_empty=True)) == 0


def test_fake_data_is_repeatable_and_shaped_as_asked():
    data = datasets.FakeData(size=5, image_size=(1, 4, 6), num_classes=3, transform=T.ToTensor())
    image, label = data[2]
    assert image.shape == (1, 4, 6) and 0 <= label < 3 and len(data) == 5
    np.testing.assert_array_equal(image.numpy(), data[2][0].numpy())
    assert datasets.FakeData(2, return_pil=True)[0][0].size == (224, 224)
    with pytest.raises(IndexError):
        data[5]


# ----- minitorch.io -----


@pytest.mark.parametrize("mode, channels", [("RGB", 3), ("L", 1), ("RGBA", 4), ("LA", 2)])
def test_read_image_gives_uint8_chw_as_torchvision_io(tmp_path, mode, channels):
    path = tmp_path / "x.png"
    picture(0, mode=mode).save(path)
    image = read_image(path)
    assert image.dtype == minitorch.uint8 and image.shape == (channels, 6, 8)
    expected = np.asarray(Image.open(path))
    np.testing.assert_array_equal(image.numpy(), expected.reshape(6, 8, channels).transpose(2, 0, 1))


def test_decode_image_of_jpeg_bytes_and_mode_conversion(tmp_path):
    path = tmp_path / "x.jpg"
    picture(0).save(path, quality=95)
    data = read_file(path)
    assert data.dtype == minitorch.uint8 and data.ndim == 1
    decoded = decode_image(data)
    np.testing.assert_array_equal(decoded.numpy(), np.asarray(Image.open(path)).transpose(2, 0, 1))
    assert decode_image(data, mode=ImageReadMode.GRAY).shape == (1, 6, 8)
    assert read_image(path, mode="RGB_ALPHA").shape == (4, 6, 8)
    with pytest.raises(RuntimeError, match="could not decode"):
        decode_image(minitorch.from_numpy(np.frombuffer(b"not an image", np.uint8).copy()))
    with pytest.raises(RuntimeError, match="1-D uint8 tensor"):
        decode_image(minitorch.zeros(3))


def test_write_png_and_jpeg_round_trip(tmp_path):
    image = minitorch.from_numpy(np.random.default_rng(0).integers(0, 256, (3, 5, 7), dtype=np.uint8))
    write_png(image, tmp_path / "x.png")
    np.testing.assert_array_equal(read_image(tmp_path / "x.png").numpy(), image.numpy())
    write_jpeg(image, tmp_path / "x.jpg", quality=100)
    assert read_image(tmp_path / "x.jpg").shape == (3, 5, 7)
    with pytest.raises(RuntimeError, match="uint8 tensor of shape"):
        write_png(minitorch.zeros(3, 2, 2), tmp_path / "y.png")


# ----- make_grid and save_image -----


def reference_grid(batch, nrow=8, padding=2, pad_value=0.0):
    """torchvision's loop: a canvas of pad_value, image k at row k // nrow, column k % nrow."""
    n, c, h, w = batch.shape
    columns, rows = min(nrow, n), -(-n // min(nrow, n))
    grid = np.full((c, rows * (h + padding) + padding, columns * (w + padding) + padding), pad_value, batch.dtype)
    for k in range(n):
        y, x = divmod(k, columns)
        grid[:, y * (h + padding) + padding:y * (h + padding) + padding + h,
             x * (w + padding) + padding:x * (w + padding) + padding + w] = batch[k]
    return grid


@pytest.mark.parametrize("count, nrow, padding", [(10, 4, 2), (3, 8, 1), (9, 3, 0), (2, 1, 5)])
def test_make_grid_places_images_as_torchvision(count, nrow, padding):
    batch = np.random.default_rng(0).random((count, 3, 4, 5), dtype=np.float32)
    grid = make_grid(minitorch.from_numpy(batch), nrow=nrow, padding=padding, pad_value=0.5).numpy()
    np.testing.assert_array_equal(grid, reference_grid(batch, nrow, padding, 0.5))


def test_make_grid_gray_images_normalize_and_single_images():
    batch = np.random.default_rng(0).random((4, 1, 3, 3), dtype=np.float32) * 10 - 5
    grid = make_grid(minitorch.from_numpy(batch), normalize=True).numpy()
    assert grid.shape == (3, 7, 22) and grid.min() == 0.0 and grid[:, 2:5, 2:5].max() <= 1.0
    scaled = (batch - batch.min()) / (batch.max() - batch.min())
    np.testing.assert_allclose(grid[0], reference_grid(np.repeat(scaled, 3, axis=1))[0], atol=1e-6)
    ranged = make_grid(minitorch.from_numpy(batch), normalize=True, value_range=(-1.0, 1.0)).numpy()
    np.testing.assert_allclose(ranged[:, 2:5, 2:5], np.repeat((np.clip(batch[0], -1, 1) + 1) / 2, 3, axis=0), atol=1e-6)
    each = make_grid(minitorch.from_numpy(batch), normalize=True, scale_each=True).numpy()
    assert all(each[0, 2:5, 2 + 5 * k:5 + 5 * k].max() == 1.0 for k in range(4))
    assert make_grid(minitorch.ones(1, 1, 3, 3)).shape == (3, 3, 3)  # one image: no grid around it
    assert make_grid([minitorch.ones(3, 2, 2), minitorch.zeros(3, 2, 2)]).shape == (3, 6, 10)
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(minitorch.ones(2, 3, 2, 2), normalize=True, value_range=[0, 1])


def test_save_image_writes_the_rounded_grid_as_png(tmp_path):
    batch = minitorch.from_numpy(np.random.default_rng(0).random((5, 3, 4, 4), dtype=np.float32))
    save_image(batch, tmp_path / "grid.png", nrow=3)
    written = np.asarray(Image.open(tmp_path / "grid.png"))
    expected = np.clip(make_grid(batch, nrow=3).numpy() * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(written, expected)
    buffer = io.BytesIO()
    save_image(batch, buffer, format="PNG")
    assert buffer.getvalue().startswith(b"\x89PNG")

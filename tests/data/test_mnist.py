"""MNIST, FashionMNIST, KMNIST: the real shared files, and tiny IDX files the tests write.

The tiny files are built with the IDX layout from the dataset README (big-endian magic
``0x00000803`` / ``0x00000801``, then the sizes, then the bytes), so the checks of magic numbers,
sizes and truncation are tested against the format itself, not against our own writer.
"""
import gzip
import hashlib
import re
import stat
from pathlib import Path

import numpy as np
import pytest

import minitorch
import minitorch.transforms as T
from minitorch.datasets import KMNIST, MNIST, FashionMNIST
from minitorch.utils.data import DataLoader

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
needs_mnist = pytest.mark.skipif(not (SHARED / "mnist" / "MNIST" / "raw").is_dir(),
                                 reason=f"the shared MNIST files are not at {SHARED / 'mnist'} (only the project's machines have them)")
needs_fashion = pytest.mark.skipif(not (SHARED / "fashion-mnist" / "FashionMNIST" / "raw").is_dir(),
                                   reason=f"the shared Fashion-MNIST files are not at {SHARED / 'fashion-mnist'}")

# from ../shared/datasets/mnist/README.md
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def idx_bytes(array: np.ndarray, magic_dims: int | None = None, type_code: int = 0x08) -> bytes:
    """An IDX file: 0x00 0x00 <type> <ndim>, the sizes as big-endian uint32, the data."""
    dims = array.ndim if magic_dims is None else magic_dims
    header = bytes([0, 0, type_code, dims]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(">u1" if type_code == 0x08 else array.dtype).tobytes()


def write_mnist(root: Path, images: np.ndarray, labels: np.ndarray, name: str = "MNIST", split: str = "train",
                gz: bool = True, image_bytes: bytes | None = None, label_bytes: bytes | None = None) -> Path:
    raw = root / name / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for kind, data in (("images-idx3", image_bytes or idx_bytes(images)), ("labels-idx1", label_bytes or idx_bytes(labels))):
        path = raw / f"{split}-{kind}-ubyte"
        if gz:
            (path.with_name(path.name + ".gz")).write_bytes(gzip.compress(data))
        else:
            path.write_bytes(data)
    return raw


def tiny(count: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (count, 28, 28), dtype=np.uint8), rng.integers(0, 10, count).astype(np.uint8)


def snapshot(root: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*")}


# ----- the real files -----


@needs_mnist
def test_real_mnist_train_and_test_sets():
    train = MNIST(SHARED / "mnist")
    test = MNIST(SHARED / "mnist", train=False)
    assert (len(train), len(test)) == (60000, 10000)
    assert train.data.shape == (60000, 28, 28) and train.data.dtype == minitorch.uint8
    assert train.targets.dtype == minitorch.int64
    np.testing.assert_array_equal(np.bincount(train.targets.numpy()), MNIST_TRAIN_COUNTS)
    np.testing.assert_array_equal(np.bincount(test.targets.numpy()), MNIST_TEST_COUNTS)
    assert train.targets[:5].tolist() == [5, 0, 4, 1, 9]  # the well-known first five training labels
    assert train.classes[0] == "0 - zero" and train.class_to_idx["9 - nine"] == 9
    assert "Split: Test" in repr(test) and "Number of datapoints: 10000" in repr(test)


@needs_mnist
def test_real_mnist_pixels_come_out_as_pytorch_gives_them():
    dataset = MNIST(SHARED / "mnist", train=False, transform=T.ToTensor())
    image, label = dataset[0]
    assert image.shape == (1, 28, 28) and image.dtype == minitorch.float32 and label == 7
    raw = dataset.data.numpy()[0]
    np.testing.assert_array_equal(image.numpy()[0], raw.astype(np.float32) / 255)  # ToTensor: uint8 / 255
    assert 0.0 <= float(image.min()) and float(image.max()) == 1.0


@needs_mnist
def test_real_mnist_as_pil_images_as_torchvision():
    pytest.importorskip("PIL")
    image, _ = MNIST(SHARED / "mnist", train=False, return_pil=True)[0]
    assert image.mode == "L" and image.size == (28, 28)
    np.testing.assert_array_equal(T.ToTensor()(image).numpy(), MNIST(SHARED / "mnist", train=False, transform=T.ToTensor())[0][0].numpy())


@needs_fashion
def test_real_fashion_mnist():
    dataset = FashionMNIST(SHARED / "fashion-mnist", train=False)
    assert len(dataset) == 10000 and dataset.classes[9] == "Ankle boot"
    assert np.bincount(dataset.targets.numpy()).tolist() == [1000] * 10


@needs_mnist
def test_reading_a_read_only_root_writes_nothing_even_with_download():
    before = snapshot(SHARED / "mnist")
    MNIST(SHARED / "mnist", train=False, download=True)
    assert snapshot(SHARED / "mnist") == before


# ----- tiny files -----


@pytest.mark.parametrize("gz", [True, False])
def test_tiny_files_gzipped_or_unpacked(tmp_path, gz):
    images, labels = tiny()
    write_mnist(tmp_path, images, labels, gz=gz)
    dataset = MNIST(tmp_path)
    np.testing.assert_array_equal(dataset.data.numpy(), images)
    assert dataset.targets.tolist() == labels.tolist()
    image, label = dataset[2]
    assert image.shape == (28, 28) and image.dtype == np.uint8 and label == labels[2]


def test_batches_and_single_samples_agree_and_unbatchable_transforms_get_one_image(tmp_path):
    images, labels = tiny(10)
    write_mnist(tmp_path, images, labels)
    batched = MNIST(tmp_path, transform=T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))]))
    x, y = batched.__getitems__([3, 1, 4])
    assert x.shape == (3, 1, 28, 28) and y.tolist() == labels[[3, 1, 4]].tolist()
    np.testing.assert_allclose(x.numpy()[0], batched[3][0].numpy())
    seen = []
    single = MNIST(tmp_path, transform=T.Compose([T.ToTensor(), T.Lambda(lambda t: seen.append(t.shape) or t.flatten())]))
    x, y = next(iter(DataLoader(single, batch_size=4)))
    assert x.shape == (4, 784) and set(seen) == {(1, 28, 28)}  # the Lambda saw one image at a time
    raw, _ = next(iter(DataLoader(MNIST(tmp_path), batch_size=4)))
    assert raw.shape == (4, 28, 28) and raw.dtype == minitorch.uint8


def test_kmnist_and_fashion_use_their_own_folders_and_classes(tmp_path):
    images, labels = tiny()
    write_mnist(tmp_path, images, labels, name="KMNIST", split="t10k")
    write_mnist(tmp_path, images, labels, name="FashionMNIST", split="t10k")
    assert KMNIST(tmp_path, train=False).classes[0] == "o"
    assert FashionMNIST(tmp_path, train=False).class_to_idx["Bag"] == 8
    with pytest.raises(RuntimeError, match=re.escape(f"put train-images-idx3-ubyte.gz (from {KMNIST.mirrors[0]}) in {tmp_path / 'KMNIST' / 'raw'}")):
        KMNIST(tmp_path)


def test_missing_files_say_where_to_put_them(tmp_path):
    with pytest.raises(RuntimeError, match=r"MNIST not found: put train-images-idx3-ubyte.gz .* in .*MNIST/raw, or pass download=True"):
        MNIST(tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing created


@pytest.mark.parametrize("damage, message", [
    (lambda data: data[:100], r"is truncated: its header announces shape \(6, 28, 28\) \(4704 data bytes\) but it holds 84"),
    (lambda data: data + b"\x00", "has extra bytes"),
    (lambda data: b"\x00\x00\x08\x01" + data[4:], r"magic number 0x00000801, expected 0x00000803"),
    (lambda data: b"PK\x03\x04" + data[4:], r"is not an IDX file: its magic number is 0x504B0304"),
    (lambda data: data[:2], r"truncated: 2 bytes"),
    (lambda data: data[:10], r"truncated inside its header \(10 of 16 bytes\)"),
])
def test_broken_image_files_are_refused_clearly(tmp_path, damage, message):
    images, labels = tiny()
    raw = write_mnist(tmp_path, images, labels, image_bytes=damage(idx_bytes(images)))
    before = snapshot(tmp_path)
    with pytest.raises(RuntimeError, match=message):
        MNIST(tmp_path)
    assert snapshot(tmp_path) == before and str(raw / "train-images-idx3-ubyte.gz")  # nothing written


def test_a_truncated_gzip_stream_and_a_file_that_is_not_gzip(tmp_path):
    images, labels = tiny()
    raw = write_mnist(tmp_path, images, labels)
    path = raw / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(RuntimeError, match="is truncated: the gzip stream ends early"):
        MNIST(tmp_path)
    path.write_bytes(b"not gzip at all")
    with pytest.raises(RuntimeError, match="is not a valid gzip file"):
        MNIST(tmp_path)


def test_image_and_label_counts_must_agree_and_labels_must_be_classes(tmp_path):
    images, labels = tiny()
    write_mnist(tmp_path, images, labels[:5])
    with pytest.raises(RuntimeError, match="holds 6 images but .* 5 labels"):
        MNIST(tmp_path)
    write_mnist(tmp_path, images, np.full(6, 10, np.uint8))
    with pytest.raises(RuntimeError, match=r"labels must lie in 0..9, found 10"):
        MNIST(tmp_path)


def test_a_read_only_root_with_the_files_is_read_without_writing(tmp_path):
    images, labels = tiny()
    write_mnist(tmp_path, images, labels)
    folders = [tmp_path, tmp_path / "MNIST", tmp_path / "MNIST" / "raw"]
    for folder in folders:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        before = snapshot(tmp_path)
        assert len(MNIST(tmp_path, download=True)) == 6
        assert snapshot(tmp_path) == before
    finally:
        for folder in folders:
            folder.chmod(stat.S_IRWXU)


# ----- download -----


def served(tmp_path: Path, images: np.ndarray, labels: np.ndarray) -> tuple[str, dict]:
    """A mirror folder with the four gzip'd files, as a file:// URL, and their md5s."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    md5s = {}
    for split in ("train", "t10k"):
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            name = f"{split}-{kind}-ubyte.gz"
            data = gzip.compress(idx_bytes(array), mtime=0)
            (mirror / name).write_bytes(data)
            md5s[name] = hashlib.md5(data).hexdigest()
    return mirror.as_uri() + "/", md5s


def test_download_tries_the_mirrors_in_turn_and_checks_md5(tmp_path):
    images, labels = tiny()
    url, md5s = served(tmp_path, images, labels)

    class Local(MNIST):
        mirrors = [(tmp_path / "nowhere").as_uri() + "/", url]
        resources = list(md5s.items())

    dataset = Local(tmp_path / "root", download=True)
    np.testing.assert_array_equal(dataset.data.numpy(), images)
    raw = tmp_path / "root" / "Local" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]


def test_download_with_a_wrong_md5_keeps_nothing_and_says_what_to_do(tmp_path):
    images, labels = tiny()
    url, md5s = served(tmp_path, images, labels)

    class Tampered(MNIST):
        mirrors = [url]
        resources = [(name, "0" * 32) for name in md5s]

    with pytest.raises(RuntimeError, match=r"could not download train-images-idx3-ubyte.gz from any mirror .*md5 mismatch.*put the file in"):
        Tampered(tmp_path / "root", download=True)
    assert not any(p.is_file() for p in (tmp_path / "root").rglob("*"))


def test_offline_download_says_where_to_put_the_files(tmp_path):
    class Offline(MNIST):
        mirrors = [(tmp_path / "nowhere").as_uri() + "/"]

    with pytest.raises(RuntimeError, match=re.escape(f"put the file in {tmp_path / 'Offline' / 'raw'} yourself")):
        Offline(tmp_path, download=True)

"""minitorch.datasets: CIFAR10 on tiny archives written here, on the real subset, and the safe unpickler."""

import copy
import hashlib
import io
import os
import pickle
import re
import tarfile
import warnings
from pathlib import Path

import numpy as np
import pytest

import minitorch
import minitorch.transforms as T
from minitorch.datasets import CIFAR10
from minitorch.datasets.download import file_md5
from minitorch.datasets.safe_pickle import safe_loads
from minitorch.utils.data import DataLoader

SUBSET = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "cifar10-subset"
CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
TRAIN_SIZES = (3, 2, 2, 2, 1)
TEST_SIZE = 4


# ----- writing archives in the official layout -----


def official_batches(seed=0):
    """{file name: dict} as in cifar-10-batches-py, with random images; rows are R, G, B planes."""
    rng = np.random.default_rng(seed)
    sizes = dict(zip(CIFAR10.train_files, TRAIN_SIZES), test_batch=TEST_SIZE)
    batches = {
        name: {
            b"batch_label": name.encode(),
            b"labels": rng.integers(0, 10, size).tolist(),
            b"data": rng.integers(0, 256, (size, 3072), dtype=np.uint8),
            b"filenames": [f"image_{i}.png".encode() for i in range(size)],
        }
        for name, size in sizes.items()
    }
    batches["batches.meta"] = {b"label_names": [c.encode() for c in CLASSES], b"num_vis": 3072}
    return batches


def write_archive(root, batches, replace=None):
    """Write root/cifar-10-python.tar.gz; ``replace`` maps a file name to raw bytes to store instead."""
    root.mkdir(parents=True, exist_ok=True)
    raw = {name: pickle.dumps(content, protocol=2) for name, content in batches.items()}
    raw.update(replace or {})
    with tarfile.open(root / CIFAR10.archive_name, "w:gz") as tar:
        for name, data in raw.items():
            member = tarfile.TarInfo(f"{CIFAR10.folder_name}/{name}")
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return root / CIFAR10.archive_name


def write_folder(root, batches):
    folder = root / CIFAR10.folder_name
    folder.mkdir(parents=True)
    for name, content in batches.items():
        (folder / name).write_bytes(pickle.dumps(content, protocol=2))
    return folder


def load(root, **kwargs):
    """CIFAR10 on an archive written here, whose md5 is of course not a known one."""
    with pytest.warns(UserWarning, match="reading it anyway"):
        return CIFAR10(root, **kwargs)


def expected_images(batch):
    return batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


# ----- CIFAR10 on tiny archives -----


def test_reads_train_and_test_split_from_the_archive(tmp_path):
    batches = official_batches()
    write_archive(tmp_path, batches)
    train, test = load(tmp_path), load(tmp_path, train=False)
    assert train.data.shape == (10, 32, 32, 3) and train.data.dtype == np.uint8
    assert train.data.flags.c_contiguous
    np.testing.assert_array_equal(train.data[:3], expected_images(batches["data_batch_1"]))
    np.testing.assert_array_equal(train.data[-1:], expected_images(batches["data_batch_5"]))
    assert train.targets == [label for name in CIFAR10.train_files for label in batches[name][b"labels"]]
    assert test.targets == batches["test_batch"][b"labels"] and len(test) == TEST_SIZE
    assert train.classes == CLASSES and train.class_to_idx["cat"] == 3


def test_an_unknown_archive_md5_is_a_warning_that_points_at_the_caller(tmp_path):
    write_archive(tmp_path, official_batches())
    with pytest.warns(UserWarning, match=f"has md5 {file_md5(tmp_path / CIFAR10.archive_name)}") as caught:
        CIFAR10(tmp_path)
    assert caught[0].filename == __file__


def test_extracted_folder_gives_the_same_data(tmp_path):
    batches = official_batches()
    write_folder(tmp_path, batches)
    from_folder = CIFAR10(tmp_path)
    write_archive(tmp_path / "archive", batches)
    np.testing.assert_array_equal(from_folder.data, load(tmp_path / "archive").data)


def test_getitem_returns_a_copy_through_the_transforms(tmp_path):
    batches = official_batches()
    write_folder(tmp_path, batches)
    image, target = CIFAR10(tmp_path)[1]
    assert image.shape == (32, 32, 3) and image.dtype == np.uint8
    assert target == batches["data_batch_1"][b"labels"][1]
    image[:] = 0
    assert CIFAR10(tmp_path)[1][0].any()
    tensor, shifted = CIFAR10(tmp_path, transform=T.ToTensor(), target_transform=lambda y: y + 100)[1]
    assert tensor.shape == (3, 32, 32) and tensor.dtype == minitorch.float32 and shifted == target + 100


def test_getitems_gives_a_transformed_batch_and_a_loader_uses_it(tmp_path):
    write_folder(tmp_path, official_batches())
    dataset = CIFAR10(tmp_path, transform=T.ToTensor(), target_transform=lambda y: y * 0)
    images, targets = dataset.__getitems__([3, 0])
    assert images.shape == (2, 3, 32, 32)
    np.testing.assert_array_equal(images.numpy()[1], dataset[0][0].numpy())
    images, targets = next(iter(DataLoader(CIFAR10(tmp_path), batch_size=4)))
    assert images.shape == (4, 32, 32, 3) and images.dtype == minitorch.uint8
    assert targets.dtype == minitorch.int64
    assert "Number of datapoints: 10" in repr(dataset)


def test_missing_data_says_where_to_put_the_archive(tmp_path):
    where = re.escape(f"put cifar-10-python.tar.gz at {tmp_path / 'cifar-10-python.tar.gz'}")
    with pytest.raises(RuntimeError, match=f"{where}.*download=True"):
        CIFAR10(tmp_path)


def test_incomplete_folder_and_archive_are_reported(tmp_path):
    batches = official_batches()
    del batches["data_batch_4"]
    write_folder(tmp_path / "folder", batches)
    with pytest.raises(RuntimeError, match="lacks data_batch_4"):
        CIFAR10(tmp_path / "folder")
    write_archive(tmp_path / "archive", batches)
    with pytest.raises(RuntimeError, match="lacks cifar-10-batches-py/data_batch_4"):
        load(tmp_path / "archive")


def test_a_truncated_archive_is_reported(tmp_path):
    archive = write_archive(tmp_path, official_batches())
    archive.write_bytes(archive.read_bytes()[:5000])
    with pytest.raises(RuntimeError, match="cannot read .*delete it and download it again"):
        load(tmp_path)


def batch(data, labels):
    return {b"data": data, b"labels": labels}


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("data_batch_2", [1, 2], "not a CIFAR-10 batch"),
        ("data_batch_2", batch(np.zeros((2, 3072), np.float32), [0, 1]), r"uint8 data of shape \(2, 3072\), got float32"),
        ("data_batch_2", batch(np.zeros((2, 3072), np.uint8), [0]), r"shape \(1, 3072\), got uint8 \(2, 3072\)"),
        ("data_batch_2", batch([0], [0]), "got list"),
        ("data_batch_2", batch(np.zeros((1, 3072), np.uint8), [10]), r"labels must lie in 0..9, got 10..10"),
        ("batches.meta", {b"names": []}, "not CIFAR-10 metadata"),
    ],
)
def test_malformed_files_are_reported(tmp_path, name, content, message):
    batches = official_batches()
    batches[name] = content
    write_folder(tmp_path, batches)
    with pytest.raises(RuntimeError, match=message):
        CIFAR10(tmp_path)


# ----- download=True -----


@pytest.fixture
def served_archive(tmp_path, monkeypatch):
    """A tiny archive behind a file:// URL, set as CIFAR10.url with its md5."""
    archive = write_archive(tmp_path / "server", official_batches())
    monkeypatch.setattr(CIFAR10, "url", archive.as_uri())
    monkeypatch.setattr(CIFAR10, "download_md5", file_md5(archive))
    return archive


def test_download_fetches_verifies_and_loads(served_archive, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a verified download is not an unknown archive
        dataset = CIFAR10(tmp_path / "data", download=True)
    assert len(dataset) == 10
    assert sorted(os.listdir(tmp_path / "data")) == [CIFAR10.archive_name]


def test_download_with_a_wrong_md5_leaves_nothing(served_archive, tmp_path, monkeypatch):
    monkeypatch.setattr(CIFAR10, "download_md5", "f" * 32)
    with pytest.raises(RuntimeError, match=f"expected {'f' * 32}, got {file_md5(served_archive)}"):
        CIFAR10(tmp_path / "data", download=True)
    assert os.listdir(tmp_path / "data") == []


def test_download_is_skipped_when_the_archive_is_there(tmp_path, monkeypatch):
    write_archive(tmp_path, official_batches())
    monkeypatch.setattr(CIFAR10, "url", (tmp_path / "nowhere.tar.gz").as_uri())
    assert len(load(tmp_path, download=True)) == 10


# ----- tampered pickles -----


class RunsAShellCommand:
    """Unpickling this with plain pickle.load would run `touch <marker>`."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_a_tampered_batch_is_refused_before_it_runs(tmp_path):
    marker = tmp_path / "pwned"
    evil = pickle.dumps({b"data": RunsAShellCommand(marker), b"labels": []}, protocol=2)
    write_archive(tmp_path, official_batches(), replace={"data_batch_3": evil})
    with pytest.raises(pickle.UnpicklingError, match=r"data_batch_3: refusing to load global '(posix|os)\.system'"):
        load(tmp_path)
    assert not marker.exists()


def test_safe_loads_reads_arrays_of_numpy_1_and_2_files():
    array = np.arange(12, dtype=np.int16).reshape(3, 4)
    written = pickle.dumps({b"a": array, b"t": (1.5, None, True)}, protocol=2)
    assert b"numpy._core.multiarray" in written  # NumPy 2 names its _core; NumPy 1 files say numpy.core
    as_numpy_1 = written.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    for data in (written, as_numpy_1):
        loaded = safe_loads(data)
        np.testing.assert_array_equal(loaded[b"a"], array)
        assert loaded[b"t"] == (1.5, None, True)


@pytest.mark.parametrize(
    "payload, message",
    [
        (pickle.dumps(os.system, protocol=2), r"refusing to load global '(posix|os)\.system'"),
        (pickle.dumps(eval, protocol=4), "refusing to load global 'builtins.eval'"),
        (b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00rot13\x86R.", "codec 'rot13'"),
    ],
)
def test_safe_loads_refuses_other_globals_and_codecs(payload, message):
    with pytest.raises(pickle.UnpicklingError, match=message):
        safe_loads(payload)


# ----- the real CIFAR-10 subset in ../shared -----


needs_subset = pytest.mark.skipif(
    not (SUBSET / CIFAR10.archive_name).is_file(),
    reason=f"the real CIFAR-10 subset is not at {SUBSET} (only the project's shared checkout has it)",
)
FIRST_TRAIN_IMAGE_SHA256 = "7cbda40c52a00fdb4343e76a94b670a6280112167d0e5a0acd9dfeb76d34cff4"


@pytest.fixture(scope="module")
def subset_train():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the subset's md5 is a known one
        return CIFAR10(SUBSET)


@needs_subset
def test_real_subset_from_the_archive(subset_train):
    test = CIFAR10(SUBSET, train=False)
    assert subset_train.data.shape == (5170, 32, 32, 3) and test.data.shape == (1017, 32, 32, 3)
    assert subset_train.data.dtype == np.uint8 and len(subset_train.targets) == 5170
    assert set(subset_train.targets) == set(test.targets) == set(range(10))
    assert subset_train.classes == CLASSES
    assert subset_train.targets[:10] == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    assert hashlib.sha256(subset_train.data[0].tobytes()).hexdigest() == FIRST_TRAIN_IMAGE_SHA256


@needs_subset
def test_real_subset_from_an_extracted_copy(subset_train, tmp_path):
    with tarfile.open(SUBSET / CIFAR10.archive_name) as tar:
        tar.extractall(tmp_path, filter="data")
    extracted = CIFAR10(tmp_path)
    np.testing.assert_array_equal(extracted.data, subset_train.data)
    assert extracted.targets == subset_train.targets


@needs_subset
def test_real_subset_through_a_loader_with_augmentation(subset_train):
    augmented = copy.copy(subset_train)  # shares the images, not the transform
    normalize = T.Normalize([0.49, 0.48, 0.45], [0.25, 0.24, 0.26])
    augmented.transform = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), normalize])
    images, labels = next(iter(DataLoader(augmented, batch_size=128, shuffle=True)))
    assert images.shape == (128, 3, 32, 32) and images.dtype == minitorch.float32
    assert labels.shape == (128,) and labels.dtype == minitorch.int64

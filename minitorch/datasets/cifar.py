"""CIFAR-10: 60,000 32x32 colour images in 10 classes, read from the official python archive.

The archive ``cifar-10-python.tar.gz`` holds ``cifar-10-batches-py/`` with five
training batches, one test batch and ``batches.meta``. Each batch is a pickle
of a dict: ``b"data"`` is a uint8 array of N rows of 3072 bytes (the 1024 red,
then green, then blue pixels of a 32x32 image) and ``b"labels"`` N ints.

We read the batches straight out of the tar.gz (gzip streams through the file
once, about a second for the full archive) instead of extracting it: nothing
is written next to the archive, and a malicious archive has no chance to write
files outside ``root``. An already extracted ``root/cifar-10-batches-py/`` is
read as it is. Every pickle goes through the restricted unpickler, so a
tampered file raises ``pickle.UnpicklingError`` instead of running code.
"""

from __future__ import annotations

import os
import pickle
import tarfile
import urllib.error
import warnings
import zlib
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from minitorch.datasets.download import download_url, file_md5
from minitorch.datasets.safe_pickle import safe_loads
from minitorch.datasets.vision import VisionDataset

IMAGE_SHAPE_CHW = (3, 32, 32)


class CIFAR10(VisionDataset):
    """The CIFAR-10 training (``train=True``, 50,000 images) or test set (10,000), as torchvision's.

    ``dataset[i]`` is ``(image, target)``: a uint8 HWC array of shape (32, 32, 3)
    (a PIL image with ``return_pil=True``, as torchvision gives) passed through ``transform``, and an int
    passed through ``target_transform``. ``data`` holds all images (N, 32, 32, 3),
    ``targets`` the labels, ``classes`` the ten class names.

    Data is looked for in ``root/cifar-10-batches-py/``, then in
    ``root/cifar-10-python.tar.gz``; ``download=True`` fetches the archive when
    neither is there.

    A DataLoader fetches whole batches through ``__getitems__``, which applies
    ``transform`` once to an NHWC uint8 batch and ``target_transform`` to an
    int64 array of labels when they accept batches (those of ``minitorch.transforms``
    do); any other transform gets one sample at a time (see ``vision.py``).
    """

    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    download_md5 = "c58f30108f718f92721af3b95e74349a"
    known_md5s = {
        "c58f30108f718f92721af3b95e74349a": "the official archive",
        "2ed9cab43b56664e2fcfd205c070f78a": "the offline subset (fewer images per batch)",
    }
    archive_name = "cifar-10-python.tar.gz"
    folder_name = "cifar-10-batches-py"
    train_files = ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")
    test_files = ("test_batch",)
    meta_file = "batches.meta"

    def __init__(
        self,
        root: str | os.PathLike,
        train: bool = True,
        download: bool = False,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        return_pil: bool = False,
    ) -> None:
        super().__init__(root, transform, target_transform, return_pil)
        self.train = train
        batch_files = self.train_files if train else self.test_files
        files = self._read_files((self.meta_file, *batch_files), download)
        self.classes = _class_names(files[self.meta_file])
        self.class_to_idx = {name: index for index, name in enumerate(self.classes)}
        batches = [_rows_and_labels(name, files[name], len(self.classes)) for name in batch_files]
        self.data = _rows_to_images(np.concatenate([rows for rows, _ in batches]))
        self.targets = [label for _, labels in batches for label in labels]
        self._image_array, self._target_array = self.data, np.array(self.targets, dtype=np.int64)

    def extra_repr(self) -> list[str]:
        return [f"Split: {'Train' if self.train else 'Test'}"]

    # ----- finding the files -----

    def _read_files(self, names: Sequence[str], download: bool) -> dict[str, bytes]:
        """The raw bytes of each named batch file, from the extracted folder or the archive."""
        folder = self.root / self.folder_name
        if folder.is_dir():
            return _read_from_folder(folder, names)
        archive = self.root / self.archive_name
        if archive.is_file():
            self._warn_if_unknown(archive)
        elif download:
            try:
                download_url(self.url, archive, md5=self.download_md5)
            except urllib.error.URLError as error:
                raise RuntimeError(
                    f"could not download {self.url} ({getattr(error, 'reason', error)}); check the "
                    f"connection and run again (a partial download resumes), or put {self.archive_name} "
                    f"at {archive}"
                ) from error
        else:
            raise RuntimeError(
                f"CIFAR-10 not found: put {self.archive_name} at {archive} "
                f"(or its extracted {self.folder_name}/ folder in {self.root}), "
                "or pass download=True to fetch it"
            )
        return _read_from_archive(archive, self.folder_name, names)

    def _warn_if_unknown(self, archive: Path) -> None:
        """A re-packed archive is allowed; say so, since its content is unchecked (reading stays safe)."""
        md5 = file_md5(archive)
        if md5 not in self.known_md5s:
            warnings.warn(
                f"{archive} has md5 {md5}, which is neither {' nor '.join(self.known_md5s.values())}; "
                "reading it anyway (its pickles can only hold data, never run code)",
                stacklevel=4,  # point at the user's CIFAR10(...) line
            )


def _read_from_folder(folder: Path, names: Sequence[str]) -> dict[str, bytes]:
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"{folder} lacks {', '.join(missing)}; it is not a complete CIFAR-10 folder")
    return {name: (folder / name).read_bytes() for name in names}


def _read_from_archive(archive: Path, folder_name: str, names: Sequence[str]) -> dict[str, bytes]:
    """Read the named members in one pass through the tar (seeking back in a gzip stream is slow)."""
    wanted = {f"{folder_name}/{name}": name for name in names}
    found = {}
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.isfile() and member.name in wanted:
                    found[wanted[member.name]] = tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise RuntimeError(f"cannot read {archive} ({error}); delete it and download it again") from error
    missing = [name for name in names if name not in found]
    if missing:
        raise RuntimeError(f"{archive} lacks {', '.join(f'{folder_name}/{name}' for name in missing)}")
    return found


# ----- decoding the pickles -----


def _unpickle(name: str, raw: bytes) -> Any:
    try:
        return safe_loads(raw, encoding="bytes")
    except pickle.UnpicklingError as error:
        raise pickle.UnpicklingError(f"{name}: {error}") from error


def _class_names(raw: bytes) -> list[str]:
    meta = _unpickle(CIFAR10.meta_file, raw)
    if not isinstance(meta, dict) or not isinstance(meta.get(b"label_names"), list):
        raise RuntimeError(f"{CIFAR10.meta_file} is not CIFAR-10 metadata: expected a dict with b'label_names'")
    return [name.decode() for name in meta[b"label_names"]]


def _rows_and_labels(name: str, raw: bytes, class_count: int) -> tuple[np.ndarray, list[int]]:
    """Decode one batch into its (N, 3072) uint8 rows and N labels, checking the layout."""
    batch = _unpickle(name, raw)
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise RuntimeError(f"{name} is not a CIFAR-10 batch: expected a dict with b'data' and b'labels'")
    data, labels = batch[b"data"], [int(label) for label in batch[b"labels"]]
    row_size = int(np.prod(IMAGE_SHAPE_CHW))
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.shape != (len(labels), row_size):
        found = f"{data.dtype} {data.shape}" if isinstance(data, np.ndarray) else type(data).__name__
        raise RuntimeError(f"{name}: expected uint8 data of shape ({len(labels)}, {row_size}), got {found}")
    if labels and not 0 <= min(labels) <= max(labels) < class_count:
        raise RuntimeError(f"{name}: labels must lie in 0..{class_count - 1}, got {min(labels)}..{max(labels)}")
    return data, labels


def _rows_to_images(rows: np.ndarray) -> np.ndarray:
    """(N, 3072) rows -> contiguous (N, 32, 32, 3) HWC images.

    Each row holds the R, G and B planes one after the other: view it as CHW, then move C last.
    """
    return np.ascontiguousarray(rows.reshape(-1, *IMAGE_SHAPE_CHW).transpose(0, 2, 3, 1))

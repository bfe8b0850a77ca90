"""MNIST, Fashion-MNIST and Kuzushiji-MNIST: 70,000 28x28 grayscale images in 10 classes each.

The three share one layout, as in torchvision: ``ROOT/<ClassName>/raw/`` holds four IDX
files, ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte`` and
``t10k-labels-idx1-ubyte``, each gzip'd (``.gz``, as published) or unpacked. The ``.gz`` files
are read directly, so the root may be read-only: nothing is ever written there unless a file
is missing and ``download=True``. Downloads try each mirror in turn, resume a broken transfer,
check the md5 and only then give the file its final name (``minitorch.datasets.download``).
"""
from __future__ import annotations

import os
import urllib.error
from pathlib import Path
from typing import Callable

import numpy as np

from minitorch.creation import from_numpy
from minitorch.datasets.download import download_url
from minitorch.datasets.idx import read_idx
from minitorch.datasets.vision import VisionDataset

IDX_UINT8 = 0x08


class MNIST(VisionDataset):
    """The MNIST training set (``train=True``, 60,000 digits) or test set (10,000), as torchvision's.

    ``dataset[i]`` is ``(image, target)``: a (28, 28) uint8 array (a ``PIL.Image`` with
    ``return_pil=True``, what torchvision gives) through ``transform``, and an int through
    ``target_transform``. ``ToTensor()`` makes the image a float (1, 28, 28) Tensor in [0, 1].
    ``data`` is a uint8 Tensor (N, 28, 28) and ``targets`` an int64 Tensor (N,), as torchvision's.
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(
        self,
        root: str | os.PathLike,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
        return_pil: bool = False,
    ) -> None:
        super().__init__(root, transform, target_transform, return_pil)
        self.train = train
        prefix = "train" if train else "t10k"
        images_path = self._find(f"{prefix}-images-idx3-ubyte", download)
        labels_path = self._find(f"{prefix}-labels-idx1-ubyte", download)
        self._image_array = read_idx(images_path, ndim=3, dtype_code=IDX_UINT8)
        labels = read_idx(labels_path, ndim=1, dtype_code=IDX_UINT8)
        if len(labels) != len(self._image_array):
            raise RuntimeError(
                f"{images_path} holds {len(self._image_array)} images but {labels_path} {len(labels)} labels; "
                "the two files do not belong together"
            )
        if len(labels) and labels.max() >= len(self.classes):
            raise RuntimeError(f"{labels_path}: labels must lie in 0..{len(self.classes) - 1}, found {labels.max()}")
        self._target_array = labels.astype(np.int64)
        self.data = from_numpy(self._image_array)  # shares memory with the array
        self.targets = from_numpy(self._target_array)

    @property
    def raw_folder(self) -> Path:
        return self.root / type(self).__name__ / "raw"

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.classes)}

    def extra_repr(self) -> list[str]:
        return [f"Split: {'Train' if self.train else 'Test'}"]

    def _find(self, stem: str, download: bool) -> Path:
        """``raw/<stem>.gz`` or the unpacked ``raw/<stem>``; downloaded when missing and ``download``."""
        for candidate in (self.raw_folder / f"{stem}.gz", self.raw_folder / stem):
            if candidate.is_file():
                return candidate
        name = f"{stem}.gz"
        if not download:
            raise RuntimeError(
                f"{type(self).__name__} not found: put {name} (from {self.mirrors[0]}) in {self.raw_folder}, "
                "or pass download=True to fetch it"
            )
        return self._download(name)

    def _download(self, name: str) -> Path:
        md5 = dict(self.resources)[name]
        errors = []
        for mirror in self.mirrors:
            try:
                return download_url(mirror + name, self.raw_folder / name, md5=md5)
            except (urllib.error.URLError, OSError, RuntimeError) as error:
                errors.append(f"{mirror + name}: {getattr(error, 'reason', error)}")
        raise RuntimeError(
            f"could not download {name} from any mirror ({'; '.join(errors)}); check the connection and run "
            f"again (a partial download resumes), or put the file in {self.raw_folder} yourself"
        )


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 grayscale pictures of 10 kinds of clothing, MNIST's layout and sizes."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST: 28x28 images of 10 cursive Japanese (hiragana) characters, MNIST's layout and sizes."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]

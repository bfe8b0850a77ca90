"""Datasets made of files in class folders, as ``torchvision.datasets.DatasetFolder`` and ``ImageFolder``.

The layout is one sub-folder per class; the folder names, sorted, are the classes::

    root/cat/001.png        -> (image, 0)
    root/cat/nested/x.jpg   -> (image, 0)     sub-folders of a class belong to it
    root/dog/abc.jpeg       -> (image, 1)

A file counts when its name ends with one of ``extensions`` (case-insensitive) or, instead,
when ``is_valid_file(path)`` says so. ``loader(path)`` reads a sample; for ``ImageFolder`` it
opens the image with Pillow and converts it to RGB, as torchvision's default loader.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from minitorch.utils.data import Dataset

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename: str, extensions: str | tuple[str, ...]) -> bool:
    return filename.lower().endswith(extensions if isinstance(extensions, str) else tuple(extensions))


def is_image_file(filename: str) -> bool:
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory: str | os.PathLike) -> tuple[list[str], dict[str, int]]:
    """The sorted sub-folder names of ``directory`` and their indices."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: index for index, name in enumerate(classes)}


def make_dataset(directory: str | os.PathLike, class_to_idx: dict[str, int], extensions: tuple[str, ...] | None = None,
                 is_valid_file: Callable[[str], bool] | None = None, allow_empty: bool = False) -> list[tuple[str, int]]:
    """Every valid file under each class folder as ``(path, class_index)``, in sorted order."""
    if (extensions is None) == (is_valid_file is None):
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the same time")
    if is_valid_file is None:
        def is_valid_file(path: str) -> bool:
            return has_file_allowed_extension(path, extensions)
    samples, empty = [], set()
    for name in sorted(class_to_idx):
        folder = os.path.join(os.path.expanduser(directory), name)
        if not os.path.isdir(folder):
            continue
        found = [(os.path.join(where, file), class_to_idx[name])
                 for where, _, files in sorted(os.walk(folder, followlinks=True))
                 for file in sorted(files) if is_valid_file(os.path.join(where, file))]
        samples.extend(found)
        if not found:
            empty.add(name)
    if empty and not allow_empty:
        message = f"Found no valid file for the classes {', '.join(sorted(empty))}. "
        if extensions is not None:
            message += f"Supported extensions are: {extensions if isinstance(extensions, str) else ', '.join(extensions)}"
        raise FileNotFoundError(message)
    return samples


def pil_loader(path: str) -> Any:
    """Open an image file with Pillow, as RGB (decoded now: the file is closed on return)."""
    from minitorch.transforms._layout import pil_module  # Pillow, or an ImportError that says how to get it

    with open(path, "rb") as file:
        return pil_module().open(file).convert("RGB")


default_loader = pil_loader


class DatasetFolder(Dataset):
    """Samples are the files under ``root/<class>/``, read by ``loader``; targets are class indices."""

    def __init__(self, root: str | os.PathLike, loader: Callable[[str], Any], extensions: tuple[str, ...] | None = None,
                 transform: Callable | None = None, target_transform: Callable | None = None,
                 is_valid_file: Callable[[str], bool] | None = None, allow_empty: bool = False) -> None:
        self.root = Path(root).expanduser()
        self.loader, self.extensions = loader, extensions
        self.transform, self.target_transform = transform, target_transform
        self.classes, self.class_to_idx = self.find_classes(self.root)
        self.samples = make_dataset(self.root, self.class_to_idx, extensions, is_valid_file, allow_empty)
        self.targets = [target for _, target in self.samples]

    @staticmethod
    def find_classes(directory: str | os.PathLike) -> tuple[list[str], dict[str, int]]:
        return find_classes(directory)

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __repr__(self) -> str:
        lines = [f"Number of datapoints: {len(self)}", f"Root location: {self.root}"]
        if self.transform is not None:
            lines.append(f"StandardTransform\nTransform: {self.transform!r}")
        return "\n    ".join([f"Dataset {type(self).__name__}", *lines])


class ImageFolder(DatasetFolder):
    """Images under ``root/<class>/`` (extensions ``IMG_EXTENSIONS``), opened as RGB PIL images by default."""

    def __init__(self, root: str | os.PathLike, transform: Callable | None = None, target_transform: Callable | None = None,
                 loader: Callable[[str], Any] = default_loader, is_valid_file: Callable[[str], bool] | None = None,
                 allow_empty: bool = False) -> None:
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None, transform, target_transform,
                         is_valid_file, allow_empty)
        self.imgs = self.samples

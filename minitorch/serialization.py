"""``save`` and ``load``: checkpoints as NumPy ``.npz`` archives, with no pickle anywhere.

``torch.save`` pickles, and unpickling a file runs whatever code the file asks for. A minitorch
checkpoint holds only data:

* every tensor is one ``.npy`` entry of the archive (an ``.npz`` is a zip of ``.npy`` files),
  named after where it sits, e.g. ``model/fc1.weight`` or ``optimizer/state/0/momentum_buffer``;
* the nesting around them (dicts, lists, tuples, numbers, strings, None) is one JSON document,
  stored in the entry ``__minitorch__`` as UTF-8 bytes, with each tensor replaced by its entry name.

Loading reads the archive with ``allow_pickle=False`` and rebuilds the nesting from the JSON,
so a checkpoint from the internet can hold wrong numbers but cannot run code.

Saving writes a temporary file next to the target, flushes it to disk and renames it over the
target in one step (``os.replace``), so a crash mid-save leaves the old checkpoint intact.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import zipfile
from collections import OrderedDict
from typing import Any, BinaryIO, Dict, List, Optional, Union

import numpy as np

from minitorch import dtypes
from minitorch.backend import CPU, device, to_device
from minitorch.nn.parameter import Parameter
from minitorch.tensor import Tensor

PathOrFile = Union[str, "os.PathLike[str]", BinaryIO]
STRUCTURE = "__minitorch__"
FORMAT, VERSION = "minitorch-checkpoint", 1
_ZIP_MAGIC = b"PK\x03\x04"


def save(obj: Any, f: PathOrFile) -> None:
    """Write ``obj`` (tensors nested in dicts, lists and tuples of plain values) to ``f``."""
    arrays: Dict[str, np.ndarray] = {}
    tree = _encode(obj, [], arrays)
    document = json.dumps({"format": FORMAT, "version": VERSION, "root": tree})
    arrays[STRUCTURE] = np.frombuffer(document.encode("utf-8"), dtype=np.uint8)
    if hasattr(f, "write"):
        _write_archive(f, arrays)
    else:
        _write_atomically(os.fspath(f), arrays)


def load(f: PathOrFile, map_location: Any = None, weights_only: Optional[bool] = None) -> Any:
    """Read what :func:`save` wrote; tensors come back on the CPU, or on ``map_location``.

    ``weights_only`` is accepted for PyTorch compatibility: a minitorch checkpoint only ever holds data.
    """
    target = CPU if map_location is None else _map_location_device(map_location)
    if hasattr(f, "read"):
        return _read(f, getattr(f, "name", repr(f)), target)
    name = os.fspath(f)
    with open(name, "rb") as file:
        return _read(file, name, target)


# ----- encoding: Python objects -> JSON tree + named arrays -----
def _encode(obj: Any, path: List[str], arrays: Dict[str, np.ndarray]) -> Any:
    """The JSON form of ``obj``; tensors go into ``arrays`` under a name built from ``path``."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, Tensor):
        entry = _entry_name(path, arrays)
        arrays[entry] = to_device(obj.detach()._data, CPU)
        kind = "parameter" if isinstance(obj, Parameter) else "tensor"
        return {"type": kind, "entry": entry, "requires_grad": obj.requires_grad}
    if isinstance(obj, (list, tuple)):
        items = [_encode(item, path + [str(i)], arrays) for i, item in enumerate(obj)]
        return {"type": "tuple" if isinstance(obj, tuple) else "list", "items": items}
    if isinstance(obj, dict):
        items = [[_encode_key(key, path), _encode(value, path + [str(key)], arrays)] for key, value in obj.items()]
        return {"type": "ordered_dict" if isinstance(obj, OrderedDict) else "dict", "items": items}
    hint = "; save its .state_dict() instead" if hasattr(obj, "state_dict") else ""
    raise TypeError(
        f"minitorch.save can't store a {type(obj).__name__} (at {_where(path)}): it saves tensors, "
        f"dicts, lists, tuples, None, bools, ints, floats and strings{hint}"
    )


def _encode_key(key: Any, path: List[str]) -> Any:
    if key is None or isinstance(key, (bool, int, float, str)):
        return key
    if isinstance(key, tuple):
        return {"type": "tuple", "items": [_encode_key(k, path) for k in key]}
    raise TypeError(f"minitorch.save can't store a dict key of type {type(key).__name__} (at {_where(path)})")


def _entry_name(path: List[str], taken: Dict[str, Any]) -> str:
    """A readable, unique archive entry name for the tensor at ``path``."""
    base = "/".join(re.sub(r"[^\w.\-]", "_", part) for part in path) or "tensor"
    name, n = base, 1
    while name in taken or name == STRUCTURE:
        name, n = f"{base}~{n}", n + 1
    return name


def _where(path: List[str]) -> str:
    return "".join(f"[{part!r}]" for part in path) or "the top level"


# ----- writing -----
def _write_archive(file: BinaryIO, arrays: Dict[str, np.ndarray]) -> None:
    """An uncompressed .npz: what ``np.savez`` writes, but with pickling refused."""
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in arrays.items():
            with archive.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def _write_atomically(path: str, arrays: Dict[str, np.ndarray]) -> None:
    """Write to ``path.<random>.tmp``, fsync it, then rename it over ``path`` in one step."""
    temporary = f"{path}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temporary, "xb") as file:
            _write_archive(file, arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    _fsync_directory(os.path.dirname(os.path.abspath(path)))


def _fsync_directory(directory: str) -> None:
    """Make the rename itself survive a power cut, where the system allows it.

    Best effort: the new checkpoint is already in place, and some systems (Windows, some network
    file systems) can't open or sync a directory.
    """
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# ----- reading -----
def _map_location_device(map_location: Any) -> device:
    if isinstance(map_location, (str, device)):
        return device(map_location)
    raise TypeError(
        f"map_location must be a device or a name like 'cpu' or 'cuda', got {type(map_location).__name__}"
    )


def _read(file: BinaryIO, name: str, target: device) -> Any:
    head = file.read(4)
    file.seek(-len(head), os.SEEK_CUR)
    if head != _ZIP_MAGIC:
        raise ValueError(f"{name} is not a minitorch checkpoint: {_guess_file_kind(head)}")
    try:
        with np.load(file, allow_pickle=False) as archive:
            if STRUCTURE not in archive.files:
                raise _foreign_archive(name, archive.files)
            document = _read_structure(archive, name)
            return _Decoder(archive, name, target).decode(document["root"])
    except (zipfile.BadZipFile, EOFError) as error:
        raise RuntimeError(f"{name} is truncated or corrupt: {error}") from None
    except (KeyError, TypeError) as error:  # a hand-made structure that doesn't nest as save() nests
        raise RuntimeError(f"{name}: the checkpoint's structure is malformed ({error!r})") from None


def _guess_file_kind(head: bytes) -> str:
    """What a file that isn't a zip archive seems to be, from its first bytes."""
    if not head:
        return "the file is empty"
    if head[:1] == b"\x80":
        return "it is a Python pickle (a torch.save file?), which minitorch never loads because unpickling runs code"
    if head == b"\x93NUM":
        return "it is a single .npy array; read it with numpy.load"
    return "it is not a zip (.npz) archive"


def _foreign_archive(name: str, entries: List[str]) -> ValueError:
    """The error for a zip archive without minitorch's structure entry."""
    if any(entry.endswith(".pkl") for entry in entries):
        return ValueError(
            f"{name} is not a minitorch checkpoint: it is a torch.save file, whose data is a pickle, "
            "which minitorch never loads because unpickling runs code"
        )
    return ValueError(
        f"{name} is an .npz archive that minitorch.save did not write (it has no {STRUCTURE!r} entry); "
        "read it with numpy.load"
    )


def _read_structure(archive: Any, name: str) -> Dict[str, Any]:
    try:
        document = json.loads(archive[STRUCTURE].tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise RuntimeError(f"{name}: the checkpoint's structure entry is corrupt ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or "root" not in document:
        raise RuntimeError(f"{name}: the {STRUCTURE!r} entry is not a minitorch checkpoint structure")
    if document.get("version") != VERSION:
        raise RuntimeError(
            f"{name} is checkpoint format version {document.get('version')!r}; this minitorch reads version {VERSION}"
        )
    return document


class _Decoder:
    """Rebuilds the saved object from the JSON tree, reading each tensor's entry as it meets it."""

    def __init__(self, archive: Any, name: str, target: device) -> None:
        self.archive, self.name, self.target = archive, name, target
        self.entries = set(archive.files)

    def decode(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        kind = node.get("type")
        if kind in ("tensor", "parameter"):
            tensor = Tensor._wrap(to_device(self._array(node.get("entry")), self.target))
            if kind == "parameter":
                return Parameter(tensor, requires_grad=bool(node.get("requires_grad")))
            return tensor.requires_grad_(bool(node.get("requires_grad")))
        items = node.get("items")
        if kind in ("list", "tuple") and isinstance(items, list):
            return (list if kind == "list" else tuple)(self.decode(item) for item in items)
        if kind in ("dict", "ordered_dict") and isinstance(items, list):
            pairs = ((self._key(key), self.decode(value)) for key, value in items)
            return OrderedDict(pairs) if kind == "ordered_dict" else dict(pairs)
        raise RuntimeError(f"{self.name}: the checkpoint's structure has an unknown node {str(node)[:80]}")

    def _key(self, key: Any) -> Any:
        return tuple(self._key(k) for k in key["items"]) if isinstance(key, dict) else key

    def _array(self, entry: Any) -> np.ndarray:
        if entry not in self.entries:
            raise RuntimeError(f"{self.name}: the checkpoint has no entry {entry!r} (the file is corrupt)")
        try:
            array = self.archive[entry]
        except ValueError as error:  # includes object arrays, refused because they need unpickling
            raise ValueError(f"{self.name}: entry {entry!r} can't be read safely: {error}") from None
        if array.dtype not in dtypes.SUPPORTED:
            raise ValueError(f"{self.name}: entry {entry!r} has dtype {array.dtype}, which a tensor can't hold")
        return array

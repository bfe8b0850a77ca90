"""Read pickles that hold NumPy arrays without letting them run code.

A pickle is not data: it is a small program for a stack machine. Its
``GLOBAL`` instruction imports any function by name and its ``REDUCE``
instruction calls it, so ``pickle.load`` on a file from the internet can run
``os.system("...")``. The only place where a pickle can reach a function is
``Unpickler.find_class``, so we override it with an allow-list holding exactly
what a pickled NumPy array needs, and refuse everything else.

Dataset archives such as CIFAR-10 are Python 2 pickles of dicts, lists, ints,
byte strings and arrays; those need nothing but the array reconstruction.
"""

from __future__ import annotations

import io
import pickle
from typing import BinaryIO

import numpy as np

try:  # NumPy >= 2 keeps the implementation in numpy._core ...
    from numpy._core.multiarray import _reconstruct
except ImportError:  # ... NumPy 1.x in numpy.core.
    from numpy.core.multiarray import _reconstruct


def _latin1_encode(text: str, encoding: str, errors: str = "strict") -> bytes:
    """What Python 3 writes for ``bytes`` in a protocol-2 pickle: ``_codecs.encode(text, "latin1")``.

    Only the latin-1 codec is allowed, so a pickle cannot call other codecs.
    """
    if encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError(f"refusing _codecs.encode with codec {encoding!r}; only 'latin1' is allowed")
    return text.encode("latin1", errors)


# (module, name) as written in the pickle -> the object it may stand for.
# Files written by NumPy 1.x name numpy.core, files written by NumPy 2 name numpy._core.
ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1_encode,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An ``Unpickler`` that resolves only the globals in :data:`ALLOWED_GLOBALS`."""

    def find_class(self, module: str, name: str) -> object:
        try:
            return ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load global '{module}.{name}': this file may only contain plain data "
                "and NumPy arrays (a pickle that names other globals can run arbitrary code)"
            ) from None


def safe_load(file: BinaryIO, encoding: str = "bytes") -> object:
    """Unpickle from an open binary file through :class:`RestrictedUnpickler`.

    ``encoding="bytes"`` keeps Python 2 ``str`` objects (CIFAR's dict keys and
    the raw array buffers) as ``bytes`` instead of decoding them as text.
    """
    return RestrictedUnpickler(file, encoding=encoding).load()


def safe_loads(data: bytes, encoding: str = "bytes") -> object:
    """Unpickle from a ``bytes`` object through :class:`RestrictedUnpickler`."""
    return safe_load(io.BytesIO(data), encoding=encoding)

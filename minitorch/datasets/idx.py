"""Read IDX files, the format of MNIST and its relatives, gzip'd or not, checking what they claim.

An IDX file is a header and then the data, all numbers big-endian::

    0x00 0x00 <type> <ndim>     the magic number: two zero bytes, the element type, the number of dimensions
    ndim x uint32               the size of each dimension
    the elements                row-major, prod(sizes) of them

``<type>`` is 0x08 for uint8 (images and labels), 0x09 int8, 0x0B int16, 0x0C int32,
0x0D float32, 0x0E float64. MNIST images are ``0x00000803`` (uint8, 3-D: count x 28 x 28),
labels ``0x00000801`` (uint8, 1-D). A file that is cut short, has extra bytes or another magic
number is refused with a ``RuntimeError`` that names the file and what is wrong.
"""
from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

IDX_DTYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike, ndim: int | None = None, dtype_code: int | None = None) -> np.ndarray:
    """The array in an IDX file (``.gz`` files are decompressed in memory; nothing is written).

    ``ndim`` and ``dtype_code``, when given, are what the magic number must say.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise RuntimeError(f"{path} is truncated: {len(raw)} bytes, not even an IDX magic number")
    magic = int.from_bytes(raw[:4], "big")
    code, dims = raw[2], raw[3]
    if raw[:2] != b"\x00\x00" or code not in IDX_DTYPES or dims == 0:
        raise RuntimeError(f"{path} is not an IDX file: its magic number is 0x{magic:08X}")
    if (ndim is not None and dims != ndim) or (dtype_code is not None and code != dtype_code):
        wanted = ((dtype_code if dtype_code is not None else code) << 8) | (ndim if ndim is not None else dims)
        raise RuntimeError(f"{path} has magic number 0x{magic:08X}, expected 0x{wanted:08X} (is it the right file?)")
    header = 4 + 4 * dims
    if len(raw) < header:
        raise RuntimeError(f"{path} is truncated inside its header ({len(raw)} of {header} bytes)")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    dtype = np.dtype(IDX_DTYPES[code])
    expected, found = int(np.prod(shape)) * dtype.itemsize, len(raw) - header
    if found != expected:
        what = "is truncated" if found < expected else "has extra bytes"
        raise RuntimeError(
            f"{path} {what}: its header announces shape {shape} ({expected} data bytes) but it holds {found}; "
            "delete it and download it again"
        )
    array = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # native byte order, and a writable copy


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it is a ``.gz`` file; clear errors for broken gzip streams."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as file:
                return file.read()
        return path.read_bytes()
    except EOFError as error:
        raise RuntimeError(f"{path} is truncated: the gzip stream ends early ({error}); delete it and download it again") from error
    except (gzip.BadGzipFile, zlib.error) as error:
        raise RuntimeError(f"{path} is not a valid gzip file ({error}); delete it and download it again") from error

"""Download a file resumably and verify it before anyone reads it.

The bytes go to ``<destination>.part`` first. Only when the whole file is there
and its md5 matches is it renamed to ``<destination>``, so a file under the
final name is always complete and checked. If the transfer breaks, the
``.part`` file stays and the next call asks the server for the rest with an
HTTP ``Range`` request instead of starting over.
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

CHUNK_SIZE = 1 << 20  # read and hash 1 MiB at a time: constant memory for any file size
HTTP_PARTIAL_CONTENT = 206  # the server honoured our Range header
HTTP_RANGE_NOT_SATISFIABLE = 416  # our .part is not a prefix of what the server has


def file_md5(path: str | os.PathLike) -> str:
    """The md5 of a file as 32 hex digits, read in chunks.

    md5 is fine for catching truncated or corrupted downloads; it is not a
    defence against a malicious server (that is what the restricted unpickler is for).
    """
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download_url(
    url: str,
    destination: str | os.PathLike,
    md5: str | None = None,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` to ``destination``, resuming a previous partial download.

    With ``md5`` given, the file is checked before it gets its final name; on a
    mismatch the partial file is deleted and a ``RuntimeError`` names both sums.
    A download that breaks off raises and keeps ``<destination>.part`` to resume from.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    part = destination.with_name(destination.name + ".part")
    _fetch_into(url, part, progress, timeout)
    if md5 is not None:
        actual = file_md5(part)
        if actual != md5.lower():
            part.unlink()
            raise RuntimeError(
                f"md5 mismatch for {url}: expected {md5.lower()}, got {actual}; "
                f"the download was deleted, try again (or check the URL)"
            )
    os.replace(part, destination)
    return destination


def _fetch_into(url: str, part: Path, progress: bool, timeout: float) -> None:
    """Append the rest of ``url`` to ``part``, or rewrite ``part`` when the server cannot resume."""
    offset = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code != HTTP_RANGE_NOT_SATISFIABLE or not offset:
            raise
        part.unlink()  # the partial file does not fit the server's file: start from zero
        _fetch_into(url, part, progress, timeout)
        return
    with response:
        # A server (or a file:// URL) that ignores Range sends the whole file with
        # status 200: then we overwrite the partial file instead of appending to it.
        resumed = offset > 0 and response.status == HTTP_PARTIAL_CONTENT
        _save_body(response, part, offset if resumed else 0, progress)


def _save_body(response, part: Path, start: int, progress: bool) -> None:
    """Write the response body into ``part`` from byte ``start`` on (appending when ``start > 0``)."""
    length = response.headers.get("Content-Length")
    total = start + int(length) if length is not None else None
    done = start
    with open(part, "ab" if start else "wb") as file, _progress_bar(total, start, part.name, progress) as bar:
        for chunk in iter(lambda: response.read(CHUNK_SIZE), b""):
            file.write(chunk)
            done += len(chunk)
            bar.update(len(chunk))
    # http.client does not complain when the connection drops early; we must.
    if total is not None and done < total:
        raise urllib.error.ContentTooShortError(
            f"{response.url}: the connection closed after {done} of {total} bytes; call again to resume from {part}",
            None,
        )


def _progress_bar(total: int | None, initial: int, name: str, enabled: bool):
    """A tqdm bar when tqdm is installed (it is optional), else a plain text one."""
    try:
        from tqdm import tqdm
    except ImportError:
        return PlainProgress(total, initial, name, enabled)
    return tqdm(
        total=total, initial=initial, desc=name, unit="B", unit_scale=True, unit_divisor=1024, disable=not enabled
    )


class PlainProgress:
    """A dependency-free progress line on stderr, used when tqdm is not installed."""

    def __init__(self, total: int | None, initial: int, name: str, enabled: bool = True) -> None:
        self.total, self.done, self.name, self.enabled = total, initial, name, enabled
        self._last_drawn = None

    def update(self, count: int) -> None:
        self.done += count
        line = f"{self.name}: {self.done / 2**20:.1f} MiB"
        if self.total:
            line += f" ({100 * self.done // self.total}%)"
        # Redraw only when the line changes: at most once per percent or per 0.1 MiB.
        if self.enabled and line != self._last_drawn:
            self._last_drawn = line
            print("\r" + line, end="", file=sys.stderr, flush=True)

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc_info) -> None:
        if self._last_drawn is not None:
            print(file=sys.stderr)

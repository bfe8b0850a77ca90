"""minitorch.datasets.download: file:// and a loopback HTTP server; md5 checks; resuming with Range."""

import hashlib
import http.server
import sys
import threading
import urllib.error

import numpy as np
import pytest

from minitorch.datasets import download
from minitorch.datasets.download import PlainProgress, download_url, file_md5

CONTENT = np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes()
CONTENT_MD5 = hashlib.md5(CONTENT).hexdigest()


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    """Several chunks per download, so appending and progress are exercised."""
    monkeypatch.setattr(download, "CHUNK_SIZE", 4096)


class RangeServer(http.server.ThreadingHTTPServer):
    """Serves CONTENT at /file on 127.0.0.1, with switches for the behaviours under test."""

    honour_range = True  # answer a Range request with 206 and the rest of the file
    send_at_most = None  # bytes of the body to send before dropping the connection
    ranges_asked: list

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RangeHandler)
        self.ranges_asked = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}/file"


class RangeHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/file":
            self.send_error(404)
            return
        asked = self.headers.get("Range")
        self.server.ranges_asked.append(asked)
        start = int(asked.removeprefix("bytes=").removesuffix("-")) if asked and self.server.honour_range else 0
        if start >= len(CONTENT) > 0:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(CONTENT)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(CONTENT) - 1}/{len(CONTENT)}")
        self.send_header("Content-Length", str(len(CONTENT) - start))
        self.end_headers()
        self.wfile.write(CONTENT[start:][: self.server.send_at_most])

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    server = RangeServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def leftovers(folder):
    return sorted(path.name for path in folder.iterdir())


# ----- file:// -----


def test_file_url_download_verifies_and_renames(tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(CONTENT)
    destination = download_url(source.as_uri(), tmp_path / "out" / "data.bin", md5=CONTENT_MD5, progress=False)
    assert destination.read_bytes() == CONTENT
    assert leftovers(tmp_path / "out") == ["data.bin"]


def test_md5_mismatch_deletes_the_download_and_names_both_sums(tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(CONTENT)
    with pytest.raises(RuntimeError, match=f"expected {'0' * 32}, got {CONTENT_MD5}"):
        download_url(source.as_uri(), tmp_path / "out" / "data.bin", md5="0" * 32, progress=False)
    assert leftovers(tmp_path / "out") == []


def test_file_url_cannot_resume_so_a_partial_file_is_rewritten(tmp_path):
    source = tmp_path / "source.bin"
    source.write_bytes(CONTENT)
    (tmp_path / "data.bin.part").write_bytes(b"junk that is not a prefix")
    download_url(source.as_uri(), tmp_path / "data.bin", md5=CONTENT_MD5, progress=False)
    assert (tmp_path / "data.bin").read_bytes() == CONTENT


def test_file_md5_matches_hashlib(tmp_path):
    (tmp_path / "f").write_bytes(CONTENT)
    assert file_md5(tmp_path / "f") == CONTENT_MD5


# ----- HTTP on 127.0.0.1 -----


def test_http_download_with_a_tqdm_progress_bar(server, tmp_path, capsys):
    download_url(server.url, tmp_path / "data.bin", md5=CONTENT_MD5)
    assert (tmp_path / "data.bin").read_bytes() == CONTENT
    assert server.ranges_asked == [None]
    assert "data.bin.part" in capsys.readouterr().err


def test_resume_asks_only_for_the_missing_bytes(server, tmp_path):
    (tmp_path / "data.bin.part").write_bytes(CONTENT[:12_345])
    download_url(server.url, tmp_path / "data.bin", md5=CONTENT_MD5, progress=False)
    assert server.ranges_asked == ["bytes=12345-"]
    assert (tmp_path / "data.bin").read_bytes() == CONTENT


def test_a_server_without_range_support_restarts_the_download(server, tmp_path):
    server.honour_range = False
    (tmp_path / "data.bin.part").write_bytes(b"x" * 1000)
    download_url(server.url, tmp_path / "data.bin", md5=CONTENT_MD5, progress=False)
    assert (tmp_path / "data.bin").read_bytes() == CONTENT


def test_a_partial_file_longer_than_the_file_restarts_the_download(server, tmp_path):
    (tmp_path / "data.bin.part").write_bytes(b"x" * (len(CONTENT) + 10))
    download_url(server.url, tmp_path / "data.bin", md5=CONTENT_MD5, progress=False)
    assert server.ranges_asked == [f"bytes={len(CONTENT) + 10}-", None]
    assert (tmp_path / "data.bin").read_bytes() == CONTENT


def test_a_broken_transfer_keeps_the_part_file_and_the_next_call_resumes(server, tmp_path):
    server.send_at_most = 20_000
    with pytest.raises(urllib.error.ContentTooShortError, match="after 20000 of 50000 bytes; call again to resume"):
        download_url(server.url, tmp_path / "data.bin", md5=CONTENT_MD5, progress=False)
    assert (tmp_path / "data.bin.part").read_bytes() == CONTENT[:20_000]
    server.send_at_most = None
    download_url(server.url, tmp_path / "data.bin", md5=CONTENT_MD5, progress=False)
    assert server.ranges_asked == [None, "bytes=20000-"]
    assert leftovers(tmp_path) == ["data.bin"]
    assert (tmp_path / "data.bin").read_bytes() == CONTENT


def test_http_errors_propagate_and_leave_nothing(server, tmp_path):
    with pytest.raises(urllib.error.HTTPError, match="404"):
        download_url(server.url.replace("/file", "/missing"), tmp_path / "data.bin", progress=False)
    assert leftovers(tmp_path) == []


# ----- progress without tqdm -----


def test_plain_progress_is_used_without_tqdm(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `from tqdm import tqdm` fail
    download_url(server.url, tmp_path / "data.bin", md5=CONTENT_MD5)
    assert capsys.readouterr().err.endswith("data.bin.part: 0.0 MiB (100%)\n")


def test_plain_progress_without_a_total_shows_the_size(capsys):
    with PlainProgress(None, 0, "file") as bar:
        bar.update(3 * 2**20)
    assert capsys.readouterr().err == "\rfile: 3.0 MiB\n"
    with PlainProgress(10, 0, "file", enabled=False) as bar:
        bar.update(5)
    assert capsys.readouterr().err == ""


def test_cifar10_download_failure_says_what_to_do(tmp_path, monkeypatch):
    """No network (here: a URL nothing listens on) gives one clear RuntimeError, not a urllib traceback."""
    from minitorch.datasets import CIFAR10

    monkeypatch.setattr(CIFAR10, "url", "http://127.0.0.1:9/cifar-10-python.tar.gz")
    with pytest.raises(RuntimeError, match="could not download .* put cifar-10-python.tar.gz at"):
        CIFAR10(tmp_path, download=True)

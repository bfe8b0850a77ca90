"""minitorch/parallel.py: the CPU thread pool that splits an op over the batch.

Pieces cover the batch evenly, one per thread; BLAS runs on one thread inside a region and gets
its count back afterwards; an error in any piece reaches the caller after every piece finished,
and the pool keeps working; nested regions run serially; a process with a live pool exits."""
import subprocess
import sys
import threading
import time

import pytest

import minitorch
from minitorch import parallel

threadpoolctl = pytest.importorskip("threadpoolctl")


@pytest.fixture
def threads():
    """Set the thread count for one test and split every op, however small; restored afterwards."""
    before = minitorch.get_num_threads()
    saved_threshold = parallel.MIN_WORK
    parallel.MIN_WORK = 0
    yield minitorch.set_num_threads
    parallel.MIN_WORK = saved_threshold
    minitorch.set_num_threads(before)


def blas_threads():
    return max(pool["num_threads"] for pool in threadpoolctl.threadpool_info() if pool["user_api"] == "blas")


def record_pieces(length, work):
    """Run a region that records (piece, thread id) of every piece."""
    seen, lock = [], threading.Lock()

    def task(piece):
        time.sleep(0.01)  # long enough that one thread cannot take every piece
        with lock:
            seen.append((piece, threading.get_ident()))

    parallel.parallel_for(task, length, work)
    return seen


@pytest.mark.parametrize("count, length", [(1, 7), (2, 7), (3, 7), (3, 2)])
def test_one_even_piece_per_thread(threads, count, length):
    threads(count)
    assert minitorch.get_num_threads() == count
    seen = record_pieces(length, work=1)
    pieces = sorted((piece.start, piece.stop) for piece, _ in seen)
    assert len(pieces) == min(count, length)
    assert pieces[0][0] == 0 and pieces[-1][1] == length
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))  # consecutive, no gaps, no overlap
    sizes = [stop - start for start, stop in pieces]
    assert max(sizes) - min(sizes) <= 1
    assert len({ident for _, ident in seen}) == len(pieces)  # each on its own thread
    assert threading.get_ident() in {ident for _, ident in seen}  # the caller runs one piece itself


def test_small_work_stays_on_the_calling_thread(threads):
    threads(2)
    parallel.MIN_WORK = 1000
    seen = record_pieces(8, work=999)
    assert [(piece.start, piece.stop, ident) for piece, ident in seen] == [(0, 8, threading.get_ident())]


def test_a_pass_over_memory_splits_only_when_very_large(threads):
    """Elementwise passes (relu, a norm's sums) cost a few float32 values per nanosecond: waking
    the second core costs as much as a pass over a million, so they split from MIN_PASS values."""
    threads(2)
    parallel.MIN_WORK = 1 << 20
    assert parallel.pass_work(parallel.MIN_PASS - 1) == 0
    assert len(record_pieces(8, work=parallel.pass_work(parallel.MIN_PASS - 1))) == 1
    assert len(record_pieces(8, work=parallel.pass_work(parallel.MIN_PASS))) == 2


def test_blas_runs_on_one_thread_inside_a_region_and_gets_its_count_back(threads):
    threads(2)
    assert blas_threads() == 2
    inside = []
    parallel.parallel_for(lambda piece: inside.append(blas_threads()), 4, work=1)
    assert inside == [1, 1]
    assert blas_threads() == 2
    parallel.MIN_WORK = 100
    parallel.parallel_for(lambda piece: inside.append(blas_threads()), 4, work=1)  # too small to split
    assert inside == [1, 1, 1]
    assert blas_threads() == 2


def test_set_num_threads_inside_a_split_op_takes_effect_after_it(threads):
    threads(2)
    parallel.parallel_for(lambda piece: parallel.BLAS.set(3) if piece.start == 0 else None, 2, work=1)
    assert blas_threads() == 3


@pytest.mark.parametrize("failing_piece", [0, 1, 2])
def test_an_error_in_a_piece_reaches_the_caller_after_every_piece_finished(threads, failing_piece):
    threads(3)
    finished = []

    def task(piece):
        if piece.start == failing_piece * 2:
            raise KeyError(f"piece {piece.start}")
        time.sleep(0.05)
        finished.append(piece.start)

    with pytest.raises(KeyError, match=f"piece {failing_piece * 2}"):
        parallel.parallel_for(task, 6, work=1)
    assert sorted(finished) == sorted({0, 2, 4} - {failing_piece * 2})  # nobody still running
    assert blas_threads() == 3
    assert len(record_pieces(6, work=1)) == 3  # the pool still works


def test_nested_regions_run_serially_without_deadlock(threads):
    threads(2)
    inner = []
    parallel.parallel_for(lambda piece: parallel.parallel_for(inner.append, 4, work=1), 2, work=1)
    assert sorted((piece.start, piece.stop) for piece in inner) == [(0, 2), (0, 2), (2, 4), (2, 4)]


def test_fewer_threads_stop_the_extra_workers(threads):
    threads(3)
    record_pieces(3, work=1)
    threads(1)
    assert len(record_pieces(3, work=1)) == 1
    assert parallel.POOL.workers == []


def test_default_thread_count_follows_omp_num_threads():
    code = "import minitorch; print(minitorch.get_num_threads())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**__import__("os").environ, "OMP_NUM_THREADS": "3"})
    assert result.stdout.strip() == "3"


def test_a_process_exits_with_a_live_pool_and_after_an_error_in_a_worker():
    code = (
        "import minitorch; from minitorch import parallel\n"
        "minitorch.set_num_threads(2); parallel.MIN_WORK = 0\n"
        "def task(piece):\n"
        "    if piece.start: raise ValueError('worker failed')\n"
        "try:\n"
        "    parallel.parallel_for(task, 4, work=1)\n"
        "except ValueError:\n"
        "    print('caught')\n"
        "x = minitorch.randn(4, 3, 8, 8)\n"
        "minitorch.nn.functional.conv2d(x, minitorch.randn(2, 3, 3, 3))\n"
        "raise SystemExit(0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "caught"


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_forked_child_starts_its_own_workers(threads):
    """A DataLoader worker forked while the pool has threads must not wait for the parent's."""
    import os

    threads(2)
    record_pieces(2, work=1)  # the parent's worker exists now
    pid = os.fork()
    if pid == 0:  # the child: a region must finish, on two threads of its own; never back into pytest
        code = 1
        try:
            code = 0 if len({ident for _, ident in record_pieces(2, work=1)}) == 2 else 1
        finally:
            os._exit(code)
    deadline = time.time() + 30
    while time.time() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    pytest.fail("the forked child deadlocked in a parallel region")

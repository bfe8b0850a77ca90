"""Intra-op parallelism on the CPU: one op's work split over a small, persistent pool of threads.

A convolution or pooling pass over a batch is many independent pieces of work: the images of
the batch. :func:`parallel_for` cuts the batch into as many equal slices as there are threads and
runs the same kernel on each slice at once. Python threads can do this because NumPy's copies,
ufuncs and BLAS products release the GIL while they run, so two threads really use two cores.

Two rules keep it right and fast by construction:

* **Disjoint pieces.** Each piece reads what it likes but writes only its own slice of the
  output (or its own partial sum, added up afterwards by the caller), so no locks are needed.
* **No oversubscription.** The BLAS library behind NumPy has its own threads. While a split op
  runs, BLAS is pinned to one thread (through the optional package threadpoolctl), so n pool
  threads never start n × n BLAS threads on n cores; that also holds when the op is too small to
  split, as the narrow products of a convolution (6-32 output channels) only slow down with a
  second BLAS thread. Outside split ops BLAS keeps ``get_num_threads()`` threads for the
  products not split here (``nn.Linear`` ...).

The calling thread runs the first piece itself, so a pool of n threads has n − 1 workers. A
region that raises still waits for every piece before it re-raises the first error: no worker
is left writing into a buffer the caller has given up on. Regions do not nest: a region started
inside another one (or by a second Python thread while one runs) runs its pieces one after
another in the calling thread. Workers are daemon threads, so they never keep Python alive; a
forked child process starts its own when it needs them.

Below :data:`MIN_WORK` elements of work an op stays single-threaded. Handing a piece to another
thread costs 10-40 µs, and as much again hides in the GIL: after each of its NumPy calls a piece
needs the GIL back, and waking the thread that waits for it costs the same, so the pieces of a
small op (many short calls) wait on each other more than they run. Copies and elementwise passes
are also bound by memory bandwidth, which a second core barely raises; what two threads speed up
is mostly the matrix products of large layers (measurements: ``benchmarks/README.md``).
"""
from __future__ import annotations

import os
import queue
import threading
from typing import Any, Callable, List, Optional

MIN_WORK = 1 << 20  # elements an op touches below which one thread is faster (measured: benchmarks/README.md)
MIN_PASS = 1 << 22  # values a single pass over memory (relu, a norm's sums) needs before it splits


def cores_available() -> int:
    """The default thread count: ``OMP_NUM_THREADS`` if set (as PyTorch reads it), else the cores
    this process may run on."""
    try:
        return max(1, int(os.environ["OMP_NUM_THREADS"]))
    except (KeyError, ValueError):
        pass
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Blas:
    """BLAS's thread count: ``get_num_threads()`` for the products outside minitorch's split ops,
    one inside them, while any of them runs in any Python thread (ctypes calls, ~1 µs each)."""

    def __init__(self) -> None:
        self.libraries: Optional[List[Any]] = None  # threadpoolctl's per-library controllers
        self.lock = threading.Lock()
        self.pinned = 0  # split ops running now
        self.outside = 1  # the count to give back when the last one ends

    def controllers(self) -> List[Any]:
        if self.libraries is None:
            try:
                import threadpoolctl  # optional (see minitorch/threads.py); looked for on first use only
            except ImportError:
                self.libraries = []
            else:
                self.libraries = list(threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers)
        return self.libraries

    def available(self) -> bool:
        return bool(self.controllers())

    def get(self) -> int:
        return max((lib.get_num_threads() for lib in self.controllers()), default=1)

    def set(self, count: int) -> None:
        """Use ``count`` BLAS threads outside split ops (from the end of those running now)."""
        with self.lock:
            self.outside = count
            if not self.pinned:
                self._apply(count)

    def pin(self) -> None:
        """BLAS on one thread until the matching :meth:`unpin`: narrow products gain nothing from
        a second BLAS thread (they slow down), and the pool's threads must not start their own."""
        with self.lock:
            if not self.pinned:
                self.outside = self.get()
                if self.outside != 1:
                    self._apply(1)
            self.pinned += 1

    def unpin(self) -> None:
        with self.lock:
            self.pinned -= 1
            if not self.pinned and self.outside != 1:
                self._apply(self.outside)

    def _apply(self, count: int) -> None:
        for lib in self.controllers():
            lib.set_num_threads(count)


BLAS = _Blas()


class _Pool:
    """``size − 1`` daemon worker threads, each waiting on its own queue of (task, piece, done) jobs."""

    def __init__(self) -> None:
        self.size = 0  # 0: not chosen yet (cores_available() on first use)
        self.workers: List["queue.SimpleQueue"] = []
        self.region = threading.Lock()  # held while a parallel region runs

    def threads(self) -> int:
        if self.size == 0:
            # without threadpoolctl BLAS cannot be pinned inside a region: stay on one thread
            self.size = cores_available() if BLAS.available() else 1
        return self.size

    def resize(self, count: int) -> None:
        with self.region:
            self.size = count
            for jobs in self.workers[count - 1:]:
                jobs.put(None)  # tells that worker to finish
            del self.workers[count - 1:]

    def worker(self, index: int) -> "queue.SimpleQueue":
        while len(self.workers) <= index:
            jobs: queue.SimpleQueue = queue.SimpleQueue()
            threading.Thread(target=_work, args=(jobs,), name=f"minitorch-{len(self.workers) + 1}",
                             daemon=True).start()
            self.workers.append(jobs)
        return self.workers[index]


def _work(jobs: "queue.SimpleQueue") -> None:
    """A worker's life: run jobs until told to stop; an error goes back to the caller, never up here."""
    while True:
        job = jobs.get()
        if job is None:
            return
        task, piece, result = job
        try:
            task(piece)
            result.put(None)
        except BaseException as error:  # handed to the caller, which re-raises it
            result.put(error)


POOL = _Pool()


def _forget_workers_after_fork() -> None:
    """A forked child (e.g. a DataLoader worker) has none of the parent's threads: start afresh."""
    POOL.workers = []
    POOL.region = threading.Lock()
    BLAS.lock, BLAS.pinned = threading.Lock(), 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers_after_fork)


def num_threads() -> int:
    """How many threads an op may split its work over."""
    return POOL.threads()


def set_num_threads(count: int) -> None:
    """Use ``count`` threads for the ops split here (and BLAS outside parallel regions)."""
    POOL.resize(count)


def even_slices(length: int, pieces: int) -> List[slice]:
    """``range(length)`` cut into ``pieces`` consecutive slices whose sizes differ by at most one."""
    pieces = max(1, min(pieces, length))
    return [slice(length * k // pieces, length * (k + 1) // pieces) for k in range(pieces)]


def splits(work: int) -> bool:
    """Whether :func:`parallel_for` would split ``work`` over threads (on the CPU)."""
    return num_threads() > 1 and work >= MIN_WORK


def pass_work(values: int) -> int:
    """The ``work`` to give :func:`parallel_for` for one pass over ``values`` elements (an
    elementwise op, a norm's statistics): 0, one thread, below :data:`MIN_PASS`. Waking the
    idle core costs about what such a pass over a million float32 values takes (0.1-0.3 ms in
    the benchmark VMs: relu over 2^20 values took 0.24 ms on one thread, 0.5-0.6 ms split in
    two), so only passes several times longer gain from a second thread (2^22: 1.3-1.8 ms ->
    1.1-1.2 ms)."""
    return values if values >= MIN_PASS else 0


def parallel_for(task: Callable[[slice], None], length: int, work: int, uses_blas: bool = True) -> None:
    """``task(piece)`` for even slices of ``range(length)``, one per thread, all at once.

    ``work`` (how many elements the whole op touches) decides whether splitting pays: below
    :data:`MIN_WORK` the task runs once, on all of ``range(length)``, in this thread. BLAS is
    pinned to one thread meanwhile if the task ``uses_blas``.
    """
    count = num_threads() if work >= MIN_WORK else 1
    pieces = even_slices(length, count)
    if uses_blas:
        BLAS.pin()
    try:
        if len(pieces) == 1 or not POOL.region.acquire(blocking=False):
            for piece in pieces:  # small work, nested region, or another thread's region is running
                task(piece)
            return
        try:
            _run_region(task, pieces)
        finally:
            POOL.region.release()
    finally:
        if uses_blas:
            BLAS.unpin()


def _run_region(task: Callable[[slice], None], pieces: List[slice]) -> None:
    """Pieces 1.. on the workers, piece 0 here; then the first error, once every piece is done."""
    results: queue.SimpleQueue = queue.SimpleQueue()
    errors: List[BaseException] = []
    handed_out = 0
    try:
        for index, piece in enumerate(pieces[1:]):
            POOL.worker(index).put((task, piece, results))
            handed_out += 1
        task(pieces[0])
    except BaseException as error:
        errors.append(error)
    finally:
        for _ in range(handed_out):  # wait for every piece handed out, also after an error
            error = results.get()
            if error is not None:
                errors.append(error)
    if errors:
        raise errors[0]

"""Shared machinery of the benchmark scripts: libraries, timing, memory, processes, reports.

Two lessons shape this module.

* BLAS and OpenMP pools keep their idle worker threads spinning for a while after
  each call. Two libraries in one process therefore steal cores from each other, so
  on CPU every measurement runs in a short-lived worker process that imports one
  library only, and the orchestrator alternates the libraries (A B A B ...) so that
  a slow drift of the machine's load hits both alike.
* A shared machine is noisy: every worker reports the median of its per-call times
  and the orchestrator reports the median over the repeats.

Pool sizes are fixed when a library loads, so `pin_threads` must run before numpy or
torch is imported; this module therefore imports numpy only inside functions.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import gc
import importlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
if str(REPO) not in sys.path:  # let workers import minitorch from the checkout
    sys.path.insert(0, str(REPO))

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
LIBS = ("minitorch", "torch")
WORKER_TIMEOUT_S = 600.0


# ---------------------------------------------------------------- libraries


def pin_threads(n: int) -> None:
    """Size the BLAS/OpenMP pools of this process and of the workers it starts."""
    for var in THREAD_VARS:
        os.environ[var] = str(n)


@dataclass
class Lib:
    """One library under test, reached through its PyTorch-shaped API.

    nn, F and optim are imported on first use, so the ops of a library that is
    still growing can be timed before all of its modules exist."""

    name: str
    device: str
    torch: Any  # the top-level module: `torch` or `minitorch`

    @property
    def nn(self) -> Any:
        return importlib.import_module(f"{self.name}.nn")

    @property
    def F(self) -> Any:
        return importlib.import_module(f"{self.name}.nn.functional")

    @property
    def optim(self) -> Any:
        return importlib.import_module(f"{self.name}.optim")

    @property
    def version(self) -> str:
        return str(getattr(self.torch, "__version__", "unknown"))

    def tensor(self, array: Any) -> Any:
        """Convert a numpy array into a tensor of this library on its device."""
        t = self.torch.from_numpy(array)
        return t if self.device == "cpu" else t.to(self.device)

    def sync(self) -> None:
        """Wait for queued GPU work, so that a timer read next covers it (no-op on CPU)."""
        if self.device == "cpu":
            return
        if self.name == "torch":
            self.torch.cuda.synchronize()
        else:
            import cupy

            cupy.cuda.Device().synchronize()


def load_lib(name: str, device: str, threads: int) -> Lib:
    """Import `name` ("torch" or "minitorch") and give it `threads` intra-op threads."""
    top = importlib.import_module(name)
    if hasattr(top, "set_num_threads"):
        top.set_num_threads(threads)
    return Lib(name=name, device=device, torch=top)


def labels(libs: list[str]) -> list[str]:
    """Unique column labels: `torch,torch` (a harness self-test) becomes torch, torch#2."""
    seen: dict[str, int] = {}
    out = []
    for lib in libs:
        seen[lib] = seen.get(lib, 0) + 1
        out.append(lib if seen[lib] == 1 else f"{lib}#{seen[lib]}")
    return out


def random_array(rng: Any, shape: tuple[int, ...]) -> Any:
    """Standard-normal float32 data, the same for every library."""
    return rng.standard_normal(shape).astype("float32")


def random_labels(rng: Any, n: int, classes: int) -> Any:
    """int64 class labels, the same for every library."""
    return rng.integers(0, classes, size=n).astype("int64")


# ---------------------------------------------------------------- timing


def warm_up(fn: Callable[[], Any], sync: Callable[[], None], calls: int) -> float:
    """Run `fn` `calls` times (caches, allocator pools, lazy init); return the last call's seconds."""
    seconds = math.inf
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        sync()
        seconds = time.perf_counter() - start
    return seconds


def auto_calls(estimate_s: float, target_s: float, lo: int = 3, hi: int = 10_000) -> int:
    """How many calls of about `estimate_s` seconds fill `target_s`, clamped to [lo, hi]."""
    return max(lo, min(hi, int(target_s / max(estimate_s, 1e-9))))


def time_calls(fn: Callable[[], Any], sync: Callable[[], None], calls: int) -> list[float]:
    """Seconds of each of `calls` calls; the device is synchronized before each timer read."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def median_of(runs: list[dict], key: str) -> float | None:
    """Median of `key` over the runs that succeeded."""
    return median([run[key] for run in runs if "error" not in run and run.get(key) is not None])


# ---------------------------------------------------------------- memory


def _status_bytes(field: str) -> int:
    """A size field of /proc/self/status (VmRSS, VmHWM, ...) in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _reset_rss_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not permitted."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class _RssSampler(threading.Thread):
    """Fallback peak-RSS probe: read VmRSS every millisecond (misses shorter spikes)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _status_bytes("VmRSS")
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.001):
            self.peak = max(self.peak, _status_bytes("VmRSS"))


def _release_free_heap() -> None:
    """Hand memory that is free but still cached by Python and glibc malloc back to the
    OS, so the RSS baseline counts live data only (glibc raises its mmap threshold after
    large frees and then keeps freed buffers resident)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@contextlib.contextmanager
def _peak_rss(result: dict) -> Iterator[None]:
    _release_free_heap()
    baseline = _status_bytes("VmRSS")
    if _reset_rss_peak():
        yield
        peak, method = _status_bytes("VmHWM"), "rss: VmHWM - VmRSS after clear_refs"
    else:
        sampler = _RssSampler()
        sampler.start()
        yield
        sampler.done.set()
        sampler.join()
        peak, method = max(sampler.peak, _status_bytes("VmRSS")), "rss: VmRSS sampled every 1 ms"
    result.update(peak_bytes=peak - baseline, baseline_bytes=baseline, memory_method=method)


@contextlib.contextmanager
def _peak_torch_cuda(torch: Any, result: dict) -> Iterator[None]:
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    baseline = torch.cuda.memory_allocated()
    yield
    torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated()
    result.update(peak_bytes=peak - baseline, baseline_bytes=baseline,
                  memory_method="cuda: torch.cuda.max_memory_allocated - memory_allocated")


@contextlib.contextmanager
def _peak_cupy(result: dict) -> Iterator[None]:
    """The pool only grows while free blocks do not fit, so after emptying it, the
    bytes it holds at the end are the peak of the bytes in use (up to rounding)."""
    import cupy

    pool = cupy.get_default_memory_pool()
    cupy.cuda.Device().synchronize()
    pool.free_all_blocks()
    baseline = pool.used_bytes()
    yield
    cupy.cuda.Device().synchronize()
    result.update(peak_bytes=pool.total_bytes() - baseline, baseline_bytes=baseline,
                  memory_method="cuda: cupy pool total_bytes after free_all_blocks - used_bytes")


def peak_memory(lib: Lib, result: dict) -> contextlib.AbstractContextManager[None]:
    """Measure the extra memory the enclosed code needs at its peak into `result`
    (peak_bytes, baseline_bytes, memory_method): process RSS on CPU, allocator
    statistics on GPU."""
    if lib.device == "cpu":
        return _peak_rss(result)
    if lib.name == "torch":
        return _peak_torch_cuda(lib.torch, result)
    return _peak_cupy(result)


# ---------------------------------------------------------------- processes


def run_worker(script: str, args: list[str]) -> dict:
    """Run `python script args` and return the JSON object on the last line of its
    stdout, or {"error": ...} when it failed."""
    command = [sys.executable, script, *args]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {WORKER_TIMEOUT_S:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        return {"error": tail[0]}
    return json.loads(lines[-1])


def alternate(jobs: dict[str, Callable[[], dict]], repeats: int) -> dict[str, list[dict]]:
    """Run each job `repeats` times in the order A B A B ...; a job that fails is not retried."""
    runs: dict[str, list[dict]] = {label: [] for label in jobs}
    for _ in range(repeats):
        for label, job in jobs.items():
            if not any("error" in run for run in runs[label]):
                runs[label].append(job())
    return runs


def first_error(runs: list[dict]) -> str | None:
    return next((run["error"] for run in runs if "error" in run), None)


# ---------------------------------------------------------------- reports


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _blas() -> str:
    import numpy

    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # numpy < 2 has no mode="dicts"
        return "unknown"


def _cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_cores(seconds: float = 0.5) -> float:
    """How many cores other processes keep busy right now (sampled over `seconds`)."""
    busy0, total0 = _cpu_times()
    time.sleep(seconds)
    busy1, total1 = _cpu_times()
    return (os.cpu_count() or 1) * (busy1 - busy0) / max(total1 - total0, 1)


def check_idle(threads: int) -> float:
    """Warn when other processes occupy the cores the benchmark needs: an OpenMP
    barrier waiting for a descheduled thread can make a step 100x slower."""
    busy = busy_cores()
    free = (os.cpu_count() or 1) - busy
    if free < threads - 0.2:
        print(f"warning: {busy:.1f} of {os.cpu_count()} cores are busy with other work and"
              f" {threads} threads are asked for; numbers will be noisy"
              + (" (try --threads 1)" if threads > 1 else ""),
              file=sys.stderr, flush=True)
    return busy


def machine_info(threads: int, busy: float) -> dict:
    """What the numbers depend on: processor, cores, load, BLAS, Python, thread count, date."""
    import numpy

    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "busy_cores_at_start": round(busy, 2),
        "threads": threads,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "blas": _blas(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


def lib_versions(runs: dict[str, list[dict]]) -> dict[str, str]:
    """The library versions the workers reported, by label."""
    return {label: next((r["version"] for r in rs if "version" in r), "n/a") for label, rs in runs.items()}


def machine_markdown(info: dict) -> str:
    return "\n".join(f"- **{key}**: {value}" for key, value in info.items())


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value: float | None, spec: str = ".1f") -> str:
    return "—" if value is None else format(value, spec)


def mebibytes(n_bytes: float | None) -> float | None:
    return None if n_bytes is None else n_bytes / 2**20


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def write_results(stem: str, payload: dict, markdown: str) -> tuple[Path, Path]:
    """Write results/<stem>.json and results/<stem>.md."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    json_path, md_path = RESULTS / f"{stem}.json", RESULTS / f"{stem}.md"
    json_path.write_text(json.dumps(payload, indent=1) + "\n")
    md_path.write_text(markdown + "\n")
    return json_path, md_path

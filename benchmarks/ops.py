"""Benchmark single operations of minitorch against PyTorch, forward and forward+backward.

    python benchmarks/ops.py                  # CPU, all ops
    python benchmarks/ops.py --quick          # a few seconds per worker
    python benchmarks/ops.py --ops conv2d,tiny --libs torch,torch

Every op runs on tensors that require grad, so "forward" includes building the
graph; "fwd+bwd" adds the backward pass (scalar outputs call backward(), others
backward(ones)). The last op, a tiny graph `(x*2+1).relu().sum()` on 10 elements,
measures the fixed cost per op call of the autograd machinery in microseconds.

Each worker process imports one library and times every op; the orchestrator
alternates the libraries' workers and reports medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any, Callable

import harness

WARMUP_CALLS = 3


@dataclass(frozen=True)
class Op:
    """An operation on inputs made from numpy: float shapes require grad, ("labels", n, k) do not."""

    name: str
    inputs: tuple[Any, ...]
    fn: Callable[..., Any]  # fn(lib, *tensors) -> tensor

    @property
    def key(self) -> str:
        shapes = ", ".join("x".join(map(str, s)) for s in self.inputs if s[0] != "labels")
        return f"{self.name} ({shapes})"


def _conv(padding: int) -> Callable[..., Any]:
    return lambda L, x, w, b: L.F.conv2d(x, w, b, padding=padding)


OPS = (
    Op("matmul", ((256, 256), (256, 256)), lambda L, a, b: a @ b),
    Op("matmul", ((64, 400), (400, 120)), lambda L, a, b: a @ b),
    Op("conv2d lenet.conv1", ((64, 3, 32, 32), (6, 3, 5, 5), (6,)), _conv(0)),
    Op("conv2d lenet.conv2", ((64, 6, 14, 14), (16, 6, 5, 5), (16,)), _conv(0)),
    Op("conv2d net2.conv1 p1", ((64, 3, 32, 32), (16, 3, 3, 3), (16,)), _conv(1)),
    Op("conv2d net2.conv2 p1", ((64, 16, 16, 16), (32, 16, 3, 3), (32,)), _conv(1)),
    Op("max_pool2d 2x2", ((64, 6, 28, 28),), lambda L, x: L.F.max_pool2d(x, 2, 2)),
    Op("max_pool2d 2x2", ((64, 16, 32, 32),), lambda L, x: L.F.max_pool2d(x, 2, 2)),
    Op("cross_entropy", ((64, 10), ("labels", 64, 10)), lambda L, x, y: L.F.cross_entropy(x, y)),
    Op("relu", ((64, 16, 32, 32),), lambda L, x: L.F.relu(x)),
    Op("add broadcast", ((64, 128), (128,)), lambda L, a, b: a + b),
    Op("sum", ((256, 256),), lambda L, x: x.sum()),
    Op("tiny graph", ((10,),), lambda L, x: (x * 2 + 1).relu().sum()),
)


def make_inputs(lib: harness.Lib, op: Op) -> list[Any]:
    """The op's inputs, drawn by numpy with a fixed seed, so both libraries get the same data."""
    import numpy as np

    rng = np.random.default_rng(0)
    tensors = []
    for spec in op.inputs:
        if spec[0] == "labels":
            tensors.append(lib.tensor(harness.random_labels(rng, spec[1], spec[2])))
        else:
            tensors.append(lib.tensor(harness.random_array(rng, spec)).requires_grad_(True))
    return tensors


def make_calls(lib: harness.Lib, op: Op) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """(forward, forward+backward) closures over fixed inputs."""
    import numpy as np

    tensors = make_inputs(lib, op)

    def forward() -> Any:
        return op.fn(lib, *tensors)

    shape = tuple(forward().shape)
    if not shape:
        return forward, lambda: forward().backward()
    ones = lib.tensor(np.ones(shape, dtype="float32"))
    return forward, lambda: forward().backward(ones)


def time_us(lib: harness.Lib, fn: Callable[[], Any], target_s: float) -> float:
    """Median microseconds per call, after warm-up, over about `target_s` seconds."""
    estimate = harness.warm_up(fn, lib.sync, WARMUP_CALLS)
    return 1e6 * harness.median(harness.time_calls(fn, lib.sync, harness.auto_calls(estimate, target_s)))


def measure(lib: harness.Lib, ops: tuple[Op, ...], target_s: float) -> dict:
    """Time every op; an op the library lacks gets an error entry instead of timings."""
    results = {}
    for op in ops:
        try:
            forward, forward_backward = make_calls(lib, op)
            results[op.key] = {"fwd_us": time_us(lib, forward, target_s),
                               "fwd_bwd_us": time_us(lib, forward_backward, target_s)}
        except Exception as error:
            results[op.key] = {"error": f"{type(error).__name__}: {error}"}
    return {"lib": lib.name, "version": lib.version, "ops": results}


def select(names: str | None) -> tuple[Op, ...]:
    """The ops whose key contains one of the comma-separated `names` (all when None)."""
    if not names:
        return OPS
    return tuple(op for op in OPS if any(n in op.key for n in names.split(",")))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ops", help="comma-separated substrings of op names (default: all)")
    p.add_argument("--repeats", type=int, help="worker runs per library (default 5, quick 3)")
    p.add_argument("--target-s", type=float, help="seconds of timed calls per op and pass (default 0.2, quick 0.05)")
    p.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP threads for every library")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--libs", default="minitorch,torch", help="comma-separated; the ratio is second/first time")
    p.add_argument("--quick", action="store_true", help="fewer repeats and shorter timings")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--lib", choices=harness.LIBS, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.repeats = args.repeats or (3 if args.quick else 5)
    args.target_s = args.target_s or (0.05 if args.quick else 0.2)
    return args


def worker(args: argparse.Namespace) -> None:
    lib = harness.load_lib(args.lib, args.device, args.threads)
    print(json.dumps(measure(lib, select(args.ops), args.target_s)))


def jobs(args: argparse.Namespace, libs: list[str]) -> dict[str, Callable[[], dict]]:
    """One worker process per call on CPU; in-process calls on CUDA (see train_step.py)."""
    flags = ["--worker", "--threads", str(args.threads), "--target-s", str(args.target_s), "--device", args.device]
    flags += ["--ops", args.ops] if args.ops else []

    def job(name: str) -> dict:
        if args.device == "cpu":
            return harness.run_worker(__file__, ["--lib", name, *flags])
        try:
            return measure(harness.load_lib(name, "cuda", args.threads), select(args.ops), args.target_s)
        except Exception as error:
            return {"error": f"{type(error).__name__}: {error}"}

    return {label: (lambda name=name: job(name)) for label, name in zip(harness.labels(libs), libs)}


def summarize(runs: dict[str, list[dict]], ops: tuple[Op, ...]) -> list[dict]:
    """Per op: median microseconds of each library and pass, and the speed ratio second/first."""
    rows = []
    for op in ops:
        per_lib = {}
        for label, rs in runs.items():
            entries = [r["ops"][op.key] for r in rs if "ops" in r]
            errors = [e["error"] for e in entries if "error" in e] + [r["error"] for r in rs if "error" in r]
            per_lib[label] = {
                "fwd_us": harness.median_of(entries, "fwd_us"),
                "fwd_bwd_us": harness.median_of(entries, "fwd_bwd_us"),
                "error": errors[0] if errors else None,
            }
        times = [entry["fwd_bwd_us"] for entry in per_lib.values()]
        rows.append({"op": op.key, "libs": per_lib, "ratio": harness.ratio(times[1], times[0]) if len(times) >= 2 else None})
    return rows


def report(args: argparse.Namespace, names: list[str], rows: list[dict], info: dict) -> str:
    header = ["op", *(f"{n} fwd µs" for n in names), *(f"{n} fwd+bwd µs" for n in names)]
    header += [f"{names[0]}/{names[1]} speed"] if len(names) >= 2 else []
    table = []
    for row in rows:
        entries = [row["libs"][n] for n in names]
        line = [row["op"], *(harness.fmt(e["fwd_us"]) for e in entries), *(harness.fmt(e["fwd_bwd_us"]) for e in entries)]
        line += [harness.fmt(row["ratio"], ".2f")] if len(names) >= 2 else []
        table.append(line)
    errors = sorted({f"- {n}, {row['op']}: {row['libs'][n]['error']}" for row in rows for n in names if row["libs"][n]["error"]})
    parts = [
        f"## Single ops, {args.device}",
        f"Median over {args.repeats} runs of the median call time (about {args.target_s} s of calls per op and pass,"
        f" after {WARMUP_CALLS} warm-up calls)."
        + (f" Speed = {names[1]} time / {names[0]} time of fwd+bwd; > 1: {names[0]} is faster." if len(names) >= 2 else ""),
        harness.markdown_table(header, table),
    ]
    if errors:
        parts += ["Errors:", "\n".join(errors)]
    parts += ["Machine:", harness.machine_markdown(info)]
    return "\n\n".join(parts)


def orchestrate(args: argparse.Namespace) -> None:
    libs = args.libs.split(",")
    busy = harness.check_idle(args.threads)
    runs = harness.alternate(jobs(args, libs), args.repeats)
    rows = summarize(runs, select(args.ops))
    info = {**harness.machine_info(args.threads, busy), **harness.lib_versions(runs)}
    names = harness.labels(libs)
    markdown = report(args, names, rows, info)
    settings = {k: v for k, v in vars(args).items() if k not in ("worker", "lib")}
    payload = {"benchmark": "ops", "device": args.device, "settings": settings, "machine": info, "rows": rows,
               "runs": runs}
    paths = harness.write_results(f"ops_{args.device}", payload, markdown)
    print(markdown + "\n\nwrote " + ", ".join(str(p) for p in paths))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    harness.pin_threads(args.threads)
    (worker if args.worker else orchestrate)(args)


if __name__ == "__main__":
    main()

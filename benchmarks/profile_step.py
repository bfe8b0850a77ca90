"""Where one training step spends its time, op by op: minitorch beside PyTorch's profiler.

The step is the one `train_step.py` times (zero_grad, forward, cross-entropy, backward,
SGD-momentum). For minitorch every op's forward (``Function.apply``: the kernel plus recording
the graph) and backward (the engine's call of the op's backward) is timed, as *self* time (an op
called inside another one is counted once, for itself), shown for the median step; what is left
of the step is Python: module calls, the autograd engine's bookkeeping, the loss's wrapper. For PyTorch the table is
``torch.profiler``'s, sorted by self CPU time. Each library runs in its own process, with the
same thread count (see harness.py), so the gap between them is visible op by op.

    python benchmarks/profile_step.py --model lenet --batch 64 --threads 2
    python benchmarks/profile_step.py --model net2 --batch 256 --threads 1 --steps 20
    python benchmarks/profile_step.py --libs minitorch     # one library only
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

import harness
import models
import train_step

WARMUP_STEPS = 3


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="lenet", choices=tuple(models.MODELS))
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2, help="intra-op/BLAS threads for every library")
    p.add_argument("--steps", type=int, default=10, help="profiled steps (after warm-up)")
    p.add_argument("--rows", type=int, default=20, help="rows of each table")
    p.add_argument("--libs", default="minitorch,torch", help="comma-separated: minitorch,torch")
    p.add_argument("--lib", choices=harness.LIBS, help=argparse.SUPPRESS)  # worker mode
    return p.parse_args(argv)


class OpTimer:
    """Self time per (op, phase), with a stack so that nested ops are not counted twice."""

    def __init__(self) -> None:
        self.totals: dict = defaultdict(float)
        self.calls: dict = defaultdict(int)
        self.stack: list = []  # time spent in children of each open op

    def wrap(self, label: Callable[..., str], fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.stack.append(0.0)
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                children = self.stack.pop()
                if self.stack:
                    self.stack[-1] += elapsed
                key = label(*args)
                self.totals[key] += elapsed - children
                self.calls[key] += 1
        return timed


def instrument_minitorch(timer: OpTimer) -> None:
    """Time every op's forward and backward, and the optimizer's step and zero_grad."""
    from minitorch.autograd.function import Function
    from minitorch.optim.optimizer import Optimizer
    from minitorch.optim.sgd import SGD

    apply = Function.apply.__func__
    Function.apply = classmethod(timer.wrap(lambda cls, *a: (cls.__name__, "forward"), apply))
    Function._run_backward = timer.wrap(lambda ctx, *a: (type(ctx).__name__, "backward"), Function._run_backward)
    SGD.step = timer.wrap(lambda *a: ("SGD.step", "optimizer"), SGD.step)
    Optimizer.zero_grad = timer.wrap(lambda *a: ("zero_grad", "optimizer"), Optimizer.zero_grad)


def profile_minitorch(lib: harness.Lib, args: argparse.Namespace) -> str:
    step = train_step.make_step(lib, args.model, args.batch)
    for _ in range(WARMUP_STEPS):
        step()
    timer = OpTimer()
    instrument_minitorch(timer)
    steps = []  # (seconds, {(op, phase): seconds}) of each step
    for _ in range(args.steps):
        timer.totals.clear()
        start = time.perf_counter()
        step()
        steps.append((time.perf_counter() - start, dict(timer.totals)))
    step_s, totals = sorted(steps, key=lambda item: item[0])[len(steps) // 2]  # the median step
    rows: dict = defaultdict(lambda: {"forward": 0.0, "backward": 0.0, "optimizer": 0.0})
    for (name, phase), seconds in totals.items():
        rows[name][phase] += seconds
    accounted = sum(sum(row.values()) for row in rows.values())
    rows["(Python: modules, engine, wrappers)"]["forward"] = step_s - accounted
    ordered = sorted(rows.items(), key=lambda item: -sum(item[1].values()))[:args.rows]
    table = [[name, harness.fmt(row["forward"] * 1e3, ".3f"), harness.fmt(row["backward"] * 1e3, ".3f"),
              harness.fmt(row["optimizer"] * 1e3, ".3f"), harness.fmt(sum(row.values()) * 1e3, ".3f"),
              harness.fmt(100 * sum(row.values()) / step_s)] for name, row in ordered]
    header = ["op", "forward ms", "backward ms", "optimizer ms", "total ms", "% of step"]
    return (f"minitorch: {args.model}, batch {args.batch}, {args.threads} thread(s): "
            f"{step_s * 1e3:.2f} ms, the median of {args.steps} profiled steps, op by op\n\n"
            + harness.markdown_table(header, table))


def profile_torch(lib: harness.Lib, args: argparse.Namespace) -> str:
    from torch.profiler import ProfilerActivity, profile

    step = train_step.make_step(lib, args.model, args.batch)
    for _ in range(WARMUP_STEPS):
        step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        step_s = (time.perf_counter() - start) / args.steps
    return (f"torch: {args.model}, batch {args.batch}, {args.threads} thread(s): "
            f"{step_s * 1e3:.2f} ms per step (mean of {args.steps}, profiled; times below are totals "
            f"over the {args.steps} steps)\n\n"
            + prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=args.rows))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.lib:  # worker: one library in this process
        harness.pin_threads(args.threads)
        lib = harness.load_lib(args.lib, "cpu", args.threads)
        print(profile_minitorch(lib, args) if args.lib == "minitorch" else profile_torch(lib, args))
        return
    harness.check_idle(args.threads)
    for name in args.libs.split(","):
        command = [sys.executable, str(Path(__file__).resolve()), "--lib", name] + (argv or sys.argv[1:])
        result = subprocess.run(command, capture_output=True, text=True, env=_env(args.threads))
        print(result.stdout if result.returncode == 0 else f"{name} failed:\n{result.stderr}")


def _env(threads: int) -> dict:
    env = dict(os.environ)
    env.update({var: str(threads) for var in harness.THREAD_VARS})
    return env


if __name__ == "__main__":
    main()

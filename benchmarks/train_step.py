"""Benchmark one full training step of minitorch against PyTorch.

A step is zero_grad, forward, cross-entropy, backward and an SGD-momentum update
(lr=0.01, momentum=0.9) on a fixed random batch: 3x32x32 images for the CNNs (lenet, net2),
64-token sequences (next-token cross-entropy at every position) for lstm and transformer.

    python benchmarks/train_step.py                 # CPU, both models, batches 4 64 256
    python benchmarks/train_step.py --quick         # about a minute
    python benchmarks/train_step.py --libs torch,torch --quick   # test the harness itself
    python benchmarks/train_step.py --device cuda   # minitorch-CuPy vs PyTorch CUDA
    python benchmarks/train_step.py --models lstm,transformer --quick   # the sequence models

On CPU each measurement runs in its own worker process (see harness.py); on CUDA
both libraries share one process and the repeats are interleaved.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, Callable

import harness
import models

WARMUP_STEPS = 2
MODEL_NAMES = (*models.MODELS, *models.SEQUENCE_MODELS)
DEFAULT_BATCHES = {"cpu": "4,64,256", "cuda": "64,256,1024"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", default=",".join(MODEL_NAMES), help="comma-separated: " + ",".join(MODEL_NAMES))
    p.add_argument("--batches", help="comma-separated batch sizes (cpu: 4,64,256; cuda: 64,256,1024)")
    p.add_argument("--repeats", type=int, help="worker runs per library and setting (default 5, quick 3)")
    p.add_argument("--steps", type=int, default=0, help="timed steps per run; 0: enough for --target-s")
    p.add_argument("--target-s", type=float, help="seconds of timed steps per run when --steps is 0 (default 1, quick 0.25)")
    p.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP threads for every library")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--libs", default="minitorch,torch", help="comma-separated; the ratio is first/second")
    p.add_argument("--quick", action="store_true", help="fewer repeats, shorter runs, batches 4,64")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--lib", choices=harness.LIBS, help=argparse.SUPPRESS)
    p.add_argument("--model", choices=MODEL_NAMES, help=argparse.SUPPRESS)
    p.add_argument("--batch", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.repeats = args.repeats or (3 if args.quick else 5)
    args.target_s = args.target_s or (0.25 if args.quick else 1.0)
    args.batches = args.batches or ("4,64" if args.quick else DEFAULT_BATCHES[args.device])
    return args


def make_step(lib: harness.Lib, model_name: str, batch: int) -> Callable[[], Any]:
    """Build the model, data and optimizer; return a function doing one training step."""
    import numpy as np

    lib.torch.manual_seed(0)
    model = models.build(model_name, lib.nn, lib.F)
    if lib.device != "cpu":
        model = model.to(lib.device)
    rng = np.random.default_rng(0)
    if model_name in models.SEQUENCE_MODELS:  # token ids in, the next token at every position out
        tokens = harness.random_labels(rng, batch * (models.SEQ_LEN + 1), models.VOCAB).reshape(batch, -1)
        x, y = lib.tensor(tokens[:, :-1].copy()), lib.tensor(tokens[:, 1:].reshape(-1).copy())
    else:
        x = lib.tensor(harness.random_array(rng, (batch, 3, models.IMAGE, models.IMAGE)))
        y = lib.tensor(harness.random_labels(rng, batch, models.CLASSES))
    loss_fn = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step() -> Any:
        optimizer.zero_grad()
        out = model(x)
        loss = loss_fn(out.reshape(-1, out.shape[-1]), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def measure(lib: harness.Lib, model_name: str, batch: int, steps: int, target_s: float) -> dict:
    """Warm up, time `steps` steps (0: enough for `target_s`), then measure the peak
    memory of one more step, untimed, since the memory probe may disturb the timing."""
    step = make_step(lib, model_name, batch)
    estimate = harness.warm_up(step, lib.sync, WARMUP_STEPS)
    steps = steps or harness.auto_calls(estimate, target_s)
    step_s = harness.median(harness.time_calls(step, lib.sync, steps))
    memory: dict = {}
    with harness.peak_memory(lib, memory):
        loss = step()
        lib.sync()
    return {
        "lib": lib.name,
        "version": lib.version,
        "model": model_name,
        "batch": batch,
        "steps": steps,
        "step_s": step_s,
        "images_per_s": batch / step_s,
        "loss": float(loss.item()),
        **memory,
    }


def worker(args: argparse.Namespace) -> None:
    """Measure one (library, model, batch) and print the result as one JSON line."""
    lib = harness.load_lib(args.lib, "cpu", args.threads)
    print(json.dumps(measure(lib, args.model, args.batch, args.steps, args.target_s)))


def cpu_jobs(args: argparse.Namespace, libs: list[str], model: str, batch: int) -> dict[str, Callable[[], dict]]:
    """One worker process per call, for each library label."""
    flags = ["--worker", "--model", model, "--batch", str(batch), "--threads", str(args.threads),
             "--steps", str(args.steps), "--target-s", str(args.target_s)]
    return {
        label: (lambda lib=lib: harness.run_worker(__file__, ["--lib", lib, *flags]))
        for label, lib in zip(harness.labels(libs), libs)
    }


def cuda_jobs(args: argparse.Namespace, libs: list[str], model: str, batch: int) -> dict[str, Callable[[], dict]]:
    """In-process calls on the GPU, where spinning CPU threads do not decide the speed."""

    def job(name: str) -> dict:
        try:  # a half-finished library should not stop the others
            lib = harness.load_lib(name, "cuda", args.threads)  # imported once, then cached
            return measure(lib, model, batch, args.steps, args.target_s)
        except Exception as error:
            return {"error": f"{type(error).__name__}: {error}"}

    return {label: (lambda name=name: job(name)) for label, name in zip(harness.labels(libs), libs)}


def summarize(runs: dict[str, list[dict]]) -> dict:
    """Medians over the repeats of each library, and the throughput ratio first/second."""
    per_lib = {
        label: {
            "images_per_s": harness.median_of(rs, "images_per_s"),
            "peak_mb": harness.mebibytes(harness.median_of(rs, "peak_bytes")),
            "error": harness.first_error(rs),
            "runs": rs,
        }
        for label, rs in runs.items()
    }
    speeds = [entry["images_per_s"] for entry in per_lib.values()]
    return {"libs": per_lib, "ratio": harness.ratio(*speeds[:2]) if len(speeds) >= 2 else None}


def report(args: argparse.Namespace, libs: list[str], rows: list[dict], info: dict) -> str:
    """The Markdown report: settings, results table, errors, machine."""
    names = harness.labels(libs)
    header = ["model", "batch", *(f"{n} img/s" for n in names)]
    header += [f"{names[0]}/{names[1]}"] if len(names) >= 2 else []
    header += [f"{n} peak MB" for n in names]
    table = []
    for row in rows:
        entries = [row["libs"][n] for n in names]
        line = [row["model"], str(row["batch"]), *(harness.fmt(e["images_per_s"]) for e in entries)]
        line += [harness.fmt(row["ratio"], ".2f")] if len(names) >= 2 else []
        line += [harness.fmt(e["peak_mb"]) for e in entries]
        table.append(line)
    errors = sorted({f"- {n}: {row['libs'][n]['error']}" for row in rows for n in names if row["libs"][n]["error"]})
    parts = [
        f"## Training step, {args.device}",
        f"Median of {args.repeats} runs; each run times "
        + (f"{args.steps} steps" if args.steps else f"about {args.target_s} s of steps")
        + f" after {WARMUP_STEPS} warm-up steps."
        + (f" Ratio = throughput {names[0]} / {names[1]}; > 1: {names[0]} is faster." if len(names) >= 2 else "")
        + " Peak MB: extra memory one step needs at its peak over what lives between steps."
        + f" For lstm and transformer an \"image\" is one sequence of {models.SEQ_LEN} tokens.",
        harness.markdown_table(header, table),
    ]
    if errors:
        parts += ["Errors:", "\n".join(errors)]
    parts += ["Machine:", harness.machine_markdown(info)]
    return "\n\n".join(parts)


def orchestrate(args: argparse.Namespace) -> None:
    """Run every (model, batch) with the libraries alternated; print and save the report."""
    libs = args.libs.split(",")
    make_jobs = cpu_jobs if args.device == "cpu" else cuda_jobs
    busy = harness.check_idle(args.threads)
    rows = []
    for model in args.models.split(","):
        for batch in (int(b) for b in args.batches.split(",")):
            runs = harness.alternate(make_jobs(args, libs, model, batch), args.repeats)
            rows.append({"model": model, "batch": batch, **summarize(runs)})
            speeds = ", ".join(f"{n} {harness.fmt(e['images_per_s'])}" for n, e in rows[-1]["libs"].items())
            print(f"{model} batch {batch}: {speeds} img/s", flush=True)
    all_runs = {n: [run for row in rows for run in row["libs"][n]["runs"]] for n in harness.labels(libs)}
    info = {**harness.machine_info(args.threads, busy), **harness.lib_versions(all_runs)}
    markdown = report(args, libs, rows, info)
    settings = {k: v for k, v in vars(args).items() if k not in ("worker", "lib", "model", "batch")}
    payload = {"benchmark": "train_step", "device": args.device, "settings": settings, "machine": info, "rows": rows}
    paths = harness.write_results(f"train_step_{args.device}", payload, markdown)
    print("\n" + markdown + "\n\nwrote " + ", ".join(str(p) for p in paths))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    harness.pin_threads(args.threads)
    (worker if args.worker else orchestrate)(args)


if __name__ == "__main__":
    main()

"""Draw the throughput ratios of the saved results as one PNG.

    python benchmarks/plot.py            # reads benchmarks/results/*.json, writes ratios.png

Each bar is first-library / second-library throughput (minitorch / torch by
default) on a log axis: right of the line at 1, the first library is faster.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
TICKS = [m * 10.0**e for e in range(-3, 3) for m in (1, 2, 5)]


def load(results: Path) -> list[dict]:
    """Every benchmark JSON in `results`, train_step first."""
    payloads = [json.loads(p.read_text()) for p in sorted(results.glob("*.json"))]
    return sorted((p for p in payloads if "benchmark" in p), key=lambda p: (p["benchmark"] != "train_step", p["device"]))


def bars(payload: dict) -> list[tuple[str, float]]:
    """(label, ratio) per result row that has a ratio."""
    if payload["benchmark"] == "train_step":
        rows = [(f"{r['model']} batch {r['batch']}", r["ratio"]) for r in payload["rows"]]
    else:
        rows = [(r["op"], r["ratio"]) for r in payload["rows"]]
    return [(label, ratio) for label, ratio in rows if ratio]


def title(payload: dict) -> str:
    first, second = payload["settings"]["libs"].split(",")[:2]
    what = "training step" if payload["benchmark"] == "train_step" else "single ops, forward+backward"
    threads = payload["machine"]["threads"]
    return f"{what} ({payload['device']}, {threads} thread{'s' * (threads != 1)}): {first} / {second} throughput"


def draw(ax: plt.Axes, payload: dict, data: list[tuple[str, float]]) -> None:
    labels, ratios = zip(*data)
    y = range(len(data))
    # bars grow from 1 to the ratio: left when the first library is slower, right when faster
    ax.barh(y, [r - 1 for r in ratios], left=1, color=["tab:green" if r >= 1 else "tab:red" for r in ratios])
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(TICKS))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.invert_yaxis()
    low, high = min(min(ratios), 0.5), max(max(ratios), 2.0)
    ax.set_xlim(low / 2, high * 2)  # room for the value labels
    for i, r in enumerate(ratios):
        ax.text(r * (1.08 if r >= 1 else 1 / 1.08), i, f"{r:.2f}x", va="center", ha="left" if r >= 1 else "right", fontsize=8)
    ax.set_title(title(payload), fontsize=10)
    ax.grid(axis="x", which="both", alpha=0.3)


def plot(payloads: list[dict], out: Path) -> None:
    panels = [(p, bars(p)) for p in payloads]
    panels = [(p, data) for p, data in panels if data]
    if not panels:
        raise SystemExit("no ratios to plot: run train_step.py or ops.py with two libraries first")
    heights = [len(data) + 2 for _, data in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 0.3 * sum(heights) + 1),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, (payload, data) in zip(axes[:, 0], panels):
        draw(ax, payload, data)
    axes[-1, 0].set_xlabel("ratio of throughput (log scale; > 1: first library faster)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--results", type=Path, default=RESULTS, help="folder with the JSON results")
    p.add_argument("--out", type=Path, help="PNG to write (default: <results>/ratios.png)")
    args = p.parse_args()
    plot(load(args.results), args.out or args.results / "ratios.png")


if __name__ == "__main__":
    main()

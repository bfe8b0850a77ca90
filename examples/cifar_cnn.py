"""Train a CNN on CIFAR-10 and report its test accuracy: PyTorch's classic tutorial, on minitorch.

Run it from the repository root, after ``pip install -e ".[example]"``::

    # the full CIFAR-10 (50,000 training / 10,000 test images), downloaded into ./data once (170 MB)
    python examples/cifar_cnn.py --epochs 3

    # offline: a folder that holds cifar-10-python.tar.gz, e.g. the real subset shared next to
    # the project (5,170 training / 1,017 test images; 3 epochs take about 20 s on one CPU core)
    python examples/cifar_cnn.py --data ../shared/datasets/cifar10-subset --epochs 3

    # another model, augmentation, a GPU, a checkpoint per epoch, loss and accuracy curves
    python examples/cifar_cnn.py --model bn --augment --device cuda \\
        --checkpoint checkpoints/bn.npz --plot curves.png

Several processes (data-parallel, one rank per core or GPU): ``examples/ddp_cifar.py``, launched
as ``mpiexec -n 2 python examples/ddp_cifar.py ...``, trains the same models with DistributedDataParallel.

On a machine whose cores are busy with other work, one BLAS thread can be many times faster
than several that wait for each other: prefix the command with ``OMP_NUM_THREADS=1
OPENBLAS_NUM_THREADS=1``.

Stop a run with a checkpoint at any time and add ``--resume`` to go on from the last finished
epoch: it ends with the very same numbers as an uninterrupted run (so does any rerun with the
same ``--seed`` on the same machine). Each epoch prints one summary line; the run ends with the
accuracy of each class and, on its last line, ``test accuracy: XX.XX%``.

The models are in ``models.py`` next to this file. Apart from the import lines (``torch`` for
``minitorch``, torchvision for ``datasets`` and ``transforms``), this is a PyTorch script.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

import minitorch as torch
import minitorch.nn as nn
import minitorch.optim as optim
import minitorch.transforms as transforms
from minitorch.datasets import CIFAR10
from minitorch.utils import summary  # torchinfo.summary in PyTorch
from minitorch.utils.data import DataLoader, Dataset, Subset

from models import MODELS

try:
    from tqdm import tqdm
except ImportError:  # tqdm is optional: without it, only the per-epoch summary lines are printed
    tqdm = None

MEAN = (0.4914, 0.4822, 0.4465)  # per-channel mean and std of the CIFAR-10 training images
STD = (0.2470, 0.2435, 0.2616)
RUN_SETTINGS = ("model", "batch_size", "lr", "momentum", "seed", "augment", "limit_train")  # fixed for --resume


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train a CNN on CIFAR-10.")
    parser.add_argument("--data", default="./data", help="folder with cifar-10-python.tar.gz (downloaded if absent)")
    parser.add_argument("--model", choices=sorted(MODELS), default="lenet", help="which network (see models.py)")
    parser.add_argument("--epochs", type=int, default=2, help="total number of passes over the training set")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate")
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0, help="same seed, same numbers")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--augment", action="store_true", help="random crops (padding 4) and horizontal flips")
    parser.add_argument("--checkpoint", type=Path, help="save model, optimizer and history here after each epoch")
    parser.add_argument("--resume", action="store_true", help="go on from --checkpoint when it exists")
    parser.add_argument("--plot", type=Path, help="write loss and accuracy curves to this PNG")
    parser.add_argument("--json", type=Path, help="write the history and final accuracies to this JSON file")
    parser.add_argument("--limit-train", type=int, help="use only the first N training images (quick runs)")
    parser.add_argument("--limit-test", type=int, help="use only the first N test images")
    parser.add_argument("--summary", action="store_true", help="print the model's layers, shapes and sizes first")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda needs CuPy and an NVIDIA GPU (pip install -e \".[cuda]\"); use --device cpu")
    if args.resume and args.checkpoint is None:
        parser.error("--resume needs --checkpoint PATH")
    for name in ("epochs", "batch_size", "limit_train", "limit_test"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    return args


# ----- data -----


def first(dataset: CIFAR10, count: int | None) -> Dataset:
    return dataset if count is None or count >= len(dataset) else Subset(dataset, range(count))


def make_loaders(args: argparse.Namespace, generator: torch.Generator) -> tuple[DataLoader, DataLoader, list[str]]:
    """Shuffled training batches (augmented with --augment) and the test batches, both normalised.

    The transforms get a whole batch (N x 32 x 32 x 3 uint8) at once and work on it with array
    operations; the DataLoader prepares the next batches in a background thread.
    """
    to_tensor = [transforms.ToTensor(), transforms.Normalize(MEAN, STD, inplace=True)]
    augment = [transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip()] if args.augment else []
    train_set = CIFAR10(args.data, train=True, download=True, transform=transforms.Compose(augment + to_tensor))
    test_set = CIFAR10(args.data, train=False, download=True, transform=transforms.Compose(to_tensor))
    train_loader = DataLoader(
        first(train_set, args.limit_train), batch_size=args.batch_size, shuffle=True, generator=generator, num_workers=2
    )
    test_loader = DataLoader(first(test_set, args.limit_test), batch_size=256, num_workers=2)
    return train_loader, test_loader, train_set.classes


# ----- training and evaluation -----


def train_one_epoch(
    model: nn.Module, loader: DataLoader, criterion: nn.Module, optimizer: optim.Optimizer, device: str, desc: str
) -> dict[str, Any]:
    """One pass over the training set; returns the mean loss, accuracy, batch losses and speed.

    Losses and hits add up on the device and are read once, at the end: reading a number
    (``loss.item()``) every batch would make the CPU wait for the GPU every batch.
    """
    model.train()
    seen, batch_losses = 0, []
    total_loss = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    progress = tqdm(total=len(loader.dataset), desc=desc, unit="img", leave=False, disable=None) if tqdm else None
    start = time.perf_counter()
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()

        with torch.no_grad():
            batch_losses.append(loss.detach())
            total_loss += loss.detach() * len(labels)
            correct += (outputs.argmax(dim=1) == labels).sum()
        seen += len(labels)
        if progress is not None:
            progress.update(len(labels))  # tqdm shows images/s as the rate
    losses = torch.stack(batch_losses).tolist() if batch_losses else []  # the one read of the epoch
    seconds = time.perf_counter() - start
    if progress is not None:
        progress.close()
    return {
        "train_loss": total_loss.item() / seen,
        "train_acc": correct.item() / seen,
        "batch_losses": losses,
        "seconds": seconds,
        "images_per_s": seen / seconds,
    }


def evaluate(model: nn.Module, loader: DataLoader, device: str, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Correct predictions and number of images, per class."""
    model.eval()  # dropout off, BatchNorm uses its running statistics
    correct, total = np.zeros(num_classes, dtype=np.int64), np.zeros(num_classes, dtype=np.int64)
    with torch.no_grad():  # no graph: faster, less memory
        for images, labels in loader:
            predicted = model(images.to(device)).argmax(dim=1).cpu().numpy()
            labels = labels.numpy()
            total += np.bincount(labels, minlength=num_classes)
            correct += np.bincount(labels[predicted == labels], minlength=num_classes)
    return correct, total


# ----- checkpoints -----


def save_checkpoint(
    path: Path, model: nn.Module, optimizer: optim.Optimizer, epoch: int, history: list, args: argparse.Namespace
) -> None:
    """Everything needed to go on after ``epoch``; torch.save writes a temporary file, then renames it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = {name: getattr(args, name) for name in RUN_SETTINGS}
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
    torch.save({**state, "history": history, "settings": settings}, path)


def load_checkpoint(
    path: Path, model: nn.Module, optimizer: optim.Optimizer, args: argparse.Namespace
) -> tuple[int, list]:
    """Restore model and optimizer; returns the last finished epoch and the history so far."""
    try:
        checkpoint = torch.load(path, map_location=args.device)
    except (ValueError, RuntimeError) as error:  # not a checkpoint, truncated, corrupt
        raise SystemExit(f"error: cannot resume: {error}") from None
    if not isinstance(checkpoint, dict) or "settings" not in checkpoint:
        raise SystemExit(f"error: {path} is not a checkpoint written by this script")
    saved = checkpoint["settings"]
    changed = [f"--{name.replace('_', '-')} {saved[name]} (now {getattr(args, name)})"
               for name in RUN_SETTINGS if saved[name] != getattr(args, name)]
    if changed:
        raise SystemExit(f"error: {path} was made with other settings: {', '.join(changed)}; "
                         "pass the same ones to resume, or another --checkpoint to start afresh")
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"], checkpoint["history"]


# ----- reporting -----


def epoch_line(record: dict[str, Any], epochs: int) -> str:
    return (
        f"epoch {record['epoch']}/{epochs}: train loss {record['train_loss']:.4f}, "
        f"train accuracy {100 * record['train_acc']:.2f}%, test accuracy {100 * record['test_acc']:.2f}%, "
        f"{record['seconds']:.1f} s ({record['images_per_s']:.0f} images/s)"
    )


def class_table(classes: list[str], correct: np.ndarray, total: np.ndarray) -> str:
    rows = [f"{'class':<12}{'correct':>8}{'images':>8}{'accuracy':>10}"]
    for name, right, count in zip(classes, correct, total):
        rows.append(f"{name:<12}{right:>8}{count:>8}{100 * right / max(count, 1):>9.2f}%")
    return "\n".join(rows)


def plot_history(history: list[dict[str, Any]], path: Path) -> None:
    """Training loss per batch (and per epoch) on the left, accuracies per epoch on the right."""
    import matplotlib

    matplotlib.use("Agg")  # draw into a file, no window
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(11, 4))
    for record in history:
        losses = record["batch_losses"]
        steps = record["epoch"] - 1 + np.arange(1, len(losses) + 1) / len(losses)
        loss_ax.plot(steps, losses, color="tab:blue", alpha=0.35, linewidth=0.8)
    epochs = [record["epoch"] for record in history]
    loss_ax.plot(epochs, [r["train_loss"] for r in history], "o-", color="tab:blue", label="epoch mean")
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy", title="training loss (per batch, per epoch)")
    loss_ax.legend()
    acc_ax.plot(epochs, [100 * r["train_acc"] for r in history], "o-", label="train")
    acc_ax.plot(epochs, [100 * r["test_acc"] for r in history], "s-", label="test")
    acc_ax.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    acc_ax.legend()
    for ax in (loss_ax, acc_ax):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ----- putting it together -----


def epoch_seed(seed: int, epoch: int) -> int:
    """The seed of one epoch: its own for every (--seed, epoch) pair."""
    return seed * 10_000 + epoch


def resume(args: argparse.Namespace, model: nn.Module, optimizer: optim.Optimizer) -> tuple[int, list]:
    """The last finished epoch and the history so far: from the checkpoint with --resume, else (0, [])."""
    if not args.resume:
        return 0, []
    if not args.checkpoint.exists():
        print(f"no checkpoint at {args.checkpoint} yet: starting from scratch")
        return 0, []
    done, history = load_checkpoint(args.checkpoint, model, optimizer, args)
    print(f"resumed from {args.checkpoint} after epoch {done}:")
    for record in history:
        print(epoch_line(record, args.epochs))
    return done, history


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    torch.manual_seed(args.seed)  # the initial weights
    generator = torch.Generator()  # the order of the training images
    try:
        train_loader, test_loader, classes = make_loaders(args, generator)
    except RuntimeError as error:  # no data and no network: say what to do, without a traceback
        raise SystemExit(f"error: {error}") from None
    model = MODELS[args.model]().to(args.device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"CIFAR-10 from {args.data}: {len(train_loader.dataset)} training, {len(test_loader.dataset)} test images")
    print(f"model {args.model} ({parameters:,} parameters) on {args.device}; SGD lr {args.lr} momentum "
          f"{args.momentum}; batch size {args.batch_size}; augment {args.augment}; seed {args.seed}")
    if args.summary:
        summary(model, input_size=(1, 3, 32, 32), device=args.device)

    done, history = resume(args, model, optimizer)
    correct = total = None
    for epoch in range(done + 1, args.epochs + 1):
        # Reseeding each epoch makes its shuffling, augmentation and dropout depend only on
        # (--seed, epoch), so a run resumed from a checkpoint repeats an uninterrupted one exactly.
        torch.manual_seed(epoch_seed(args.seed, epoch))
        generator.manual_seed(epoch_seed(args.seed, epoch))
        desc = f"epoch {epoch}/{args.epochs}"
        record = {"epoch": epoch, **train_one_epoch(model, train_loader, criterion, optimizer, args.device, desc)}
        correct, total = evaluate(model, test_loader, args.device, len(classes))
        record["test_acc"] = int(correct.sum()) / int(total.sum())
        history.append(record)
        print(epoch_line(record, args.epochs), flush=True)
        if args.checkpoint is not None:
            save_checkpoint(args.checkpoint, model, optimizer, epoch, history, args)

    if correct is None:  # all epochs were done before: evaluate the checkpoint's model
        correct, total = evaluate(model, test_loader, args.device, len(classes))
    accuracy = int(correct.sum()) / int(total.sum())
    if args.plot is not None and history:
        plot_history(history, args.plot)
        print(f"curves written to {args.plot}")
    if args.json is not None:
        per_class = dict(zip(classes, (correct / np.maximum(total, 1)).tolist()))
        args.json.write_text(json.dumps({"history": history, "test_acc": accuracy, "per_class": per_class}, indent=1))
    print(f"training time {sum(record['seconds'] for record in history):.1f} s")
    print(class_table(classes, correct, total))
    print(f"test accuracy: {100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()

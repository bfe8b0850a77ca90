"""PyTorch counterpart of ``examples/cifar_cnn.py``: the same run, trained by PyTorch.

Same command line, same models, same data, same batches, same starting point:

- the model classes are ``examples/models.py`` itself, executed with ``import torch`` in place
  of ``import minitorch as torch`` (which also shows that those lines are all that differs);
- the images come through minitorch's ``CIFAR10`` and ``DataLoader`` (torchvision is not
  needed), seeded exactly as the example seeds them, so both libraries see the same normalised
  (and, with ``--augment``, the same augmented) batches in the same order;
- the initial weights are those of the minitorch model built with the same ``--seed``, copied over.

What still differs: floating-point rounding (which grows over training), dropout masks (``bn``
model only), and speed. Compare::

    python examples/cifar_cnn.py        --data ../shared/datasets/cifar10-subset --epochs 3
    python benchmarks/cifar_cnn_torch.py --data ../shared/datasets/cifar10-subset --epochs 3
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import torch

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
sys.path.insert(0, str(EXAMPLES))  # before benchmarks/: `models` must be examples/models.py

import minitorch  # noqa: E402
import cifar_cnn  # noqa: E402  (parse_args, make_loaders, epoch_line, class_table)


def torch_models() -> dict[str, type[torch.nn.Module]]:
    """examples/models.py run with PyTorch in place of minitorch."""
    source = (EXAMPLES / "models.py").read_text()
    source = source.replace("import minitorch as torch", "import torch").replace("minitorch.", "torch.")
    namespace: dict[str, Any] = {"__name__": "models_torch"}
    exec(compile(source, str(EXAMPLES / "models.py"), "exec"), namespace)
    return namespace["MODELS"]


def same_initial_weights(model: torch.nn.Module, name: str, seed: int) -> None:
    """Load the weights minitorch's model starts from with this seed (the example seeds the same way)."""
    minitorch.manual_seed(seed)
    reference = cifar_cnn.MODELS[name]()
    model.load_state_dict({key: torch.from_numpy(value.numpy().copy()) for key, value in reference.state_dict().items()})


def as_torch(loader: Any) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    for images, labels in loader:
        yield torch.from_numpy(images.numpy()), torch.from_numpy(labels.numpy())


def train_one_epoch(model: torch.nn.Module, loader: Any, optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    model.train()
    criterion = torch.nn.CrossEntropyLoss()
    total_loss, correct, seen, batch_losses = 0.0, 0, 0, []
    start = time.perf_counter()
    for images, labels in as_torch(loader):
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.item())
        total_loss += batch_losses[-1] * len(labels)
        correct += (outputs.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    seconds = time.perf_counter() - start
    return {"train_loss": total_loss / seen, "train_acc": correct / seen, "batch_losses": batch_losses,
            "seconds": seconds, "images_per_s": seen / seconds}


def evaluate(model: torch.nn.Module, loader: Any, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    model.eval()
    correct, total = np.zeros(num_classes, dtype=np.int64), np.zeros(num_classes, dtype=np.int64)
    with torch.no_grad():
        for images, labels in as_torch(loader):
            predicted, labels = model(images).argmax(dim=1).numpy(), labels.numpy()
            total += np.bincount(labels, minlength=num_classes)
            correct += np.bincount(labels[predicted == labels], minlength=num_classes)
    return correct, total


def main(argv: Sequence[str] | None = None) -> None:
    args = cifar_cnn.parse_args(argv)
    if args.device != "cpu" or args.checkpoint is not None or args.plot is not None:
        raise SystemExit("this benchmark runs on the CPU, without --checkpoint or --plot")
    generator = minitorch.Generator()
    train_loader, test_loader, classes = cifar_cnn.make_loaders(args, generator)
    model = torch_models()[args.model]()
    same_initial_weights(model, args.model, args.seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"model {args.model} on cpu; SGD lr {args.lr} momentum {args.momentum}; batch size {args.batch_size}; "
          f"augment {args.augment}; seed {args.seed}; {len(train_loader.dataset)} training images")
    history = []
    for epoch in range(1, args.epochs + 1):
        seed = cifar_cnn.epoch_seed(args.seed, epoch)  # seeded as the example: the same batches
        minitorch.manual_seed(seed)
        generator.manual_seed(seed)
        torch.manual_seed(seed)
        record = {"epoch": epoch, **train_one_epoch(model, train_loader, optimizer)}
        correct, total = evaluate(model, test_loader, len(classes))
        record["test_acc"] = float(correct.sum() / total.sum())
        history.append(record)
        print(cifar_cnn.epoch_line(record, args.epochs), flush=True)
    accuracy = float(correct.sum() / total.sum())
    if args.json is not None:
        args.json.write_text(json.dumps({"history": history, "test_acc": accuracy}, indent=1))
    print(f"training time {sum(r['seconds'] for r in history):.1f} s")
    print(cifar_cnn.class_table(classes, correct, total))
    print(f"test accuracy: {100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()

"""Train cifar_cnn.py's CNN on several processes at once with DistributedDataParallel.

Launch one process (rank) per core or GPU with MPI's launcher, from the repository root, after
``pip install -e ".[distributed]"`` (mpi4py and MPICH from PyPI)::

    OMP_NUM_THREADS=1 mpiexec -n 2 python examples/ddp_cifar.py --data ../shared/datasets/cifar10-subset --epochs 3

    # one process, for comparison: the same global batch, the same numbers up to rounding
    OMP_NUM_THREADS=1 mpiexec -n 1 python examples/ddp_cifar.py --data ../shared/datasets/cifar10-subset --epochs 3

    # GPUs: one rank per GPU, NCCL between them
    mpiexec -n 4 python examples/ddp_cifar.py --backend nccl --device cuda --model bn --sync-bn

``--batch-size`` is the *global* batch: each of N ranks computes the gradient of its N-th of it,
DDP averages the N gradients, and every rank takes the same optimizer step. A DistributedSampler
deals the shuffled training set out so that the global batch of each step holds the same images
whatever N is; so N ranks reach the accuracy of one process with the same global batch. Each
epoch prints the throughput per rank and in total; rank 0 alone evaluates, prints and saves.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Sequence

import numpy as np

import minitorch as torch
import minitorch.distributed as dist
import minitorch.nn as nn
import minitorch.optim as optim
import minitorch.transforms as transforms
from minitorch.datasets import CIFAR10
from minitorch.nn.parallel import DistributedDataParallel as DDP
from minitorch.utils.data import DataLoader, DistributedSampler

from cifar_cnn import MEAN, STD, class_table, evaluate, first
from models import MODELS


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train a CNN on CIFAR-10 with several processes (mpiexec -n N).")
    parser.add_argument("--data", default="./data", help="folder with cifar-10-python.tar.gz (downloaded if absent)")
    parser.add_argument("--model", choices=sorted(MODELS), default="lenet")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32, help="the global batch, split evenly over the ranks")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--backend", choices=("mpi", "nccl"), default="mpi")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--sync-bn", action="store_true", help="BatchNorm statistics over the global batch")
    parser.add_argument("--checkpoint", type=Path, help="rank 0 saves the model here after each epoch")
    parser.add_argument("--limit-train", type=int, help="use only the first N training images")
    parser.add_argument("--limit-test", type=int, help="use only the first N test images")
    return parser.parse_args(argv)


def load_data(args: argparse.Namespace, world: int) -> tuple:
    to_tensor = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD, inplace=True)])
    train_set = first(CIFAR10(args.data, train=True, download=True, transform=to_tensor), args.limit_train)
    test_set = CIFAR10(args.data, train=False, download=True, transform=to_tensor)
    sampler = DistributedSampler(train_set, shuffle=True, seed=args.seed, drop_last=True)
    train_loader = DataLoader(train_set, batch_size=args.batch_size // world, sampler=sampler, drop_last=True,
                              num_workers=1)
    test_loader = DataLoader(first(test_set, args.limit_test), batch_size=256, num_workers=1)
    return sampler, train_loader, test_loader, test_set.classes


def train_one_epoch(model: nn.Module, loader: DataLoader, criterion: nn.Module, optimizer: optim.Optimizer,
                    device: str) -> np.ndarray:
    """One pass over this rank's share; returns [loss sum, correct, images, seconds] of this rank."""
    model.train()
    totals = np.zeros(4)
    start = time.perf_counter()
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()  # DDP averages the gradients over the ranks during this call
        optimizer.step()
        totals[:3] += loss.item() * len(labels), (outputs.argmax(dim=1) == labels).sum().item(), len(labels)
    totals[3] = time.perf_counter() - start
    return totals


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    dist.init_process_group(args.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    if args.batch_size % world:
        raise SystemExit(f"error: --batch-size {args.batch_size} must be a multiple of the {world} ranks")
    torch.manual_seed(args.seed + rank)  # dropout differs per rank; the weights come from rank 0 anyway
    try:
        sampler, train_loader, test_loader, classes = load_data(args, world)
    except RuntimeError as error:
        raise SystemExit(f"error: {error}") from None
    network = MODELS[args.model]().to(args.device)
    if args.sync_bn:
        network = nn.SyncBatchNorm.convert_sync_batchnorm(network)
    model = DDP(network)  # copies rank 0's initial weights to every rank
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    if rank == 0:
        print(f"{world} rank(s), backend {args.backend}; model {args.model}; global batch {args.batch_size} "
              f"({args.batch_size // world} per rank); {len(sampler) * world} training images per epoch")

    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)  # a new shuffled order, the same on every rank
        mine = train_one_epoch(model, train_loader, criterion, optimizer, args.device)
        everyone = torch.from_numpy(np.stack([mine, [mine[2] / mine[3]] * 4]))  # + this rank's images/s
        dist.all_reduce(everyone)
        loss, correct, seen, _ = everyone[0].tolist()
        total_speed = everyone[1, 0].item()
        if rank == 0:
            right, count = evaluate(model.module, test_loader, args.device, len(classes))
            print(f"epoch {epoch}/{args.epochs}: train loss {loss / seen:.4f}, train accuracy {100 * correct / seen:.2f}%, "
                  f"test accuracy {100 * right.sum() / count.sum():.2f}%, {mine[3]:.1f} s, "
                  f"{mine[2] / mine[3]:.0f} images/s per rank, {total_speed:.0f} images/s in total", flush=True)
            if args.checkpoint is not None:  # one writer; torch.save writes a temporary file, then renames it
                args.checkpoint.parent.mkdir(parents=True, exist_ok=True)
                torch.save({"model": model.module.state_dict(), "epoch": epoch}, args.checkpoint)
        dist.barrier()  # the other ranks wait while rank 0 evaluates and saves

    if rank == 0:
        print(class_table(classes, right, count))
        print(f"test accuracy: {100 * right.sum() / count.sum():.2f}%")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

"""A character-level language model on Shakespeare: an LSTM or a small GPT learns to write verse.

The model reads 64 characters and, at every position, predicts the next one; trained on three
plays (``examples/data/shakespeare.txt``, public domain), it then writes new text one character at
a time, each drawn from its predicted distribution. Run it from the repository root::

    # a small GPT-style decoder (causal self-attention, LayerNorm, GELU), a few minutes on 2 cores
    python examples/char_lm.py --model transformer --epochs 6

    # a 2-layer LSTM instead; keep a checkpoint after every epoch and draw the loss curves
    python examples/char_lm.py --model lstm --epochs 6 --checkpoint checkpoints/lstm.npz --plot lstm.png

    # stopped (Ctrl-C, or --stop-after 3)? --resume goes on from the last finished epoch, to the very
    # same numbers as a run straight through
    python examples/char_lm.py --model lstm --epochs 6 --checkpoint checkpoints/lstm.npz --resume

    # only sample from a trained checkpoint: lower temperature = safer, top-k = only the k likeliest
    python examples/char_lm.py --model lstm --epochs 6 --checkpoint checkpoints/lstm.npz --resume \\
        --sample-chars 500 --temperature 0.8 --top-k 10

Training: AdamW (weight decay on matrices only), the learning rate warming up linearly and then
following a cosine down to a tenth, gradients clipped to norm 1. Every epoch prints the training
loss and the validation loss (cross-entropy in nats per character; 4.1 is a uniform guess over
the 63 characters). Apart from the import lines (``torch`` for ``minitorch``), this is a PyTorch
script; ``tests/examples/test_char_lm.py`` runs it in both libraries from the same weights.
On busy cores, prefix ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1``.
"""
from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
import minitorch.optim as optim

try:
    from tqdm import tqdm
except ImportError:  # tqdm is optional: without it only the per-epoch lines are printed
    tqdm = None

TEXT = Path(__file__).resolve().parent / "data" / "shakespeare.txt"
RUN_SETTINGS = ("model", "block_size", "batch_size", "steps_per_epoch", "epochs", "lr", "warmup", "width",
                "layers", "dropout", "seed")  # what --resume must find unchanged


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train a character-level language model and sample from it.")
    parser.add_argument("--model", choices=("lstm", "transformer"), default="transformer")
    parser.add_argument("--text", type=Path, default=TEXT, help="a UTF-8 text file to learn")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--steps-per-epoch", type=int, default=100, help="training steps between validations")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--block-size", type=int, default=64, help="characters of context")
    parser.add_argument("--width", type=int, default=128, help="embedding width (transformer) / hidden size (lstm)")
    parser.add_argument("--layers", type=int, default=2, help="transformer blocks / LSTM layers")
    parser.add_argument("--heads", type=int, default=4, help="attention heads (transformer)")
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate")
    parser.add_argument("--warmup", type=int, default=100, help="steps of linear warm-up")
    parser.add_argument("--weight-decay", type=float, default=0.1)
    parser.add_argument("--clip", type=float, default=1.0, help="gradient norm clipping")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same numbers")
    parser.add_argument("--val-batches", type=int, default=10, help="batches per validation")
    parser.add_argument("--checkpoint", type=Path, help="save model, optimizer and history after each epoch")
    parser.add_argument("--resume", action="store_true", help="go on from --checkpoint when it exists")
    parser.add_argument("--stop-after", type=int, help="stop after this epoch (go on later with --resume)")
    parser.add_argument("--plot", type=Path, help="write training and validation loss curves to this PNG")
    parser.add_argument("--sample-chars", type=int, default=400, help="characters to write at the end")
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-k", type=int, default=10, help="sample among the k likeliest characters (0: all)")
    parser.add_argument("--prompt", default="\n", help="text to start the sample with")
    args = parser.parse_args(argv)
    if args.resume and args.checkpoint is None:
        parser.error("--resume needs --checkpoint PATH")
    if args.model == "transformer" and args.width % args.heads:
        parser.error(f"--width {args.width} must be a multiple of --heads {args.heads}")
    return args


# ----- data -----
class CharData:
    """The text as integer ids (one per distinct character), split 90% / 10% into train / validation."""

    def __init__(self, text: str) -> None:
        self.chars = sorted(set(text))
        self.index = {char: i for i, char in enumerate(self.chars)}
        ids = np.array([self.index[char] for char in text], dtype=np.int64)
        split = int(0.9 * len(ids))
        self.train, self.val = ids[:split], ids[split:]

    def encode(self, text: str) -> list[int]:
        return [self.index[char] for char in text if char in self.index]

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[i] for i in ids)


def get_batch(ids: np.ndarray, batch_size: int, block_size: int, rng: np.random.Generator) -> tuple:
    """``batch_size`` random windows: inputs x = ids[s : s+T], targets y = ids[s+1 : s+T+1]."""
    starts = rng.integers(0, len(ids) - block_size - 1, size=batch_size)
    windows = ids[starts[:, None] + np.arange(block_size + 1)]
    return (torch.from_numpy(np.ascontiguousarray(windows[:, :-1])),
            torch.from_numpy(np.ascontiguousarray(windows[:, 1:])))


# ----- models -----
class LSTMModel(nn.Module):
    """Embedding → stacked LSTM → a linear layer to one score per character."""

    def __init__(self, vocab_size: int, width: int, layers: int, dropout: float) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 64)
        self.lstm = nn.LSTM(64, width, layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.head = nn.Linear(width, vocab_size)

    def forward(self, idx: torch.Tensor, state: Any = None) -> tuple:
        out, state = self.lstm(self.embedding(idx), state)
        return self.head(out), state


class CausalSelfAttention(nn.Module):
    """Each position attends to itself and the positions before it, with ``heads`` heads."""

    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.heads, self.dropout = heads, dropout
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, steps, width = x.shape
        q, k, v = (t.reshape(batch, steps, self.heads, width // self.heads).transpose(1, 2)
                   for t in self.qkv(x).split(width, dim=2))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0)
        return self.resid_dropout(self.proj(y.transpose(1, 2).reshape(batch, steps, width)))


class Block(nn.Module):
    """Pre-norm transformer block: x + attention(LN(x)), then x + MLP(LN(x)) (GELU in GPT-2's tanh form)."""

    def __init__(self, width: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = CausalSelfAttention(width, heads, dropout)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"), nn.Linear(4 * width, width),
                                 nn.Dropout(dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token + position embeddings → blocks → LayerNorm → scores per character (a tiny GPT-2)."""

    def __init__(self, vocab_size: int, block_size: int, width: int, layers: int, heads: int,
                 dropout: float) -> None:
        super().__init__()
        self.block_size = block_size
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.position_embedding = nn.Embedding(block_size, width)
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(width, heads, dropout) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab_size, bias=False)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx: torch.Tensor, state: Any = None) -> tuple:
        positions = torch.arange(idx.shape[1], device=idx.device)
        x = self.drop(self.token_embedding(idx) + self.position_embedding(positions))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_f(x)), None


def build_model(args: argparse.Namespace, vocab_size: int) -> nn.Module:
    if args.model == "lstm":
        return LSTMModel(vocab_size, args.width, args.layers, args.dropout)
    return GPT(vocab_size, args.block_size, args.width, args.layers, args.heads, args.dropout)


# ----- training -----
def make_optimizer(model: nn.Module, args: argparse.Namespace) -> optim.Optimizer:
    """AdamW with weight decay on the weight matrices only (not on biases, LayerNorm gains or embeddings)."""
    matrices = [p for name, p in model.named_parameters() if p.dim() >= 2 and "embedding" not in name]
    others = [p for name, p in model.named_parameters() if not (p.dim() >= 2 and "embedding" not in name)]
    groups = [{"params": matrices, "weight_decay": args.weight_decay}, {"params": others, "weight_decay": 0.0}]
    return optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.99))


def learning_rate(step: int, args: argparse.Namespace) -> float:
    """Linear warm-up to --lr, then a cosine down to --lr / 10 at the last step."""
    total = args.epochs * args.steps_per_epoch
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    progress = min(1.0, (step - args.warmup) / max(1, total - args.warmup))
    return args.lr * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress)))


def train_step(model: nn.Module, optimizer: optim.Optimizer, x: torch.Tensor, y: torch.Tensor, lr: float,
               clip: float) -> float:
    """One AdamW step on one batch; returns the batch's loss."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    logits, _ = model(x)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.item()


def validation_loss(model: nn.Module, data: CharData, args: argparse.Namespace) -> float:
    """Mean loss on --val-batches fixed validation batches (the same ones every epoch)."""
    model.eval()
    rng = np.random.default_rng(10_000 + args.seed)
    losses = []
    with torch.no_grad():
        for _ in range(args.val_batches):
            x, y = get_batch(data.val, args.batch_size, args.block_size, rng)
            logits, _ = model(x)
            losses.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item())
    model.train()
    return float(np.mean(losses))


@torch.no_grad()
def sample(model: nn.Module, data: CharData, args: argparse.Namespace, length: int) -> str:
    """Write ``length`` characters after --prompt: each drawn from softmax(scores / temperature),
    among the --top-k likeliest only. The LSTM carries its state along; the GPT rereads its last
    block_size characters."""
    model.eval()
    ids = data.encode(args.prompt) or [0]
    context, state = torch.tensor([ids]), None
    for _ in range(length):
        if args.model == "transformer":
            logits, _ = model(context[:, -args.block_size:])
        else:
            logits, state = model(context if state is None else context[:, -1:], state)
        logits = logits[:, -1, :] / args.temperature
        if args.top_k:
            kth = torch.topk(logits, min(args.top_k, logits.shape[-1])).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        next_id = torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)
        context = torch.cat([context, next_id], dim=1)
    return data.decode(context[0].tolist())


def train_epoch(model: nn.Module, optimizer: optim.Optimizer, data: CharData, args: argparse.Namespace,
                epoch: int) -> dict[str, Any]:
    """--steps-per-epoch steps on random training windows; the losses and the speed."""
    model.train()
    rng = np.random.default_rng(epoch_seed(args.seed, epoch))  # this epoch's batches, the same on every rerun
    first_step = (epoch - 1) * args.steps_per_epoch
    steps = range(first_step, first_step + args.steps_per_epoch)
    progress = tqdm(steps, desc=f"epoch {epoch}/{args.epochs}", leave=False, disable=None) if tqdm else steps
    losses, start = [], time.perf_counter()
    for step in progress:
        x, y = get_batch(data.train, args.batch_size, args.block_size, rng)
        losses.append(train_step(model, optimizer, x, y, learning_rate(step, args), args.clip))
        if tqdm:
            progress.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
    seconds = time.perf_counter() - start
    return {"train_loss": float(np.mean(losses)), "batch_losses": losses, "seconds": seconds,
            "chars_per_s": args.steps_per_epoch * args.batch_size * args.block_size / seconds}


def epoch_seed(seed: int, epoch: int) -> int:
    return seed * 10_000 + epoch


# ----- checkpoints and curves -----
def save_checkpoint(path: Path, model: nn.Module, optimizer: optim.Optimizer, epoch: int, history: list,
                    args: argparse.Namespace) -> None:
    """Model, optimizer (AdamW's moments), the epoch and the history; torch.save writes atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = {name: getattr(args, name) for name in RUN_SETTINGS}
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch,
                "history": history, "settings": settings}, path)


def resume(path: Path, model: nn.Module, optimizer: optim.Optimizer, args: argparse.Namespace) -> tuple[int, list]:
    if not path.exists():
        print(f"no checkpoint at {path} yet: starting from scratch")
        return 0, []
    try:
        checkpoint = torch.load(path)
    except (ValueError, RuntimeError) as error:
        raise SystemExit(f"error: cannot resume: {error}") from None
    changed = [f"--{name.replace('_', '-')} {checkpoint['settings'][name]} (now {getattr(args, name)})"
               for name in RUN_SETTINGS if checkpoint["settings"][name] != getattr(args, name)]
    if changed:
        raise SystemExit(f"error: {path} was made with other settings: {', '.join(changed)}")
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    print(f"resumed from {path} after epoch {checkpoint['epoch']}")
    return checkpoint["epoch"], checkpoint["history"]


def plot_history(history: list[dict[str, Any]], path: Path, steps_per_epoch: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    losses = [loss for record in history for loss in record["batch_losses"]]
    ax.plot(np.arange(1, len(losses) + 1), losses, color="tab:blue", alpha=0.4, linewidth=0.8, label="training batch")
    ends = [record["epoch"] * steps_per_epoch for record in history]
    ax.plot(ends, [r["val_loss"] for r in history], "s-", color="tab:orange", label="validation")
    ax.set(xlabel="step", ylabel="cross-entropy (nats per character)", title="character-level language model")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    data = CharData(args.text.read_text(encoding="utf-8"))
    torch.manual_seed(args.seed)  # the initial weights
    model = build_model(args, len(data.chars))
    optimizer = make_optimizer(model, args)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{args.text.name}: {len(data.train):,} training and {len(data.val):,} validation characters, "
          f"{len(data.chars)} distinct")
    print(f"model {args.model} ({parameters:,} parameters); AdamW peak lr {args.lr}, {args.warmup} warm-up steps, "
          f"cosine decay; batch {args.batch_size} x {args.block_size} characters; seed {args.seed}")
    done, history = resume(args.checkpoint, model, optimizer, args) if args.resume else (0, [])
    for record in history:
        print(epoch_line(record, args.epochs))
    for epoch in range(done + 1, min(args.epochs, args.stop_after or args.epochs) + 1):
        torch.manual_seed(epoch_seed(args.seed, epoch))  # this epoch's dropout masks
        record = {"epoch": epoch, **train_epoch(model, optimizer, data, args, epoch)}
        record["val_loss"] = validation_loss(model, data, args)
        history.append(record)
        print(epoch_line(record, args.epochs), flush=True)
        if args.checkpoint is not None:
            save_checkpoint(args.checkpoint, model, optimizer, epoch, history, args)
    if args.plot is not None and history:
        plot_history(history, args.plot, args.steps_per_epoch)
        print(f"curves written to {args.plot}")
    if args.sample_chars > 0:
        torch.manual_seed(args.seed)
        print(f"--- sample (temperature {args.temperature}, top-k {args.top_k}) ---")
        print(sample(model, data, args, args.sample_chars))
    if history:
        print(f"validation loss: {history[-1]['val_loss']:.4f}")


def epoch_line(record: dict[str, Any], epochs: int) -> str:
    return (f"epoch {record['epoch']}/{epochs}: train loss {record['train_loss']:.4f}, validation loss "
            f"{record['val_loss']:.4f}, {record['seconds']:.1f} s ({record['chars_per_s']:.0f} characters/s)")


if __name__ == "__main__":
    main()

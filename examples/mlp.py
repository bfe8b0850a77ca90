"""A small MLP learns to separate two interleaved spirals, which no straight line can.

The data is made with NumPy: two classes of 2-D points winding around the origin.
A linear model gets barely more than half of them right; two hidden layers of 64 ReLU units
get nearly all of them.

Run: python examples/mlp.py
"""
import numpy as np

import minitorch as torch
import minitorch.nn as nn
import minitorch.optim as optim


def two_spirals(n_per_class: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points (2 * n_per_class, 2) and labels 0/1: spiral 1 is spiral 0 turned by 180 degrees."""
    turns = np.sqrt(rng.uniform(0, 1, n_per_class)) * 3 * np.pi  # up to 1.5 turns
    arm = np.stack([turns * np.cos(turns), turns * np.sin(turns)], axis=1) / (3 * np.pi)
    points = np.concatenate([arm, -arm]) + noise * rng.standard_normal((2 * n_per_class, 2))
    labels = np.repeat([0, 1], n_per_class)
    return points.astype(np.float32), labels.astype(np.int64)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


torch.manual_seed(0)
rng = np.random.default_rng(0)
x_train, y_train = map(torch.from_numpy, two_spirals(500, 0.02, rng))
x_test, y_test = map(torch.from_numpy, two_spirals(500, 0.02, rng))

model = nn.Sequential(
    nn.Linear(2, 64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, 2),  # one score (logit) per class
)
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)

for epoch in range(1, 301):  # full-batch: every step sees all 1000 training points
    optimizer.zero_grad()
    loss = criterion(model(x_train), y_train)
    loss.backward()
    optimizer.step()
    if epoch % 50 == 0:
        print(f"epoch {epoch:3d}  loss {loss.item():.4f}  train accuracy {accuracy(model, x_train, y_train):.1%}")

linear = nn.Linear(2, 2)  # the best a straight line can do, for comparison
linear_optimizer = optim.Adam(linear.parameters(), lr=0.05)
for _ in range(300):
    linear_optimizer.zero_grad()
    criterion(linear(x_train), y_train).backward()
    linear_optimizer.step()
print(f"test accuracy: MLP {accuracy(model, x_test, y_test):.1%}, linear model {accuracy(linear, x_test, y_test):.1%}")

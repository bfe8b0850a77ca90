"""Fit a plane y = 3*x1 - 2*x2 + 0.5 (plus noise) by gradient descent, twice:

1. by hand: raw tensors, loss.backward(), and updates inside torch.no_grad();
2. the way real code does it: nn.Linear, nn.MSELoss and optim.SGD.

Run: python examples/linear_regression.py
"""
import minitorch as torch
import minitorch.nn as nn
import minitorch.optim as optim

torch.manual_seed(0)
TRUE_W, TRUE_B = [3.0, -2.0], 0.5
x = torch.randn(200, 2)  # 200 points, 2 features
y = x @ torch.tensor(TRUE_W) + TRUE_B + 0.1 * torch.randn(200)
y = y.reshape(-1, 1)  # (200, 1): one target per row

# --- 1. By hand --------------------------------------------------------------------------
w = torch.zeros(2, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1
for step in range(100):
    loss = ((x @ w + b - y) ** 2).mean()
    loss.backward()  # fills w.grad and b.grad
    with torch.no_grad():  # the update itself must not become part of the graph
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad = None  # gradients accumulate: clear them before the next backward
    b.grad = None
    if step % 25 == 0:
        print(f"by hand  step {step:3d}  loss {loss.item():.4f}")
print(f"by hand  w = {[round(v, 3) for v in w.flatten().tolist()]}, b = {b.item():.3f}\n")

# --- 2. With nn and optim ----------------------------------------------------------------
model = nn.Linear(2, 1)  # holds w (model.weight, shape (1, 2)) and b (model.bias)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)
for step in range(100):
    optimizer.zero_grad()  # the two "grad = None" lines above
    loss = criterion(model(x), y)
    loss.backward()
    optimizer.step()  # the two "-= lr * grad" lines above
    if step % 25 == 0:
        print(f"nn.Linear step {step:3d}  loss {loss.item():.4f}")
weight, bias = model.weight.flatten().tolist(), model.bias.item()
print(f"nn.Linear w = {[round(v, 3) for v in weight]}, b = {bias:.3f}")
print(f"true      w = {TRUE_W}, b = {TRUE_B}")

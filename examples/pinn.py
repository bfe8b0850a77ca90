"""A physics-informed network: a small MLP u(x) learns to solve u'' = f on [0, 1] with u(0) = u(1) = 0.

No solution values are given to the network. Its loss says only how badly u breaks the equation
at some collocation points, plus how far it is from the boundary values:

    loss = mean over x of (u''(x) - f(x))²  +  u(0)² + u(1)²

u'' is taken from the network by autograd, twice: ``du = grad(u, x, create_graph=True)`` keeps
the derivative's own graph, so ``grad(du, x, create_graph=True)`` can differentiate it again, and
that graph is kept too, because the optimiser needs the gradient of the loss (which contains u'')
with respect to the weights: a third differentiation through the network.

With f(x) = -π² sin(πx) the exact solution is u(x) = sin(πx), so we can see how close it gets.

Change the first line to ``import torch`` and the script runs on PyTorch.

Run: python examples/pinn.py
"""
import math

import minitorch as torch
import minitorch.nn as nn


def f(x):
    return -(math.pi ** 2) * torch.sin(math.pi * x)


def second_derivative(u, x):
    """u''(x) for a batch of independent points: each u[i] depends only on x[i], so the gradient
    of the sum gives every point's derivative at once."""
    (du,) = torch.autograd.grad(u.sum(), x, create_graph=True)
    (d2u,) = torch.autograd.grad(du.sum(), x, create_graph=True)
    return d2u


torch.manual_seed(0)
net = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 1)).double()
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
x = torch.linspace(0, 1, 32, dtype=torch.float64).reshape(-1, 1).requires_grad_()  # collocation points
ends = torch.tensor([[0.0], [1.0]], dtype=torch.float64)

for step in range(1, 501):
    optimizer.zero_grad()
    residual = second_derivative(net(x), x) - f(x)  # how badly u breaks u'' = f at each point
    boundary = net(ends)  # should be 0 at both ends
    loss = (residual ** 2).mean() + (boundary ** 2).mean()
    loss.backward()
    optimizer.step()
    if step % 100 == 0:
        print(f"step {step:4d}  loss {loss.item():.2e}  (equation {(residual ** 2).mean().item():.2e}, "
              f"boundary {(boundary ** 2).mean().item():.2e})")

grid = torch.linspace(0, 1, 101, dtype=torch.float64).reshape(-1, 1)
with torch.no_grad():
    error = (net(grid) - torch.sin(math.pi * grid)).abs().max().item()
print(f"largest error against the exact solution sin(pi x) on [0, 1]: {error:.4f}")

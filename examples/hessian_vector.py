"""Hessian-vector products on a small MLP, checked against the explicit Hessian.

The Hessian H of a loss with respect to n parameters is an n×n matrix: n backward passes to build,
n² numbers to store. Most uses only need products H·v (Newton-CG, curvature along a direction,
the sharpness of a minimum), and those cost just two backward passes (Pearlmutter's trick):

    g = ∂loss/∂θ                 backward 1, with create_graph=True so g keeps its graph
    H·v = ∂(g·v)/∂θ              backward 2: the gradient of the scalar g·v

This script trains a 2-8-1 tanh network briefly, then

1. builds the explicit 33×33 Hessian with ``torch.autograd.functional.hessian``,
2. computes H·v with the two-backward trick and checks it against H @ v,
3. finds the largest curvature (top eigenvalue of H) by power iteration using only H·v
   products, and checks it against NumPy's eigenvalues of the explicit H.

Change the first line to ``import torch`` and the script runs on PyTorch.

Run: python examples/hessian_vector.py
"""
import numpy as np

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F

torch.manual_seed(0)
x = torch.rand(64, 2, dtype=torch.float64) * 4 - 2
y = (torch.sin(x[:, :1]) + 0.5 * x[:, 1:] ** 2)  # a smooth target, shape (64, 1)

model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1)).double()
optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
for _ in range(300):
    optimizer.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
print(f"trained for 300 steps: loss {loss.item():.4f}")

params = list(model.parameters())
shapes = [p.shape for p in params]
sizes = [p.numel() for p in params]


def loss_of(theta):
    """The loss as a function of one flat parameter vector (what the explicit Hessian needs)."""
    w1, b1, w2, b2 = (piece.reshape(shape) for piece, shape in zip(theta.split(sizes), shapes))
    out = F.linear(torch.tanh(F.linear(x, w1, b1)), w2, b2)
    return ((out - y) ** 2).mean()


def hessian_vector_product(vector):
    """H·v for the model's own parameters: two backward passes, no n×n matrix anywhere."""
    loss = ((model(x) - y) ** 2).mean()
    grads = torch.autograd.grad(loss, params, create_graph=True)  # g, with a graph of its own
    pieces = vector.split(sizes)
    g_dot_v = sum((g * piece.reshape(g.shape)).sum() for g, piece in zip(grads, pieces))
    return torch.cat([h.reshape(-1) for h in torch.autograd.grad(g_dot_v, params)])


theta = torch.cat([p.detach().reshape(-1) for p in params])
hessian = torch.autograd.functional.hessian(loss_of, theta)  # 33 backward passes of the gradient
n = theta.numel()
print(f"explicit Hessian: {tuple(hessian.shape)}, symmetric to {(hessian - hessian.T).abs().max().item():.1e}")

v = torch.randn(n, dtype=torch.float64)
difference = (hessian_vector_product(v) - hessian @ v).abs().max().item()
print(f"H·v by two backward passes vs H @ v: largest difference {difference:.1e}")
_, packaged = torch.autograd.functional.vhp(loss_of, theta, v)  # vᵀ·H, the same as H·v since H is symmetric
print(f"torch.autograd.functional.vhp vs H @ v: largest difference {(packaged - hessian @ v).abs().max().item():.1e}")

# Power iteration: v ← H·v / |H·v| converges to the eigenvector of the largest |eigenvalue|.
v = torch.ones(n, dtype=torch.float64)
for _ in range(100):
    hv = hessian_vector_product(v)
    top = (v * hv).sum().item()  # the Rayleigh quotient vᵀHv (|v| = 1 after the first step)
    v = hv / hv.norm()
exact = np.linalg.eigvalsh(hessian.numpy())
largest = exact[np.abs(exact).argmax()]
print(f"largest curvature by power iteration: {top:.6f}; from the eigenvalues of H: {largest:.6f}")

"""Newton's method on a 1-D function, with both derivatives from autograd (double backprop).

To minimise f, Newton's method jumps to the bottom of the parabola that matches f's slope and
curvature at the current point: x ← x - f'(x) / f''(x). Autograd gives f'(x); with
``create_graph=True`` that derivative is itself recorded as a graph, so a second call to
``autograd.grad`` differentiates it once more and gives f''(x). No derivative is worked out by hand.

The function here is f(x) = e^x - 2x, whose minimum is at x = ln 2 (where f'(x) = e^x - 2 = 0).
Newton's method roughly doubles the number of correct digits at every step; gradient descent from
the same start needs dozens of steps for the same accuracy.

Change the first line to ``import torch`` and the script runs on PyTorch with the same output.

Run: python examples/newton.py
"""
import math

import minitorch as torch

TARGET = math.log(2)


def f(x):
    return torch.exp(x) - 2 * x


def slope_and_curvature(x):
    """f'(x) and f''(x): the first derivative recorded (create_graph), then differentiated again."""
    (slope,) = torch.autograd.grad(f(x), x, create_graph=True)  # f'(x), a tensor with a grad_fn
    (curvature,) = torch.autograd.grad(slope, x)  # d f'(x) / dx = f''(x)
    return slope.detach(), curvature


x = torch.tensor(2.5, dtype=torch.float64, requires_grad=True)
print(f"Newton's method on f(x) = exp(x) - 2x, from x = {x.item()}:")
for step in range(1, 7):
    slope, curvature = slope_and_curvature(x)
    with torch.no_grad():  # the update is not part of any graph
        x -= slope / curvature
    print(f"step {step}  x = {x.item():.15f}  error {abs(x.item() - TARGET):.1e}"
          f"  (f' = {slope.item():+.2e}, f'' = {curvature.item():.4f})")

# The same minimum by gradient descent: only f', a fixed step size, many more steps.
y = torch.tensor(2.5, dtype=torch.float64, requires_grad=True)
steps = 0
while abs(y.item() - TARGET) > 1e-12:
    (slope,) = torch.autograd.grad(f(y), y)
    with torch.no_grad():
        y -= 0.3 * slope
    steps += 1
print(f"gradient descent (step size 0.3) needs {steps} steps for an error below 1e-12")
slope, curvature = slope_and_curvature(x)
print(f"minimum at x = {x.item():.12f}, ln 2 = {TARGET:.12f}; there f'(x) = {slope.item():.1e} "
      f"and f''(x) = {curvature.item():.6f} (= e^x = 2)")

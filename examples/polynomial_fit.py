"""Fit a cubic to sin(x) three ways, as PyTorch's "Learning PyTorch with Examples" does.

1. ``by_hand``: tensors only; the gradients of the squared error are derived on paper.
2. ``with_autograd``: the same fit, but ``loss.backward()`` finds the gradients.
3. ``with_a_function``: the cubic is written as a Legendre polynomial P3(a + b·x) whose P3 is a
   custom ``autograd.Function`` (forward and backward written by us).

Each prints its loss every 500 steps and the polynomial it found. Change the first line to
``import torch`` and the script runs on PyTorch (tests/examples/test_tutorial_scripts.py checks that
both give the same numbers).

    python examples/polynomial_fit.py
"""
import math

import minitorch as torch

dtype = torch.float
STEPS = 2000


def samples() -> tuple:
    """2000 points of y = sin(x) on [-π, π]."""
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    return x, torch.sin(x)


def by_hand(learning_rate: float = 1e-6) -> list:
    """y ≈ a + b x + c x² + d x³, gradient descent with gradients derived on paper."""
    x, y = samples()
    a, b, c, d = (torch.tensor(value, dtype=dtype) for value in (0.1, -0.2, 0.3, -0.05))
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum().item()
        if t % 500 == 499:
            print(t, round(loss, 3))
        grad_y_pred = 2.0 * (y_pred - y)  # d loss / d y_pred, then the chain rule for each coefficient
        a -= learning_rate * grad_y_pred.sum()
        b -= learning_rate * (grad_y_pred * x).sum()
        c -= learning_rate * (grad_y_pred * x ** 2).sum()
        d -= learning_rate * (grad_y_pred * x ** 3).sum()
    print(f"by hand: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")
    return [a.item(), b.item(), c.item(), d.item()]


def with_autograd(learning_rate: float = 1e-6) -> list:
    """The same fit; autograd computes the four gradients."""
    x, y = samples()
    a, b, c, d = (torch.tensor(value, dtype=dtype, requires_grad=True) for value in (0.1, -0.2, 0.3, -0.05))
    for t in range(STEPS):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 500 == 499:
            print(t, round(loss.item(), 3))
        loss.backward()
        with torch.no_grad():  # the update itself must not be recorded
            for coefficient in (a, b, c, d):
                coefficient -= learning_rate * coefficient.grad
                coefficient.grad = None
    print(f"autograd: y = {a.item():.4f} + {b.item():.4f} x + {c.item():.4f} x^2 + {d.item():.4f} x^3")
    return [a.item(), b.item(), c.item(), d.item()]


class LegendrePolynomial3(torch.autograd.Function):
    """P3(z) = ½(5z³ − 3z), with its derivative P3'(z) = 1.5(5z² − 1) written by hand."""

    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return 0.5 * (5 * z ** 3 - 3 * z)

    @staticmethod
    def backward(ctx, grad_output):
        (z,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * z ** 2 - 1)


def with_a_function(learning_rate: float = 5e-6) -> list:
    """y ≈ a + b·P3(c + d x), with P3 the custom Function above."""
    x, y = samples()
    a, b, c, d = (torch.tensor(value, dtype=dtype, requires_grad=True) for value in (0.0, -1.0, 0.0, 0.3))
    for t in range(STEPS):
        y_pred = a + b * LegendrePolynomial3.apply(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        if t % 500 == 499:
            print(t, round(loss.item(), 3))
        loss.backward()
        with torch.no_grad():
            for coefficient in (a, b, c, d):
                coefficient -= learning_rate * coefficient.grad
                coefficient.grad = None
    print(f"Function: y = {a.item():.4f} + {b.item():.4f} * P3({c.item():.4f} + {d.item():.4f} x)")
    return [a.item(), b.item(), c.item(), d.item()]


if __name__ == "__main__":
    by_hand()
    with_autograd()
    with_a_function()

"""WGAN-GP's critic step: a conv net trained with a penalty on its input gradient (double backprop).

A Wasserstein GAN's critic scores images: high for real ones, low for generated ones, and the gap
between the average scores estimates how far apart the two distributions are. That estimate is
only meaningful if the critic is 1-Lipschitz: its gradient with respect to the *input image* has
norm at most 1. WGAN-GP (Gulrajani et al., 2017) asks for it softly, with a penalty on images
``x̂`` mixed between a real and a generated one::

    penalty = mean over x̂ of (‖∂ critic(x̂) / ∂x̂‖ - 1)²

That gradient must itself be differentiated, with respect to the critic's weights, to train them:
``autograd.grad(..., create_graph=True)`` records the backward pass through the convolutions,
activations and pooling so that ``loss.backward()`` can run through it (double backprop).

The data: 8×8 images with one bright bar on a dark background, vertical for the "real" images and
horizontal for the "generated" ones (a stand-in for a generator's samples). The critic is trained
twice. With the penalty the gradient norms stay near 1 and the estimate approaches the true
distance: every vertical-bar image differs from every horizontal-bar one by 2 in 14 pixels, a
distance of √(14·2²) ≈ 7.48. Without it the critic just makes its scores, and its gradients, ever
larger, and the "estimate" grows without bound.

Change the first lines to ``import torch`` / ``torch.nn`` and the script runs on PyTorch.

Run: python examples/gradient_penalty.py
"""
import numpy as np

import minitorch as torch
import minitorch.nn as nn

SIZE, PENALTY_WEIGHT = 8, 10.0


def bar_images(count: int, rng: np.random.Generator, vertical: bool) -> "torch.Tensor":
    """(count, 1, 8, 8) images in [-1, 1], a little noisy: one bright bar each, at a random place."""
    images = np.full((count, 1, SIZE, SIZE), -1.0, dtype=np.float32)
    where = rng.integers(0, SIZE, count)
    if vertical:
        images[np.arange(count), 0, :, where] = 1.0
    else:
        images[np.arange(count), 0, where, :] = 1.0
    return torch.from_numpy(images + 0.05 * rng.standard_normal(images.shape).astype(np.float32))


def make_critic() -> nn.Module:
    """Image → one score. No batch norm: the penalty is per image, and batch norm mixes images."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2),  # 8×8 → 4×4
        nn.Conv2d(8, 16, 3, padding=1), nn.LeakyReLU(0.2), nn.AvgPool2d(2),  # 4×4 → 2×2
        nn.Flatten(), nn.Linear(16 * 2 * 2, 1),
    )


def gradient_penalty(critic: nn.Module, real: "torch.Tensor", fake: "torch.Tensor",
                     alpha: "torch.Tensor") -> tuple:
    """(penalty, the gradient norm at each mixed image). ``alpha`` (count, 1, 1, 1) in [0, 1]: where
    on the line from the generated image to the real one each mixed image lies."""
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_()
    scores = critic(mixed)
    # The critic's gradient with respect to its input, recorded (create_graph) so that the penalty
    # built from it can be differentiated with respect to the critic's weights.
    (grads,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    norms = grads.flatten(1).norm(2, dim=1)
    return ((norms - 1) ** 2).mean(), norms


def critic_loss(critic: nn.Module, real: "torch.Tensor", fake: "torch.Tensor", alpha: "torch.Tensor",
                weight: float = PENALTY_WEIGHT) -> tuple:
    """(loss to minimise, Wasserstein estimate, gradient norms at the mixed images)."""
    penalty, norms = gradient_penalty(critic, real, fake, alpha)
    distance = critic(real).mean() - critic(fake).mean()  # the critic wants this large
    return -distance + weight * penalty, distance, norms


def train_critic(weight: float, steps: int = 100, batch: int = 32) -> None:
    """Train a fresh critic on real (vertical) against generated (horizontal) bars; report every 25 steps."""
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    critic = make_critic()
    optimizer = torch.optim.Adam(critic.parameters(), lr=5e-3, betas=(0.0, 0.9))  # the paper's betas
    for step in range(1, steps + 1):
        real, fake = bar_images(batch, rng, vertical=True), bar_images(batch, rng, vertical=False)
        loss, distance, norms = critic_loss(critic, real, fake, torch.rand(batch, 1, 1, 1), weight)
        optimizer.zero_grad()
        loss.backward()  # through the penalty's recorded backward pass: double backprop
        optimizer.step()
        if step % 25 == 0:
            print(f"  step {step:3d}  Wasserstein estimate {distance.item():7.3f}  "
                  f"gradient norm at mixed images {norms.mean().item():6.3f} ± {norms.std().item():.3f}")


if __name__ == "__main__":
    print(f"critic with the gradient penalty (weight {PENALTY_WEIGHT:g}):")
    train_critic(PENALTY_WEIGHT)
    print("the same critic without it:")
    train_critic(0.0)

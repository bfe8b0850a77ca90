"""The strong-Wolfe line search of ``LBFGS``: find a step t along d with enough decrease and a
flat enough slope.

Conditions (c₁ = 1e-4, c₂ = 0.9), with φ(t) = f(x + t·d)::

    φ(t) ≤ φ(0) + c₁·t·φ'(0)          (sufficient decrease)
    |φ'(t)| ≤ −c₂·φ'(0)               (curvature: the slope has flattened)

First *bracket* an interval containing such a t by growing t, then *zoom* into it, each trial
step the minimum of the cubic through the two ends' values and slopes. PyTorch's
``_strong_wolfe`` (after Nocedal & Wright, Algorithms 3.5 and 3.6), step by step.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import numpy as np


def cubic_minimum(x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any,
                  bounds: Optional[Tuple[Any, Any]] = None) -> Any:
    """The minimiser of the cubic with values f and slopes g at x1 and x2, clipped to ``bounds``."""
    low, high = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        position = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        position = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(position, low), high)


def strong_wolfe(obj_func: Callable[[Any, Any, Any], tuple], x: Any, t: Any, d: Any, f: float, g: Any, gtd: Any,
                 c1: float = 1e-4, c2: float = 0.9, tolerance_change: float = 1e-9, max_ls: int = 25) -> tuple:
    """(loss, flat gradient, step t, function evaluations) at the step found from x along d."""
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    # ----- bracketing: grow t until an interval must contain a Wolfe point -----
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, values, grads, slopes = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, values, grads, slopes = [t], [f_new], [g_new], [gtd_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, values, grads, slopes = [t_prev, t], [f_prev, f_new], [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        low_step, high_step = t + 0.01 * (t - t_prev), t * 10
        previous = t
        t = cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(low_step, high_step))
        t_prev, f_prev, g_prev, gtd_prev = previous, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, values, grads = [0, t], [f, f_new], [g, g_new]
    # ----- zoom: shrink the bracket around a Wolfe point -----
    insufficient_progress = False
    low, high = (0, 1) if values[0] <= values[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket[0], values[0], slopes[0], bracket[1], values[1], slopes[1])
        # too close to an end of the bracket: move away from it, unless that already failed
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insufficient_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) else min(bracket) + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= values[low]:
            bracket[high], values[high], grads[high], slopes[high] = t, f_new, g_new.copy(), gtd_new
            low, high = (0, 1) if values[0] <= values[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], values[high], grads[high], slopes[high] = (
                    bracket[low], values[low], grads[low], slopes[low])
            bracket[low], values[low], grads[low], slopes[low] = t, f_new, g_new.copy(), gtd_new
    return values[low], grads[low], bracket[low], evals

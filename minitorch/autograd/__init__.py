"""Reverse-mode automatic differentiation: Function, the engine, grad mode, gradcheck."""
from minitorch.autograd.api import backward, grad
from minitorch.autograd.function import ArrayFunction, Function
from minitorch.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minitorch.autograd.gradcheck import GradcheckError, gradcheck
from minitorch.autograd.inference_mode import inference_mode, is_inference_mode_enabled
from minitorch.autograd.variable import Variable

__all__ = ["enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled",
           "Function", "ArrayFunction", "backward", "grad", "gradcheck", "GradcheckError",
           "inference_mode", "is_inference_mode_enabled", "Variable"]

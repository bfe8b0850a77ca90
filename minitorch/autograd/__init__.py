"""Reverse-mode automatic differentiation: Function, the engine, grad mode, gradcheck."""
from minitorch.autograd.api import backward, grad
from minitorch.autograd.function import ArrayFunction, Function
from minitorch.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minitorch.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from minitorch.autograd.inference_mode import inference_mode, is_inference_mode_enabled
from minitorch.autograd.variable import Variable

__all__ = ["enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled",
           "Function", "ArrayFunction", "backward", "grad", "gradcheck", "gradgradcheck", "GradcheckError",
           "inference_mode", "is_inference_mode_enabled", "Variable"]

# ----- instruments: see inside autograd (anomaly mode, saved tensors, float64 shadow) -----
from minitorch.autograd import graph  # noqa: E402  saved_tensors_hooks, save_on_cpu
from minitorch.autograd.anomaly import (  # noqa: E402
    detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly,
)
from minitorch.autograd.saved_memory import layer_scope, saved_memory  # noqa: E402
from minitorch.autograd.shadow import shadow  # noqa: E402

__all__ += ["graph", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled",
            "saved_memory", "layer_scope", "shadow"]

# ----- higher-order gradients: whole-function derivatives -----
from minitorch.autograd import functional  # noqa: E402  jacobian, hessian, vjp, jvp, hvp, vhp
__all__ += ["functional"]

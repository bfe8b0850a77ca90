"""``minitorch.backends``: the switches PyTorch scripts set for its GPU libraries. minitorch runs on
NumPy and CuPy, so there is no MPS and no cuDNN to tune; the flags are accepted and kept."""
from minitorch.backends import cudnn, mps

__all__ = ["cudnn", "mps"]

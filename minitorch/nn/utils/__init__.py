"""Helpers around layers: ``nn.utils.rnn`` packs and pads variable-length sequences."""
from minitorch.nn.utils import rnn  # noqa: F401

"""``nn.utils``: gradient clipping, parameters as one vector, weight parametrizations, packed sequences (``rnn``)."""
from minitorch.nn.utils import parametrizations, parametrize, prune, rnn
from minitorch.nn.utils.clip_grad import (
    clip_grad_norm, clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm,
)
from minitorch.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters
from minitorch.nn.utils.weight_norm import remove_weight_norm, weight_norm

__all__ = [
    "clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "clip_grads_with_norm_", "get_total_norm", "parameters_to_vector",
    "parametrizations", "parametrize", "prune", "rnn", "remove_weight_norm", "vector_to_parameters", "weight_norm",
]

"""Neural-network building blocks: ``Module``, layers, losses, ``functional`` and ``init``.

``import minitorch.nn as nn`` gives the same names as ``torch.nn``: ``nn.Module``,
``nn.Conv2d``, ``nn.CrossEntropyLoss``, ``nn.functional`` (usually imported as ``F``) ...
"""
from minitorch.nn.parameter import Parameter
from minitorch.nn.module import Module
from minitorch.nn import functional, init
from minitorch.nn.containers import ModuleDict, ModuleList, Sequential
from minitorch.nn.modules.activation import LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from minitorch.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from minitorch.nn.modules.conv import Conv2d
from minitorch.nn.modules.dropout import Dropout
from minitorch.nn.modules.flatten import Flatten
from minitorch.nn.modules.linear import Identity, Linear
from minitorch.nn.modules.loss import CrossEntropyLoss, MSELoss, NLLLoss
from minitorch.nn.modules.pooling import AvgPool2d, MaxPool2d
from minitorch.nn.modules.sync_batchnorm import SyncBatchNorm
from minitorch.nn import parallel
from minitorch.nn.parallel import DataParallel

__all__ = [
    "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Conv2d", "CrossEntropyLoss", "DataParallel", "Dropout", "Flatten",
    "Identity", "Linear", "LogSoftmax", "MSELoss", "MaxPool2d", "Module", "ModuleDict", "ModuleList",
    "NLLLoss", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "SyncBatchNorm", "Tanh", "functional", "init",
    "parallel",
]

# ----- nn surface A: activations, layers, normalisation, lazy modules -----
from minitorch.nn.modules.rectifiers import (
    CELU, ELU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, PReLU, ReLU6, RReLU, Softshrink,
    Threshold,
)
from minitorch.nn.modules.smooth_activations import (
    GELU, GLU, LogSigmoid, Mish, SiLU, Softmax2d, Softmin, Softplus, Softsign, Tanhshrink,
)
from minitorch.nn.modules.embedding import Embedding, EmbeddingBag
from minitorch.nn.modules.normalization import GroupNorm, InstanceNorm1d, InstanceNorm2d, LayerNorm, LocalResponseNorm
from minitorch.nn.modules.conv_transpose import Conv1d, ConvTranspose1d, ConvTranspose2d
from minitorch.nn.modules.lazy import (
    LazyBatchNorm1d, LazyBatchNorm2d, LazyConv1d, LazyConv2d, LazyConvTranspose2d, LazyLinear, UninitializedParameter,
)
from minitorch.nn.modules.channel_dropout import AlphaDropout, Dropout1d, Dropout2d
from minitorch.nn.modules.resampling import (
    AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool1d, ChannelShuffle, LPPool2d, MaxPool1d,
    MaxUnpool2d, PixelShuffle, PixelUnshuffle, Upsample,
)
from minitorch.nn.modules.bilinear import Bilinear, Fold, Unflatten, Unfold
from minitorch.nn.modules.padding import (
    ConstantPad1d, ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d, ReplicationPad2d, ZeroPad2d,
)

__all__ += [
    "Bilinear", "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d",
    "ReplicationPad2d", "Unflatten", "ZeroPad2d", "Fold", "Unfold",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "AlphaDropout", "AvgPool1d", "ChannelShuffle",
    "Dropout1d", "Dropout2d", "LPPool2d", "MaxPool1d", "MaxUnpool2d", "PixelShuffle", "PixelUnshuffle", "Upsample",
    "Conv1d", "ConvTranspose1d", "ConvTranspose2d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyConv1d", "LazyConv2d",
    "LazyConvTranspose2d", "LazyLinear", "UninitializedParameter",
    "Embedding", "EmbeddingBag", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "LayerNorm", "LocalResponseNorm",
    "CELU", "ELU", "GELU", "GLU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh", "LeakyReLU", "LogSigmoid",
    "Mish", "PReLU", "RReLU", "ReLU6", "SELU", "SiLU", "Softmax2d", "Softmin", "Softplus", "Softshrink",
    "Softsign", "Tanhshrink", "Threshold",
]
# ----- end of nn surface A -----

# ----- nn surface B: losses, distances, containers, utils -----
from minitorch.nn import utils  # noqa: E402
from minitorch.nn.parameter_containers import ParameterDict, ParameterList  # noqa: E402
from minitorch.nn.modules.distance import CosineSimilarity, PairwiseDistance  # noqa: E402
from minitorch.nn.modules.loss_more import (  # noqa: E402
    BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, GaussianNLLLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss,
    L1Loss, MarginRankingLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, PoissonNLLLoss,
    SmoothL1Loss, SoftMarginLoss, TripletMarginLoss,
)

__all__ += [
    "BCELoss", "BCEWithLogitsLoss", "CosineEmbeddingLoss", "CosineSimilarity", "GaussianNLLLoss",
    "HingeEmbeddingLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MarginRankingLoss", "MultiLabelMarginLoss",
    "MultiLabelSoftMarginLoss", "MultiMarginLoss", "PairwiseDistance", "ParameterDict", "ParameterList", "PoissonNLLLoss", "SmoothL1Loss",
    "SoftMarginLoss", "TripletMarginLoss", "utils",
]
# ----- end nn surface B -----

# ----- sequence models -----
from minitorch.nn.modules.attention import MultiheadAttention  # noqa: E402
from minitorch.nn.modules.rnn import GRU, LSTM, RNN, RNNBase  # noqa: E402
from minitorch.nn.modules.rnn_cell import GRUCell, LSTMCell, RNNCell, RNNCellBase  # noqa: E402
from minitorch.nn.modules.transformer import (  # noqa: E402
    Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
)

__all__ += [
    "GRU", "GRUCell", "LSTM", "LSTMCell", "MultiheadAttention", "RNN", "RNNBase", "RNNCell", "RNNCellBase",
    "Transformer", "TransformerDecoder", "TransformerDecoderLayer", "TransformerEncoder", "TransformerEncoderLayer",
    "utils",
]

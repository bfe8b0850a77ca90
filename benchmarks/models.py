"""The benchmark models, written once against a library's `nn` and `F` modules.

`lenet` and `net2` are two-stage CNNs; `resnet` is a small ResNet (BatchNorm, residual additions,
a strided 1x1 shortcut, global adaptive average pooling) that exercises what those two do not.

`build("lenet", torch.nn, torch.nn.functional)` and
`build("lenet", minitorch.nn, minitorch.nn.functional)` run the very same code, so
a speed difference comes from the library, never from the model definitions.

The CNNs see 3x32x32 images; two character-level language models (`SEQUENCE_MODELS`) see
sequences of SEQ_LEN token ids from a VOCAB-token alphabet and predict the next token at every
position, as `examples/char_lm.py` does.
"""

from __future__ import annotations

from typing import Any

# name -> (conv channels, kernel size, padding); both see 3x32x32 images
MODELS: dict[str, tuple[tuple[int, int], int, int]] = {
    "lenet": ((6, 16), 5, 0),  # the PyTorch CIFAR-10 tutorial CNN, flatten 400
    "net2": ((16, 32), 3, 1),  # 3x3 convolutions with padding 1, flatten 2048
    "resnet": ((16, 32), 3, 1),  # stem 16 channels, residual stages of 16 and 32 (see build_resnet)
}
IMAGE = 32
CLASSES = 10
SEQUENCE_MODELS = ("lstm", "transformer")
SEQ_LEN = 64
VOCAB = 65
WIDTH = 128  # LSTM hidden size / transformer embedding width, 2 layers each


def flat_features(channels: tuple[int, int], kernel: int, padding: int) -> int:
    """Features after two (conv, 2x2 max-pool) stages on an IMAGE x IMAGE input."""
    side = IMAGE
    for _ in range(2):
        side = (side + 2 * padding - kernel + 1) // 2
    return channels[1] * side * side


def build(name: str, nn: Any, F: Any) -> Any:
    """A fresh `name` model: a CNN (`MODELS`, the ResNet among them) or a character-level language
    model (`SEQUENCE_MODELS`)."""
    if name == "lstm":
        return build_lstm(nn)
    if name == "transformer":
        return build_transformer(nn, F)
    if name == "resnet":
        return build_resnet(nn, F)
    return build_cnn(name, nn, F)


def build_cnn(name: str, nn: Any, F: Any) -> Any:
    """(conv, relu, max-pool) x 2, then Linear -> 120 -> 84 -> 10."""
    channels, kernel, padding = MODELS[name]

    class SmallCNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, channels[0], kernel, padding=padding)
            self.conv2 = nn.Conv2d(channels[0], channels[1], kernel, padding=padding)
            self.pool = nn.MaxPool2d(2, 2)
            self.fc1 = nn.Linear(flat_features(channels, kernel, padding), 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, CLASSES)

        def forward(self, x: Any) -> Any:
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.flatten(1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return SmallCNN()


def build_resnet(nn: Any, F: Any) -> Any:
    """3x3 stem (16 channels, BN, ReLU), a residual block at 16 channels (32x32), a strided one at
    32 channels (16x16, 1x1 shortcut), global average pool, Linear -> 10."""

    class Block(nn.Module):
        def __init__(self, cin: int, cout: int, stride: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.shortcut = None
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x: Any) -> Any:
            y = F.relu(self.bn1(self.conv1(x)))
            y = self.bn2(self.conv2(y))
            return F.relu(y + (x if self.shortcut is None else self.shortcut(x)))

    class SmallResNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
            self.stages = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2))
            self.pool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(32, CLASSES)

        def forward(self, x: Any) -> Any:
            return self.fc(self.pool(self.stages(self.stem(x))).flatten(1))

    return SmallResNet()


def build_lstm(nn: Any) -> Any:
    """Embedding(VOCAB, 64) -> 2-layer LSTM(WIDTH) -> Linear(VOCAB): logits of shape (N, SEQ_LEN, VOCAB)."""

    class CharLSTM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, 64)
            self.lstm = nn.LSTM(64, WIDTH, num_layers=2, batch_first=True)
            self.head = nn.Linear(WIDTH, VOCAB)

        def forward(self, idx: Any) -> Any:
            return self.head(self.lstm(self.embedding(idx))[0])

    return CharLSTM()


def build_transformer(nn: Any, F: Any) -> Any:
    """A small GPT: token + position embeddings, 2 pre-norm blocks (4-head causal attention,
    GELU MLP), LayerNorm, Linear(VOCAB); no dropout."""

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
            self.qkv, self.proj = nn.Linear(WIDTH, 3 * WIDTH), nn.Linear(WIDTH, WIDTH)
            self.mlp = nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH), nn.GELU(approximate="tanh"),
                                     nn.Linear(4 * WIDTH, WIDTH))

        def forward(self, x: Any) -> Any:
            n, steps, width = x.shape
            q, k, v = (t.reshape(n, steps, 4, width // 4).transpose(1, 2)
                       for t in self.qkv(self.ln_1(x)).split(width, dim=2))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(n, steps, width)
            x = x + self.proj(y)
            return x + self.mlp(self.ln_2(x))

    class CharGPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.token, self.position = nn.Embedding(VOCAB, WIDTH), nn.Embedding(SEQ_LEN, WIDTH)
            self.blocks = nn.Sequential(Block(), Block())
            self.ln_f, self.head = nn.LayerNorm(WIDTH), nn.Linear(WIDTH, VOCAB, bias=False)

        def forward(self, idx: Any) -> Any:
            x = self.token(idx) + self.position.weight[: idx.shape[1]]
            return self.head(self.ln_f(self.blocks(x)))

    return CharGPT()

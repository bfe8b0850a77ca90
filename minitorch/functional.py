"""``minitorch.functional``: the legacy ``torch.functional`` module, where older code finds
``einsum``, ``tensordot``, ``cdist``, ``split`` and ``norm``. The names point at the ops."""
from minitorch.ops.einsum import einsum  # noqa: F401
from minitorch.ops.matrix_norms import cdist  # noqa: F401
from minitorch.ops.matrix_norms import legacy_norm as norm  # noqa: F401
from minitorch.ops.products import tensordot  # noqa: F401
from minitorch.ops.shape import split  # noqa: F401

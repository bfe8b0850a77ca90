"""``ReduceOp``: how a collective combines the values of the ranks, element by element."""
from __future__ import annotations

import enum


class ReduceOp(enum.Enum):
    """``dist.ReduceOp.SUM`` and friends, as in ``torch.distributed``.

    ``AVG`` is ``SUM`` divided by the number of ranks (floating-point tensors only).
    """

    SUM = "sum"
    AVG = "avg"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"
    BAND = "band"
    BOR = "bor"
    BXOR = "bxor"

    def __repr__(self) -> str:
        return f"<ReduceOp.{self.name}>"

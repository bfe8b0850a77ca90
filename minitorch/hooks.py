"""``RemovableHandle``: what every ``register_*hook`` returns; ``handle.remove()`` takes the hook off."""
from __future__ import annotations

import itertools
from typing import Any, Dict

_next_id = itertools.count()


class RemovableHandle:
    """Adds ``hook`` to the ``hooks`` dict (kept in registration order) and can remove it again."""

    __slots__ = ("hooks", "id")

    def __init__(self, hooks: Dict[int, Any], hook: Any) -> None:
        self.hooks, self.id = hooks, next(_next_id)
        hooks[self.id] = hook

    def remove(self) -> None:
        self.hooks.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()

"""``Work``: the handle of a collective started with ``async_op=True``, and the timeout rule.

A backend starts an operation and returns a ``Work`` that knows two things: how to ask whether
the transfer has finished (``poll``, which never blocks) and what to do once it has (``finish``,
e.g. copy the received values into the tensor). ``wait()`` polls until the operation finishes
or its deadline passes. Waiting with a deadline instead of blocking inside MPI or NCCL is what
turns a dead or hung rank into an error on the others instead of a hang: the group is then
marked broken and every later call on it fails at once.
"""
from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any, Callable, Optional


class DistError(RuntimeError):
    """Base class of the errors raised by ``minitorch.distributed`` (as ``torch.distributed.DistError``)."""


class DistBackendError(DistError):
    """A collective failed or timed out in the backend (MPI or NCCL): a rank died, hung or disagreed."""


# MPI moves a large message along only while someone calls into it (each Test sends the next
# piece), so polling is first tight — yielding the core to other processes between polls — and
# only a collective still unfinished after _SPIN_SECONDS (a peer still computing, or gone) is
# polled with growing sleeps in between, up to _MAX_SLEEP_SECONDS.
_SPIN_SECONDS = 0.05
_MAX_SLEEP_SECONDS = 1e-3


class Work:
    """What an ``async_op=True`` call returns: ``wait()`` for the result, ``is_completed()`` to peek."""

    def __init__(self, group: Any, name: str, poll: Callable[[], bool],
                 finish: Optional[Callable[[], Any]] = None, on_timeout: Optional[Callable[[], None]] = None) -> None:
        self._group, self.name = group, name
        self._poll, self._on_timeout = poll, on_timeout
        self._finish, self._then_steps = finish, []
        self._done = False
        self._result: Any = None

    def is_completed(self) -> bool:
        """True once the operation has finished (this also lets the backend make progress)."""
        if not self._done and self._poll():
            self._complete()
        return self._done

    def is_success(self) -> bool:
        return self._done

    def wait(self, timeout: Optional[timedelta] = None) -> bool:
        """Block until done; raise :class:`DistBackendError` after ``timeout`` (default: the group's)."""
        if self._done:
            return True
        limit = (timeout if timeout is not None else self._group.timeout).total_seconds()
        start = time.monotonic()
        sleep = 0.0
        while not self._poll():
            waited = time.monotonic() - start
            if waited > limit:
                self._timed_out(limit)
            if waited > _SPIN_SECONDS:
                sleep = min(max(2 * sleep, 1e-5), _MAX_SLEEP_SECONDS)
                time.sleep(sleep)
            else:
                os.sched_yield()
        self._complete()
        return True

    def source_rank(self) -> int:
        """For a ``recv`` from any source: the rank that sent the message."""
        self.wait()
        return self._result

    def result(self) -> Any:
        self.wait()
        return self._result

    def then(self, step: Callable[[Any], Any]) -> "Work":
        """Run ``step(result)`` when the operation finishes; its return value becomes the result."""
        if self._done:
            self._result = step(self._result)
        else:
            self._then_steps.append(step)
        return self

    def _complete(self) -> None:
        self._done = True
        if self._finish is not None:
            self._result = self._finish()
        for step in self._then_steps:
            self._result = step(self._result)

    def _timed_out(self, limit: float) -> None:
        if self._on_timeout is not None:
            self._on_timeout()
        self._group.broken = (
            f"{self.name} timed out on rank {self._group.rank} after {limit:g} s"
        )
        raise DistBackendError(
            f"[rank {self._group.rank}] {self.name} timed out after {limit:g} s "
            f"(timeout={timedelta(seconds=limit)}): not every one of the {self._group.size} ranks "
            "joined it. Another rank has probably died, hung, or called a different collective; "
            "its own output says which. This process group can no longer be used."
        )


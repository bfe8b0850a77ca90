"""What the stand-in GPU counted: device→host syncs, host→device copies and kernel launches.

Every event goes into the totals; inside ``with record() as ledger:`` it is also listed with its
call site (the first frame outside the stand-in and NumPy), so a test can say *where* a sync is::

    with record() as ledger:
        train_step()
    assert ledger.syncs == [], ledger.report("sync")
"""
from __future__ import annotations

import collections
import contextlib
import os
import sys
from typing import Iterator, List, Optional

_HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ("sync", "upload", "launch")


class Ledger:
    """Events of one recording: ``(kind, what, site)`` in order."""

    def __init__(self) -> None:
        self.events: List[tuple] = []

    def of(self, kind: str) -> List[tuple]:
        return [(what, site) for k, what, site in self.events if k == kind]

    @property
    def syncs(self) -> List[tuple]:
        return self.of("sync")

    @property
    def uploads(self) -> List[tuple]:
        return self.of("upload")

    @property
    def launches(self) -> List[tuple]:
        return self.of("launch")

    def by_site(self, kind: str) -> collections.Counter:
        return collections.Counter(site for what, site in self.of(kind))

    def report(self, kind: str) -> str:
        lines = [f"{count:5d}  {site}" for site, count in self.by_site(kind).most_common()]
        return f"{len(self.of(kind))} {kind} event(s):\n" + "\n".join(lines) + "\n"


totals = collections.Counter()
_recording: List[Ledger] = []


def count(kind: str, what: str) -> None:
    totals[kind] += 1
    if _recording:
        site = _call_site()
        for ledger in _recording:
            ledger.events.append((kind, what, site))


def _call_site() -> str:
    frame: Optional[object] = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if not name.startswith(_HERE) and f"{os.sep}numpy{os.sep}" not in name:
            return f"{os.path.relpath(name)}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back
    return "?"


@contextlib.contextmanager
def record() -> Iterator[Ledger]:
    ledger = Ledger()
    _recording.append(ledger)
    try:
        yield ledger
    finally:
        _recording.remove(ledger)

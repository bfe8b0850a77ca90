"""A profiler shaped like ``torch.profiler``: where does the time of a training step go?

Inside ``with profile() as prof:`` every op's forward and every node's backward is timed (on a
GPU the device is synchronised around each, so the time is the op's real time), and
``record_function(name)`` marks your own ranges (a layer, "data loading", a whole step)::

    with minitorch.profiler.profile() as prof:
        with minitorch.profiler.record_function("step"):
            loss = criterion(model(x), y)
            loss.backward()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))
    prof.export_chrome_trace("trace.json")    # open in https://ui.perfetto.dev

Forward rows are named by the op (``Conv2d``, ``Add``), backward rows by the node, as
``grad_fn`` prints it (``AddBackward0``), so the two passes sit on separate rows. *Self* time
excludes the ops called from inside (a ``record_function`` range, a user ``Function``).
"""
from __future__ import annotations

import enum
import functools
import json
import threading
import time
from typing import Any, Callable, Optional

from minitorch import cuda
from minitorch.autograd import observers
from minitorch.tensor import Tensor


class ProfilerActivity(enum.Enum):
    CPU = "CPU"
    CUDA = "CUDA"


class FunctionEvent:
    """One timed call: ``name``, ``kind`` (forward, backward, user), start and end in µs."""

    count = 1

    def __init__(self, name: str, kind: str, start_us: float, thread: int, depth: int) -> None:
        self.name, self.kind, self.start_us, self.thread, self.depth = name, kind, start_us, thread, depth
        self.end_us = start_us
        self.children_us = 0.0

    @property
    def cpu_time_total(self) -> float:
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - self.children_us


class FunctionEventAvg:
    """The calls of one name added up: ``count``, ``cpu_time_total``, ``self_cpu_time_total``."""

    def __init__(self, key: str) -> None:
        self.key, self.count, self.cpu_time_total, self.self_cpu_time_total = key, 0, 0.0, 0.0

    @property
    def cpu_time(self) -> float:  # the average, as PyTorch names it
        return self.cpu_time_total / max(self.count, 1)

    def add(self, event: FunctionEvent) -> None:
        self.count += 1
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total


class EventList(list):
    """Events (or their averages) with PyTorch's ``table()``."""

    def table(self, sort_by: Optional[str] = None, row_limit: int = 100, max_name_column_width: int = 55) -> str:
        return build_table(self, sort_by, row_limit, max_name_column_width)

    def __str__(self) -> str:
        return self.table()


class profile(observers.Observer):
    """Time every op (forward and backward) and every ``record_function`` range in a ``with`` block."""

    def __init__(self, activities: Optional[Any] = None, record_shapes: bool = False, **ignored: Any) -> None:
        self._events: list = []
        self._stacks = threading.local()
        self._origin = 0.0
        self._synchronize = cuda.is_available()

    def __enter__(self) -> "profile":
        self._origin = time.perf_counter()
        _ACTIVE.append(self)
        observers.OBSERVERS.append(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        observers.OBSERVERS.remove(self)
        _ACTIVE.remove(self)

    # ----- recording -----
    def forward(self, op: type, args: tuple, run: Callable[[], Any]) -> Any:
        on_gpu = self._synchronize and any(isinstance(a, Tensor) and a.device.type == "cuda" for a in args)
        return self.timed(op.__name__, "forward", run, on_gpu)

    def backward(self, node: Any, grads: list, run: Callable[[], tuple]) -> tuple:
        on_gpu = self._synchronize and any(g is not None and type(g).__module__.startswith("cupy") for g in grads)
        return self.timed(node.name(), "backward", run, on_gpu)

    def timed(self, name: str, kind: str, run: Callable[[], Any], synchronize: bool = False) -> Any:
        """Run ``run()`` as one event, nested inside whatever event is open on this thread."""
        event = self.begin(name, kind, synchronize)
        try:
            return run()
        finally:
            self.end(event, synchronize)

    def begin(self, name: str, kind: str, synchronize: bool = False) -> FunctionEvent:
        stack = self._stack()
        if synchronize:
            cuda.synchronize()
        event = FunctionEvent(name, kind, self._now_us(), threading.get_ident(), len(stack))
        stack.append(event)
        return event

    def end(self, event: FunctionEvent, synchronize: bool = False) -> None:
        if synchronize:
            cuda.synchronize()
        event.end_us = self._now_us()
        stack = self._stack()
        stack.remove(event)
        if stack:
            stack[-1].children_us += event.cpu_time_total
        self._events.append(event)

    def _stack(self) -> list:
        if not hasattr(self._stacks, "events"):
            self._stacks.events = []
        return self._stacks.events

    def _now_us(self) -> float:
        return (time.perf_counter() - self._origin) * 1e6

    # ----- results -----
    def events(self) -> EventList:
        """Every event, in the order they finished."""
        return EventList(self._events)

    def key_averages(self) -> EventList:
        """One row per name: calls and times added up."""
        averages: dict = {}
        for event in self._events:
            averages.setdefault(event.name, FunctionEventAvg(event.name)).add(event)
        return EventList(averages.values())

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as a Chrome trace (JSON), for chrome://tracing or ui.perfetto.dev."""
        threads = {thread: number for number, thread in enumerate(dict.fromkeys(e.thread for e in self._events))}
        trace = [{"name": e.name, "cat": _CATEGORIES[e.kind], "ph": "X", "ts": round(e.start_us, 3),
                  "dur": round(e.cpu_time_total, 3), "pid": 0, "tid": threads[e.thread],
                  "args": {"pass": e.kind}} for e in sorted(self._events, key=lambda e: e.start_us)]
        with open(path, "w") as file:
            json.dump({"traceEvents": trace, "displayTimeUnit": "ms"}, file)


_CATEGORIES = {"forward": "cpu_op", "backward": "cpu_op", "user": "user_annotation"}
_ACTIVE: list = []  # the profilers recording now (record_function reports to each)


class record_function:
    """Mark a range of your code as one named event (a context manager or a decorator).

    Costs nothing when no profiler is recording.
    """

    def __init__(self, name: str, args: Optional[str] = None) -> None:
        self.name = name
        self._open: list = []

    def __enter__(self) -> "record_function":
        self._open = [(profiler, profiler.begin(self.name, "user", profiler._synchronize)) for profiler in _ACTIVE]
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for profiler, event in reversed(self._open):
            profiler.end(event, profiler._synchronize)
        self._open = []

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with record_function(self.name):
                return function(*args, **kwargs)
        return wrapper


SORT_KEYS = ("self_cpu_time_total", "cpu_time_total", "cpu_time", "count")


def build_table(events: list, sort_by: Optional[str], row_limit: int, max_name_column_width: int) -> str:
    """PyTorch's profiler table: Name, Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg, # of Calls."""
    rows = list(events)
    if sort_by is not None:
        if sort_by not in SORT_KEYS:
            raise ValueError(f"sort_by must be one of {SORT_KEYS}, got {sort_by!r}")
        rows.sort(key=lambda e: getattr(e, sort_by, e.cpu_time_total / e.count), reverse=True)
    total_self = sum(e.self_cpu_time_total for e in events) or 1.0
    names = [getattr(e, "key", getattr(e, "name", "")) for e in rows]
    width = min(max([len(n) for n in names] + [4]) + 4, max_name_column_width)
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
    widths = [width] + [12] * 6
    line = "".join("-" * w + "  " for w in widths)

    def format_row(cells: list) -> str:
        return "".join(f"{c:>{w}}  " for c, w in zip(cells, widths))

    out = [line, format_row(headers), line]
    for name, e in list(zip(names, rows))[:row_limit]:
        count = getattr(e, "count", 1)
        name = name if len(name) <= width else name[:width - 3] + "..."
        out.append(format_row([
            name, f"{100 * e.self_cpu_time_total / total_self:.2f}%", _format_time(e.self_cpu_time_total),
            f"{100 * e.cpu_time_total / total_self:.2f}%", _format_time(e.cpu_time_total),
            _format_time(e.cpu_time_total / max(count, 1)), str(count),
        ]))
    out += [line, f"Self CPU time total: {_format_time(sum(e.self_cpu_time_total for e in events))}"]
    return "\n".join(out) + "\n"


def _format_time(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"

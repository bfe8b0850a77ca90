"""The profiler: PyTorch's table, forward and backward rows, self time, user ranges, Chrome traces."""
import json
import re

import pytest

import minitorch
from minitorch import nn
from minitorch.profiler import profile, record_function


def _profiled_step(backend: str = "cpu") -> profile:
    minitorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 2)).to(backend)
    x = minitorch.randn(4, 6, device=backend)
    with profile() as prof:
        with record_function("step"):
            loss = model(x).sum()
            loss.backward()
    return prof


def test_calls_forward_and_backward_rows_and_times(backend: str) -> None:
    prof = _profiled_step(backend)
    rows = {row.key: row for row in prof.key_averages()}
    assert rows["Linear"].count == 2 and rows["Relu"].count == 1 and rows["step"].count == 1
    backward = [key for key in rows if key.startswith("AddmmBackward")]
    assert len(backward) == 1 and rows[backward[0]].count == 2
    step = rows["step"]
    ops = sum(row.cpu_time_total for key, row in rows.items() if key != "step")
    assert step.cpu_time_total >= ops  # the range holds every op
    assert step.self_cpu_time_total == pytest.approx(step.cpu_time_total - ops, abs=1e-6)
    assert all(row.self_cpu_time_total <= row.cpu_time_total + 1e-9 for row in rows.values())


def test_table_has_pytorchs_columns_and_sorts() -> None:
    torch = pytest.importorskip("torch")
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as theirs:
        (torch.ones(3, requires_grad=True) * 2).sum().backward()
    their_header = theirs.key_averages().table(row_limit=1).splitlines()[1]
    ours = _profiled_step().key_averages().table(sort_by="self_cpu_time_total", row_limit=3)
    lines = ours.splitlines()
    assert re.split(r"\s{2,}", lines[1].strip()) == re.split(r"\s{2,}", their_header.strip())
    assert lines[0] == lines[2] and set(lines[0]) == {"-", " "}
    assert lines[-1].startswith("Self CPU time total: ")
    body = lines[3:-2]
    assert len(body) == 3
    self_times = [_microseconds(re.split(r"\s{2,}", line.strip())[2]) for line in body]
    assert self_times == sorted(self_times, reverse=True)


def _microseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]


def test_chrome_trace_loads_as_json(tmp_path) -> None:
    path = tmp_path / "trace.json"
    _profiled_step().export_chrome_trace(str(path))
    events = json.loads(path.read_text())["traceEvents"]
    assert {"step", "Linear", "Relu"} <= {e["name"] for e in events}
    assert all(e["ph"] == "X" and e["dur"] >= 0 and {"ts", "pid", "tid"} <= set(e) for e in events)
    assert {e["args"]["pass"] for e in events} == {"user", "forward", "backward"}


def test_record_function_costs_nothing_outside_a_profiler_and_decorates() -> None:
    @record_function("double")
    def double(x):
        return x * 2

    assert double(minitorch.ones(2)).tolist() == [2.0, 2.0]
    with profile() as prof:
        double(minitorch.ones(2))
    assert [e.name for e in prof.events()] == ["Mul", "double"]


def test_sort_keys() -> None:
    averages = _profiled_step().key_averages()
    by_calls = averages.table(sort_by="count")
    assert by_calls.splitlines()[3].split()[-1] == str(max(row.count for row in averages))
    with pytest.raises(ValueError, match="sort_by must be one of"):
        averages.table(sort_by="cuda_time")

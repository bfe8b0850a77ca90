"""Seeing inside: one short lesson per instrument, on a small classifier.

Run: python examples/seeing_inside.py      (writes seeing_inside_graph.png and trace.json here)

1. summary        what the layers are, what they output, what they cost
2. draw_graph     the backward graph the forward pass recorded
3. saved_memory   what each op keeps alive for backward, and why a bigger batch needs more
4. profiler       where the time of a training step goes, forward and backward
5. shadow         how much float32 rounding each op introduces (variance, two ways)
6. detect_anomaly which op's backward produced the NaN
7. gradcheck      a wrong backward, caught and explained; relu's kink
"""
import warnings

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.autograd import GradcheckError, detect_anomaly, layer_scope, saved_memory, shadow
from minitorch.profiler import profile, record_function
from minitorch.utils import summary
from minitorch.viz import draw_graph

torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 3))
x, y = torch.randn(8, 1, 8, 8), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])

print("1. summary: each layer, the shape it returns, its parameters and multiply-adds")
summary(model, input_size=(8, 1, 8, 8))

print("\n2. draw_graph: the ops the forward recorded, from the leaves (blue) to the loss (green)")
loss = F.cross_entropy(model(x), y)
drawing = draw_graph(loss, params=dict(model.named_parameters()), show_saved=True)
print("   ops:", " <- ".join(drawing.labels("op")))
try:
    print("   drawn into", drawing.render("seeing_inside_graph.png"))
except (ImportError, RuntimeError, OSError):  # no graphviz: the DOT source needs nothing
    print(drawing.source)

print("\n3. saved_memory: bytes each op keeps until backward (leaves live anyway)")
with layer_scope(model):  # tags each op with the layer that ran it
    loss = F.cross_entropy(model(x), y)
ledger = saved_memory(loss, model)
print(ledger.table())
big = saved_memory(F.cross_entropy(model(torch.randn(64, 1, 8, 8)), torch.randint(0, 3, (64,))))
print(f"   batch 8 keeps {ledger.total_bytes:,} bytes, batch 64 keeps {big.total_bytes:,}:"
      " the activations grow with the batch")

print("\n4. profiler: a training step, op by op (self time excludes the ops called inside)")
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
with profile() as prof:
    with record_function("train_step"):
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=8))
prof.export_chrome_trace("trace.json")
print("   trace.json opens in https://ui.perfetto.dev")

print("\n5. shadow: each float32 op against float64; 'carried' is the error accumulated so far")
data = torch.randn(10_000) + 1000.0  # values near 1000 with spread 1: variance about 1
with shadow() as report:
    naive = (data * data).mean() - data.mean() ** 2  # E[x²] - E[x]²: cancellation
    two_pass = ((data - data.mean()) ** 2).mean()  # E[(x - E[x])²]
print(report.table())
print(f"   naive variance {naive.item():.4f}, two-pass {two_pass.item():.4f}: the subtraction itself is exact,"
      " but it subtracts two rounded millions")

print("\n6. detect_anomaly: the first backward to produce NaN, and where its forward was called")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with detect_anomaly():
        t = torch.tensor([0.0, 1.0], requires_grad=True)
        try:
            (torch.sqrt(t) * 0).sum().backward()  # d sqrt(t)/dt = 1/(2 sqrt(t)): 0 * inf = nan at 0
        except RuntimeError as error:
            print("   RuntimeError:", error)
trace = next(str(w.message) for w in caught if "Error detected" in str(w.message))
print("   its forward was called at:", trace.splitlines()[-2].strip(), "\n     ", trace.splitlines()[-1].strip())


class WrongSquare(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t * t

    @staticmethod
    def backward(ctx, grad):
        (t,) = ctx.saved_tensors
        return grad * t  # forgot the 2


print("\n7. gradcheck: which input, which element, both values; and kinks where no derivative exists")
point = torch.tensor([[0.5, -1.0], [2.0, 3.0]], dtype=torch.float64, requires_grad=True)
try:
    torch.gradcheck(WrongSquare.apply, (point,), fast_mode=True)
except GradcheckError as error:
    print("  ", "\n   ".join(str(error).splitlines()[:3]))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        torch.gradcheck(torch.relu, (torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True),))
    except GradcheckError as error:
        print("  ", next(line for line in str(error).splitlines() if "kink" in line))

"""Autograd in a few lines: build y = x*w + b, call backward(), read the gradients.

Run: python examples/autograd_demo.py
"""
import minitorch as torch

# 1. Scalars. requires_grad=True asks autograd to record every operation on w and b.
x = torch.tensor(3.0)
w = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)
y = x * w + b  # 3*2 + 1 = 7; y remembers how it was made (y.grad_fn)
y.backward()  # walks the recorded graph backwards, filling .grad of the leaves
print(f"y = {y.item()}, made by {type(y.grad_fn).__name__}")
print(f"dy/dw = {w.grad.item()}  (= x: nudging w by 0.001 moves y by 0.001*x)")
print(f"dy/db = {b.grad.item()}  (= 1: b is added as it is)")
print(f"x.grad = {x.grad}  (x did not ask for gradients)")

# 2. Tensors. The same formula on a batch, reduced to one number (a "loss") first,
#    because backward() starts from a scalar.
x = torch.tensor([1.0, 2.0, 3.0])
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
b = torch.tensor(0.1, requires_grad=True)
loss = ((x * w + b) ** 2).sum()
loss.backward()
print(f"\nloss = {loss.item():.3f}")
print(f"dloss/dw = {[round(v, 3) for v in w.grad.tolist()]}  (= 2*(x*w+b)*x, element by element)")
print(f"dloss/db = {b.grad.item():.3f}  (= sum of 2*(x*w+b): b touched every element)")

# 3. Gradients add up across backward calls; optimisers clear them with zero_grad().
loss = ((x * w + b) ** 2).sum()
loss.backward()
print(f"after a second backward: dloss/db = {b.grad.item():.3f} (twice as much)")
with torch.no_grad():  # no graph is recorded in here: this is how weight updates are written
    w -= 0.01 * w.grad
print(f"one gradient-descent step moved w to {[round(v, 4) for v in w.tolist()]}")

# 4. See the graph. draw_graph walks loss.grad_fn back to the leaves: grey boxes are the recorded
#    ops (as grad_fn prints them), blue ones the leaves, and each edge the shape and dtype that
#    flows along it. Orange boxes (show_saved=True) are what an op keeps for its backward.
from minitorch.viz import draw_graph  # noqa: E402

loss = ((x * w + b) ** 2).sum()
drawing = draw_graph(loss, params={"w": w, "b": b}, show_saved=True)
print(f"\nthe graph of loss: {', '.join(drawing.labels('op'))}")
try:
    print(f"drawn into {drawing.render('autograd_graph.png')}")
except (ImportError, RuntimeError, OSError):  # no graphviz package or no dot program: the DOT source always works
    print(drawing.source)

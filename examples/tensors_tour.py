"""A tour of tensors, in the order PyTorch's "Learn the Basics: Tensors" page walks it.

Run it as it is (minitorch), or change the first line to ``import torch``: the printed text is
the same, character for character (tests/examples/test_tutorial_scripts.py checks it).

    python examples/tensors_tour.py
"""
import numpy as np

import minitorch as torch


def section(title: str) -> None:
    print(f"\n--- {title} ---")


# ----- making tensors -----
section("from data")
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(x_data)

section("from a NumPy array (shares memory)")
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_np)

section("like another tensor")
x_ones = torch.ones_like(x_data)  # same shape and dtype
print(f"Ones Tensor: \n {x_ones} \n")
x_zeros = torch.zeros_like(x_data, dtype=torch.float)  # same shape, another dtype
print(f"Zeros Tensor: \n {x_zeros} \n")

section("from a shape")
shape = (2, 3)
print(f"Ones Tensor: \n {torch.ones(shape)} \n")
print(f"Zeros Tensor: \n {torch.zeros(shape)}")
print(f"Random Tensor has shape {torch.rand(shape).shape}")  # random values differ between libraries

# ----- what a tensor is -----
section("attributes")
tensor = torch.ones(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
if torch.accelerator.is_available():  # a GPU, if there is one
    tensor = tensor.to(torch.accelerator.current_accelerator())

# ----- operations -----
section("indexing and slicing")
tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)

section("joining")
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
print(torch.stack([tensor[0], tensor[1]]).shape)

section("arithmetic")
y1 = tensor @ tensor.T  # three ways to the same matrix product
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1, torch.equal(y1, y2), torch.equal(y1, y3))
z1 = tensor * tensor  # three ways to the same elementwise product
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z1, torch.equal(z1, z2), torch.equal(z1, z3))

section("single-element tensors")
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))

section("in place (the trailing underscore)")
print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

# ----- the NumPy bridge -----
section("tensor to NumPy")
t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)  # the array sees the change: they share memory
print(f"t: {t}")
print(f"n: {n}")

section("NumPy to tensor")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)  # the tensor sees the change
print(f"t: {t}")
print(f"n: {n}")

section("more printing")
print(torch.arange(6).reshape(2, 3).float() / 3)
print(torch.tensor([1e-5, 1.0, 1e5]))
print(torch.tensor([True, False]), torch.tensor(3.5), torch.tensor([], dtype=torch.int64))
print(torch.tensor([[1.0, -2.0]], requires_grad=True))
print((torch.tensor([1.0, 2.0], requires_grad=True) * 2).sum())
print(torch.zeros(2, 3).size(), torch.zeros(2, 3).size(1), torch.int64, torch.float64)

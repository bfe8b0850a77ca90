"""Neural-network building blocks: Module, layers, losses, functional, init."""
from minitorch.nn.parameter import Parameter

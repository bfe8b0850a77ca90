"""Optimizers and learning-rate schedules, shaped like ``torch.optim``.

    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    for x, y in loader:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

Read ``optimizer.py`` (parameter groups, state, state dicts) first, then one update rule:
``sgd.py`` or ``adam.py``; ``lr_scheduler.py`` changes ``group['lr']`` between epochs.
"""
from minitorch.optim import lr_scheduler
from minitorch.optim.adam import Adam, AdamW
from minitorch.optim.optimizer import Optimizer
from minitorch.optim.sgd import SGD

__all__ = ["Adam", "AdamW", "Optimizer", "SGD", "lr_scheduler"]

# ----- optim surface B: more optimizers -----
from minitorch.optim.adadelta import Adadelta  # noqa: E402
from minitorch.optim.adagrad import Adagrad  # noqa: E402
from minitorch.optim.adamax import Adamax  # noqa: E402
from minitorch.optim.asgd import ASGD  # noqa: E402
from minitorch.optim.lbfgs import LBFGS  # noqa: E402
from minitorch.optim.nadam import NAdam  # noqa: E402
from minitorch.optim.radam import RAdam  # noqa: E402
from minitorch.optim.rmsprop import RMSprop  # noqa: E402
from minitorch.optim.rprop import Rprop  # noqa: E402
from minitorch.optim import swa_utils  # noqa: E402

__all__ += ["ASGD", "LBFGS", "Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam", "RMSprop", "Rprop", "swa_utils"]
# ----- end optim surface B -----

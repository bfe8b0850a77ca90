"""Training one model on several devices or processes: ``DistributedDataParallel`` (one process per
device, see ``minitorch.distributed``) and the older single-process ``DataParallel``."""
from minitorch.nn.parallel.data_parallel import DataParallel, data_parallel, replicate
from minitorch.nn.parallel.distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel", "replicate"]

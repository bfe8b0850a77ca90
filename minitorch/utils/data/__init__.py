"""Datasets and the DataLoader that turns them into shuffled batches, as ``torch.utils.data``."""

from minitorch.utils.data.dataloader import DataLoader, WorkerInfo, default_collate, get_worker_info
from minitorch.utils.data.dataset import Dataset, Subset, TensorDataset, random_split
from minitorch.utils.data.distributed import DistributedSampler

__all__ = ["DataLoader", "Dataset", "DistributedSampler", "Subset", "TensorDataset", "random_split", "WorkerInfo", "default_collate", "get_worker_info"]

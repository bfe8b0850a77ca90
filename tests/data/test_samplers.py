"""Samplers, DataLoader options and dataset combinators, against PyTorch's where they are deterministic."""
import threading
import time
import warnings

import numpy as np
import pytest

import minitorch
from minitorch.utils.data import (
    BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset, RandomSampler, SequentialSampler,
    SubsetRandomSampler, TensorDataset, WeightedRandomSampler, default_collate, get_worker_info,
)

torch = pytest.importorskip("torch")
tud = torch.utils.data


class Numbers(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return index


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def flat(loader):
    return [int(v) for batch in loader for v in np.atleast_1d(batch.numpy())]


def seeded(seed):
    return minitorch.Generator().manual_seed(seed)


# ----- samplers -----


@pytest.mark.parametrize("size, batch_size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, False), (2, 5, False)])
def test_sequential_and_batch_samplers_match_pytorch(size, batch_size, drop_last):
    ours = BatchSampler(SequentialSampler(range(size)), batch_size, drop_last)
    theirs = tud.BatchSampler(tud.SequentialSampler(range(size)), batch_size, drop_last)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_batch_sampler_errors_match_pytorch():
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
            BatchSampler(range(3), bad, False)
        with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
            tud.BatchSampler(range(3), bad, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        BatchSampler(range(3), 2, 1)


def test_random_sampler_permutes_reproducibly_and_draws_with_replacement():
    data = range(20)
    first = list(RandomSampler(data, generator=seeded(0)))
    assert sorted(first) == list(range(20)) and first == list(RandomSampler(data, generator=seeded(0)))
    sampler = RandomSampler(data, generator=seeded(0))
    assert list(sampler) != list(sampler)  # a new order each epoch
    long = list(RandomSampler(data, num_samples=50, generator=seeded(1)))
    assert len(long) == 50 and sorted(long[:20]) == list(range(20)) and sorted(long[20:40]) == list(range(20))
    drawn = list(RandomSampler(range(5), replacement=True, num_samples=200, generator=seeded(2)))
    assert len(drawn) == 200 and set(drawn) == set(range(5))
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        RandomSampler(data, num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(data, replacement=1)


def test_random_sampler_follows_manual_seed_without_a_generator():
    minitorch.manual_seed(5)
    first = list(RandomSampler(range(30)))
    minitorch.manual_seed(5)
    assert list(RandomSampler(range(30))) == first


def test_subset_random_sampler_permutes_the_given_indices():
    order = list(SubsetRandomSampler([3, 7, 11, 19], generator=seeded(0)))
    assert sorted(order) == [3, 7, 11, 19] and len(SubsetRandomSampler([1, 2])) == 2


def test_weighted_random_sampler_draws_in_proportion():
    draws = np.array(list(WeightedRandomSampler([1, 0, 3, 6], 20000, generator=seeded(0))))
    np.testing.assert_allclose(np.bincount(draws, minlength=4) / 20000, [0.1, 0, 0.3, 0.6], atol=0.015)
    unique = list(WeightedRandomSampler(minitorch.tensor([1.0, 1.0, 5.0]), 3, replacement=False, generator=seeded(1)))
    assert sorted(unique) == [0, 1, 2]
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        WeightedRandomSampler([[1.0, 2.0]], 2)
    with pytest.raises(RuntimeError, match="without replacement"):
        WeightedRandomSampler([1.0, 0.0], 2, replacement=False)


# ----- DataLoader options -----


def test_sampler_and_batch_sampler_choose_the_order():
    loader = DataLoader(Numbers(6), batch_size=2, sampler=[5, 4, 3, 2, 1, 0], prefetch=False)
    assert [b.tolist() for b in loader] == [[5, 4], [3, 2], [1, 0]]
    loader = DataLoader(Numbers(6), batch_sampler=[[0, 5], [1, 2, 3]])
    assert [b.tolist() for b in loader] == [[0, 5], [1, 2, 3]] and len(loader) == 2
    balanced = DataLoader(Numbers(4), batch_size=8, sampler=WeightedRandomSampler([0, 0, 0, 1], 8))
    assert flat(balanced) == [3] * 8


@pytest.mark.parametrize("kwargs", [
    {"sampler": [0, 1], "shuffle": True},
    {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "shuffle": True},
    {"batch_sampler": [[0]], "sampler": [0]},
    {"batch_sampler": [[0]], "drop_last": True},
    {"batch_size": None, "drop_last": True},
    {"timeout": -1},
    {"prefetch_factor": 2},
    {"persistent_workers": True},
])
def test_conflicting_options_raise_like_pytorch(kwargs):
    with pytest.raises(ValueError) as theirs:
        tud.DataLoader(list(range(4)), **kwargs)
    message = str(theirs.value).split(",")[0].split(" option")[0]
    with pytest.raises(ValueError, match=message[:25].replace("(", r"\(").replace(")", r"\)")):
        DataLoader(Numbers(4), **kwargs)


def test_batch_size_none_yields_single_samples():
    assert [int(x) for x in DataLoader(Numbers(3), batch_size=None)] == [0, 1, 2]
    sample = next(iter(DataLoader([np.arange(3)], batch_size=None)))
    assert isinstance(sample, minitorch.Tensor) and sample.shape == (3,)


def test_worker_options_run_in_the_loader_thread():
    calls = []
    loader = DataLoader(Numbers(10), batch_size=2, num_workers=2, prefetch_factor=3, persistent_workers=True,
                        worker_init_fn=lambda worker_id: calls.append((worker_id, threading.current_thread().name)))
    assert flat(loader) == list(range(10)) and flat(loader) == list(range(10))
    assert calls == [(0, "minitorch-dataloader")] * 2  # once per epoch, in the thread


def test_timeout_raises_when_a_batch_takes_too_long():
    class Slow(Numbers):
        def __getitem__(self, index):
            time.sleep(0.5)
            return index

    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.05 seconds"):
        list(DataLoader(Slow(4), batch_size=2, num_workers=1, timeout=0.05))


def test_pin_memory_without_a_gpu_warns_like_pytorch_and_still_loads():
    if minitorch.cuda.is_available():
        pytest.skip("this machine has a GPU: pinning is used")
    with pytest.warns(UserWarning, match="pin_memory.*no accelerator is found"):
        loader = DataLoader(Numbers(4), batch_size=2, pin_memory=True)
    assert flat(loader) == [0, 1, 2, 3]


@pytest.mark.gpu
def test_pin_memory_with_a_gpu_stages_batches_in_pinned_memory():
    if not minitorch.cuda.is_available():
        pytest.skip("needs CuPy and an NVIDIA GPU")
    images = minitorch.rand(8, 3, 4, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loader = DataLoader(TensorDataset(images), batch_size=4, pin_memory=True)
    (batch,) = next(iter(loader))
    np.testing.assert_array_equal(batch.to("cuda").cpu().numpy(), images.numpy()[:4])


def test_the_seed_tutorials_num_workers_2_is_reproducible():
    """PyTorch's "Reproducibility" notes: seed_worker, a seeded generator, num_workers=2."""
    import random

    def seed_worker(worker_id):
        worker_seed = minitorch.initial_seed() % 2**32
        np.random.seed(worker_seed)
        random.seed(worker_seed)

    def epoch():
        g = minitorch.Generator()
        g.manual_seed(0)
        loader = DataLoader(Numbers(20), batch_size=4, shuffle=True, num_workers=2, worker_init_fn=seed_worker, generator=g)
        return flat(loader)

    assert epoch() == epoch() and sorted(epoch()) == list(range(20))


# ----- iterable and combined datasets -----


def test_iterable_dataset_is_batched_as_it_streams():
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert len(DataLoader(Stream(7), batch_size=3)) == 3
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(TypeError, match="cannot be indexed"):
        Stream(3)[0]


def test_iterable_dataset_with_workers_yields_each_sample_once():
    class Split(IterableDataset):
        def __iter__(self):
            info = get_worker_info()  # the usual splitting code: one worker here, so everything
            return iter(range(info.id, 10, info.num_workers))

    assert flat(DataLoader(Split(), batch_size=4, num_workers=2)) == list(range(10))


def test_concat_and_chain_datasets():
    both = Numbers(3) + Numbers(2)
    assert isinstance(both, ConcatDataset) and len(both) == 5
    assert [both[i] for i in range(5)] == [0, 1, 2, 0, 1] and both[-1] == 1 and both.cumulative_sizes == [3, 5]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        both[-6]
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([Numbers(1), Stream(1)])
    chained = Stream(2) + Stream(3)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5
    assert flat(DataLoader(ConcatDataset([Numbers(2), Numbers(2)]), batch_size=3)) == [0, 1, 0, 1]


# ----- collate -----


def test_default_collate_of_nested_dicts_tuples_and_arrays():
    samples = [{"image": np.full((2, 2), i, np.uint8), "meta": {"id": i, "pair": (i, float(i))}} for i in range(3)]
    batch = default_collate(samples)
    assert batch["image"].shape == (3, 2, 2) and batch["image"].dtype == minitorch.uint8
    assert batch["meta"]["id"].tolist() == [0, 1, 2] and batch["meta"]["id"].dtype == minitorch.int64
    assert batch["meta"]["pair"][1].dtype == minitorch.float64


def test_default_collate_stacks_pil_images_as_uint8_nchw():
    Image = pytest.importorskip("PIL.Image")
    rgb = [Image.fromarray(np.full((4, 5, 3), i, np.uint8)) for i in range(2)]
    gray = [Image.fromarray(np.full((4, 5), i, np.uint8)) for i in range(2)]
    assert default_collate(rgb).shape == (2, 3, 4, 5) and default_collate(gray).shape == (2, 1, 4, 5)
    assert default_collate(rgb).dtype == minitorch.uint8 and default_collate(rgb)[1].numpy().max() == 1

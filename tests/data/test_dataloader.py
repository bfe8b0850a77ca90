"""minitorch.utils.data: Dataset, TensorDataset, default_collate and the prefetching DataLoader."""

import threading
import time
from collections import namedtuple

import numpy as np
import pytest

import minitorch
import minitorch.transforms as T
from minitorch.utils.data import (
    DataLoader, Dataset, Subset, TensorDataset, default_collate, get_worker_info, random_split,
)


def finishes_within(seconds, function):
    """Run ``function`` in a thread and fail instead of hanging the test run if it does not return."""
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("value", function()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"did not finish within {seconds} s"
    return outcome["value"]


def loader_threads():
    return [thread for thread in threading.enumerate() if thread.name == "minitorch-dataloader"]


def labelled(size):
    """A TensorDataset whose sample i is (row i, label i)."""
    features = np.arange(size * 2, dtype=np.float32).reshape(size, 2)
    return TensorDataset(minitorch.from_numpy(features), minitorch.from_numpy(np.arange(size)))


class Samples(Dataset):
    """Sample i is i; optionally slow, optionally failing at one index."""

    def __init__(self, size, delay=0.0, fail_at=None):
        self.size, self.delay, self.fail_at = size, delay, fail_at
        self.fetched, self.threads = [], set()

    def __getitem__(self, index):
        time.sleep(self.delay)
        self.fetched.append(index)
        self.threads.add(threading.current_thread().name)
        if index == self.fail_at:
            raise KeyError(f"sample {index} is broken")
        return index

    def __len__(self):
        return self.size


def labels_seen(loader):
    return np.concatenate([labels.numpy() for _, labels in loader])


# ----- Dataset and TensorDataset -----


def test_tensor_dataset_indexes_rows_of_all_tensors():
    dataset = labelled(5)
    features, label = dataset[3]
    assert len(dataset) == 5
    np.testing.assert_array_equal(features.numpy(), [6, 7])
    assert label.shape == () and int(label.numpy()) == 3
    batch_features, batch_labels = dataset.__getitems__([4, 0])
    np.testing.assert_array_equal(batch_features.numpy(), [[8, 9], [0, 1]])
    np.testing.assert_array_equal(batch_labels.numpy(), [4, 0])


def test_tensor_dataset_errors():
    with pytest.raises(ValueError, match=r"same size in their first dimension, got sizes \[3, 4\]"):
        TensorDataset(minitorch.from_numpy(np.zeros(3)), minitorch.from_numpy(np.zeros(4)))
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()
    with pytest.raises(ValueError, match="0-dimensional"):
        TensorDataset(minitorch.from_numpy(np.zeros(())))


def test_dataset_base_class_asks_for_the_two_methods():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError, match="__len__"):
        len(Dataset())


# ----- batching and order -----


@pytest.mark.parametrize(
    "size, batch_size, drop_last, expected", [(10, 3, False, 4), (10, 3, True, 3), (9, 3, True, 3), (2, 5, True, 0)]
)
def test_len_counts_batches(size, batch_size, drop_last, expected):
    loader = DataLoader(labelled(size), batch_size, drop_last=drop_last)
    assert len(loader) == expected == len(list(loader))


def test_last_batch_is_partial_unless_drop_last():
    assert [len(labels) for _, labels in DataLoader(labelled(10), 4)] == [4, 4, 2]
    assert [len(labels) for _, labels in DataLoader(labelled(10), 4, drop_last=True)] == [4, 4]


@pytest.mark.parametrize("prefetch", [True, False])
@pytest.mark.parametrize("dataset", [labelled(23), Samples(23)], ids=["batched", "per-sample"])
def test_every_sample_exactly_once_per_shuffled_epoch(dataset, prefetch):
    loader = DataLoader(dataset, batch_size=5, shuffle=True, prefetch=prefetch)
    for _ in range(2):
        seen = np.concatenate([(batch[1] if isinstance(batch, tuple) else batch).numpy() for batch in loader])
        assert sorted(seen) == list(range(23))


def test_unshuffled_order_is_the_dataset_order():
    np.testing.assert_array_equal(labels_seen(DataLoader(labelled(7), 3)), np.arange(7))


def test_shuffle_is_reproducible_with_a_generator_and_differs_across_epochs():
    def two_epochs(seed):
        loader = DataLoader(labelled(50), 8, shuffle=True, generator=minitorch.Generator().manual_seed(seed))
        return labels_seen(loader), labels_seen(loader)

    first, second = two_epochs(0)
    again_first, again_second = two_epochs(0)
    np.testing.assert_array_equal(first, again_first)
    np.testing.assert_array_equal(second, again_second)
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, two_epochs(1)[0])


def test_shuffle_without_generator_follows_manual_seed():
    loader = DataLoader(labelled(50), 8, shuffle=True)
    minitorch.manual_seed(3)
    first = labels_seen(loader)
    minitorch.manual_seed(3)
    np.testing.assert_array_equal(labels_seen(loader), first)
    assert not np.array_equal(labels_seen(loader), first)


def test_bad_arguments():
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        DataLoader(labelled(3), batch_size=0)
    with pytest.raises(ValueError, match="num_workers must be a non-negative integer, got -1"):
        DataLoader(labelled(3), num_workers=-1)


# ----- collate -----


def test_collate_of_tuples_gives_a_tuple_of_batched_tensors():
    samples = [(np.full((2, 2), i, np.uint8), i, i / 2, bool(i % 2)) for i in range(3)]
    images, ints, floats, bools = default_collate(samples)
    assert images.shape == (3, 2, 2) and images.dtype == np.uint8
    assert ints.dtype == minitorch.int64 and list(ints.numpy()) == [0, 1, 2]
    assert floats.dtype == np.float64 and list(floats.numpy()) == [0.0, 0.5, 1.0]  # as PyTorch
    assert bools.dtype == np.bool_ and list(bools.numpy()) == [False, True, False]


def test_collate_of_tensors_dicts_namedtuples_lists_strings_and_numpy_scalars():
    tensors = default_collate([minitorch.from_numpy(np.ones(3, np.float32))] * 2)
    assert tensors.shape == (2, 3) and tensors.dtype == minitorch.float32
    batch = default_collate([{"x": 1, "name": "a"}, {"x": 2, "name": "b"}])
    assert list(batch["x"].numpy()) == [1, 2] and batch["name"] == ["a", "b"]
    Point = namedtuple("Point", "x y")
    point = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(point, Point) and list(point.x.numpy()) == [1, 3]
    pair = default_collate([[1, 2], [3, 4]])
    assert isinstance(pair, list) and list(pair[0].numpy()) == [1, 3]
    assert default_collate([np.float32(1), np.float32(2)]).dtype == minitorch.float32


def test_collate_errors():
    with pytest.raises(ValueError, match=r"same number of fields, got lengths \[1, 2\]"):
        default_collate([(1, 2), (3,)])
    with pytest.raises(TypeError, match="got object"):
        default_collate([object()])
    with pytest.raises(TypeError, match="dtype <U1"):
        default_collate([np.array(["a"])])


class CountingTensorDataset(TensorDataset):
    def __init__(self, *tensors):
        super().__init__(*tensors)
        self.calls = []

    def __getitem__(self, index):
        self.calls.append("__getitem__")
        return super().__getitem__(index)

    def __getitems__(self, indices):
        self.calls.append(f"__getitems__ of {len(indices)}")
        return super().__getitems__(indices)


def test_loader_fetches_whole_batches_through_getitems():
    dataset = CountingTensorDataset(*labelled(10).tensors)
    features, labels = next(iter(DataLoader(dataset, 4, prefetch=False)))
    assert dataset.calls == ["__getitems__ of 4"] and features.shape == (4, 2)


def test_custom_collate_fn_gets_the_list_of_samples():
    dataset = CountingTensorDataset(*labelled(4).tensors)
    loader = DataLoader(dataset, 2, collate_fn=lambda samples: [int(label.numpy()) for _, label in samples])
    assert list(loader) == [[0, 1], [2, 3]]
    assert dataset.calls == ["__getitem__"] * 4


# ----- the background thread -----


def test_loading_happens_ahead_in_a_background_thread():
    dataset = Samples(40)
    iterator = iter(DataLoader(dataset, 4))
    first = next(iterator)
    # Ahead of the batch in hand: two batches queued and a third fetched, waiting for room.
    deadline = time.monotonic() + 5
    while len(dataset.fetched) < 16 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert list(first.numpy()) == [0, 1, 2, 3]
    assert len(dataset.fetched) == 16 and dataset.threads == {"minitorch-dataloader"}
    del iterator


def test_breaking_out_early_stops_the_thread():
    before = len(loader_threads())

    def break_after_one_batch():
        for _ in DataLoader(Samples(1000, delay=0.001), 2):
            break

    finishes_within(10, break_after_one_batch)
    assert len(loader_threads()) == before


def test_dropping_a_half_read_iterator_stops_the_thread():
    iterator = iter(DataLoader(Samples(1000), 2))
    next(iterator)
    thread = loader_threads()[-1]
    finishes_within(10, lambda: iterator.__del__())
    assert not thread.is_alive()


def test_an_error_in_the_thread_is_raised_in_the_training_loop():
    dataset = Samples(20, fail_at=9)
    batches = []

    def consume():
        with pytest.raises(KeyError, match="sample 9 is broken"):
            for batch in DataLoader(dataset, 4):
                batches.append(batch)

    finishes_within(10, consume)
    assert len(batches) == 2 and dataset.threads == {"minitorch-dataloader"}


@pytest.mark.parametrize(
    "prefetch, num_workers, thread", [(False, 0, "MainThread"), (False, 2, "minitorch-dataloader")]
)
def test_prefetch_and_num_workers_choose_the_thread(prefetch, num_workers, thread):
    dataset = Samples(4)
    list(DataLoader(dataset, 2, prefetch=prefetch, num_workers=num_workers))
    assert dataset.threads == {thread}


class RandomlyCropped(Dataset):
    """Random crops in ``__getitems__``: they run in the loader thread."""

    def __init__(self):
        self.images = np.random.default_rng(0).integers(0, 256, (16, 8, 8, 3), dtype=np.uint8)
        self.crop = T.RandomCrop(6)
        self.infos = []

    def __getitems__(self, indices):
        self.infos.append(get_worker_info())
        return self.crop(self.images[indices])

    def __len__(self):
        return len(self.images)


def test_random_transforms_in_the_thread_are_reproducible_under_manual_seed():
    def epoch():
        minitorch.manual_seed(0)
        batches = []
        for batch in DataLoader(RandomlyCropped(), 4, shuffle=True):
            minitorch.random.default_generator.numpy_rng.random(1000)  # the model drawing meanwhile
            batches.append(batch.numpy())
        return np.concatenate(batches)

    np.testing.assert_array_equal(epoch(), epoch())


def test_worker_info_exists_only_inside_the_thread():
    assert get_worker_info() is None
    dataset = RandomlyCropped()
    list(DataLoader(dataset, 8))
    info = dataset.infos[0]
    assert (info.id, info.num_workers, info.dataset) == (0, 1, dataset)
    assert isinstance(info.generator, minitorch.Generator)


def test_subset_fetches_the_chosen_samples_a_batch_at_a_time():
    dataset = TensorDataset(minitorch.arange(10), minitorch.arange(10) * 2)
    subset = Subset(dataset, [7, 2, 5])
    assert len(subset) == 3 and subset[0][0].item() == 7
    (xs, ys), = list(DataLoader(subset, batch_size=3))
    assert xs.tolist() == [7, 2, 5] and ys.tolist() == [14, 4, 10]


def test_random_split_partitions_the_dataset_reproducibly():
    dataset = TensorDataset(minitorch.arange(10))
    parts = random_split(dataset, [0.7, 0.3], generator=minitorch.Generator().manual_seed(1))
    again = random_split(dataset, [7, 3], generator=minitorch.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [7, 3]
    assert sorted(np.concatenate([p.indices for p in parts]).tolist()) == list(range(10))
    assert [p.indices.tolist() for p in parts] == [p.indices.tolist() for p in again]


def test_random_split_rejects_lengths_that_do_not_add_up():
    with pytest.raises(ValueError, match="does not equal the length"):
        random_split(TensorDataset(minitorch.arange(10)), [3, 3])

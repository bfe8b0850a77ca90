"""minitorch.save / minitorch.load: round trips, the .npz layout, atomic writes, and clear errors
for every file that isn't a whole minitorch checkpoint."""
import io
import json
import math
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import minitorch
import minitorch.optim
from minitorch.nn.parameter import Parameter
from minitorch.serialization import STRUCTURE

torch = pytest.importorskip("torch")


def checkpoint_like():
    """A model state dict, an optimizer state dict and plain values, as a training loop saves them."""
    model = OrderedDict([("fc1.weight", minitorch.randn(4, 3)), ("fc1.bias", minitorch.zeros(4))])
    optimizer = {
        "state": {0: {"step": minitorch.tensor(3.0), "exp_avg": minitorch.ones(4, 3)}, 1: {}},
        "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "amsgrad": False, "foreach": None, "params": [0, 1]}],
    }
    return {"model": model, "optimizer": optimizer, "epoch": 3, "note": "best so far", "loss": 0.25}


def assert_same(a, b):
    """Equal values, the same container types, and tensors of the same dtype, shape and data."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, minitorch.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def round_trip(obj, tmp_path, **load_options):
    minitorch.save(obj, tmp_path / "checkpoint.npz")
    return minitorch.load(tmp_path / "checkpoint.npz", **load_options)


# ----- round trips -----
def test_checkpoint_round_trip(tmp_path):
    obj = checkpoint_like()
    assert_same(round_trip(obj, tmp_path), obj)


def test_plain_values_and_containers_round_trip(tmp_path):
    obj = {
        0: [None, True, False, -7, 2**70, 1.5, float("inf"), float("nan"), "", "ünïcode"],
        "0": ("tuple", ("nested",), []),
        (1, "a"): {},
        "ordered": OrderedDict(b=1, a=2),
    }
    assert_same(round_trip(obj, tmp_path), obj)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3, 4)])
def test_tensor_dtypes_and_shapes_round_trip(tmp_path, dtype, shape):
    tensor = minitorch.tensor((np.arange(int(np.prod(shape))).reshape(shape) % 3).astype(dtype))
    loaded = round_trip(tensor, tmp_path)
    assert_same(loaded, tensor)
    assert loaded.device.type == "cpu"


def test_requires_grad_parameters_and_views_round_trip(tmp_path):
    weight = Parameter(minitorch.randn(3, 2))
    obj = [weight, minitorch.randn(2, 3).t(), minitorch.ones(2, requires_grad=True)]
    loaded = round_trip(obj, tmp_path)
    assert_same(loaded, obj)
    assert isinstance(loaded[0], Parameter)


def test_loaded_tensors_are_independent_copies(tmp_path):
    tensor = minitorch.ones(3)
    loaded = round_trip({"a": tensor, "b": tensor}, tmp_path)
    loaded["a"]._data[0] = 5
    assert tensor[0].item() == 1 and loaded["b"][0].item() == 1


def test_the_file_is_an_npz_of_named_arrays_that_numpy_reads_without_pickle(tmp_path):
    obj = checkpoint_like()
    minitorch.save(obj, tmp_path / "checkpoint.npz")
    with np.load(tmp_path / "checkpoint.npz", allow_pickle=False) as archive:
        assert set(archive.files) == {
            "model/fc1.weight", "model/fc1.bias", "optimizer/state/0/step", "optimizer/state/0/exp_avg", STRUCTURE,
        }
        np.testing.assert_array_equal(archive["model/fc1.weight"], obj["model"]["fc1.weight"].numpy())
        structure = json.loads(archive[STRUCTURE].tobytes())
    assert structure["format"] == "minitorch-checkpoint" and structure["version"] == 1


def test_entry_names_stay_unique_and_safe(tmp_path):
    obj = {"a/b": minitorch.ones(1), "a": {"b": minitorch.zeros(1)}, "../x y\0": minitorch.full((1,), 2.0)}
    minitorch.save(obj, tmp_path / "checkpoint.npz")
    with zipfile.ZipFile(tmp_path / "checkpoint.npz") as archive:
        names = archive.namelist()
    assert len(set(names)) == 4 and not any(".." in n.split("/") or "\0" in n or " " in n for n in names)
    assert_same(minitorch.load(tmp_path / "checkpoint.npz"), obj)


def test_str_path_and_file_objects(tmp_path):
    obj = checkpoint_like()
    minitorch.save(obj, str(tmp_path / "checkpoint.npz"))
    assert_same(minitorch.load(str(tmp_path / "checkpoint.npz")), obj)
    buffer = io.BytesIO()
    minitorch.save(obj, buffer)
    buffer.seek(0)
    assert_same(minitorch.load(buffer), obj)


def test_save_overwrites_and_leaves_no_temporary_file(tmp_path):
    minitorch.save({"v": 1}, tmp_path / "checkpoint.npz")
    minitorch.save({"v": 2}, tmp_path / "checkpoint.npz")
    assert minitorch.load(tmp_path / "checkpoint.npz") == {"v": 2}
    assert os.listdir(tmp_path) == ["checkpoint.npz"]


@pytest.mark.parametrize("crash", [OSError("disk full"), KeyboardInterrupt()])
def test_a_crash_mid_save_keeps_the_old_checkpoint_and_no_temporary_file(tmp_path, monkeypatch, crash):
    old = checkpoint_like()
    minitorch.save(old, tmp_path / "checkpoint.npz")
    write_array, calls = np.lib.format.write_array, []

    def write_then_crash(file, array, **options):
        calls.append(array)
        write_array(file, array, **options)
        if len(calls) == 2:
            file.write(b"half an entry")
            raise crash

    monkeypatch.setattr(np.lib.format, "write_array", write_then_crash)
    with pytest.raises(type(crash)):
        minitorch.save({"model": {"w": minitorch.ones(100)}, "x": minitorch.ones(2), "y": minitorch.ones(3)},
                       tmp_path / "checkpoint.npz")
    monkeypatch.undo()
    assert len(calls) == 2
    assert os.listdir(tmp_path) == ["checkpoint.npz"]
    assert_same(minitorch.load(tmp_path / "checkpoint.npz"), old)


def test_save_flushes_the_file_to_disk_before_renaming(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: events.append("replace") or real_replace(a, b))
    minitorch.save({"w": minitorch.ones(2)}, tmp_path / "checkpoint.npz")
    assert events[:2] == ["fsync", "replace"]


@pytest.mark.parametrize("map_location", [None, "cpu", minitorch.device("cpu")])
def test_map_location_cpu(tmp_path, map_location):
    loaded = round_trip({"w": minitorch.ones(2)}, tmp_path, map_location=map_location)
    assert loaded["w"].device.type == "cpu"


def test_tensors_on_any_backend_save_from_host_memory_and_load_onto_map_location(tmp_path, backend):
    tensor = minitorch.arange(6, dtype=minitorch.float32, device=backend).reshape(2, 3)
    assert round_trip(tensor, tmp_path).device.type == "cpu"
    moved = minitorch.load(tmp_path / "checkpoint.npz", map_location=backend)
    assert moved.device.type == backend
    np.testing.assert_array_equal(moved.cpu().numpy(), np.arange(6, dtype=np.float32).reshape(2, 3))


# ----- errors -----
def test_unsupported_objects_are_refused_with_where_they_are(tmp_path):
    with pytest.raises(TypeError, match=r"can't store a set \(at \['model'\]\['layers'\]\)"):
        minitorch.save({"model": {"layers": {1, 2}}}, tmp_path / "checkpoint.npz")
    with pytest.raises(TypeError, match="dict key of type Tensor"):
        minitorch.save({minitorch.ones(1): 1}, tmp_path / "checkpoint.npz")
    assert os.listdir(tmp_path) == []


def test_objects_with_a_state_dict_point_to_it(tmp_path):
    optimizer = minitorch.optim.SGD([Parameter(minitorch.ones(1))])
    with pytest.raises(TypeError, match=r"can't store a SGD .*save its .state_dict\(\) instead"):
        minitorch.save(optimizer, tmp_path / "checkpoint.npz")


def test_weights_only_is_accepted_as_in_torch(tmp_path):
    obj = checkpoint_like()
    assert_same(round_trip(obj, tmp_path, weights_only=True), obj)


def test_map_location_must_be_a_device(tmp_path):
    minitorch.save({}, tmp_path / "checkpoint.npz")
    with pytest.raises(TypeError, match="map_location"):
        minitorch.load(tmp_path / "checkpoint.npz", map_location={"cuda:0": "cpu"})


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        minitorch.load(tmp_path / "nothing.npz")


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_file(tmp_path, keep):
    path = tmp_path / "checkpoint.npz"
    minitorch.save(checkpoint_like(), path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(RuntimeError, match=f"{path}.* truncated or corrupt"):
        minitorch.load(path)


def test_corrupted_tensor_data_fails_the_checksum(tmp_path):
    path = tmp_path / "checkpoint.npz"
    minitorch.save({"w": minitorch.zeros(1000)}, path)
    data = bytearray(path.read_bytes())
    data[2000] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="truncated or corrupt"):
        minitorch.load(path)


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (bytes(np.random.default_rng(0).integers(0, 256, 1000, dtype=np.uint8)), "not a zip"),
    (pickle.dumps({"w": np.ones(3)}), "pickle"),
])
def test_files_that_are_not_zip_archives(tmp_path, content, message):
    path = tmp_path / "file.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=f"{path} is not a minitorch checkpoint: .*{message}"):
        minitorch.load(path)


def test_a_single_npy_array_is_not_a_checkpoint(tmp_path):
    np.save(tmp_path / "array.npy", np.ones(3))
    with pytest.raises(ValueError, match=r"single \.npy array"):
        minitorch.load(tmp_path / "array.npy")


def test_an_npz_not_written_by_minitorch(tmp_path):
    np.savez(tmp_path / "foreign.npz", weight=np.ones(3))
    with pytest.raises(ValueError, match="minitorch.save did not write"):
        minitorch.load(tmp_path / "foreign.npz")


def test_a_torch_save_file_is_refused_without_unpickling(tmp_path):
    torch.save({"w": torch.ones(3)}, tmp_path / "model.pt")
    with pytest.raises(ValueError, match="is not a minitorch checkpoint: it is a torch.save file"):
        minitorch.load(tmp_path / "model.pt")


def structure(root, version=1):
    document = {"format": "minitorch-checkpoint", "version": version, "root": root}
    return np.frombuffer(json.dumps(document).encode(), dtype=np.uint8)


def test_an_npz_with_a_pickled_object_array_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, **{STRUCTURE: structure({"type": "tensor", "entry": "w"}),
                      "w": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(ValueError, match="can't be read safely.*allow_pickle"):
        minitorch.load(path)


@pytest.mark.parametrize("entries, message", [
    ({STRUCTURE: np.frombuffer(b"{not json", dtype=np.uint8)}, "structure entry is corrupt"),
    ({STRUCTURE: np.frombuffer(b'{"format": "other"}', dtype=np.uint8)}, "not a minitorch checkpoint structure"),
    ({STRUCTURE: structure(None, version=2)}, "version 2"),
    ({STRUCTURE: structure({"type": "set", "items": []})}, "unknown node"),
    ({STRUCTURE: structure({"type": "tensor", "entry": "w"})}, "no entry 'w'"),
    ({STRUCTURE: structure({"type": "dict", "items": [[{"type": "tuple"}, 1]]})}, "malformed"),
    ({STRUCTURE: structure({"type": "dict", "items": [[[1, 2], 1]]})}, "malformed"),
])
def test_damaged_structures(tmp_path, entries, message):
    np.savez(tmp_path / "damaged.npz", **entries)
    with pytest.raises(RuntimeError, match=message):
        minitorch.load(tmp_path / "damaged.npz")


def test_an_entry_of_a_dtype_tensors_cannot_hold(tmp_path):
    np.savez(tmp_path / "strings.npz", **{STRUCTURE: structure({"type": "tensor", "entry": "w"}),
                                           "w": np.array(["a", "b"])})
    with pytest.raises(ValueError, match="dtype <U1"):
        minitorch.load(tmp_path / "strings.npz")

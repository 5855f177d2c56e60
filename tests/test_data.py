import struct
import warnings

import pytest
import torch

from landau_lib import SubstituteDatasetWarning, batches, load_dataset
from landau_lib.data import DEBIAN_FASHION


def test_offline_mnist_is_the_bundled_subset_and_says_so(tmp_path):
    with pytest.warns(SubstituteDatasetWarning, match="MNIST-10k"):
        d = load_dataset("mnist", root=tmp_path, download=False)
    assert d.name == "MNIST-10k"
    assert (len(d.x_train), len(d.x_test)) == (8004, 1996)
    assert d.x_train.shape[1] == 784 and d.x_train.dtype == torch.float32
    assert 0 <= d.x_train.min() and d.x_train.max() <= 1 and d.x_train.max() > 0.99
    assert sorted(d.y_train.unique().tolist()) == list(range(10))


def _write_idx(folder, prefix, n, seed):
    g = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (n, 28, 28), generator=g, dtype=torch.uint8)
    labels = torch.arange(n, dtype=torch.uint8) % 10
    (folder / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">iiii", 2051, n, 28, 28) + images.numpy().tobytes())
    (folder / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">ii", 2049, n) + labels.numpy().tobytes())
    return images, labels


def test_full_mnist_under_root_is_used(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    images, labels = _write_idx(raw, "train", 30, 1)
    _write_idx(raw, "t10k", 20, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SubstituteDatasetWarning)
        d = load_dataset("mnist", root=tmp_path, download=False)
    assert d.name == "MNIST" and len(d.x_train) == 30 and len(d.x_test) == 20
    assert torch.equal(d.x_train[3], images[3].flatten().float() / 255)
    assert torch.equal(d.y_train, labels.long())


def test_bad_names_and_roots(tmp_path):
    with pytest.raises(ValueError, match="unknown dataset 'cifar'.*choose one of"):
        load_dataset("cifar")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_dataset("mnist", root=tmp_path / "nowhere", download=False)


@pytest.mark.parametrize("name", ["circles", "moons", "classification"])
def test_toy_sets(name):
    a, b = load_dataset(name, seed=3), load_dataset(name, seed=3)
    assert a.name == name and a.num_features == 2 and a.num_classes == 2
    assert torch.equal(a.x_train, b.x_train) and len(a.x_train) == 750 and len(a.x_test) == 250
    assert a.x_train.mean(0).abs().max() < 1e-5 and (a.x_train.std(0) - 1).abs().max() < 1e-2
    assert not torch.equal(a.x_train, load_dataset(name, seed=4).x_train)


@pytest.mark.skipif(not DEBIAN_FASHION.is_dir(), reason="Debian's dataset-fashion-mnist is not installed")
def test_fashion_mnist_from_debian(tmp_path):
    d = load_dataset("fashion-mnist", root=tmp_path)
    assert d.name == "Fashion-MNIST" and (len(d.x_train), len(d.x_test)) == (60000, 10000)


def test_batches_cover_every_sample_once():
    x, y = torch.arange(10.0)[:, None], torch.arange(10)
    got = list(batches(x, y, 4, torch.Generator().manual_seed(0)))
    assert [len(b[1]) for b in got] == [4, 4, 2]
    assert sorted(torch.cat([b[1] for b in got]).tolist()) == list(range(10))
    assert all(torch.equal(bx[:, 0].long(), by) for bx, by in got)
    with pytest.raises(ValueError, match="batch_size"):
        list(batches(x, y, 0))

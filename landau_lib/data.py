"""Datasets as in-memory tensors, and a batcher without per-sample Python work.

    mnist           torchvision MNIST under `root`; if absent and not downloadable, the bundled
                    MNIST-10k subset (data/mnist-10k), announced loudly and named "MNIST-10k"
    fashion-mnist   torchvision FashionMNIST under `root`, or Debian's dataset-fashion-mnist
    circles, moons, classification   scikit-learn toy sets, 2 features, standardised, seeded

Images become flat float32 vectors in [0, 1] (what ToTensor gives), the post's input.
"""
import gzip
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
BUNDLED_MNIST = REPO_DATA / "mnist-10k"
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
DATASETS = ("mnist", "fashion-mnist", "circles", "moons", "classification")
TOY_DATASETS = ("circles", "moons", "classification")


class SubstituteDatasetWarning(UserWarning):
    """Full MNIST was not available; the bundled MNIST-10k subset is used instead."""


@dataclass
class Dataset:
    name: str              # the dataset actually used: "MNIST", "MNIST-10k", "Fashion-MNIST", "moons", ...
    x_train: torch.Tensor  # (N, D) float32
    y_train: torch.Tensor  # (N,) int64
    x_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int
    source: str = ""       # where the files came from

    @property
    def num_features(self):
        return self.x_train.shape[1]

    def to(self, device):
        t = {k: getattr(self, k).to(device) for k in ("x_train", "y_train", "x_test", "y_test")}
        return Dataset(self.name, num_classes=self.num_classes, source=self.source, **t)

    def subset(self, n_train, n_test):
        """The first n_train / n_test samples (for quick runs); the name says it is a subset."""
        return Dataset(f"{self.name} (subset {min(n_train, len(self.x_train))}/{min(n_test, len(self.x_test))})",
                       self.x_train[:n_train], self.y_train[:n_train], self.x_test[:n_test], self.y_test[:n_test],
                       self.num_classes, self.source)

    def describe(self):
        return (f"{self.name}: {len(self.x_train)} train / {len(self.x_test)} test, "
                f"{self.num_features} features, {self.num_classes} classes ({self.source})")


def _images(ds):
    return ds.data.reshape(len(ds.data), -1).float().div_(255), ds.targets.long()


def _torchvision_pair(cls, root, download):
    train = cls(str(root), train=True, download=download)
    test = cls(str(root), train=False, download=download)
    return (*_images(train), *_images(test))


def _check_root(root):
    root = Path(root).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(
            f"data root {str(root)!r} does not exist; create it, point data_root at the folder that holds "
            "MNIST/raw (or FashionMNIST/raw), or pass data_root=None to use the repository's data/ folder")
    return root


def load_mnist(root=None, download=True):
    from torchvision.datasets import MNIST
    root = _check_root(root if root is not None else REPO_DATA)
    try:
        return Dataset("MNIST", *_torchvision_pair(MNIST, root, download=False), 10, source=str(root))
    except RuntimeError:
        pass
    if download:
        try:
            return Dataset("MNIST", *_torchvision_pair(MNIST, root, download=True), 10, source=str(root))
        except Exception as e:  # no network, blocked host, partial files ...
            reason = f"download failed ({type(e).__name__})"
    else:
        reason = "download=False"
    warnings.warn(
        f"\n*** full MNIST not found under {root}/MNIST/raw and {reason}: using the bundled MNIST-10k subset "
        f"(8,004 train / 1,996 test real MNIST digits, {BUNDLED_MNIST}). Every number from this run is an "
        "MNIST-10k number, not a full-MNIST one. ***", SubstituteDatasetWarning, stacklevel=3)
    return Dataset("MNIST-10k", *_torchvision_pair(MNIST, BUNDLED_MNIST, download=False), 10,
                   source=str(BUNDLED_MNIST))


def load_fashion_mnist(root=None, download=False):
    """Fashion-MNIST from root/FashionMNIST/raw, else from Debian's dataset-fashion-mnist package."""
    from torchvision.datasets import FashionMNIST
    root = _check_root(root if root is not None else REPO_DATA)
    try:
        return Dataset("Fashion-MNIST", *_torchvision_pair(FashionMNIST, root, download), 10, source=str(root))
    except Exception:
        if not DEBIAN_FASHION.is_dir():
            raise FileNotFoundError(
                f"Fashion-MNIST not found under {root}/FashionMNIST/raw nor in {DEBIAN_FASHION}; on Debian "
                "`apt-get install dataset-fashion-mnist` installs it offline") from None
    cache = Path.home() / ".cache" / "landau_lib"
    raw = cache / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for gz in DEBIAN_FASHION.glob("*-ubyte.gz"):   # torchvision reads the unpacked IDX files
        out = raw / gz.name[:-3]
        if not out.exists():
            with gzip.open(gz, "rb") as f, open(out.with_suffix(".tmp"), "wb") as g:
                shutil.copyfileobj(f, g)
            out.with_suffix(".tmp").replace(out)
    return Dataset("Fashion-MNIST", *_torchvision_pair(FashionMNIST, cache, False), 10, source=str(DEBIAN_FASHION))


def load_toy(name, n_samples=1000, noise=None, seed=0, test_size=0.25):
    """A 2-feature scikit-learn set, split (stratified, seeded) and standardised on the train part."""
    from sklearn import datasets as skd
    from sklearn.model_selection import train_test_split
    if name == "circles":
        x, y = skd.make_circles(n_samples, noise=0.1 if noise is None else noise, factor=0.5, random_state=seed)
    elif name == "moons":
        x, y = skd.make_moons(n_samples, noise=0.2 if noise is None else noise, random_state=seed)
    elif name == "classification":
        x, y = skd.make_classification(n_samples, n_features=2, n_informative=2, n_redundant=0,
                                       n_clusters_per_class=1, flip_y=0.0 if noise is None else noise,
                                       random_state=seed)
    else:
        raise ValueError(f"unknown toy dataset {name!r}; choose one of {TOY_DATASETS}")
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=test_size, stratify=y, random_state=seed)
    mean, std = xtr.mean(0), xtr.std(0)
    f = lambda a: torch.tensor((a - mean) / std, dtype=torch.float32)  # noqa: E731
    g = lambda a: torch.tensor(a, dtype=torch.int64)  # noqa: E731
    return Dataset(name, f(xtr), g(ytr), f(xte), g(yte), 2, source=f"sklearn make_{name}, seed {seed}")


def load_dataset(name, root=None, seed=0, download=True, **toy_kwargs):
    """Load a dataset by name (see DATASETS). `root` is the data root for the image sets."""
    key = name.lower().replace("_", "-")
    if key == "mnist":
        return load_mnist(root, download)
    if key == "fashion-mnist":
        return load_fashion_mnist(root)
    if key in TOY_DATASETS:
        return load_toy(key, seed=seed, **toy_kwargs)
    raise ValueError(f"unknown dataset {name!r}; choose one of {DATASETS}")


def batches(x, y, batch_size, generator=None, shuffle=True):
    """Yield (x, y) mini-batches by slicing a (seeded) permutation; no per-sample Python work."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    n = len(x)
    if shuffle:
        idx = torch.randperm(n, generator=generator).to(x.device)
        for i in range(0, n, batch_size):
            j = idx[i:i + batch_size]
            yield x[j], y[j]
    else:
        for i in range(0, n, batch_size):
            yield x[i:i + batch_size], y[i:i + batch_size]

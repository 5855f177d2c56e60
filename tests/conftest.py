import json
import os
import warnings

import pytest
import torch

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def small():
    """600 train / 200 test MNIST-10k digits: a real task, small enough for seconds."""
    from landau_lib import Dataset, load_dataset
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        d = load_dataset("mnist", download=False)
    return Dataset(d.name, d.x_train[:600], d.y_train[:600], d.x_test[:200], d.y_test[:200], 10, d.source)


def strip_times(h):
    """A history without its wall-clock times, for comparing two runs."""
    h = json.loads(json.dumps(h))
    for e in h["epochs"]:
        e.pop("time_s")
    return h

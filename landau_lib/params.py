"""Checks for notebook (papermill) parameters: a bad value fails at once with a message that
names the parameter, what is wrong and how to pass a good one."""
import torch

from .data import DATASETS


class ParameterError(ValueError):
    pass


def _fail(name, value, why, example):
    raise ParameterError(f"notebook parameter {name}={value!r}: {why}; e.g. papermill ... -p {name} {example}")


def check_params(dataset=None, epochs=None, batch_size=None, seed=None, seeds=None, device=None, quick=None,
                 datasets=DATASETS, **others):
    """Validate the common notebook parameters; returns nothing, raises ParameterError."""
    if dataset is not None and str(dataset).lower().replace("_", "-") not in datasets:
        _fail("dataset", dataset, f"unknown dataset, choose one of {list(datasets)}", datasets[0])
    if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1):
        _fail("epochs", epochs, "must be a whole number >= 1", 100)
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 2):
        _fail("batch_size", batch_size, "must be a whole number >= 2 (BatchNorm needs two samples)", 64)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        _fail("seed", seed, "must be a whole number >= 0", 0)
    if seeds is not None and (not isinstance(seeds, (list, tuple)) or not seeds
                              or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in seeds)):
        _fail("seeds", seeds, "must be a non-empty list of whole numbers >= 0 (pass it as YAML with -y)",
              "-y 'seeds: [0, 1, 2]'")
    if quick is not None and not isinstance(quick, bool):
        _fail("quick", quick, "must be True or False", "True")
    if device is not None:
        try:
            dev = torch.device(device)
        except (RuntimeError, TypeError):
            _fail("device", device, "is not a torch device", "cpu")
        if dev.type == "cuda" and not torch.cuda.is_available():
            _fail("device", device, "CUDA is not available on this machine", "cpu")
    for name, value in others.items():
        if value is None:
            _fail(name, value, "must be set", "...")

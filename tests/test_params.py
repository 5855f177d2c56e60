import pytest

from landau_lib.params import ParameterError, check_params


def test_good_parameters_pass():
    check_params(dataset="mnist", epochs=100, batch_size=64, seed=0, seeds=[0, 1, 2], device="cpu", quick=False)


@pytest.mark.parametrize("kwargs, match", [
    ({"dataset": "cifar10"}, r"dataset='cifar10': unknown dataset"),
    ({"epochs": -3}, r"epochs=-3: must be a whole number >= 1; e.g. papermill ... -p epochs 100"),
    ({"epochs": "10"}, "epochs='10'"),
    ({"batch_size": 1}, "batch_size=1"),
    ({"seeds": 3}, "seeds=3: must be a non-empty list"),
    ({"seeds": [0, -1]}, "seeds"),
    ({"quick": "yes"}, "quick='yes'"),
    ({"device": "gpu0"}, "device='gpu0': is not a torch device"),
])
def test_bad_parameters_say_what_to_do(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        check_params(**kwargs)

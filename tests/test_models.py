import pytest
import torch
from torch import nn

import landau_lib
from landau_lib import FCNet, LandauLayer, LandauNet


def test_public_names():
    for name in ("LandauLayer", "GinzburgLandauLoss", "allen_cahn_step", "LangevinLandau", "LandauNet", "FCNet"):
        assert hasattr(landau_lib, name)


@pytest.mark.parametrize("cls", [LandauNet, FCNet])
@pytest.mark.parametrize("hidden", [None, 156])
def test_output_shapes_and_topology(cls, hidden):
    m = cls(784, 10, hidden=hidden)
    assert m(torch.rand(8, 784)).shape == (8, 10)
    kinds = [type(x) for x in m.net]
    layer = LandauLayer if cls is LandauNet else nn.Linear
    if hidden is None:
        assert kinds == [layer, nn.BatchNorm1d, nn.Mish]
    else:
        assert kinds == [layer, nn.BatchNorm1d, nn.Mish, layer, nn.Mish]
        assert m.net[0].out_features == 156


def test_options():
    m = LandauNet(2, 3, hidden=4, activation="rrelu", batchnorm=False, beta_mode="field", beta_init=0.2)
    assert isinstance(m.net[1], nn.Identity) and isinstance(m.net[2], nn.RReLU)
    assert m.net[0].beta.shape == (4,) and m.net[3].beta.shape == (3,)
    assert m.net[0].beta[0].item() == pytest.approx(0.2)
    with pytest.raises(ValueError, match="activation"):
        LandauNet(2, 3, activation="gelu2")


@pytest.mark.parametrize("cls", [LandauNet, FCNet])
def test_wrong_input_width(cls):
    with pytest.raises(ValueError, match=r"expects input of shape \(batch, 784\)"):
        cls(784, 10)(torch.rand(4, 28, 28))

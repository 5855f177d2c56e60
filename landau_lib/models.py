"""LandauNet (the post's ExperimentalNet) and FCNet, the same topology with nn.Linear.

hidden=None : layer(in, out) -> BatchNorm -> act                      (the post's 1-layer net)
hidden=h    : layer(in, h) -> BatchNorm -> act -> layer(h, out) -> act  (the post's 2-layer net)
"""
from torch import nn

from .layer import LandauLayer

ACTIVATIONS = {"mish": nn.Mish, "rrelu": nn.RReLU, "relu": nn.ReLU, "identity": nn.Identity}


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]()


class _Net(nn.Module):
    def __init__(self, make_layer, in_features, out_features, hidden, activation, batchnorm):
        super().__init__()
        if hidden is not None and hidden < 1:
            raise ValueError(f"hidden must be None (1-layer net) or a positive width, got {hidden}")
        self.in_features, self.out_features, self.hidden = in_features, out_features, hidden
        first = out_features if hidden is None else hidden
        layers = [make_layer(in_features, first), nn.BatchNorm1d(first) if batchnorm else nn.Identity(),
                  _activation(activation)]
        if hidden is not None:
            layers += [make_layer(hidden, out_features), _activation(activation)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        if x.dim() != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"{type(self).__name__} expects input of shape (batch, {self.in_features}), got "
                             f"{tuple(x.shape)}; flatten images (x.view(len(x), -1)) or set in_features to "
                             "the dataset's num_features")
        return self.net(x)

    @property
    def depth(self):
        return 1 if self.hidden is None else 2


class LandauNet(_Net):
    def __init__(self, in_features, out_features, hidden=None, activation="mish", batchnorm=True,
                 beta_init=1e-3, beta_mode="scalar", positions="index"):
        def make(i, o):
            return LandauLayer(i, o, beta_init=beta_init, beta_mode=beta_mode, positions=positions)
        super().__init__(make, in_features, out_features, hidden, activation, batchnorm)


class FCNet(_Net):
    """Same signature as LandauNet; beta_init, beta_mode and positions are accepted and unused."""
    def __init__(self, in_features, out_features, hidden=None, activation="mish", batchnorm=True,
                 beta_init=1e-3, beta_mode="scalar", positions="index"):
        super().__init__(lambda i, o: nn.Linear(i, o), in_features, out_features, hidden, activation, batchnorm)


def landau_layers(model):
    """The Landau layers of a model, in order, with their names."""
    return [(n, m) for n, m in model.named_modules() if isinstance(m, LandauLayer)]

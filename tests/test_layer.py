import pytest
import torch

from landau_lib import LandauLayer


def per_sample_weight_formula(layer, x):
    """The post's forward, written out: build W_b for every sample, then phi_b = W_b x_b."""
    B, n_in = x.shape
    out = torch.empty(B, layer.out_features, dtype=x.dtype)
    beta = layer.beta.detach()
    for b in range(B):
        t_dyn = layer.t.detach() * torch.sigmoid(x[b].mean())
        for o in range(layer.out_features):
            bo = beta if beta.dim() == 0 else beta[o]
            w = layer.weight.detach()[o] * (torch.arange(n_in, dtype=x.dtype) * torch.cosh(5 * bo)
                                            + t_dyn * torch.sinh(5 * bo))
            out[b, o] = (w * x[b]).sum()
    return out


@pytest.mark.parametrize("mode", ["scalar", "field"])
def test_forward_equals_per_sample_formula(mode):
    torch.manual_seed(1)
    layer = LandauLayer(7, 5, beta_init=0.3, beta_mode=mode).double()
    with torch.no_grad():
        layer.t.fill_(-1.7)
        if mode == "field":
            layer.beta.copy_(torch.linspace(-0.4, 0.5, 5))
    x = torch.randn(6, 7, dtype=torch.float64)
    got = layer(x).detach()
    ref = per_sample_weight_formula(layer, x)
    assert got.shape == (6, 5)
    assert ((got - ref).abs().max() / ref.abs().max()).item() < 1e-10


def test_parameters_and_init():
    layer = LandauLayer(4, 3)
    assert layer.weight.shape == (3, 4) and layer.beta.shape == () and layer.t.shape == (1,)
    assert layer.beta.item() == pytest.approx(1e-3) and layer.t.item() == 1.0
    assert LandauLayer(4, 3, beta_mode="field").beta.shape == (3,)
    assert not any("bias" in n for n, _ in layer.named_parameters())
    # Xavier normal: std sqrt(2 / (fan_in + fan_out))
    big = LandauLayer(400, 600)
    assert big.weight.std().item() == pytest.approx((2 / 1000) ** 0.5, rel=0.05)


@pytest.mark.parametrize("mode", ["scalar", "field"])
def test_gradients_match_per_sample_formula(mode):
    torch.manual_seed(2)
    a = LandauLayer(6, 4, beta_init=0.2, beta_mode=mode).double()
    x = torch.randn(5, 6, dtype=torch.float64, requires_grad=True)
    a(x).pow(2).sum().backward()
    got = [p.grad.clone() for p in (a.weight, a.beta, a.t)] + [x.grad.clone()]
    for p in a.parameters():
        p.grad = None
    x2 = x.detach().clone().requires_grad_(True)
    # autograd through the explicit per-sample construction (vectorised, still (B, out, in))
    beta = a.beta if a.beta.dim() == 0 else a.beta[:, None]
    t_dyn = a.t * torch.sigmoid(x2.mean(1))[:, None, None]
    w = a.weight * (torch.arange(6, dtype=torch.float64) * torch.cosh(5 * beta) + t_dyn * torch.sinh(5 * beta))
    torch.bmm(w, x2[:, :, None]).pow(2).sum().backward()
    ref = [a.weight.grad, a.beta.grad, a.t.grad, x2.grad]
    for g, r in zip(got, ref):
        assert torch.allclose(g, r, rtol=1e-10, atol=1e-12)


def test_large_layer_runs_without_per_sample_tensor():
    # the (B, out, in) tensor would be 4096*4096*1024*4 bytes = 64 GiB
    layer = LandauLayer(1024, 4096)
    with torch.no_grad():
        out = layer(torch.rand(4096, 1024))
    assert out.shape == (4096, 4096) and torch.isfinite(out).all()


@pytest.mark.parametrize("shape", [(3, 5), (3,), (2, 3, 4)])
def test_wrong_input_shape_says_what_to_do(shape):
    layer = LandauLayer(4, 2)
    with pytest.raises(ValueError, match=r"expects input of shape \(batch, 4\)"):
        layer(torch.rand(*shape))


def test_bad_beta_mode():
    with pytest.raises(ValueError, match="beta_mode"):
        LandauLayer(3, 2, beta_mode="vector")


def test_scalar_backward_passes_gradcheck():
    from landau_lib.layer import ScalarLandauFunction
    torch.manual_seed(3)
    x = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 5, dtype=torch.float64, requires_grad=True)
    beta = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    t = torch.tensor([0.7], dtype=torch.float64, requires_grad=True)
    a = torch.arange(5, dtype=torch.float64)
    assert torch.autograd.gradcheck(ScalarLandauFunction.apply, (x, w, beta, t, a))
    # a layer with frozen beta (Recipe(beta_grad=False)) still trains W and t
    layer = LandauLayer(5, 3).double()
    layer.beta.requires_grad_(False)
    layer(x).sum().backward()
    assert layer.beta.grad is None and layer.weight.grad is not None and layer.t.grad is not None

"""The same library on a GPU: results agree with the CPU, a resumed CUDA run equals an uninterrupted one.

Skipped where torch sees no CUDA device (CI has none); run on a GPU machine with
    python -m pytest -q tests/test_cuda.py
"""
import pytest
import torch
from conftest import strip_times

from landau_lib import STANDARD_RECIPE, GinzburgLandauLoss, LandauLayer, LangevinLandau, make_model, train

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


def grads_of(layer, x, g):
    layer.zero_grad(set_to_none=True)
    x = x.clone().requires_grad_(True)
    out = layer(x)
    (out * g).sum().backward()
    return [out.detach()] + [p.grad.detach() for p in (layer.weight, layer.beta, layer.t)] + [x.grad.detach()]


@pytest.mark.parametrize("mode", ["scalar", "field"])
def test_layer_on_cuda_equals_cpu(mode):
    torch.manual_seed(3)
    layer = LandauLayer(20, 7, beta_init=0.25, beta_mode=mode).double()
    with torch.no_grad():
        layer.t.fill_(-0.6)
        if mode == "field":
            layer.beta.copy_(torch.linspace(-0.4, 0.5, 7))
    x, g = torch.randn(9, 20, dtype=torch.float64), torch.randn(9, 7, dtype=torch.float64)
    on_cpu = grads_of(layer, x, g)
    on_gpu = grads_of(layer.cuda(), x.cuda(), g.cuda())
    for a, b in zip(on_cpu, on_gpu):
        assert b.is_cuda
        torch.testing.assert_close(b.cpu(), a, rtol=1e-10, atol=1e-12)
    layer.update_beta(torch.tensor(0.5, device="cuda"), dt=0.1)
    assert layer.beta.is_cuda and layer.beta_prev.is_cuda


def test_loss_on_cuda_equals_cpu():
    out, y = torch.randn(16, 10, dtype=torch.float64), torch.randint(0, 10, (16,))
    loss = GinzburgLandauLoss()
    torch.testing.assert_close(loss(out.cuda(), y.cuda()).cpu(), loss(out, y), rtol=1e-12, atol=0)


def test_langevin_on_cuda_at_zero_temperature_equals_cpu():
    ps = [torch.nn.Parameter(torch.randn(5, 3, dtype=torch.float64)) for _ in range(2)]
    qs = [torch.nn.Parameter(p.detach().cuda()) for p in ps]
    opts = [LangevinLandau(ps, lr=0.1, damping=0.2, temperature=0.0),
            LangevinLandau(qs, lr=0.1, damping=0.2, temperature=0.0)]
    for _ in range(3):
        g = [torch.randn_like(p) for p in ps]
        for p, q, gi in zip(ps, qs, g):
            p.grad, q.grad = gi, gi.cuda()
        for o in opts:
            o.step()
    for p, q in zip(ps, qs):
        torch.testing.assert_close(q.detach().cpu(), p.detach(), rtol=1e-12, atol=0)


def test_langevin_noise_on_cuda_has_the_right_std():
    lr, damp, T = 1e-2, 1e-3, 8e-3
    p = torch.nn.Parameter(torch.zeros(200_000, dtype=torch.float64, device="cuda"))
    opt = LangevinLandau([p], lr=lr, damping=damp, temperature=T,
                         generator=torch.Generator(device="cuda").manual_seed(0))
    p.grad = torch.zeros_like(p)
    opt.step()
    assert p.std().item() == pytest.approx((2 * damp * lr * T) ** 0.5, rel=0.02)


def test_training_on_cuda_resumes_exactly(small, tmp_path):
    def model():
        return make_model("landau", small, hidden=16, seed=1, activation="rrelu")
    full_model = model()
    full = train(full_model, small, epochs=2, seed=1, device="cuda", progress=False, run_dir=tmp_path / "a")
    train(model(), small, epochs=1, seed=1, device="cuda", progress=False, run_dir=tmp_path / "b")
    resumed_model = model()
    resumed = train(resumed_model, small, epochs=2, seed=1, device="cuda", progress=False,
                    run_dir=tmp_path / "b", resume=True)
    assert full["meta"]["device"] == "cuda" and strip_times(full) == strip_times(resumed)
    for p, q in zip(full_model.state_dict().values(), resumed_model.state_dict().values()):
        assert p.is_cuda and torch.equal(p, q)


def test_standard_recipe_learns_on_cuda(small):
    h = train(make_model("fc", small, seed=0), small, STANDARD_RECIPE, epochs=3, device="cuda", progress=False)
    assert h["epochs"][-1]["test_acc"] > 0.75

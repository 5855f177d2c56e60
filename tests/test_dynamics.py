import pytest
import torch

from landau_lib import LandauLayer, allen_cahn_step


def test_scalar_step_equals_formula():
    b, dt = torch.tensor(0.4, dtype=torch.float64), 1e-3
    # scalar: no Laplacian, beta_t = 0 without beta_prev
    assert allen_cahn_step(b, dt).item() == pytest.approx(0.4 + dt * (0.4 - 0.4**3), rel=1e-14)
    assert allen_cahn_step(b, dt, force=0.25).item() == pytest.approx(0.4 + dt * (0.4 - 0.064 + 0.25), rel=1e-14)
    # with the previous step's beta (the post's text): beta_t = (beta - beta_prev) / dt
    prev = torch.tensor(0.39, dtype=torch.float64)
    expect = 0.4 + dt * ((0.4 - 0.39) / dt + 0.4 - 0.4**3)
    assert allen_cahn_step(b, dt, beta_prev=prev).item() == pytest.approx(expect, rel=1e-14)


def test_field_step_equals_formula():
    b = torch.tensor([0.1, -0.5, 0.3, 0.9], dtype=torch.float64)
    f = torch.tensor([0.2, 0.0, -0.1, 0.05], dtype=torch.float64)
    dt = 0.01
    got = allen_cahn_step(b, dt, force=f)
    for i in range(4):
        lap = b[(i + 1) % 4] - 2 * b[i] + b[i - 1]      # periodic
        expect = b[i] + dt * (-lap + b[i] - b[i] ** 3 + f[i])
        assert got[i].item() == pytest.approx(expect.item(), rel=1e-13)


def test_pure_reaction_follows_analytic_solution():
    # d beta / ds = beta - beta^3  =>  beta(s) = b0 e^s / sqrt(1 + b0^2 (e^{2s} - 1))
    b0, dt, n = 1e-3, 1e-3, 3000
    b = torch.tensor(b0, dtype=torch.float64)
    for _ in range(n):
        b = allen_cahn_step(b, dt)
    s = torch.tensor(dt * n, dtype=torch.float64)
    exact = b0 * torch.exp(s) / torch.sqrt(1 + b0**2 * (torch.exp(2 * s) - 1))
    assert b.item() == pytest.approx(exact.item(), rel=2e-3)


def test_layer_update_beta_force_from_d_loss():
    layer = LandauLayer(3, 4, beta_mode="field").double()
    with torch.no_grad():
        layer.beta.copy_(torch.tensor([0.1, 0.2, -0.3, 0.4]))
    b = layer.beta.detach().clone()
    d = torch.tensor([1.0, 3.0, 2.0, 5.0], dtype=torch.float64)
    layer.update_beta(d, dt=0.01, kappa=0.5)
    force = -0.5 * (torch.roll(d, -1) - torch.roll(d, 1)) / 2
    assert torch.allclose(layer.beta.detach(), allen_cahn_step(b, 0.01, force), rtol=1e-14)


def test_layer_update_beta_scalar_loss_gives_no_force():
    layer = LandauLayer(3, 2, beta_init=0.5).double()
    layer.update_beta(torch.tensor(123.0), dt=1e-3, kappa=1.0)
    assert layer.beta.item() == pytest.approx(0.5 + 1e-3 * (0.5 - 0.125), rel=1e-14)


def test_layer_update_beta_with_beta_t():
    layer = LandauLayer(3, 2, beta_init=0.5).double()
    layer.update_beta(0.0, dt=0.1, use_beta_t=True)        # first step: beta_prev = beta, beta_t = 0
    b1 = 0.5 + 0.1 * (0.5 - 0.125)
    assert layer.beta.item() == pytest.approx(b1, rel=1e-14)
    layer.update_beta(0.0, dt=0.1, use_beta_t=True)
    b2 = b1 + 0.1 * ((b1 - 0.5) / 0.1 + b1 - b1**3)
    assert layer.beta.item() == pytest.approx(b2, rel=1e-14)


def test_update_beta_shape_mismatch():
    layer = LandauLayer(3, 4, beta_mode="field")
    with pytest.raises(ValueError, match="beta's shape"):
        layer.update_beta(torch.zeros(3))


def test_allen_cahn_solution_helper():
    from landau_lib.dynamics import allen_cahn_solution
    b = torch.tensor(-0.2, dtype=torch.float64)
    for _ in range(2000):
        b = allen_cahn_step(b, 1e-3)
    assert allen_cahn_solution(-0.2, 2.0).item() == pytest.approx(b.item(), rel=2e-3)
    assert allen_cahn_solution(1e-3, 50.0).item() == pytest.approx(1.0)        # saturates at the well

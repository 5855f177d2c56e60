import copy
import math

import pytest
import torch

from landau_lib import LangevinLandau


@pytest.mark.parametrize("foreach", [True, False])
def test_two_steps_at_zero_temperature_equal_heavy_ball(foreach):
    lr, damp = 0.1, 0.25
    p = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
    q = torch.nn.Parameter(torch.tensor([[0.5]], dtype=torch.float64))
    opt = LangevinLandau([p, q], lr=lr, damping=damp, temperature=0.0, foreach=foreach)
    f64 = dict(dtype=torch.float64)
    g1 = (torch.tensor([0.3, -0.1], **f64), torch.tensor([[2.0]], **f64))
    g2 = (torch.tensor([-0.2, 0.4], **f64), torch.tensor([[-1.0]], **f64))
    for prm, g in zip((p, q), g1):
        prm.grad = g
    opt.step()
    for prm, g in zip((p, q), g2):
        prm.grad = g
    opt.step()
    # by hand: v1 = -lr g1, theta1 = theta0 + v1; v2 = (1-damp) v1 - lr g2, theta2 = theta1 + v2
    for prm, x0, a, b in ((p, [1.0, -2.0], [0.3, -0.1], [-0.2, 0.4]), (q, [0.5], [2.0], [-1.0])):
        v1 = [-lr * ai for ai in a]
        v2 = [(1 - damp) * v - lr * bi for v, bi in zip(v1, b)]
        expect = [x + u + w for x, u, w in zip(x0, v1, v2)]
        assert prm.detach().flatten().tolist() == pytest.approx(expect, rel=1e-14)
        assert opt.state[prm]["velocity"].flatten().tolist() == pytest.approx(v2, rel=1e-14)


def test_noise_std_with_zero_gradient():
    lr, damp, T = 1e-2, 1e-3, 8e-3
    p = torch.nn.Parameter(torch.zeros(200_000, dtype=torch.float64))
    opt = LangevinLandau([p], lr=lr, damping=damp, temperature=T, generator=torch.Generator().manual_seed(0))
    p.grad = torch.zeros_like(p)
    opt.step()
    expect = math.sqrt(2 * damp * lr * T)
    assert p.detach().std().item() == pytest.approx(expect, rel=0.02)
    assert abs(p.detach().mean().item()) < 5 * expect / math.sqrt(p.numel())


def test_generator_makes_noise_reproducible_and_foreach_equals_loop():
    def run(foreach):
        p = torch.nn.Parameter(torch.zeros(5))
        r = torch.nn.Parameter(torch.ones(2, 3))
        opt = LangevinLandau([p, r], generator=torch.Generator().manual_seed(7), foreach=foreach)
        for _ in range(3):
            p.grad, r.grad = torch.full((5,), 0.1), torch.full((2, 3), -0.2)
            opt.step()
        return torch.cat([p.detach().flatten(), r.detach().flatten()])
    assert torch.equal(run(True), run(True))
    assert torch.equal(run(True), run(False))


def test_state_dict_round_trip_and_param_groups():
    a, b = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(2))
    opt = LangevinLandau([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, temperature=0)
    a.grad, b.grad = torch.ones(3), torch.ones(2)
    opt.step()
    assert b.detach().tolist() == pytest.approx([0.5, 0.5]) and a.detach().tolist() == pytest.approx([0.9] * 3)
    sd = copy.deepcopy(opt.state_dict())
    a2, b2 = torch.nn.Parameter(a.detach().clone()), torch.nn.Parameter(b.detach().clone())
    opt2 = LangevinLandau([{"params": [a2]}, {"params": [b2], "lr": 0.5}], lr=0.1, temperature=0)
    opt2.load_state_dict(sd)
    for o, x in ((opt, a), (opt2, a2)):
        x.grad = torch.zeros(3)
    opt.step(); opt2.step()
    assert torch.equal(a, a2)     # the velocity carried over


def test_closure_and_missing_grad():
    p = torch.nn.Parameter(torch.tensor([2.0]))
    unused = torch.nn.Parameter(torch.tensor([5.0]))
    opt = LangevinLandau([p, unused], lr=0.1, temperature=0)

    def closure():
        opt.zero_grad()
        loss = (p ** 2).sum()
        loss.backward()
        return loss
    assert opt.step(closure).item() == 4.0
    assert p.item() == pytest.approx(2.0 - 0.1 * 4.0) and unused.item() == 5.0


@pytest.mark.parametrize("kw", [{"lr": -1}, {"damping": 2.0}, {"temperature": float("nan")}])
def test_bad_hyperparameters(kw):
    with pytest.raises(ValueError):
        LangevinLandau([torch.nn.Parameter(torch.ones(1))], **kw)


def test_prefetched_noise_is_the_same_noise_and_survives_state_dict():
    def make(prefetch):
        p = torch.nn.Parameter(torch.zeros(1000))
        return p, LangevinLandau([p], generator=torch.Generator().manual_seed(3), prefetch=prefetch)

    def steps(p, opt, n):
        for _ in range(n):
            p.grad = torch.full_like(p, 0.01)
            opt.step()
    (a, oa), (b, ob) = make(True), make(False)
    steps(a, oa, 5); steps(b, ob, 5)
    assert torch.equal(a, b)
    # save after 2 steps, restore into a fresh optimizer + generator, continue: same as uninterrupted
    (c, oc) = make(True)
    steps(c, oc, 2)
    sd, gstate = copy.deepcopy(oc.state_dict()), oc.generator.get_state()
    (d, od) = make(True)
    with torch.no_grad():
        d.copy_(c)
    od.load_state_dict(sd)
    od.generator.set_state(gstate)
    steps(d, od, 3)
    assert torch.equal(d, a)

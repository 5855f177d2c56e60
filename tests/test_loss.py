import pytest
import torch

from landau_lib import GinzburgLandauLoss

PHI = [[2.0, -1.0, 0.0], [0.5, 1.0, -4.0], [-3.0, 1.5, 0.75], [0.2, 0.1, 0.4]]
TARGET = [0, 2, 1, 1]


def density_by_hand(phi, target, alpha, gamma, spatial_dim):
    """Plain-Python loops over the post's formula."""
    B, C = len(phi), len(phi[0])
    norm = [[v / max(abs(u) for u in row) for v in row] for row in phi]
    out = [[0.0] * C for _ in range(B)]
    for b in range(B):
        for c in range(C):
            d = norm[b][c] - (1.0 if target[b] == c else 0.0)
            if spatial_dim == 0:
                dx = (norm[(b + 1) % B][c] - norm[b - 1][c]) / 2
            else:
                dx = (norm[b][(c + 1) % C] - norm[b][c - 1]) / 2
            out[b][c] = alpha * d**2 - gamma * d**4 + 0.5 * dx**2
    return out


@pytest.mark.parametrize("spatial_dim", [0, 1])
def test_density_and_loss_equal_formula(spatial_dim):
    loss = GinzburgLandauLoss(alpha=0.0095, gamma=6.5, spatial_dim=spatial_dim)
    phi = torch.tensor(PHI, dtype=torch.float64)
    target = torch.tensor(TARGET)
    ref = density_by_hand(PHI, TARGET, 0.0095, 6.5, spatial_dim)
    got = loss.density(phi, target)
    assert torch.allclose(got, torch.tensor(ref, dtype=torch.float64), rtol=1e-12, atol=1e-15)
    mean = sum(map(sum, ref)) / (len(ref) * len(ref[0]))
    assert loss(phi, target).item() == pytest.approx(abs(mean), rel=1e-12)
    assert GinzburgLandauLoss(spatial_dim=spatial_dim, absolute=False)(phi, target).item() == pytest.approx(mean)


def test_other_coefficients():
    phi, target = torch.tensor(PHI, dtype=torch.float64), torch.tensor(TARGET)
    ref = density_by_hand(PHI, TARGET, 0.5, 0.1, 0)
    got = GinzburgLandauLoss(alpha=0.5, gamma=0.1).density(phi, target)
    assert torch.allclose(got, torch.tensor(ref, dtype=torch.float64), rtol=1e-12)


def test_zero_row_is_not_nan():
    phi = torch.tensor([[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]], requires_grad=True)
    loss = GinzburgLandauLoss()(phi, torch.tensor([1, 0]))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(phi.grad).all()


@pytest.mark.parametrize("bad", [10, -1])
def test_label_out_of_range_is_named(bad):
    phi = torch.randn(3, 10)
    with pytest.raises(ValueError, match=f"label {bad} at position 1"):
        GinzburgLandauLoss()(phi, torch.tensor([0, bad, 3]))


def test_float_labels_and_shape_errors():
    with pytest.raises(ValueError, match="integer"):
        GinzburgLandauLoss()(torch.randn(3, 4), torch.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="3 outputs but 2 labels"):
        GinzburgLandauLoss()(torch.randn(3, 4), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="spatial_dim"):
        GinzburgLandauLoss(spatial_dim=2)

"""Allen-Cahn dynamics of the Landau layer's beta (the post's "Beta Update Equations").

    beta <- beta + dt * (beta_t - beta_xx + beta - beta**3 + force)

beta_xx is the periodic discrete Laplacian along the field (zero for a scalar beta) and
beta_t = (beta - beta_prev) / dt. The post's code computes beta_t from beta and a detached
copy of itself, i.e. zero: that is what `beta_prev=None` gives (the default).
"""
import torch


def laplacian(field: torch.Tensor) -> torch.Tensor:
    """Periodic second difference f[i+1] - 2 f[i] + f[i-1] along the last dim; 0 for a scalar."""
    if field.dim() == 0:
        return torch.zeros_like(field)
    return torch.roll(field, -1, -1) - 2 * field + torch.roll(field, 1, -1)


def central_difference(field: torch.Tensor) -> torch.Tensor:
    """Periodic (f[i+1] - f[i-1]) / 2 along the last dim; 0 for a scalar."""
    if field.dim() == 0:
        return torch.zeros_like(field)
    return (torch.roll(field, -1, -1) - torch.roll(field, 1, -1)) / 2


def allen_cahn_step(beta, dt, force=0.0, beta_prev=None):
    """One explicit Euler step of the Allen-Cahn equation; returns the new beta (no in-place)."""
    if dt <= 0:
        raise ValueError(f"allen_cahn_step: dt must be positive, got {dt}")
    beta_t = 0.0 if beta_prev is None else (beta - beta_prev) / dt
    return beta + dt * (beta_t - laplacian(beta) + beta - beta**3 + force)


def allen_cahn_solution(beta0, s):
    """Exact solution of the pure reaction d(beta)/ds = beta - beta^3 (no Laplacian, no force, beta_t = 0):
    beta(s) = beta0 e^s / sqrt(1 + beta0^2 (e^{2s} - 1)). After n steps of size dt, s = n * dt."""
    s = torch.as_tensor(s, dtype=torch.float64)
    e = torch.exp(s)
    return beta0 * e / torch.sqrt(1 + beta0**2 * (e * e - 1))

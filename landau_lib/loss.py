"""The Ginzburg-Landau loss of the post.

    L = | mean( alpha d^2 - gamma d^4 + 1/2 phi_x^2 ) |,
    phi_n = phi / max_c |phi|  (per sample),   d = phi_n - onehot(target),
    phi_x = (roll(phi_n, -1) - roll(phi_n, +1)) / 2   along `spatial_dim`.

spatial_dim=0 is what the post's code does (the derivative runs along the batch);
spatial_dim=1 runs along the classes. The target's own normalisation in the post,
onehot / max|onehot|, is the one-hot vector itself. `eps` only guards an all-zero row
(max |phi| is clamped to at least eps), so every other row is normalised exactly as in the post.
"""
import torch
from torch import nn
import torch.nn.functional as F


def check_labels(target, num_classes):
    """Raise a ValueError that names the first bad label; return target as int64."""
    if target.dim() != 1 or target.dtype.is_floating_point or target.dtype == torch.bool:
        raise ValueError(f"labels must be a 1-d integer tensor of class indices, got dtype {target.dtype} "
                         f"and shape {tuple(target.shape)}")
    bad = (target < 0) | (target >= num_classes)
    if bad.any():
        i = int(bad.nonzero()[0, 0])
        raise ValueError(f"label {int(target[i])} at position {i} is outside [0, {num_classes}); "
                         f"the model has {num_classes} outputs: check the labels or out_features")
    return target.long()


class GinzburgLandauLoss(nn.Module):
    def __init__(self, alpha=0.0095, gamma=6.5, spatial_dim=0, eps=1e-8, absolute=True):
        super().__init__()
        if spatial_dim not in (0, 1):
            raise ValueError(f"spatial_dim must be 0 (along the batch, the post's code) or 1 (along classes), "
                             f"got {spatial_dim}")
        self.alpha, self.gamma, self.spatial_dim, self.eps = alpha, gamma, spatial_dim, eps
        self.absolute = absolute   # False drops the outer |.|, one of the documented alternative readings

    def extra_repr(self):
        return f"alpha={self.alpha}, gamma={self.gamma}, spatial_dim={self.spatial_dim}"

    def density(self, phi, target):
        """The (B, C) tensor alpha d^2 - gamma d^4 + phi_x^2 / 2 whose mean is the loss."""
        if phi.dim() != 2:
            raise ValueError(f"phi must have shape (batch, classes), got {tuple(phi.shape)}")
        if target.shape[:1] != phi.shape[:1]:
            raise ValueError(f"{phi.shape[0]} outputs but {target.shape[0] if target.dim() else 0} labels")
        target = check_labels(target, phi.shape[1])
        scale = phi.abs().amax(dim=1, keepdim=True).clamp_min(self.eps)
        phi_n = phi / scale
        d = phi_n - F.one_hot(target, phi.shape[1]).to(phi.dtype)
        phi_x = (torch.roll(phi_n, -1, self.spatial_dim) - torch.roll(phi_n, 1, self.spatial_dim)) / 2
        d2 = d * d
        return self.alpha * d2 - self.gamma * d2 * d2 + 0.5 * phi_x * phi_x

    def forward(self, phi, target):
        m = self.density(phi, target).mean()
        return m.abs() if self.absolute else m

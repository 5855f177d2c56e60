"""The Landau layer: a linear map whose weights depend on beta and on the input.

Per sample b the post builds the weight matrix

    W_b[o, i] = W[o, i] * (a_i * cosh(5 beta) + t_dyn[b] * sinh(5 beta)),
    a_i = i (0-based input position),  t_dyn[b] = t * sigmoid(mean_i x[b, i]),

and returns phi[b] = W_b @ x[b]. Materialising W_b costs B*out*in floats (64 GiB for
B=4096, 1024->4096). We never do: the sum splits into two matrix products

    phi = cosh(5 beta) * ((x * a) @ W.T) + sinh(5 beta) * t_dyn * (x @ W.T).

For a scalar beta the factor m[b, i] = a_i cosh + t_dyn[b] sinh does not depend on o, so it is
folded into the input and one product is enough: phi = (x * m) @ W.T. That case has a
hand-written backward (ScalarLandauFunction), tested against autograd and the per-sample formula.
"""
import torch
from torch import nn

from .dynamics import allen_cahn_step, central_difference

BETA_MODES = ("scalar", "field")
POSITIONS = ("index", "ones")


class ScalarLandauFunction(torch.autograd.Function):
    """phi = (x * m) @ W.T with m = a cosh(5 beta) + t sigmoid(mean x) sinh(5 beta), scalar beta.

    Backward, with G = dL/dphi, H = G @ W = dL/d(x*m), P = H * x:
        dW = G.T @ (x * m)
        dbeta = 5 (sinh * sum_i a_i sum_b P + cosh * sum_b t_dyn_b sum_i P)
        dt = sinh * sum_b sigmoid_b sum_i P
        dx = H * m + (sinh * sum_i P) * t * sigmoid' / in_features
    """
    @staticmethod
    def forward(ctx, x, weight, beta, t, a):
        sig = torch.sigmoid(x.mean(dim=1, keepdim=True))          # (B, 1)
        t_dyn = t * sig
        c, s = torch.cosh(5 * beta), torch.sinh(5 * beta)
        m = torch.addcmul(a * c, t_dyn, s)                          # (B, in)
        xm = x * m
        ctx.save_for_backward(x, weight, t, a, sig, m, xm, c, s)
        return xm @ weight.T

    @staticmethod
    def backward(ctx, grad):
        x, weight, t, a, sig, m, xm, c, s = ctx.saved_tensors
        grad = grad.contiguous()          # e.g. the expanded ones of .sum().backward()
        need_x, need_w, need_beta, need_t, _ = ctx.needs_input_grad
        dx = dw = dbeta = dt = None
        if need_w:
            dw = grad.T @ xm
        if need_x or need_beta or need_t:
            h = grad @ weight                                       # dL/d(x*m), (B, in)
            p = h * x
            row = p.sum(dim=1, keepdim=True)                        # (B, 1)
            sig_row = (sig * row).sum()
            if need_beta:
                dbeta = (5 * (s * (p.sum(dim=0) @ a) + c * t * sig_row)).reshape(c.shape)
            if need_t:
                dt = (s * sig_row).reshape(1)
            if need_x:
                dx = h * m + (s * t / x.shape[1]) * row * sig * (1 - sig)
        return dx, dw, dbeta, dt, None


class LandauLayer(nn.Module):
    def __init__(self, in_features, out_features, beta_init=1e-3, beta_mode="scalar", positions="index"):
        """positions="index" is the post's a_i = i; "ones" (a_i = 1) is an option for ablations."""
        super().__init__()
        if beta_mode not in BETA_MODES:
            raise ValueError(f"LandauLayer: beta_mode must be one of {BETA_MODES}, got {beta_mode!r}")
        if positions not in POSITIONS:
            raise ValueError(f"LandauLayer: positions must be one of {POSITIONS}, got {positions!r}")
        if in_features < 1 or out_features < 1:
            raise ValueError(f"LandauLayer: sizes must be positive, got {in_features}->{out_features}")
        self.in_features, self.out_features, self.beta_mode = in_features, out_features, beta_mode
        self.positions = positions
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        nn.init.xavier_normal_(self.weight)
        shape = () if beta_mode == "scalar" else (out_features,)
        self.beta = nn.Parameter(torch.full(shape, float(beta_init)))
        self.t = nn.Parameter(torch.ones(1))
        # a_i = i, the post's position weights; a buffer so that it follows .to(device)
        a = torch.arange(in_features, dtype=torch.float32) if positions == "index" else torch.ones(in_features)
        self.register_buffer("position", a, persistent=False)
        # beta at the previous Allen-Cahn step, for the post's text reading of beta_t
        self.register_buffer("beta_prev", self.beta.detach().clone())

    def extra_repr(self):
        return f"{self.in_features}->{self.out_features}, beta_mode={self.beta_mode!r}, positions={self.positions!r}"

    def t_dynamic(self, x):
        """t_dyn[b] = t * sigmoid(mean_i x[b, i]), shape (B, 1)."""
        return self.t * torch.sigmoid(x.mean(dim=1, keepdim=True))

    def forward(self, x):
        if x.dim() != 2 or x.shape[1] != self.in_features:
            raise ValueError(
                f"LandauLayer expects input of shape (batch, {self.in_features}), got {tuple(x.shape)}; "
                "flatten images first (x.view(len(x), -1)) or build the layer with the right in_features")
        a = self.position.to(x.dtype)
        if self.beta_mode == "scalar":
            return ScalarLandauFunction.apply(x, self.weight, self.beta, self.t, a)
        t_dyn = self.t_dynamic(x)
        c, s = torch.cosh(5 * self.beta), torch.sinh(5 * self.beta)
        return c * ((x * a) @ self.weight.T) + s * t_dyn * (x @ self.weight.T)

    @torch.no_grad()
    def update_beta(self, d_loss, dt=1e-3, kappa=1e-2, use_beta_t=False):
        """One Allen-Cahn step of beta, in place.

        force = -kappa * (roll(d_loss, -1) - roll(d_loss, 1)) / 2, which is zero when d_loss is a
        scalar (the post's code passes the scalar loss). A non-scalar d_loss must have beta's shape.
        use_beta_t=True takes beta_t from the previous step's beta (the post's text); the default
        beta_t = 0 is what the post's code computes.
        """
        d_loss = torch.as_tensor(d_loss, dtype=self.beta.dtype, device=self.beta.device).detach()
        if d_loss.dim() != 0 and d_loss.shape != self.beta.shape:
            raise ValueError(
                f"update_beta: d_loss must be a scalar or have beta's shape {tuple(self.beta.shape)}, "
                f"got {tuple(d_loss.shape)}")
        force = -kappa * central_difference(d_loss)
        beta_prev = self.beta_prev.clone() if use_beta_t else None
        self.beta_prev.copy_(self.beta)
        self.beta.copy_(allen_cahn_step(self.beta, dt, force, beta_prev))


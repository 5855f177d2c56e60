"""LangevinLandau: the post's Langevin-dynamics optimizer as a torch.optim.Optimizer.

For every parameter theta with gradient g:

    v     <- (1 - damping) * v - lr * g + sqrt(2 * damping * lr * T) * eta,   eta ~ N(0, 1)
    theta <- theta + v

With T = 0 this is heavy-ball momentum. Gradients come from one loss.backward(); the post's
per-parameter autograd.grad(create_graph=True) is neither needed nor used.
"""
import math

import torch
from torch.optim import Optimizer


class LangevinLandau(Optimizer):
    def __init__(self, params, lr=1e-2, damping=1e-3, temperature=8e-3, generator=None, foreach=None):
        for name, v in (("lr", lr), ("damping", damping), ("temperature", temperature)):
            if not (v >= 0 and math.isfinite(v)):
                raise ValueError(f"LangevinLandau: {name} must be a finite number >= 0, got {v}")
        if damping > 1:
            raise ValueError(f"LangevinLandau: damping is a fraction of velocity lost per step, <= 1; got {damping}")
        super().__init__(params, dict(lr=lr, damping=damping, temperature=temperature, foreach=foreach))
        self.generator = generator

    def _noise(self, p):
        g = self.generator
        if g is None:
            return torch.randn_like(p)
        return torch.randn(p.shape, generator=g, device=g.device, dtype=p.dtype).to(p.device)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params, grads, vels = [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.grad.is_sparse:
                    raise RuntimeError("LangevinLandau does not support sparse gradients")
                state = self.state[p]
                if "velocity" not in state:
                    state["velocity"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                params.append(p); grads.append(p.grad); vels.append(state["velocity"])
            if not params:
                continue
            lr, damping, temp = group["lr"], group["damping"], group["temperature"]
            sigma = math.sqrt(2 * damping * lr * temp)
            noise = [self._noise(p) for p in params] if sigma > 0 else None
            foreach = group["foreach"]
            if foreach is None:
                foreach = all(p.device.type in ("cpu", "cuda") for p in params)
            if foreach:
                torch._foreach_mul_(vels, 1 - damping)
                torch._foreach_add_(vels, grads, alpha=-lr)
                if noise is not None:
                    torch._foreach_add_(vels, noise, alpha=sigma)
                torch._foreach_add_(params, vels)
            else:
                for i, (p, g, v) in enumerate(zip(params, grads, vels)):
                    v.mul_(1 - damping).add_(g, alpha=-lr)
                    if noise is not None:
                        v.add_(noise[i], alpha=sigma)
                    p.add_(v)
        return loss

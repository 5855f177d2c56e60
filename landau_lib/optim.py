"""LangevinLandau: the post's Langevin-dynamics optimizer as a torch.optim.Optimizer.

For every parameter theta with gradient g:

    v     <- (1 - damping) * v - lr * g + sqrt(2 * damping * lr * T) * eta,   eta ~ N(0, 1)
    theta <- theta + v

With T = 0 this is heavy-ball momentum. Gradients come from one loss.backward(); the post's
per-parameter autograd.grad(create_graph=True) is neither needed nor used.

Speed: eta for all parameters of a group is one flat buffer filled by one generator call. On the
CPU that call is the most expensive part of a step, so by default the next step's eta is drawn
in a background thread while the model computes the next gradient (`prefetch`). The draws come
from the same generator in the same order, so a seeded run gives the same numbers either way;
state_dict() carries the drawn-ahead buffer so that a resumed run continues exactly.
"""
import math
from concurrent.futures import ThreadPoolExecutor

import torch
from torch.optim import Optimizer

_POOL = None


def _pool():
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="langevin-noise")
    return _POOL


class LangevinLandau(Optimizer):
    def __init__(self, params, lr=1e-2, damping=1e-3, temperature=8e-3, generator=None, foreach=None,
                 prefetch=True):
        for name, v in (("lr", lr), ("damping", damping), ("temperature", temperature)):
            if not (v >= 0 and math.isfinite(v)):
                raise ValueError(f"LangevinLandau: {name} must be a finite number >= 0, got {v}")
        if damping > 1:
            raise ValueError(f"LangevinLandau: damping is a fraction of velocity lost per step, <= 1; got {damping}")
        super().__init__(params, dict(lr=lr, damping=damping, temperature=temperature, foreach=foreach))
        self.generator, self.prefetch = generator, prefetch
        self._pending = {}      # group index -> Future of a background fill of that group's buffer

    def _fill(self, buf):
        g = self.generator
        if g is None or g.device == buf.device:
            return buf.normal_(generator=g)
        return buf.copy_(torch.empty(buf.shape, dtype=buf.dtype, device=g.device).normal_(generator=g))

    def _wait(self):
        """Finish the background draws; their buffers are then ready for the next step."""
        for k in list(self._pending):
            self._pending.pop(k).result()
            self.param_groups[k]["_noise_ready"] = True

    def _noise(self, k, group, params):
        """N(0, 1) for every parameter: views into one flat buffer per group."""
        n = sum(p.numel() for p in params)
        p0 = params[0]
        buf = group.get("_noise")
        fut = self._pending.pop(k, None)
        if fut is not None:
            fut.result()
        if buf is None or buf.numel() != n or buf.dtype != p0.dtype or buf.device != p0.device:
            buf = group["_noise"] = self._fill(torch.empty(n, dtype=p0.dtype, device=p0.device))
        elif fut is None and not group.pop("_noise_ready", False):
            self._fill(buf)
        out, i = [], 0
        for p in params:
            out.append(buf[i:i + p.numel()].view_as(p))
            i += p.numel()
        return buf, out

    def state_dict(self):
        self._wait()
        sd = super().state_dict()
        for group in sd["param_groups"]:
            buf = group.pop("_noise", None)
            group.pop("_noise_ready", None)
            if buf is not None and self.prefetch:
                group["noise_ahead"] = buf.clone()   # drawn for the next step already
        return sd

    def load_state_dict(self, state_dict):
        self._wait()
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            if "noise_ahead" in group:      # saved from any device: it goes where the parameters are
                group["_noise"] = group.pop("noise_ahead").to(group["params"][0].device)
                group["_noise_ready"] = True

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for k, group in enumerate(self.param_groups):
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
            buf, noise = self._noise(k, group, params) if sigma > 0 else (None, None)
            foreach = group["foreach"]
            if foreach is None:
                foreach = len({p.device for p in params}) == 1
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
            if buf is not None and self.prefetch and buf.device.type == "cpu":
                self._pending[k] = _pool().submit(self._fill, buf)     # the next step's eta
            elif buf is not None and self.prefetch:
                self._fill(buf)
                group["_noise_ready"] = True
        return loss

"""Other ways to compute the scalar-beta Landau layer, timed against the library in one run (CPU, batch 64,
784->156, forward+backward), to show why it is written as it is.   python benchmarks/alternatives.py

  library      landau_lib.LandauLayer (hand-written backward, eager PyTorch)
  autograd     the same formula with plain autograd ops
  compile      torch.compile of the autograd formula (about 30 s to compile; --no-compile skips it)
  fused C++    a C++ extension with one vectorised pass for mean/sigmoid/modulation and one for the backward's
               reductions (needs a C++ compiler and `pip install ninja`; about 40 s to compile; else skipped)
  3 products   the three matrix products alone: a floor for any of them
The fused version is a measurement, not part of the library: it needs a compiler at import time.
"""
import argparse
import math
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (ThreeProducts, best_time, best_times, forward_backward, keep_freed_memory,  # noqa: E402
                 per_sample_forward)

import landau_lib as L  # noqa: E402

FUSED_SRC = r"""
#include <torch/extension.h>
#include <ATen/Parallel.h>
#include <cmath>
std::vector<at::Tensor> modulate(at::Tensor x, at::Tensor a, double c, double k) {
  auto B = x.size(0), n = x.size(1);
  auto xm = at::empty_like(x); auto sig = at::empty({B}, x.options());
  const float* xp = x.data_ptr<float>(); const float* ap = a.data_ptr<float>();
  float* mp = xm.data_ptr<float>(); float* sp = sig.data_ptr<float>();
  at::parallel_for(0, B, 16, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const float* r = xp + b * n; float s = 0;
      for (int64_t i = 0; i < n; ++i) s += r[i];
      float sg = 1.f / (1.f + std::exp(-s / n)), ks = (float)k * sg, cc = (float)c;
      sp[b] = sg;
      for (int64_t i = 0; i < n; ++i) mp[b * n + i] = r[i] * (ap[i] * cc + ks);
    }
  });
  return {sig, xm};
}
std::vector<at::Tensor> reduce(at::Tensor h, at::Tensor x, at::Tensor a) {
  auto B = x.size(0), n = x.size(1);
  auto row = at::empty({B}, x.options()); auto arow = at::empty({B}, x.options());
  const float* hp = h.data_ptr<float>(); const float* xp = x.data_ptr<float>(); const float* ap = a.data_ptr<float>();
  float* rp = row.data_ptr<float>(); float* ar = arow.data_ptr<float>();
  at::parallel_for(0, B, 16, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      float s = 0, sa = 0;
      for (int64_t i = 0; i < n; ++i) { float p = hp[b * n + i] * xp[b * n + i]; s += p; sa += p * ap[i]; }
      rp[b] = s; ar[b] = sa;
    }
  });
  return {row, arow};
}
"""


def autograd_formula(x, weight, beta, t, a):
    sig = torch.sigmoid(x.mean(dim=1, keepdim=True))
    m = a * torch.cosh(5 * beta) + sig * (t * torch.sinh(5 * beta))
    return F.linear(x * m, weight)


def fused_function(ext):
    class Fused(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, weight, beta, t, a):
            b = 5 * float(beta)
            c, s, tv = math.cosh(b), math.sinh(b), float(t)
            sig, xm = ext.modulate(x, a, c, tv * s)
            ctx.save_for_backward(x, weight, a, sig, xm)
            ctx.coef = (c, s, tv)
            return F.linear(xm, weight)

        @staticmethod
        def backward(ctx, grad):
            x, weight, a, sig, xm = ctx.saved_tensors
            c, s, tv = ctx.coef
            grad = grad.contiguous()
            row, arow = ext.reduce(grad @ weight, x, a)
            S = torch.vdot(row, sig)
            dbeta = torch.add(arow.sum() * (5 * s), S, alpha=5 * c * tv)
            return None, grad.T @ xm, dbeta, (S * s).view(1), None
    return Fused


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--no-compile", action="store_true", help="skip torch.compile")
    p.add_argument("--no-fused", action="store_true", help="skip the C++ extension")
    args = p.parse_args()
    keep_freed_memory()
    torch.manual_seed(0)
    x = torch.rand(64, 784)
    layer = L.LandauLayer(784, 156)
    with torch.no_grad():
        layer.beta.fill_(0.2)
        layer.t.fill_(0.8)
    P = (layer.weight, layer.beta, layer.t, layer.position)
    variants = {"library": layer, "autograd": lambda z: autograd_formula(z, *P)}
    if not args.no_compile:
        t0 = time.perf_counter()
        compiled = torch.compile(autograd_formula, dynamic=False)
        compiled(x, *P).sum().backward()
        print(f"torch.compile: {time.perf_counter() - t0:.0f} s to compile")
        variants["compile"] = lambda z: compiled(z, *P)
    if not args.no_fused:
        try:
            from torch.utils.cpp_extension import load_inline
            t0 = time.perf_counter()
            ext = load_inline("landau_fused_bench", cpp_sources=FUSED_SRC, functions=["modulate", "reduce"],
                              extra_cflags=["-O3", "-march=native", "-ffast-math"])
            print(f"fused C++: {time.perf_counter() - t0:.0f} s to compile")
            fused = fused_function(ext)
            variants["fused C++"] = lambda z: fused.apply(z, *P)
        except Exception as e:       # no compiler, no ninja, ...
            print(f"fused C++: skipped ({type(e).__name__}: {str(e).splitlines()[0][:120]})")
    variants["3 products"] = lambda z: ThreeProducts.apply(z, layer.weight)

    g = torch.linspace(-1, 1, 156)
    ref_grads = None
    for name, f in variants.items():             # every variant computes the library's gradients
        layer.zero_grad()
        (f(x) * g).sum().backward()
        grads = [q.grad.clone() for q in layer.parameters() if q.grad is not None]
        if name == "library":
            ref_grads = grads
        elif name != "3 products":
            err = max(((u - v).abs().max() / u.abs().max()).item() for u, v in zip(ref_grads, grads))
            print(f"{name}: largest relative gradient difference from the library {err:.1e}")
            if not err < 1e-4:
                raise SystemExit(f"{name} computes different gradients from the library: its timing means nothing")

    def fb(f):
        return forward_backward(f, layer, x)
    names = list(variants)
    times = best_times([fb(variants[n]) for n in names], 60)
    t_ref = best_time(fb(lambda z: per_sample_forward(layer, z)), 5)
    print(f"\n## Scalar-beta LandauLayer forward+backward, batch 64, 784->156 (per-sample formula: {t_ref * 1e3:.1f} ms)\n")
    print("| variant | time | speed-up vs per-sample |\n|---|---|---|")
    for n, t in zip(names, times):
        print(f"| {n} | {t * 1e3:.3f} ms | {t_ref / t:.0f}x |")


if __name__ == "__main__":
    main()

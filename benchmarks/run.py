"""Benchmark: ratios of the Landau layer, training step, optimizer and epochs against references,
all measured in this one process.   python benchmarks/run.py [--quick] [--device cpu|cuda]

Times are best-of-N wall-clock (time.perf_counter) after a warm-up. Not part of the test suite.
"""
import argparse
import ctypes
import math
import platform
import sys
import time
import warnings

import torch
from torch import nn
import torch.nn.functional as F

import landau_lib as L
from landau_lib.train import make_loss, make_optimizer


def best_times(fns, repeat, warmup=10, sync=lambda: None):
    """Best-of-`repeat` times of several functions, measured interleaved so that a busy moment of
    the machine hits all of them alike."""
    for f in fns:
        for _ in range(warmup):
            f()
    best = [math.inf] * len(fns)
    for _ in range(repeat):
        for k, f in enumerate(fns):
            sync()
            t = time.perf_counter()
            f()
            sync()
            best[k] = min(best[k], time.perf_counter() - t)
    return best


def per_sample_forward(layer, x):
    """The post's forward: materialise the (B, out, in) weight tensor, then a batched mat-vec."""
    t_dyn = layer.t * torch.sigmoid(x.mean(-1))[:, None, None]
    a = torch.arange(x.shape[1], dtype=x.dtype, device=x.device)
    w = layer.weight * (a * torch.cosh(5 * layer.beta) + t_dyn * torch.sinh(5 * layer.beta))
    return torch.matmul(w, x[:, :, None])[:, :, 0]


def keep_freed_memory():
    """Ask glibc to keep freed memory in the process instead of giving it back to the OS.

    The per-sample reference allocates ~31 MB temporaries per call at batch 64, 784->156. With glibc's
    defaults that memory is often returned to the OS between calls and page-faulted in again, so the
    reference takes 17-56 ms depending on what ran just before; kept, it takes a steady 16-19 ms. This
    makes the reference faster (our ratios smaller) and the table repeatable; the Landau layer's and
    nn.Linear's times showed no systematic change. --return-freed-memory skips it.
    Returns False where it cannot be set (no glibc).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    return bool(libc.mallopt(M_MMAP_THRESHOLD, 32 * 2**20)) and bool(libc.mallopt(M_TRIM_THRESHOLD, 2**30))


class ThreeProducts(torch.autograd.Function):
    """The three matrix products the Landau layer computes (x W^T; G^T x for dW; G W for beta and t)
    and nothing else: a floor for its forward+backward time."""
    @staticmethod
    def forward(ctx, x, weight):
        ctx.save_for_backward(x, weight)
        return x @ weight.T

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        grad = grad.contiguous()
        grad @ weight                    # what the layer needs for the beta and t gradients; dropped here
        return None, grad.T @ x


def forward_backward(f, module, x):
    """A function that runs f(x).sum().backward() with `module`'s gradients cleared first: what is timed."""
    def run():
        module.zero_grad(set_to_none=True)
        f(x).sum().backward()
    return run


def best_time(fn, repeat, warmup=2, sync=lambda: None):
    return best_times([fn], repeat, warmup, sync)[0]


def table(title, rows, header):
    print(f"\n## {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(r) + " |")


def ms(t):
    return f"{t * 1e3:.2f} ms"


def bench_layer(args, sync):
    rows = []
    for (n_in, n_out) in args.widths:
        for B in args.batches:
            x = torch.rand(B, n_in, device=args.device)
            landau = L.LandauLayer(n_in, n_out).to(args.device)
            linear = nn.Linear(n_in, n_out).to(args.device)

            def fb(f, m):
                return forward_backward(f, m, x)
            t_l, t_lin, t_3 = best_times([fb(landau, landau), fb(linear, linear),
                                          fb(lambda z: ThreeProducts.apply(z, landau.weight), landau)],
                                         args.repeat * 5, sync=sync)
            gib = B * n_out * n_in * 4 * 3 / 2**30          # w, its grad and a temporary
            if gib < args.max_ref_gib:
                t_ref = best_time(fb(lambda z: per_sample_forward(landau, z), landau),
                                  args.ref_repeat, warmup=2, sync=sync)
                ref = f"{ms(t_ref)} | **{t_ref / t_l:.0f}x** | {t_ref / t_3:.0f}x"
            else:
                ref = f"skipped ({gib:.0f} GiB) | - | -"
            rows.append([f"{n_in}->{n_out}", str(B), ms(t_l), ref, ms(t_3), f"{t_l / t_3:.2f}x", ms(t_lin),
                         f"{t_l / t_lin:.2f}x"])
    table("LandauLayer forward+backward", rows,
          ["width", "batch", "LandauLayer", "per-sample formula", "speed-up vs per-sample",
           "its 3 products' speed-up", "3 products alone", "Landau / 3 products", "nn.Linear", "Landau / Linear"])


def bench_step(args, sync, data):
    B, hidden = 64, args.hidden
    x, y = data.x_train[:B].to(args.device), data.y_train[:B].to(args.device)
    rows = []

    torch.manual_seed(0)
    net = L.LandauNet(data.num_features, 10, hidden=hidden).to(args.device)
    recipe = L.POST_RECIPE
    loss_fn, opt = make_loss(recipe), make_optimizer(recipe, net)
    layers = [m for _, m in L.landau_layers(net)]

    def landau_step():
        loss = loss_fn(net(x), y)
        loss.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        for layer in layers:
            layer.update_beta(loss.detach(), recipe.dt, recipe.kappa)

    mlp = nn.Sequential(nn.Linear(data.num_features, hidden), nn.BatchNorm1d(hidden), nn.Mish(),
                        nn.Linear(hidden, 10), nn.Mish()).to(args.device)
    sgd = torch.optim.SGD(mlp.parameters(), lr=1e-2, momentum=0.9)

    def mlp_step():
        loss = F.cross_entropy(mlp(x), y)
        loss.item()
        sgd.zero_grad(set_to_none=True)
        loss.backward()
        sgd.step()

    post_net = L.LandauNet(data.num_features, 10, hidden=hidden).to(args.device)
    gl = L.GinzburgLandauLoss()
    vel = [torch.zeros_like(p) for p in post_net.parameters()]

    def post_style_step():
        """The post's code path: per-sample weights, one autograd.grad(create_graph=True) per parameter."""
        h = post_net.net[2](post_net.net[1](per_sample_forward(post_net.net[0], x)))
        out = post_net.net[4](per_sample_forward(post_net.net[3], h))
        loss = gl(out, y)
        for p, v in zip(list(post_net.parameters()), vel):
            g = torch.autograd.grad(loss, p, create_graph=True, allow_unused=True)[0]
            if g is None:
                continue
            v.mul_(1 - 1e-3).add_(g.detach(), alpha=-1e-2)
            v.add_(torch.randn_like(v), alpha=math.sqrt(2 * 1e-3 * 1e-2 * 8e-3))
            p.data.add_(v)          # .data, as the post does: the graph keeps the old values
        return loss.item()

    t_mlp, t_landau = best_times([mlp_step, landau_step], args.repeat * 20, sync=sync)
    t_post = best_time(post_style_step, max(2, args.repeat // 2), warmup=1, sync=sync)
    rows.append(["MLP (Linear, CE + SGD momentum)", ms(t_mlp), "1.00x"])
    rows.append(["LandauNet post recipe (this library)", ms(t_landau), f"**{t_landau / t_mlp:.2f}x**"])
    rows.append(["post-style step (per-sample W, autograd.grad per param)", ms(t_post), f"{t_post / t_mlp:.1f}x"])
    table(f"One 2-layer training step, batch {B}, {data.num_features}-{hidden}-10", rows,
          ["step", "time", "vs MLP"])
    return t_landau / t_mlp


def bench_optimizer(args, sync):
    torch.manual_seed(0)
    net = L.LandauNet(784, 10, hidden=args.hidden).to(args.device)
    for p in net.parameters():
        p.grad = torch.randn_like(p)
    rows = []
    opts = [L.LangevinLandau(net.parameters(), foreach=f) for f in (True, False)]
    times = dict(zip((True, False), best_times([o.step for o in opts], args.repeat * 10, sync=sync)))
    rows.append(["foreach", ms(times[True]), f"{times[True] / times[False]:.2f}x"])
    rows.append(["per-parameter loop", ms(times[False]), "1.00x"])
    table("LangevinLandau.step (2-layer net's parameters)", rows, ["path", "time", "vs loop"])


def bench_epochs(args, data):
    specs = [("landau", None, "post"), ("landau", args.hidden, "post"), ("fc", None, "post"),
             ("fc", args.hidden, "post"), ("fc", None, "ce-adam"), ("fc", args.hidden, "ce-adam")]
    recipes = {"post": L.POST_RECIPE, "ce-adam": L.STANDARD_RECIPE}
    rows, total = [], 0.0
    for kind, hidden, rname in specs:
        model = L.make_model(kind, data, hidden=hidden, seed=0)
        h = L.train(model, data, recipes[rname], epochs=args.epochs, device=args.device, progress=False)
        t = min(e["time_s"] for e in h["epochs"])
        total += t
        rows.append([f"{kind} {'1' if hidden is None else '2'}-layer", rname, f"{t:.3f} s"])
    table(f"One epoch on {data.name} ({len(data.x_train)} train, batch 64, test pass included; best of "
          f"{args.epochs})", rows, ["model", "recipe", "epoch"])
    # notebook 01: every row above for 100 epochs x 3 seeds, plus the tuned Landau rows (costed as post rows)
    landau_rows = sum(float(r[2].split()[0]) for r in rows[:2])
    projected = (total + landau_rows) * 100 * 3
    print(f"\nProjected notebook-01 training time (8 rows x 100 epochs x 3 seeds): {projected / 60:.1f} min")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sizes: checks that the benchmark runs")
    p.add_argument("--device", default="cpu")
    p.add_argument("--return-freed-memory", action="store_true",
                   help="leave glibc's defaults (freed memory goes back to the OS): slower, noisier reference")
    args = p.parse_args()
    if args.quick:
        args.widths, args.batches, args.repeat, args.hidden, args.epochs = [(32, 8)], [16], 2, 8, 1
        args.max_ref_gib, args.ref_repeat = 1.0, 1
    else:
        args.widths, args.batches, args.repeat, args.hidden, args.epochs = [(784, 156), (784, 1024)], [64, 256, 1024], 10, 156, 3
        args.max_ref_gib, args.ref_repeat = 4.0, 5
    cuda = args.device.startswith("cuda")
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    where = torch.cuda.get_device_name(args.device) if cuda else "CPU"
    kept = False if args.return_freed_memory else keep_freed_memory()
    print(f"# landau_lib benchmark — {platform.processor() or platform.machine()}, {torch.get_num_threads()} "
          f"threads, torch {torch.__version__}, device {args.device} ({where}), python {sys.version.split()[0]}; "
          f"freed memory {'kept by glibc (see keep_freed_memory)' if kept else 'returned to the OS (default)'}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", L.SubstituteDatasetWarning)
        data = L.load_dataset("mnist", download=False)
    if args.quick:
        data = L.Dataset(data.name, data.x_train[:256], data.y_train[:256], data.x_test[:64], data.y_test[:64], 10)
    t0 = time.perf_counter()
    bench_layer(args, sync)
    bench_step(args, sync, data)
    bench_optimizer(args, sync)
    bench_epochs(args, data)
    print(f"\n(benchmark wall time {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()

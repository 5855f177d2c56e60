"""Plots: training curves, MNIST prediction grids, decision-boundary frames and GIFs."""
from pathlib import Path

import matplotlib
import numpy as np
import torch

matplotlib.use(matplotlib.get_backend() if matplotlib.get_backend().lower() != "macosx" else "Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def _save(fig, path):
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120, bbox_inches="tight")
    return fig


def _band(ax, runs, key, color, label):
    """Mean line and min-max band over seeds of history[key] per epoch (shortest run's length)."""
    n = min(len(h["epochs"]) for h in runs)
    if n == 0:
        return
    y = np.array([[e[key] for e in h["epochs"][:n]] for h in runs], dtype=float)
    x = np.arange(1, n + 1)
    ax.plot(x, y.mean(0), color=color, label=f"{label} ({len(runs)} seeds)")
    if len(runs) > 1:
        ax.fill_between(x, y.min(0), y.max(0), color=color, alpha=0.2, lw=0)


def plot_training(curves, path=None, title=""):
    """Train loss and test accuracy per epoch for {label: [history per seed]} (mean, min-max band).

    A seed that diverged ends early; the band covers the epochs every seed completed and the
    label says how many diverged.
    """
    fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(11, 4))
    for (label, runs), color in zip(curves.items(), COLORS):
        div = sum(h.get("status") == "diverged" for h in runs)
        lab = label + (f", {div} diverged" if div else "")
        _band(ax_l, runs, "train_loss", color, lab)
        _band(ax_a, runs, "test_acc", color, lab)
    ax_l.set(xlabel="epoch", ylabel="training loss (each recipe's own loss)", yscale="log", title="training loss")
    ax_a.set(xlabel="epoch", ylabel="test accuracy", title="test accuracy")
    ax_a.grid(alpha=0.3); ax_l.grid(alpha=0.3)
    ax_a.legend(fontsize=8, loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)


@torch.no_grad()
def predict(model, x, chunk=4096):
    model.eval()
    return torch.cat([model(x[i:i + chunk]).argmax(1) for i in range(0, len(x), chunk)])


def plot_predictions(model, data, path=None, n=32, cols=8, title=""):
    """A grid of the first n test images with predicted / true labels; mistakes in red."""
    x, y = data.x_test[:n], data.y_test[:n]
    pred = predict(model, x)
    side = int(round(x.shape[1] ** 0.5))
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(1.5 * cols, 1.7 * rows))
    for i, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(x[i].reshape(side, side).cpu().numpy(), cmap="gray_r")
        ok = bool(pred[i] == y[i])
        ax.set_title(f"pred {int(pred[i])} / true {int(y[i])}", fontsize=8, color="black" if ok else "red",
                     fontweight="normal" if ok else "bold")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def plane_extent(data, margin=0.5):
    x = torch.cat([data.x_train, data.x_test]).cpu()
    lo, hi = x.min(0).values - margin, x.max(0).values + margin
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


@torch.no_grad()
def decision_grid(model, extent, resolution=150):
    """Predicted class and output margin on a resolution x resolution grid: one batched forward pass."""
    x0, x1, y0, y1 = extent
    xs, ys = torch.linspace(x0, x1, resolution), torch.linspace(y0, y1, resolution)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    pts = torch.stack([gx.flatten(), gy.flatten()], 1)
    device = next(model.parameters()).device
    model.eval()
    out = model(pts.to(device)).cpu()
    top2 = out.topk(2, dim=1).values
    return out.argmax(1).reshape(resolution, resolution), (top2[:, 0] - top2[:, 1]).reshape(resolution, resolution)


def boundary_frame(model, data, extent, title="", resolution=150, size=4.2):
    """One RGB frame (H, W, 3 uint8): class regions, the decision boundary, train (o) and test (x) points."""
    from matplotlib.colors import ListedColormap
    cls, _ = decision_grid(model, extent, resolution)
    k = data.num_classes
    fig, ax = plt.subplots(figsize=(size, size), dpi=80)
    ax.imshow(cls.numpy(), origin="lower", extent=extent, cmap=ListedColormap(["#aec7e8", "#ff9896", "#98df8a"][:k]),
              vmin=0, vmax=k - 1, alpha=0.8, aspect="auto", interpolation="nearest")
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    if k == 2 and 0 < int(cls.sum()) < cls.numel():
        ax.contour(xs, ys, cls.numpy(), levels=[0.5], colors="k", linewidths=1)
    for part, marker in (("train", "o"), ("test", "x")):
        x, y = getattr(data, f"x_{part}").cpu().numpy(), getattr(data, f"y_{part}").cpu().numpy()
        for c in range(k):
            sel = y == c
            ax.scatter(x[sel, 0], x[sel, 1], s=8 if marker == "o" else 14, marker=marker, c=COLORS[c],
                       linewidths=0.3 if marker == "o" else 1, edgecolors="white" if marker == "o" else None,
                       label=f"class {c} ({part})")
    ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])
    ax.set_title(title, fontsize=8)
    fig.tight_layout()
    fig.canvas.draw()
    frame = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    return frame


def save_gif(frames, path, fps=6, hold_s=1.5):
    """Write frames as a looping GIF, the last frame held for hold_s seconds."""
    import imageio.v2 as imageio
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    frames = list(frames) + [frames[-1]] * int(round(hold_s * fps))
    imageio.mimsave(path, frames, duration=1000 / fps, loop=0)
    return path

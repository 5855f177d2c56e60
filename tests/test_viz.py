import numpy as np
import torch

from landau_lib import Dataset, LandauNet, load_dataset, viz


def test_training_plot_and_prediction_grid(tmp_path):
    h = {"status": "complete", "epochs": [{"train_loss": 1.0 / (i + 1), "test_acc": 0.5 + i / 10} for i in range(3)]}
    viz.plot_training({"a": [h, h]}, tmp_path / "c.png", title="t")
    assert (tmp_path / "c.png").stat().st_size > 1000
    d = Dataset("toy", torch.rand(10, 16), torch.arange(10) % 3, torch.rand(8, 16), torch.arange(8) % 3, 3)
    viz.plot_predictions(LandauNet(16, 3), d, tmp_path / "p.png", n=8, cols=4)
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_decision_grid_and_gif(tmp_path):
    import imageio.v2 as imageio
    d = load_dataset("moons", n_samples=100)
    model = LandauNet(2, 2, hidden=4)
    cls, margin = viz.decision_grid(model, viz.plane_extent(d), resolution=20)
    assert cls.shape == (20, 20) and margin.min() >= 0
    frames = [viz.boundary_frame(model, d, viz.plane_extent(d), f"frame {i}") for i in range(2)]
    assert frames[0].dtype == np.uint8 and frames[0].shape[2] == 3
    viz.save_gif(frames, tmp_path / "a.gif", fps=4, hold_s=0.5)
    assert len(imageio.mimread(tmp_path / "a.gif")) >= 1

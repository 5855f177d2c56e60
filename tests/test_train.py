import json

import pytest
import torch
from conftest import strip_times

from landau_lib import POST_RECIPE, STANDARD_RECIPE, DivergenceError, LandauNet, make_model, run_experiment, train


def test_seeded_runs_are_identical(small):
    hs = [train(make_model("landau", small, hidden=32, seed=5), small, epochs=2, seed=5, progress=False)
          for _ in range(2)]
    assert strip_times(hs[0]) == strip_times(hs[1])
    assert hs[0]["meta"]["dataset"] == "MNIST-10k" and len(hs[0]["epochs"]) == 2
    e = hs[0]["epochs"][1]
    assert set(e) >= {"train_loss", "train_acc", "test_loss", "test_acc", "beta", "time_s"}
    assert set(e["beta"]) == {"net.0", "net.3"}


@pytest.mark.parametrize("beta_mode", ["scalar", "field"])
def test_resume_equals_uninterrupted(small, tmp_path, beta_mode):
    def model():
        return make_model("landau", small, hidden=16, seed=1, beta_mode=beta_mode, activation="rrelu")
    full_model = model()
    full = train(full_model, small, epochs=2, seed=1, progress=False, run_dir=tmp_path / "a")
    train(model(), small, epochs=1, seed=1, progress=False, run_dir=tmp_path / "b")   # "interrupted"
    resumed_model = model()
    resumed = train(resumed_model, small, epochs=2, seed=1, progress=False, run_dir=tmp_path / "b", resume=True)
    assert strip_times(full) == strip_times(resumed)
    for p, q in zip(full_model.state_dict().values(), resumed_model.state_dict().values()):
        assert torch.equal(p, q)
    saved = json.loads((tmp_path / "b" / "history.json").read_text())
    assert saved["status"] == "complete" and saved["meta"]["dataset"] == "MNIST-10k"
    if beta_mode == "field":
        assert len(saved["epochs"][0]["beta_field"]["net.0"]) == 16


def test_resume_refuses_a_different_run(small, tmp_path):
    train(make_model("landau", small, seed=0), small, epochs=1, progress=False, run_dir=tmp_path)
    with pytest.raises(ValueError, match="different run"):
        train(make_model("landau", small, seed=0), small, STANDARD_RECIPE, epochs=1, progress=False,
              run_dir=tmp_path, resume=True)


def test_divergence_names_epoch_step_and_quantity(small, tmp_path):
    recipe = POST_RECIPE.replace(lr=1e6)
    with pytest.raises(DivergenceError, match=r"diverged at epoch 1, step \d+: (the training loss|beta)") as e:
        train(make_model("landau", small, hidden=16), small, recipe, epochs=3, progress=False, run_dir=tmp_path)
    assert e.value.epoch == 1 and e.value.step >= 1
    assert json.loads((tmp_path / "history.json").read_text())["status"] == "diverged"
    # run_experiment reports a diverged run instead of raising
    _, h = run_experiment(small, hidden=16, recipe=recipe, epochs=3, runs_dir=tmp_path / "runs", progress=False)
    assert h["status"] == "diverged" and h["divergence"]["epoch"] == 1


def test_standard_recipe_learns(small):
    h = train(make_model("fc", small, seed=0), small, STANDARD_RECIPE, epochs=3, progress=False)
    assert h["epochs"][-1]["test_acc"] > 0.75 and h["epochs"][-1]["beta"] == {}


def test_beta_without_gradient_moves_only_by_allen_cahn(small):
    m = make_model("landau", small, seed=0)
    train(m, small, POST_RECIPE.replace(beta_grad=False), epochs=1, progress=False)
    b, dt = torch.tensor(1e-3, dtype=torch.float64), POST_RECIPE.dt
    for _ in range(len(small.x_train) // 64 + 1):
        b = b + dt * (b - b**3)
    assert m.net[0].beta.item() == pytest.approx(b.item(), rel=1e-5)


def test_run_experiment_reuses_a_saved_run(small, tmp_path):
    calls = []
    _, h1 = run_experiment(small, epochs=2, runs_dir=tmp_path, progress=False)
    m2, h2 = run_experiment(small, epochs=2, runs_dir=tmp_path, progress=False,
                            callback=lambda *a: calls.append(a[0]))
    assert calls == [] and h1["epochs"] == h2["epochs"]       # nothing retrained
    assert "MNIST-10k" in h2["run_dir"]


@pytest.mark.parametrize("kwargs, match", [
    ({"epochs": -1}, "epochs must be"),
    ({"batch_size": 1}, "batch_size"),
])
def test_bad_arguments(small, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(make_model("landau", small), small, progress=False, **kwargs)


def test_mismatched_model_and_data(small):
    with pytest.raises(ValueError, match="takes 100 features but MNIST-10k has 784"):
        train(LandauNet(100, 10), small, epochs=1, progress=False)
    with pytest.raises(ValueError, match="5 outputs but MNIST-10k has 10 classes"):
        train(LandauNet(784, 5), small, epochs=1, progress=False)
    with pytest.raises(ValueError, match="model kind"):
        make_model("cnn", small)

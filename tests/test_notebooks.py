"""Rerun every notebook with papermill in quick mode and check what it wrote (into a scratch folder)."""
import json
from pathlib import Path

import nbformat
import pytest

pm = pytest.importorskip("papermill")
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("quick")


def run(name, scratch, **params):
    pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(scratch / f"{name}.out.ipynb"),
                        parameters={"quick": True, "scratch_dir": str(scratch), "progress": False, **params},
                        cwd=str(NOTEBOOKS), kernel_name="python3", progress_bar=False)


def is_png(path):
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ALL)
def test_committed_notebook_is_clean_and_parameterised(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(c.outputs for c in code), "commit notebooks without outputs"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for p in ("dataset", "data_root", "epochs", "batch_size", "seed", "device", "quick"):
        assert f"\n{p} = " in "\n" + params[0].source, p


def test_01_mnist_table(scratch):
    run("01_mnist_table", scratch)
    table = json.loads((scratch / "results" / "mnist_table.json").read_text())
    assert len(table["rows"]) == 8
    assert {(r["model"], r["layers"], r["recipe"]) for r in table["rows"]} == {
        (m, d, r) for d in (1, 2) for m, r in (("landau", "post"), ("landau", "tuned"), ("fc", "post"),
                                               ("fc", "ce-adam"))}
    for r in table["rows"]:
        assert r["dataset"].startswith("MNIST-10k") and r["epochs"] == 2
        assert len(r["per_seed"]) == 1 and r["per_seed"][0]["epochs_run"] in (1, 2)
    assert "MNIST-10k" in (scratch / "results" / "mnist_table.md").read_text()
    sweep = json.loads((scratch / "results" / "recipe_sweep.json").read_text())
    assert {s["layers"] for s in sweep["runs"]} == {1, 2} and len(sweep["runs"]) >= 20
    assert is_png(scratch / "figures" / "post_recipe_evidence.png")


def test_02_loss_curves_reuses_runs(scratch):
    run("02_loss_curves", scratch)
    for depth in (1, 2):
        assert is_png(scratch / "figures" / f"loss_{depth}layer_mish.png")


def test_03_examples(scratch):
    run("03_mnist_examples", scratch)
    assert is_png(scratch / "figures" / "1LayerMNIST.png")


def test_04_decision_boundaries(scratch):
    import imageio.v2 as imageio
    run("04_decision_boundaries", scratch)
    names = ["circles_boundary.gif", "circles_boundary_2layer.gif", "circles_boundary_2layer_2.gif",
             "classification_boundary.gif", "classification_boundary_1.gif", "moons_boundary.gif",
             "moons_boundary_2layer_1.gif"]
    for n in names:
        frames = imageio.mimread(scratch / "figures" / n)
        assert len(frames) >= 3 and frames[0].ndim == 3
    runs = json.loads((scratch / "results" / "boundaries.json").read_text())["runs"]
    assert {r["gif"] for r in runs} >= set(names)


def test_bad_parameter_fails_with_a_message(scratch):
    (scratch / "bad").mkdir(exist_ok=True)
    with pytest.raises(pm.PapermillExecutionError, match=r"epochs=-1: must be a whole number >= 1"):
        run("01_mnist_table", scratch / "bad", epochs=-1)

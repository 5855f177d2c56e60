"""The experiments behind the post's MNIST results: the table's rows and the recipe sweep.
Notebooks 01-03 share these definitions, so a run trained by one is reused by the others."""
from dataclasses import dataclass, field

from .config import POST
from .train import POST_RECIPE, STANDARD_RECIPE, TUNED_RECIPE, Recipe, run_experiment

POST_ACCURACY = {1: 0.92, 2: 0.96}     # the post's table (full MNIST, 100 epochs)


@dataclass(frozen=True)
class Row:
    label: str
    kind: str                 # "landau" or "fc"
    hidden: object            # None (1 layer) or the hidden width
    recipe: Recipe
    model_kwargs: dict = field(default_factory=dict)
    post_accuracy: object = None

    @property
    def depth(self):
        return 1 if self.hidden is None else 2


def tuned_model_kwargs(depth):
    """The 2-layer tuned net uses RReLU, the activation of the post's own 2-layer code: with Mish
    after the position-weighted output layer it collapses to one class (see notebook 01)."""
    return {} if depth == 1 else {"activation": "rrelu"}


def mnist_rows(hidden=POST.hidden):
    rows = []
    for depth in (1, 2):
        h = None if depth == 1 else hidden
        rows += [Row(f"Landau {depth}-layer, post recipe", "landau", h, POST_RECIPE, {}, POST_ACCURACY[depth]),
                 Row(f"Landau {depth}-layer, tuned recipe", "landau", h, TUNED_RECIPE, tuned_model_kwargs(depth)),
                 Row(f"FC {depth}-layer, post recipe", "fc", h, POST_RECIPE),
                 Row(f"FC {depth}-layer, cross-entropy + Adam", "fc", h, STANDARD_RECIPE)]
    return rows


def sweep_configs(depth):
    """One-factor changes to the post's recipe (the suspects), then the combination that works."""
    P = POST_RECIPE
    tuned_kw = tuned_model_kwargs(depth)
    return [
        ("post recipe", P, {}),
        ("lr 1e-3 (10x smaller step)", P.replace(name="lr1e-3", lr=1e-3), {}),
        ("damping 0.1 (lr/damping 0.1 instead of 10)", P.replace(name="damp0.1", damping=0.1), {}),
        ("temperature 0", P.replace(name="T0", temperature=0.0), {}),
        ("temperature 1e-6", P.replace(name="T1e-6", temperature=1e-6), {}),
        ("spatial derivative along classes", P.replace(name="sd1", spatial_dim=1), {}),
        ("no |.| around the mean", P.replace(name="noabs", absolute=False), {}),
        ("beta by Allen-Cahn only (no gradient)", P.replace(name="nobetagrad", beta_grad=False), {}),
        ("beta_t from the previous step (post's text)", P.replace(name="betat", beta_t=True), {}),
        ("position weights a_i = 1", P, {"positions": "ones"}),
        ("RReLU instead of Mish", P, {"activation": "rrelu"}),
        ("damping 0.1 + temperature 0", TUNED_RECIPE.replace(name="damp0.1-T0"), {}),
        ("tuned recipe (+ RReLU for 2 layers)" if depth == 2 else "tuned recipe", TUNED_RECIPE, tuned_kw),
        ("tuned + temperature 1e-6", TUNED_RECIPE.replace(name="tuned-T1e-6", temperature=1e-6), tuned_kw),
    ]


def ablation_cells():
    """One factor at a time around the tuned 2-layer recipe: (factor, level, model kind, recipe, model options).
    The first cell is the common baseline."""
    T, kw = TUNED_RECIPE, tuned_model_kwargs(2)
    return [
        ("baseline", "tuned Landau recipe", "landau", T, kw),
        ("layer", "Linear", "fc", T, kw),
        ("loss", "cross-entropy", "landau", T.replace(name="ce", loss="ce"), kw),
        ("optimizer", "Adam (lr 1e-3)", "landau", T.replace(name="adam", optimizer="adam", lr=1e-3), kw),
        ("optimizer", "SGD, momentum 0.9", "landau", T.replace(name="sgd", optimizer="sgd", momentum=0.9), kw),
        ("beta dynamics", "Allen-Cahn off", "landau", T.replace(name="no-ac", allen_cahn=False), kw),
        ("beta mode", "field", "landau", T, {**kw, "beta_mode": "field"}),
        ("spatial axis", "classes", "landau", T.replace(name="sd1", spatial_dim=1), kw),
        ("temperature", "post's 8e-3", "landau", T.replace(name="T8e-3", temperature=8e-3), kw),
    ]


def velocity_noise_std(recipe):
    """Stationary std of LangevinLandau's velocity from noise alone: v = (1-g) v + sigma eta with
    sigma^2 = 2 g lr T gives Var v = sigma^2 / (1 - (1-g)^2) = 2 lr T / (2 - g), about lr * T."""
    g = recipe.damping
    return (2 * recipe.lr * recipe.temperature / (2 - g)) ** 0.5 if g > 0 else float("inf")


def run_row(row, data, seeds, epochs, batch_size=POST.batch_size, device="cpu", runs_dir="runs", progress=True):
    """Train (or reuse) one table row for every seed; returns the histories."""
    return [run_experiment(data, row.kind, row.hidden, row.recipe, seed, epochs, batch_size, device, runs_dir,
                           progress, **row.model_kwargs)[1] for seed in seeds]

"""landau_lib: the reference implementation of the post's "Landau Network".

Where each equation of the post lives:
    dynamic weights  W = W0 (cosh(5b) a + t_dyn sinh(5b))   layer.py     LandauLayer.forward
    Ginzburg-Landau loss                                       loss.py      GinzburgLandauLoss
    Allen-Cahn beta update                                     dynamics.py  allen_cahn_step
    Langevin optimizer                                         optim.py     LangevinLandau.step
    hyperparameter table                                       config.py    PostConfig / POST
"""
from .config import POST, PostConfig
from .data import DATASETS, Dataset, SubstituteDatasetWarning, batches, load_dataset
from .dynamics import allen_cahn_step
from .layer import LandauLayer
from .loss import GinzburgLandauLoss
from .models import FCNet, LandauNet, landau_layers
from .optim import LangevinLandau
from .train import (POST_RECIPE, STANDARD_RECIPE, TUNED_RECIPE, DivergenceError, Recipe, evaluate, load_history,
                    make_model, run_experiment, save_history, seed_everything, train)

__version__ = "0.1.0"
__all__ = [
    "POST", "PostConfig", "DATASETS", "Dataset", "SubstituteDatasetWarning", "batches", "load_dataset",
    "allen_cahn_step", "LandauLayer", "GinzburgLandauLoss", "FCNet", "LandauNet", "landau_layers",
    "LangevinLandau", "POST_RECIPE", "STANDARD_RECIPE", "TUNED_RECIPE", "DivergenceError", "Recipe", "evaluate",
    "load_history", "make_model", "run_experiment", "save_history", "seed_everything", "train",
]

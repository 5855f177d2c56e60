"""The post's hyperparameter table, in one place. Notebooks read their defaults from here."""
from dataclasses import dataclass


@dataclass(frozen=True)
class PostConfig:
    """Hyperparameters from the post's results table (same for the 1- and 2-layer nets).

    `batch_size` is not in the post; 64 is our choice and is recorded with every run.
    """
    alpha: float = 0.0095        # GL loss: quadratic coefficient
    gamma: float = 6.5           # GL loss: quartic coefficient
    beta_init: float = 1e-3      # initial beta of every Landau layer
    lr: float = 1e-2             # LangevinLandau learning rate
    kappa: float = 1e-2          # Allen-Cahn force coefficient
    hidden: int = 156            # hidden width of the 2-layer net
    damping: float = 1e-3        # LangevinLandau damping
    temperature: float = 8e-3    # LangevinLandau temperature
    dt: float = 1e-3             # Allen-Cahn time step
    epochs: int = 100
    batch_size: int = 64
    activation: str = "mish"


POST = PostConfig()

"""Risk scorecard: WoE binning, logistic points scaling, reason codes and metrics.

Importing this package and scoring a saved model needs only NumPy and Polars. Fitting
needs the ``train`` extra (optbinning, scikit-learn) through :mod:`creditline.scoring.train`.
"""

from creditline.scoring.metrics import auc, gini, ks
from creditline.scoring.scorecard import Scorecard, load_scorecard
from creditline.scoring.settings import ScorecardSettings

__all__ = ["Scorecard", "ScorecardSettings", "auc", "gini", "ks", "load_scorecard"]

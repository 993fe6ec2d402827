"""Customer and account profile features built from statements with Polars.

:func:`build_profiles` turns the imported accounts, statements and customers into one
feature row per credit line. :data:`FEATURES` describes each feature column, including
the direction in which the bad rate moves as the value rises.
"""

from creditline.profile.catalog import FEATURES, FeatureKind, FeatureSpec, RiskTrend
from creditline.profile.features import build_profiles

__all__ = ["FEATURES", "FeatureKind", "FeatureSpec", "RiskTrend", "build_profiles"]

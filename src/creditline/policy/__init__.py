"""Declarative limit policy: a YAML file validated into :class:`Policy`, evaluated on a
whole portfolio frame by :func:`evaluate_portfolio`."""

from creditline.policy.evaluate import evaluate_portfolio, required_columns
from creditline.policy.load import SHIPPED_POLICIES, load_policy, load_shipped_policy, parse_policy
from creditline.policy.schema import Policy

__all__ = [
    "SHIPPED_POLICIES",
    "Policy",
    "evaluate_portfolio",
    "load_policy",
    "load_shipped_policy",
    "parse_policy",
    "required_columns",
]

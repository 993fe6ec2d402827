"""The limit policy the service decides with, chosen by the settings."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from creditline.policy import Policy, load_policy, load_shipped_policy
from creditline.settings import Settings

DEFAULT_SHIPPED_POLICY = "default_cny"


@lru_cache(maxsize=8)
def _load(path: Path | None) -> Policy:
    if path is None:
        return load_shipped_policy(DEFAULT_SHIPPED_POLICY)
    return load_policy(path)


def active_policy(settings: Settings) -> Policy:
    """Return the policy named by ``settings.policy_path``, else the shipped ``default_cny``.

    The file is read once per path and process. NOTE: an edited file is not read again
    until the process restarts.
    """
    return _load(settings.policy_path)

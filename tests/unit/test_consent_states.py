"""Consent states read in one statement with the rest of a decision's data."""

from __future__ import annotations

from creditline.service.consents import active_from_states


def test_import_counts_without_records() -> None:
    assert active_from_states({"income", "bureau"}, None) == {"income", "bureau"}


def test_newest_record_overrides_the_import() -> None:
    assert active_from_states({"income"}, "income:withdrawn,transactions:active") == {"transactions"}


def test_same_instant_conflict_counts_withdrawn() -> None:
    assert active_from_states(set(), "income:active,income:withdrawn") == set()
    assert active_from_states(set(), "income:active,income:active") == {"income"}


def test_unknown_categories_ignored() -> None:
    assert active_from_states(set(), "pets:active") == set()

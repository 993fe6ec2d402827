from datetime import UTC, datetime, timedelta

import pytest

from creditline.domain.line import CreditLine

NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def make_line(**changes: object) -> CreditLine:
    base = CreditLine(
        account_id="A1", customer_id="C1", product="card", currency="CNY", approved_limit=2_000_000, outstanding=500_000
    )
    return base.with_changes(**changes)


def test_available_is_limit_minus_outstanding() -> None:
    line = make_line()
    assert line.effective_limit(NOW) == 2_000_000
    assert line.available(NOW) == 1_500_000


def test_lowered_limit_shows_new_available() -> None:
    line = make_line(approved_limit=800_000)
    assert line.available(NOW) == 300_000


def test_temporary_limit_counts_until_expiry() -> None:
    line = make_line(temporary_limit=300_000, temporary_expires_at=NOW + timedelta(days=1))
    assert line.effective_limit(NOW) == 2_300_000
    assert line.effective_limit(NOW + timedelta(days=1)) == 2_000_000
    assert line.available(NOW + timedelta(days=2)) == 1_500_000


def test_customer_cap_limits_effective() -> None:
    line = make_line(customer_cap=1_000_000, temporary_limit=300_000, temporary_expires_at=NOW + timedelta(days=1))
    assert line.effective_limit(NOW) == 1_000_000


@pytest.mark.parametrize("flag", ["customer_frozen", "risk_frozen"])
def test_either_freeze_stops_drawing(flag: str) -> None:
    line = make_line(**{flag: True})
    assert line.frozen
    assert line.available(NOW) == 0


def test_reduction_below_outstanding_leaves_nothing_available() -> None:
    line = make_line(approved_limit=300_000)
    assert line.available(NOW) == 0


def test_temporary_limit_needs_aware_expiry() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_line(temporary_limit=1, temporary_expires_at=datetime(2026, 12, 5))
    with pytest.raises(ValueError, match="needs an expiry"):
        make_line(temporary_limit=1)

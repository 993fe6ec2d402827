from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from creditline.clock import FixedClock
from creditline.errors import InvalidInput
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.service.risk import RiskAction, apply_risk_action
from creditline.store.tables import adjustments, credit_lines, notices
from tests.factories import write_portfolio

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def imported(engine: Engine, tmp_path: Path, clock: FixedClock) -> Engine:
    import_folder(engine, write_portfolio(tmp_path / "in", 4), clock)
    return engine


def test_risk_reduction_may_go_below_outstanding(imported: Engine, clock: FixedClock) -> None:
    action = RiskAction("reduce", ("R_COURT_ENFORCEMENT",), "risk-engine", signal_id="sig-1", new_limit=100_000)
    with imported.begin() as conn:
        decision = apply_risk_action(conn, "A0004", action, clock.now(), ZONE)
    assert decision.result == "applied"
    assert decision.line.approved_limit == 100_000
    assert decision.line.available(clock.now()) == 0
    with imported.connect() as conn:
        adjustment = conn.execute(select(adjustments)).one()
        notice = conn.execute(select(notices)).one()
    assert (adjustment.channel, adjustment.decided_by, adjustment.reason_codes) == ("risk", "risk-engine", ["R_COURT_ENFORCEMENT"])
    assert "被列为失信被执行人" in notice.body_zh
    assert verify(imported).ok


def test_risk_freeze_stops_drawing_and_is_idempotent(imported: Engine, clock: FixedClock) -> None:
    action = RiskAction("freeze", ("R_FRAUD",), "fraud-engine")
    with imported.begin() as conn:
        first = apply_risk_action(conn, "A0001", action, clock.now(), ZONE)
        second = apply_risk_action(conn, "A0001", action, clock.now(), ZONE)
    assert (first.result, second.result) == ("applied", "unchanged")
    with imported.connect() as conn:
        line = conn.execute(select(credit_lines).where(credit_lines.c.account_id == "A0001")).one()
    assert (line.risk_frozen, line.customer_frozen, line.version) == (True, False, 2)
    assert verify(imported).ok


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (dict(action="shrink", reason_codes=("R_FRAUD",)), "Risk action 'shrink' is unknown: use reduce, freeze or unfreeze."),
        (dict(action="reduce", reason_codes=("R_FRAUD",)), 'A risk reduction needs new_limit: an amount of zero or more as a string, such as "12000.00".'),
        (dict(action="freeze", reason_codes=("X_NOPE",)), "Risk reason codes X_NOPE are not valid: give at least one, from R_OVERDUE, "),
    ],
)
def test_invalid_risk_action_rejected(action: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput) as caught:
        RiskAction(decided_by="risk-engine", **action)
    assert message in caught.value.render("en")


def test_invalid_risk_action_message_in_chinese() -> None:
    with pytest.raises(InvalidInput) as caught:
        RiskAction(decided_by="risk-engine", action="reduce", reason_codes=("R_FRAUD",))
    assert caught.value.render("zh") == '风险降额须提供 new_limit：不小于 0 的金额字符串，如 "12000.00"。'


def test_risk_action_api_freezes_and_reduces(imported: Engine, clock: FixedClock) -> None:
    from tests.access import app_client, bearer

    risk_system = {**bearer(clock, subject="risk-engine", role="service"), "Accept-Language": "en"}
    with app_client(imported, clock) as client:
        frozen = client.post(
            "/v1/lines/A0003/risk-actions",
            json={"action": "freeze", "reason_codes": ["R_FRAUD"], "signal_id": "sig-9"},
            headers={**risk_system, "Idempotency-Key": "risk-1"},
        )
        reduced = client.post(
            "/v1/lines/A0003/risk-actions",
            json={"action": "reduce", "reason_codes": ["R_OVERDUE"], "new_limit": "1000.00"},
            headers={**risk_system, "Idempotency-Key": "risk-2"},
        )
        customer = client.post(
            "/v1/lines/A0003/risk-actions",
            json={"action": "unfreeze", "reason_codes": ["R_RISK_CLEARED"]},
            headers={**bearer(clock, subject="C0003", role="customer"), "Idempotency-Key": "risk-3"},
        )
    assert frozen.status_code == 200
    assert (frozen.json()["result"], frozen.json()["risk_frozen"], frozen.json()["available"]) == ("applied", True, "0.00")
    assert reduced.status_code == 200
    assert (reduced.json()["approved_limit"], reduced.json()["version"]) == ("1000.00", 3)
    assert customer.status_code == 403
    assert verify(imported).ok

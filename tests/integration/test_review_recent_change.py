"""A second review soon after an applied one keeps the lines the first one changed at their limits."""

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from creditline.clock import FixedClock
from creditline.policy import parse_policy
from creditline.service.imports import import_folder
from creditline.service.models import train_scorecard
from creditline.service.review import apply_batch, approve_batch, propose_review
from creditline.store.tables import adjustments, credit_lines, review_items
from tests.factories import synthetic_policy_text, write_portfolio

ZONE = ZoneInfo("Asia/Shanghai")


def items_by_account(engine: Engine, batch_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = conn.execute(select(review_items).where(review_items.c.batch_id == batch_id)).all()
    return {row.account_id: row for row in rows}


def propose(engine: Engine, clock: FixedClock, text: str) -> str:
    return propose_review(engine, parse_policy(text), text, clock, proposed_by="alice", zone=ZONE).batch_id


def test_second_review_in_the_month_holds_changed_lines(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    text = synthetic_policy_text()
    assert "min_months_between_changes: 3" in text
    first = propose(engine, clock, text)
    approve_batch(engine, first, clock, approved_by="bob")
    apply_batch(engine, first, clock, ZONE)
    with engine.connect() as conn:
        changed = set(conn.scalars(select(adjustments.c.account_id).where(adjustments.c.batch_id == first)))
        limits = {row.account_id: row.approved_limit for row in conn.execute(select(credit_lines))}
    first_items = items_by_account(engine, first)
    assert changed, "the first review changed no line"

    clock.advance(timedelta(days=20))  # 24 December, the same month
    second = propose(engine, clock, text)
    second_items = items_by_account(engine, second)

    assert set(second_items) == set(first_items)
    held = {account for account, item in second_items.items() if item.reason_codes == ["P_GUARD_RECENT_CHANGE"]}
    assert held
    assert held <= changed
    for account in changed:
        item = second_items[account]
        assert (item.direction, item.status, item.offer_only) == ("unchanged", "unchanged", False)
        assert item.old_limit == item.proposed_limit == limits[account]
        assert item.reason_codes in (["P_GUARD_RECENT_CHANGE"], ["P_UNCHANGED"])
        assert item.inputs["months_since_limit_change"] == 0
    # Lines the first review left alone are proposed exactly as before.
    untouched = set(first_items) - changed
    assert untouched
    for account in untouched:
        before, after = first_items[account], second_items[account]
        assert (after.proposed_limit, after.direction, after.reason_codes) == (
            before.proposed_limit,
            before.direction,
            before.reason_codes,
        )
        assert after.inputs["months_since_limit_change"] is None


def test_lines_not_yet_changed_still_get_proposals(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    text = synthetic_policy_text()
    first = propose(engine, clock, text)
    approve_batch(engine, first, clock, approved_by="bob")
    report = apply_batch(engine, first, clock, ZONE, chunk_size=25, max_chunks=1)
    assert not report.complete
    with engine.connect() as conn:
        changed = set(conn.scalars(select(adjustments.c.account_id).where(adjustments.c.batch_id == first)))
    first_items = items_by_account(engine, first)
    waiting = {account for account, item in first_items.items() if item.status == "proposed"}
    assert len(changed) == report.applied > 0
    assert waiting

    second_items = items_by_account(engine, propose(engine, clock, text))

    assert all(second_items[account].direction == "unchanged" for account in changed)
    for account in waiting:
        before, after = first_items[account], second_items[account]
        assert after.status == "proposed"
        assert (after.proposed_limit, after.direction, after.reason_codes) == (
            before.proposed_limit,
            before.direction,
            before.reason_codes,
        )


def test_review_three_months_later_moves_changed_lines_again(
    engine: Engine, tmp_path: Path, clock: FixedClock
) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    text = synthetic_policy_text()
    first = propose(engine, clock, text)
    approve_batch(engine, first, clock, approved_by="bob")
    apply_batch(engine, first, clock, ZONE)
    with engine.connect() as conn:
        changed = set(conn.scalars(select(adjustments.c.account_id).where(adjustments.c.batch_id == first)))

    clock.advance(timedelta(days=89))  # 3 March 2027, one day short of three months
    short = items_by_account(engine, propose(engine, clock, text))
    clock.advance(timedelta(days=1))  # 4 March 2027, three whole months after the change
    later = items_by_account(engine, propose(engine, clock, text))

    assert all(short[account].direction == "unchanged" for account in changed)
    assert {short[account].inputs["months_since_limit_change"] for account in changed} == {2}
    assert {later[account].inputs["months_since_limit_change"] for account in changed} == {3}
    assert not any("P_GUARD_RECENT_CHANGE" in item.reason_codes for item in later.values())
    assert any(later[account].direction != "unchanged" for account in changed)

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from creditline.clock import FixedClock
from creditline.errors import Conflict, ModelNotReady, PolicyViolation
from creditline.policy import load_shipped_policy
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.service.models import train_scorecard
from creditline.service.review import apply_batch, approve_batch, batch_summary, propose_review
from creditline.store.tables import adjustments, credit_lines, ledger_events, notices, review_items
from creditline.policy import parse_policy
from tests.factories import synthetic_policy_text, write_portfolio



@pytest.fixture
def proposed(engine: Engine, tmp_path: Path, clock: FixedClock) -> str:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    text = synthetic_policy_text()
    summary = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")
    return summary.batch_id


def scalar(engine: Engine, query) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.scalar(query))


def test_review_needs_a_trained_model(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 8), clock)
    with pytest.raises(ModelNotReady):
        propose_review(engine, load_shipped_policy("default_cny"), "", clock, proposed_by="alice")


def test_proposal_covers_every_line(engine: Engine, proposed: str) -> None:
    summary = batch_summary(engine, proposed)
    assert summary.status == "proposed"
    assert summary.lines == 120
    assert summary.increases + summary.decreases + summary.unchanged + summary.errors == 120
    assert summary.decreases > 0
    assert summary.increases > 0
    assert summary.unchanged > 0
    assert scalar(engine, select(func.count()).select_from(adjustments)) == 0


@pytest.mark.parametrize("name", ["alice", "Alice", " alice "])
def test_proposer_cannot_approve_own_batch(engine: Engine, proposed: str, clock: FixedClock, name: str) -> None:
    with pytest.raises(Conflict) as caught:
        approve_batch(engine, proposed, clock, approved_by=name)
    assert caught.value.render("en") == (
        f"Batch {proposed} was proposed by {name.strip()}; another officer must approve it "
        "(the limit policy requires a different approver)."
    )
    assert batch_summary(engine, proposed).status == "proposed"


def test_apply_requires_approval(engine: Engine, proposed: str, clock: FixedClock) -> None:
    with pytest.raises(Conflict) as caught:
        apply_batch(engine, proposed, clock, clock_zone())
    assert caught.value.render("en") == f"Batch {proposed} is 'proposed'; this step needs it to be approved / applying."


def clock_zone():  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_interrupted_apply_resumes_without_repeating(engine: Engine, proposed: str, clock: FixedClock) -> None:
    approve_batch(engine, proposed, clock, approved_by="bob")
    changes = scalar(
        engine,
        select(func.count()).where(review_items.c.batch_id == proposed, review_items.c.status == "proposed"),
    )

    first = apply_batch(engine, proposed, clock, clock_zone(), chunk_size=25, max_chunks=1)
    assert not first.complete
    assert first.applied + first.offered == 25
    second = apply_batch(engine, proposed, clock, clock_zone(), chunk_size=25)
    assert second.complete

    assert first.applied + second.applied + first.offered + second.offered == changes
    assert scalar(engine, select(func.count()).select_from(adjustments)) == first.applied + second.applied
    assert scalar(engine, select(func.count(func.distinct(adjustments.c.account_id)))) == first.applied + second.applied
    assert scalar(engine, select(func.count()).select_from(notices)) == changes
    # Training also writes model-registry events, on streams named "registry:<kind>".
    line_events = select(func.count()).select_from(ledger_events).where(~ledger_events.c.stream_id.like("registry:%"))
    assert scalar(engine, line_events) == 120 + first.applied + second.applied
    assert batch_summary(engine, proposed).status == "applied"
    again = apply_batch(engine, proposed, clock, clock_zone())
    assert (again.applied, again.offered, again.complete) == (0, 0, True)
    assert scalar(engine, select(func.count()).select_from(adjustments)) == first.applied + second.applied
    assert verify(engine).ok


def test_applied_line_matches_item(engine: Engine, proposed: str, clock: FixedClock) -> None:
    approve_batch(engine, proposed, clock, approved_by="bob")
    apply_batch(engine, proposed, clock, clock_zone())
    with engine.connect() as conn:
        item = conn.execute(
            select(review_items).where(review_items.c.batch_id == proposed, review_items.c.status == "applied").limit(1)
        ).one()
        line = conn.execute(select(credit_lines).where(credit_lines.c.account_id == item.account_id)).one()
        adjustment = conn.execute(select(adjustments).where(adjustments.c.adjustment_id == item.adjustment_id)).one()
        notice = conn.execute(select(notices).where(notices.c.adjustment_id == item.adjustment_id)).one()
    assert line.approved_limit == item.proposed_limit
    assert line.version == item.line_version + 1
    assert (adjustment.old_limit, adjustment.new_limit) == (item.old_limit, item.proposed_limit)
    assert adjustment.decided_by == "bob"
    assert adjustment.channel == "review"
    assert adjustment.reason_codes == item.reason_codes
    assert item.account_id[-4:] in notice.body_zh
    assert "Reasons:" in notice.body_en


def test_applied_adjustments_record_ledger_seq(engine: Engine, proposed: str, clock: FixedClock) -> None:
    approve_batch(engine, proposed, clock, approved_by="bob")
    apply_batch(engine, proposed, clock, clock_zone())
    with engine.connect() as conn:
        recorded = conn.execute(select(adjustments.c.adjustment_id, adjustments.c.account_id, adjustments.c.ledger_seq)).all()
        events = conn.execute(
            select(ledger_events.c.stream_id, ledger_events.c.seq, ledger_events.c.payload).where(
                ledger_events.c.event_type == "LimitAdjusted"
            )
        ).all()
    naming = {(event.stream_id, json.loads(event.payload)["adjustment_id"]): event.seq for event in events}
    assert recorded
    assert {(row.account_id, row.adjustment_id): row.ledger_seq for row in recorded} == naming


def test_line_changed_after_proposal_is_skipped(engine: Engine, proposed: str, clock: FixedClock, tmp_path: Path) -> None:
    approve_batch(engine, proposed, clock, approved_by="bob")
    with engine.connect() as conn:
        target = conn.execute(
            select(review_items).where(review_items.c.batch_id == proposed, review_items.c.status == "proposed").limit(1)
        ).one()
    folder = tmp_path / "in"
    text = (folder / "accounts.csv").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(text):
        if line.startswith(target.account_id + ","):
            fields = line.split(",")
            fields[6] = str(int(fields[6]) + 1)
            text[index] = ",".join(fields)
    (folder / "accounts.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    import_folder(engine, folder, clock)

    report = apply_batch(engine, proposed, clock, clock_zone())

    assert report.stale == 1
    with engine.connect() as conn:
        status = conn.scalar(
            select(review_items.c.status).where(
                review_items.c.batch_id == proposed, review_items.c.account_id == target.account_id
            )
        )
        limit = conn.scalar(select(credit_lines.c.approved_limit).where(credit_lines.c.account_id == target.account_id))
    assert status == "stale"
    assert limit == target.old_limit
    assert verify(engine).ok


def test_review_with_wrong_currency_policy_is_refused(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    text = synthetic_policy_text().replace("currency: CNY", "currency: TWD")

    with pytest.raises(PolicyViolation) as caught:
        propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")

    assert caught.value.render("en") == (
        "The policy could not evaluate any of the 120 lines, so no batch was proposed. "
        "Most common cause: The line's currency differs from the policy currency, so it was not evaluated; "
        "use a policy in the line's currency."
    )
    assert scalar(engine, select(func.count()).select_from(review_items)) == 0


def test_review_stores_profile_snapshots(engine: Engine, proposed: str) -> None:
    from creditline.store.tables import profile_snapshots

    assert scalar(engine, select(func.count()).select_from(profile_snapshots)) == 120
    with engine.connect() as conn:
        snapshot = conn.execute(select(profile_snapshots).where(profile_snapshots.c.account_id == "A0004")).one()
        item = conn.execute(
            select(review_items).where(review_items.c.batch_id == proposed, review_items.c.account_id == "A0004")
        ).one()
    assert snapshot.score == pytest.approx(item.score)
    assert snapshot.features["_approved_limit"] == item.old_limit
    assert "utilisation_mean_6m" in snapshot.features


def test_review_holds_increases_of_students(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    from creditline.service.flags import set_flag

    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    text = synthetic_policy_text()
    first = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")
    with engine.connect() as conn:
        raised = conn.execute(
            select(review_items.c.account_id, review_items.c.customer_id)
            .where(review_items.c.batch_id == first.batch_id, review_items.c.direction == "increase")
            .limit(1)
        ).one()
    set_flag(engine, raised.customer_id, "student", True, "officer.li", clock)

    second = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")

    with engine.connect() as conn:
        item = conn.execute(
            select(review_items).where(
                review_items.c.batch_id == second.batch_id, review_items.c.account_id == raised.account_id
            )
        ).one()
    assert (item.direction, item.proposed_limit, item.offer_only) == ("unchanged", item.old_limit, False)
    assert item.reason_codes == ["C_STUDENT"]
    assert second.increases == first.increases - 1

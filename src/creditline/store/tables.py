"""SQLAlchemy Core tables. Money columns are BIGINT minor units; timestamps are UTC."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from creditline.store.types import BigIntegerPK, TransactionId, UTCDateTime, current_xact_id

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = String(64)

customers = Table(
    "customers",
    metadata,
    Column("customer_id", ID, primary_key=True),
    Column("birth_year", Integer),
    Column("monthly_income", BigInteger),
    Column("consents", String(200), nullable=False, server_default=""),
    # Protected attributes: kept for fairness reporting, excluded from every model.
    Column("sex", String(32)),
    Column("marital_status", String(32)),
    Column("education", String(32)),
    Column("updated_at", UTCDateTime(), nullable=False),
)

credit_lines = Table(
    "credit_lines",
    metadata,
    Column("account_id", ID, primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.customer_id"), nullable=False, index=True),
    Column("product", ID, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("opened_on", Date),
    Column("approved_limit", BigInteger, nullable=False),
    Column("outstanding", BigInteger, nullable=False),
    Column("temporary_limit", BigInteger, nullable=False, server_default="0"),
    Column("temporary_expires_at", UTCDateTime()),
    Column("customer_cap", BigInteger),
    Column("customer_frozen", Boolean, nullable=False, server_default="0"),
    Column("risk_frozen", Boolean, nullable=False, server_default="0"),
    Column("increase_preference", String(8), nullable=False, server_default="auto"),
    # Customer changes that wait out a cooling-off period carry the instant they take effect.
    Column("customer_unfreeze_at", UTCDateTime()),
    Column("pending_cap", BigInteger),
    Column("cap_change_at", UTCDateTime()),
    Column("alert_threshold", BigInteger),
    # Optimistic concurrency: every write is "UPDATE ... WHERE version = :read_version".
    Column("version", Integer, nullable=False),
    Column("ledger_seq", Integer, nullable=False),
    Column("ledger_head", String(64)),
    Column("updated_at", UTCDateTime(), nullable=False),
    CheckConstraint("approved_limit >= 0", name="approved_limit_non_negative"),
)

statements = Table(
    "statements",
    metadata,
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), primary_key=True),
    Column("statement_month", Date, primary_key=True),
    Column("bill_amount", BigInteger, nullable=False),
    Column("paid_amount", BigInteger, nullable=False),
    Column("min_due", BigInteger),
    Column("dpd", Integer, nullable=False),
)

transactions = Table(
    "transactions",
    metadata,
    Column("transaction_id", BigIntegerPK, primary_key=True, autoincrement=True),
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), nullable=False, index=True),
    Column("posted_at", Date, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("category", String(64)),
)

bureau_reports = Table(
    "bureau_reports",
    metadata,
    Column("customer_id", ID, ForeignKey("customers.customer_id"), primary_key=True),
    Column("report_date", Date, primary_key=True),
    Column("external_debt", BigInteger, nullable=False),
    Column("lenders_count", Integer, nullable=False),
    Column("inquiries_3m", Integer, nullable=False),
    Column("enforcement", Boolean, nullable=False),
)

outcomes = Table(
    "outcomes",
    metadata,
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), primary_key=True),
    Column("as_of", Date, primary_key=True),
    Column("bad", Boolean, nullable=False),
)

import_runs = Table(
    "import_runs",
    metadata,
    Column("import_id", String(36), primary_key=True),
    Column("imported_at", UTCDateTime(), nullable=False),
    Column("source", String(400), nullable=False),
    Column("row_counts", JSON, nullable=False),
)

models = Table(
    "models",
    metadata,
    Column("model_version", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("artifact", Text, nullable=False),
    CheckConstraint("status IN ('challenger', 'champion', 'retired')", name="status_known"),
)

review_batches = Table(
    "review_batches",
    metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("proposed_by", String(64), nullable=False),
    Column("as_of_month", Date),
    Column("policy_version", String(120), nullable=False),
    Column("policy_document", Text, nullable=False),
    Column("model_version", String(64), nullable=False),
    Column("approved_by", String(64)),
    Column("approved_at", UTCDateTime()),
    Column("applied_at", UTCDateTime()),
    Column("summary", JSON, nullable=False),
    CheckConstraint(
        "status IN ('proposed', 'approved', 'applying', 'applied', 'rejected')", name="status_known"
    ),
)

review_items = Table(
    "review_items",
    metadata,
    Column("batch_id", String(36), ForeignKey("review_batches.batch_id"), primary_key=True),
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), primary_key=True),
    Column("customer_id", ID, nullable=False),
    Column("line_version", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("old_limit", BigInteger, nullable=False),
    Column("proposed_limit", BigInteger, nullable=False),
    Column("direction", String(10), nullable=False),
    Column("offer_only", Boolean, nullable=False),
    Column("risk_band", String(16)),
    Column("score", Float),
    Column("pd", Float),
    Column("reason_codes", JSON, nullable=False),
    Column("inputs", JSON, nullable=False),
    # proposed -> applied | offered | stale | unchanged | error
    Column("status", String(12), nullable=False),
    Column("error", String(400)),
    Column("adjustment_id", String(36)),
    Index("ix_review_items_batch_status", "batch_id", "status"),
)

adjustments = Table(
    "adjustments",
    metadata,
    Column("adjustment_id", String(36), primary_key=True),
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), nullable=False, index=True),
    Column("channel", String(10), nullable=False),
    Column("direction", String(10), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("old_limit", BigInteger, nullable=False),
    Column("new_limit", BigInteger, nullable=False),
    Column("reason_codes", JSON, nullable=False),
    Column("policy_version", String(120)),
    Column("model_version", String(64)),
    Column("batch_id", String(36), index=True),
    Column("decided_by", String(64), nullable=False),
    Column("decided_at", UTCDateTime(), nullable=False),
    Column("inputs", JSON, nullable=False),
    # Sequence number of the ledger event that recorded the adjustment in its line's stream,
    # so adjustments decided in the same instant keep the order they were written in. NULL
    # only for a row that no ledger event names.
    Column("ledger_seq", Integer),
)

notices = Table(
    "notices",
    metadata,
    # Outbox order is (xact_id, notice_id): see creditline.service.outbox for why the id of
    # the writing transaction comes first.
    Column("notice_id", BigIntegerPK, primary_key=True, autoincrement=True),
    Column("customer_id", ID, nullable=False, index=True),
    Column("account_id", ID, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("adjustment_id", String(36)),
    Column("title_zh", String(200), nullable=False),
    Column("body_zh", Text, nullable=False),
    Column("title_en", String(200), nullable=False),
    Column("body_en", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("acknowledged_at", UTCDateTime()),
    # The writing transaction's id on PostgreSQL; 0 on SQLite and for notices written
    # before the column existed.
    Column("xact_id", TransactionId(), nullable=False, server_default=current_xact_id()),
    Index("ix_notices_xact_id_notice_id", "xact_id", "notice_id"),
)

ledger_events = Table(
    "ledger_events",
    metadata,
    Column("id", BigIntegerPK, primary_key=True, autoincrement=True),
    Column("stream_id", ID, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    # Canonical JSON text exactly as hashed, so re-serialisation can never alter it.
    Column("payload", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("stream_id", "seq", name="uq_ledger_events_stream_seq"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    # One row per (caller, key): a retry with the same key and body returns the stored reply.
    Column("principal", String(128), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("method", String(8), nullable=False),
    Column("path", String(400), nullable=False),
    Column("body_sha256", String(64), nullable=False),
    Column("status_code", Integer),
    Column("response_body", Text),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("completed_at", UTCDateTime()),
)

outbox_cursors = Table(
    "outbox_cursors",
    metadata,
    # The outbox position a consumer acknowledged last: (acknowledged_xact_id,
    # acknowledged_notice_id), both 0 before the first notice.
    Column("consumer", String(64), primary_key=True),
    Column("acknowledged_notice_id", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("acknowledged_xact_id", TransactionId(), nullable=False, server_default="0"),
)

suggestions = Table(
    "suggestions",
    metadata,
    # One suggested limit range per customer and calendar month (``period`` "YYYY-MM" in
    # the lender's time zone); the unique key enforces the monthly rule under concurrency.
    Column("suggestion_id", String(36), primary_key=True),
    Column("customer_id", ID, nullable=False),
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), nullable=False, index=True),
    Column("period", String(7), nullable=False),
    Column("requested", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("current_limit", BigInteger, nullable=False),
    # increase | decrease | keep
    Column("direction", String(10), nullable=False),
    Column("range_low", BigInteger, nullable=False),
    Column("range_high", BigInteger, nullable=False),
    Column("predicted_utilisation", Float),
    Column("pressing_probability", Float),
    Column("falling_probability", Float),
    Column("reason_codes", JSON, nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("model_version", String(64)),
    Column("policy_version", String(120), nullable=False),
    # open -> accepted
    Column("status", String(12), nullable=False),
    Column("accepted_at", UTCDateTime()),
    Column("accepted_limit", BigInteger),
    Column("adjustment_id", String(36)),
    UniqueConstraint("customer_id", "period", name="uq_suggestions_customer_period"),
    CheckConstraint("range_low <= range_high", name="range_ordered"),
)

customer_requests = Table(
    "customer_requests",
    metadata,
    # Every limit request a customer made and how it was decided, declined ones included.
    Column("request_id", String(36), primary_key=True),
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), nullable=False),
    Column("customer_id", ID, nullable=False),
    # increase | decrease | temporary_limit
    Column("kind", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("requested_amount", BigInteger, nullable=False),
    # approved | partial | declined | honoured
    Column("outcome", String(10), nullable=False),
    Column("old_limit", BigInteger, nullable=False),
    Column("new_limit", BigInteger, nullable=False),
    Column("reason_codes", JSON, nullable=False),
    # The data the decision read, by name, so the customer and an auditor can see it.
    Column("inputs", JSON, nullable=False),
    Column("policy_version", String(120)),
    Column("model_version", String(64)),
    Column("adjustment_id", String(36)),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_customer_requests_account_created", "account_id", "created_at"),
)

offers = Table(
    "offers",
    metadata,
    # An increase the lender offers a customer who asked to be asked first.
    Column("offer_id", String(36), primary_key=True),
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), nullable=False, index=True),
    Column("customer_id", ID, nullable=False),
    Column("batch_id", String(36)),
    Column("currency", String(3), nullable=False),
    Column("old_limit", BigInteger, nullable=False),
    Column("offered_limit", BigInteger, nullable=False),
    Column("reason_codes", JSON, nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("policy_version", String(120)),
    Column("model_version", String(64)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    # open -> accepted; an open offer past expires_at reads as expired.
    Column("status", String(10), nullable=False),
    Column("accepted_at", UTCDateTime()),
    Column("adjustment_id", String(36)),
)

consents = Table(
    "consents",
    metadata,
    # One row per grant; withdrawn_at ends it. The newest row of a category decides.
    Column("consent_id", String(36), primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.customer_id"), nullable=False, index=True),
    # bureau | transactions | income | third_party
    Column("category", String(20), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("granted_at", UTCDateTime(), nullable=False),
    Column("withdrawn_at", UTCDateTime()),
)

income_declarations = Table(
    "income_declarations",
    metadata,
    # Income a customer declares; it counts in decisions only once an officer verified it.
    Column("declaration_id", String(36), primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.customer_id"), nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("monthly_income", BigInteger, nullable=False),
    Column("evidence_ref", String(200), nullable=False),
    Column("declared_at", UTCDateTime(), nullable=False),
    # declared -> verified | rejected
    Column("status", String(10), nullable=False),
    Column("reviewed_by", String(64)),
    Column("reviewed_at", UTCDateTime()),
    Column("review_comment", String(400)),
)

customer_flags = Table(
    "customer_flags",
    metadata,
    # Circumstances staff record about a customer, such as "student"; cleared_at ends one.
    Column("flag_id", String(36), primary_key=True),
    Column("customer_id", ID, ForeignKey("customers.customer_id"), nullable=False, index=True),
    Column("flag", String(32), nullable=False),
    Column("noted_by", String(64), nullable=False),
    Column("noted_at", UTCDateTime(), nullable=False),
    Column("cleared_at", UTCDateTime()),
)

profile_snapshots = Table(
    "profile_snapshots",
    metadata,
    # The latest profile and score of a line, so a real-time decision need not rebuild them.
    # A snapshot is current while its statement month and model version are the newest.
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), primary_key=True),
    Column("as_of_month", Date),
    Column("model_version", String(64), nullable=False),
    Column("features", JSON, nullable=False),
    Column("score", Float),
    Column("pd", Float),
    Column("risk_reasons", JSON, nullable=False),
    Column("computed_at", UTCDateTime(), nullable=False),
)

review_cases = Table(
    "review_cases",
    metadata,
    # Human review (人工复核) of one automated decision, asked for by the customer.
    Column("case_id", String(36), primary_key=True),
    Column("customer_id", ID, nullable=False, index=True),
    Column("account_id", ID, ForeignKey("credit_lines.account_id"), nullable=False, index=True),
    Column("subject_type", String(16), nullable=False),
    Column("subject_id", String(64), nullable=False),
    # "<subject_type>:<subject_id>" while the case is open or taken, NULL once decided. Its
    # unique constraint allows one open case per decision, and NULLs never collide.
    Column("open_subject", String(90), unique=True),
    Column("status", String(12), nullable=False),
    Column("opened_by", String(128), nullable=False),
    Column("opened_at", UTCDateTime(), nullable=False),
    Column("customer_comment", Text, nullable=False),
    Column("taken_by", String(128)),
    Column("taken_at", UTCDateTime()),
    Column("decision", String(8)),
    Column("decided_by", String(128)),
    Column("decided_at", UTCDateTime()),
    Column("officer_comment", Text),
    Column("new_limit", BigInteger),
    Column("adjustment_id", String(36)),
    CheckConstraint("subject_type IN ('adjustment', 'request')", name="subject_type_known"),
    CheckConstraint("status IN ('open', 'taken', 'decided')", name="status_known"),
    CheckConstraint("decision IS NULL OR decision IN ('uphold', 'change')", name="decision_known"),
    Index("ix_review_cases_status_opened", "status", "opened_at"),
)

ledger_heads = Table(
    "ledger_heads",
    metadata,
    # Head of a ledger stream that has no credit line to keep it, such as the model
    # registry's "registry:scorecard": verification compares each chain's end with it.
    Column("stream_id", ID, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

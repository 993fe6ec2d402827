"""add customer self-service: line columns, requests, offers, consents, income, flags, snapshots

Revision ID: 0003a
Revises: 0002
Create Date: 2026-12-04 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision = "0003a"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC_DATETIME = creditline.store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("credit_lines") as batch:
        batch.add_column(sa.Column("customer_unfreeze_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("pending_cap", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("cap_change_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("alert_threshold", sa.BigInteger(), nullable=True))
    op.create_table(
        "customer_requests",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("requested_amount", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("old_limit", sa.BigInteger(), nullable=False),
        sa.Column("new_limit", sa.BigInteger(), nullable=False),
        sa.Column("reason_codes", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("policy_version", sa.String(length=120), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("adjustment_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["credit_lines.account_id"], name=op.f("fk_customer_requests_account_id_credit_lines")
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_customer_requests")),
    )
    op.create_index("ix_customer_requests_account_created", "customer_requests", ["account_id", "created_at"])
    op.create_table(
        "offers",
        sa.Column("offer_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("old_limit", sa.BigInteger(), nullable=False),
        sa.Column("offered_limit", sa.BigInteger(), nullable=False),
        sa.Column("reason_codes", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("policy_version", sa.String(length=120), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("accepted_at", UTC_DATETIME, nullable=True),
        sa.Column("adjustment_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["credit_lines.account_id"], name=op.f("fk_offers_account_id_credit_lines")),
        sa.PrimaryKeyConstraint("offer_id", name=op.f("pk_offers")),
    )
    op.create_index(op.f("ix_offers_account_id"), "offers", ["account_id"])
    op.create_table(
        "consents",
        sa.Column("consent_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("granted_at", UTC_DATETIME, nullable=False),
        sa.Column("withdrawn_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.customer_id"], name=op.f("fk_consents_customer_id_customers")),
        sa.PrimaryKeyConstraint("consent_id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_customer_id"), "consents", ["customer_id"])
    op.create_table(
        "income_declarations",
        sa.Column("declaration_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("monthly_income", sa.BigInteger(), nullable=False),
        sa.Column("evidence_ref", sa.String(length=200), nullable=False),
        sa.Column("declared_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", UTC_DATETIME, nullable=True),
        sa.Column("review_comment", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.customer_id"], name=op.f("fk_income_declarations_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("declaration_id", name=op.f("pk_income_declarations")),
    )
    op.create_index(op.f("ix_income_declarations_customer_id"), "income_declarations", ["customer_id"])
    op.create_table(
        "customer_flags",
        sa.Column("flag_id", sa.String(length=36), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("flag", sa.String(length=32), nullable=False),
        sa.Column("noted_by", sa.String(length=64), nullable=False),
        sa.Column("noted_at", UTC_DATETIME, nullable=False),
        sa.Column("cleared_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.customer_id"], name=op.f("fk_customer_flags_customer_id_customers")),
        sa.PrimaryKeyConstraint("flag_id", name=op.f("pk_customer_flags")),
    )
    op.create_index(op.f("ix_customer_flags_customer_id"), "customer_flags", ["customer_id"])
    op.create_table(
        "profile_snapshots",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("as_of_month", sa.Date(), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("pd", sa.Float(), nullable=True),
        sa.Column("risk_reasons", sa.JSON(), nullable=False),
        sa.Column("computed_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["credit_lines.account_id"], name=op.f("fk_profile_snapshots_account_id_credit_lines")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_profile_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("profile_snapshots")
    op.drop_index(op.f("ix_customer_flags_customer_id"), table_name="customer_flags")
    op.drop_table("customer_flags")
    op.drop_index(op.f("ix_income_declarations_customer_id"), table_name="income_declarations")
    op.drop_table("income_declarations")
    op.drop_index(op.f("ix_consents_customer_id"), table_name="consents")
    op.drop_table("consents")
    op.drop_index(op.f("ix_offers_account_id"), table_name="offers")
    op.drop_table("offers")
    op.drop_index("ix_customer_requests_account_created", table_name="customer_requests")
    op.drop_table("customer_requests")
    with op.batch_alter_table("credit_lines") as batch:
        batch.drop_column("alert_threshold")
        batch.drop_column("cap_change_at")
        batch.drop_column("pending_cap")
        batch.drop_column("customer_unfreeze_at")

"""Persistence: SQLAlchemy tables, engine factory, Alembic migrations and the ledger store."""

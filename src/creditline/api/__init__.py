"""HTTP API under /v1, built with FastAPI."""

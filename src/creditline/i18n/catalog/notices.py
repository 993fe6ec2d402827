"""Messages of the notices area."""

MESSAGES: dict[str, dict[str, str]] = {}

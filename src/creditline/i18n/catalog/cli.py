"""Messages of the cli area."""

MESSAGES: dict[str, dict[str, str]] = {}

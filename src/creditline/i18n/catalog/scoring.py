"""Messages of the scoring area."""

MESSAGES: dict[str, dict[str, str]] = {}

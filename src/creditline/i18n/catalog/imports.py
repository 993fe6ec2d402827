"""Messages of the imports area."""

MESSAGES: dict[str, dict[str, str]] = {}

"""Exceptions raised by creditline.

Every error carries a message key from the catalogue in :mod:`creditline.i18n` and the
parameters that fill it, so the CLI and the API render the same failure with the same
words in Chinese or English. The API maps each class to one HTTP status in one place
(``creditline.api.problems``).

Exception tree::

    CreditlineError
    ├── InvalidInput            (422) a value failed validation; names the value and the fix
    │   ├── InvalidAmount       (422) an amount is not a plain decimal with at most two places
    │   └── PolicyInvalid       (422) the limit policy file breaks its schema
    ├── ImportRejected          (422) a data import had bad rows; nothing was written
    ├── Unauthenticated         (401) the access token is missing, invalid or expired
    ├── Forbidden               (403) the caller's role may not do this
    ├── NotFound                (404) a line, batch, model or other record does not exist
    ├── Conflict                (409) the request clashes with the current state
    │   └── StaleVersion        (409) the record changed since it was read
    ├── PolicyViolation         (422) the request breaks a rule of the limit policy
    ├── ModelNotReady           (409) no fitted model is available for scoring
    └── LedgerIntegrityError    (500) the ledger failed verification
"""

from __future__ import annotations

from typing import Any


class CreditlineError(Exception):
    """Base class of every error creditline raises on purpose."""

    key = "error.internal"
    status = 500

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or type(self).key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, locale: str = "zh") -> str:
        """Return the message in ``locale`` ("zh" or "en").

        A ``kind`` parameter that names a catalogue entry ``kind.<name>`` (such as "line"
        or "batch") is shown in ``locale`` too, and so is a parameter ``<name>_key`` that
        holds a message key: it fills the field ``{<name>}``.
        """
        from creditline.i18n import MESSAGES, translate

        params = dict(self.params)
        kind = params.get("kind")
        if isinstance(kind, str) and f"kind.{kind}" in MESSAGES:
            params["kind"] = translate(f"kind.{kind}", locale)
        for name, value in self.params.items():
            if name.endswith("_key") and isinstance(value, str) and value in MESSAGES:
                params[name.removesuffix("_key")] = translate(value, locale)
        return translate(self.key, locale, **params)


class InvalidInput(CreditlineError):
    key = "error.invalid_input"
    status = 422


class InvalidAmount(InvalidInput):
    key = "error.invalid_amount"


class PolicyInvalid(InvalidInput):
    key = "error.policy_invalid"


class ImportRejected(CreditlineError):
    """An import found bad rows; ``row_errors`` lists every one of them."""

    key = "error.import_rejected"
    status = 422

    def __init__(self, row_errors: list[Any], **params: Any) -> None:
        self.row_errors = row_errors
        super().__init__(count=len(row_errors), **params)


class Unauthenticated(CreditlineError):
    key = "error.unauthenticated"
    status = 401


class Forbidden(CreditlineError):
    key = "error.forbidden"
    status = 403


class NotFound(CreditlineError):
    key = "error.not_found"
    status = 404


class Conflict(CreditlineError):
    key = "error.conflict"
    status = 409


class StaleVersion(Conflict):
    key = "error.stale_version"


class PolicyViolation(CreditlineError):
    key = "error.policy_violation"
    status = 422


class ModelNotReady(CreditlineError):
    key = "error.model_not_ready"
    status = 409


class LedgerIntegrityError(CreditlineError):
    key = "error.ledger_integrity"
    status = 500

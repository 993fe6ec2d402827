"""Run the HTTP API walkthrough of docs/api.md on a synthetic portfolio and print it as Markdown.

The script calls the API through FastAPI's TestClient, which needs httpx. Only the
``dev`` extra installs httpx (``train`` does not), so install it first. Usage, from the
repository root::

    .venv/bin/pip install -e '.[dev]'
    .venv/bin/python docs/examples/api_walkthrough.py --lang en > /tmp/walkthrough.en.md
    .venv/bin/python docs/examples/api_walkthrough.py --lang zh > /tmp/walkthrough.zh.md

The script builds a temporary SQLite database, imports the 120-account synthetic portfolio
of ``tests.factories``, trains the scorecard, sets line A0002 to "ask" (so the review makes
an offer), then proposes, approves and applies one review batch with the service functions.
It then calls the API in process through FastAPI's TestClient, with a fixed clock at
2026-12-04 02:00 UTC, and prints every request as a curl command against
http://127.0.0.1:8000 and every reply with its status and JSON body. The curl commands
take a fresh idempotency key from ``$(newkey)``, a shell function that docs/api.md
defines with Python's uuid module. Where a step shows only part of a reply (the first
entries of a list, or the fields the page discusses), a note under the reply states what
was left out.

``--lang en`` sends ``Accept-Language: en`` with every call. ``--lang zh`` sends none, so the
replies are in Chinese, the default, and the notes under the replies are in Chinese too.
Ids (UUIDs) and ledger hashes differ from run to run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
# tests.factories builds the synthetic portfolio. It lives in the repository, not in the package.
sys.path.insert(0, str(REPOSITORY))

from starlette.exceptions import StarletteDeprecationWarning  # noqa: E402

from creditline.api.app import create_app  # noqa: E402
from creditline.api.tokens import issue_token  # noqa: E402
from creditline.clock import FixedClock  # noqa: E402
from creditline.policy import parse_policy  # noqa: E402
from creditline.service import customer as customer_service  # noqa: E402
from creditline.service.imports import import_folder  # noqa: E402
from creditline.service.models import train_scorecard  # noqa: E402
from creditline.service.review import apply_batch, approve_batch, propose_review  # noqa: E402
from creditline.settings import Settings  # noqa: E402
from creditline.store.db import make_engine, upgrade  # noqa: E402
from tests.factories import synthetic_policy_text, write_portfolio  # noqa: E402

# Starlette 1.x warns at import that its test client prefers httpx2, and the warning
# concerns the test client only.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

BASE_URL = "http://127.0.0.1:8000"
START = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
N_ACCOUNTS = 120
# Reply headers worth showing when present.
SHOWN_HEADERS = ("Content-Language", "Idempotent-Replayed", "WWW-Authenticate")
# The shell function that docs/api.md defines for a fresh idempotency key in the curl commands.
NEW_KEY = "$(newkey)"
# Notes printed under a reply that is shown in part, and under a step of the clock, per --lang.
NOTES: dict[str, dict[str, str]] = {
    "en": {
        "entries": "Reply trimmed: the first {kept} of {total} entries.",
        "items": "Reply trimmed: the first {kept} of {total} items.",
        "fields": "Reply trimmed to the fields discussed here.",
        "line_fields": "Reply trimmed: `line` shows only the fields discussed here.",
        "clock": "The clock moves on {hours} hours.",
    },
    "zh": {
        "entries": "响应已节选：只列出 {total} 条中的前 {kept} 条。",
        "items": "响应已节选：只列出 {total} 条中的前 {kept} 条。",
        "fields": "响应已节选：只保留本节讨论的字段。",
        "line_fields": "响应已节选：`line` 只保留本节讨论的字段。",
        "clock": "时钟向后拨 {hours} 小时。",
    },
}


@dataclass(frozen=True)
class Caller:
    """The caller of a request: the token's subject, role and strong-authentication flag."""

    subject: str
    role: str
    strong_auth: bool = False

    def describe(self) -> str:
        text = f"{self.role} {self.subject}"
        return text + ", strong authentication" if self.strong_auth else text


CUSTOMER = Caller("C0001", "customer")
CUSTOMER_STRONG = Caller("C0001", "customer", strong_auth=True)

# Fields of a line that several steps of docs/api.md show, in a reply's "line" or a read of the line.
LIMIT_FIELDS = ("approved_limit", "effective_limit", "outstanding", "available", "version")
TEMPORARY_FIELDS = ("temporary_limit", "temporary_expires_at", "effective_limit")
FREEZE_FIELDS = ("available", "customer_frozen", "customer_unfreeze_at")
CAP_FIELDS = ("customer_cap", "pending_cap", "cap_change_at")


class Walkthrough:
    """A client of the API that prints each call and its reply as Markdown."""

    def __init__(self, client: TestClient, settings: Settings, clock: FixedClock, language: str) -> None:
        self.client = client
        self.settings = settings
        self.clock = clock
        self.language = language

    def token(self, caller: Caller) -> str:
        secret = self.settings.token_secrets()[self.settings.token_active_kid]
        return issue_token(
            secret,
            self.settings.token_active_kid,
            subject=caller.subject,
            role=caller.role,
            now=self.clock.now(),
            ttl=timedelta(hours=1),
            strong_auth=caller.strong_auth,
        )

    def call(
        self,
        title: str,
        method: str,
        path: str,
        caller: Caller | None,
        body: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        language: str | None = None,
        keep_items: int | None = None,
        fields: tuple[str, ...] | None = None,
        line_fields: tuple[str, ...] | None = None,
    ) -> Any:
        """Send one request, print it and its reply, and return the whole reply's JSON.

        ``key`` fixes the Idempotency-Key of a POST. "" sends none, and None sends a fresh
        UUID, shown as $(newkey).
        ``language`` overrides the walkthrough's Accept-Language ("" sends none).
        ``keep_items`` cuts a list reply, or the "items" list of a page, to that many entries.
        ``fields`` keeps only those keys of the reply (of each entry of a list reply), and
        ``line_fields`` only those keys of its "line" object.
        """
        headers: dict[str, str] = {}
        curl_options: list[str] = []
        if caller is not None:
            headers["Authorization"] = f"Bearer {self.token(caller)}"
            curl_options.append('-H "Authorization: Bearer $TOKEN"')
        accept = self.language_header() if language is None else language
        if accept:
            headers["Accept-Language"] = accept
            if language is not None:
                curl_options.append(f"-H 'Accept-Language: {accept}'")
        if method == "POST" and key != "":
            headers["Idempotency-Key"] = key or str(uuid.uuid4())
            curl_options.append(f"-H 'Idempotency-Key: {key}'" if key else f'-H "Idempotency-Key: {NEW_KEY}"')
        if body is not None:
            curl_options.append("-H 'Content-Type: application/json'")
            curl_options.append(f"-d '{json.dumps(body, ensure_ascii=False)}'")

        response = self.client.request(method, path, headers=headers, json=body)
        reply = response.json()
        # An error reply is printed whole, so that trimming never hides an unexpected failure.
        printed, note = reply, None
        if response.is_success:
            printed, note = self.trim(reply, keep_items, fields, line_fields)
        self.print_call(title, method, path, caller, curl_options, response, printed, note)
        return reply

    def language_header(self) -> str:
        return "en" if self.language == "en" else ""

    def print_call(
        self,
        title: str,
        method: str,
        path: str,
        caller: Caller | None,
        curl_options: list[str],
        response: Any,
        printed: Any,
        note: str | None,
    ) -> None:
        print(f"#### {title}\n")
        print("```sh")
        if caller is not None:
            print(f"# $TOKEN: {caller.describe()}")
        # Quoted, so that the shell leaves "?" and "&" of a query string alone.
        url = f"'{BASE_URL}{path}'" if "?" in path else f"{BASE_URL}{path}"
        command = f"curl -X {method} {url}" if method != "GET" else f"curl {url}"
        print(" \\\n  ".join([command, *curl_options]))
        print("```\n")
        status_line = f"{response.status_code} {response.reason_phrase}"
        extra = [f"{name}: {response.headers[name]}" for name in SHOWN_HEADERS if name in response.headers]
        print("```http")
        print("\n".join([status_line, f"Content-Type: {response.headers['content-type']}", *extra]))
        print("```\n")
        print("```json")
        print(json.dumps(printed, ensure_ascii=False, indent=2))
        print("```\n")
        if note:
            print(f"_{note}_\n")

    def trim(
        self,
        reply: Any,
        keep_items: int | None,
        fields: tuple[str, ...] | None,
        line_fields: tuple[str, ...] | None,
    ) -> tuple[Any, str | None]:
        """Return the part of ``reply`` to print, and a note on what was left out (None if nothing)."""
        notes = NOTES[self.language]
        if keep_items is not None and isinstance(reply, list) and len(reply) > keep_items:
            return reply[:keep_items], notes["entries"].format(kept=keep_items, total=len(reply))
        items = reply.get("items") if isinstance(reply, dict) else None
        if keep_items is not None and isinstance(items, list) and len(items) > keep_items:
            note = notes["items"].format(kept=keep_items, total=len(items))
            return {**reply, "items": items[:keep_items]}, note
        if fields is not None and isinstance(reply, list):
            return [pick(entry, fields) for entry in reply], notes["fields"]
        if not isinstance(reply, dict):
            return reply, None
        if fields is not None:
            return pick(reply, fields), notes["fields"]
        if line_fields is not None:
            return {**reply, "line": pick(reply["line"], line_fields)}, notes["line_fields"]
        return reply, None

    def advance_clock(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))
        print(f"> {NOTES[self.language]['clock'].format(hours=hours)}\n")

    def section(self, title: str) -> None:
        print(f"### {title}\n")


def pick(reply: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Return the ``fields`` of ``reply`` in the reply's order.

    A field missing from the reply raises KeyError, so that a renamed field cannot silently
    drop out of the page.
    """
    missing = [name for name in fields if name not in reply]
    if missing:
        raise KeyError(
            f"field {', '.join(missing)} missing from the reply, which has {', '.join(reply)}: "
            "update the fields of this step"
        )
    return {name: value for name, value in reply.items() if name in fields}


def prepare(folder: Path, clock: FixedClock) -> Settings:
    """Build the database, import, train, and propose, approve and apply one review batch."""
    policy_text = synthetic_policy_text()
    policy_path = folder / "policy.yaml"
    policy_path.write_text(policy_text, encoding="utf-8")
    os.environ["CREDITLINE_POLICY_PATH"] = str(policy_path)
    os.environ["CREDITLINE_DATABASE_URL"] = f"sqlite:///{folder / 'creditline.db'}"
    # Only the development key is used, and no token leaves this process.
    os.environ.pop("CREDITLINE_TOKEN_KEYS", None)
    os.environ.pop("CREDITLINE_TOKEN_ACTIVE_KID", None)
    settings = Settings.from_environment()

    engine = make_engine(settings.database_url)
    upgrade(engine)
    import_folder(engine, write_portfolio(folder / "portfolio", N_ACCOUNTS), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    # A line whose holder chose "ask" gets an offer from the review instead of an increase.
    customer_service.set_preference(engine, "A0002", "ask", "C0002", clock, settings.zone)
    summary = propose_review(engine, parse_policy(policy_text), policy_text, clock, proposed_by="alice")
    approve_batch(engine, summary.batch_id, clock, approved_by="bob")
    apply_batch(engine, summary.batch_id, clock, settings.zone)
    engine.dispose()
    return settings


def run(walk: Walkthrough) -> None:
    """Make the calls in the order of docs/api.md."""
    declined_request_id = walk_limit_requests(walk)
    walk_line_settings(walk)
    walk_records(walk)
    walk_staff(walk, declined_request_id)
    walk_protocol(walk)


def walk_limit_requests(walk: Walkthrough) -> str:
    """Read a line, then request a decrease, increases and a temporary limit.

    Returns the id of the declined increase request, for the human review.
    """
    c0001 = CUSTOMER
    c0001_strong = CUSTOMER_STRONG

    walk.section("Lines")
    walk.call("List own lines", "GET", "/v1/lines", c0001)
    walk.call("One line", "GET", "/v1/lines/A0001", c0001)
    walk.call("The line now, with pending changes", "GET", "/v1/lines/A0001/state", c0001)

    walk.section("Decrease")
    walk.call("Decrease", "POST", "/v1/lines/A0001/decrease", c0001, {"new_limit": "8000.00"})
    walk.call("Decrease below the lowest allowed amount", "POST", "/v1/lines/A0001/decrease", c0001, {"new_limit": "100.00"})

    walk.section("Increase")
    walk.call("Increase without strong authentication", "POST", "/v1/lines/A0005/increase",
              Caller("C0005", "customer"), {"requested_limit": "40000.00"})
    walk.call("Increase, granted in part", "POST", "/v1/lines/A0005/increase",
              Caller("C0005", "customer", strong_auth=True), {"requested_limit": "40000.00"},
              line_fields=LIMIT_FIELDS)
    declined = walk.call("Increase, declined", "POST", "/v1/lines/A0004/increase",
                         Caller("C0004", "customer", strong_auth=True), {"requested_limit": "25000.00"},
                         line_fields=("approved_limit", "outstanding", "available"))
    walk.call("Increase after an own change this month", "POST", "/v1/lines/A0001/increase", c0001_strong,
              {"requested_limit": "30000.00"})

    walk.section("Temporary limit")
    walk.call("Temporary limit", "POST", "/v1/lines/A0003/temporary-limit",
              Caller("C0003", "customer", strong_auth=True), {"amount": "5000.00", "expires_on": "2027-01-31"},
              line_fields=("approved_limit", *TEMPORARY_FIELDS, "outstanding", "available"))
    walk.call("The line with its temporary limit", "GET", "/v1/lines/A0003", Caller("C0003", "customer"),
              fields=("approved_limit", *TEMPORARY_FIELDS, "available"))

    return str(declined.get("request_id") or "missing")


def walk_line_settings(walk: Walkthrough) -> None:
    """Call freeze and unfreeze, the own cap, the over-spend alert and the increase preference."""
    c0001 = CUSTOMER
    c0001_strong = CUSTOMER_STRONG

    walk.section("Freeze and unfreeze")
    walk.call("Freeze", "POST", "/v1/lines/A0001/freeze", c0001,
              line_fields=("effective_limit", "outstanding", *FREEZE_FIELDS))
    walk.call("Unfreeze (starts the cooling-off period)", "POST", "/v1/lines/A0001/unfreeze", c0001_strong,
              line_fields=FREEZE_FIELDS)
    walk.advance_clock(24)
    walk.call("State after the cooling-off period", "GET", "/v1/lines/A0001/state", c0001,
              fields=("effective_limit", "outstanding", *FREEZE_FIELDS))

    walk.section("Own cap")
    walk.call("Set a cap (applies at once)", "POST", "/v1/lines/A0001/cap", c0001, {"cap": "7000.00"},
              line_fields=("approved_limit", *CAP_FIELDS, "effective_limit", "available"))
    walk.call("Raise the cap without strong authentication", "POST", "/v1/lines/A0001/cap", c0001, {"cap": "7500.00"})
    walk.call("Raise the cap (waits for cooling-off)", "POST", "/v1/lines/A0001/cap", c0001_strong, {"cap": "7500.00"},
              line_fields=(*CAP_FIELDS, "effective_limit", "available"))
    walk.call("Remove the cap (waits for cooling-off)", "POST", "/v1/lines/A0001/cap/remove", c0001_strong,
              line_fields=(*CAP_FIELDS, "effective_limit"))

    walk.section("Over-spend alert")
    walk.call("Set an alert threshold", "POST", "/v1/lines/A0001/alert", c0001, {"threshold": "7000.00"},
              line_fields=("outstanding", "alert_threshold"))
    walk.call("Balance from the core system passes it (admin)", "POST", "/v1/lines/A0001/balance",
              Caller("core-banking", "admin"), {"outstanding": "7200.00"},
              line_fields=("customer_cap", "effective_limit", "outstanding", "available", "alert_threshold"))
    walk.call("Clear the alert", "POST", "/v1/lines/A0001/alert", c0001, {"threshold": None},
              line_fields=("alert_threshold",))

    walk.section("Increase preference")
    walk.call("Choose offers instead of automatic increases", "POST", "/v1/lines/A0001/preference", c0001,
              {"increase_preference": "ask"}, line_fields=("increase_preference", "version"))
    walk.call("An unknown value", "POST", "/v1/lines/A0001/preference", c0001, {"increase_preference": "sometimes"})



def walk_records(walk: Walkthrough) -> None:
    """Call offers, history, review batches, the suggestion, consents and income."""
    c0001 = CUSTOMER

    walk.section("Offers")
    offers = walk.call("List offers", "GET", "/v1/lines/A0002/offers", Caller("C0002", "customer"))
    offer_id = offers[0]["offer_id"] if offers else "missing"
    walk.call("Accept an offer", "POST", f"/v1/offers/{offer_id}/accept", Caller("C0002", "customer", strong_auth=True),
              line_fields=LIMIT_FIELDS)
    walk.call("Accept it again", "POST", f"/v1/offers/{offer_id}/accept", Caller("C0002", "customer", strong_auth=True))

    walk.section("History")
    walk.call("History of a line", "GET", "/v1/lines/A0004/history", Caller("C0004", "customer"))
    walk.call("Adjustments of a line", "GET", "/v1/lines/A0001/adjustments", c0001, keep_items=2)
    walk.call("Ledger events of a line", "GET", "/v1/lines/A0001/events", c0001, keep_items=2)

    walk_suggestion(walk)

    walk.section("Consents")
    walk.call("Consents by category", "GET", "/v1/customers/C0001/consents", c0001)
    walk.call("Grant a consent", "POST", "/v1/customers/C0001/consents", c0001,
              {"category": "transactions", "purpose": "limit_review"})
    walk.call("Withdraw a consent", "POST", "/v1/customers/C0001/consents/income/withdraw", c0001)

    walk.section("Income")
    declared = walk.call("Declare income", "POST", "/v1/customers/C0001/income", c0001,
                         {"monthly_income": "30000.00", "evidence_ref": "payslip-2026-11"})
    declaration_id = declared.get("declaration_id", "missing")
    officer = Caller("officer-7", "officer")
    walk.call("Verify it (officer)", "POST", f"/v1/income/{declaration_id}/verify", officer,
              {"verified": True, "comment": "Payslip checked against the employer letter"})
    walk.call("Declarations", "GET", "/v1/customers/C0001/income", c0001)



def walk_suggestion(walk: Walkthrough) -> None:
    """Accept a suggestion whose request is granted, then show a suggestion to keep the limit.

    On the walkthrough's date no synthetic line gets an increase suggestion, so the accepted
    one is A0014's decrease, which its request grants at or above the lowest allowed limit.
    A0054 is near its limit, but the increase rules allow it no increase, so its suggestion
    is "keep".
    """
    c0014 = Caller("C0014", "customer")
    walk.section("Suggestion")
    walk.call("This month's suggestion", "GET", "/v1/lines/A0014/suggestion", c0014)
    accepted = walk.call("Accept it, without a body", "POST", "/v1/lines/A0014/suggestion/accept", c0014)
    if accepted.get("suggestion", {}).get("status") != "accepted":
        print(
            "warning: the suggestion of A0014 was not accepted, so docs/api.md would show no accepted "
            "suggestion. Choose a line in walk_suggestion whose suggestion is an increase or decrease "
            "that its request grants.",
            file=sys.stderr,
        )
    walk.call("Ask again in the same month", "GET", "/v1/lines/A0014/suggestion", c0014,
              fields=("suggestion_id", "direction", "range_low", "range_high", "status", "accepted_at",
                      "accepted_limit", "action"))

    c0054 = Caller("C0054", "customer")
    walk.call("A suggestion to keep the limit", "GET", "/v1/lines/A0054/suggestion", c0054,
              fields=("direction", "current_limit", "range_low", "range_high", "reasons", "action"))
    walk.call("Accepting it", "POST", "/v1/lines/A0054/suggestion/accept", c0054)


def walk_staff(walk: Walkthrough, request_id: str) -> None:
    """Call the human review of the declined request ``request_id``, risk actions and the outbox."""
    officer = Caller("officer-7", "officer")

    walk.section("Human review")
    case = walk.call("Ask for a human review of the declined increase", "POST", "/v1/lines/A0004/reviews",
                     Caller("C0004", "customer"),
                     {"subject_type": "request", "subject_id": request_id,
                      "comment": "My salary went up in October."})
    case_id = case.get("case_id", "missing")
    walk.call("The open queue (officer)", "GET", "/v1/cases?status=open", officer)
    walk.call("Take the case", "POST", f"/v1/cases/{case_id}/take", officer,
              fields=("case_id", "status", "taken_by", "taken_at"))
    walk.call("Another officer tries to take it", "POST", f"/v1/cases/{case_id}/take", Caller("officer-9", "officer"))
    walk.call("Decide: change the limit", "POST", f"/v1/cases/{case_id}/decide", officer,
              {"decision": "change", "new_limit": "23000.00", "comment": "Income verified; partial increase."})
    walk.call("Cases of the line (customer)", "GET", "/v1/lines/A0004/reviews", Caller("C0004", "customer"),
              fields=("case_id", "subject_type", "subject_id", "status", "decision", "officer_comment", "new_limit"))

    walk.section("Review batches (staff)")
    auditor = Caller("audit-1", "auditor")
    batches = walk.call("Review batches", "GET", "/v1/batches", auditor)
    batch_id = batches[0]["batch_id"] if batches else "missing"
    walk.call("Proposals of a batch", "GET", f"/v1/batches/{batch_id}/items?direction=increase&limit=1", auditor)

    walk.section("Risk actions")
    risk = Caller("risk-engine", "service")
    walk.call("Reduce on a risk signal", "POST", "/v1/lines/A0008/risk-actions", risk,
              {"action": "reduce", "new_limit": "10000.00", "reason_codes": ["R_MULTI_LENDER"], "signal_id": "sig-20261205-0042"})
    walk.call("Freeze on a risk signal", "POST", "/v1/lines/A0008/risk-actions", risk,
              {"action": "freeze", "reason_codes": ["R_COURT_ENFORCEMENT"], "signal_id": "sig-20261205-0043"})
    walk.call("The same freeze again", "POST", "/v1/lines/A0008/risk-actions", risk,
              {"action": "freeze", "reason_codes": ["R_COURT_ENFORCEMENT"], "signal_id": "sig-20261205-0044"})
    walk.call("A customer cannot lift a risk freeze", "POST", "/v1/lines/A0008/unfreeze",
              Caller("C0008", "customer", strong_auth=True))

    walk.section("Outbox")
    messaging = Caller("sms-gateway", "service")
    page = walk.call("Read notices", "GET", "/v1/outbox/notices?limit=500", messaging, keep_items=2)
    walk.call("Acknowledge", "POST", "/v1/outbox/ack", messaging, {"consumer": "sms", "cursor": page.get("next_after")})
    cursor = walk.call("Cursor", "GET", "/v1/outbox/cursor?consumer=sms", messaging)
    walk.call("Read on from the cursor", "GET", f"/v1/outbox/notices?after={cursor.get('cursor')}&limit=500", messaging)
    walk.call("A notice id is not a cursor", "GET", "/v1/outbox/notices?after=114", messaging)
    walk.call("A customer may not read the outbox", "GET", "/v1/outbox/notices", CUSTOMER)



def walk_protocol(walk: Walkthrough) -> None:
    """Show idempotent retries, languages and errors."""
    c0001 = CUSTOMER
    c0001_strong = CUSTOMER_STRONG

    walk.section("Idempotent retry")
    key = "5b0c7c52-3f1e-4a7e-9d8f-0c6a4f1b2e11"
    c0009 = Caller("C0009", "customer")
    decrease_fields = ("approved_limit", "outstanding", "available", "version")
    walk.call("First request", "POST", "/v1/lines/A0009/decrease", c0009, {"new_limit": "20000.00"}, key=key,
              line_fields=decrease_fields)
    walk.call("Same key, same body", "POST", "/v1/lines/A0009/decrease", c0009, {"new_limit": "20000.00"}, key=key,
              line_fields=decrease_fields)
    walk.call("Same key, other body", "POST", "/v1/lines/A0009/decrease", c0009, {"new_limit": "19000.00"}, key=key)
    walk.call("Missing Idempotency-Key", "POST", "/v1/lines/A0009/freeze", c0009, key="")

    walk.section("Languages and errors")
    walk.call("An invalid amount, in English", "POST", "/v1/lines/A0001/decrease", c0001, {"new_limit": "8,000"},
              language="en")
    walk.call("The same, in Chinese (no Accept-Language)", "POST", "/v1/lines/A0001/decrease", c0001,
              {"new_limit": "8,000"}, language="")
    walk.call("Another customer's line", "GET", "/v1/lines/A0002", c0001)
    walk.call("A missing field", "POST", "/v1/lines/A0001/temporary-limit", c0001_strong, {"amount": "1000.00"})
    walk.call("No token", "GET", "/v1/lines", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the replies")
    arguments = parser.parse_args()
    clock = FixedClock(START)
    with tempfile.TemporaryDirectory() as folder:
        settings = prepare(Path(folder), clock)
        with TestClient(create_app(settings, clock=clock)) as client:
            run(Walkthrough(client, settings, clock, arguments.lang))


if __name__ == "__main__":
    main()

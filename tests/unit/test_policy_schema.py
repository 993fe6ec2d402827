"""Loading and validating limit policy files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from creditline.errors import NotFound, PolicyInvalid
from creditline.policy import SHIPPED_POLICIES, Policy, load_policy, load_shipped_policy, parse_policy

PREFIX = "Limit policy file p.yaml is invalid: "
PREFIX_ZH = "额度策略文件 p.yaml 无效："


def policy_document() -> dict[str, Any]:
    return {
        "id": "test-policy",
        "version": "1",
        "currency": "CNY",
        "description": "policy for tests",
        "product": {"minimum_limit": "1000", "maximum_limit": "50000", "rounding_step": "100"},
        "risk_bands": [{"name": "A", "min_score": 650}, {"name": "B", "min_score": 600}, {"name": "C"}],
        "utilisation": {"edges": [0.3, 0.7]},
        "matrix": {
            "A": {"low": 1.0, "mid": 1.2, "high": 1.5},
            "B": {"low": 1.0, "mid": 1.0, "high": 1.05},
            "C": {"low": 0.5, "mid": 0.6, "high": 0.8},
        },
    }


def parse(document: dict[str, Any]) -> Policy:
    return parse_policy(yaml.safe_dump(document, sort_keys=False), path="p.yaml")


def rejection(document: dict[str, Any]) -> PolicyInvalid:
    with pytest.raises(PolicyInvalid) as caught:
        parse(document)
    return caught.value


def changed(path: str, value: Any) -> dict[str, Any]:
    """Return the base document with the dotted ``path`` set to ``value`` (or removed)."""
    document = policy_document()
    *parents, last = path.split(".")
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is _REMOVE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return document


_REMOVE = object()


# --- shipped policies ---------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED_POLICIES)
def test_shipped_policy_loads(name: str) -> None:
    policy = load_shipped_policy(name)

    assert policy.version_tag.startswith(f"{policy.id}@{policy.version}:")
    assert len(policy.version_tag.rsplit(":", 1)[1]) == 12


@pytest.mark.parametrize("name", SHIPPED_POLICIES)
def test_shipped_suggestion_thresholds_are_defaults(name: str) -> None:
    thresholds = load_shipped_policy(name).customer.suggestion

    assert thresholds == type(thresholds)()


def test_taiwan_demo_policy_values() -> None:
    policy = load_shipped_policy("taiwan_demo")

    assert policy.currency == "TWD"
    assert policy.product.minimum_limit == 1_000_000
    assert policy.product.maximum_limit == 100_000_000
    assert policy.product.rounding_step == 100_000
    assert policy.regulatory_cap_per_borrower is None
    assert policy.band_names == ("A", "B", "C", "D", "E")
    assert policy.matrix["A"]["high"] == Decimal("1.3")
    assert policy.matrix["E"]["low"] == Decimal("0.5")
    assert policy.income is None
    assert policy.guardrails.min_months_between_changes == 3


def test_default_cny_policy_values() -> None:
    policy = load_shipped_policy("default_cny")

    assert policy.currency == "CNY"
    assert policy.product.minimum_limit == 100_000
    assert policy.product.maximum_limit == 20_000_000
    assert policy.regulatory_cap_per_borrower == 20_000_000
    assert policy.income is not None
    assert policy.income.max_limit_to_monthly_income == Decimal(4)
    assert policy.guardrails.min_months_between_changes == 3


def test_unknown_shipped_policy_is_not_found() -> None:
    with pytest.raises(NotFound) as caught:
        load_shipped_policy("nope")

    assert str(caught.value) == "No shipped limit policy named 'nope'; choose one of: taiwan_demo, default_cny."


def test_load_policy_reads_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy_document()), encoding="utf-8")

    assert load_policy(path) == parse(policy_document())


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(NotFound) as caught:
        load_policy(path)

    assert str(caught.value) == f"Limit policy file {path} not found: check the path."


def test_non_utf8_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(path)

    assert str(caught.value) == (
        f"Limit policy file {path} is invalid: the bytes at offset 7 are not UTF-8; save the file as UTF-8."
    )


# --- parsed values ------------------------------------------------------------------------


def test_defaults_fill_optional_sections() -> None:
    policy = parse(policy_document())

    assert policy.product.decrease_step == 1000
    assert policy.utilisation.feature == "utilisation_mean_6m"
    assert policy.utilisation.bucket_names == ("low", "mid", "high")
    assert policy.utilisation.missing_bucket_index == 0
    assert policy.guardrails.decrease_below_outstanding is False
    assert policy.guardrails.respect_increase_preference is True
    assert policy.guardrails.min_change_fraction == Decimal(0)
    assert policy.approval.require_distinct_approver is True
    assert policy.approval.chunk_size == 1000
    assert policy.dormancy is None
    assert policy.regulatory_cap_per_borrower is None


def test_amounts_become_minor_units() -> None:
    document = changed("product.maximum_limit", "50000.50")
    document["product"]["rounding_step"] = "0.5"
    document["product"]["minimum_limit"] = 1000

    policy = parse(document)

    assert policy.product.maximum_limit == 5_000_050
    assert policy.product.minimum_limit == 100_000
    assert policy.product.rounding_step == 50


def test_amounts_follow_currency_digits() -> None:
    document = changed("currency", "JPY")

    policy = parse(document)

    assert policy.product.maximum_limit == 50_000
    assert policy.to_document()["product"]["maximum_limit"] == "50000"


def test_policy_is_frozen() -> None:
    policy = parse(policy_document())

    with pytest.raises(Exception, match="frozen"):
        policy.id = "other"  # type: ignore[misc]


def test_version_tag_ignores_layout_and_comments() -> None:
    plain = parse(policy_document())
    text = "# a comment\n" + yaml.safe_dump(policy_document(), sort_keys=True, default_flow_style=True)
    reformatted = parse_policy(text, path="p.yaml")

    assert reformatted.version_tag == plain.version_tag


def test_version_tag_ignores_decimal_spelling() -> None:
    document = changed("matrix.A.high", "1.50")

    assert parse(document).version_tag == parse(policy_document()).version_tag


def test_version_tag_changes_with_content() -> None:
    document = changed("matrix.A.high", 1.4)

    assert parse(document).version_tag != parse(policy_document()).version_tag


def test_document_round_trips() -> None:
    policy = parse(policy_document())
    again = parse_policy(yaml.safe_dump({k: v for k, v in policy.to_document().items() if k != "format"}))

    assert again == policy
    assert policy.to_document()["product"] == {
        "decrease_step": "10.00",
        "maximum_limit": "50000.00",
        "minimum_limit": "1000.00",
        "rounding_step": "100.00",
    }


# --- reading the YAML ---------------------------------------------------------------------


def test_broken_yaml_is_rejected() -> None:
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy("id: test\nproduct: [1, 2\n", path="p.yaml")

    assert str(caught.value) == (
        PREFIX + "not valid YAML at line 3, column 1; check indentation, colons and quotes."
    )
    assert caught.value.render("zh") == PREFIX_ZH + "第 3 行第 1 列不是有效的 YAML，请检查缩进、冒号和引号。"


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_empty_file_is_rejected(text: str) -> None:
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy(text, path="p.yaml")

    assert str(caught.value) == PREFIX + (
        "the file is empty; give at least id, version, currency, product, risk_bands, utilisation and matrix."
    )


def test_top_level_list_is_rejected() -> None:
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy("- 1\n- 2\n", path="p.yaml")

    assert str(caught.value) == PREFIX + "the top level must be a mapping of keys to values, got [1, 2]."


def test_duplicate_key_is_rejected() -> None:
    text = "id: a\nversion: '1'\nmatrix:\n  A: {low: 1}\n  A: {low: 2}\n"
    with pytest.raises(PolicyInvalid) as caught:
        parse_policy(text, path="p.yaml")

    assert str(caught.value) == PREFIX + (
        "key A at line 5 appears twice in the same mapping; remove or merge the duplicate."
    )
    assert caught.value.render("zh") == PREFIX_ZH + "第 5 行的键 A 在同一层级中重复出现，请删除或合并重复的键。"


# --- schema errors ------------------------------------------------------------------------

ALL_KEYS = (
    "id, version, currency, description, product, regulatory_cap_per_borrower, risk_bands, "
    "utilisation, matrix, income, dormancy, guardrails, approval, customer"
)

SCHEMA_ERRORS: list[tuple[str, str, Any, str]] = [
    ("unknown top-level key", "guardrail", {}, f"guardrail is not a known key; check the spelling. Keys allowed here: {ALL_KEYS}."),
    (
        "unknown nested key",
        "guardrails",
        {"max_increase_fractoin": 0.5},
        "guardrails.max_increase_fractoin is not a known key; check the spelling. Keys allowed here: "
        "max_increase_fraction, max_increase_amount, min_change_fraction, "
        "no_increase_within_months_of_delinquency, min_months_between_changes, decrease_below_outstanding, "
        "respect_increase_preference.",
    ),
    ("missing section", "product", _REMOVE, "required field product is missing."),
    ("missing amount", "product.rounding_step", _REMOVE, "required field product.rounding_step is missing."),
    ("section not a mapping", "product", "big", 'product = "big"; expected a mapping of keys to values.'),
    ("id with spaces", "id", "my policy", 'id = "my policy"; use only these characters and lengths: a-z 0-9 _ . - (1-64).'),
    (
        "unquoted version",
        "version",
        2026.12,
        'version = 2026.12; expected non-empty text. Quote text that looks like a number, for example "2026.12".',
    ),
    ("unknown currency", "currency", "XYZ", 'currency = "XYZ"; expected one of: CNY, TWD, HKD, MOP, USD, EUR, GBP, SGD, JPY, KRW.'),
    (
        "amount with separator",
        "product.maximum_limit",
        "50,000",
        'product.maximum_limit = "50,000"; expected an amount in major units with at most two decimals, '
        'quoted when it has decimals, for example "8000.50".',
    ),
    (
        "amount as float",
        "product.maximum_limit",
        50000.5,
        "product.maximum_limit = 50000.5; expected an amount in major units with at most two decimals, "
        'quoted when it has decimals, for example "8000.50".',
    ),
    (
        "negative amount",
        "product.minimum_limit",
        "-5",
        'product.minimum_limit = "-5"; expected an amount in major units with at most two decimals, '
        'quoted when it has decimals, for example "8000.50".',
    ),
    ("zero step", "product.rounding_step", "0", 'product.rounding_step = "0"; the amount must be greater than 0.'),
    (
        "minimum above maximum",
        "product.minimum_limit",
        "60000",
        'product.minimum_limit = "60000.00"; the product minimum limit must not exceed the maximum limit 50000.00.',
    ),
    (
        "maximum off the step",
        "product.maximum_limit",
        "50050",
        'product.maximum_limit = "50050.00"; expected a multiple of the rounding step 100.00.',
    ),
    ("zero regulatory cap", "regulatory_cap_per_borrower", "0", 'regulatory_cap_per_borrower = "0"; the amount must be greater than 0.'),
    ("bands not a list", "risk_bands", {"A": 650}, 'risk_bands = {"A": 650}; expected a list.'),
    ("no bands", "risk_bands", [], "risk_bands = []; the list must have 1 to 20 items."),
    (
        "band name with space",
        "risk_bands.0",
        {"name": "A 1", "min_score": 650},
        'risk_bands[0].name = "A 1"; use only these characters and lengths: A-Z a-z 0-9 _ (1-20).',
    ),
    ("score as text", "risk_bands.0", {"name": "A", "min_score": "high"}, 'risk_bands[0].min_score = "high"; expected a score as a number, for example 620.'),
    (
        "duplicate band name",
        "risk_bands.1",
        {"name": "A", "min_score": 600},
        'risk_bands[1].name = "A"; the name is used twice, and each name must be unique.',
    ),
    (
        "catch-all not last",
        "risk_bands.1",
        {"name": "B"},
        "risk_bands[1].min_score = null; exactly one risk band, the last, must have no min_score and catch all remaining scores.",
    ),
    (
        "no catch-all",
        "risk_bands.2",
        {"name": "C", "min_score": 500},
        "risk_bands[2].min_score = 500.0; exactly one risk band, the last, must have no min_score and catch all remaining scores.",
    ),
    (
        "scores not decreasing",
        "risk_bands.1",
        {"name": "B", "min_score": 650},
        "risk_bands[1].min_score = 650.0; min_score must be strictly lower than the previous band's 650.0.",
    ),
    (
        "unknown feature",
        "utilisation",
        {"feature": "utilization_mean_6m", "edges": [0.3, 0.7]},
        'utilisation.feature = "utilization_mean_6m"; expected one of: utilisation_change_1m, utilisation_latest, '
        "utilisation_max_6m, utilisation_mean_6m, utilisation_trend.",
    ),
    (
        "edges not increasing",
        "utilisation",
        {"edges": [0.7, 0.3]},
        'utilisation.edges[1] = "0.3"; bucket edges must be strictly increasing.',
    ),
    (
        "edge out of range",
        "utilisation",
        {"edges": [0, 0.7]},
        "utilisation.edges[0] = 0; expected a number in (0, 10] with at most four decimals.",
    ),
    (
        "three edges without names",
        "utilisation",
        {"edges": [0.2, 0.5, 0.8]},
        "utilisation.buckets is missing: with other than 1 or 2 bucket edges, list 4 bucket names.",
    ),
    (
        "bucket count",
        "utilisation",
        {"edges": [0.3, 0.7], "buckets": ["low", "high"]},
        'utilisation.buckets = ["low", "high"]; give one bucket name more than there are edges, 3 in all.',
    ),
    (
        "unknown missing bucket",
        "utilisation",
        {"edges": [0.3, 0.7], "missing_bucket": "none"},
        'utilisation.missing_bucket = "none"; expected one of: low, mid, high.',
    ),
    (
        "factor as text",
        "matrix.B.high",
        "abc",
        'matrix.B.high = "abc"; expected a number in (0, 10] with at most four decimals.',
    ),
    (
        "factor with five decimals",
        "matrix.B.high",
        1.23456,
        "matrix.B.high = 1.23456; expected a number in (0, 10] with at most four decimals.",
    ),
    ("zero factor", "matrix.C.low", 0, "matrix.C.low = 0; expected a number in (0, 10] with at most four decimals."),
    ("boolean factor", "matrix.C.low", True, "matrix.C.low = true; expected a number in (0, 10] with at most four decimals."),
    (
        "missing matrix cell",
        "matrix.B.high",
        _REMOVE,
        "matrix.B.high is missing: the limit factor matrix needs a factor for every risk band and utilisation bucket.",
    ),
    (
        "missing matrix row",
        "matrix.C",
        _REMOVE,
        "matrix.C is missing: the limit factor matrix needs a factor for every risk band and utilisation bucket.",
    ),
    (
        "unknown matrix band",
        "matrix.Z",
        {"low": 1, "mid": 1, "high": 1},
        "matrix.Z is not a known key; check the spelling. Keys allowed here: A, B, C.",
    ),
    (
        "unknown matrix bucket",
        "matrix.B.medium",
        1.0,
        "matrix.B.medium is not a known key; check the spelling. Keys allowed here: low, mid, high.",
    ),
    (
        "income multiple zero",
        "income",
        {"max_limit_to_monthly_income": 0},
        "income.max_limit_to_monthly_income = 0; expected a number in (0, 1000] with at most four decimals.",
    ),
    (
        "dormancy months fractional",
        "dormancy",
        {"inactive_months": 2.5, "factor": 0.5},
        "dormancy.inactive_months = 2.5; expected a whole number from 1 to 60.",
    ),
    (
        "dormancy factor above one",
        "dormancy",
        {"inactive_months": 6, "factor": 1.5},
        "dormancy.factor = 1.5; expected a number in (0, 1] with at most four decimals.",
    ),
    (
        "fraction above one",
        "guardrails",
        {"max_increase_fraction": 1.5},
        "guardrails.max_increase_fraction = 1.5; expected a number in [0, 1] with at most four decimals.",
    ),
    (
        "flag as text",
        "guardrails",
        {"decrease_below_outstanding": "no"},
        'guardrails.decrease_below_outstanding = "no"; expected true or false.',
    ),
    (
        "months as text",
        "guardrails",
        {"no_increase_within_months_of_delinquency": "3"},
        'guardrails.no_increase_within_months_of_delinquency = "3"; expected a whole number from 0 to 120.',
    ),
    (
        "months between changes above range",
        "guardrails",
        {"min_months_between_changes": 121},
        "guardrails.min_months_between_changes = 121; expected a whole number from 0 to 120.",
    ),
    (
        "months between changes negative",
        "guardrails",
        {"min_months_between_changes": -1},
        "guardrails.min_months_between_changes = -1; expected a whole number from 0 to 120.",
    ),
    (
        "months between changes as decimal",
        "guardrails",
        {"min_months_between_changes": 1.5},
        "guardrails.min_months_between_changes = 1.5; expected a whole number from 0 to 120.",
    ),
    ("chunk size zero", "approval", {"chunk_size": 0}, "approval.chunk_size = 0; expected a whole number from 1 to 100000."),
    (
        "suggestion probability above one",
        "customer",
        {"suggestion": {"pressing_probability": 1.5}},
        "customer.suggestion.pressing_probability = 1.5; expected a number in [0, 1] with at most four decimals.",
    ),
    (
        "suggestion utilisation negative",
        "customer",
        {"suggestion": {"low_peak_utilisation": -0.1}},
        "customer.suggestion.low_peak_utilisation = -0.1; expected a number in [0, 1] with at most four decimals.",
    ),
    (
        "suggestion target zero",
        "customer",
        {"suggestion": {"target_utilisation_low": 0}},
        "customer.suggestion.target_utilisation_low = 0; expected a number in (0, 1] with at most four decimals.",
    ),
    (
        "suggestion targets equal",
        "customer",
        {"suggestion": {"target_utilisation_high": 0.7, "target_utilisation_low": 0.7}},
        "customer.suggestion.target_utilisation_low = 0.7; it must be below target_utilisation_high (0.7). "
        "Lower target_utilisation_low or raise target_utilisation_high.",
    ),
    (
        "suggestion targets swapped",
        "customer",
        {"suggestion": {"target_utilisation_high": 0.6, "target_utilisation_low": 0.8}},
        "customer.suggestion.target_utilisation_low = 0.8; it must be below target_utilisation_high (0.6). "
        "Lower target_utilisation_low or raise target_utilisation_high.",
    ),
    (
        "suggestion low above default high",
        "customer",
        {"suggestion": {"target_utilisation_low": 0.9}},
        "customer.suggestion.target_utilisation_low = 0.9; it must be below target_utilisation_high (0.8). "
        "Lower target_utilisation_low or raise target_utilisation_high.",
    ),
    (
        "suggestion history months zero",
        "customer",
        {"suggestion": {"min_history_months": 0}},
        "customer.suggestion.min_history_months = 0; expected a whole number from 1 to 24.",
    ),
    (
        "suggestion unknown key",
        "customer",
        {"suggestion": {"target_use_high": 0.8}},
        "customer.suggestion.target_use_high is not a known key; check the spelling. Keys allowed here: "
        "pressing_utilisation, pressing_probability, falling_probability, low_peak_utilisation, "
        "target_utilisation_high, target_utilisation_low, min_history_months, default_max_increase_fraction.",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [case[1:] for case in SCHEMA_ERRORS],
    ids=[case[0] for case in SCHEMA_ERRORS],
)
def test_schema_error_message(path: str, value: Any, message: str) -> None:
    error = rejection(changed(path, value))

    assert str(error) == PREFIX + message
    assert error.params["path"] == "p.yaml"


def test_schema_error_names_field_and_value() -> None:
    error = rejection(changed("matrix.B.high", "abc"))

    assert error.key == "policy.invalid.decimal_range"
    assert error.params["field"] == "matrix.B.high"
    assert error.params["value"] == '"abc"'
    assert error.status == 422


def test_schema_error_renders_in_chinese() -> None:
    error = rejection(changed("matrix.B.high", "abc"))

    assert error.render("zh") == PREFIX_ZH + 'matrix.B.high = "abc"，应为区间 (0, 10] 内、最多四位小数的数。'


def test_unknown_key_renders_in_chinese() -> None:
    error = rejection(changed("approval", {"chunk": 10}))

    assert error.render("zh") == PREFIX_ZH + (
        "approval.chunk 不是可识别的键，请检查拼写；此处允许的键：require_distinct_approver, chunk_size。"
    )


def test_suggestion_target_order_renders_in_chinese() -> None:
    error = rejection(changed("customer", {"suggestion": {"target_utilisation_high": 0.6, "target_utilisation_low": 0.8}}))

    assert error.key == "policy.invalid.target_order"
    assert error.render("zh") == PREFIX_ZH + (
        "customer.suggestion.target_utilisation_low = 0.8，应低于 target_utilisation_high（0.6）；"
        "请调低 target_utilisation_low 或调高 target_utilisation_high。"
    )


def test_suggestion_section_defaults_when_omitted() -> None:
    thresholds = parse(policy_document()).customer.suggestion

    assert thresholds.pressing_utilisation == Decimal("0.9")
    assert thresholds.pressing_probability == Decimal("0.5")
    assert thresholds.falling_probability == Decimal("0.7")
    assert thresholds.low_peak_utilisation == Decimal("0.3")
    assert thresholds.target_utilisation_high == Decimal("0.8")
    assert thresholds.target_utilisation_low == Decimal("0.6")
    assert thresholds.min_history_months == 3
    assert thresholds.default_max_increase_fraction == Decimal("0.5")


def test_suggestion_section_written_out_keeps_hash() -> None:
    written = changed(
        "customer",
        {
            "suggestion": {
                "pressing_utilisation": 0.9,
                "pressing_probability": 0.5,
                "falling_probability": 0.7,
                "low_peak_utilisation": 0.3,
                "target_utilisation_high": 0.8,
                "target_utilisation_low": 0.6,
                "min_history_months": 3,
                "default_max_increase_fraction": 0.5,
            }
        },
    )

    assert parse(written).content_hash == parse(policy_document()).content_hash


def test_suggestion_section_reads_given_values() -> None:
    document = changed("customer", {"suggestion": {"falling_probability": 0.95, "target_utilisation_low": 0.5}})
    thresholds = parse(document).customer.suggestion

    assert thresholds.falling_probability == Decimal("0.95")
    assert thresholds.target_utilisation_low == Decimal("0.5")
    assert thresholds.target_utilisation_high == Decimal("0.8")


def test_first_error_in_field_order_is_reported() -> None:
    document = changed("currency", "XYZ")
    document["matrix"]["B"]["high"] = "abc"

    assert rejection(document).params["field"] == "currency"


def test_two_edges_may_be_renamed() -> None:
    document = changed("utilisation", {"edges": [0.5], "buckets": ["light", "heavy"], "missing_bucket": "heavy"})
    document["matrix"] = {band: {"light": 1.0, "heavy": 1.1} for band in ("A", "B", "C")}

    policy = parse(document)

    assert policy.utilisation.bucket_names == ("light", "heavy")
    assert policy.utilisation.missing_bucket_index == 1


def test_one_edge_gets_low_and_high() -> None:
    document = changed("utilisation", {"edges": [0.5]})
    document["matrix"] = {band: {"low": 1.0, "high": 1.1} for band in ("A", "B", "C")}

    assert parse(document).utilisation.bucket_names == ("low", "high")



def test_changed_copy_gets_new_tag() -> None:
    policy = parse(policy_document())
    original = policy.version_tag  # computed and cached before the copy

    changed_copy = policy.model_copy(update={"version": "other"})

    assert changed_copy.version_tag.startswith(f"{policy.id}@other:")
    assert changed_copy.content_hash != policy.content_hash
    assert policy.version_tag == original

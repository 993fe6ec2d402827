"""The feature catalogue agrees with the reason codes, the docs and the message catalogue."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from creditline.domain.reasons import CATALOGUE, FEATURE_REASONS
from creditline.i18n.catalog.profile import MESSAGES
from creditline.profile import FEATURES, RiskTrend
from creditline.profile.catalog import FEATURE_NAMES, FEATURES_BY_NAME

DOCS = Path(__file__).resolve().parents[2] / "docs"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_feature_names_unique() -> None:
    assert len(set(FEATURE_NAMES)) == len(FEATURES)
    assert list(FEATURES_BY_NAME) == list(FEATURE_NAMES)


@pytest.mark.parametrize("spec", FEATURES, ids=lambda spec: spec.name)
def test_feature_has_risk_reason(spec: object) -> None:
    name = spec.name  # type: ignore[attr-defined]

    assert name in FEATURE_REASONS
    assert FEATURE_REASONS[name] in CATALOGUE
    assert FEATURE_REASONS[name] != "RS_OTHER"


@pytest.mark.parametrize("spec", FEATURES, ids=lambda spec: spec.name)
def test_feature_texts_filled(spec: object) -> None:
    assert spec.description_en.isascii()  # type: ignore[attr-defined]
    assert CJK.search(spec.description_zh)  # type: ignore[attr-defined]
    assert spec.formula.strip() == spec.formula != ""  # type: ignore[attr-defined]
    assert isinstance(spec.risk_trend, RiskTrend)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "trend"),
    [
        ("utilisation_mean_6m", "ascending"),
        ("months_delinquent_6m", "ascending"),
        ("worst_dpd_6m", "ascending"),
        ("payment_ratio_mean", "descending"),
        ("full_payment_share", "descending"),
        ("months_since_delinquency", "descending"),
        ("age", "auto"),
        ("spending_growth", "auto"),
        ("bill_volatility", "auto"),
    ],
)
def test_risk_trend_matches_business_direction(name: str, trend: str) -> None:
    assert FEATURES_BY_NAME[name].risk_trend == trend


@pytest.mark.parametrize("page", ["features.md", "features.zh-CN.md"])
def test_docs_list_every_feature(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")

    for spec in FEATURES:
        assert f"`{spec.name}`" in text, spec.name


def test_profile_messages_have_both_locales() -> None:
    formatter = string.Formatter()
    for key, entry in MESSAGES.items():
        assert set(entry) == {"zh", "en"}, key
        zh_fields = {field for _, field, _, _ in formatter.parse(entry["zh"]) if field}
        en_fields = {field for _, field, _, _ in formatter.parse(entry["en"]) if field}
        assert zh_fields == en_fields, key

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from creditline.domain.money import Money, format_amount, parse_amount, round_down_to_step, round_up_to_step
from creditline.errors import InvalidAmount, InvalidInput


@pytest.mark.parametrize(
    ("text", "minor"),
    [("0", 0), ("8000", 800000), ("8000.5", 800050), ("8000.50", 800050), ("0.01", 1), ("007", 700)],
)
def test_parse_amount_accepts_plain_decimals(text: str, minor: int) -> None:
    assert parse_amount(text, "CNY") == minor


@pytest.mark.parametrize("text", ["-1", "+1", "1e3", "1,000", " 1", "1.001", "", "１２", "1.", ".5", "NaN"])
def test_parse_amount_rejects_other_forms(text: str) -> None:
    with pytest.raises(InvalidAmount) as caught:
        parse_amount(text, "CNY")
    assert caught.value.render("en") == (
        f"Invalid amount '{text}': use plain digits with at most two decimals and no sign or separators, "
        "for example 8000 or 8000.50."
    )


def test_parse_amount_message_in_chinese() -> None:
    with pytest.raises(InvalidAmount) as caught:
        parse_amount("12,000", "CNY")
    assert caught.value.render("zh").startswith("金额“12,000”无效")


def test_parse_amount_respects_currency_digits() -> None:
    assert parse_amount("500", "JPY") == 500
    with pytest.raises(InvalidAmount):
        parse_amount("500.5", "JPY")


def test_unknown_currency_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        Money(100, "XYZ")
    assert "XYZ" in caught.value.render("en")


def test_money_arithmetic_checks_currency() -> None:
    assert Money(100, "CNY") + Money(250, "CNY") == Money(350, "CNY")
    with pytest.raises(InvalidInput) as caught:
        Money(100, "CNY") + Money(1, "TWD")
    assert caught.value.render("en") == "Currency mismatch: CNY and TWD cannot be combined."


def test_money_rejects_float_minor_units() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "CNY")  # type: ignore[arg-type]


def test_format_amount_two_decimals() -> None:
    assert format_amount(800050, "CNY") == "8000.50"
    assert format_amount(-1, "TWD") == "-0.01"
    assert Money(800050, "CNY").decimal == Decimal("8000.50")


@given(st.integers(min_value=0, max_value=10**15))
def test_format_then_parse_round_trips(minor: int) -> None:
    assert parse_amount(format_amount(minor, "CNY"), "CNY") == minor


def test_rounding_to_step() -> None:
    assert round_up_to_step(500001, 1000) == 501000
    assert round_up_to_step(500000, 1000) == 500000
    assert round_down_to_step(500999, 1000) == 500000
    with pytest.raises(ValueError):
        round_up_to_step(1, 0)


def test_format_grouped_for_display() -> None:
    from creditline.domain.money import format_grouped

    assert format_grouped(2_382_133_200, "TWD") == "23,821,332.00"
    assert format_grouped(5, "CNY") == "0.05"

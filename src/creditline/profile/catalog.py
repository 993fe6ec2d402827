"""The profile feature catalogue: what each feature means and how bad rate moves with it.

:data:`FEATURES` lists every feature column :func:`creditline.profile.build_profiles`
returns, in output order. The scorecard reads ``risk_trend`` to constrain monotonic
binning, so a value there is a statement about credit risk, not about one sample.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RiskTrend(enum.StrEnum):
    """Direction of the bad rate (event rate) as a feature's value rises.

    The values match optbinning's ``monotonic_trend`` keywords, which also refer to the
    event rate, so a spec's trend can be passed to it unchanged.
    """

    ASCENDING = "ascending"  # more risk as the value rises
    DESCENDING = "descending"  # less risk as the value rises
    AUTO = "auto"  # no monotonic business rule; the binning chooses the shape


class FeatureKind(enum.StrEnum):
    """Polars dtype family of a feature column."""

    FLOAT = "float"  # Float64
    INT = "int"  # Int64


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """One profile feature: its column name, meaning, formula and risk direction."""

    name: str
    kind: FeatureKind
    description_en: str
    description_zh: str
    formula: str
    risk_trend: RiskTrend


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        "limit_amount",
        FeatureKind.FLOAT,
        "Approved limit in major currency units",
        "授信额度（以元等主币种单位计）",
        "approved_limit / 10^minor_digits(currency)",
        RiskTrend.DESCENDING,
    ),
    FeatureSpec(
        "age",
        FeatureKind.INT,
        "Age of the customer in whole years at the as-of month",
        "截至观察月的客户年龄（整岁）",
        "year(as_of_month) - birth_year",
        RiskTrend.AUTO,
    ),
    FeatureSpec(
        "months_on_book",
        FeatureKind.INT,
        "Calendar months from the opening month to the as-of month",
        "开户月份至观察月的自然月数（账龄）",
        "month_index(as_of_month) - month_index(opened_on)",
        RiskTrend.DESCENDING,
    ),
    FeatureSpec(
        "utilisation_latest",
        FeatureKind.FLOAT,
        "Utilisation on the newest statement in the window",
        "观察窗内最新一期账单的额度使用率",
        "max(bill, 0) / approved_limit on the newest statement",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "utilisation_mean_6m",
        FeatureKind.FLOAT,
        "Mean monthly utilisation over the window",
        "观察窗内月度额度使用率的均值",
        "mean(max(bill_t, 0) / approved_limit)",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "utilisation_max_6m",
        FeatureKind.FLOAT,
        "Highest monthly utilisation over the window",
        "观察窗内月度额度使用率的最大值",
        "max(max(bill_t, 0) / approved_limit)",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "utilisation_trend",
        FeatureKind.FLOAT,
        "Ordinary least squares slope of monthly utilisation, per month",
        "月度额度使用率对月份的最小二乘斜率（每月变化量）",
        "OLS slope of utilisation_t on the month number t",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "payment_ratio_mean",
        FeatureKind.FLOAT,
        "Mean share of the previous month's bill paid in each month",
        "各月还款额占上月账单金额比例的均值",
        "mean(clip(paid_t / bill_{t-1}, 0, 1)) over months with bill_{t-1} > 0",
        RiskTrend.DESCENDING,
    ),
    FeatureSpec(
        "full_payment_share",
        FeatureKind.FLOAT,
        "Share of months in which the previous month's bill was paid in full",
        "全额还清上月账单的月份占比",
        "mean(paid_t >= bill_{t-1}) over months with bill_{t-1} > 0",
        RiskTrend.DESCENDING,
    ),
    FeatureSpec(
        "no_payment_months_6m",
        FeatureKind.INT,
        "Number of months with a positive previous bill and no payment at all",
        "上月账单金额为正而当月未还款的月份数",
        "count(paid_t == 0) over months with bill_{t-1} > 0",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "utilisation_change_1m",
        FeatureKind.FLOAT,
        "Change in utilisation from the month before the as-of month to the as-of month",
        "观察月额度使用率相对上月的变化量",
        "utilisation_{as_of} - utilisation_{as_of - 1}, null unless both statements exist",
        RiskTrend.AUTO,
    ),
    FeatureSpec(
        "months_delinquent_6m",
        FeatureKind.INT,
        "Number of statements in the window with days past due above 0",
        "观察窗内逾期天数大于 0 的账单期数",
        "count(dpd_t > 0)",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "worst_dpd_6m",
        FeatureKind.INT,
        "Highest days past due over the window",
        "观察窗内的最大逾期天数",
        "max(dpd_t)",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "latest_dpd",
        FeatureKind.INT,
        "Days past due on the newest statement in the window",
        "观察窗内最新一期账单的逾期天数",
        "dpd on the newest statement",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "months_since_delinquency",
        FeatureKind.INT,
        "Months from the newest statement with days past due above 0 to the as-of month",
        "最近一次逾期账单月份距观察月的月数",
        "as_of_month - max(t where dpd_t > 0)",
        RiskTrend.DESCENDING,
    ),
    FeatureSpec(
        "min_payment_miss_6m",
        FeatureKind.INT,
        "Number of months in which the payment fell short of the previous month's minimum due",
        "还款额低于上月最低还款额的月份数",
        "count(paid_t < min_due_{t-1}) over months with min_due_{t-1} known",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "bill_volatility",
        FeatureKind.FLOAT,
        "Coefficient of variation of the statement balances",
        "账单金额的变异系数",
        "population std(bill_t) / mean(|bill_t|)",
        RiskTrend.AUTO,
    ),
    FeatureSpec(
        "spending_growth",
        FeatureKind.FLOAT,
        "Growth of the estimated new spending in the latest 3 months over the earlier months",
        "最近 3 个月估算新增消费相对此前月份的增长率",
        "mean(spend, latest 3 months) / mean(spend, earlier months) - 1, "
        "spend_t = max(0, bill_t - bill_{t-1} + paid_t)",
        RiskTrend.AUTO,
    ),
    FeatureSpec(
        "inactive_months_6m",
        FeatureKind.INT,
        "Number of statements in the window with no balance and no payment",
        "观察窗内账单金额与还款额均为 0 的期数",
        "count(bill_t == 0 and paid_t == 0)",
        RiskTrend.AUTO,
    ),
    FeatureSpec(
        "months_since_active",
        FeatureKind.INT,
        "Months from the newest active statement to the as-of month",
        "最近一次有账单或还款的月份距观察月的月数",
        "as_of_month - max(t where bill_t != 0 or paid_t != 0)",
        RiskTrend.AUTO,
    ),
    FeatureSpec(
        "overlimit_months_6m",
        FeatureKind.INT,
        "Number of statements in the window whose balance exceeded the approved limit",
        "观察窗内账单金额超过授信额度的期数",
        "count(bill_t > approved_limit)",
        RiskTrend.ASCENDING,
    ),
    FeatureSpec(
        "credit_balance_months_6m",
        FeatureKind.INT,
        "Number of statements in the window with a credit balance (negative bill)",
        "观察窗内出现溢缴款（账单金额为负）的期数",
        "count(bill_t < 0)",
        RiskTrend.DESCENDING,
    ),
    FeatureSpec(
        "payment_to_limit",
        FeatureKind.FLOAT,
        "Mean monthly payment as a share of the approved limit",
        "月均还款额占授信额度的比例",
        "mean(paid_t) / approved_limit",
        RiskTrend.AUTO,
    ),
)

FEATURE_NAMES: tuple[str, ...] = tuple(spec.name for spec in FEATURES)
FEATURES_BY_NAME: dict[str, FeatureSpec] = {spec.name: spec for spec in FEATURES}

"""Reason codes for limit decisions, with Chinese and English text.

Several families share one catalogue:

* ``RS_*`` risk-score reasons, one per scorecard characteristic, given when the
  characteristic lost points against its best bin. :data:`FEATURE_REASONS` maps a
  profile feature name to its code.
* ``P_*`` policy reasons, given by the limit policy for the outcome and for every cap,
  floor or guardrail that changed the proposed limit.
* ``C_*`` customer self-service reasons, for a customer's own requests, offers they
  accept and officer decisions on a human review.

Customer-facing texts avoid jargon; the English text is for staff and bilingual notices.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    zh: str
    en: str

    def text(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


_REASONS = [
    # Risk-score reasons.
    Reason("RS_UTILISATION", "额度使用率偏高", "High use of the credit limit"),
    Reason("RS_UTILISATION_TREND", "额度使用率持续上升", "Rising use of the credit limit"),
    Reason("RS_PAYMENT_RATIO", "近期还款占账单比例偏低", "Low share of recent bills repaid"),
    Reason("RS_FULL_PAYMENT", "全额还款的月份较少", "Few months with the bill paid in full"),
    Reason("RS_DELINQUENCY", "近期有逾期还款记录", "Recent late payments"),
    Reason("RS_WORST_STATUS", "近六个月最长逾期时间较长", "Long worst delay in the last six months"),
    Reason("RS_LATEST_STATUS", "最近一期还款状态不佳", "Latest repayment status is late"),
    Reason("RS_RECENCY_DELINQUENCY", "距上次逾期时间较短", "Short time since the last late payment"),
    Reason("RS_BILL_VOLATILITY", "账单金额波动较大", "Large swings in statement balances"),
    Reason("RS_SPENDING_GROWTH", "消费金额变化异常", "Unusual change in spending"),
    Reason("RS_INACTIVITY", "账户较少使用", "Little use of the account"),
    Reason("RS_OVERLIMIT", "账单金额曾超过授信额度", "Balance went over the credit limit"),
    Reason("RS_PAYMENT_LEVEL", "还款金额相对额度偏低", "Low repayments relative to the limit"),
    Reason("RS_LIMIT_LEVEL", "现有授信额度水平对应的历史风险较高", "Higher historical risk at the current limit level"),
    Reason("RS_AGE", "持卡人年龄段的历史风险较高", "Higher historical risk in the holder's age band"),
    Reason("RS_TENURE", "开户时间较短", "Account opened only recently"),
    Reason("RS_MIN_PAYMENT", "有月份未还足最低还款额", "Months with less than the minimum payment"),
    Reason("RS_CREDIT_BALANCE", "多还款（溢缴款）的月份较少", "Few months with more repaid than owed"),
    Reason("RS_OTHER", "其他风险特征", "Other risk characteristics"),
    # Policy reasons.
    Reason("P_INCREASE_GOOD_RISK", "信用表现良好，额度使用充分，提升额度", "Good credit record and well-used limit: limit raised"),
    Reason("P_DECREASE_HIGH_RISK", "风险等级偏高，降低额度", "Higher risk grade: limit lowered"),
    Reason("P_DECREASE_DORMANT", "账户长期未使用，降低额度", "Account unused for a long time: limit lowered"),
    Reason("P_UNCHANGED", "综合评估后维持现有额度", "Limit kept after review"),
    Reason("P_CAP_PRODUCT", "已达产品额度上限", "Product maximum limit reached"),
    Reason("P_CAP_REGULATORY", "受单户授信监管上限约束", "Regulatory limit per borrower reached"),
    Reason("P_CAP_INCOME", "受收入水平约束", "Limited by income"),
    Reason("P_GUARD_MAX_INCREASE", "单次提额幅度受限", "Increase per review is capped"),
    Reason("P_GUARD_RECENT_DELINQUENCY", "近期有逾期，暂不提额", "Recent late payment: no increase for now"),
    Reason("P_GUARD_RECENT_CHANGE", "额度近期已调整，本次评估维持现有额度", "Limit changed recently: kept in this review"),
    Reason("P_GUARD_OPT_OUT", "您已选择不接受主动提额", "You opted out of unsolicited increases"),
    Reason("P_GUARD_OFFER_ONLY", "您选择提额前先征得同意，已转为提额邀请", "You asked to be asked first: increase made as an offer"),
    Reason("P_FLOOR_OUTSTANDING", "降额后额度不低于已用额度", "Reduced limit kept at or above the balance owed"),
    Reason("P_FLOOR_PRODUCT_MIN", "已达产品最低额度", "Product minimum limit reached"),
    Reason("P_MIN_CHANGE", "调整幅度过小，维持现有额度", "Change too small to apply: limit kept"),
    # Risk-signal reasons, given by the lender's risk systems for reductions and freezes.
    Reason("R_OVERDUE", "出现逾期", "Payment overdue"),
    Reason("R_MULTI_LENDER", "新增多头借贷", "New borrowing from several lenders"),
    Reason("R_COURT_ENFORCEMENT", "被列为失信被执行人或有法院强制执行记录", "Listed as a dishonest debtor or under court enforcement"),
    Reason("R_FRAUD", "存在欺诈风险", "Fraud risk"),
    Reason("R_INCOME_DROP", "收入明显下降", "Large drop in income"),
    Reason("R_DORMANCY", "账户长期未使用", "Account unused for a long time"),
    Reason("R_RISK_CLEARED", "风险已解除", "Risk cleared"),
    # Customer self-service reasons, for the customer's own requests and what follows them.
    Reason("C_CUSTOMER_DECREASE", "应您的申请降低额度", "Limit lowered at your request"),
    Reason("C_CUSTOMER_INCREASE", "应您的申请提升额度", "Limit raised at your request"),
    Reason("C_INCREASE_PARTIAL", "按当前评估可提升的最高额度部分批准", "Partly approved: the most your current assessment allows"),
    Reason("C_NO_INCREASE_AVAILABLE", "按当前评估暂无可提升的额度", "Your current assessment allows no increase"),
    Reason("C_RISK_FROZEN", "额度已被风控冻结，暂不提额", "Line frozen for risk reasons: no increase"),
    Reason("C_CUSTOMER_FROZEN", "您已冻结额度，解除冻结后可申请提额", "You froze your line: unfreeze it before asking for more"),
    Reason("C_UNDER_AGE", "未达到提额所需年龄", "Below the age for an increase"),
    Reason("C_STUDENT", "在校学生暂不提额", "No increase for students"),
    Reason("C_PERSISTENT_DEBT", "近几期还款占账单比例持续偏低，为避免加重负担暂不提额", "Low repayments for several months: no increase, to avoid adding to your debt"),
    Reason("C_RECENT_ARREARS", "近期有逾期，暂不提额", "Recent arrears: no increase"),
    Reason("C_INCOME_UNAVAILABLE", "缺少可用的收入信息（需授权并经核实）", "No usable income (needs your consent and a verified figure)"),
    Reason("C_PROFILE_UNAVAILABLE", "暂无足够的账单记录用于评估", "Not enough statement history to assess"),
    Reason("C_TEMPORARY_LIMIT", "应您的申请设立临时额度", "Temporary limit set at your request"),
    Reason("C_OFFER_ACCEPTED", "您已接受提额邀请", "You accepted a limit offer"),
    Reason("C_OFFICER_DECISION", "经人工复核调整额度", "Limit changed after a human review"),
    # Limit-suggestion reasons: why a suggested range points up, down or nowhere.
    Reason("S_NEAR_LIMIT", "近几个月账单接近额度上限，预计下月仍然紧张", "Recent bills close to your limit, and next month looks tight too"),
    Reason("S_LOW_USE", "近几个月使用的额度远低于授信额度", "You have used far less than your limit in recent months"),
    Reason("S_LIMIT_FITS", "当前额度与您的使用情况相符", "Your current limit fits how you use it"),
    Reason("S_BUREAU_ENFORCEMENT", "征信报告显示有强制执行记录，暂不建议提额", "Your credit report shows a court enforcement: no increase suggested"),
]

CATALOGUE: dict[str, Reason] = {reason.code: reason for reason in _REASONS}

# Profile feature -> risk reason code. Features absent here fall back to RS_OTHER.
FEATURE_REASONS: dict[str, str] = {
    "utilisation_latest": "RS_UTILISATION",
    "utilisation_mean_6m": "RS_UTILISATION",
    "utilisation_max_6m": "RS_UTILISATION",
    "utilisation_trend": "RS_UTILISATION_TREND",
    "payment_ratio_mean": "RS_PAYMENT_RATIO",
    "full_payment_share": "RS_FULL_PAYMENT",
    "no_payment_months_6m": "RS_PAYMENT_RATIO",
    "utilisation_change_1m": "RS_UTILISATION_TREND",
    "months_delinquent_6m": "RS_DELINQUENCY",
    "worst_dpd_6m": "RS_WORST_STATUS",
    "latest_dpd": "RS_LATEST_STATUS",
    "months_since_delinquency": "RS_RECENCY_DELINQUENCY",
    "bill_volatility": "RS_BILL_VOLATILITY",
    "spending_growth": "RS_SPENDING_GROWTH",
    "inactive_months_6m": "RS_INACTIVITY",
    "months_since_active": "RS_INACTIVITY",
    "overlimit_months_6m": "RS_OVERLIMIT",
    "payment_to_limit": "RS_PAYMENT_LEVEL",
    "limit_amount": "RS_LIMIT_LEVEL",
    "age": "RS_AGE",
    "months_on_book": "RS_TENURE",
    "min_payment_miss_6m": "RS_MIN_PAYMENT",
    "credit_balance_months_6m": "RS_CREDIT_BALANCE",
}


def reason_for_feature(feature: str) -> str:
    """Return the risk reason code of a profile feature (``RS_OTHER`` when unmapped)."""
    return FEATURE_REASONS.get(feature, "RS_OTHER")


def reason_text(code: str, locale: str = "zh") -> str:
    """Return the text of reason ``code`` in ``locale``; an unknown code returns itself."""
    reason = CATALOGUE.get(code)
    return reason.text(locale) if reason else code

"""Messages of the limit policy: file validation, portfolio frame checks and row errors.

``policy.invalid.*`` messages name the policy file (``path``), the field path (``field``,
for example ``matrix.B.high``) and the value given (``value``, as JSON text), then state
what is allowed. ``policy.row.*`` keys are written into the ``error`` column of an
evaluated portfolio frame. They take no parameters because the row contains the values.
"""

_PREFIX_ZH = "额度策略文件 {path} 无效："
_PREFIX_EN = "Limit policy file {path} is invalid: "

MESSAGES: dict[str, dict[str, str]] = {
    # Reading the file.
    "policy.file_not_found": {
        "zh": "未找到额度策略文件 {path}：请检查路径。",
        "en": "Limit policy file {path} not found: check the path.",
    },
    "policy.shipped_not_found": {
        "zh": "没有名为“{name}”的内置额度策略，可选：{allowed}。",
        "en": "No shipped limit policy named '{name}'; choose one of: {allowed}.",
    },
    "policy.invalid.encoding": {
        "zh": _PREFIX_ZH + "第 {offset} 字节处不是 UTF-8 编码，请以 UTF-8 保存文件。",
        "en": _PREFIX_EN + "the bytes at offset {offset} are not UTF-8; save the file as UTF-8.",
    },
    "policy.invalid.yaml": {
        "zh": _PREFIX_ZH + "第 {line} 行第 {column} 列不是有效的 YAML，请检查缩进、冒号和引号。",
        "en": _PREFIX_EN + "not valid YAML at line {line}, column {column}; check indentation, colons and quotes.",
    },
    "policy.invalid.duplicate_key": {
        "zh": _PREFIX_ZH + "第 {line} 行的键 {key} 在同一层级中重复出现，请删除或合并重复的键。",
        "en": _PREFIX_EN + "key {key} at line {line} appears twice in the same mapping; remove or merge the duplicate.",
    },
    "policy.invalid.empty": {
        "zh": _PREFIX_ZH + "文件为空，请至少填写 id、version、currency、product、risk_bands、utilisation 和 matrix。",
        "en": _PREFIX_EN + "the file is empty; give at least id, version, currency, product, risk_bands, utilisation and matrix.",
    },
    "policy.invalid.not_mapping": {
        "zh": _PREFIX_ZH + "顶层应为“键: 值”映射，实际为 {value}。",
        "en": _PREFIX_EN + "the top level must be a mapping of keys to values, got {value}.",
    },
    # Schema: structure.
    "policy.invalid.missing": {
        "zh": _PREFIX_ZH + "缺少必填字段 {field}。",
        "en": _PREFIX_EN + "required field {field} is missing.",
    },
    "policy.invalid.unknown_key": {
        "zh": _PREFIX_ZH + "{field} 不是可识别的键，请检查拼写；此处允许的键：{allowed}。",
        "en": _PREFIX_EN + "{field} is not a known key; check the spelling. Keys allowed here: {allowed}.",
    },
    "policy.invalid.mapping": {
        "zh": _PREFIX_ZH + "{field} = {value}，此处应为“键: 值”映射。",
        "en": _PREFIX_EN + "{field} = {value}; expected a mapping of keys to values.",
    },
    "policy.invalid.list": {
        "zh": _PREFIX_ZH + "{field} = {value}，此处应为列表。",
        "en": _PREFIX_EN + "{field} = {value}; expected a list.",
    },
    "policy.invalid.list_length": {
        "zh": _PREFIX_ZH + "{field} = {value}，列表应有 {minimum} 到 {maximum} 项。",
        "en": _PREFIX_EN + "{field} = {value}; the list must have {minimum} to {maximum} items.",
    },
    # Schema: scalar values.
    "policy.invalid.text": {
        "zh": _PREFIX_ZH + "{field} = {value}，应为非空文本；数字形式的文本请加引号，例如 \"2026.12\"。",
        "en": _PREFIX_EN + "{field} = {value}; expected non-empty text. Quote text that looks like a number, for example \"2026.12\".",
    },
    "policy.invalid.pattern": {
        "zh": _PREFIX_ZH + "{field} = {value}，只能使用以下字符和长度：{rule}。",
        "en": _PREFIX_EN + "{field} = {value}; use only these characters and lengths: {rule}.",
    },
    "policy.invalid.boolean": {
        "zh": _PREFIX_ZH + "{field} = {value}，应为 true 或 false。",
        "en": _PREFIX_EN + "{field} = {value}; expected true or false.",
    },
    "policy.invalid.integer_range": {
        "zh": _PREFIX_ZH + "{field} = {value}，应为 {minimum} 到 {maximum} 之间的整数。",
        "en": _PREFIX_EN + "{field} = {value}; expected a whole number from {minimum} to {maximum}.",
    },
    "policy.invalid.score": {
        "zh": _PREFIX_ZH + "{field} = {value}，应为评分数值，例如 620。",
        "en": _PREFIX_EN + "{field} = {value}; expected a score as a number, for example 620.",
    },
    "policy.invalid.decimal_range": {
        "zh": _PREFIX_ZH + "{field} = {value}，应为区间 {interval} 内、最多四位小数的数。",
        "en": _PREFIX_EN + "{field} = {value}; expected a number in {interval} with at most four decimals.",
    },
    "policy.invalid.amount": {
        "zh": _PREFIX_ZH + "{field} = {value}，金额应为以元（主币单位）计、最多两位小数的数字，带小数时请加引号，例如 \"8000.50\"。",
        "en": _PREFIX_EN + "{field} = {value}; expected an amount in major units with at most two decimals, quoted when it has decimals, for example \"8000.50\".",
    },
    "policy.invalid.amount_positive": {
        "zh": _PREFIX_ZH + "{field} = {value}，金额应大于 0。",
        "en": _PREFIX_EN + "{field} = {value}; the amount must be greater than 0.",
    },
    "policy.invalid.value": {
        "zh": _PREFIX_ZH + "{field} = {value}，取值无效（{message}）。",
        "en": _PREFIX_EN + "{field} = {value}; invalid value ({message}).",
    },
    "policy.invalid.choice": {
        "zh": _PREFIX_ZH + "{field} = {value}，应为以下之一：{allowed}。",
        "en": _PREFIX_EN + "{field} = {value}; expected one of: {allowed}.",
    },
    # Schema: rules across fields.
    "policy.invalid.product_range": {
        "zh": _PREFIX_ZH + "{field} = {value}，产品最低额度不能高于最高额度 {maximum}。",
        "en": _PREFIX_EN + "{field} = {value}; the product minimum limit must not exceed the maximum limit {maximum}.",
    },
    "policy.invalid.step_multiple": {
        "zh": _PREFIX_ZH + "{field} = {value}，应为取整步长 {step} 的整数倍。",
        "en": _PREFIX_EN + "{field} = {value}; expected a multiple of the rounding step {step}.",
    },
    "policy.invalid.edges_order": {
        "zh": _PREFIX_ZH + "{field} = {value}，分段边界应严格递增。",
        "en": _PREFIX_EN + "{field} = {value}; bucket edges must be strictly increasing.",
    },
    "policy.invalid.buckets_needed": {
        "zh": _PREFIX_ZH + "缺少 {field}：分段边界不是 1 个或 2 个时，请列出 {count} 个分段名称。",
        "en": _PREFIX_EN + "{field} is missing: with other than 1 or 2 bucket edges, list {count} bucket names.",
    },
    "policy.invalid.buckets_count": {
        "zh": _PREFIX_ZH + "{field} = {value}，分段名称应比边界多一个，共 {count} 个。",
        "en": _PREFIX_EN + "{field} = {value}; give one bucket name more than there are edges, {count} in all.",
    },
    "policy.invalid.duplicate_name": {
        "zh": _PREFIX_ZH + "{field} = {value}，名称重复，每个名称只能使用一次。",
        "en": _PREFIX_EN + "{field} = {value}; the name is used twice, and each name must be unique.",
    },
    "policy.invalid.catch_all": {
        "zh": _PREFIX_ZH + "{field} = {value}，风险等级中须恰好有一个不设 min_score 的兜底等级，且放在最后。",
        "en": _PREFIX_EN + "{field} = {value}; exactly one risk band, the last, must have no min_score and catch all remaining scores.",
    },
    "policy.invalid.band_order": {
        "zh": _PREFIX_ZH + "{field} = {value}，min_score 应严格低于上一等级的 {previous}。",
        "en": _PREFIX_EN + "{field} = {value}; min_score must be strictly lower than the previous band's {previous}.",
    },
    "policy.invalid.target_order": {
        "zh": _PREFIX_ZH + "{field} = {value}，应低于 target_utilisation_high（{high}）；请调低 target_utilisation_low 或调高 target_utilisation_high。",
        "en": _PREFIX_EN + "{field} = {value}; it must be below target_utilisation_high ({high}). Lower target_utilisation_low or raise target_utilisation_high.",
    },
    "policy.invalid.matrix_missing": {
        "zh": _PREFIX_ZH + "缺少 {field}：额度系数矩阵须为每个风险等级和每个使用率分段给出系数。",
        "en": _PREFIX_EN + "{field} is missing: the limit factor matrix needs a factor for every risk band and utilisation bucket.",
    },
    # Evaluating a portfolio frame.
    "policy.frame_missing_columns": {
        "zh": "组合数据缺少额度策略所需的列：{columns}。",
        "en": "The portfolio frame lacks columns the limit policy needs: {columns}.",
    },
    "policy.frame_not_integer": {
        "zh": "组合数据的金额列 {column} 类型为 {dtype}，应为以分计的整数列（Int64）。",
        "en": "Amount column {column} of the portfolio frame has type {dtype}; expected integer minor units (Int64).",
    },
    "policy.frame_not_numeric": {
        "zh": "组合数据的列 {column} 类型为 {dtype}，应为数值列。",
        "en": "Column {column} of the portfolio frame has type {dtype}; expected a numeric column.",
    },
    "policy.frame_output_clash": {
        "zh": "组合数据已含有评估结果列 {columns}，请先删除这些列再评估。",
        "en": "The portfolio frame already has the output columns {columns}; drop them before evaluating.",
    },
    "policy.row.identifier_missing": {
        "zh": "账户编号或客户编号缺失，未评估。",
        "en": "The account or customer identifier is missing, so the line was not evaluated.",
    },
    "policy.row.currency_mismatch": {
        "zh": "额度账户币种与策略币种不一致，未评估；请用该币种的策略评估此账户。",
        "en": "The line's currency differs from the policy currency, so it was not evaluated; use a policy in the line's currency.",
    },
    "policy.row.duplicate_account": {
        "zh": "同一额度账户在数据中出现多次，未评估；请每个账户只保留一行。",
        "en": "The line appears more than once in the frame, so it was not evaluated; keep one row per account.",
    },
    "policy.row.approved_limit_invalid": {
        "zh": "授信额度缺失或为负数，未评估。",
        "en": "The approved limit is missing or negative, so the line was not evaluated.",
    },
    "policy.row.outstanding_missing": {
        "zh": "已用额度缺失，未评估。",
        "en": "The outstanding balance is missing, so the line was not evaluated.",
    },
    "policy.row.score_missing": {
        "zh": "风险评分缺失，未评估；请先为该账户评分。",
        "en": "The risk score is missing, so the line was not evaluated; score the line first.",
    },
    "policy.row.increase_preference_invalid": {
        "zh": "提额偏好缺失或无效（应为 auto、ask 或 never），未评估。",
        "en": "The increase preference is missing or invalid (expected auto, ask or never), so the line was not evaluated.",
    },
}

"""Messages of the scoring area: scorecard settings, fitting, artifacts and metrics."""

MESSAGES: dict[str, dict[str, str]] = {
    "scoring.setting_invalid": {
        "zh": "评分卡参数 {name} 无效：取值应为 {allowed}，实际为 {value}。",
        "en": "Scorecard setting {name} is invalid: expected {allowed}, got {value}.",
    },
    "scoring.setting_unknown": {
        "zh": "评分卡参数中有未知项：{names}。可用参数：{known}。",
        "en": "Unknown scorecard settings: {names}. Known settings: {known}.",
    },
    "scoring.features_invalid": {
        "zh": "特征列表无效：{detail}。",
        "en": "Invalid feature list: {detail}.",
    },
    "scoring.train_columns_missing": {
        "zh": "训练数据缺少列：{columns}。请检查特征名和目标列名。",
        "en": "The training data lacks the columns {columns}; check the feature and target names.",
    },
    "scoring.trend_invalid": {
        "zh": "特征 {feature} 的单调趋势 {value} 无效：可选 {allowed}。",
        "en": "Trend {value} of feature {feature} is invalid: use one of {allowed}.",
    },
    "scoring.target_not_binary": {
        "zh": "目标列 {column} 只能取 0（好）或 1（坏），且不能为空；发现：{values}。",
        "en": "Target column {column} must hold only 0 (good) or 1 (bad) and no nulls; found {values}.",
    },
    "scoring.target_single_class": {
        "zh": "目标列 {column} 只有一类样本（坏 {bads} 个，好 {goods} 个）：训练需要好坏两类样本。",
        "en": "Target column {column} has one class only ({bads} bads, {goods} goods); training needs both classes.",
    },
    "scoring.created_at_naive": {
        "zh": "模型创建时间 {value} 缺少时区：请传入带时区的时间，例如 datetime.now(UTC)。",
        "en": "Model creation time {value} has no time zone; pass an aware datetime such as datetime.now(UTC).",
    },
    "scoring.no_features": {
        "zh": "没有可用于评分卡的特征。各特征被剔除的原因：{dropped}。",
        "en": "No feature is usable for the scorecard. Dropped features and reasons: {dropped}.",
    },
    "scoring.columns_missing": {
        "zh": "待评分数据缺少评分卡 {model_version} 所需的列：{columns}。",
        "en": "The data to score lacks columns that scorecard {model_version} needs: {columns}.",
    },
    "scoring.feature_not_numeric": {
        "zh": "特征 {feature} 的类型为 {dtype}，评分需要数值类型。",
        "en": "Feature {feature} has dtype {dtype}; scoring needs a numeric column.",
    },
    "scoring.artifact_not_json": {
        "zh": "评分卡文件不是有效的 JSON：{detail}",
        "en": "The scorecard artifact is not valid JSON: {detail}",
    },
    "scoring.artifact_format": {
        "zh": "不是评分卡文件：format 为 {found}，应为 {expected}。",
        "en": "Not a scorecard artifact: format is {found}, expected {expected}.",
    },
    "scoring.artifact_version": {
        "zh": "评分卡文件的 format_version {found} 不受支持：当前版本只能读取 {supported}。请用当前版本重新训练或导出。",
        "en": "Scorecard artifact format_version {found} is not supported: this version reads {supported}. Retrain or export it again with this version.",
    },
    "scoring.artifact_invalid": {
        "zh": "评分卡文件无效：字段 {path}：{problem}。",
        "en": "Invalid scorecard artifact: field {path}: {problem}.",
    },
    "scoring.metric_length_mismatch": {
        "zh": "无法计算 {metric}：目标有 {n_bad} 个值，风险分有 {n_risk} 个值，两者长度必须相同。",
        "en": "Cannot compute {metric}: {n_bad} target values but {n_risk} risk values; the lengths must match.",
    },
    "scoring.metric_not_numeric": {
        "zh": "无法计算 {metric}：目标和风险分必须是数值。",
        "en": "Cannot compute {metric}: the target and the risk values must be numeric.",
    },
    "scoring.metric_target_not_binary": {
        "zh": "无法计算 {metric}：目标只能取 0（好）或 1（坏），发现 {values}。",
        "en": "Cannot compute {metric}: the target must hold only 0 (good) or 1 (bad); found {values}.",
    },
    "scoring.metric_risk_not_finite": {
        "zh": "无法计算 {metric}：风险分中有 {count} 个空值或无穷值。",
        "en": "Cannot compute {metric}: {count} risk values are NaN or infinite.",
    },
    "scoring.metric_single_class": {
        "zh": "无法计算 {metric}：需要好坏两类样本，实际坏 {bads} 个、好 {goods} 个。",
        "en": "Cannot compute {metric}: both classes are needed, got {bads} bads and {goods} goods.",
    },
    "scoring.columns_duplicated": {
        "zh": "训练数据有重复列名：{columns}。读取 CSV 时重复的表头会被改名为“<列名>_duplicated_<序号>”；请在源文件中让每个列名只出现一次。",
        "en": "The training data has duplicated column names: {columns}. A repeated CSV header is renamed to \"<name>_duplicated_<n>\" on reading; make each column name appear once in the source file.",
    },
    "scoring.target_too_few": {
        "zh": "目标列 {column} 的样本太少：坏 {bads} 个、好 {goods} 个，训练需要好坏各至少 {minimum} 个（参数 min_class_rows）。",
        "en": "Target column {column} has too few rows of one class: {bads} bads and {goods} goods; training needs at least {minimum} of each (setting min_class_rows).",
    },
    "scoring.calibration_single_class": {
        "zh": "无法校准 PD：校准样本需要好坏两类，实际坏 {bads} 个、好 {goods} 个。请扩大校准样本或设置 calibration 为 'none'。",
        "en": "Cannot calibrate the PD: the calibration rows need both classes, got {bads} bads and {goods} goods. Use more calibration rows or set calibration to 'none'.",
    },
    "scoring.metric_bins_invalid": {
        "zh": "无法计算 {metric}：分组数应为不小于 1 的整数，实际为 {value}。",
        "en": "Cannot compute {metric}: the number of bins must be an int >= 1, got {value}.",
    },
    "scoring.metric_pd_out_of_range": {
        "zh": "无法计算 {metric}：有 {count} 个 PD 不在 [0, 1] 区间内。",
        "en": "Cannot compute {metric}: {count} PD values are outside [0, 1].",
    },
    "scoring.metric_weights_invalid": {
        "zh": "无法计算 {metric}：样本权重无效：{detail}。",
        "en": "Cannot compute {metric}: invalid sample weights: {detail}.",
    },
}

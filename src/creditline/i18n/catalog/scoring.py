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
    "scoring.model_exists": {
        "zh": "模型版本 {model_version} 已登记，不能重复登记。",
        "en": "Model version {model_version} is already registered.",
    },
    "scoring.model_already_champion": {
        "zh": "模型版本 {model_version} 已是当前冠军模型，无需晋升。",
        "en": "Model version {model_version} is already the champion; nothing to promote.",
    },
    "scoring.promoted_by_missing": {
        "zh": "请用 --by 填写晋升操作人的姓名或工号，它将记入账本。",
        "en": "Give the name or staff id of the person promoting with --by; it is recorded in the ledger.",
    },
    "ledger.fault.registry_head_mismatch": {
        "zh": "登记簿记录的最新序号为 {expected}，账本中为 {found}（最新事件被删除或追加）",
        "en": "the registry head records sequence {expected} but the ledger ends at {found} (newest events deleted or appended)",
    },
    "ledger.fault.registry_stream_missing": {
        "zh": "登记簿记录的最新序号为 {expected}，但账本中没有该流的任何事件",
        "en": "the registry head records sequence {expected} but the ledger has no event of the stream",
    },
    "cli.help.model_list": {
        "zh": "列出已登记的模型版本：状态、训练数据指纹、特征数和留出样本 AUC。",
        "en": "List registered model versions with status, training-data fingerprint, feature count and hold-out AUC.",
    },
    "cli.help.model_kind": {
        "zh": "只列出该类模型，例如 scorecard；不填则列出全部。",
        "en": "List only models of this kind, e.g. scorecard; all kinds when omitted.",
    },
    "cli.help.model_promote": {
        "zh": "将模型版本晋升为冠军模型（定期调额使用），原冠军模型退役；晋升人记入账本。",
        "en": "Promote a model version to champion (used by reviews) and retire the previous one; the ledger records who did it.",
    },
    "cli.model.none": {"zh": "尚未登记任何模型。请先运行 creditline model train。", "en": "No model is registered yet. Run creditline model train first."},
    "cli.model.col.version": {"zh": "版本", "en": "Version"},
    "cli.model.col.kind": {"zh": "类型", "en": "Kind"},
    "cli.model.col.status": {"zh": "状态", "en": "Status"},
    "cli.model.col.created": {"zh": "创建时间", "en": "Created"},
    "cli.model.col.by": {"zh": "创建人", "en": "By"},
    "cli.model.col.fingerprint": {"zh": "数据指纹", "en": "Fingerprint"},
    "cli.model.col.features": {"zh": "特征数", "en": "Features"},
    "cli.model.col.auc": {"zh": "留出 AUC", "en": "Hold-out AUC"},
    "cli.model.status.challenger": {"zh": "挑战者", "en": "challenger"},
    "cli.model.status.champion": {"zh": "冠军", "en": "champion"},
    "cli.model.status.retired": {"zh": "已退役", "en": "retired"},
    "cli.model.no_previous": {"zh": "无", "en": "none"},
    "cli.model.promoted": {
        "zh": "模型 {model_version}（{kind}）已由 {name} 晋升为冠军模型；原冠军模型：{previous}。",
        "en": "Model {model_version} ({kind}) promoted to champion by {name}; previous champion: {previous}.",
    },
}

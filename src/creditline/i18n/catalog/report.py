"""Messages of the challenger model and of the HTML validation report."""

MESSAGES: dict[str, dict[str, str]] = {
    # Challenger model.
    "challenger.setting_invalid": {
        "zh": "挑战者模型参数 {name} 无效：取值应为 {allowed}，实际为 {value}。",
        "en": "Challenger setting {name} is invalid: expected {allowed}, got {value}.",
    },
    "challenger.setting_unknown": {
        "zh": "挑战者模型参数中有未知项：{names}。可用参数：{known}。",
        "en": "Unknown challenger settings: {names}. Known settings: {known}.",
    },
    "challenger.trend_invalid": {
        "zh": "特征 {feature} 的风险趋势 {value} 无效：可选 {allowed}。",
        "en": "Risk trend {value} of feature {feature} is invalid: use one of {allowed}.",
    },
    "challenger.no_features": {
        "zh": "挑战者模型没有输入特征：请至少指定一个数值特征。",
        "en": "The challenger has no input features; name at least one numeric feature.",
    },
    "challenger.features_duplicated": {
        "zh": "特征列表中有重复的名称：{names}。每个特征只能列出一次。",
        "en": "The feature list names {names} more than once; list each feature once.",
    },
    "challenger.columns_missing": {
        "zh": "数据缺少模型 {model_version} 所需的列：{columns}。",
        "en": "The data lacks columns that model {model_version} needs: {columns}.",
    },
    "challenger.feature_not_numeric": {
        "zh": "特征 {feature} 的类型为 {dtype}，挑战者模型需要数值类型。",
        "en": "Feature {feature} has dtype {dtype}; the challenger needs a numeric column.",
    },
    "challenger.target_not_binary": {
        "zh": "目标列 {column} 只能取 0（好）或 1（坏），且不能为空；发现：{values}。",
        "en": "Target column {column} must hold only 0 (good) or 1 (bad) and no nulls; found {values}.",
    },
    "challenger.target_single_class": {
        "zh": "目标列 {column} 只有一类样本（坏 {bads} 个，好 {goods} 个）：训练需要好坏两类样本。",
        "en": "Target column {column} has one class only ({bads} bads, {goods} goods); training needs both classes.",
    },
    "challenger.created_at_naive": {
        "zh": "模型创建时间 {value} 缺少时区：请传入带时区的时间，例如 datetime.now(UTC)。",
        "en": "Model creation time {value} has no time zone; pass an aware datetime such as datetime.now(UTC).",
    },
    "challenger.lightgbm_missing": {
        "zh": "挑战者模型需要 LightGBM：请安装 train 附加依赖，例如 pip install 'creditline[train]'。",
        "en": "The challenger model needs LightGBM; install the train extra, e.g. pip install 'creditline[train]'.",
    },
    "challenger.artifact_not_json": {
        "zh": "挑战者模型文件不是有效的 JSON：{detail}",
        "en": "The challenger artifact is not valid JSON: {detail}",
    },
    "challenger.artifact_format": {
        "zh": "不是挑战者模型文件：format 为 {found}，应为 {expected}。",
        "en": "Not a challenger artifact: format is {found}, expected {expected}.",
    },
    "challenger.artifact_version": {
        "zh": "挑战者模型文件的 format_version {found} 不受支持：当前版本只能读取 {supported}。请用当前版本重新训练。",
        "en": "Challenger artifact format_version {found} is not supported: this version reads {supported}. Retrain it with this version.",
    },
    "challenger.artifact_invalid": {
        "zh": "挑战者模型文件无效：字段 {path}：{problem}。",
        "en": "Invalid challenger artifact: field {path}: {problem}.",
    },
    # Validation report: errors.
    "report.not_a_scorecard": {
        "zh": "模型 {model_version} 的类型为 {kind}，不是评分卡：验证报告和挑战者模型都以评分卡为基准，请指定评分卡版本。",
        "en": "Model {model_version} is a {kind}, not a scorecard; the validation report and the challenger need a scorecard version.",
    },
    "report.holdout_single_class": {
        "zh": "留出样本只有一类（坏 {bads} 个，好 {goods} 个），无法计算 AUC 和 KS：请导入包含好坏两类结果的数据后重新训练。",
        "en": "The hold-out has one class only ({bads} bads, {goods} goods), so AUC and KS are undefined; import outcomes with both classes and retrain.",
    },
    # Validation report: page texts.
    "report.title": {"zh": "评分卡验证报告 · {model_version}", "en": "Scorecard validation report · {model_version}"},
    "report.header.facts": {
        "zh": "状态：{status}；模型创建于 {created_at}；报告生成于 {generated_at}；入模特征 {n_features} 个。",
        "en": "Status: {status}. Model created {created_at}. Report generated {generated_at}. {n_features} characteristics.",
    },
    "report.section.summary": {"zh": "概览", "en": "Summary"},
    "report.summary.split": {
        "zh": "按账户编号的加盐 SHA-256 哈希划分样本（训练占比 {share}，盐值 {seed}）：训练 {n_train} 户，留出 {n_holdout} 户（其中坏 {bads} 户）。以下指标均在留出样本上计算。",
        "en": "Accounts are split by a salted SHA-256 hash of their id (training share {share}, salt {seed}): {n_train} for training, {n_holdout} held out ({bads} bad). Every figure below is measured on the hold-out.",
    },
    "report.section.discrimination": {"zh": "区分能力：ROC 曲线与 KS 曲线", "en": "Discrimination: ROC and KS curves"},
    "report.section.distribution": {"zh": "好坏客户的评分分布", "en": "Score distributions of goods and bads"},
    "report.section.calibration": {"zh": "校准：预测违约概率与实际坏账率", "en": "Calibration: predicted PD against observed bad rate"},
    "report.section.iv": {"zh": "信息值（IV）", "en": "Information value (IV)"},
    "report.section.bins": {"zh": "各特征的分箱", "en": "Bins of every characteristic"},
    "report.section.challenger": {"zh": "冠军模型与挑战者模型对比", "en": "Champion against challenger"},
    "report.section.fairness": {"zh": "公平性：按性别和年龄段", "en": "Fairness: by sex and by age band"},
    "report.chart.roc": {"zh": "ROC 曲线", "en": "ROC curve"},
    "report.chart.ks": {"zh": "KS 曲线", "en": "KS curve"},
    "report.chart.distribution": {"zh": "评分分布", "en": "Score distribution"},
    "report.chart.calibration": {"zh": "校准图", "en": "Calibration plot"},
    "report.chart.roc_overlay": {"zh": "ROC 曲线对比", "en": "ROC curves compared"},
    "report.chart.scorecard_auc": {"zh": "评分卡（AUC {auc:.4f}）", "en": "Scorecard (AUC {auc:.4f})"},
    "report.chart.challenger_auc": {"zh": "LightGBM 挑战者（AUC {auc:.4f}）", "en": "LightGBM challenger (AUC {auc:.4f})"},
    "report.chart.cumulative_bads": {"zh": "坏客户累计占比", "en": "Cumulative share of bads"},
    "report.chart.cumulative_goods": {"zh": "好客户累计占比", "en": "Cumulative share of goods"},
    "report.chart.ks_at": {"zh": "KS {ks:.4f}（评分 {score:.1f}）", "en": "KS {ks:.4f} at score {score:.1f}"},
    "report.chart.goods": {"zh": "好客户", "en": "Goods"},
    "report.chart.bads": {"zh": "坏客户", "en": "Bads"},
    "report.chart.calibration_bins": {"zh": "按预测违约概率分组（十分位）", "en": "Groups by predicted PD (deciles)"},
    "report.axis.score": {"zh": "评分（越高越安全）", "en": "Score (higher is safer)"},
    "report.axis.cumulative_share": {"zh": "累计占比", "en": "Cumulative share"},
    "report.axis.share_of_group": {"zh": "占本组客户比例", "en": "Share of the group"},
    "report.axis.predicted_pd": {"zh": "预测违约概率（组内均值）", "en": "Predicted PD (group mean)"},
    "report.axis.observed_bad_rate": {"zh": "实际坏账率", "en": "Observed bad rate"},
    "report.axis.false_positive_rate": {"zh": "误拒率（好客户被判为高风险的比例）", "en": "False positive rate (goods flagged)"},
    "report.axis.true_positive_rate": {"zh": "命中率（坏客户被识别的比例）", "en": "True positive rate (bads caught)"},
    "report.col.model": {"zh": "模型", "en": "Model"},
    "report.col.bin": {"zh": "分组", "en": "Group"},
    "report.col.accounts": {"zh": "账户数", "en": "Accounts"},
    "report.col.mean_pd": {"zh": "平均预测违约概率", "en": "Mean predicted PD"},
    "report.col.bad_rate": {"zh": "坏账率", "en": "Bad rate"},
    "report.col.feature": {"zh": "特征", "en": "Feature"},
    "report.col.description": {"zh": "含义", "en": "Meaning"},
    "report.col.selected": {"zh": "入模", "en": "In model"},
    "report.col.drop_reason": {"zh": "剔除原因", "en": "Reason dropped"},
    "report.col.range": {"zh": "取值区间", "en": "Value range"},
    "report.col.points": {"zh": "分值", "en": "Points"},
    "report.col.attribute": {"zh": "属性", "en": "Attribute"},
    "report.col.group": {"zh": "组别", "en": "Group"},
    "report.col.mean_score": {"zh": "平均评分", "en": "Mean score"},
    "report.col.batch_items": {"zh": "调额批次账户数", "en": "Lines in batch"},
    "report.col.increase_rate": {"zh": "提额比例", "en": "Increase rate"},
    "report.col.decrease_rate": {"zh": "降额比例", "en": "Cut rate"},
    "report.model.scorecard": {"zh": "评分卡", "en": "Scorecard"},
    "report.model.challenger": {"zh": "LightGBM 挑战者", "en": "LightGBM challenger"},
    "report.yes": {"zh": "是", "en": "yes"},
    "report.no": {"zh": "否", "en": "no"},
    "report.bin.missing": {"zh": "缺失值", "en": "Missing"},
    "report.bins.caption": {
        "zh": "IV {iv:.4f}；风险趋势 {trend}；原因码 {reason}：",
        "en": "IV {iv:.4f}; risk trend {trend}; reason code {reason}:",
    },
    "report.drop.excluded_attribute": {"zh": "受保护属性，不得入模", "en": "Protected attribute, never used"},
    "report.drop.not_numeric": {"zh": "非数值类型", "en": "Not numeric"},
    "report.drop.all_values_missing": {"zh": "全部为缺失值", "en": "All values missing"},
    "report.drop.constant_value": {"zh": "取值恒定", "en": "Constant value"},
    "report.drop.binning_failed": {"zh": "分箱失败", "en": "Binning failed"},
    "report.drop.single_bin": {"zh": "只分出一个箱", "en": "Single bin"},
    "report.drop.information_value_below_minimum": {"zh": "信息值低于下限", "en": "Information value below minimum"},
    "report.drop.coefficient_sign_reversed": {"zh": "回归系数符号与 WoE 方向相反", "en": "Coefficient sign reversed"},
    "report.challenger.none": {
        "zh": "尚无挑战者模型。运行 creditline model challenger 训练一个 LightGBM 挑战者后重新生成报告。",
        "en": "No challenger is stored yet. Run creditline model challenger to train a LightGBM challenger, then rebuild this report.",
    },
    "report.challenger.intro": {
        "zh": "挑战者为带单调约束的 LightGBM 模型（{n_features} 个候选特征，约束方向与评分卡的风险趋势一致），与评分卡使用同一训练样本，在同一留出样本上比较。",
        "en": "The challenger is a LightGBM model with monotone constraints ({n_features} candidate features, constrained in the scorecard's risk directions), fitted on the scorecard's training accounts and compared on the same hold-out.",
    },
    "report.fairness.intro": {
        "zh": "性别不参与模型；年龄可能是入模特征，此处按年龄段分组对比。评分、预测违约概率和坏账率来自留出样本。",
        "en": "Sex never enters the model. Age may be a characteristic, and here it forms comparison bands. Scores, predicted PD and bad rates come from the hold-out.",
    },
    "report.fairness.batch": {
        "zh": "提额和降额比例来自最近一次调额批次 {batch_id} 的全部账户。",
        "en": "Increase and cut rates come from every line of the latest review batch, {batch_id}.",
    },
    "report.fairness.no_batch": {
        "zh": "尚无调额批次，提额和降额比例暂缺（—）。",
        "en": "No review batch exists yet, so increase and cut rates are shown as —.",
    },
    "report.attribute.sex": {"zh": "性别", "en": "Sex"},
    "report.attribute.age_band": {"zh": "年龄段", "en": "Age band"},
    "report.sex.male": {"zh": "男", "en": "Male"},
    "report.sex.female": {"zh": "女", "en": "Female"},
    "report.group.unknown": {"zh": "未知", "en": "Unknown"},
    # CLI.
    "cli.help.model_report": {
        "zh": "为指定版本的评分卡生成单文件 HTML 验证报告（中文，可切换英文）。",
        "en": "Write the single-file HTML validation report of a scorecard version (Chinese, with an English switch).",
    },
    "cli.help.model_version": {"zh": "评分卡的模型版本，例如 sc-0123456789ab。", "en": "Model version of the scorecard, e.g. sc-0123456789ab."},
    "cli.help.report_out": {
        "zh": "报告文件路径；默认为当前目录下的 report-<版本>.html。",
        "en": "Path of the report file; defaults to report-<version>.html in the current folder.",
    },
    "cli.help.model_challenger": {
        "zh": "在冠军评分卡的训练样本上训练 LightGBM 挑战者模型，并在同一留出样本上与评分卡比较。",
        "en": "Train a LightGBM challenger on the champion scorecard's training accounts and compare both on the same hold-out.",
    },
    "cli.help.challenger_scorecard": {
        "zh": "作为基准的评分卡版本；默认为当前冠军模型。",
        "en": "Scorecard version to challenge; defaults to the current champion.",
    },
    "cli.report.done": {
        "zh": "验证报告已写入 {path}（留出样本 {n_holdout} 户，AUC {auc:.4f}）。",
        "en": "Validation report written to {path} ({n_holdout} hold-out accounts, AUC {auc:.4f}).",
    },
    "cli.challenger.done": {
        "zh": "挑战者模型 {model_version} 已登记（训练 {n_train} 户，留出 {n_holdout} 户）。",
        "en": "Challenger {model_version} registered ({n_train} training accounts, {n_holdout} held out).",
    },
    "cli.challenger.metrics": {
        "zh": "{name} {model_version}：留出样本 AUC {auc:.4f}，KS {ks:.4f}，Gini {gini:.4f}。",
        "en": "{name} {model_version}: hold-out AUC {auc:.4f}, KS {ks:.4f}, Gini {gini:.4f}.",
    },
}

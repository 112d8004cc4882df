"""The official forms' vocabulary, as data: the one place where the Chinese labels live.

The YAML a clerk edits uses these labels as keys, the schema is generated from them, and the
renderers lay them out. Code refers to them through the English names defined here.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- file layout -------------------------------------------------------------------------

ROSTER_FILE = "名单.yaml"
DEPARTMENT_FILE = "部门整体.yaml"
YAML_SUFFIXES = (".yaml", ".yml")

# --- money columns (typed in per fund row, 万元) --------------------------------------------

#: English name -> the key a clerk types (the form's column label without 「1-XX月」).
AMOUNT_FIELDS: dict[str, str] = {
    "carried_over": "上年结转",
    "budget": "本年预算",
    "allocated": "下达数",
    "spent": "支出数",
    "expected": "全年预计支出数",
}

#: Optional keys of a fund row beside the five amounts (issue 14): an adjusted budget (第五章 调减预算; 本年预算 then
#: stays the 年初预算), payments approved but not yet made, and the line items (明细) the row's money breaks down into.
ROW_EXTRA_FIELDS: dict[str, str] = {
    "adjusted_budget": "调整后预算",
    "pending": "已审批待支付",
    "items": "明细",
}
#: The keys of one 明细 line item.
LINE_ITEM_FIELDS: dict[str, str] = {"name": "名称", "amount": "金额", "use": "用途"}
#: 部门整体's stated number of monitored projects (checked against the roster and the submitted projects).
MONITORED_PROJECTS = "监控项目数"

#: Derived figures: never typed in. Key -> what it is computed from (for the error hint).
DERIVED_FIELDS: dict[str, str] = {
    "小计": "上年结转 + 本年预算",
    "安排数": "上年结转 + 本年预算",
    "下达率": "下达数 ÷ 本年预算 × 100",
    "支出进度": "支出数 ÷ 安排数 × 100",
    "序时进度": "截至月份 ÷ 12 × 100",
}

TOTAL_ROW = "资金总额"
#: How a numbered attachment's sheet begins (附件2): a form filed otherwise is named by its title.
ATTACHMENT_PREFIX = "附件"

#: How a clerk states that a figure, an indicator value, a whole budget table or the whole 绩效指标 block has not
#: been reported yet: a value of its own, never 0 and never a blank. Rules skip it (a grey 「未评价」 light), drafts
#: and forms print it, completeness counts it.
NOT_REPORTED = "未填报"

#: Other ways clerks write "not known yet" (issue 14: never a value). Read as 「未填报」 wherever a value or figure may
#: be stated so (no light, not counted complete, never drafted), and located by a hint asking for 「未填报」 (W315).
#: 「－」 and 「／」 are the dash and the slash typed in a Chinese input method's full-width mode.
#: 「无」 is not among them: it is a true report for a count that should stay at zero (「安全责任事故: 无」).
UNKNOWN_WORDS = frozenset({"暂无", "未填", "待统计", "不详", "—", "——", "-", "--", "/", "－", "－－", "／", "待定", "未知", "待填", "暂缺"})

#: 附件2 fund rows (the 其中 rows under 资金总额), in the form's order.
PROJECT_FUND_ROWS = (
    "中央财政资金",
    "省级财政资金",
    "市级财政资金",
    "县（区）财政资金",
    "单位自筹资金",
    "其他资金",
)

#: 附件3 table 2: by use.
DEPT_FUND_ROWS_BY_USE = ("基本支出", "项目支出")
PROJECT_SPENDING_ROW = "项目支出"

# --- indicators -------------------------------------------------------------------------

#: The fixed 一级 -> 二级 taxonomy, in the form's order.
TAXONOMY: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
LEVEL2_ALL = tuple(l2 for l2s in TAXONOMY.values() for l2 in l2s)

CERTAIN, POSSIBLE, IMPOSSIBLE = "确定能", "有可能", "完全不可能"
LIKELIHOODS = (CERTAIN, POSSIBLE, IMPOSSIBLE)

#: English name -> key, for one indicator row.
INDICATOR_FIELDS: dict[str, str] = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "adjusted_target": "调整后指标值",
    "result": "指标完成情况",
    "expected": "全年指标预计完成情况",
    "deviation": "偏差原因分析",
    "likelihood": "完成目标可能性",
    "remark": "备注",
    "cumulative": "按进度累计",
    "evidence": "佐证材料",
}
#: The fields every indicator must have (the schema's `required`; 「绩效指标: 未填报」 lacks each of them once).
INDICATOR_REQUIRED = ("level1", "level2", "name", "target", "result", "expected", "likelihood")

# --- 附件1 narrative --------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One heading of 附件1 and the narrative key that fills it (None: heading only).

    `description` and `example` are the schema's for the 分析报告 entry (the profile's report sections give them), where
    「{subject}」 stands for the form's report_subject (项目, 部门).
    """

    heading: str
    key: str | None
    level: int
    description: str = ""
    example: str = ""


#: 附件1's sections, verbatim and in order; `key` names the 分析报告 entry that fills them.
REPORT_SECTIONS = (
    Section("一、项目（部门）基本情况", "基本情况", 1),
    Section("二、预算执行和绩效目标实现情况分析", None, 1),
    Section("（一）预算执行情况分析", "预算执行情况分析", 2),
    Section("（二）绩效目标实现情况分析", "绩效目标实现情况分析", 2),
    Section("三、绩效监控延伸情况", "绩效监控延伸情况", 1),
    Section("四、绩效监控结果分析", None, 1),
    Section("（一）监控总体结论", "监控总体结论", 2),
    Section("（二）预算执行和绩效目标出现偏差的原因分析", "偏差原因分析", 2),
    Section("（三）存在问题及整改措施和建议", "存在问题及整改措施和建议", 2),
    Section("五、其他需要说明的事项", "其他需要说明的事项", 1),
)
REPORT_KEYS = tuple(s.key for s in REPORT_SECTIONS if s.key)

REVIEW_CONCLUSIONS = ("通过", "退回修改")
#: English name -> key, for one 审核意见 entry.
REVIEW_FIELDS: dict[str, str] = {"unit": "审核单位", "reviewer": "审核人", "date": "日期", "conclusion": "结论", "opinion": "意见"}

# --- top-level keys -------------------------------------------------------------------------

#: English name -> key, shared by the project and department submissions and the roster.
KEYS: dict[str, str] = {
    "year": "年度",
    "month": "截至月份",
    "project_name": "项目名称",
    "project_code": "项目代码",
    "department": "主管部门",
    "department_code": "主管部门代码",
    "unit": "预算单位",
    "units": "预算单位",
    "research": "科研类",
    "confidential": "涉密",
    "period_span": "起止时间",
    "funds": "资金",
    "funds_by_type": "资金按类型",
    "funds_by_use": "资金按用途",
    "stated_total": "资金总额",
    "project_target": "项目年度绩效目标",
    "dept_target": "年度绩效目标",
    "indicators": "绩效指标",
    "report": "分析报告",
    "reviews": "审核意见",
    "signed_on": "成文日期",
    "head": "单位负责人",
    "preparer": "填报人",
    "phone": "联系电话",
    "deadline": "截止日期",
    "departments": "部门",
    "expected_projects": "应报项目",
}

# --- 附件2/附件3 table labels, verbatim (「1-XX月」 is replaced by the period, e.g. 1-6月) ----------
# The forms themselves (titles, rows, columns, notes, 附件1's sections) are described by the profile
# (form/profiles/*.yaml, loaded by forms.py). The labels below are the default profile's, kept for the code and the
# site templates that read a label by name; tests/form/test_profiles.py keeps them equal to shuozhou-city.yaml.

MONTHS_PLACEHOLDER = "1-XX月"
PROJECT_NAME_LABEL = "项目名称"
PROJECT_DEPARTMENT_LABEL = "主管部门及代码"
UNIT_LABEL = "预算单位"
PROJECT_BUDGET_BLOCK = "项目资金预算安排及执行进度（万元）"
DEPARTMENT_BUDGET_BLOCK = "预算安排及执行进度（万元）"
BUDGET_GROUP = "年度预算资金安排"
TOTAL_ROW_LABEL = "资金总额："
FIRST_ROW_PREFIX = "其中："
PROJECT_TARGET_LABEL = "项目年度绩效目标"
DEPARTMENT_TARGET_LABEL = "年度绩效目标"
INDICATOR_BLOCK = "绩效指标"
LIKELIHOOD_GROUP = "完成目标可能性“√”"
TICK = "√"
#: A check-box group in the identification block (项目属性…): 「1、持续性项目 □　2、新增性项目 ☑」.
CHOICE_ITEM = "{number}、{choice} {box}"
CHOICE_SEPARATOR = "　"
BOX_EMPTY, BOX_TICKED = "□", "☑"
NO_RATE = "—"  # a rate whose denominator is 0
ADJUSTED_TARGET = "{target}（调整后：{adjusted}）"  # 目标调整: both values stay visible

#: Column headers of the budget block: English figure name -> header text.
BUDGET_HEADERS: dict[str, str] = {
    "carried_over": "上年结转",
    "budget": "本年预算",
    "subtotal": "小计",
    "allocated": "1-XX月下达数",
    "allocation_rate": "1-XX月下达率%（下达数/本年预算数）",
    "spent": "1-XX月支出数",
    "spend_progress": "1-XX月支出进度%（支出数/安排数）",
    "expected": "全年预计支出数",
}

#: Column headers of the indicator block: English field name -> header text.
INDICATOR_HEADERS: dict[str, str] = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "result": "1-XX月指标完成情况",
    "expected": "全年指标预计完成情况",
    "deviation": "偏差原因分析",
    "likelihood": LIKELIHOOD_GROUP,
    "remark": "备注",
}

#: The three notes under both tables.
TABLE_NOTES = (
    "1．偏差原因分析：针对与预期目标产生偏差的指标值，分别从决策、过程和管理等方面进行判断和分析，并说明理由。",
    "2．完成目标可能性：分确定能、有可能、完全不可能三级判断完成绩效目标的可能性。",
    "3．如果“完全不可能完成”，请在备注中提出拟采取的措施。",
)

# --- 附件1 title -------------------------------------------------------------------------------

REPORT_TITLE_SUBJECT = "项目（部门整体）"  # replaced by the project's or the department's name

# --- the review loop (issue 17): 审核意见, 整改 and 结果应用 in their own files --------------------------

#: The folder of a period that holds the reviewers' files, beside the departments' folders.
REVIEW_FOLDER = "审核"
#: The reviewer name of the 市财政局 in a review file's name (`财政局-101.yaml`); a department reviews as its code.
BUREAU = "财政局"
#: The whole department as the subject of an opinion, a 整改 item or a 结果应用 record (else a 项目代码).
WHOLE_DEPARTMENT = "部门整体"
#: Name prefixes of the 整改 and 结果应用 files in the review folder (`整改-101.yaml`, `结果应用-101.yaml`).
RECTIFICATION_PREFIX = "整改-"
APPLICATION_PREFIX = "结果应用-"

#: The keys of the review files: English name -> the label a reviewer types.
REVIEW_KEYS: dict[str, str] = {
    "year": "年度",
    "month": "截至月份",
    "department_code": "主管部门代码",
    "reviewer_unit": "审核单位",
    "opinions": "审核意见",
    "subject": "项目代码",
    "conclusion": "结论",
    "opinion": "意见",
    "date": "日期",
    "reviewer": "审核人",
    "rectifications": "整改",
    "finding": "问题代码",
    "problem": "问题",
    "measure": "整改措施",
    "owner": "责任人",
    "deadline": "整改期限",
    "status": "状态",
    "evidence": "佐证材料",
    "applications": "结果应用",
    "measure_kind": "方式",
    "amount": "金额",
    "document_number": "文号",
    "note": "说明",
}

#: The review states of a submission, in the order of the loop.
REVIEW_STATES: dict[str, str] = {"draft": "草稿", "submitted": "已报送", "returned": "退回修改", "passed": "已通过"}
#: 整改 status values.
RECTIFICATION_STATUSES = ("未开始", "整改中", "已完成")
RECTIFICATION_DONE = "已完成"
#: 结果应用 kinds (第五章); those that move money name an amount and a 文号.
APPLICATION_KINDS = ("调减预算", "调整目标", "暂缓拨款", "停止拨付", "收回资金")
APPLICATION_WITH_AMOUNT = ("调减预算", "收回资金")
#: The roster's keys naming who reviews (code owners): per department, and the bureau's own reviewers.
ROSTER_REVIEWERS = "审核人"
BUREAU_REVIEWERS = "财政局审核人"

# --- approved targets (issue 17 item 4): the 绩效目标 as approved at budget time, the baseline a submission keeps ---

#: The folder of a period that holds the approved targets, one file per department (`批复目标/101.yaml`).
TARGETS_FOLDER = "批复目标"
#: The keys of an approved-targets file: English name -> the label typed (an indicator's own keys are the profile's).
TARGET_KEYS: dict[str, str] = {
    "year": "年度",
    "month": "截至月份",
    "department_code": "主管部门代码",
    "source": "批复文号",
    "projects": "项目",
    "project_code": "项目代码",
    "project_name": "项目名称",
    "indicators": "绩效指标",
}
#: The keys a 结果应用 record of kind 调整目标 adds to say which indicator was adjusted, from what, to what.
ADJUSTMENT_KEYS: dict[str, str] = {
    "indicator": "指标名称",
    "original": "原目标",
    "adjusted": "调整后目标",
    "renamed": "调整后指标名称",
}
#: The 结果应用 kind that is a 目标调整.
ADJUST_TARGET_KIND = "调整目标"
#: 调整后目标 of an indicator the adjustment removes.
TARGET_CANCELLED = "取消"

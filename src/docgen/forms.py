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

#: Derived figures: never typed in. Key -> what it is computed from (for the error hint).
DERIVED_FIELDS: dict[str, str] = {
    "小计": "上年结转 + 本年预算",
    "安排数": "上年结转 + 本年预算",
    "下达率": "下达数 ÷ 本年预算 × 100",
    "支出进度": "支出数 ÷ 安排数 × 100",
    "序时进度": "截至月份 ÷ 12 × 100",
}

TOTAL_ROW = "资金总额"

#: 附件2 fund rows (the 其中 rows under 资金总额), in the form's order.
PROJECT_FUND_ROWS = (
    "中央财政资金",
    "省级财政资金",
    "市级财政资金",
    "县（区）财政资金",
    "单位自筹资金",
    "其他资金",
)

#: 附件3 table 1: by fund type.
DEPT_FUND_ROWS_BY_TYPE = (
    "一般公共预算资金",
    "政府性基金预算资金",
    "国有资本经营预算资金",
    "社会保险基金预算资金",
    "财政专户管理资金",
    "单位资金",
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

# --- 附件1 narrative --------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One heading of 附件1 and the narrative key that fills it (None: heading only)."""

    heading: str
    key: str | None
    level: int


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
    "deadline": "截止日期",
    "departments": "部门",
    "expected_projects": "应报项目",
}

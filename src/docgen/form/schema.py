"""JSON Schemas (draft-07) for the three kinds of file, generated from `forms`.

Draft-07 because the YAML language server in VS Code understands it fully: editors complete keys,
offer enums and show the Chinese `title`/`description` on hover. The files in `schema/` are the
export of these functions (`docgen schema --export schema/`); a test keeps them in sync. The rules file's
schema, `schema_for` (every kind) and the export live in check/ruleset.py, which knows the rules file.
"""

from __future__ import annotations

from typing import Any

from . import limits
from . import vocabulary as F

DRAFT = "http://json-schema.org/draft-07/schema#"

Schema = dict[str, Any]


def _text(title: str, description: str, *examples: str, **extra: Any) -> Schema:
    """A text field; its examples are what the editor offers first when completing it."""
    node = {"type": "string", "minLength": 1, "title": title, "description": description, **extra}
    if examples:
        node["examples"] = list(examples)
    return node


def _code(title: str, description: str, example: str) -> Schema:
    return _text(title, description + "（请用引号括起来，以免前导零丢失）", examples=[example], maxLength=limits.MAX_CODE_CHARS)


def _name(title: str, description: str, *examples: str) -> Schema:
    """A name: it becomes part of output file names and table cells, so its length is bounded (limits.MAX_NAME_CHARS)."""
    return _text(title, description, *examples, maxLength=limits.MAX_NAME_CHARS)


def _date(title: str, description: str, example: str) -> Schema:
    """A date written 2025-07-31: the pattern gives the shape, `format: date` a day the calendar has (not 2025-02-30)."""
    return _text(title, description, example, pattern=r"^\d{4}-\d{2}-\d{2}$", format="date")


def _amount(title: str, description: str) -> Schema:
    return {
        "type": "number",
        "minimum": 0,
        "title": title,
        "description": description + "（单位：万元，最多两位小数，只填数字）",
        "examples": [120.5],
    }


def _flag(title: str, description: str) -> Schema:
    return {"type": "boolean", "default": False, "title": title, "description": description}


def fund_row(label: str) -> Schema:
    """One fund row: the five amounts a clerk types in; 小计 and rates are computed."""
    descriptions = {
        "上年结转": "上年结转到本年的资金",
        "本年预算": "本年度批复的预算资金",
        "下达数": "截至本期末已下达的资金",
        "支出数": "截至本期末实际支出的资金",
        "全年预计支出数": "预计全年能够支出的资金",
    }
    return {
        "type": "object",
        "title": label,
        "description": f"{label}：上年结转、本年预算、下达数、支出数、全年预计支出数（万元）。小计、下达率、支出进度由系统计算，无需填写。",
        "properties": {key: _amount(key, descriptions[key]) for key in F.AMOUNT_FIELDS.values()},
        "required": list(F.AMOUNT_FIELDS.values()),
        "additionalProperties": False,
    }


def _funds(rows: tuple[str, ...], title: str, description: str) -> Schema:
    return {
        "type": "object",
        "title": title,
        "description": description + "没有的资金来源可以不写。资金总额由各行相加得出。",
        "properties": {row: fund_row(row) for row in rows},
        "additionalProperties": False,
        "minProperties": 1,
    }


def _value(title: str, description: str) -> Schema:
    return {
        "type": ["string", "number"],
        "title": title,
        "description": description
        + "。写法同表格：比较符号＋数值＋单位，如「≥95%」「1200人」「≤30天」；定性指标可写文字，如「有效提升」。",
        "examples": ["≥95%", "1200人", "≤30天", "不低于90%", "有效提升"],
    }


def indicator() -> Schema:
    """One 三级 indicator row of block D."""
    k = F.INDICATOR_FIELDS
    level1_rules = [
        {
            "if": {"properties": {k["level1"]: {"const": l1}}, "required": [k["level1"]]},
            "then": {"properties": {k["level2"]: {"enum": list(l2s)}}},
        }
        for l1, l2s in F.TAXONOMY.items()
    ]
    return {
        "type": "object",
        "title": "绩效指标",
        "description": "一行三级指标：一级、二级指标按表格固定分类填写。",
        "properties": {
            k["level1"]: {"enum": list(F.TAXONOMY), "title": "一级指标", "description": "产出指标、效益指标或满意度指标"},
            k["level2"]: {
                "enum": list(F.LEVEL2_ALL),
                "title": "二级指标",
                "description": "须属于所填一级指标：" + "；".join(f"{a}：{'、'.join(b)}" for a, b in F.TAXONOMY.items()),
            },
            k["name"]: _name("三级指标", "指标名称，如「资助学生人数」", "资助学生人数", "受助学生家长满意度"),
            k["target"]: _value("年度指标值", "批复的年度指标值"),
            k["adjusted_target"]: _value("调整后指标值", "按程序调整后的年度指标值（目标调整，没有调整不写）"),
            k["result"]: _value("指标完成情况", "截至本期末（1-XX月）的指标完成情况"),
            k["expected"]: _value("全年指标预计完成情况", "预计全年能完成的指标值"),
            k["deviation"]: _text(
                "偏差原因分析",
                "与预期目标产生偏差时必填：分别从决策、过程和管理等方面进行判断和分析，并说明理由",
                "过程方面：部分学校补助发放通知不及时，家长知晓度不高。",
            ),
            k["likelihood"]: {
                "enum": list(F.LIKELIHOODS),
                "title": "完成目标可能性",
                "description": "确定能、有可能、完全不可能三选一（即表格中打“√”的一项）",
            },
            k["remark"]: _text("备注", "选“完全不可能”时必须在此提出拟采取的措施", "拟于第三季度调整实施方案，并报主管部门审核。"),
            k["cumulative"]: {
                "type": "boolean",
                "title": "按进度累计",
                "description": "该指标是否随时间累计（如人数、里程）。满意度、合格率、完成时限、单位成本等不累计的写 false，"
                "不写时按单位推断（% 和日期类不累计）。",
            },
            k["evidence"]: {
                "type": "array",
                "title": "佐证材料",
                "description": "佐证材料文件的路径或链接",
                "items": _text("佐证材料文件", "一份佐证材料：仓库中的文件路径或网址", "佐证材料/补助资金发放花名册.pdf"),
            },
        },
        "required": [k["level1"], k["level2"], k["name"], k["target"], k["result"], k["expected"], k["likelihood"]],
        "additionalProperties": False,
        "allOf": level1_rules,
    }


def _report(subject: str) -> Schema:
    props = {
        "基本情况": (
            f"{subject}概况、主要内容、起止时间、实施计划、年度目标和预算情况",
            f"本{subject}于2025年1月启动，主要内容是……，年度预算安排……万元。",
        ),
        "预算执行情况分析": ("不写时由系统根据资金数据自动起草", "截至6月底，年度预算安排……万元，已下达……万元，已支出……万元。"),
        "绩效目标实现情况分析": ("不写时由系统根据绩效指标自动起草", "截至6月底，……项指标已完成序时进度。"),
        "绩效监控延伸情况": (
            "政府采购、工程招标、监理和验收、信息公开、资产管理、会计核算等",
            "政府采购、资金支付均按规定程序办理，无违规情况。",
        ),
        "监控总体结论": ("绩效监控的总体结论", f"{subject}总体进展顺利，预计能够完成年度绩效目标。"),
        "偏差原因分析": ("预算执行和绩效目标出现偏差的原因分析", "支出进度低于序时进度，主要原因是……"),
        "存在问题及整改措施和建议": ("存在问题及整改措施和建议", "存在问题：……。整改措施：……。"),
        "其他需要说明的事项": ("其他需要说明的事项", "无。"),
    }
    return {
        "type": "object",
        "title": "分析报告",
        "description": "附件1《支出绩效监控分析报告》各部分的正文",
        "properties": {key: _text(key, desc, example) for key, (desc, example) in props.items()},
        "additionalProperties": False,
    }


def _reviews() -> Schema:
    return {
        "type": "array",
        "title": "审核意见",
        "description": "主管部门或市财政局的审核意见，每次审核一条",
        "items": {
            "type": "object",
            "title": "一条审核意见",
            "description": "审核单位、审核人、日期、结论（通过或退回修改）和意见",
            "properties": {
                "审核单位": _name("审核单位", "如「朔州市教育局」「市财政局预算绩效管理科」", "朔州市教育局", "市财政局预算绩效管理科"),
                "审核人": _name("审核人", "审核人姓名", "王敏"),
                "日期": _date("日期", "审核日期，如 2025-07-20", "2025-07-20"),
                "结论": {"enum": list(F.REVIEW_CONCLUSIONS), "title": "结论", "description": "通过或退回修改"},
                "意见": _text("意见", "审核意见正文", "数据与台账一致，同意报送。"),
            },
            "required": ["审核单位", "日期", "结论", "意见"],
            "additionalProperties": False,
        },
    }


def _period() -> Schema:
    return {
        F.KEYS["year"]: {
            "type": "integer",
            "minimum": 2000,
            "maximum": 2100,
            "title": "年度",
            "description": "预算年度，如 2025",
            "examples": [2025],
        },
        F.KEYS["month"]: {
            "type": "integer",
            "minimum": 1,
            "maximum": 12,
            "title": "截至月份",
            "description": "监控期间截至的月份：1-6月写 6（定期监控），日常监控写当月",
            "examples": [6],
        },
    }


def _department_id() -> Schema:
    return {
        F.KEYS["department"]: _name("主管部门", "主管部门全称，如「朔州市教育局」", "朔州市教育局"),
        F.KEYS["department_code"]: _code("主管部门代码", "主管部门预算代码", "101"),
    }


def _base(title: str, description: str, properties: Schema, required: list[str]) -> Schema:
    return {
        "$schema": DRAFT,
        "title": title,
        "description": description,
        "type": "object",
        "properties": {
            "$schema": {
                "type": "string",
                "title": "模式文件",
                "description": "编辑器使用的模式文件（一般写在首行注释 # yaml-language-server: $schema=… 中，不必写成一项）",
            },
            **properties,
        },
        "required": required,
        "additionalProperties": False,
    }


def project_schema() -> Schema:
    """附件2 plus the project's 附件1 narrative."""
    K = F.KEYS
    props: Schema = {
        **_period(),
        K["project_name"]: _name("项目名称", "项目全称，与预算批复一致", "城乡义务教育家庭经济困难学生生活补助"),
        K["project_code"]: _code("项目代码", "预算管理一体化系统中的项目代码", "101-2025-001"),
        **_department_id(),
        K["unit"]: _name("预算单位", "具体实施项目的预算单位（部门本级或所属单位）", "朔州市教育局本级"),
        K["research"]: _flag("科研类", "科研类项目可暂不开展年度中的绩效监控（true/false）"),
        K["confidential"]: _flag("涉密", "涉密项目的材料一律不公开、不上站点（true/false）"),
        K["period_span"]: _text("起止时间", "项目起止时间，如「2023年1月—2025年12月」", "2025年1月—2025年12月"),
        K["funds"]: _funds(F.PROJECT_FUND_ROWS, "项目资金预算安排及执行进度（万元）", "按资金来源分行填写。"),
        K["stated_total"]: {**fund_row(F.TOTAL_ROW), "description": "资金总额（可不填，由系统计算）。填写时系统核对它与各行之和是否一致。"},
        K["project_target"]: _text("项目年度绩效目标", "批复的项目年度绩效目标", "按标准足额发放生活补助，保障困难学生顺利完成学业。"),
        K["indicators"]: {"type": "array", "minItems": 1, "title": "绩效指标", "description": "每个三级指标一项", "items": indicator()},
        K["report"]: _report("项目"),
        K["reviews"]: _reviews(),
    }
    required = [
        K[n]
        for n in (
            "year",
            "month",
            "project_name",
            "project_code",
            "department",
            "department_code",
            "unit",
            "funds",
            "project_target",
            "indicators",
        )
    ]
    return _base("市级项目支出绩效运行监控表", "附件2：一个项目一个文件，另含附件1分析报告的正文。", props, required)


def department_schema() -> Schema:
    """附件3 plus the department's 附件1 narrative."""
    K = F.KEYS
    props: Schema = {
        **_period(),
        **_department_id(),
        K["funds_by_type"]: _funds(F.DEPT_FUND_ROWS_BY_TYPE, "预算安排及执行进度（万元）1. 按资金性质", "按资金性质分行填写。"),
        K["funds_by_use"]: _funds(F.DEPT_FUND_ROWS_BY_USE, "预算安排及执行进度（万元）2. 按支出用途", "基本支出和项目支出。"),
        K["dept_target"]: _text("年度绩效目标", "部门整体年度绩效目标", "保障全市各级各类教育事业正常运转，推进义务教育优质均衡发展。"),
        K["indicators"]: {"type": "array", "minItems": 1, "title": "绩效指标", "description": "每个三级指标一项", "items": indicator()},
        K["report"]: _report("部门"),
        K["reviews"]: _reviews(),
    }
    required = [
        K[n] for n in ("year", "month", "department", "department_code", "funds_by_type", "funds_by_use", "dept_target", "indicators")
    ]
    return _base(
        "市级部门整体支出绩效运行监控表", "附件3：每个主管部门一个文件（部门整体.yaml），另含附件1分析报告的正文。", props, required
    )


def roster_schema() -> Schema:
    """Who must report in a period, so the site can tell who is missing."""
    K = F.KEYS
    expected_project = {
        "type": "object",
        "title": "应报项目",
        "description": "一个本期须报送监控表的项目：代码、名称、预算单位，以及是否科研类、涉密",
        "properties": {
            K["project_code"]: _code("项目代码", "应报项目的代码", "101-2025-001"),
            K["project_name"]: _name("项目名称", "应报项目名称", "城乡义务教育家庭经济困难学生生活补助"),
            K["unit"]: _name("预算单位", "实施项目的预算单位", "朔州市教育局本级"),
            K["research"]: _flag("科研类", "科研类项目"),
            K["confidential"]: _flag("涉密", "涉密项目"),
        },
        "required": [K["project_code"], K["project_name"], K["unit"]],
        "additionalProperties": False,
    }
    department = {
        "type": "object",
        "title": "应报部门",
        "description": "一个本期须报送的主管部门：名称、代码、所属预算单位和应报项目",
        "properties": {
            **_department_id(),
            K["units"]: {
                "type": "array",
                "title": "预算单位",
                "description": "部门本级及所属单位",
                "items": _name("预算单位", "一个预算单位的全称", "朔州市教育局本级", "朔州市第一中学"),
                "minItems": 1,
            },
            K["expected_projects"]: {
                "type": "array",
                "title": "应报项目",
                "description": "本期须报送监控表的项目",
                "items": expected_project,
            },
        },
        "required": [K["department"], K["department_code"], K["units"], K["expected_projects"]],
        "additionalProperties": False,
    }
    props: Schema = {
        **_period(),
        K["deadline"]: _date("截止日期", "报送截止日期，如 2025-07-31", "2025-07-31"),
        K["departments"]: {"type": "array", "minItems": 1, "title": "部门", "description": "本期应报送的主管部门", "items": department},
    }
    required = [K["year"], K["month"], K["deadline"], K["departments"]]
    return _base("绩效监控报送名单", "一个监控期间一个文件（名单.yaml）：应报送的部门、预算单位和项目。", props, required)

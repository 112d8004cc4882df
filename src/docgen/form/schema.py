"""JSON Schemas (draft-07) for the three kinds of file, generated from the forms' description (forms.py).

Draft-07 because the YAML language server in VS Code understands it fully: editors complete keys,
offer enums and show the Chinese `title`/`description` on hover. The files in `schema/` are the
export of these functions (`docgen schema --export schema/`); a test keeps them in sync. The rules file's
schema, `schema_for` (every kind) and the export live in check/ruleset.py, which knows the rules file.
"""

from __future__ import annotations

from typing import Any

from . import forms, limits
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
    described = description + "（请用引号括起来，以免前导零丢失）"
    return _text(title, described, examples=[example], maxLength=limits.MAX_CODE_CHARS, pattern=limits.CODE_PATTERN)


def _name(title: str, description: str, *examples: str) -> Schema:
    """A name: it becomes part of output file names and table cells, so its length is bounded (limits.MAX_NAME_CHARS)."""
    return _text(title, description, *examples, maxLength=limits.MAX_NAME_CHARS)


def _date(title: str, description: str, example: str) -> Schema:
    """A date written 2025-07-31: the pattern gives the shape, `format: date` a day the calendar has (not 2025-02-30)."""
    return _text(title, description, example, pattern=r"^\d{4}-\d{2}-\d{2}$", format="date")


def not_reported(what: str) -> Schema:
    """The value 「未填报」: offered by editors beside the real one, for what a clerk does not have yet."""
    return {
        "const": F.NOT_REPORTED,
        "title": F.NOT_REPORTED,
        "description": f"{what}尚未取得时填「{F.NOT_REPORTED}」：不按 0 计算，不参与预警（显示为「未评价」），正式报送前应补填",
    }


def or_not_reported(node: Schema, kind: str, what: str) -> Schema:
    """`node` (of JSON type `kind`) or the text 「未填报」.

    The node keeps its own keywords (properties, minimum, items…, which apply to its kind only) and gains the text
    type plus an anyOf of its kind and the const, so editors offer 「未填报」 and the error of a wrong value stays the
    node's own (check/validate.py reads such an anyOf as 「数字或「未填报」」).
    """
    return {**node, "type": [kind, "string"], "anyOf": [{"type": kind}, not_reported(what)]}


def _amount(title: str, description: str) -> Schema:
    node = {
        "type": "number",
        "minimum": 0,
        "title": title,
        "description": description
        + f"（单位：万元，只填数字；表上显示两位小数，最多可填 {limits.MAX_MONEY_PLACES} 位，如 80元 写 0.008；"
        + f"尚未取得时填「{F.NOT_REPORTED}」）",
        "examples": [120.5, F.NOT_REPORTED],
    }
    return or_not_reported(node, "number", "该数字")


def _flag(title: str, description: str) -> Schema:
    return {"type": "boolean", "default": False, "title": title, "description": description}


def fund_row(label: str, form: forms.Form | None = None) -> Schema:
    """One fund row: the amounts a clerk types in (朔州's five, or those the form has a column for); 小计 and rates
    are computed."""
    if form is not None and form.absent:
        return _form_fund_row(label, form)
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


def _form_fund_row(label: str, form: forms.Form) -> Schema:
    """A fund row of a form without some of 朔州's amounts: only its own columns, described by their headers."""
    typed = [c for c in form.budget_columns if c.field in F.AMOUNT_FIELDS]
    headers = "、".join(c.header.replace(F.MONTHS_PLACEHOLDER, "") for c in form.budget_columns if c.kind == "money")
    return {
        "type": "object",
        "title": label,
        "description": f"{label}：{headers}（万元），按表格各栏填写；比率由系统计算，无需填写。",
        "properties": {F.AMOUNT_FIELDS[c.field]: _amount(F.AMOUNT_FIELDS[c.field], c.header) for c in typed},
        "required": [F.AMOUNT_FIELDS[c.field] for c in typed],
        "additionalProperties": False,
    }


def _row_with_extras(label: str, form: forms.Form) -> Schema:
    """A fund row with the optional keys of forms.ROW_FIELDS (调整后预算, 已审批待支付, 明细) beside its five amounts."""
    node = fund_row(label, form)
    return {**node, "properties": {**node["properties"], **{f.key: _node(f, form) for f in forms.ROW_FIELDS}}}


def _funds(rows: tuple[str, ...], title: str, description: str, form: forms.Form) -> Schema:
    table = {
        "type": "object",
        "title": title,
        "description": description + f"没有的资金来源可以不写。资金总额由各行相加得出。整表尚无数据时填「{F.NOT_REPORTED}」。",
        "properties": {row: _row_with_extras(row, form) for row in rows},
        "additionalProperties": False,
        "minProperties": 1,
    }
    return or_not_reported(table, "object", "整张预算表")


def _value(title: str, description: str) -> Schema:
    return {
        "type": ["string", "number"],
        "title": title,
        "description": description
        + "。写法同表格：比较符号＋数值＋单位，如「≥95%」「1200人」「≤30天」；定性指标可写文字，如「有效提升」；"
        + f"尚未取得时填「{F.NOT_REPORTED}」（不参与比较，显示为「未评价」）。",
        "examples": ["≥95%", "1200人", "≤30天", "不低于90%", "有效提升", F.NOT_REPORTED],
    }


def indicator(form: forms.Form | None = None) -> Schema:
    """One 三级 indicator row of block D, with the fields the form has a column for (朔州's form: all of them)."""
    node = _indicator()
    if form is None or not _differs(form):
        return node
    return _indicator_of(node, form)


def _differs(form: forms.Form) -> bool:
    return form.indicator_columns != forms.INDICATOR_COLUMNS or form.likelihoods != forms.LIKELIHOODS


def _indicator_of(node: Schema, form: forms.Form) -> Schema:
    """朔州's indicator schema narrowed to a form's columns: no 二级/全年预计 it lacks, its likelihood scale, and a
    split 偏差原因分析 as a mapping of its parts."""
    k = F.INDICATOR_FIELDS
    props = dict(node["properties"])
    dropped = [name for name in ("level2", "expected", "deviation") if name not in form.indicator_fields]
    for name in dropped:
        props.pop(k[name])
    answers = "、".join(form.answers)
    props[k["likelihood"]] = {
        **props[k["likelihood"]],
        "enum": [*form.answers, F.NOT_REPORTED],
        "description": f"{answers}，选一项；尚不能判断时填「{F.NOT_REPORTED}」",
    }
    if form.deviation_parts:
        limit = limits.MAX_DEVIATION_CHARS
        parts = {part: _text(part, f"{k['deviation']}：{part}方面的原因", maxLength=limit) for part in form.deviation_parts}
        props[k["deviation"]] = {
            "type": "object",
            "title": k["deviation"],
            "description": "与预期目标产生偏差时，按表格分栏填写原因：" + "、".join(form.deviation_parts),
            "properties": parts,
            "additionalProperties": False,
        }
    required = [name for name in node["required"] if name in props]
    out = {**node, "properties": props, "required": required}
    if "level2" not in form.indicator_fields:
        out.pop("allOf", None)
        out["description"] = "一行指标：一级指标按表格固定分类填写。"
    return out


def _indicator() -> Schema:
    """One 三级 indicator row of 朔州's block D."""
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
        "title": F.INDICATOR_BLOCK,
        "description": "一行三级指标：一级、二级指标按表格固定分类填写。",
        "properties": {
            k["level1"]: {"enum": list(F.TAXONOMY), "title": k["level1"], "description": "产出指标、效益指标或满意度指标"},
            k["level2"]: {
                "enum": list(F.LEVEL2_ALL),
                "title": k["level2"],
                "description": "须属于所填一级指标：" + "；".join(f"{a}：{'、'.join(b)}" for a, b in F.TAXONOMY.items()),
            },
            k["name"]: _name(k["name"], "指标名称，如「资助学生人数」", "资助学生人数", "受助学生家长满意度"),
            k["target"]: _value(k["target"], "批复的年度指标值"),
            k["adjusted_target"]: _value(k["adjusted_target"], "按程序调整后的年度指标值（目标调整，没有调整不写）"),
            k["result"]: _value(k["result"], "截至本期末（1-XX月）的指标完成情况"),
            k["expected"]: _value(k["expected"], "预计全年能完成的指标值"),
            k["deviation"]: _text(
                k["deviation"],
                "与预期目标产生偏差时必填：分别从决策、过程和管理等方面进行判断和分析，并说明理由",
                "过程方面：部分学校补助发放通知不及时，家长知晓度不高。",
                maxLength=limits.MAX_DEVIATION_CHARS,
            ),
            k["likelihood"]: {
                "enum": [*F.LIKELIHOODS, F.NOT_REPORTED],
                "title": k["likelihood"],
                "description": f"确定能、有可能、完全不可能三选一（即表格中打“√”的一项）；尚不能判断时填「{F.NOT_REPORTED}」",
            },
            k["remark"]: _text(
                k["remark"],
                "选“完全不可能”时必须在此提出拟采取的措施",
                "拟于第三季度调整实施方案，并报主管部门审核。",
                maxLength=limits.MAX_REMARK_CHARS,
            ),
            k["cumulative"]: {
                "type": "boolean",
                "title": k["cumulative"],
                "description": "该指标的完成情况是否随时间累计、按序时进度比较：逐月累加的（培训人次、新建里程）写 true；"
                "一次性的（选聘 1 家机构）、存量的（开放场馆数、服务能力）、按日或按期计的（日均清扫面积）以及比率、满意度、"
                "时限、单位成本写 false。不写时从单位和指标名称谨慎推断，无法判断的不按序时进度比较。",
            },
            k["evidence"]: {
                "type": "array",
                "title": k["evidence"],
                "description": "佐证材料文件的路径或链接",
                "items": _text("佐证材料文件", "一份佐证材料：仓库中的文件路径或网址", "佐证材料/补助资金发放花名册.pdf"),
            },
        },
        "required": [k[name] for name in F.INDICATOR_REQUIRED],
        "additionalProperties": False,
        "allOf": level1_rules,
    }


def _report(subject: str, description: str) -> Schema:
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
        "title": F.KEYS["report"],
        "description": description,
        "properties": {key: _text(key, desc, example) for key, (desc, example) in props.items()},
        "additionalProperties": False,
    }


def _reviews(description: str) -> Schema:
    return {
        "type": "array",
        "title": F.KEYS["reviews"],
        "description": description,
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


def _records(fields: tuple[forms.Field, ...], form: forms.Form, title: str, description: str) -> Schema:
    return {
        "type": "object",
        "title": title,
        "description": description,
        "properties": {f.key: _node(f, form) for f in fields},
        "required": [f.key for f in fields if f.required],
        "additionalProperties": False,
    }


def _node(f: forms.Field, form: forms.Form) -> Schema:
    """The schema node of one field of the description, by its kind."""
    example = f.examples[0] if f.examples else ""
    if f.kind in ("year", "month"):
        low, high = (2000, 2100) if f.kind == "year" else (1, 12)
        return {"type": "integer", "minimum": low, "maximum": high, "title": f.label, "description": f.description, "examples": [example]}
    if f.kind == "name":
        return _name(f.label, f.description, *f.examples)
    if f.kind == "code":
        return _code(f.label, f.description, example)
    if f.kind == "text":
        cell = {"maxLength": limits.MAX_TARGET_CHARS} if f.name in ("project_target", "dept_target") else {}
        return _text(f.label, f.description, *f.examples, **cell)
    if f.kind == "date":
        return _date(f.label, f.description, example)
    if f.kind == "flag":
        return _flag(f.label, f.description)
    if f.kind == "amount":
        return {**_amount(f.label, f.description), "examples": [*(f.examples or (120.5,)), F.NOT_REPORTED]}
    if f.kind == "count":
        return {"type": "integer", "minimum": 0, "title": f.label, "description": f.description, "examples": [example]}
    if f.kind == "names":
        items = _name(f.label, f.item_description, *f.examples)
        return {"type": "array", "title": f.label, "description": f.description, "items": items, "minItems": 1}
    if f.kind == "table":
        table = form.table(f.name)
        return _funds(table.rows, table.title, table.description, form)
    if f.kind == "stated_total":
        return {**fund_row(F.TOTAL_ROW, form), "description": f.description}
    if f.kind == "indicators":
        description = f.description + f"；尚未设置或尚未取得时填「{F.NOT_REPORTED}」"
        listed = {"type": "array", "minItems": 1, "title": f.label, "description": description, "items": indicator(form)}
        return or_not_reported(listed, "array", "绩效指标")
    if f.kind == "report":
        return _report(form.report_subject, f.description)
    if f.kind == "reviews":
        return _reviews(f.description)
    assert f.kind == "records", f.kind
    at_least = {"minItems": f.min_items} if f.min_items else {}
    items = _records(f.items, form, f.item_title, f.item_description)
    return {"type": "array", **at_least, "title": f.label, "description": f.description, "items": items}


def form_schema(kind: str) -> Schema:
    """The schema of one kind of file, generated from its description in forms.py."""
    return schema_of(forms.FORMS[kind])


def schema_of(form: forms.Form) -> Schema:
    """The schema of files filled in on `form`: its fields, then its own table-level rows and check-box groups."""
    props = {f.key: _node(f, form) for f in form.fields}
    for row in form.table_rows:
        props[row.key] = _text(row.key, row.label + "（表格中的整行文字）", maxLength=limits.MAX_TARGET_CHARS)
    for cell in form.choice_cells:
        props[cell.key] = {"enum": list(cell.choices), "title": cell.key, "description": "勾选一项：" + "、".join(cell.choices)}
    return _base(form.title, form.description, props, [f.key for f in form.fields if f.required])


def project_schema() -> Schema:
    """附件2 plus the project's 附件1 narrative."""
    return form_schema("project")


def department_schema() -> Schema:
    """附件3 plus the department's 附件1 narrative."""
    return form_schema("department")


def roster_schema() -> Schema:
    """Who must report in a period, so the site can tell who is missing."""
    return form_schema("roster")

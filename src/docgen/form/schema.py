"""JSON Schemas (draft-07) for the three kinds of file, generated from the forms' description (forms.py).

This module only translates: each kind of field (forms.Field.kind) becomes a JSON Schema node; every key, title,
description, example, choice and bound is the description's.

Draft-07 because the YAML language server in VS Code understands it fully: editors complete keys,
offer enums and show the Chinese `title`/`description` on hover. The files in `schema/` are the
export of these functions (`docgen schema --export schema/`); a test keeps them in sync. The rules file's
schema, `schema_for` (every kind) and the export live in check/ruleset.py, which knows the rules file.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """A fund row with the optional keys of the form's row_fields (调整后预算, 已审批待支付, 明细) beside its five amounts."""
    node = fund_row(label, form)
    extras = {f.key: _node(f, form) for f in form.row_fields or forms.ROW_FIELDS}
    if not form.absent:  # 朔州's row: the extras are not columns of the form, they follow its five amounts
        return {**node, "properties": {**node["properties"], **extras}}
    # a form that prints an extra as a column (national 全年预算数 = 调整后预算) orders it there, as `fmt` does
    keys = [F.AMOUNT_FIELDS.get(c.field) or F.ROW_EXTRA_FIELDS.get(c.field) for c in form.budget_columns]
    both = {**node["properties"], **extras}
    ordered = {key: both[key] for key in keys if key in both}
    return {**node, "properties": {**ordered, **{k: v for k, v in both.items() if k not in ordered}}}


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


def _value(title: str, description: str, examples: tuple[Any, ...]) -> Schema:
    """An indicator value: a comparison, a number with its unit, or words for a qualitative indicator."""
    return {
        "type": ["string", "number"],
        "title": title,
        "description": description
        + "。写法同表格：比较符号＋数值＋单位，如「≥95%」「1200人」「≤30天」；定性指标可写文字，如「有效提升」；"
        + f"尚未取得时填「{F.NOT_REPORTED}」（不参与比较，显示为「未评价」）。",
        "examples": [*examples, F.NOT_REPORTED],
    }


def indicator(form: forms.Form | None = None) -> Schema:
    """One 三级 indicator row of the form's 绩效指标 block (朔州's 附件2 when none is given), with the fields the form
    has a column for (朔州's form: all of them)."""
    form = form if form is not None else forms.PROJECT_FORM
    node = _indicator(form)
    if not _differs(form):
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


def _indicator(form: forms.Form) -> Schema:
    """One 三级 indicator row of the form's 绩效指标 block, its 二级指标 bound to the 一级 by the block's taxonomy."""
    block = form.indicators
    assert block is not None, form.kind
    level1, level2 = block.field("level1").key, block.field("level2").key
    level1_rules = [
        {"if": {"properties": {level1: {"const": c.name}}, "required": [level1]}, "then": {"properties": {level2: {"enum": list(c.kinds)}}}}
        for c in block.taxonomy
    ]
    return {**_records(block.fields, form, block.title, block.description), "allOf": level1_rules}


def _choice(f: forms.Field, form: forms.Form) -> Schema:
    """One of a list: the field's own choices, or in an indicator the block's 一级 or 二级, or the form's likelihood
    answers."""
    block = form.indicators
    taxonomy = block.taxonomy if block is not None else ()
    description = f.description
    if f.kind == "category":
        choices: tuple[str, ...] = tuple(c.name for c in taxonomy)
    elif f.kind == "subcategory":
        choices = tuple(kind for c in taxonomy for kind in c.kinds)
        description += "：" + "；".join(f"{c.name}：{'、'.join(c.kinds)}" for c in taxonomy)
    elif f.kind == "likelihood":
        choices = form.answers
    else:
        choices = f.choices
    offered = [*choices, F.NOT_REPORTED] if f.unreported else list(choices)
    return {"enum": offered, "title": f.label, "description": description}


def _report(f: forms.Field, form: forms.Form) -> Schema:
    """附件1's narrative: one text per section of the form's report that has an entry."""
    subject = form.report_subject
    return {
        "type": "object",
        "title": f.label,
        "description": f.description,
        "properties": {
            s.key: _text(s.key, s.description.format(subject=subject), s.example.format(subject=subject)) for s in form.report if s.key
        },
        "additionalProperties": False,
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


def _number(f: forms.Field, low: int, high: int | None = None) -> Schema:
    example = f.examples[0] if f.examples else ""
    bounds = {"minimum": low, **({"maximum": high} if high is not None else {})}
    return {"type": "integer", **bounds, "title": f.label, "description": f.description, "examples": [example]}


def _indicators(f: forms.Field, form: forms.Form) -> Schema:
    description = f.description + f"；尚未设置或尚未取得时填「{F.NOT_REPORTED}」"
    listed = {"type": "array", "minItems": 1, "title": f.label, "description": description, "items": indicator(form)}
    return or_not_reported(listed, "array", f.label)


def _list_of(f: forms.Field, items: Schema, **more: Any) -> Schema:
    return {"type": "array", **more, "title": f.label, "description": f.description, "items": items}


def _table(f: forms.Field, form: forms.Form) -> Schema:
    table = form.table(f.name)
    return _funds(table.rows, table.title, table.description, form)


def _first(f: forms.Field) -> Any:
    return f.examples[0] if f.examples else ""


#: The schema node of each kind of field (forms.Field.kind): the one list of kinds, which the profile file's schema
#: offers (check/profile.py) and the loader accepts.
NODES: dict[str, Callable[[forms.Field, forms.Form], Schema]] = {
    "year": lambda f, form: _number(f, 2000, 2100),
    "month": lambda f, form: _number(f, 1, 12),
    "text": lambda f, form: _text(f.label, f.description, *f.examples, **({"maxLength": f.max_chars} if f.max_chars else {})),
    "name": lambda f, form: _name(f.label, f.description, *f.examples),
    "code": lambda f, form: _code(f.label, f.description, _first(f)),
    "date": lambda f, form: _date(f.label, f.description, _first(f)),
    "flag": lambda f, form: _flag(f.label, f.description),
    "boolean": lambda f, form: {"type": "boolean", "title": f.label, "description": f.description},
    "choice": _choice,
    "category": _choice,
    "subcategory": _choice,
    "likelihood": _choice,
    "value": lambda f, form: _value(f.label, f.description, f.examples),
    "amount": lambda f, form: {**_amount(f.label, f.description), "examples": [*(f.examples or (120.5,)), F.NOT_REPORTED]},
    "count": lambda f, form: _number(f, 0),
    "names": lambda f, form: {**_list_of(f, _name(f.label, f.item_description, *f.examples)), "minItems": 1},
    "texts": lambda f, form: _list_of(f, _text(f.item_title, f.item_description, *f.examples)),
    "table": _table,
    "stated_total": lambda f, form: {**fund_row(F.TOTAL_ROW, form), "description": f.description},
    "indicators": _indicators,
    "report": _report,
    "records": lambda f, form: _list_of(
        f, _records(f.items, form, f.item_title, f.item_description), **({"minItems": f.min_items} if f.min_items else {})
    ),
}
#: Every kind a field may have, in the order the profile file's schema offers them.
KINDS: tuple[str, ...] = tuple(NODES)


def _node(f: forms.Field, form: forms.Form) -> Schema:
    """The schema node of one field of the description, by its kind (NODES)."""
    return NODES[f.kind](f, form)


def form_schema(kind: str, profile: forms.Profile | None = None) -> Schema:
    """The schema of one kind of file, generated from its description in the profile (default: the default one)."""
    return schema_of(profile.forms[kind] if profile is not None else forms.FORMS[kind])


def schema_of(form: forms.Form) -> Schema:
    """The schema of files filled in on `form`, its keys in the form's order (which `docgen fmt` follows): the
    identity fields, the check-box groups (on the form between the identity rows and the budget table), the other
    fields, then the table-level rows (on the form below the indicators)."""
    boxes = {
        cell.key: {"enum": list(cell.choices), "title": cell.key, "description": "勾选一项：" + "、".join(cell.choices)}
        for cell in form.choice_cells
    }
    props: Schema = {}
    for f in form.fields:
        if f.kind == "table" and boxes:
            props.update(boxes)
            boxes = {}
        props[f.key] = _node(f, form)
    props.update(boxes)
    for row in form.table_rows:
        props[row.key] = _text(row.key, row.label + "（表格中的整行文字）", maxLength=limits.MAX_TARGET_CHARS)
    return _base(form.title, form.description, props, [f.key for f in form.fields if f.required])


def project_schema(profile: forms.Profile | None = None) -> Schema:
    """附件2 plus the project's 附件1 narrative."""
    return form_schema("project", profile)


def department_schema(profile: forms.Profile | None = None) -> Schema:
    """附件3 plus the department's 附件1 narrative."""
    return form_schema("department", profile)


def roster_schema(profile: forms.Profile | None = None) -> Schema:
    """Who must report in a period, so the site can tell who is missing."""
    return form_schema("roster", profile)

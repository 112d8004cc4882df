"""A profile file checked like a submission: its JSON Schema, every mistake at its line, then the Profile.

A repository may keep its own profile (docgen.yaml's `profile: profiles/我们的表.yaml`), which arrives through a pull
request like any submission: it is read by the bounded loader of check/load.py (positions, no anchors, no links),
validated against `profile_schema()` (draft-07, Chinese help, derived from the dataclasses of form/forms.py so the
loader and the schema never disagree), then by the semantic checks below (a column naming an unknown field,
overlapping grid columns, duplicate labels, a tick column that is no answer of the scale, a rule threshold the
rulebook does not know …). Every mistake is one Finding (E70x-E71x) with its file, line and column; only a file
without any is built into a Profile (forms.build_profile).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema_rs

from ..errors import InvalidSubmissions, UsageError
from ..form import forms, model
from ..form import vocabulary as F
from ..form.schema import DRAFT, KINDS, Schema
from ..messages import PROFILE, SEVERITY, message
from ..workspace import CONFIG, ProfileChoice, Workspace
from . import rulebook
from .findings import Finding, error
from .load import Document, JsonPath, load_file

# --- the schema, derived from the dataclasses -----------------------------------------------------------

#: The Chinese title and description of every key of a profile file, by class and field: the editor shows them on
#: hover. A field of a form dataclass without one here fails tests/form/test_profiles.py.
HELP: dict[str, tuple[str, str]] = {
    "Profile.extends": ("在内置表样基础上修改", "内置表样的编号（如 shuozhou-city）：本文件只写与它不同之处，其余照用"),
    "Profile.id": ("表样编号", "英文小写字母、数字和连字符，如 shuozhou-county"),
    "Profile.name": ("表样名称", "如「朔州市县级预算绩效运行监控表」"),
    "Profile.level": ("层级", "表名和措辞中的层级，如 市级、区级、县级；标题中的 {level} 替换为它"),
    "Profile.period": ("监控期间", "定期监控截至的月份，以及表头中「1-XX月」的印法"),
    "Profile.likelihoods": ("完成目标可能性", "各档的措辞（由高到低）、含义，以及哪一档须填原因、措施"),
    "Profile.rules": ("监控规则默认阈值", "规则编号 → 阈值名 → 数值，如 W401: {红灯低于: 60}；仓库的 schema/rules.yaml 仍可覆盖"),
    "Profile.report": ("附件1分析报告", "附件1的标题和各部分标题"),
    "Profile.fields": ("共用字段", "几张表共用的字段，表中按名称引用"),
    "Profile.columns": ("共用的列", "budget：预算表的列；indicators：绩效指标的列"),
    "Profile.notes": ("表下注释", "附件2、附件3表格下方的注释，逐条"),
    "Profile.row_fields": ("资金行的附加键", "每个资金行在五个金额之外可填的键（调整后预算等）"),
    "Profile.forms": ("各张表", "project：附件2项目表；department：附件3部门整体表；roster：报送名单"),
    "PeriodStyle.rounds": ("定期监控截至月份", "如 [6] 表示每年1-6月；全国模板为 [7]"),
    "PeriodStyle.span": ("期间印法", "表头「1-XX月」印成的样子，{month} 为截至月份，如 1-{month}月"),
    "PeriodStyle.first": ("只有1月时的印法", "截至月份为 1 时的印法，如 1月"),
    "Likelihood.answer": ("措辞", "表上印的这一档，如 确定能、有可能、完全不可能"),
    "Likelihood.role": ("含义", "certain（确定能完成）、possible（有可能）、impossible（不能完成）：监控规则按它判断"),
    "Likelihood.reason": ("须填偏差原因", "选这一档时必须填写偏差原因分析"),
    "Likelihood.measures": ("须填措施", "选这一档时必须在备注中提出拟采取的措施"),
    "ReportDescription.title": ("附件1标题", "如 项目（部门整体）支出绩效监控分析报告"),
    "ReportDescription.sections": ("附件1各部分", "逐字、按顺序"),
    "Section.heading": ("标题", "如 一、项目（部门）基本情况"),
    "Section.key": ("正文的键", "分析报告中填写这一部分正文的键；只有标题的部分不写"),
    "Section.level": ("级别", "1 为一级标题（一、），2 为二级标题（（一））"),
    "Form.sheet": ("附件编号", "如 附件2；也是工作表的名称"),
    "Form.title": ("表名", "如 {level}项目支出绩效运行监控表"),
    "Form.blocks": ("表格各块", "从上到下：ident（标识行）、budget（预算）、text（绩效目标）、indicators（绩效指标）、notes（注释）"),
    "Form.fields": ("报送文件的键", "按顺序；共用字段写名称，其余写出全部属性"),
    "Form.description": ("说明", "编辑器中对整个文件的说明"),
    "Form.report_subject": ("报告主体", "项目 或 部门：附件1各部分说明中的称呼"),
    "Form.report_title": ("附件1标题", "不写则用 report.title"),
    "Form.report": ("附件1各部分", "不写则用 report.sections"),
    "Form.likelihoods": ("本表的完成目标可能性", "不写则用表样的 likelihoods"),
    "Form.reason_at": ("偏差原因写在哪里", "deviation（指标的偏差原因分析列），或表格级文字行的字段名"),
    "Form.measures_at": ("措施写在哪里", "remark（备注列），或表格级文字行的字段名"),
    "Form.widths": ("列宽", "网格各列的宽度（Excel 字符宽），每列一个；不写为朔州的 13 列"),
    "Field.name": ("字段名", "docgen 内部的英文名，如 project_name"),
    "Field.kind": ("类型", "、".join(KINDS)),
    "Field.description": ("说明", "编辑器中悬停显示的说明"),
    "Field.examples": ("示例", "编辑器补全时首先给出的值"),
    "Field.required": ("必填", "true 为必填"),
    "Field.title": ("悬停标题", "不写则为键本身"),
    "Field.items": ("记录的字段", "records 类型：一条记录的各字段"),
    "Field.min_items": ("至少几条", "records 类型：至少几条记录"),
    "Field.item_title": ("记录标题", "records、names 类型：一条的标题"),
    "Field.item_description": ("记录说明", "records、names 类型：一条的说明"),
    "Field.written": ("报送文件中的键", "报送文件中填写的键（中文）；docgen 认识的字段名可不写"),
    "Field.personal": ("个人信息", "姓名、电话：只印在附件1，不进入历史、比较和站点"),
    "Column.field": ("内容", "此列显示的内容，如 budget、spent、spend_progress；绩效指标如 target、likelihood"),
    "Column.header": ("表头", "逐字；「1-XX月」按监控期间印出"),
    "Column.first": ("起始列", "13 列网格 A–M 中的起始列，A 为 0"),
    "Column.last": ("结束列", "结束列（含），M 为 12"),
    "Column.group": ("上层表头", "两行表头时上一行的文字，相邻同名的合并"),
    "Column.kind": ("显示方式", "money（金额）、rate（比率）、text（文字）、value（指标值）、tick（勾选）、choice（写出所选的一档）"),
    "Column.part": ("分项", "偏差原因分析分成几列时，此列在报送文件中的键（如 经费保障）"),
    "IdentCell.first": ("起始列", "A 为 0"),
    "IdentCell.last": ("结束列", "M 为 12"),
    "IdentCell.label": ("固定文字", "此格印的文字（与 field 二选一）"),
    "IdentCell.field": ("填入内容", "此格填入的内容，如 name、unit、department_and_code（与 label 二选一）"),
    "IdentCell.choices": ("勾选项", "勾选框一组（如 项目属性：持续性项目、新增性项目），报送文件中填其中一项"),
    "IdentCell.key": ("报送文件中的键", "勾选框一组在报送文件中的键"),
    "Ident.rows": ("标识行", "每行若干单元格"),
    "Budget.label": ("预算块标题", "A 列纵向合并的文字，如 项目资金预算安排及执行进度（万元）"),
    "Budget.tables": ("预算表", "一张或几张"),
    "Budget.columns": ("列", "不写则用 columns.budget"),
    "BudgetTable.number": ("编号", "如 1.；只有一张表时为空"),
    "BudgetTable.field": ("字段名", "对应 fields 中 kind 为 table 的字段"),
    "BudgetTable.rows": ("资金行", "「其中」各行，逐字、按顺序"),
    "BudgetTable.key": ("报送文件中的键", "如 资金"),
    "BudgetTable.title": ("悬停标题", "编辑器中的标题"),
    "BudgetTable.description": ("说明", "编辑器中的说明"),
    "BudgetTable.caption": ("附件1表题", "附件1中此表的表题，{number} 为表号"),
    "BudgetTable.row_heading": ("行标题", "附件1表中第一列的标题，如 资金来源"),
    "BudgetTable.draft_heading": ("起草用语", "起草预算执行分析时引出本表的话，如 分资金来源看，"),
    "BudgetTable.qualifier": ("区分语", "几张预算表时区分本表的话，如 按资金性质"),
    "BudgetTable.total_label": ("合计行文字", "资金总额一行在表上的文字，不写为「资金总额：」"),
    "Text.label": ("标题", "如 项目年度绩效目标"),
    "Text.field": ("填入内容", "target，或表格级文字行的字段名"),
    "Text.key": ("报送文件中的键", "表格级文字行（如 偏差或不能完成目标原因分析）在报送文件中的键；绩效目标行不写"),
    "Indicators.label": ("标题", "如 绩效指标"),
    "Indicators.columns": ("列", "不写则用 columns.indicators"),
    "Indicators.fields": (
        "一个指标的各键",
        "一个三级指标的各键（一级指标、二级指标、三级指标、年度指标值……），不写则用顶层 indicators.fields",
    ),
    "Indicators.taxonomy": ("指标分类", "一级指标及其下的二级指标（固定分类），不写则用顶层 indicators.taxonomy"),
    "Indicators.title": ("一个指标的标题", "编辑器中一个指标的悬停标题"),
    "Indicators.description": ("一个指标的说明", "编辑器中一个指标的悬停说明"),
    "Category.name": ("一级指标", "如 产出指标"),
    "Category.kinds": ("二级指标", "该一级指标下的二级指标，如 [数量指标, 质量指标]"),
    "Field.choices": ("可选值", "choice 类型：可选的值，按表上的顺序"),
    "Field.unreported": ("可填「未填报」", "choice、likelihood 类型：除各选项外还可填「未填报」"),
    "Field.max_chars": ("最多字数", "text 类型：最多几个字（0 为不限，只受读取上限约束）"),
    "Field.in_cell": ("一格的字数", "max_chars 是打印表格一格能放下的字数（超出报 E220），而不是一般的长度上限（E213）"),
    "Section.description": ("正文说明", "分析报告中这一部分的悬停说明；{subject} 替换为 项目 或 部门"),
    "Section.example": ("正文示例", "分析报告中这一部分的示例"),
    "Form.report_referent": ("报告中的指代", "该项目 或 本部门：起草的监控总体结论回指主体的说法"),
    "Profile.indicators": ("绩效指标", "各表绩效指标块共用：一个三级指标的各键、一级/二级指标分类、悬停标题和说明"),
    "Notes.texts": ("注释", "不写则用 notes"),
    "Profile.wording": ("措辞", "docgen 自己写的话（起草的附件1、警告、站点、比较、汇总表）怎样称呼本表的栏目和辖区"),
    "Wording.area": ("全辖区的称呼", "如 全市、全县、全部；不写按 level 推出"),
    "Wording.bureau": ("收报单位", "如 市财政局、财政部；不写按 level 推出"),
    "Wording.basis": ("依据", "表样依据的办法，站点的监控规则页引用它，如《市级部门预算绩效运行监控管理办法》（朔州市财政局）"),
    "Wording.terms": ("栏目的说法", "朔州表的说法 → 本表的说法，如 支出进度: 执行率；只写不同的几项"),
}

#: The help of the keys that name a part rather than a field: block types, column sets, forms.
PARTS: dict[str, tuple[str, str]] = {
    "ident": ("标识行", "表头下的标识行：项目名称、主管部门及代码等，每行若干单元格"),
    "budget": ("预算块", "资金预算安排及执行进度：一张或几张预算表，A 列为纵向合并的标题"),
    "text": ("绩效目标行", "一行文字：标题占 A-B 列，内容占 C-M 列"),
    "indicators": ("绩效指标块", "绩效指标：每个指标一行，表头在上"),
    "notes": ("注释", "表格下方的注释"),
    "columns.budget": ("预算表的列", "各预算表共用的列，按从左到右"),
    "columns.indicators": ("绩效指标的列", "绩效指标块的列，按从左到右"),
    "project": ("附件2 项目表", "项目支出绩效运行监控表"),
    "department": ("附件3 部门整体表", "部门整体支出绩效运行监控表"),
    "roster": ("报送名单", "名单.yaml：应报送的部门、预算单位和项目"),
}


def _part(name: str, node: Schema) -> Schema:
    title, description = PARTS[name]
    return {**node, "title": title, "description": description}


#: The most grid columns a form may have (`Form.widths`); far beyond any paper form.
MAX_COLUMNS = 64

#: Constraints beyond the type, by class and field.
CONSTRAINTS: dict[str, Schema] = {
    "Profile.id": {"pattern": r"^[a-z0-9][a-z0-9-]{0,63}$"},
    "Profile.level": {"minLength": 1, "maxLength": 20, "examples": ["市级", "区级", "县级"]},
    "PeriodStyle.rounds": {"items": {"type": "integer", "minimum": 1, "maximum": 12}, "minItems": 1},
    "Likelihood.role": {"enum": list(forms.ROLES)},
    "Section.level": {"minimum": 1, "maximum": 4},
    "Field.kind": {"enum": list(KINDS)},  # the kinds schema.py turns into a node: one list
    "Column.kind": {"enum": ["money", "rate", "text", "value", "tick", "choice"]},
    # the grid is the form's (`widths`, 13 columns A–M by default): its bound is checked by the semantic checks
    "Column.first": {"minimum": 0, "maximum": MAX_COLUMNS - 1},
    "Column.last": {"minimum": 0, "maximum": MAX_COLUMNS - 1},
    "IdentCell.first": {"minimum": 0, "maximum": MAX_COLUMNS - 1},
    "IdentCell.last": {"minimum": 0, "maximum": MAX_COLUMNS - 1},
}

#: Fields of the dataclasses a profile file never writes: set by the loader.
NOT_WRITTEN = frozenset(f"Form.{name}" for name in forms.SETTINGS)
#: Fields a profile file may leave out though the dataclass has no default: the loader fills them.
FILLED = frozenset({"Notes.texts", "Form.blocks", "Form.sheet", "Section.key", "IdentCell.label", "IdentCell.field", "Column.group"})

_REF = "#/definitions/"
#: Where a path of keys stands in the profile file: (line, column).
Locate = Callable[..., tuple[int, int]]


def _type(kind: Any, owner: str) -> Schema:
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, __import__("types").UnionType):
        inner = [a for a in args if a is not type(None)]
        return _type(inner[0], owner)
    if origin is tuple:
        return {"type": "array", "items": _type(args[0], owner)}
    if kind is Any:
        return {}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if kind is forms.Field:
            return {"anyOf": [{"type": "string"}, {"$ref": _REF + "Field"}]} if owner in ("Form", "Field") else {"$ref": _REF + "Field"}
        return {"$ref": _REF + kind.__name__}
    return {"type": {bool: "boolean", int: "integer", str: "string", float: "number"}[kind]}


def _definition(cls: type, *, skip: tuple[str, ...] = (), keep: tuple[str, ...] = ()) -> Schema:
    """A dataclass as a JSON Schema object: its fields with their help, required when the loader needs them."""
    hints = typing.get_type_hints(cls, globalns={**vars(forms), "F": F})
    props: Schema = {}
    required = []
    for f in dataclasses.fields(cls):
        name = f"{cls.__name__}.{f.name}"
        if name in NOT_WRITTEN or f.name in skip or (keep and f.name not in keep):
            continue
        title, description = HELP.get(name, (f.name, f.name))
        props[f.name] = {**_type(hints[f.name], cls.__name__), **CONSTRAINTS.get(name, {}), "title": title, "description": description}
        no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if no_default and name not in FILLED and not keep:
            required.append(f.name)
    node: Schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        node["required"] = required
    return node


def _top(name: str, node: Schema) -> Schema:
    title, description = HELP[name]
    return {**node, "title": title, "description": description}


def _blocks() -> Schema:
    """A form's blocks: each `{type: {…}}` with exactly one of the block types of forms.BLOCK_TYPES (not a oneOf:
    so a mistake inside a block is reported there, not as "none of the types")."""
    one = {
        "type": "object",
        "properties": {name: _part(name, {"$ref": _REF + cls.__name__}) for name, cls in forms.BLOCK_TYPES.items()},
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
    }
    return {"type": "array", "items": one}


def _wording_schema() -> Schema:
    """`wording`: area and bureau, and the terms (朔州's phrase → this form's), whose keys the semantic check holds to
    the default profile's (E760)."""
    text: Schema = {"type": "string", "minLength": 1, "maxLength": 30}
    terms: Schema = {"type": "object", "additionalProperties": text}
    parts: dict[str, Schema] = {"area": text, "bureau": text, "terms": terms, "basis": {"type": "string", "minLength": 1, "maxLength": 200}}
    return {
        "type": "object",
        "properties": {k: {**v, "title": HELP[f"Wording.{k}"][0], "description": HELP[f"Wording.{k}"][1]} for k, v in parts.items()},
        "additionalProperties": False,
    }


@functools.cache
def profile_schema() -> Schema:
    """The JSON Schema (draft-07) of a profile file, after `extends` is applied: derived from the dataclasses of
    form/forms.py (a field added there is a key here), with the Chinese help of HELP."""
    classes = [
        forms.Field,
        forms.Column,
        forms.IdentCell,
        forms.Ident,
        forms.BudgetTable,
        forms.Budget,
        forms.Text,
        forms.Indicators,
        forms.Category,
        forms.Notes,
        forms.Likelihood,
        forms.PeriodStyle,
        forms.ReportDescription,
        F.Section,
    ]
    definitions = {cls.__name__: _definition(cls) for cls in classes}
    form = _definition(forms.Form)
    form["properties"]["blocks"] = {**form["properties"]["blocks"], **_blocks()}
    definitions["Form"] = form
    fields_ref: Schema = {"$ref": _REF + "Field"}
    shared_field = _definition(forms.Field, skip=("name",))
    definitions["SharedField"] = shared_field
    props: Schema = {
        "extends": _top("Profile.extends", {"type": "string", "enum": list(forms.builtin_ids())}),
        "id": _top("Profile.id", {"type": "string", **CONSTRAINTS["Profile.id"]}),
        "name": _top("Profile.name", {"type": "string", "minLength": 1, "maxLength": 100}),
        "level": _top("Profile.level", {"type": "string", **CONSTRAINTS["Profile.level"]}),
        "period": _top("Profile.period", {"$ref": _REF + "PeriodStyle"}),
        "likelihoods": _top("Profile.likelihoods", {"type": "array", "minItems": 1, "items": {"$ref": _REF + "Likelihood"}}),
        "rules": _top(
            "Profile.rules",
            {
                "type": "object",
                "propertyNames": {"enum": list(rulebook.DECLARATIONS)},
                "additionalProperties": {"type": "object"},
            },
        ),
        "report": _top("Profile.report", {"$ref": _REF + "ReportDescription"}),
        "wording": _top("Profile.wording", _wording_schema()),
        "indicators": _top("Profile.indicators", _definition(forms.Indicators, keep=forms.INDICATOR_PARTS)),
        "fields": _top("Profile.fields", {"type": "object", "additionalProperties": {"$ref": _REF + "SharedField"}}),
        "columns": _top(
            "Profile.columns",
            {
                "type": "object",
                "properties": {
                    k: _part(f"columns.{k}", {"type": "array", "items": {"$ref": _REF + "Column"}}) for k in ("budget", "indicators")
                },
                "additionalProperties": False,
            },
        ),
        "notes": _top("Profile.notes", {"type": "array", "items": {"type": "string"}}),
        "row_fields": _top("Profile.row_fields", {"type": "array", "items": fields_ref}),
        "forms": _top(
            "Profile.forms",
            {
                "type": "object",
                "properties": {k: _part(k, {"$ref": _REF + "Form"}) for k in ("project", "department", "roster")},
                "required": ["project", "department", "roster"],
                "additionalProperties": False,
            },
        ),
    }
    return {
        "$schema": DRAFT,
        "title": "docgen 表样",
        "description": (
            "一个地区、一个层级的监控表样：各张表的字段、标签、版式，监控期间，完成目标可能性和规则默认阈值。说明见 docs/profiles.md"
        ),
        "type": "object",
        "properties": props,
        "required": ["id", "name", "level", "likelihoods", "report", "forms"],
        "additionalProperties": False,
        "definitions": definitions,
    }


# --- checking a profile file ----------------------------------------------------------------------------------


@functools.cache
def _validator() -> Any:
    return jsonschema_rs.Draft7Validator(profile_schema())


def _plain(value: Any) -> Any:
    """The loaded data as the loader and jsonschema take it: Decimal as int or float, dates as text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def _schema_findings(path: Path, doc: Document, data: Mapping[str, Any]) -> list[Finding]:
    """Every schema mistake of the merged data, located in the file (a key the file does not have: its nearest
    ancestor that it has)."""
    found = []
    for err in _validator().iter_errors(data):
        where: JsonPath = tuple(err.instance_path)
        kind = err.kind
        name = type(kind).__name__
        if name == "AdditionalProperties":
            for key in kind.unexpected:
                line, column = doc.position((*where, key), key=True)
                found.append(error(path, line, column, "E704", key=key, known=_known_at(err.schema_path)))
            continue
        if name == "PropertyNames":  # the only propertyNames: the rules' codes
            for key in (k for k in err.instance if k not in rulebook.DECLARATIONS):
                line, column = doc.position((*where, key), key=True)
                found.append(error(path, line, column, "E714", rule=key, known="、".join(rulebook.DECLARATIONS)))
            continue
        if name == "Required":
            found.append(error(path, *doc.position(where, key=True), "E705", key=kind.property))
            continue
        found.append(error(path, *doc.position(where), "E703", expected=_expected(err)))
    return found


def _node_at(schema_path: Any) -> Any:
    """The schema node a keyword of `schema_path` belongs to, `$ref`s followed."""
    node: Any = profile_schema()
    for step in list(schema_path)[:-1]:
        if isinstance(node, dict) and "$ref" in node and step not in node:
            node = profile_schema()["definitions"][node["$ref"][len(_REF) :]]
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return {}
    if isinstance(node, dict) and "$ref" in node:
        node = profile_schema()["definitions"][node["$ref"][len(_REF) :]]
    return node


def _known_at(schema_path: Any) -> str:
    node = _node_at(schema_path)
    return "、".join(node.get("properties", {})) if isinstance(node, dict) else ""


def _expected(err: Any) -> str:
    """What the schema wanted there, in a clerk's words (the schema's own title when it has one)."""
    name = type(err.kind).__name__
    node = _node_at(err.schema_path)
    node = node if isinstance(node, dict) else {}
    title = node.get("title")
    if name == "Enum":
        return "以下之一：" + "、".join(str(o) for o in err.kind.options)
    if name in ("Minimum", "Maximum"):
        return f" {node.get('minimum', 0)} 到 {node.get('maximum', '')} 之间的整数"
    if name == "Pattern":
        return "英文小写字母、数字和连字符"
    if name in ("MinProperties", "MaxProperties"):
        return "「类型: {…}」的一块（只写一种类型），类型为 " + "、".join(forms.BLOCK_TYPES)
    if name == "AnyOf":
        return "字段名，或写出字段各项的映射"
    if name == "MinItems":
        return "至少一项的列表"
    kinds = {"string": "文字", "integer": "整数", "boolean": "true 或 false", "array": "列表", "object": "映射（键: 值）"}
    wanted = node.get("type")
    text = kinds.get(wanted, str(wanted)) if isinstance(wanted, str) else str(err.message)
    return f"{text}（{title}）" if title else text


def check_data(path: Path, doc: Document) -> tuple[forms.Profile | None, list[Finding]]:
    """A loaded profile file checked: the schema, the semantic checks, then the loader. Every mistake at once."""
    try:
        data = _plain(forms.merged(_plain(doc.data)))
    except forms.ProfileError as exc:
        return None, [_located(path, doc, exc)]
    found = _schema_findings(path, doc, data)
    if found:  # the semantic checks read the shape the schema promises: run them only as far as it holds
        with contextlib.suppress(KeyError, TypeError, AttributeError, ValueError, IndexError):
            found += semantic_findings(path, doc, data)
        return None, _sorted(found)
    found = _sorted(semantic_findings(path, doc, data))
    if found:
        return None, found
    try:
        return forms.build_profile(_plain(doc.data), source=str(path)), []
    except forms.ProfileError as exc:
        return None, [_located(path, doc, exc)]


def _sorted(found: Iterable[Finding]) -> list[Finding]:
    """Each mistake once (a shared column is checked under every form that uses it), in the file's order."""
    return sorted(set(found), key=lambda f: (f.line, f.column, f.code, f.message))


def _located(path: Path, doc: Document, exc: forms.ProfileError) -> Finding:
    return error(path, *doc.position(exc.where, key=True), exc.code, **exc.params)


def check_file(path: Path, root: Path | None = None) -> tuple[forms.Profile | None, list[Finding]]:
    """A profile file read like a submission (bounded, never through a link, positions kept) and checked."""
    doc, found = load_file(path, root)
    if doc is None:
        return None, found
    profile, more = check_data(path, doc)
    return profile, found + more


# --- the semantic checks: what a schema cannot say ----------------------------------------------------------

#: What a budget column may show: the figures evaluate/figures.py computes for each fund row.
BUDGET_FIGURES = (*forms.TYPED_AMOUNTS, "subtotal", "allocation_rate", "spend_progress")
#: What the identification cells may hold beyond the model's own attributes.
IDENT_EXTRA = ("department_and_code",)
#: The fields docgen itself needs in each kind of file (the rest is the form's to choose).
NEEDED = {
    "project": ("year", "month", "project_name", "project_code", "department", "department_code", "unit"),
    "department": ("year", "month", "department", "department_code"),
    "roster": ("year", "month", "departments"),
}


def _field_name(entry: Any) -> str | None:
    return entry if isinstance(entry, str) else entry.get("name") if isinstance(entry, dict) else None


def semantic_findings(path: Path, doc: Document, data: Mapping[str, Any]) -> Iterator[Finding]:
    """The mistakes a schema cannot see, each located (the data passed the schema)."""

    def at(*where: str | int, key: bool = False) -> tuple[int, int]:
        line, column = doc.position(where, key=key)
        return int(line), int(column)

    answers = [lk["answer"] for lk in data["likelihoods"]]
    roles = [lk["role"] for lk in data["likelihoods"]]
    for i, lk in enumerate(data["likelihoods"]):
        if answers.index(lk["answer"]) != i:
            yield error(path, *at("likelihoods", i, "answer"), "E711", label=lk["answer"], where="完成目标可能性")
        if roles.index(lk["role"]) != i:
            yield error(path, *at("likelihoods", i, "role"), "E712", answer=lk["answer"], role=lk["role"], known="、".join(forms.ROLES))
    period = data.get("period") or {}
    if "span" in period and "{month}" not in period["span"]:
        yield error(path, *at("period", "span"), "E713", what="span", value=period["span"], why="应含 {month}（截至月份）")
    yield from _rule_findings(path, at, data.get("rules") or {})
    yield from _wording_findings(path, at, data)
    headings = [s["heading"] for s in data["report"]["sections"]]
    for i, heading in enumerate(headings):
        if headings.index(heading) != i:
            yield error(path, *at("report", "sections", i, "heading"), "E711", label=heading, where="附件1各部分")
    for kind, form in data["forms"].items():
        yield from _form_findings(path, at, data, kind, form, answers)


def _wording_findings(path: Path, at: Locate, data: Mapping[str, Any]) -> Iterator[Finding]:
    """A term docgen's sentences never say cannot be replaced (E760)."""
    if data.get("id") == forms.DEFAULT_PROFILE:
        return
    known = forms.DEFAULT_TERMS
    for term in (data.get(forms.WORDING_KEY) or {}).get("terms") or {}:
        if term not in known:
            yield error(
                path, *at(forms.WORDING_KEY, "terms", term, key=True), "E760", term=term, known="、".join(f"「{k}」" for k in known)
            )


def _rule_findings(path: Path, at: Locate, rules: Mapping[str, Any]) -> Iterator[Finding]:
    for code, thresholds in rules.items():
        known = rulebook.DECLARATIONS[code].thresholds
        for key in thresholds:
            if key not in known:
                yield error(path, *at("rules", code, key, key=True), "E720", rule=code, key=key, known="、".join(known) or "无")


def _form_findings(
    path: Path, at: Locate, data: Mapping[str, Any], kind: str, form: Mapping[str, Any], answers: list[str]
) -> Iterator[Finding]:
    base = ("forms", kind)
    shared = data.get("fields") or {}
    entries = form.get("fields") or []
    names = [_field_name(e) for e in entries]
    for i, entry in enumerate(entries):
        if isinstance(entry, str) and entry not in shared:
            yield error(path, *at(*base, "fields", i), "E706", name=entry, known="、".join(shared))
        elif names.index(names[i]) != i:
            yield error(path, *at(*base, "fields", i), "E711", label=names[i], where=f"forms.{kind}.fields")
    for name in NEEDED.get(kind, ()):
        if name not in names:
            yield error(path, *at(*base, "fields", key=True), "E715", kind=kind, name=name)
    tables = {_field_name(e) for e in entries if ((shared.get(e) or {}) if isinstance(e, str) else e).get("kind") == "table"}
    attributes = _attributes(kind)
    ncols = len(form.get("widths") or ()) or forms.NCOLS  # the form's grid: 13 columns A–M unless it says otherwise
    for b, block in enumerate(form.get("blocks") or []):
        ((block_type, body),) = block.items()
        where = (*base, "blocks", b, block_type)
        if block_type == "ident":
            yield from _ident_findings(path, at, where, body["rows"], attributes, ncols)
        elif block_type == "budget":
            yield from _budget_findings(path, at, where, body, tables)
            columns = body.get("columns", (data.get("columns") or {}).get("budget", []))
            yield from _column_findings(
                path, at, (*where, "columns") if "columns" in body else ("columns", "budget"), columns, BUDGET_FIGURES, answers, ncols
            )
        elif block_type == "indicators":
            columns = body.get("columns", (data.get("columns") or {}).get("indicators", []))
            fields = tuple(F.INDICATOR_FIELDS)
            yield from _column_findings(
                path, at, (*where, "columns") if "columns" in body else ("columns", "indicators"), columns, fields, answers, ncols
            )
        elif block_type == "text" and not body.get("key") and body["field"] not in attributes:  # a keyed row is the form's own
            yield error(path, *at(*where, "field"), "E717", field=body["field"], known="、".join(sorted(attributes)))


def _attributes(kind: str) -> frozenset[str]:
    """What a cell of the grid can show of a submission: its model's attributes (and the department with its code)."""
    cls = {"project": model.Project, "department": model.Department}.get(kind)
    if cls is None:
        return frozenset()
    return frozenset(f.name for f in dataclasses.fields(cls) if f.type == "str") | frozenset(IDENT_EXTRA)


def _ident_findings(
    path: Path, at: Locate, where: tuple[str | int, ...], rows: list[Any], attributes: frozenset[str], ncols: int
) -> Iterator[Finding]:
    for r, row in enumerate(rows):
        taken: list[tuple[int, int]] = []
        for c, cell in enumerate(row):
            first, last = cell["first"], cell["last"]
            if first > last or last >= ncols or any(first <= b and a <= last for a, b in taken):
                yield error(path, *at(*where, "rows", r, c), "E716", first=first, last=last, columns=ncols, end=ncols - 1)
            taken.append((first, last))
            field = cell.get("field")
            if field is not None and not cell.get("choices") and field not in attributes:  # a check-box group is the form's own
                yield error(path, *at(*where, "rows", r, c, "field"), "E717", field=field, known="、".join(sorted(attributes)))


def _budget_findings(
    path: Path, at: Locate, where: tuple[str | int, ...], body: Mapping[str, Any], tables: set[str | None]
) -> Iterator[Finding]:
    keys = [t.get("key") or t["field"] for t in body["tables"]]
    for t, table in enumerate(body["tables"]):
        if table["field"] not in tables:
            yield error(path, *at(*where, "tables", t, "field"), "E718", table=table.get("title") or table["field"], field=table["field"])
        if keys.index(keys[t]) != t:
            yield error(path, *at(*where, "tables", t, "key"), "E711", label=keys[t], where="预算表")
        rows = table["rows"]
        for i, row in enumerate(rows):
            if rows.index(row) != i:
                yield error(path, *at(*where, "tables", t, "rows", i), "E711", label=row, where="资金行")


def _column_findings(
    path: Path,
    at: Locate,
    where: tuple[str | int, ...],
    columns: list[Any],
    known: tuple[str, ...],
    answers: list[str],
    ncols: int = forms.NCOLS,
) -> Iterator[Finding]:
    taken: list[tuple[int, int, str]] = []
    headers = [c["header"] for c in columns]
    for i, column in enumerate(columns):
        first, last, header = column["first"], column["last"], column["header"]
        if column["field"] not in known:
            yield error(path, *at(*where, i, "field"), "E709", header=header, field=column["field"], known="、".join(known))
        clash = next((h for a, b, h in taken if first <= b and a <= last), None)
        if first > last or last >= ncols or clash is not None:
            if first > last:
                why = PROFILE["column_reversed"]
            elif last >= ncols:  # past the grid: an overlap with itself would be a wrong report
                why = PROFILE["column_past_grid"].format(columns=ncols, end=ncols - 1)
            else:
                why = PROFILE["column_overlaps"].format(other=clash)
            yield error(path, *at(*where, i), "E710", header=header, first=first, last=last, why=why)
        taken.append((first, last, header))
        if headers.index(header) != i:
            yield error(path, *at(*where, i, "header"), "E711", label=header, where="列的表头")
        if column.get("kind") == "tick" and header not in answers:
            # a tick column the file did not write (the built-in's) is the scale's fault: located at the scale
            place = at(*where, i, "header") if at(*where, i, "header") != at() else at("likelihoods", key=True)
            yield error(path, *place, "E719", header=header, answers="、".join(answers))


# --- the repository's profile -------------------------------------------------------------------------------


class ProfileInvalid(InvalidSubmissions):
    """The repository's own profile file has mistakes: nothing is checked or built with it (exit 1), every mistake
    is reported with its line."""


def profile_of(ws: Workspace) -> forms.Profile:
    """The profile the repository chose in docgen.yaml (read once per Workspace), else the default.

    A built-in is loaded by id; a repository's own file is read and checked like a submission (check_file), and any
    mistake in it stops the command (ProfileInvalid, exit 1) rather than let a half-described form into the output.
    """
    choice = ws.profile_choice
    if choice is None:
        return forms.DEFAULT
    if choice.path is None:
        if choice.name not in forms.builtin_ids():
            detail = message("E702", profile=choice.name, known="、".join(forms.builtin_ids()))
            raise UsageError(f"{CONFIG}:{choice.line}:{choice.column}: {detail}")
        return forms.builtin(choice.name)
    return _own_profile(ws.root, choice)


def _own_profile(root: Path, choice: ProfileChoice) -> forms.Profile:
    assert choice.path is not None
    profile, found = check_file(Path(choice.path), root)
    errors = [f for f in found if f.is_error]
    if profile is None or errors:
        lines = [f"{f.path}:{f.line}:{f.column}: {SEVERITY[f.severity]} {f.code} {f.message}" for f in errors]
        raise ProfileInvalid("\n".join([PROFILE["profile_invalid"].format(path=choice.path), *lines]), errors)
    return profile

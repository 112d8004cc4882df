"""The approved 绩效目标 of a period: the baseline a submission's indicators are held to.

At budget time each project's indicators and 年度指标值 are approved; a period may carry them in
`submissions/<period>/批复目标/<部门代码>.yaml` (one file per department, usually imported from the budget system's
spreadsheet with `docgen import-targets`). A submission that reports other indicators or other values without a
目标调整 (a 结果应用 record of kind 调整目标 naming the indicator, form/review.py) gets a warning. This module holds
the file's schema (draft-07, Chinese titles, the indicator keys of the repository's profile) and its typed model.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from . import forms, limits, schema
from . import vocabulary as F

T = F.TARGET_KEYS
DRAFT = "http://json-schema.org/draft-07/schema#"
Schema = dict[str, Any]
KIND = "targets"
SCHEMA_FILE = "targets.schema.json"

#: The indicator fields an approved target carries (the others are reported during the year).
APPROVED_FIELDS = ("level1", "level2", "name", "target")


def in_targets_folder(path: PurePosixPath | Any) -> bool:
    """Whether a file sits in a period's approved-targets folder (`submissions/<period>/批复目标/…`)."""
    parent = getattr(path, "parent", None)
    return parent is not None and parent.name == F.TARGETS_FOLDER


def indicator_keys(form: forms.Form) -> dict[str, str]:
    """English name -> the key typed, for the approved fields the form's indicator block has (no 二级 on Hubei's)."""
    block = form.indicators
    assert block is not None, form.kind
    names = {f.name for f in block.fields}
    return {
        name: block.field(name).key for name in APPROVED_FIELDS if name in names and (name != "level2" or name in form.indicator_fields)
    }


def _approved_indicator(form: forms.Form) -> Schema:
    """One approved indicator: the form's indicator node kept to its levels, name and 年度指标值."""
    node = schema.indicator(form)
    keep = set(indicator_keys(form).values())
    props = {k: v for k, v in node["properties"].items() if k in keep}
    target = indicator_keys(form)["target"]
    props[target] = {
        "type": ["string", "number"],
        "title": target,
        "description": "批复的年度指标值，写法同报送表：比较符号＋数值＋单位，如「≥95%」「1200人」；定性指标可写文字",
        "examples": ["≥12000人", "≥90%", "有效提升"],
    }
    out = {
        **node,
        "title": "一项批复指标",
        "description": "预算批复时确定的一个绩效指标及其年度指标值",
        "properties": props,
        "required": [k for k in node["required"] if k in props],
    }
    return out


def targets_schema(profile: forms.Profile | None = None) -> Schema:
    """The approved targets of one department's projects in one period, in the repository's profile's indicator keys."""
    form = profile.forms["project"] if profile is not None else forms.FORMS["project"]
    code = {
        "type": "string",
        "minLength": 1,
        "maxLength": limits.MAX_CODE_CHARS,
        "pattern": limits.CODE_PATTERN,
    }
    project = {
        "type": "object",
        "title": "一个项目的批复目标",
        "description": "一个项目在预算批复时确定的绩效指标和年度指标值",
        "properties": {
            T["project_code"]: {
                **code,
                "title": T["project_code"],
                "description": "项目代码（请用引号括起来），与报送文件中的一致",
                "examples": ["101-2025-001"],
            },
            T["project_name"]: {
                "type": "string",
                "minLength": 1,
                "maxLength": limits.MAX_NAME_CHARS,
                "title": T["project_name"],
                "description": "项目名称（便于核对，可不填）",
                "examples": ["城乡义务教育家庭经济困难学生生活补助"],
            },
            T["indicators"]: {
                "type": "array",
                "minItems": 1,
                "title": T["indicators"],
                "description": "批复的绩效指标，每项一行",
                "items": _approved_indicator(form),
            },
        },
        "required": [T["project_code"], T["indicators"]],
        "additionalProperties": False,
    }
    return {
        "$schema": DRAFT,
        "title": "批复目标",
        "description": "预算批复时确定的各项目绩效目标（指标和年度指标值），作为本期报送的基准；"
        "报送中的指标或指标值与之不一致又没有目标调整记录时给出警告",
        "type": "object",
        "properties": {
            "$schema": {"type": "string", "title": "模式文件", "description": "编辑器使用的模式文件（一般写在首行注释中）"},
            T["year"]: {
                "type": "integer",
                "minimum": 2000,
                "maximum": 2100,
                "title": T["year"],
                "description": "监控年度，须与所在期间目录一致",
                "examples": [2025],
            },
            T["month"]: {
                "type": "integer",
                "minimum": 1,
                "maximum": 12,
                "title": T["month"],
                "description": "截至月份，须与所在期间目录一致",
                "examples": [6],
            },
            T["department_code"]: {
                **code,
                "title": T["department_code"],
                "description": "主管部门代码（请用引号括起来），须与文件名一致（批复目标/101.yaml）",
                "examples": ["101"],
            },
            T["source"]: {
                "type": "string",
                "minLength": 1,
                "maxLength": limits.MAX_NAME_CHARS,
                "title": T["source"],
                "description": "批复绩效目标的文件文号（可不填）",
                "examples": ["朔财预〔2025〕3号"],
            },
            T["projects"]: {
                "type": "array",
                "title": T["projects"],
                "description": "本部门各项目的批复目标（尚无时写 []）",
                "items": project,
            },
        },
        "required": [T["year"], T["month"], T["department_code"], T["projects"]],
        "additionalProperties": False,
    }


# --- the model ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovedIndicator:
    """One indicator as approved: its levels, its name and its 年度指标值 (as typed)."""

    level1: str
    level2: str
    name: str
    target: str
    line: int = 1


@dataclass(frozen=True)
class ApprovedProject:
    """A project's approved indicators, from one department's approved-targets file."""

    period: tuple[int, int]
    department_code: str
    code: str
    name: str
    indicators: tuple[ApprovedIndicator, ...]
    path: str
    line: int = 1


def value_text(value: Any) -> str:
    """An indicator value as compared and shown: numbers without a trailing .0, text as typed."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def projects_from(data: dict[str, Any], path: str, form: forms.Form, lines: list[tuple[int, list[int]]]) -> list[ApprovedProject]:
    """The approved projects of a valid file; `lines` is each project's line and its indicators' lines."""
    keys = indicator_keys(form)
    period = (int(data[T["year"]]), int(data[T["month"]]))
    code = str(data[T["department_code"]])
    out = []
    for i, p in enumerate(data[T["projects"]]):
        line, inner = lines[i] if i < len(lines) else (1, [])
        indicators = tuple(
            ApprovedIndicator(
                level1=str(ind.get(keys["level1"], "")),
                level2=str(ind.get(keys["level2"], "")) if "level2" in keys else "",
                name=str(ind[keys["name"]]),
                target=value_text(ind[keys["target"]]),
                line=inner[j] if j < len(inner) else line,
            )
            for j, ind in enumerate(p[T["indicators"]])
        )
        out.append(
            ApprovedProject(
                period=period,
                department_code=code,
                code=str(p[T["project_code"]]),
                name=str(p.get(T["project_name"], "")),
                indicators=indicators,
                path=path,
                line=line,
            )
        )
    return out

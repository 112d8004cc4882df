"""The monitoring rules file: which checks run, with what thresholds, lights and Chinese texts.

The defaults ship with docgen (`docgen/check/rules.yaml`). A repository's `schema/rules.yaml` has the same
form and overrides them key by key, so the 财政局 or a department tunes a threshold or rewords a
message without touching code; a rule it leaves out keeps its default. The engine (`monitor`)
implements each rule by its code; this module says what each rule may be configured with, builds the
JSON Schema the file is validated with, and checks what a schema cannot (message placeholders,
thresholds in order).
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from .. import output
from ..form import vocabulary as F
from ..form.schema import Schema, department_schema, project_schema, roster_schema
from .findings import Finding, error
from .load import Document, load_file

RULES_FILE = "rules.yaml"

# --- lights ------------------------------------------------------------------------------

RED, YELLOW, BLUE, GREEN = "red", "yellow", "blue", "green"
#: Worst last: a project's light is the worst of its lights. Blue (far ahead: the target was probably
#: set too low) is worse than green because someone should look, better than yellow because nothing is at risk.
LIGHT_ORDER = (GREEN, BLUE, YELLOW, RED)
LIGHTS = tuple(reversed(LIGHT_ORDER))
NONE = "none"  # not evaluated (科研类 exempt, or nothing to compare): shown 「—」

# --- the rules file's vocabulary (its keys are Chinese, as the people who tune it read them) ---------

RULES_KEY = "规则"
#: The least number of 涉密 projects whose figures may be published pooled (a top-level key of the rules file).
POOL_KEY = "涉密汇总最少项目数"
DEFAULT_POOL = 3
KEYS = {
    "name": "名称",
    "category": "类别",
    "enabled": "启用",
    "exempt": "科研类豁免",
    "light": "灯",
    "thresholds": "阈值",
    "message": "消息",
    "advice": "建议",
    "explain": "说明",
}
#: Light words in the file -> light; 「无」 makes a rule a hint that colours nothing.
LIGHT_WORDS = {"红灯": RED, "黄灯": YELLOW, "蓝灯": BLUE, "绿灯": GREEN, "无": None}
CATEGORIES = ("及时性", "合规性", "有效性", "提示")

#: Graded thresholds: key -> (light, comparison). 「红灯低于: 60」 means a value < 60 is red.
RED_BELOW, YELLOW_BELOW, BLUE_FROM, YELLOW_FROM, RED_FROM = "红灯低于", "黄灯低于", "蓝灯不低于", "黄灯不低于", "红灯不低于"
_GRADES = ((RED_BELOW, RED, "<"), (RED_FROM, RED, ">="), (YELLOW_BELOW, YELLOW, "<"), (YELLOW_FROM, YELLOW, ">="), (BLUE_FROM, BLUE, ">="))

PERCENT, AMOUNT, MONTH, WORDS, LEVEL2, LEVEL1, LIGHT = "percent", "amount", "month", "words", "level2", "level1", "light"


@dataclass(frozen=True)
class Spec:
    """What one rule may be configured with: its thresholds (key -> kind) and message placeholders."""

    category: str
    thresholds: Mapping[str, str]
    placeholders: tuple[str, ...]
    fixed_light: bool = True  # False: the light comes from graded thresholds (红灯低于 …)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.thresholds)


_ROW = ("row", "month")
#: Every rule the engine implements. The codes are stable; tests assert them.
SPECS: dict[str, Spec] = {
    # 及时性
    "W401": Spec(
        "及时性",
        {RED_BELOW: PERCENT, YELLOW_BELOW: PERCENT},
        (*_ROW, "spent", "arranged", "spend_progress", "time_progress", "ratio", "limit"),
        fixed_light=False,
    ),
    "W402": Spec(
        "及时性",
        {RED_BELOW: PERCENT, YELLOW_BELOW: PERCENT},
        (*_ROW, "allocated", "budget", "allocation_rate", "time_progress", "ratio", "limit"),
        fixed_light=False,
    ),
    "W403": Spec("及时性", {YELLOW_FROM: PERCENT}, ("month", "carried_over", "arranged", "share", "limit"), fixed_light=False),
    "W404": Spec(
        "及时性", {YELLOW_FROM: PERCENT, RED_FROM: PERCENT}, (*_ROW, "arranged", "expected", "balance", "share", "limit"), fixed_light=False
    ),
    "W405": Spec("及时性", {"月份不早于": MONTH}, ("month", "allocated", "progressed")),
    # 合规性
    "W411": Spec("合规性", {}, (*_ROW, "field", "value", "arranged", "excess")),
    "W412": Spec("合规性", {}, (*_ROW, "allocated", "budget")),
    "W413": Spec("合规性", {}, ("field", "roster_value", "file_value", "roster")),
    "W414": Spec(
        "合规性",
        {"允许差额": AMOUNT, "允许差异率": PERCENT},
        (
            "month",
            "row",
            "differences",
            "dept_arranged",
            "dept_spent",
            "sum_arranged",
            "sum_spent",
            "projects",
            "missing",
            "field",
            "difference",
        ),
    ),
    # 有效性
    "W421": Spec(
        "有效性",
        {RED_BELOW: PERCENT, YELLOW_BELOW: PERCENT, BLUE_FROM: PERCENT},
        ("name", "month", "target", "result", "planned", "ratio"),
        fixed_light=False,
    ),
    "W422": Spec("有效性", {}, ("name", "month", "target", "result")),
    "W423": Spec("有效性", {}, ("name", "target", "expected")),
    "W424": Spec("有效性", {F.POSSIBLE: LIGHT, F.IMPOSSIBLE: LIGHT}, ("name", "likelihood", "remark"), fixed_light=False),
    "W425": Spec("有效性", {}, ("name", "month", "result", "planned")),
    "W426": Spec("有效性", {"关键词": WORDS}, ("name", "keywords")),
    "W427": Spec("有效性", {"必填一级指标": LEVEL1, "必填二级指标": LEVEL2}, ("missing",)),
    "W428": Spec("有效性", {}, ("name", "field", "value")),
    "W429": Spec("有效性", {}, ("name", "target", "result")),
    # 提示
    "I401": Spec("提示", {}, ("month", "count", "rules")),
}


@dataclass(frozen=True)
class Rule:
    """One rule as configured: defaults merged with the repository's overrides."""

    code: str
    name: str
    category: str
    enabled: bool
    exempt_research: bool
    light: str | None
    thresholds: Mapping[str, Any]
    message: str
    advice: str
    explain: str

    def text(self, **args: Any) -> str:
        return self.message.format(**args)

    def grade(self, value: Decimal) -> tuple[str, Decimal] | None:
        """The light a graded value earns and the threshold it crossed; None when it crosses none (green)."""
        for key, light, op in _GRADES:
            limit = self.thresholds.get(key)
            if limit is None:
                continue
            limit = Decimal(limit)
            if (op == "<" and value < limit) or (op == ">=" and value >= limit):
                return light, limit
        return None

    def threshold(self, key: str) -> Any:
        return self.thresholds[key]


@dataclass(frozen=True)
class Ruleset:
    """The monitoring rules in force, defaults merged with the project's rules file, looked up by code."""

    rules: Mapping[str, Rule]
    source: tuple[str, ...]  # the files it was read from, defaults first
    pool: int = DEFAULT_POOL  # k: 涉密 figures are published only pooled over at least k projects

    def __getitem__(self, code: str) -> Rule:
        return self.rules[code]

    def active(self, code: str, research_exempt: bool) -> Rule | None:
        """The rule if it runs on this submission: enabled, and not skipped for an exempt 科研类 project."""
        rule = self.rules[code]
        if not rule.enabled or (research_exempt and rule.exempt_research):
            return None
        return rule

    def exempted(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.enabled and r.exempt_research]


def default_path() -> Path:
    """The rules file shipped inside the package, used when the project has none."""
    return Path(str(resources.files("docgen.check").joinpath(RULES_FILE)))


def merge(default: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Override key by key; 阈值 is merged one level deeper so one threshold can be tuned alone."""
    out: dict[str, Any] = {}
    for code, rule in default.items():
        given = override.get(code)
        mine: dict[str, Any] = given if isinstance(given, dict) else {}
        merged = {**rule, **mine}
        theirs = mine.get(KEYS["thresholds"])
        merged[KEYS["thresholds"]] = {**(rule.get(KEYS["thresholds"]) or {}), **(theirs if isinstance(theirs, dict) else {})}
        out[code] = merged
    return out


def build(rules: Mapping[str, Any], source: tuple[str, ...]) -> Ruleset:
    """Rules from validated, merged data."""
    k = KEYS
    built = {}
    for code, data in rules.items():
        light_word = data.get(k["light"])
        built[code] = Rule(
            code=code,
            name=data[k["name"]],
            category=data[k["category"]],
            enabled=bool(data.get(k["enabled"], True)),
            exempt_research=bool(data.get(k["exempt"], False)),
            light=LIGHT_WORDS.get(light_word) if light_word else None,
            thresholds={key: _threshold(value) for key, value in (data.get(k["thresholds"]) or {}).items()},
            message=data[k["message"]].strip(),
            advice=(data.get(k["advice"]) or "").strip(),
            explain=(data.get(k["explain"]) or "").strip(),
        )
    return Ruleset(built, source)


def _threshold(value: Any) -> Any:
    if isinstance(value, str) and value in LIGHT_WORDS:
        return LIGHT_WORDS[value]
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal(value)
    return tuple(value) if isinstance(value, list) else value


# --- checks a JSON Schema cannot make -------------------------------------------------------------


def placeholders(template: str) -> list[str] | None:
    """The {names} a template uses; None when its braces are unbalanced."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return None


def check_document(doc: Document, merged: Mapping[str, Any] | None = None) -> list[Finding]:
    """Templates use only known placeholders; graded thresholds are in order (red before yellow).

    `merged` is the file merged over the defaults, so a threshold tuned alone is checked against the
    other's default; positions come from `doc`.
    """
    rules = doc.data.get(RULES_KEY)
    if not isinstance(rules, dict):
        return []
    effective = merged if merged is not None else merge(_default_rules(), rules)
    findings = []
    for code, data in rules.items():
        spec = SPECS.get(code)
        if spec is None or not isinstance(data, dict):
            continue
        for key in (KEYS["message"], KEYS["advice"]):
            template = data.get(key)
            if not isinstance(template, str):
                continue
            at = doc.position((RULES_KEY, code, key))
            names = placeholders(template)
            allowed = spec.placeholders if key == KEYS["message"] else ()
            if names is None:
                findings.append(error(doc.path, *at, "E321", rule=code, field=key))
                continue
            for name in names:
                if name not in allowed:
                    options = "、".join("{" + p + "}" for p in allowed) or "无"
                    findings.append(error(doc.path, *at, "E320", rule=code, field=key, name=name, options=options))
        thresholds = (effective.get(code) or {}).get(KEYS["thresholds"]) or {}
        findings.extend(_check_order(doc, code, thresholds))
    return findings


def _default_rules() -> dict[str, Any]:
    doc, _ = load_file(default_path())
    return dict(doc.data[RULES_KEY]) if doc is not None else {}


def _check_order(doc: Document, code: str, thresholds: Mapping[str, Any]) -> list[Finding]:
    def num(key: str) -> Decimal | None:
        value = thresholds.get(key)
        return Decimal(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else None

    pairs = ((RED_BELOW, YELLOW_BELOW), (YELLOW_FROM, RED_FROM), (YELLOW_BELOW, BLUE_FROM))
    findings = []
    for low, high in pairs:
        a, b = num(low), num(high)
        if a is not None and b is not None and a > b:
            at = doc.position((RULES_KEY, code, KEYS["thresholds"], high))
            findings.append(error(doc.path, *at, "E322", rule=code, low=low, low_value=a, high=high, high_value=b))
    return findings


# --- the JSON Schema of the rules file -------------------------------------------------------------


def _threshold_schema(kind: str, key: str, default: Any) -> dict[str, Any]:
    example = {"examples": [default]} if isinstance(default, (int, float)) and not isinstance(default, bool) else {}
    if kind == PERCENT:
        return {"type": "number", "minimum": 0, "maximum": 10000, "title": key, "description": "百分数，如 60 表示 60%", **example}
    if kind == AMOUNT:
        return {"type": "number", "minimum": 0, "title": key, "description": "金额（万元）", **example}
    if kind == MONTH:
        return {"type": "integer", "minimum": 1, "maximum": 12, "title": key, "description": "月份（1-12）", **example}
    if kind == LIGHT:
        return {"enum": list(LIGHT_WORDS), "title": key, "description": "该情形给出的灯：红灯、黄灯、蓝灯、绿灯或无（仅提示）"}
    item: dict[str, Any]
    if kind == LEVEL1:
        item = {"enum": list(F.TAXONOMY), "title": "一级指标", "description": "必须有三级指标的一级指标"}
        return {"type": "array", "items": item, "uniqueItems": True, "title": key, "description": "每个一级指标下至少应有一个三级指标"}
    if kind == LEVEL2:
        item = {"enum": list(F.LEVEL2_ALL), "title": "二级指标", "description": "必须有三级指标的二级指标"}
        return {"type": "array", "items": item, "uniqueItems": True, "title": key, "description": "每个二级指标下至少应有一个三级指标"}
    words = default if isinstance(default, list) and default else ["决策"]
    item = {"type": "string", "minLength": 1, "title": "词语", "description": "一个关键词", "examples": [words[0]]}
    return {"type": "array", "items": item, "title": key, "description": "词语列表"}


def _text_schema(title: str, description: str, default: Any) -> dict[str, Any]:
    """A text key; the default text is the example editors offer."""
    examples = {"examples": [default.strip()]} if isinstance(default, str) and default.strip() else {}
    return {"type": "string", "minLength": 1, "title": title, "description": description, **examples}


def _rule_schema(code: str, spec: Spec, default: dict[str, Any]) -> dict[str, Any]:
    k = KEYS
    names = "、".join("{" + p + "}" for p in spec.placeholders)
    thresholds = default.get(k["thresholds"]) or {}
    return {
        "type": "object",
        "title": f"{code}（{spec.category}）",
        "description": f"{spec.category}规则 {code}「{default.get(k['name'], '')}」。消息中可用的占位符：{names}",
        "properties": {
            k["name"]: _text_schema("名称", "规则的简短名称，汇总表中显示", default.get(k["name"])),
            k["category"]: {"enum": [spec.category], "title": "类别", "description": "及时性、合规性、有效性或提示（不可更改）"},
            k["enabled"]: {"type": "boolean", "title": "启用", "description": "false 表示不执行本规则"},
            k["exempt"]: {"type": "boolean", "title": "科研类豁免", "description": "true 表示科研类项目在年度中（1-11月）不执行本规则"},
            k["light"]: {"enum": list(LIGHT_WORDS), "title": "灯", "description": "触发时给出的灯：红灯、黄灯、蓝灯或无（仅提示）"},
            k["thresholds"]: {
                "type": "object",
                "title": "阈值",
                "description": "本规则的阈值（百分数直接写数字，如 60 表示 60%）",
                "properties": {key: _threshold_schema(kind, key, thresholds.get(key)) for key, kind in spec.thresholds.items()},
                "additionalProperties": False,
            },
            k["message"]: _text_schema("消息", f"触发时显示的中文说明。可用占位符：{names}", default.get(k["message"])),
            k["advice"]: _text_schema("建议", "起草「存在问题及整改措施和建议」时使用的整改建议", default.get(k["advice"])),
            k["explain"]: _text_schema("说明", "规则的计算方法和依据", default.get(k["explain"])),
        },
        "additionalProperties": False,
    }


def rules_schema() -> dict[str, Any]:
    """Draft-07, like the submissions' schemas, so editors complete and explain the rules file too.

    The packaged defaults are the examples editors offer for each text and threshold."""
    defaults = _default_rules()
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "绩效监控预警规则",
        "description": "每条规则的阈值、灯和中文提示。未写的规则和键沿用 docgen 内置默认值。",
        "type": "object",
        "properties": {
            "$schema": {
                "type": "string",
                "title": "模式文件",
                "description": "编辑器使用的模式文件（一般写在首行注释 # yaml-language-server: $schema=… 中）",
            },
            RULES_KEY: {
                "type": "object",
                "title": "规则",
                "description": "以规则代码为键：W401 等",
                "properties": {code: _rule_schema(code, spec, defaults.get(code) or {}) for code, spec in SPECS.items()},
                "additionalProperties": False,
            },
            POOL_KEY: {
                "type": "integer",
                "minimum": 1,
                "title": POOL_KEY,
                "description": "涉密项目的金额、灯色和预警规则只在至少这么多个涉密项目合并时才公开（默认 3；1 即不作限制）；"
                "不足时只公开个数，并且不公开能减出涉密项目金额的部门合计",
                "default": DEFAULT_POOL,
                "examples": [DEFAULT_POOL],
            },
        },
        "required": [RULES_KEY],
        "additionalProperties": False,
    }


def complete(rules: Mapping[str, Any]) -> list[str]:
    """What a complete rules file (the packaged default) lacks: every rule, every key, every threshold."""
    missing = []
    for code, spec in SPECS.items():
        data = rules.get(code)
        if not isinstance(data, dict):
            missing.append(code)
            continue
        for key in ("name", "category", "enabled", "exempt", "message", "advice", "explain"):
            if KEYS[key] not in data:
                missing.append(f"{code}.{KEYS[key]}")
        if spec.fixed_light and KEYS["light"] not in data:
            missing.append(f"{code}.{KEYS['light']}")
        for key in spec.thresholds:
            if key not in (data.get(KEYS["thresholds"]) or {}):
                missing.append(f"{code}.{KEYS['thresholds']}.{key}")
    return missing


# --- the JSON Schema of every kind of file docgen checks -------------------------------------------------
# The forms' schemas are form/schema.py's, the rules file's is rules_schema above. They meet here, where both
# are known: form/ sits below check/ and cannot import the rules file's vocabulary.

SCHEMA_FILES = {
    "project": "project.schema.json",
    "department": "department.schema.json",
    "roster": "roster.schema.json",
    "rules": "rules.schema.json",
}

SCHEMAS = {"project": project_schema, "department": department_schema, "roster": roster_schema, "rules": rules_schema}


def schema_for(kind: str) -> Schema:
    """The JSON Schema of a kind of file, derived from the forms' description so the two never disagree."""
    return SCHEMAS[kind]()


def export(directory: Path) -> list[Path]:
    """Write every schema as pretty JSON (UTF-8, Chinese unescaped) so editors can use it."""
    written = []
    for kind, name in SCHEMA_FILES.items():
        path = directory / name
        output.write_text(path, json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n")
        written.append(path)
    return written

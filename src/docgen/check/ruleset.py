"""The monitoring rules file: which checks run, with what thresholds, lights and Chinese texts.

Every rule is declared once, in the rulebook (`rulebook.py`: code, category, texts, placeholders, default
thresholds and light); its logic is the function registered against its code in `evaluate/rules/`. The rulebook's
declarations are docgen's defaults (`default_rules`); `docgen/check/rules.yaml` is their printout
(`render_defaults`, written by `make rules`), which `docgen rules --init` copies. A repository's `schema/rules.yaml`
has the same form and overrides the defaults key by key, so the 财政局 or a department tunes a threshold or rewords a
message without touching code; a rule it leaves out keeps its default. This module reads and merges that file,
builds the JSON Schema it is validated with, and checks what a schema cannot (message placeholders, thresholds in
order). It stays in check/ because `docgen validate schema/rules.yaml` checks the file like a submission.
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
from ..form import forms
from ..form import review as review_form
from ..form import targets as targets_form
from ..form import vocabulary as F
from ..form.schema import Schema, department_schema, project_schema, roster_schema
from .findings import Finding, error
from .load import Document
from .profile import profile_schema
from .rulebook import AMOUNT as AMOUNT
from .rulebook import BLUE as BLUE
from .rulebook import BLUE_FROM as BLUE_FROM
from .rulebook import CATEGORIES as CATEGORIES
from .rulebook import DECLARATIONS, HINT, Declaration
from .rulebook import GREEN as GREEN
from .rulebook import GREY as GREY
from .rulebook import LEVEL1 as LEVEL1
from .rulebook import LEVEL2 as LEVEL2
from .rulebook import LIGHT as LIGHT
from .rulebook import LIGHT_ORDER as LIGHT_ORDER
from .rulebook import LIGHTS as LIGHTS
from .rulebook import MONTH as MONTH
from .rulebook import NONE as NONE
from .rulebook import PERCENT as PERCENT
from .rulebook import RED as RED
from .rulebook import RED_BELOW as RED_BELOW
from .rulebook import RED_FROM as RED_FROM
from .rulebook import WORDS as WORDS
from .rulebook import YELLOW as YELLOW
from .rulebook import YELLOW_BELOW as YELLOW_BELOW
from .rulebook import YELLOW_FROM as YELLOW_FROM

RULES_FILE = "rules.yaml"

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
_WORDS_OF = {RED: "红灯", YELLOW: "黄灯", BLUE: "蓝灯", GREEN: "绿灯", HINT: "无"}

#: Graded thresholds: key -> (light, comparison). 「红灯低于: 60」 means a value < 60 is red.
_GRADES = ((RED_BELOW, RED, "<"), (RED_FROM, RED, ">="), (YELLOW_BELOW, YELLOW, "<"), (YELLOW_FROM, YELLOW, ">="), (BLUE_FROM, BLUE, ">="))

Spec = Declaration  # what one rule may be configured with: its thresholds and message placeholders
#: Every rule the engine implements, by code: the rulebook's declarations. The codes are stable; tests assert them.
SPECS: dict[str, Declaration] = DECLARATIONS


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
    """The rules file shipped inside the package (the defaults' printout, which `docgen rules --init` copies)."""
    return Path(str(resources.files("docgen.check").joinpath(RULES_FILE)))


def _default_value(kind: str, value: Any) -> Any:
    """A threshold's default as the rules file spells it: a light as its word, words as a list."""
    if kind == LIGHT:
        return _WORDS_OF[value]
    return list(value) if isinstance(value, tuple) else value


def _default_rule(rule: Declaration) -> dict[str, Any]:
    k = KEYS
    data: dict[str, Any] = {
        k["name"]: rule.name,
        k["category"]: rule.category,
        k["enabled"]: rule.enabled,
        k["exempt"]: rule.exempt_research,
        k["explain"]: " ".join(rule.explain),  # what YAML's folded 「>-」 block reads
    }
    if rule.light is not None:
        data[k["light"]] = _WORDS_OF[rule.light]
    if rule.thresholds:
        data[k["thresholds"]] = {key: _default_value(kind, value) for key, (kind, value) in rule.thresholds.items()}
    data[k["message"]] = rule.message
    data[k["advice"]] = rule.advice
    return data


def default_rules() -> dict[str, Any]:
    """docgen's defaults, from the rulebook: the data `docgen/check/rules.yaml` reads as (a test keeps them equal)."""
    return {code: _default_rule(rule) for code, rule in DECLARATIONS.items()}


#: The head of the printed defaults: how the file is read, for whoever opens it.
_HEADER = """\
# 预算绩效运行监控预警规则
#
# 依据《市级部门预算绩效运行监控管理办法》第四章：及时性、合规性、有效性监控，采用目标比较法。
# 灯：红灯（严重偏差，须整改）、黄灯（需关注）、绿灯（正常）、蓝灯（指标完成远超序时，目标可能定得偏低）；
# 「无」表示仅作提示，不影响灯色。项目的灯取其各项灯中最差者：红 > 黄 > 蓝 > 绿。
# 百分数阈值直接写数字：60 表示 60%。序时进度 = 截至月份 ÷ 12 × 100（1-6月为 50%）。
# 比值先四舍五入到两位小数，再与阈值比较，消息和汇总表显示的就是判灯所用的数：1-5月支出进度 25.00%，
# 序时进度 41.67%，比值 25.00 ÷ 41.67 × 100 = 60.00，不低于 60，是黄灯而不是红灯。
#
# docgen 内置一份默认规则；仓库中的 schema/rules.yaml（可用 docgen rules --init 生成）写出的规则和键
# 覆盖默认值，未写的沿用默认值。修改后运行 docgen rules 查看生效的规则，docgen validate 校验本文件。
# 消息和建议中的 {占位符} 由 docgen 填入；可用的占位符见每条规则的说明（编辑器悬停也可看到）。
"""
#: Texts first written double-quoted in the shipped file, kept so for a byte-identical `docgen rules --init`.
_QUOTED = {("W414", "message")}


def render_defaults() -> str:
    """The defaults as the commented YAML of `docgen/check/rules.yaml` (`make rules` writes it; a test compares)."""
    k = KEYS
    out = [_HEADER, f"{RULES_KEY}:"]
    category = None
    for code, rule in DECLARATIONS.items():
        if category is not None:
            out.append("")  # a blank line between rules
        if rule.category != category:
            category = rule.category
            out.append(f"  # {'-' * 64} {category}")
        out += [f"  {code}:", f"    {k['name']}: {rule.name}", f"    {k['category']}: {rule.category}"]
        out += [f"    {k['enabled']}: {_flag(rule.enabled)}", f"    {k['exempt']}: {_flag(rule.exempt_research)}"]
        out += [f"    {k['explain']}: >-", *(f"      {line}" for line in rule.explain)]
        if rule.light is not None:
            out.append(f"    {k['light']}: {_WORDS_OF[rule.light]}")
        if rule.thresholds:
            out.append(f"    {k['thresholds']}:")
            out += [f"      {key}: {_yaml_value(_default_value(kind, value))}" for key, (kind, value) in rule.thresholds.items()]
        for name in ("message", "advice"):
            text = getattr(rule, name)
            out.append(f"    {k[name]}: " + (json.dumps(text, ensure_ascii=False) if (code, name) in _QUOTED else text))
    return "\n".join(out) + "\n"


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _yaml_value(value: Any) -> str:
    return "[" + ", ".join(value) + "]" if isinstance(value, list) else str(value)


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
    effective = merged if merged is not None else merge(default_rules(), rules)
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
                "properties": {key: _threshold_schema(kind, key, thresholds.get(key)) for key, (kind, _) in spec.thresholds.items()},
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
    defaults = default_rules()
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
                "minimum": DEFAULT_POOL,
                "title": POOL_KEY,
                "description": "涉密项目的金额、灯色和预警规则只在至少这么多个涉密项目合并时才公开（默认 3，只能调高，不能低于 3）；"
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

PROFILE_SCHEMA_FILE = "profile.schema.json"
SCHEMA_FILES = {
    "project": "project.schema.json",
    "department": "department.schema.json",
    "roster": "roster.schema.json",
    "rules": "rules.schema.json",
    **review_form.SCHEMA_FILES,
    targets_form.KIND: targets_form.SCHEMA_FILE,
}

SCHEMAS = {
    "project": project_schema,
    "department": department_schema,
    "roster": roster_schema,
    "rules": rules_schema,
    **review_form.SCHEMAS,
    targets_form.KIND: targets_form.targets_schema,
}
#: The forms' kinds among SCHEMAS: their schemas follow the repository's profile.
FORM_KINDS = ("project", "department", "roster")


def schema_for(kind: str, profile: forms.Profile | None = None) -> Schema:
    """The JSON Schema of a kind of file, derived from the forms' description (the repository's `profile`, else the
    default) so the two never disagree."""
    if kind in FORM_KINDS and profile is not None:
        return {"project": project_schema, "department": department_schema, "roster": roster_schema}[kind](profile)
    if kind == targets_form.KIND and profile is not None:  # the approved indicators in the profile's keys
        return targets_form.targets_schema(profile)
    return SCHEMAS[kind]()


def export(directory: Path, profile: forms.Profile | None = None) -> list[Path]:
    """Write every schema as pretty JSON (UTF-8, Chinese unescaped) so editors can use it: the forms' as the
    repository's profile describes them, and the profile file's own."""
    written = []
    for kind, name in SCHEMA_FILES.items():
        path = directory / name
        output.write_text(path, json.dumps(schema_for(kind, profile), ensure_ascii=False, indent=2) + "\n")
        written.append(path)
    path = directory / PROFILE_SCHEMA_FILE
    output.write_text(path, json.dumps(profile_schema(), ensure_ascii=False, indent=2) + "\n")
    written.append(path)
    return written

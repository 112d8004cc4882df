"""Every monitoring rule is declared once (check/rulebook.py) with one function (evaluate/rules/), and the shipped
rules file is the declarations' printout."""

from __future__ import annotations

import re

from docgen.check import rulebook as B
from docgen.check import ruleset as R
from docgen.check.load import load_file
from docgen.check.validate import schema_findings


def test_the_shipped_rules_file_is_the_rulebooks_printout() -> None:
    committed = R.default_path().read_text(encoding="utf-8")
    assert committed == R.render_defaults(), "src/docgen/check/rules.yaml is stale: run make rules"


def test_the_defaults_are_what_the_shipped_file_reads_as() -> None:
    doc, problems = load_file(R.default_path())
    assert doc is not None and problems == [] and schema_findings(doc, "rules") == []
    assert R.check_document(doc) == []
    assert doc.data[R.RULES_KEY] == R.default_rules()
    assert R.complete(R.default_rules()) == []


def test_every_text_uses_only_the_placeholders_its_rule_provides() -> None:
    for code, rule in B.DECLARATIONS.items():
        assert set(R.placeholders(rule.message) or []) <= set(rule.placeholders), code
        assert R.placeholders(rule.advice) == [], code  # advice is quoted as written
        explained = " ".join(rule.explain).partition("占位符：")[2]
        assert set(re.findall(r"\{(\w+)\}", explained)) == set(rule.placeholders), f"{code}: 说明 lists other placeholders"


def test_declarations_are_well_formed() -> None:
    kinds = {B.PERCENT, B.AMOUNT, B.MONTH, B.WORDS, B.LEVEL1, B.LEVEL2, B.LIGHT}
    for code, rule in B.DECLARATIONS.items():
        assert re.fullmatch(r"[WI]4\d\d", code) and rule.code == code
        assert rule.category in B.CATEGORIES and rule.name and rule.message and rule.advice and rule.explain
        assert rule.light in (None, B.RED, B.YELLOW, B.HINT)
        assert all(kind in kinds for kind, _ in rule.thresholds.values()), code
        grades = {B.RED_BELOW, B.YELLOW_BELOW, B.BLUE_FROM, B.YELLOW_FROM, B.RED_FROM}
        graded = any(key in grades or kind == B.LIGHT for key, (kind, _) in rule.thresholds.items())
        assert (rule.light is None) == graded, f"{code}: a rule has a fixed light or graded thresholds, not both"


def test_every_declared_rule_has_one_function_and_every_function_a_declaration() -> None:
    from docgen.evaluate.rules import IMPLEMENTATIONS  # the logic, registered by code with @implements

    assert sorted(IMPLEMENTATIONS) == sorted(B.DECLARATIONS)
    for code, implementation in IMPLEMENTATIONS.items():
        assert implementation.function.__module__.startswith("docgen.evaluate.rules."), code
        assert code in (implementation.function.__doc__ or ""), f"{code}: its function's docstring names another rule"

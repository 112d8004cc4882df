"""Every rule that reads a column is silent on a form without it (rulebook's `reads`), and still fires on 朔州's.

For each such rule one submission that makes it fire on 朔州's form (all columns), then the same figures on a form
that lacks the column the rule reads, typed as that form types them (no key for a column it does not have): the
rule says nothing there, rather than raise an alarm about a column nobody can fill. The shapes are the shipped ones
— Hubei's (no 上年结转, 下达数, 二级指标, 全年预计 indicator column, 偏差原因分析 column: table-level rows instead),
the national one (偏差原因分析 split into 经费保障…) — and, for the 全年预计支出数 column no shipped form lacks, Hubei's
form without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from docgen.check import rulebook
from docgen.form import forms, model
from docgen.form import vocabulary as F
from tests.evaluate.factory import analyse, fund, green_indicators, indicator, project_data

PATH = Path("submissions/2025-06/101-教育局/101-2025-001.yaml")


def _no_expected_form() -> forms.Form:
    """Hubei's form without its 全年预计执行数 column (a shape no shipped profile has)."""
    data = dict(forms.builtin_data("hubei"))
    columns = [c for c in data["columns"]["budget"] if c["field"] != "expected"]
    data.update(id="no-expected", columns={**data["columns"], "budget": columns})
    return forms.build_profile(data).form("project")


def _on(form: forms.Form, data: dict[str, Any]) -> dict[str, Any]:
    """The submission typed on `form`: its first fund row, no key for an amount or indicator column it lacks."""
    keys = {F.AMOUNT_FIELDS[name] for name in form.absent}
    (row,) = data["资金"].values()  # one fund row, typed as the form's first
    funds = {form.tables[0].rows[0]: {k: v for k, v in row.items() if k not in keys}}
    fields = form.indicators.fields if form.indicators is not None else ()
    typed = {f.key for f in fields if f.name in form.indicator_fields | {"name"}}
    indicators = [{k: v for k, v in ind.items() if k in typed} for ind in data["绩效指标"]]
    return {**data, "资金": funds, "绩效指标": indicators}


def _codes(data: dict[str, Any], form: forms.Form) -> set[str]:
    sub = model.build("project", PATH, data, form)
    found = analyse(sub).of(sub.path)
    assert found is not None
    return {f.code for f in found.findings}


def _with(**given: Any) -> dict[str, Any]:
    return project_data(funds={"市级财政资金": fund(**given)})


def _indicators(*extra: dict[str, Any]) -> dict[str, Any]:
    return project_data(indicators=[*green_indicators(), *extra])


HUBEI = forms.builtin("hubei").form("project")
NATIONAL = forms.builtin("national-2019").form("project")
#: rule -> (figures that make it fire on 朔州's form, the form lacking what it reads, what it reads)
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "W402": (_with(budget=100, allocated=10, spent=10), "hubei"),
    "W403": (_with(carried=80, budget=100, allocated=100, spent=90), "hubei"),
    "W405": (
        project_data(
            funds={"市级财政资金": fund(budget=100, allocated=100, spent=0)},
            indicators=[indicator(result="60人"), *green_indicators()[1:]],
        ),
        "national-2019",
    ),
    "W412": (_with(budget=100, allocated=150, spent=60), "hubei"),
    "W415": (_with(budget=100, allocated=40, spent=60), "national-2019"),
    "W404": (_with(budget=100, allocated=100, spent=50, expected=60), "no-expected"),
    "W416": (_with(budget=100, allocated=100, spent=50, expected=40), "no-expected"),
    "W423": (_indicators(indicator("培训人次", "≥100人", "50人", "60人", likelihood="有可能", 偏差原因分析="过程方面：延期。")), "hubei"),
    "W425": (_indicators(indicator("培训人次", "≥100人", "10人", "100人", 按进度累计=True)), "hubei"),
    "W426": (_indicators(indicator("培训人次", "≥100人", "10人", "60人", likelihood="有可能", 偏差原因分析="天气原因。")), "national-2019"),
}


def _form(which: str) -> forms.Form:
    return _no_expected_form() if which == "no-expected" else forms.builtin(which).form("project")


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_rule_fires_on_the_form_that_has_its_column(code: str) -> None:
    data, _ = CASES[code]
    assert code in _codes(data, forms.DEFAULT.form("project"))


@pytest.mark.parametrize("code", sorted(CASES))
def test_the_rule_is_silent_on_a_form_without_its_column(code: str) -> None:
    data, which = CASES[code]
    form = _form(which)
    assert not rulebook.DECLARATIONS[code].applies(form)
    assert code not in _codes(_on(form, data), form)


@pytest.mark.parametrize(
    ("column", "lacking", "having"),
    [
        ("carried_over", "hubei", "shuozhou-district"),
        ("allocated", "national-2019", "shuozhou-city"),
        ("indicator.expected", "hubei", "national-2019"),
        ("indicator.deviation", "hubei", "national-2019"),
        ("indicator.deviation_text", "national-2019", "shuozhou-county"),
        ("indicator.level2", "hubei", "national-2019"),
    ],
)
def test_what_a_form_lacks_is_read_from_its_columns(column: str, lacking: str, having: str) -> None:
    assert forms.builtin(lacking).form("project").lacks(column)
    assert not forms.builtin(having).form("project").lacks(column)


def test_every_rule_that_reads_a_column_has_both_tests() -> None:
    """A rule given `reads` later is not left without its firing and silent tests here."""
    reading = {code for code, d in rulebook.DECLARATIONS.items() if d.reads}
    assert reading == set(CASES)
    assert HUBEI.lacks("allocated") and NATIONAL.lacks("indicator.deviation_text") and _no_expected_form().lacks("expected")

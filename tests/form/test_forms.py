"""The forms are described once (form/forms.py): a fund row or a whole budget table added to the description reaches
the schema, the typed model, the figures, the .xlsx grid and 附件1's tables with nothing else changed."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from docgen import api
from docgen.check.load import load_file
from docgen.evaluate import draft
from docgen.evaluate.evaluation import evaluate
from docgen.form import forms, schema
from docgen.form import vocabulary as F
from docgen.form.model import Amounts, Project
from docgen.render import docx, layout, templates
from docgen.site import generate
from tests.conftest import ROOT

DEMO = ROOT / "submissions" / "2025-06" / "101-教育局" / "101-2025-001.yaml"
BOND, EARLY, LATE, STAGES = "债券资金", "前期", "实施期", "资金按阶段"
STAGE_TABLE = forms.BudgetTable(
    "",
    "funds_by_stage",
    (EARLY, LATE),
    key=STAGES,
    title="项目资金按实施阶段",
    description="按实施阶段分行填写。",
    caption="表{number}  项目资金预算执行情况（按实施阶段，单位：万元）",
    row_heading="实施阶段",
    draft_heading="按实施阶段分，",
)


def extended() -> forms.Form:
    """附件2 with one more fund row in its table and one more budget table, as a copy of the description."""
    base = forms.PROJECT_FORM
    funds = base.table("funds")
    more = dataclasses.replace(funds, rows=(*funds.rows, BOND))
    blocks = tuple(dataclasses.replace(b, tables=(more, STAGE_TABLE)) if isinstance(b, forms.Budget) else b for b in base.blocks)
    at = next(i for i, f in enumerate(base.fields) if f.name == "funds") + 1
    fields = (*base.fields[:at], forms.Field("funds_by_stage", "table", written=STAGES), *base.fields[at:])
    return dataclasses.replace(base, blocks=blocks, fields=fields)


def amounts(budget: str, spent: str) -> dict[str, Any]:
    return {
        "上年结转": 0,
        "本年预算": Decimal(budget),
        "下达数": Decimal(budget),
        "支出数": Decimal(spent),
        "全年预计支出数": Decimal(budget),
    }


@pytest.fixture
def project(monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setitem(forms.FORMS, "project", extended())
    doc, problems = load_file(DEMO)
    assert doc is not None and not problems
    data = copy.deepcopy(doc.data)
    data[F.KEYS["funds"]][BOND] = amounts("100", "40")
    data[STAGES] = {EARLY: amounts("300", "200"), LATE: amounts("200", "10")}
    return Project.from_data(DEMO, data)


def test_the_schema_takes_the_new_row_and_table(project: Project) -> None:
    generated = schema.project_schema()
    assert BOND in generated["properties"][F.KEYS["funds"]]["properties"]
    stage = generated["properties"][STAGES]
    assert list(stage["properties"]) == [EARLY, LATE] and stage["title"] == STAGE_TABLE.title
    keys = list(generated["properties"])
    assert keys.index(STAGES) == keys.index(F.KEYS["funds"]) + 1


def test_the_model_and_the_figures_take_them(project: Project) -> None:
    assert project.tables["funds"][BOND] == Amounts(budget=Decimal(100), allocated=Decimal(100), spent=Decimal(40), expected=Decimal(100))
    assert set(project.tables["funds_by_stage"]) == {EARLY, LATE}
    ev = evaluate(project)
    assert list(ev.tables) == ["funds", "funds_by_stage"]
    assert list(ev.tables["funds"])[-1] == BOND
    assert list(ev.tables["funds_by_stage"]) == [F.TOTAL_ROW, EARLY, LATE]
    stage_total = ev.tables["funds_by_stage"][F.TOTAL_ROW]
    assert (stage_total.subtotal, stage_total.spent, stage_total.spend_progress) == (Decimal(500), Decimal(210), Decimal("42.00"))
    assert ev.headline.budget == sum((a.budget for a in project.funds.values()), Decimal(0))


def test_the_grid_and_report_tables_take_them(project: Project) -> None:
    ev = evaluate(project)
    sheet = layout.place(ev)
    labels = [c.value for c in sheet.cells if c.style == "label"]
    assert BOND in labels and F.FIRST_ROW_PREFIX + EARLY in labels and LATE in labels
    assert {c.field for c in sheet.cells if c.field} >= {f"funds.{BOND}.spent", f"funds_by_stage.{EARLY}.spend_progress"}
    tables = draft.budget_tables(ev)
    assert [t.caption for t in tables] == ["表1  项目资金预算执行情况（单位：万元）", "表2  项目资金预算执行情况（按实施阶段，单位：万元）"]
    assert BOND in tables[0].rows and tables[1].label == STAGE_TABLE.row_heading
    ref = docx.reference(templates.find(ROOT).path(templates.REPORT_DOCX))
    body = docx.body_xml(ev, ref)
    assert STAGE_TABLE.caption.format(number=2) in body and BOND in body
    drafted = draft.execution(evaluate(dataclasses.replace(project, report={})))
    assert any(paragraph.startswith(STAGE_TABLE.draft_heading + EARLY) for paragraph in drafted)


def test_the_scaffold_and_the_guide_take_them(project: Project, tmp_path: Path) -> None:
    """`docgen new` writes the new row and table to fill in, and the site's 表样说明 lists them."""
    (tmp_path / "submissions").mkdir()
    made, _ = api.new("project", tmp_path, "2025-06", "101", code="101-2025-009")
    scaffold = yaml.safe_load((tmp_path / made).read_text(encoding="utf-8"))
    assert BOND in scaffold[F.KEYS["funds"]] and list(scaffold[STAGES]) == [EARLY, LATE]
    page = generate._environment().get_template("guide/forms.md.j2").render(F=F, forms=forms.FORMS, indicator_schema={})
    assert f"| {BOND} |" in page and f"键为「{STAGES}」" in page and f"| {LATE} |" in page

"""A project filled in on another region's form shows that form's own grid on its site page (site/generate.py
`form_grid`), built from the placed cells the workbook draws: every label and value, check-boxes and table-level rows
included, each value escaped. 朔州's forms keep their hand-set tables (`own_form` is False for them)."""

from __future__ import annotations

from pathlib import Path

from docgen.check.load import load_file, load_text
from docgen.evaluate.evaluation import evaluate
from docgen.form import forms, model
from docgen.site.generate import Entry, form_grid, own_form

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "profiles" / "hubei" / "submissions" / "2025-06" / "301-文化和旅游局" / "301-2025-001.yaml"


def _entry(sub: model.Project) -> Entry:
    return Entry("project", sub.period, sub.department_code, sub.department, sub.code, sub.name, model=sub, evaluation=evaluate(sub))


def test_a_project_on_the_hubei_form_shows_the_hubei_grid() -> None:
    doc, _ = load_file(DEMO)
    assert doc is not None
    sub = model.build("project", DEMO, doc.data, forms.builtin("hubei").form("project"))
    assert isinstance(sub, model.Project)
    assert own_form(sub)
    html = str(form_grid(_entry(sub)))
    for text in ("项目属性", "持续性项目 ☑", "年初预算数", "87.57", "指标名称", "不可能", "相关建议或举措", doc.data["相关建议或举措"]):
        assert text in html, text
    assert "<th" in html and "rowspan=" in html and "colspan=" in html


def test_the_default_form_keeps_its_own_tables() -> None:
    path = next((ROOT / "submissions").rglob("*-2025-001.yaml"))
    doc, _ = load_file(path)
    assert doc is not None
    sub = model.build("project", path, doc.data)
    assert isinstance(sub, model.Project)
    assert not own_form(sub)


def test_a_value_on_the_grid_is_escaped() -> None:
    text = DEMO.read_text(encoding="utf-8").replace("工业遗产申遗经费", "<script>alert(1)</script>&")
    doc, _ = load_text(DEMO, text)
    assert doc is not None
    sub = model.build("project", DEMO, doc.data, forms.builtin("hubei").form("project"))
    assert isinstance(sub, model.Project)
    html = str(form_grid(_entry(sub)))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html


def test_a_column_the_form_lacks_reads_as_a_dash_not_as_unreported() -> None:
    from docgen.form import vocabulary as F
    from docgen.site.generate import _amount, _figure

    doc, _ = load_file(DEMO)
    assert doc is not None
    sub = model.build("project", DEMO, doc.data, forms.builtin("hubei").form("project"))
    total = next(iter(evaluate(sub).tables.values()))[F.TOTAL_ROW]  # type: ignore[arg-type]
    assert str(_figure(total, "allocation_rate")) == str(_amount(total, "allocated")) == F.NO_RATE
    assert str(_figure(total, "spent")) == "92.57"

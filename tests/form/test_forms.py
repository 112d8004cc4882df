"""The forms are described once (form/forms.py): a fund row or a whole budget table added to the description reaches
the schema, the typed model, the figures, the .xlsx grid and 附件1's tables with nothing else changed; a likelihood
choice, a 二级指标, a 附件1 section or a 审核意见 conclusion reaches the schema; a text's cell bound (E220) and the
subject the drafts name are the description's too."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from docgen import api
from docgen.check import validate
from docgen.check.load import load_file
from docgen.evaluate import conclusions, draft
from docgen.evaluate.evaluation import evaluate
from docgen.form import forms, limits, schema
from docgen.form import vocabulary as F
from docgen.form.model import Amounts, Project
from docgen.render import docx, layout, templates
from docgen.site import generate
from tests.conftest import ROOT
from tests.evaluate import factory

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


# --- the indicator block, 附件1's sections, 审核意见 and the cell bounds, from the same description ---------------

INDICATOR_PATH = ("properties", F.KEYS["indicators"], "items")


def _indicator_schema(generated: dict[str, Any]) -> dict[str, Any]:
    node = generated
    for step in INDICATOR_PATH:
        node = node[step]
    return node


def _with_indicators(form: forms.Form, **changes: Any) -> forms.Form:
    """`form` with its Indicators block changed as given (a copy: the description itself is left as it is)."""
    blocks = tuple(dataclasses.replace(b, **changes) if isinstance(b, forms.Indicators) else b for b in form.blocks)
    return dataclasses.replace(form, blocks=blocks)


def _replace_field(fields: tuple[forms.Field, ...], name: str, **changes: Any) -> tuple[forms.Field, ...]:
    return tuple(dataclasses.replace(f, **changes) if f.name == name else f for f in fields)


def test_a_renamed_likelihood_answer_reaches_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """The profile's scale is the one list of answers: renamed there, every form's 完成目标可能性 offers the new one."""
    data = copy.deepcopy(forms.builtin_data(forms.DEFAULT_PROFILE))
    data["likelihoods"][0]["answer"] = "肯定能"
    profile = forms.build_profile(data)
    renamed = ("肯定能", *F.LIKELIHOODS[1:])
    assert profile.answers == renamed
    for kind, form in profile.forms.items():
        monkeypatch.setitem(forms.FORMS, kind, form)
    for generated in (schema.project_schema(), schema.department_schema()):
        likelihood = _indicator_schema(generated)["properties"][F.INDICATOR_FIELDS["likelihood"]]
        assert likelihood["enum"] == [*renamed, F.NOT_REPORTED]


def test_one_form_s_answers_changed_on_a_copy_leave_the_other_form_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    block = forms.PROJECT_FORM.indicators
    assert block is not None
    scale = (forms.Likelihood("能", "certain"), forms.Likelihood("不能", "impossible", reason=True, measures=True))
    monkeypatch.setitem(forms.FORMS, "project", dataclasses.replace(forms.PROJECT_FORM, likelihoods=scale))
    project = _indicator_schema(schema.project_schema())["properties"][F.INDICATOR_FIELDS["likelihood"]]
    assert project["enum"] == ["能", "不能", F.NOT_REPORTED]
    department = _indicator_schema(schema.department_schema())["properties"][F.INDICATOR_FIELDS["likelihood"]]
    assert department["enum"] == [*F.LIKELIHOODS, F.NOT_REPORTED]


def test_the_taxonomy_and_the_indicator_keys_reach_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 二级指标 added under an 一级, and a new optional key of an indicator, are each one change to the block."""
    block = forms.PROJECT_FORM.indicators
    assert block is not None
    taxonomy = tuple(dataclasses.replace(c, kinds=(*c.kinds, "安全效益指标")) if c.name == "效益指标" else c for c in block.taxonomy)
    extra = forms.Field("unit", "text", "计量单位", ("人",), written="计量单位")
    fields = (*block.fields, extra)
    monkeypatch.setitem(forms.FORMS, "project", _with_indicators(forms.PROJECT_FORM, taxonomy=taxonomy, fields=fields))
    row = _indicator_schema(schema.project_schema())
    level2 = row["properties"][F.INDICATOR_FIELDS["level2"]]
    assert "安全效益指标" in level2["enum"] and "可持续影响指标、安全效益指标；" in level2["description"]
    benefit = next(rule for rule in row["allOf"] if rule["if"]["properties"][F.INDICATOR_FIELDS["level1"]]["const"] == "效益指标")
    assert benefit["then"]["properties"][F.INDICATOR_FIELDS["level2"]]["enum"][-1] == "安全效益指标"
    assert row["properties"]["计量单位"]["examples"] == ["人"] and "计量单位" not in row["required"]
    assert row["required"] == [F.INDICATOR_FIELDS[name] for name in F.INDICATOR_REQUIRED]


def test_a_new_report_section_reaches_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 附件1 section added to the description is a new 分析报告 entry, its text said of the form's own subject."""
    added = F.Section("六、下一步工作安排", "下一步工作安排", 1, "{subject}下半年的工作安排", "下半年，本{subject}将……")
    for kind in ("project", "department"):
        form = forms.FORMS[kind]
        monkeypatch.setitem(forms.FORMS, kind, dataclasses.replace(form, report=(*form.report, added)))
    for generated, subject in ((schema.project_schema(), "项目"), (schema.department_schema(), "部门")):
        report = generated["properties"][F.KEYS["report"]]["properties"]
        assert list(report)[-1] == "下一步工作安排" and list(report)[:-1] == list(F.REPORT_KEYS)
        assert report["下一步工作安排"]["description"] == f"{subject}下半年的工作安排"
        assert report["下一步工作安排"]["examples"] == [f"下半年，本{subject}将……"]
        assert report["基本情况"]["description"].startswith(f"{subject}概况")


def test_a_review_conclusion_added_reaches_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    reviews = next(f for f in forms.PROJECT_FORM.fields if f.name == "reviews")
    more = dataclasses.replace(reviews, items=_replace_field(reviews.items, "conclusion", choices=(*F.REVIEW_CONCLUSIONS, "暂缓")))
    changed = dataclasses.replace(forms.PROJECT_FORM, fields=tuple(more if f.name == "reviews" else f for f in forms.PROJECT_FORM.fields))
    monkeypatch.setitem(forms.FORMS, "project", changed)
    item = schema.project_schema()["properties"][F.KEYS["reviews"]]["items"]
    assert item["properties"][F.REVIEW_FIELDS["conclusion"]]["enum"] == [*F.REVIEW_CONCLUSIONS, "暂缓"]
    assert item["required"] == [F.REVIEW_FIELDS[name] for name in ("unit", "date", "conclusion", "opinion")]


@pytest.fixture
def fresh_validator() -> Iterator[None]:
    """The compiled schemas are cached per kind: a test that changes the description compiles its own, and leaves none."""
    validate._validator.cache_clear()
    yield
    validate._validator.cache_clear()


def _schema_codes(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "101-2025-001.yaml"
    path.write_text(text, encoding="utf-8")
    doc, problems = load_file(path)
    assert doc is not None and not problems
    return [f.code for f in validate.schema_findings(doc, "project")]


def _demo_with(key: str, value: str, *, indent: str = "") -> str:
    text = DEMO.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith(f"{indent}{key}: "))
    return text.replace(line, f"{indent}{key}: {value}", 1)


def test_too_long_for_its_cell_is_told_by_the_field_not_by_its_limit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_validator: None
) -> None:
    """E220 is the field's (Field.in_cell): a 偏差原因分析 bounded like a name is still too long for its cell, and a
    name with the same bound is only too long (E213)."""
    block = forms.PROJECT_FORM.indicators
    assert block is not None
    fields = _replace_field(block.fields, "deviation", max_chars=limits.MAX_NAME_CHARS)
    monkeypatch.setitem(forms.FORMS, "project", _with_indicators(forms.PROJECT_FORM, fields=fields))
    too_long = "长" * (limits.MAX_NAME_CHARS + 1)
    assert _schema_codes(_demo_with(F.INDICATOR_FIELDS["deviation"], too_long, indent="    "), tmp_path) == ["E220"]
    assert _schema_codes(_demo_with(F.KEYS["project_name"], too_long), tmp_path) == ["E213"]


def test_a_bound_that_is_not_a_cell_is_a_plain_length(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_validator: None) -> None:
    block = forms.PROJECT_FORM.indicators
    assert block is not None
    fields = _replace_field(block.fields, "deviation", in_cell=False)
    monkeypatch.setitem(forms.FORMS, "project", _with_indicators(forms.PROJECT_FORM, fields=fields))
    too_long = "长" * (limits.MAX_DEVIATION_CHARS + 1)
    assert _schema_codes(_demo_with(F.INDICATOR_FIELDS["deviation"], too_long, indent="    "), tmp_path) == ["E213"]


def test_the_drafted_conclusion_names_the_subject_the_form_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    sub = factory.project({"市级财政资金": factory.fund(spent=10)}, indicators=factory.green_indicators())
    sa = factory.analyse(sub).of(sub.path)
    assert sa is not None
    lead = "经监控，截至2025年6月底，"
    assert conclusions.conclusion(sa).startswith(lead + forms.PROJECT_FORM.report_referent)
    monkeypatch.setitem(forms.FORMS, "project", dataclasses.replace(forms.PROJECT_FORM, report_referent="本项目"))
    assert conclusions.conclusion(sa).startswith(lead + "本项目")


def test_the_default_profile_s_bounds_and_review_keys_are_those_the_code_reads() -> None:
    """The cells' bounds are those the grid was measured for (limits.py), and the 审核意见 keys the model reads."""
    block = forms.PROJECT_FORM.indicators
    assert block is not None
    assert (block.field("deviation").max_chars, block.field("remark").max_chars) == (limits.MAX_DEVIATION_CHARS, limits.MAX_REMARK_CHARS)
    in_cell = [(f.name, f.max_chars) for form in (forms.PROJECT_FORM, forms.DEPARTMENT_FORM) for f in form.fields if f.in_cell]
    assert in_cell == [("project_target", limits.MAX_TARGET_CHARS), ("dept_target", limits.MAX_TARGET_CHARS)]
    reviews = next(f for f in forms.PROJECT_FORM.fields if f.name == "reviews")
    assert {f.name: f.key for f in reviews.items} == F.REVIEW_FIELDS

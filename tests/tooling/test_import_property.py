"""Property: any submission docgen renders as 附件2/附件3 reads back to the same values (build -> import is exact)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen.form import vocabulary as F
from docgen.form.forms import DEFAULT_PROFILE, FORMS, Form, Ident, builtin, builtin_ids, form_of
from docgen.form.model import Department, Project
from docgen.tooling import importer, sheets
from tests.evaluate.factory import PERIOD_DIR, project_data
from tests.tooling.test_import import _form_view
from tests.tooling.workbooks import docgen_workbook

CJK = "项目资金绩效指标完成情况预计年度目标学生教师医院道路农田补助发放人次个所天元万率"
TEXT = (
    st.text(alphabet=CJK + "0123456789≥≤%（）、，。-=+@ abcXYZ", min_size=1, max_size=24)
    .map(str.strip)
    .filter(lambda t: bool(t) and t not in F.UNKNOWN_WORDS and "调整后" not in t and not importer._DOTS.match(t) and t != F.NOT_REPORTED)
)
VALUE = st.one_of(TEXT, st.sampled_from(["≥95%", "12000人", "≤30天", "100%", "0.54", F.NOT_REPORTED, "2025年10月底前"]))
AMOUNT = st.one_of(
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=1000, places=6, allow_nan=False, allow_infinity=False),
    st.just(F.NOT_REPORTED),
)
LEVELS = [(l1, l2) for l1, l2s in F.TAXONOMY.items() for l2 in l2s]


@st.composite
def fund_rows(draw: st.DrawFn, rows: tuple[str, ...]) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(rows), min_size=1, max_size=len(rows), unique=True))
    return {row: {key: draw(AMOUNT) for key in F.AMOUNT_FIELDS.values()} for row in chosen}


@st.composite
def indicators(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(TEXT, min_size=1, max_size=6, unique=True))
    out = []
    for name in names:
        level1, level2 = draw(st.sampled_from(LEVELS))
        item: dict[str, Any] = {
            "一级指标": level1,
            "二级指标": level2,
            "三级指标": name,
            "年度指标值": draw(VALUE),
            "指标完成情况": draw(VALUE),
            "全年指标预计完成情况": draw(VALUE),
            "完成目标可能性": draw(st.sampled_from([*F.LIKELIHOODS, F.NOT_REPORTED])),
        }
        if draw(st.booleans()):
            item["偏差原因分析"] = draw(TEXT)
        if draw(st.booleans()):
            item["备注"] = draw(TEXT)
        if draw(st.integers(0, 4)) == 0:
            item["调整后指标值"] = draw(st.sampled_from(["≥90%", "11500人"]))
        out.append(item)
    return out


@st.composite
def submissions(draw: st.DrawFn) -> Project | Department:
    month = draw(st.integers(1, 12))
    if draw(st.booleans()):
        data = project_data(draw(fund_rows(FORMS["project"].tables[0].rows)), draw(indicators()), month=month)
        data["项目名称"], data["项目年度绩效目标"], data["预算单位"] = draw(TEXT), draw(TEXT), draw(TEXT)
        return Project.from_data(PERIOD_DIR / "101-2025-001.yaml", data)
    data = {
        "年度": 2025,
        "截至月份": month,
        "主管部门": draw(TEXT),
        "主管部门代码": "101",
        "资金按类型": draw(st.one_of(fund_rows(FORMS["department"].tables[0].rows), st.just(F.NOT_REPORTED))),
        "资金按用途": draw(fund_rows(FORMS["department"].tables[1].rows)),
        "年度绩效目标": draw(TEXT),
        "绩效指标": draw(st.one_of(indicators(), st.just(F.NOT_REPORTED))),
    }
    return Department.from_data(PERIOD_DIR / "部门整体.yaml", data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sub=submissions())
def test_a_rendered_form_reads_back_exactly(sub: Project | Department, tmp_path_factory: Any) -> None:
    folder = tmp_path_factory.mktemp("books")
    book = docgen_workbook(sub, Path(folder))
    reads, problems = importer.read_workbook(sheets.open_workbook(book))
    assert problems == [] and len(reads) == 1
    read = reads[0]
    assert read.problems == [], [p.text() for p in read.problems]
    assert read.kind == sub.kind and read.period == sub.period
    expected = _expected(sub)
    assert _form_view(read.data) == _form_view(expected)


def _expected(sub: Project | Department) -> dict[str, Any]:
    """The submission's form-carried data, rebuilt from the model (what the workbook was drawn from)."""
    data: dict[str, Any] = {
        "年度": sub.period.year,
        "截至月份": sub.period.month,
        "主管部门": sub.department,
        "主管部门代码": sub.department_code,
    }
    if isinstance(sub, Project):
        data.update({"项目名称": sub.name, "预算单位": sub.unit, "项目年度绩效目标": sub.target})
    else:
        data["年度绩效目标"] = sub.target
    for table in form_of(sub).tables:
        if table.field in sub.unreported:
            data[table.key] = F.NOT_REPORTED
            continue
        rows = {}
        for row, amounts in sub.tables[table.field].items():
            rows[row] = {
                key: F.NOT_REPORTED if not amounts.reported(name) else Decimal(getattr(amounts, name))
                for name, key in F.AMOUNT_FIELDS.items()
            }
        data[table.key] = rows
    if "indicators" in sub.unreported:
        data["绩效指标"] = F.NOT_REPORTED
    else:
        items = []
        for ind in sub.indicators:
            item = {
                "一级指标": ind.level1,
                "二级指标": ind.level2,
                "三级指标": ind.name,
                "年度指标值": str(ind.target),
                "指标完成情况": str(ind.result),
                "全年指标预计完成情况": str(ind.expected),
                "完成目标可能性": ind.likelihood,
            }
            if ind.adjusted_target is not None:
                item["调整后指标值"] = str(ind.adjusted_target)
            if ind.deviation:
                item["偏差原因分析"] = ind.deviation
            if ind.remark:
                item["备注"] = ind.remark
            items.append(item)
        data["绩效指标"] = items
    return data


# --- every shipped profile: the same property through each profile's own forms ------------------------------------


def _levels(form: Form) -> list[tuple[str, ...]]:
    block = form.indicators
    assert block is not None
    taxonomy = [(c.name, c.kinds) for c in block.taxonomy] or list(F.TAXONOMY.items())
    if "level2" in form.levels:
        return [(l1, l2) for l1, l2s in taxonomy for l2 in l2s]
    return [(l1,) for l1, _ in taxonomy]


@st.composite
def profile_fund_rows(draw: st.DrawFn, form: Form, rows: tuple[str, ...]) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(rows), min_size=1, max_size=len(rows), unique=True))
    keys = [F.AMOUNT_FIELDS[name] for name in form.amounts if name in F.AMOUNT_FIELDS]
    out: dict[str, Any] = {}
    for row in chosen:
        amounts = {key: draw(AMOUNT) for key in keys}
        adjustable = "adjusted_budget" in {c.field for c in form.budget_columns}
        if adjustable and isinstance(amounts[F.AMOUNT_FIELDS["budget"]], Decimal) and draw(st.booleans()):
            amounts["调整后预算"] = draw(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
        out[row] = amounts
    return out


@st.composite
def profile_indicators(draw: st.DrawFn, form: Form) -> list[dict[str, Any]]:
    names = draw(st.lists(TEXT, min_size=1, max_size=5, unique=True))
    fields = form.indicator_fields
    out = []
    for name in names:
        levels = draw(st.sampled_from(_levels(form)))
        item: dict[str, Any] = {"一级指标": levels[0], "三级指标": name}
        if len(levels) > 1:
            item["二级指标"] = levels[1]
        item["年度指标值"] = draw(VALUE)
        item["指标完成情况"] = draw(VALUE)
        if "expected" in fields:
            item["全年指标预计完成情况"] = draw(VALUE)
        item["完成目标可能性"] = draw(st.sampled_from([*form.answers, F.NOT_REPORTED]))
        if form.deviation_parts:
            parts = draw(st.lists(st.sampled_from(form.deviation_parts), unique=True, max_size=len(form.deviation_parts)))
            if parts:
                item["偏差原因分析"] = {part: draw(TEXT) for part in form.deviation_parts if part in parts}
        elif "deviation" in fields and draw(st.booleans()):
            item["偏差原因分析"] = draw(TEXT)
        if "remark" in fields and draw(st.booleans()):
            item["备注"] = draw(TEXT)
        out.append(item)
    return out


def _own_texts(draw: st.DrawFn, form: Form) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cell in form.choice_cells:
        choice = draw(st.sampled_from(["", *cell.choices]))
        if choice:
            out[cell.key] = choice
    for row in form.table_rows:
        if draw(st.booleans()):
            out[row.key] = draw(TEXT)
    return out


@st.composite
def profile_submissions(draw: st.DrawFn, profile_id: str) -> Project | Department:
    forms = builtin(profile_id).forms
    month = draw(st.integers(1, 12))
    if draw(st.booleans()):
        form = forms["project"]
        data = project_data(draw(profile_fund_rows(form, form.tables[0].rows)), draw(profile_indicators(form)), month=month)
        data["项目名称"], data["项目年度绩效目标"], data["预算单位"] = draw(TEXT), draw(TEXT), draw(TEXT)
        data.update(_own_texts(draw, form))
        return Project.from_data(PERIOD_DIR / "101-2025-001.yaml", data, form)
    form = forms["department"]
    data = {
        "年度": 2025,
        "截至月份": month,
        "主管部门": draw(TEXT),
        "主管部门代码": "101",
        "年度绩效目标": draw(TEXT),
        "绩效指标": draw(st.one_of(profile_indicators(form), st.just(F.NOT_REPORTED))),
        **_own_texts(draw, form),
    }
    for table in form.tables:
        data[table.key] = draw(st.one_of(profile_fund_rows(form, table.rows), st.just(F.NOT_REPORTED)))
    return Department.from_data(PERIOD_DIR / "部门整体.yaml", data, form)


def _expected_on(sub: Project | Department, form: Form) -> dict[str, Any]:
    """What the profile's form shows of `sub`, rebuilt from the model, keyed as the importer keys it."""
    shown = {cell.field for row in form.blocks if isinstance(row, Ident) for cells in row.rows for cell in cells}
    data: dict[str, Any] = {"年度": sub.period.year, "截至月份": sub.period.month, "主管部门": sub.department}
    if "department_and_code" in shown:
        data["主管部门代码"] = sub.department_code
    if isinstance(sub, Project):
        data["项目名称"] = sub.name
        if "unit" in shown:
            data["预算单位"] = sub.unit
    if form.target is not None:
        data["项目年度绩效目标" if isinstance(sub, Project) else "年度绩效目标"] = sub.target
    for key, text in ((t.key, sub.texts.get(t.field, "")) for t in form.table_rows):
        if text:
            data[key] = text
    for cell in form.choice_cells:
        if sub.texts.get(cell.field or ""):
            data[cell.key] = sub.texts[cell.field or ""]
    for table in form.tables:
        if table.field in sub.unreported:
            data[table.key] = F.NOT_REPORTED
            continue
        rows = {}
        for row, amounts in sub.tables[table.field].items():
            rows[row] = {
                F.AMOUNT_FIELDS[name]: F.NOT_REPORTED if not amounts.reported(name) else Decimal(getattr(amounts, name))
                for name in form.amounts
                if name in F.AMOUNT_FIELDS
            }
            if amounts.adjusted_budget is not None:
                rows[row]["调整后预算"] = amounts.adjusted_budget
        data[table.key] = rows
    if "indicators" in sub.unreported:
        data["绩效指标"] = F.NOT_REPORTED
        return data
    items = []
    fields = form.indicator_fields
    for ind in sub.indicators:
        item: dict[str, Any] = {
            "一级指标": ind.level1,
            "三级指标": ind.name,
            "年度指标值": str(ind.target),
            "指标完成情况": str(ind.result),
        }
        item["完成目标可能性"] = ind.likelihood
        if "level2" in fields:
            item["二级指标"] = ind.level2
        if "expected" in fields:
            item["全年指标预计完成情况"] = str(ind.expected)
        if ind.deviation_parts:
            item["偏差原因分析"] = dict(ind.deviation_parts)
        elif ind.deviation and "deviation" in fields:
            item["偏差原因分析"] = ind.deviation
        if ind.remark and "remark" in fields:
            item["备注"] = ind.remark
        items.append(item)
    data["绩效指标"] = items
    return data


@pytest.mark.parametrize("profile_id", [p for p in builtin_ids() if p != DEFAULT_PROFILE])
def test_every_profile_form_reads_back_exactly(profile_id: str, tmp_path_factory: Any) -> None:
    forms = builtin(profile_id).forms

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(sub=profile_submissions(profile_id))
    def check(sub: Project | Department) -> None:
        folder = tmp_path_factory.mktemp("books")
        book = docgen_workbook(sub, Path(folder))
        reads, problems = importer.read_workbook(sheets.open_workbook(book), forms)
        assert problems == [] and len(reads) == 1
        read = reads[0]
        assert read.problems == [], [p.text() for p in read.problems]
        assert read.kind == sub.kind and read.period == sub.period
        form = forms[sub.kind]
        assert _form_view(read.data, form) == _form_view(_expected_on(sub, form), form)

    check()


@pytest.mark.parametrize("profile_id", builtin_ids())
def test_a_value_that_reads_as_a_later_label_is_still_a_value(profile_id: str, tmp_path: Path) -> None:
    """Found by the property above (shuozhou-county, a 预算单位 typed as 「项目年度绩效目标」): the reader took the value
    cell for the target's label, so the target row fell inside the budget table and read as a fund row without a
    label (E518). Labels of later blocks are looked for below the first budget header only."""
    forms = builtin(profile_id).forms
    form = forms["project"]
    header = next(c.header for c in form.indicator_columns if c.field == "name")
    for unit, name in ((form.target.label if form.target else "项目年度绩效目标", header), (header, "项目年度绩效目标")):
        data = project_data(month=6)
        data["预算单位"], data["项目名称"] = unit, name
        sub = Project.from_data(PERIOD_DIR / "101-2025-001.yaml", data, form)
        book = docgen_workbook(sub, tmp_path / unit)
        reads, problems = importer.read_workbook(sheets.open_workbook(book), forms)
        assert problems == [] and len(reads) == 1
        assert reads[0].problems == [], [p.text() for p in reads[0].problems]
        assert _form_view(reads[0].data, form) == _form_view(_expected_on(sub, form), form)

"""Roll-ups: a department's 汇总表 and the city's, as data and as workbooks that open in Excel and LibreOffice.

Totals equal the sum of their parts (a property test over random departments); confidential projects are
counted but never named; the same inputs give the same bytes."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgen import api
from docgen.evaluate import figures
from docgen.form.model import Amounts, Period
from docgen.render import paths, rollup
from tests.conftest import ROOT
from tests.render.conftest import pool_confidential

from .factory import analyse, fund, green_indicators, indicator, project

PERIOD = Period(2025, 6)
SECRET_NAME, SECRET_CODE = "交通战备应急通信保障专项", "104-2025-003"
MONEY_COLUMNS = ("carried_over", "budget", "subtotal", "allocated", "spent", "expected", "balance")
COUNT_COLUMNS = ("red", "yellow", "blue", "indicators", "certain", "possible", "impossible")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[api.Result, Path]]:
    before = Path.cwd()
    tree = tmp_path_factory.mktemp("demo")
    shutil.copytree(ROOT / "submissions", tree / "submissions")
    # these tests read 104's and the city's totals, which (k = 3) are withheld while 104 has the demo's one 涉密
    # project alone (tests/hostile/test_confidential.py checks that): two more make them published, pooled
    pool_confidential(tree)
    os.chdir(tree)
    try:
        result = api.check([Path("submissions")], ROOT / "schema" / "rules.yaml")
        out = tree / "rollups"
        api.write_rollups(result, out)
        yield result, out
    finally:
        os.chdir(before)


def test_department_rollup_rows(demo: tuple[api.Result, Path]) -> None:
    result, _ = demo
    roll = rollup.department_rollup(api.analyse(result), PERIOD, "104", roster=result.rosters[0])
    assert [line.code for line in roll.lines] == ["104-2025-001", "104-2025-002", "104-2025-004", ""]
    secret = roll.lines[-1]
    assert secret.name == "涉密项目（3个）" and secret.projects == 3 and secret.amounts.budget == Decimal("780.00")  # pooled: 3 × 260.00
    assert roll.total is not None and roll.total.projects == 6
    assert roll.total.amounts == figures.total({p.code: figures.total(p.funds) for p in result.projects if p.department_code == "104"})
    assert (roll.expected, roll.submitted, roll.missing, roll.confidential) == (6, 6, 0, 3)
    assert all(SECRET_CODE not in f.path for _, f in roll.findings)


def test_city_rollup_counts_departments_and_missing_projects(demo: tuple[api.Result, Path]) -> None:
    result, _ = demo
    city = rollup.city_rollup(api.analyse(result), PERIOD, result.rosters[0])
    rows = {d.rollup.code: d.values() for d in city.departments}
    assert list(rows) == ["101", "102", "103", "104", "105"]
    assert (rows["105"]["expected_projects"], rows["105"]["submitted_projects"], rows["105"]["missing_projects"]) == (3, 2, 1)
    assert rows["103"]["lights_none"] == 1 and rows["103"]["lights_green"] == 1 and rows["103"]["research"] is None
    assert city.total is not None and city.total.projects == len(result.projects) == 18


def _cells(path: Path) -> Iterator[str]:
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            yield from (str(v) for v in row if v is not None)


def test_confidential_projects_are_never_named(demo: tuple[api.Result, Path]) -> None:
    _, out = demo
    books = sorted(out.rglob("*.xlsx"))
    assert len(books) == 6
    for book in books:
        text = "\n".join(_cells(book))
        assert SECRET_NAME not in text and SECRET_CODE not in text, book
    assert "涉密项目（3个）" in "\n".join(_cells(paths.city_rollup(out, PERIOD)))


def test_department_workbook_is_sortable_and_filterable(demo: tuple[api.Result, Path]) -> None:
    _, out = demo
    path = paths.department_rollup(out, PERIOD, "101", "朔州市教育局")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["项目汇总", "部门整体", "预警明细"]
    ws = book["项目汇总"]
    assert ws["A1"].value == "朔州市教育局2025年1-6月预算绩效运行监控汇总表"
    headers = [c.value for c in ws[3]]
    assert headers[:5] == ["项目代码", "项目名称", "预算单位", "科研类", "监控结果"] and "执行率%（支出进度÷序时进度）" in headers
    assert ws.auto_filter.ref == f"A3:{ws.cell(3, len(headers)).column_letter}6"  # header + 3 projects; the 合计 row stays out
    assert ws.freeze_panes == "C4"
    first = {h: ws.cell(4, i + 1) for i, h in enumerate(headers)}
    assert first["项目代码"].value == "101-2025-001" and first["监控结果"].value == "黄灯"
    assert first["安排数（小计）"].value == pytest.approx(1135.5) and first["安排数（小计）"].number_format == "#,##0.00"
    assert first["支出进度%"].value == pytest.approx(0.4496) and first["支出进度%"].number_format == "0.00%"
    assert first["黄灯预警"].value == 3 and isinstance(first["黄灯预警"].value, int | float)
    total = {h: ws.cell(7, i + 1).value for i, h in enumerate(headers)}
    assert total["项目名称"] == "合计" and total["安排数（小计）"] == pytest.approx(3592.3) and total["红灯预警"] == 7
    assert book["预警明细"].auto_filter.ref is not None and book["预警明细"].max_row == 3 + 18


def test_a_zero_denominator_shows_a_dash() -> None:
    sub = project({"市级财政资金": fund(carried=10, budget=0, allocated=0, spent=5, expected=10)}, indicators=green_indicators())
    roll = rollup.department_rollup(analyse(sub), PERIOD, "101")
    assert roll.lines[0].values()["allocation_rate"] is None
    book = openpyxl.load_workbook(io.BytesIO(rollup.department_workbook(roll, analyse(sub))))
    headers = [c.value for c in book["项目汇总"][3]]
    assert book["项目汇总"].cell(4, headers.index("下达率%") + 1).value == "—"


def test_same_inputs_give_the_same_bytes(demo: tuple[api.Result, Path], tmp_path: Path) -> None:
    _, out = demo
    before = Path.cwd()
    os.chdir(out.parent)  # the demo's copy (the `demo` fixture)
    try:
        again = api.write_rollups(api.check([Path("submissions")], ROOT / "schema" / "rules.yaml"), tmp_path)
    finally:
        os.chdir(before)
    assert len(again) == 6
    for path in again:
        assert path.read_bytes() == (out / path.relative_to(tmp_path)).read_bytes(), path


def test_user_text_is_never_a_formula(tmp_path: Path) -> None:
    sub = project(path="x.yaml", 预算单位='=HYPERLINK("http://x")')
    book = openpyxl.load_workbook(
        io.BytesIO(rollup.department_workbook(rollup.department_rollup(analyse(sub), PERIOD, "101"), analyse(sub)))
    )
    cell = book["项目汇总"]["C4"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


# --- LibreOffice ----------------------------------------------------------------------------------


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
    return found


def _csv_sheets(book: Path, workdir: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice reads it (CSV, UTF-8, all sheets: filter option 12 = -1)."""
    local = workdir / "book.xlsx"
    shutil.copy(book, local)
    options = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    env = {**os.environ, "HOME": str(workdir)}  # a private LibreOffice profile: parallel runs do not collide
    subprocess.run(
        [_soffice(), "--headless", "--convert-to", options, "--outdir", str(workdir), str(local)],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    sheets = {}
    for path in workdir.glob("book-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix("book-")] = list(csv.reader(handle))
    return sheets


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").rstrip("%") or "0")


def test_city_rollup_opens_in_libreoffice_with_correct_totals(demo: tuple[api.Result, Path], tmp_path: Path) -> None:
    result, out = demo
    sheets = _csv_sheets(paths.city_rollup(out, PERIOD), tmp_path)
    assert set(sheets) == {"部门汇总", "项目明细", "预警明细"}
    departments = sheets["部门汇总"]
    header = departments[2]
    rows = [r for r in departments[3:] if r and r[0].isdigit()]
    total = next(r for r in departments if len(r) > 1 and r[1] == "合计")
    assert len(rows) == 5
    for name in (
        "上年结转",
        "本年预算",
        "安排数（小计）",
        "下达数",
        "支出数",
        "全年预计支出数",
        "红灯预警",
        "黄灯预警",
        "应报项目",
        "已报项目",
        "红灯项目",
        "绿灯项目",
    ):
        col = header.index(name)
        assert sum(_number(r[col]) for r in rows) == _number(total[col]), name
    projects = sheets["项目明细"]
    p_header = projects[2]
    p_rows = [r for r in projects[3:] if len(r) > 1 and r[1] and r[1] != "合计"]
    for name in ("安排数（小计）", "支出数"):
        assert sum(_number(r[p_header.index(name)]) for r in p_rows) == _number(total[header.index(name)]), name
    # the totals are the submissions' own figures, computed here without the roll-up code
    arranged = sum((figures.headline(p).subtotal for p in result.projects), Decimal(0))
    spent = sum((figures.headline(p).spent for p in result.projects), Decimal(0))
    assert _number(total[header.index("安排数（小计）")]) == arranged and _number(total[header.index("支出数")]) == spent
    assert _number(total[header.index("支出进度%")]) == figures.rate(spent, arranged)


def test_department_rollup_opens_in_libreoffice(demo: tuple[api.Result, Path], tmp_path: Path) -> None:
    _, out = demo
    sheets = _csv_sheets(paths.department_rollup(out, PERIOD, "104", "朔州市交通运输局"), tmp_path)
    table = sheets["项目汇总"]
    header = table[2]
    names = [r[header.index("项目名称")] for r in table[3:] if len(r) > 1]
    assert names[:4] == ["农村公路养护工程", "国省干线公路安全生命防护工程", "城乡公交一体化运营补贴", "涉密项目（3个）"]
    total = next(r for r in table if len(r) > 1 and r[1] == "合计")
    col = header.index("安排数（小计）")
    assert sum(_number(r[col]) for r in table[3:7]) == _number(total[col]) == Decimal("6280.00")  # 3000 + 1500 + 1000 + 780


# --- totals equal the sum of their parts ------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def projects(draw: st.DrawFn) -> list:
    subs = []
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        dept = draw(st.sampled_from(["101", "102", "103"]))
        budget, carried = draw(money), draw(money)
        arranged = budget + carried
        spent = draw(st.decimals(min_value=0, max_value=arranged * 2 + 1, places=2))
        rows = {
            "市级财政资金": fund(
                carried=float(carried),
                budget=float(budget),
                allocated=float(draw(money)),
                spent=float(spent),
                expected=float(draw(st.decimals(min_value=0, max_value=arranged + 10, places=2))),
            )
        }
        result = draw(st.sampled_from(["0人", "30人", "50人", "70人", "有效"]))
        likelihood = draw(st.sampled_from(["确定能", "有可能", "完全不可能"]))
        inds = [indicator(result=result, likelihood=likelihood, 偏差原因分析="过程方面", 备注="措施"), *green_indicators()[1:]]
        sub = project(rows, inds, code=f"{dept}-2025-{index:03d}", 主管部门代码=dept, 涉密=draw(st.booleans()), 科研类=draw(st.booleans()))
        subs.append(sub)
    return subs


def _sum(lines: list[rollup.ProjectLine]) -> tuple[Amounts, dict[str, int]]:
    amounts = Amounts()
    for line in lines:
        amounts = amounts + line.amounts
    return amounts, {key: sum(getattr(line, key) for line in lines) for key in (*COUNT_COLUMNS, "projects")}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_rollup_totals_equal_the_sum_of_their_parts(subs: list) -> None:
    analysis = analyse(*subs)
    city = rollup.city_rollup(analysis, PERIOD)
    assert city.total is not None
    every = [rollup.project_line(sa, {}) for sa in analysis.submissions.values()]
    amounts, counts = _sum(every)
    assert city.total.amounts == amounts
    assert {key: getattr(city.total, key) for key in counts} == counts
    assert _sum([d.rollup.total for d in city.departments if d.rollup.total]) == _sum([city.total])
    for dept in city.departments:
        members = [line for line in every if line.department_code == dept.rollup.code]
        assert dept.rollup.total is not None and _sum(list(dept.rollup.lines)) == _sum(members) == _sum([dept.rollup.total])
        secret = [
            line
            for line, sa in zip(every, analysis.submissions.values(), strict=True)
            if sa.confidential and line.department_code == dept.rollup.code
        ]
        assert dept.rollup.confidential == len(secret)
        assert all(line.name not in {s.name for s in secret} or not line.code for line in dept.rollup.lines)
        # fewer than k 涉密 projects: counted, but their lights are not shown
        assert sum(dept.lights.values()) == len(members) - (dept.rollup.confidential if dept.rollup.withheld else 0)
    if city.total.withheld:
        return
    values = city.total.values()
    assert values["subtotal"] == amounts.carried_over + amounts.budget
    assert values["spend_progress"] == figures.rate(amounts.spent, amounts.carried_over + amounts.budget)


def test_unchanged_rollups_are_not_rewritten(tmp_path: Path, chdir) -> None:
    """A rebuild rewrites only the 汇总表 whose content changed: its department's and the city's."""
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    chdir(tmp_path)
    assert len(api.write_rollups(api.check([Path("submissions")]), tmp_path / "build")) == 6
    assert api.write_rollups(api.check([Path("submissions")]), tmp_path / "build") == []
    source = tmp_path / "submissions/2025-06/102-卫生健康委员会/102-2025-001.yaml"
    text = source.read_text(encoding="utf-8")
    assert "    支出数: 1520.30\n" in text
    source.write_text(text.replace("    支出数: 1520.30\n", "    支出数: 1500.30\n"), encoding="utf-8")
    rewritten = api.write_rollups(api.check([Path("submissions")]), tmp_path / "build")
    assert sorted(p.name for p in rewritten) == [
        "102-朔州市卫生健康委员会-2025年1-6月绩效监控汇总表.xlsx",
        "全市-2025年1-6月绩效监控汇总表.xlsx",
    ]

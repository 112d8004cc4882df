"""`docgen export`: forms to fill, reopened with openpyxl (and re-saved by LibreOffice), filled and read back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from docgen import api
from docgen.render.xlsx import INPUT_FILL
from tests.conftest import ROOT

UNIT_BOOK = "2025-09/101-教育局/附件2-朔州市教育局本级.xlsx"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "submissions" / "2025-06", tmp_path / "submissions" / "2025-06")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    return tmp_path


@pytest.fixture
def opened(demo: Path, run, chdir) -> Path:
    """The demo with 2025-09 opened from 2025-06 (every figure of the period 「未填报」)."""
    chdir(demo)
    assert run("new", "period", "2025-09", "--from", "2025-06").exit_code == 0
    return demo


def _open_cells(ws) -> dict[str, object]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if not c.protection.locked and type(c).__name__ == "Cell"}


def test_export_writes_one_workbook_per_unit_and_a_department_form(run, opened: Path) -> None:
    result = run("export", "--period", "2025-09", "--department", "101")
    assert result.exit_code == 0, result.stderr
    out = opened / "build" / "export" / "2025-09" / "101-教育局"
    assert sorted(p.name for p in out.iterdir()) == ["附件2-朔州市教育局本级.xlsx", "附件2-朔州市第一中学.xlsx", "附件3-朔州市教育局.xlsx"]
    assert openpyxl.load_workbook(out / "附件2-朔州市教育局本级.xlsx").sheetnames == ["101-2025-001", "101-2025-003"]
    assert openpyxl.load_workbook(out / "附件3-朔州市教育局.xlsx").sheetnames == ["附件3"]
    per_project = run("export", "--period", "2025-09", "--department", "102", "--per", "project", "--out", "forms")
    assert per_project.exit_code == 0
    assert sorted(p.name for p in (opened / "forms" / "2025-09" / "102-卫生健康委员会").iterdir()) == [
        "附件2-102-2025-001.xlsx",
        "附件2-102-2025-002.xlsx",
        "附件2-102-2025-003.xlsx",
        "附件3-朔州市卫生健康委员会.xlsx",
    ]


def test_the_form_is_prefilled_protected_and_only_the_units_cells_are_open(run, opened: Path) -> None:
    assert run("export", "--period", "2025-09", "--department", "101").exit_code == 0
    ws = openpyxl.load_workbook(opened / "build" / "export" / UNIT_BOOK)["101-2025-001"]
    assert ws.protection.sheet and not ws.protection.password  # protected, nothing needed to read or lift it
    assert ws["C3"].value == "城乡义务教育家庭经济困难学生生活补助" and ws["J4"].value == "朔州市教育局本级"
    assert (ws["B8"].value, ws["D8"].value, ws["E8"].value) == ("其中：中央财政资金", 860, 860)  # budget kept, locked
    assert ws["D8"].protection.locked and ws["E17"].value == "≥12000人" and ws["E17"].protection.locked
    cells = _open_cells(ws)
    # every fund row's 下达数 (F), 支出数 (I), 全年预计支出数 (L); every indicator's result, expected, deviation, ticks, remark
    assert {k for k in cells if k[0] in "FIL" and 8 <= int(k[1:]) <= 13} == {f"{c}{r}" for c in "FIL" for r in range(8, 14)}
    assert {k for k in cells if int(k[1:]) == 17} == {"F17", "G17", "H17", "J17", "K17", "L17", "M17"}
    assert not any(k[0] in "ABCDE" for k in cells) and not any(int(k[1:]) < 8 for k in cells)
    assert cells["F8"] == cells["I8"] == cells["F17"] == "未填报"
    assert all(ws[k].fill.fgColor.rgb.endswith(INPUT_FILL[1:]) for k in cells)
    assert ws["D8"].fill.fgColor.rgb in (None, "00000000")
    # computed figures are blank: no formulas, and a stale value would contradict what the clerk types
    assert ws["F7"].value is None and ws["G8"].value is None and ws["J8"].value is None and ws["E7"].value == 1135.5
    assert ws.cell(ws.max_row, 1).value.startswith("填写说明：黄色底纹")
    assert ws["I8"].comment is not None and "上期（2025年1-6月）：412.35" in ws["I8"].comment.text
    assert "上期（2025年1-6月）：11860人" in ws["F17"].comment.text


def test_ticks_take_only_a_tick_and_figures_offer_unreported(run, opened: Path) -> None:
    assert run("export", "--period", "2025-09", "--department", "101").exit_code == 0
    ws = openpyxl.load_workbook(opened / "build" / "export" / UNIT_BOOK)["101-2025-001"]
    rules = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    tick = rules["J17"]
    assert (tick.type, tick.formula1, tick.showErrorMessage) == ("list", '"√"', True)
    figure = rules["I8"]
    assert (figure.type, figure.formula1) == ("list", '"未填报"') and not figure.showErrorMessage  # any number is taken
    assert "H17" not in rules and "D8" not in rules  # free text; locked budget


def test_export_refuses_a_period_with_errors_and_leaves_out_confidential_projects(run, opened: Path) -> None:
    broken = opened / "submissions" / "2025-09" / "101-教育局" / "101-2025-001.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("截至月份: 9", "截至月份: 九"), encoding="utf-8")
    result = run("export", "--period", "2025-09")
    assert result.exit_code == 1 and "101-2025-001.yaml:3:" in result.stderr
    assert not (opened / "build" / "export").exists()
    assert run("export", "--period", "2025-06", "--department", "999").exit_code == 2
    done = run("export", "--period", "2025-06")
    projects = api.check([Path("submissions/2025-06")], workspace=api.Workspace.at(opened)).projects
    confidential = {p.code for p in projects if p.confidential}
    assert done.exit_code == 0 and f"涉密项目 {len(confidential)} 个未导出" in done.stderr and confidential
    books = (opened / "build" / "export" / "2025-06").rglob("附件2-*.xlsx")
    sheets = [name for book in books for name in openpyxl.load_workbook(book).sheetnames]
    assert not confidential & set(sheets) and len(sheets) == len(projects) - len(confidential)


def test_every_format_the_command_offers_has_a_writer() -> None:
    from docgen.tooling.export import EXPORTERS

    assert sorted(api.EXPORT_FORMATS) == sorted(EXPORTERS)


def _fill(path: Path) -> None:
    """What a clerk types into the form: figures, results and a tick per indicator."""
    wb = openpyxl.load_workbook(path)
    ws = wb["101-2025-001"]
    for cell, value in {"F8": 860, "I8": 600.5, "L8": 860, "F10": 200, "I10": 150, "L10": 275.5}.items():
        ws[cell] = value
    for row, (result, expected) in {
        17: ("12050人", "12100人"),
        18: ("100%", "100%"),
        19: ("25天", "≤30天"),
        20: ("1250元/人·年", "1250元/人·年"),
        22: ("0人", "0人"),
        24: ("持续巩固", "持续巩固"),
        25: ("91%", "92%"),
    }.items():
        ws[f"F{row}"], ws[f"G{row}"], ws[f"J{row}"], ws[f"M{row}"] = result, expected, "√", None
    wb.save(path)


def test_a_filled_form_reads_back_into_a_valid_submission(run, opened: Path) -> None:
    pytest.importorskip("docgen.tooling.importer", reason="docgen import (issue 16, items 1-2) has not landed in this checkout")
    assert run("export", "--period", "2025-09", "--department", "101").exit_code == 0
    book = opened / "build" / "export" / UNIT_BOOK
    _fill(book)
    result = run("import", str(book), "--force")
    assert result.exit_code == 0, result.stderr
    checked = api.check([Path("submissions/2025-09/101-教育局/101-2025-001.yaml")], workspace=api.Workspace.at(opened), cache=False)
    assert checked.errors == []
    [project] = checked.projects
    assert project.tables["funds"]["中央财政资金"].spent == pytest.approx(600.5)
    assert project.indicators[0].likelihood == "确定能" and str(project.indicators[0].result) == "12050人"


def test_libreoffice_keeps_the_protection_and_the_open_cells(run, opened: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
    assert run("export", "--period", "2025-09", "--department", "101").exit_code == 0
    source = opened / "build" / "export" / UNIT_BOOK
    _fill(source)
    out = tmp_path / "saved"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ws = openpyxl.load_workbook(out / source.name)["101-2025-001"]
    assert ws.protection.sheet
    assert ws["I8"].value == 600.5 and not ws["I8"].protection.locked and ws["D8"].protection.locked
    assert any(str(v.sqref) == "J17" and v.formula1 == '"√"' for v in ws.data_validations.dataValidation)


# --- every shipped profile: export -> fill with openpyxl -> import -------------------------------------------------

PROFILE_DEMOS = sorted((ROOT / "examples" / "profiles").iterdir())


def _next_period(period: str) -> str:
    year, month = (int(p) for p in period.split("-"))
    return f"{year}-{month + 1:02d}" if month < 12 else f"{year}-12"


def _fill_everything(book: Path, ws_root: Path, period: str) -> dict[str, dict[str, object]]:
    """Type into every open cell of every sheet what a clerk would: figures adding up to 60 in each table, texts in each text cell, the
    first answer of the scale (a tick in its column, or the answer written out). Returns what was typed, by file."""
    from docgen.evaluate.evaluation import evaluate
    from docgen.form.forms import form_of
    from docgen.render.fillin import sheet_name
    from docgen.render.layout import place

    checked = api.check([Path("submissions") / period], workspace=api.Workspace.at(ws_root), cache=False)
    subs = {s.code if hasattr(s, "code") else None: s for s in [*checked.projects, *checked.departments]}
    wb = openpyxl.load_workbook(book)
    typed: dict[str, dict[str, object]] = {}
    used: set[str] = set()
    for name in wb.sheetnames:
        sub = subs.get(name) or next(s for s in checked.departments if sheet_name(s, set()) == name)
        sheet_name(sub, used)
        ws = wb[name]
        form = form_of(sub)
        seen_ticks: set[int] = set()
        mine: dict[str, object] = {}
        for cell in place(evaluate(sub)).cells:
            target = ws.cell(cell.row + 1, cell.col + 1)
            if cell.field is None or target.protection.locked:
                continue
            parts = cell.field.split(".")
            if parts[0] == "indicators" and parts[2] == "likelihood":
                index = int(parts[1])
                if cell.style == "tick" and index not in seen_ticks:
                    seen_ticks.add(index)
                    target.value = "√"
                elif cell.style != "tick":
                    target.value = form.answers[0]
                mine[cell.field] = form.answers[0]
            elif parts[0] == "indicators":
                value = "、".join(parts[2:]) + "已填"
                target.value = value
                mine[cell.field] = value
            elif len(parts) == 3:
                if parts[1] not in sub.tables[parts[0]]:
                    continue  # a fund source the unit does not have: its budget is blank, its figures stay so
                value = 60 / len(sub.tables[parts[0]])  # the same 资金总额 in every table of the form (E302)
                target.value = value
                mine[cell.field] = value
            else:
                target.value = f"{cell.field}：本期情况"
                mine[cell.field] = target.value
        typed[str(sub.path)] = mine
    wb.save(book)
    return typed


@pytest.mark.parametrize("demo", PROFILE_DEMOS, ids=[d.name for d in PROFILE_DEMOS])
def test_every_profile_exports_a_form_that_fills_and_imports(demo: Path, tmp_path: Path, run, chdir) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(demo, repo)
    chdir(repo)
    [period] = [p.name for p in (repo / "submissions").iterdir()]
    new = _next_period(period)
    assert run("new", "period", new, "--from", period).exit_code == 0
    assert run("validate", f"submissions/{new}").exit_code == 0  # carried over through the profile's own columns
    exported = run("export", "--period", new)
    assert exported.exit_code == 0, exported.stderr
    books = sorted((repo / "build" / "export" / new).rglob("*.xlsx"))
    assert books
    typed = {}
    for book in books:
        typed.update(_fill_everything(book, repo, new))
    done = run("import", *map(str, books), "--force")
    assert done.exit_code == 0, done.stderr
    checked = api.check([Path("submissions") / new], workspace=api.Workspace.at(repo), cache=False)
    assert checked.errors == []
    for sub in [*checked.projects, *checked.departments]:
        mine = typed[str(sub.path)]
        assert mine, sub.path
        for field, value in mine.items():
            parts = field.split(".")
            if parts[0] == "indicators":
                indicator = sub.indicators[int(parts[1])]
                got = (
                    indicator.likelihood
                    if parts[2] == "likelihood"
                    else indicator.part(parts[3])
                    if len(parts) > 3
                    else str(getattr(indicator, parts[2]))
                )
                assert got == value, (sub.path, field)
            elif len(parts) == 3:
                assert getattr(sub.tables[parts[0]][parts[1]], parts[2]) == pytest.approx(value), (sub.path, field)
            else:
                assert sub.texts[field] == value, (sub.path, field)

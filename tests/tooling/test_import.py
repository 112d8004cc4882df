"""`docgen import` on real workbooks: docgen's own, an office's hand-made one, LibreOffice's re-saves and an .xls,
damaged ones each with its exact problems located on the spreadsheet, and hostile ones (zip bombs, DTDs, sizes)."""

from __future__ import annotations

import io
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen import api
from docgen.check.load import load_file, load_text
from docgen.check.profile import profile_of
from docgen.form.forms import DEFAULT_PROFILE, FORMS, Form
from docgen.tooling import importer, sheets
from docgen.workspace import Workspace
from tests.conftest import ROOT, build_file_tree
from tests.tooling.workbooks import (
    OFFICE_EXPECTED,
    OFFICE_PROJECT,
    ROSTER,
    docgen_workbook,
    needs_soffice,
    office_workbook,
    soffice_convert,
)

PROFILE_DEMOS = sorted((ROOT / "examples" / "profiles").iterdir())
DEMOS = [ROOT, ROOT / "examples" / "partial", ROOT / "examples" / "review-loop", *PROFILE_DEMOS]
DEMO_IDS = ["submissions", "examples-partial", "examples-review-loop", *(f"profile-{d.name}" for d in PROFILE_DEMOS)]


def _copy_demo(source: Path, tmp: Path) -> Path:
    shutil.copytree(source / "submissions", tmp / "submissions")
    if (source / "docgen.yaml").is_file():  # a profile demo: the repository's choice of forms comes along
        shutil.copy(source / "docgen.yaml", tmp / "docgen.yaml")
    return tmp


def _located(done: api.Imported) -> list[tuple[str, str | None, str | None, str]]:
    return [(p.file, p.sheet, p.cell, p.code) for p in done.problems]


def _project_repo(tmp_path: Path) -> Path:
    return build_file_tree(tmp_path / "repo", {"submissions/2025-06/名单.yaml": ROSTER})


# --- round trip: build -> import -> the same YAML --------------------------------------------------------------


def _form_view(data: dict[str, Any], form: Form | None = None) -> dict[str, Any]:
    """What 附件2/附件3 carry of a submission, as docgen reads it: money by value, texts trimmed, the budget the
    rates use (调整后预算 where there is one, on a form without a 全年预算数 column of its own); keys the form has no
    cell for left out; a profile's check-box groups, table-level rows and split 偏差原因分析 kept."""
    form = form or FORMS["project" if "项目名称" in data else "department"]
    own = [t.key for t in form.table_rows] + [c.key for c in form.choice_cells]
    out: dict[str, Any] = {}
    for key in ("年度", "截至月份", "项目名称", "主管部门", "主管部门代码", "预算单位", "项目年度绩效目标", "年度绩效目标", *own):
        if key in data:
            out[key] = str(data[key]).strip()
    typed = [importer.amount_key(c.field) for c in importer.typed_columns(form.budget_columns)]
    for key in ("资金", "资金按类型", "资金按用途"):
        if key not in data:
            continue
        table = data[key]
        if isinstance(table, str):
            out[key] = table
            continue
        rows = {}
        for row, amounts in table.items():
            shown = {k: v for k, v in amounts.items() if k in typed and k != "调整后预算"}
            if "调整后预算" in amounts and amounts["调整后预算"] != amounts.get("本年预算"):
                shown["本年预算" if "调整后预算" not in typed else "调整后预算"] = amounts["调整后预算"]
            rows[row] = {k: v if isinstance(v, str) else Decimal(str(v)) for k, v in shown.items()}
        out[key] = rows
    indicators = data["绩效指标"]
    if isinstance(indicators, list):
        keep = (
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "调整后指标值",
            "指标完成情况",
            "全年指标预计完成情况",
            "偏差原因分析",
            "完成目标可能性",
            "备注",
        )
        indicators = sorted(
            ({k: i[k] if isinstance(i[k], dict) else str(i[k]).strip() for k in keep if i.get(k) not in (None, "")} for i in indicators),
            key=lambda i: i["三级指标"],
        )
    out["绩效指标"] = indicators
    return out


@pytest.mark.parametrize("demo", DEMOS, ids=DEMO_IDS)
def test_every_demo_submission_round_trips(demo: Path, tmp_path: Path) -> None:
    """build -> import onto the existing file gives the very same text (after fmt); import into an empty period
    gives the same data for everything the form carries, and valid files. Every shipped profile's demo too: the
    importer reads each form through the profile that wrote it."""
    repo = _copy_demo(demo, tmp_path / "repo")
    ws = Workspace.at(repo)
    profile = profile_of(ws)
    forms = profile.forms
    own = None if profile.id == DEFAULT_PROFILE else profile  # fmt orders keys by the repository's profile
    result = api.check([ws.submissions], workspace=ws, cache=False)
    subs = [*result.projects, *result.departments]
    assert subs
    books = tmp_path / "books"
    books.mkdir()
    originals = {}
    for sub in subs:
        workbook = docgen_workbook(sub, books / sub.period.key)  # two periods (review-loop) name their workbooks alike
        before = ws.file(Path(sub.path)).read_text(encoding="utf-8")
        originals[Path(sub.path)] = before
        reads, problems = importer.read_workbook(sheets.open_workbook(workbook), forms)
        assert problems == [] and len(reads) == 1 and reads[0].problems == [], (sub.path, reads[0].problems if reads else problems)
        canonical = api.fmt([ws.file(Path(sub.path))], write=False, workspace=ws)[0].after
        assert importer.merged_text(Path(sub.path), before, reads[0].data, reads[0].form, own) == canonical, sub.path
    done = api.import_workbooks(sorted(books.rglob("*.xlsx")), workspace=ws)
    assert done.problems == [] and done.refused == []
    assert {p.status for p in done.planned} == {"same"}
    for path in originals:
        ws.file(path).unlink()
    done = api.import_workbooks(sorted(books.rglob("*.xlsx")), workspace=ws)
    assert done.problems == [] and done.written
    assert sorted(p.target for p in done.planned) == sorted(originals)
    for path, before in originals.items():
        fresh, problems = load_file(ws.file(path))
        assert fresh is not None and not problems
        original, _ = load_text(path, before)
        assert original is not None
        form = forms["department" if path.name == "部门整体.yaml" else "project"]
        assert _form_view(fresh.data, form) == _form_view(original.data, form), path
    assert api.check([ws.submissions], workspace=ws, cache=False).errors == []


# --- an office's hand-made 附件2 -----------------------------------------------------------------------------


def test_a_hand_made_form_imports_with_every_value(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "少年宫.xlsx", {"项目1": OFFICE_PROJECT})
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert done.problems == [] and done.written
    target = repo / "submissions/2025-06/101-朔州市教育局/101-2025-011.yaml"
    assert [p.target for p in done.planned] == [Path("submissions/2025-06/101-朔州市教育局/101-2025-011.yaml")]
    doc, problems = load_file(target)
    assert doc is not None and not problems
    data = doc.data
    assert (data["项目代码"], data["主管部门代码"], data["预算单位"], data["项目名称"]) == (
        "101-2025-011",
        "101",
        "朔州市教育局本级",
        "乡村学校少年宫运行补助",
    )
    assert (data["年度"], data["截至月份"], data["科研类"], data["涉密"]) == (2025, 6, False, False)
    for row, amounts in OFFICE_EXPECTED["资金"].items():
        assert {k: v if isinstance(v, str) else Decimal(v) for k, v in data["资金"][row].items()} == {
            k: v if isinstance(v, str) else Decimal(str(v)) for k, v in amounts.items()
        }
    assert data["项目年度绩效目标"] == OFFICE_EXPECTED["项目年度绩效目标"]
    keys = ("一级指标", "二级指标", "三级指标", "年度指标值", "指标完成情况", "全年指标预计完成情况", "完成目标可能性")
    assert [[i[k] for k in keys] for i in data["绩效指标"]] == OFFICE_EXPECTED["绩效指标"]
    assert data["绩效指标"][3]["偏差原因分析"] == "过程方面：雨季停课两周。"
    assert "备注" not in data["绩效指标"][2]  # 「完成目标可能性：未填报」 was the likelihood, not a remark
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../../schema/project.schema.json\n")
    assert api.check([target], workspace=Workspace.at(repo), cache=False).errors == []


def test_several_projects_as_several_sheets(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    second = {**OFFICE_PROJECT, "name": "校园安全防范设施建设"}
    book = office_workbook(tmp_path / "附件2.xlsx", {"说明": {}, "项目1": OFFICE_PROJECT, "项目2": second})
    book_obj = openpyxl.load_workbook(book)
    book_obj["说明"].delete_rows(1, 100)  # an instructions sheet holding no form is passed over
    book_obj["说明"]["A1"] = "填表说明：金额单位为万元。"
    book_obj.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert done.problems == []
    assert sorted(p.target.name for p in done.planned) == ["101-2025-011.yaml", "101-2025-012.yaml"]


# --- damaged workbooks: exact problems, located -----------------------------------------------------------


def test_a_deleted_header_row_is_located(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "坏.xlsx", {"项目1": {**OFFICE_PROJECT, "skip_header": True}})
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert _located(done) == [(str(book), "项目1", "A5", "E506")]
    assert done.problems[0].text() == (
        f"{book} 工作表「项目1」 A5：错误 E506 找不到「上年结转」：预算表（资金）无法读取（这一行表头被删除或改动了？请按原表恢复）"
    )
    assert not (repo / "submissions/2025-06/101-朔州市教育局").exists()


def test_text_in_a_number_cell_and_a_formula_are_located(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "坏.xlsx", {"项目1": OFFICE_PROJECT})
    wb = openpyxl.load_workbook(book)
    ws = wb["项目1"]
    ws["I8"] = "四百"  # 中央财政资金·支出数
    ws["F9"] = "=D9/2"  # 市级财政资金·下达数 as a formula
    wb.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert _located(done) == [(str(book), "项目1", "I8", "E510"), (str(book), "项目1", "F9", "E512")]
    assert "「中央财政资金·支出数」应填写数字或「未填报」，实际是「四百」" in done.problems[0].message


def test_stated_figures_that_disagree_are_reported_not_replaced(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "坏.xlsx", {"项目1": OFFICE_PROJECT})
    wb = openpyxl.load_workbook(book)
    ws = wb["项目1"]
    ws["E8"] = 1600  # 小计 of 中央财政资金: 0 + 1650
    ws["J8"] = 0.55  # 支出进度: 825 / 1650 = 50%
    ws["D7"] = 1800  # 资金总额·本年预算: 1650 + 200
    wb.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert _located(done) == [(str(book), "项目1", "D7", "E513"), (str(book), "项目1", "E8", "E513"), (str(book), "项目1", "J8", "E513")]
    assert "计算应为 1,650.00" in done.problems[1].message and "计算应为 50.00%" in done.problems[2].message


def test_ticks_none_two_or_unknown(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "坏.xlsx", {"项目1": OFFICE_PROJECT})
    wb = openpyxl.load_workbook(book)
    ws = wb["项目1"]
    ws["J14"] = None  # 少年宫开放所数: no tick
    ws["K15"] = "√"  # 活动开展达标率: a second tick
    ws["L16"] = "大概"  # 资金拨付时限: not a tick
    wb.save(book)
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert _located(done) == [
        (str(book), "项目1", "J14", "E514"),
        (str(book), "项目1", "K15", "E515"),
        (str(book), "项目1", "L16", "E516"),
    ]


def test_a_split_merge_and_a_renamed_sheet_still_import(tmp_path: Path) -> None:
    repo = _copy_demo(ROOT, tmp_path / "repo")
    ws_ = Workspace.at(repo)
    sub = next(p for p in api.check([ws_.submissions], workspace=ws_, cache=False).projects if p.code == "101-2025-001")
    book = docgen_workbook(sub, tmp_path)
    wb = openpyxl.load_workbook(book)
    sheet = wb.active
    merged = [str(m) for m in sheet.merged_cells.ranges if m.min_col == 2 and m.max_row > m.min_row]  # the 一级指标 spans
    assert merged
    for ref in merged:
        sheet.unmerge_cells(ref)
    sheet.title = "城乡义务教育"
    wb.save(book)
    done = api.import_workbooks([book], workspace=ws_)
    assert done.problems == [] and [p.status for p in done.planned] == ["same"]
    assert done.planned[0].source == f"{book} 工作表「城乡义务教育」"


def test_a_project_the_roster_does_not_list(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "x.xlsx", {"项目1": {**OFFICE_PROJECT, "name": "名单外的项目"}})
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert _located(done) == [(str(book), "项目1", "C3", "E509")]


def test_a_problem_the_check_finds_is_located_on_its_cell(tmp_path: Path) -> None:
    """A level-2 indicator under the wrong level 1 passes the reader; docgen's check (E303) finds it, on the cell."""
    repo = _project_repo(tmp_path)
    indicators = list(OFFICE_PROJECT["indicators"])
    indicators[1] = ("", "满意度指标X", *indicators[1][2:])
    book = office_workbook(tmp_path / "x.xlsx", {"项目1": {**OFFICE_PROJECT, "indicators": indicators}})
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert [(p.cell, p.code) for p in done.problems] == [("C15", "E520")]
    assert "E205" in done.problems[0].message or "E303" in done.problems[0].message


# --- existing files: --force, comments, all or nothing -------------------------------------------------------------


def test_a_changed_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    repo = _copy_demo(ROOT, tmp_path / "repo")
    ws = Workspace.at(repo)
    sub = next(p for p in api.check([ws.submissions], workspace=ws, cache=False).projects if p.code == "101-2025-001")
    book = docgen_workbook(sub, tmp_path)
    wb = openpyxl.load_workbook(book)
    sheet = wb.active
    sheet["I8"] = 500  # 中央财政资金·支出数 412.35 -> 500
    for cell in ("J8", "I7", "J7"):  # the computed cells it moves, cleared as a clerk would: docgen computes them
        sheet[cell] = None
    wb.save(book)
    path = ws.file(Path("submissions/2025-06/101-教育局/101-2025-001.yaml"))
    before = path.read_text(encoding="utf-8")
    done = api.import_workbooks([book], workspace=ws)
    assert done.problems == [] and not done.written
    assert [p.changes for p in done.refused] == [["资金·中央财政资金·支出数 412.35 → 500.00"]]
    assert path.read_text(encoding="utf-8") == before
    done = api.import_workbooks([book], workspace=ws, force=True)
    after = path.read_text(encoding="utf-8")
    assert done.written and "支出数: 500.00" in after
    assert after.replace("支出数: 500.00", "支出数: 412.35") == before  # every comment and key the form lacks kept


def test_all_or_nothing_across_workbooks(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    good = office_workbook(tmp_path / "好.xlsx", {"项目1": OFFICE_PROJECT})
    bad = office_workbook(tmp_path / "坏.xlsx", {"项目2": {**OFFICE_PROJECT, "name": "校园安全防范设施建设", "skip_header": True}})
    done = api.import_workbooks([good, bad], workspace=Workspace.at(repo))
    assert [p.code for p in done.problems] == ["E506"]
    assert not (repo / "submissions/2025-06/101-朔州市教育局").exists()


def test_the_same_project_twice(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "x.xlsx", {"项目1": OFFICE_PROJECT, "项目1副本": OFFICE_PROJECT})
    done = api.import_workbooks([book], workspace=Workspace.at(repo))
    assert _located(done) == [(str(book), "项目1副本", "A1", "E519")]


def test_a_department_name_never_leads_out_of_submissions(tmp_path: Path) -> None:
    repo = build_file_tree(tmp_path / "repo", {"submissions/2025-06/.keep": ""})
    (repo / "submissions/2025-06/.keep").unlink()
    project = {**OFFICE_PROJECT, "department": "../../../escape（101）"}
    book = office_workbook(tmp_path / "x.xlsx", {"项目1": project})
    wb = openpyxl.load_workbook(book)
    wb.save(tmp_path / "附件2-101-2025-011-乡村学校少年宫运行补助.xlsx")
    done = api.import_workbooks([tmp_path / "附件2-101-2025-011-乡村学校少年宫运行补助.xlsx"], workspace=Workspace.at(repo))
    assert done.problems == [] and done.written
    written = list((repo / "submissions").rglob("*.yaml"))
    assert len(written) == 1 and written[0].resolve().is_relative_to((repo / "submissions").resolve())
    assert not (tmp_path / "escape").exists()


# --- LibreOffice: re-saved workbooks and .xls ----------------------------------------------------------------------


@needs_soffice
def test_a_workbook_edited_and_saved_by_libreoffice(tmp_path: Path) -> None:
    repo = _copy_demo(ROOT, tmp_path / "repo")
    ws = Workspace.at(repo)
    sub = next(p for p in api.check([ws.submissions], workspace=ws, cache=False).projects if p.code == "101-2025-001")
    book = docgen_workbook(sub, tmp_path / "docgen")
    wb = openpyxl.load_workbook(book)
    sheet = wb.active
    sheet["I10"] = "１２０．５"  # 市级财政资金·支出数 98.2 -> 120.5, typed with full-width digits
    for cell in ("J10", "I7", "J7"):
        sheet[cell] = None
    wb.save(book)
    saved = soffice_convert(book, tmp_path / "saved", "xlsx")
    done = api.import_workbooks([saved], workspace=ws, force=True)
    assert done.problems == [], [p.text() for p in done.problems]
    assert [p.changes for p in done.planned] == [["资金·市级财政资金·支出数 98.20 → 120.50"]]


@needs_soffice
def test_an_xls_imports_through_libreoffice(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    xlsx = office_workbook(tmp_path / "少年宫.xlsx", {"项目1": OFFICE_PROJECT})
    xls = soffice_convert(xlsx, tmp_path / "old", "xls")
    done = api.import_workbooks([xls], workspace=Workspace.at(repo))
    assert done.problems == [], [p.text() for p in done.problems]
    doc, _ = load_file(repo / "submissions/2025-06/101-朔州市教育局/101-2025-011.yaml")
    assert doc is not None and doc.data["资金"]["中央财政资金"]["支出数"] == Decimal("825.00")


def test_an_xls_without_libreoffice_is_a_clear_environment_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Any) -> None:
    repo = _project_repo(tmp_path)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    monkeypatch.chdir(repo)
    result = run("import", str(tmp_path / "old.xls"))
    assert result.exit_code == 3
    assert "读取 .xls 文件需要 LibreOffice" in result.stderr


# --- hostile workbooks ----------------------------------------------------------------------------------------------


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_hostile_workbooks_are_refused_before_parsing(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    bomb = _zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": b"<a>" + b" " * (80 << 20) + b"</a>"})
    laughs = _zip(
        tmp_path / "laughs.xlsx",
        {"xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>'},
    )
    ratio = _zip(tmp_path / "ratio.xlsx", {"xl/sharedStrings.xml": b"<sst>" + b"A" * (8 << 20) + b"</sst>"})
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip at all")
    text = tmp_path / "a.csv"
    text.write_text("a,b\n")
    done = api.import_workbooks([bomb, laughs, ratio, junk, text], workspace=Workspace.at(repo))
    assert [(p.file, p.code) for p in done.problems] == [
        (str(bomb), "E502"),
        (str(laughs), "E503"),
        (str(ratio), "E502"),
        (str(junk), "E500"),
        (str(text), "E525"),
    ]


def test_a_sheet_past_the_row_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen.form import limits

    monkeypatch.setattr(limits, "MAX_SHEET_ROWS", 50)
    book = openpyxl.Workbook()
    book.active["A60"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "long.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(sheets.SheetProblem) as caught:
        sheets.open_workbook(path)
    assert caught.value.code == "E504"


# --- the command --------------------------------------------------------------------------------------------------


def test_the_command_reports_and_exits(tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "少年宫.xlsx", {"项目1": OFFICE_PROJECT})
    monkeypatch.chdir(repo / "submissions")
    result = run("import", str(book), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "将新建：2025-06/101-朔州市教育局/101-2025-011.yaml" in result.stdout
    assert not (repo / "submissions/2025-06/101-朔州市教育局").exists()
    result = run("import", str(book))
    assert result.exit_code == 0 and "已导入：2025-06/101-朔州市教育局/101-2025-011.yaml（新建" in result.stdout
    result = run("import", str(book))
    assert result.exit_code == 0 and "无变化" in result.stdout
    bad = office_workbook(tmp_path / "坏.xlsx", {"项目1": {**OFFICE_PROJECT, "skip_header": True}})
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"{bad} 工作表「项目1」 A5：错误 E506 ")


def test_an_existing_file_that_does_not_read_is_left_alone(tmp_path: Path) -> None:
    repo = _project_repo(tmp_path)
    broken = repo / "submissions/2025-06/101-朔州市教育局/101-2025-011.yaml"
    build_file_tree(repo, {str(broken.relative_to(repo)): "年度: [2025\n"})
    book = office_workbook(tmp_path / "少年宫.xlsx", {"项目1": OFFICE_PROJECT})
    done = api.import_workbooks([book], workspace=Workspace.at(repo), force=True)
    assert _located(done) == [(str(book), "项目1", "A1", "E527")]
    assert broken.read_text(encoding="utf-8") == "年度: [2025\n"


def test_the_command_shows_the_warnings_of_the_files_it_wrote(tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clerk's typo only a rule catches (下达数 far above 本年预算, W412) is printed, located, as validate prints it."""
    repo = _project_repo(tmp_path)
    book = office_workbook(tmp_path / "少年宫.xlsx", {"项目1": OFFICE_PROJECT})
    wb = openpyxl.load_workbook(book)
    wb["项目1"]["F9"] = "1,200.50"  # 市级财政资金·下达数 against 本年预算 200
    for cell in ("F7", "G7", "G9"):  # the computed cells, left for docgen to compute
        wb["项目1"][cell] = None
    wb.save(book)
    monkeypatch.chdir(repo)
    result = run("import", str(book))
    assert result.exit_code == 0, result.stderr
    target = repo / "submissions/2025-06/101-朔州市教育局/101-2025-011.yaml"
    assert target.is_file()
    validated = run("validate", str(target.relative_to(repo)))
    lines = [line for line in validated.stdout.splitlines() if " W412 " in line]
    assert lines and all(line in result.stdout.splitlines() for line in lines)
    assert lines[0].startswith("submissions/2025-06/101-朔州市教育局/101-2025-011.yaml:")


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("1,650.00", Decimal("1650.00")),
        ("１，６５０", Decimal(1650)),
        ("-1,234,567.8", Decimal("-1234567.8")),
        ("12,5", None),
        ("1,2345", None),
        ("0,012", None),  # 0.012 with a decimal comma: never 12
        ("012,345", None),
    ],
)
def test_a_text_cell_is_read_with_thousands_separators_only(text: str, read: Decimal | None) -> None:
    """Excel's grouping is read; 「12,5」 (a decimal comma?) is no number, never 125: the sheet's cell is named (E510)."""
    assert sheets.number(text) == read

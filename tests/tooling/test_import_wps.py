"""Workbooks as WPS 表格 saves them (tests/tooling/wps.py reproduces its traits byte-wise; WPS itself is not
installable here): docgen's own forms of every profile import unchanged, and an execution spreadsheet with WPS's
wrong sheet dimension is read whole by import-figures."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from docgen import api
from docgen.check.profile import profile_of
from docgen.tooling import importer, sheets
from docgen.workspace import Workspace
from tests.conftest import ROOT
from tests.tooling.workbooks import docgen_workbook
from tests.tooling.wps import BUILD, WPS_APP, wps_resave

DEMOS = {"shuozhou-city": (ROOT, "101-2025-001"), "hubei": (ROOT / "examples/profiles/hubei", "301-2025-001")}
DEMOS["national-2019"] = (ROOT / "examples/profiles/national-2019", "201-2025-001")


def _copy(source: Path, repo: Path) -> Path:
    shutil.copytree(source / "submissions", repo / "submissions")
    if (source / "docgen.yaml").is_file():
        shutil.copy(source / "docgen.yaml", repo / "docgen.yaml")
    return repo


def test_the_fixture_carries_every_wps_trait(tmp_path: Path) -> None:
    ws = Workspace.at(ROOT)
    sub = next(p for p in api.check([ws.submissions], workspace=ws, cache=False).projects if p.code == "101-2025-001")
    made = wps_resave(docgen_workbook(sub, tmp_path), tmp_path / "wps.xlsx")
    with zipfile.ZipFile(made) as archive:
        parts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert f"<Application>{WPS_APP}</Application>" in parts["docProps/app.xml"]
    assert BUILD in parts["docProps/custom.xml"] and "docProps/custom.xml" in parts["_rels/.rels"]
    assert "/docProps/custom.xml" in parts["[Content_Types].xml"]
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert sheet.count('t="inlineStr"') > 40 and ' t="s"' not in sheet and '<dimension ref="A1"/>' in sheet
    assert "_ * #,##0.00_ ;" in parts["xl/styles.xml"] and 'name="常规"' in parts["xl/styles.xml"]
    assert "http://www.wps.cn/officeDocument/2017/etCustomData" in parts["xl/workbook.xml"]


@pytest.mark.parametrize("profile", sorted(DEMOS))
def test_a_wps_saved_form_of_every_profile_imports_unchanged(tmp_path: Path, profile: str) -> None:
    source, code = DEMOS[profile]
    repo = _copy(source, tmp_path / "repo")
    ws = Workspace.at(repo)
    sub = next(p for p in api.check([ws.submissions], workspace=ws, cache=False).projects if p.code == code)
    book = wps_resave(docgen_workbook(sub, tmp_path / "docgen"), tmp_path / "WPS保存.xlsx")
    reads, problems = importer.read_workbook(sheets.open_workbook(book), profile_of(ws).forms)
    assert problems == [] and len(reads) == 1
    done = api.import_workbooks([book], workspace=ws)
    assert done.problems == [], [p.text() for p in done.problems]
    assert [p.status for p in done.planned] == ["same"]


def test_import_figures_reads_a_wps_sheet_whole_despite_its_dimension(tmp_path: Path, run, chdir) -> None:
    shutil.copytree(ROOT / "submissions" / "2025-06", tmp_path / "submissions" / "2025-06")
    chdir(tmp_path)
    assert run("new", "period", "2025-09", "--from", "2025-06").exit_code == 0
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["项目代码", "资金来源", "下达数", "支出数", "全年预计支出数"])
    sheet.append(["101-2025-001", "中央财政资金", 860, 600.5, 860])
    sheet.append(["104-2025-003", "市级财政资金", 100, 50, 100])
    wb.save(tmp_path / "plain.xlsx")
    wps_resave(tmp_path / "plain.xlsx", tmp_path / "执行.xlsx")
    columns = "".join(f"  {key}: {key}\n" for key in ("项目代码", "资金来源", "下达数", "支出数", "全年预计支出数"))
    (tmp_path / "m.yaml").write_text("列:\n" + columns, encoding="utf-8")
    result = run("import-figures", "执行.xlsx", "--mapping", "m.yaml", "--period", "2025-09")
    assert result.exit_code == 0, result.stderr
    second = yaml.safe_load((tmp_path / "submissions/2025-09/104-交通运输局/104-2025-003.yaml").read_text(encoding="utf-8"))
    assert second["资金"]["市级财政资金"]["支出数"] == 50  # the second data row: past WPS's <dimension ref="A1"/>

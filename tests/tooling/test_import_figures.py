"""`docgen import-figures`: execution figures from a spreadsheet or CSV into many submissions, value by value."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from docgen import api
from docgen.tooling import execution
from tests.conftest import ROOT

HEADERS = ["序号", "项目编码", "项目名称", "资金性质", "指标下达金额", "累计支付金额", "预计全年支出金额"]
FILE = "submissions/2025-09/101-教育局/101-2025-001.yaml"


@pytest.fixture
def opened(tmp_path: Path, run, chdir) -> Path:
    shutil.copytree(ROOT / "submissions" / "2025-06", tmp_path / "submissions" / "2025-06")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    chdir(tmp_path)
    assert run("new", "period", "2025-09", "--from", "2025-06").exit_code == 0
    return tmp_path


def _sheet(path: Path, rows: list[list[object]], title: str = "执行情况") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(["2025年1-9月项目支出执行情况"])  # a title row above the header, as the 一体化 export has
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_the_builtin_mapping_updates_figures_and_nothing_else(run, opened: Path) -> None:
    before = (opened / FILE).read_text(encoding="utf-8")
    _sheet(
        opened / "执行.xlsx",
        [
            [1, "101-2025-001", "…", "中央补助资金", 8600000, "6,005,000.00", 8600000],
            [2, "101-2025-001", "…", "市级资金", 1200000, 1000000, None],  # two lines of one row (two 指标文号) add up
            [3, "101-2025-001", "…", "市级资金", 800000, 500000, 2755000],
        ],
    )
    result = run("import-figures", "执行.xlsx", "--mapping", "一体化", "--period", "2025-09")
    assert result.exit_code == 0, result.stderr
    assert "101-2025-001.yaml" in result.stdout
    after = (opened / FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(after)["资金"]
    assert data["中央财政资金"] == {"上年结转": 0, "本年预算": 860.0, "下达数": 860, "支出数": 600.5, "全年预计支出数": 860}
    assert (data["市级财政资金"]["下达数"], data["市级财政资金"]["支出数"], data["市级财政资金"]["全年预计支出数"]) == (200, 150, 275.5)
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 6 and all(a.split(":")[0] == b.split(":")[0] for a, b in changed)  # six values, every other byte kept
    assert "# 按学期核定受助人数，不按月累计" in after
    assert run("fmt", "--check", "submissions/2025-09").exit_code == 0
    checked = api.check([Path(FILE)], workspace=api.Workspace.at(opened), cache=False)
    assert checked.errors == []
    again = run("import-figures", "执行.xlsx", "--mapping", "一体化", "--period", "2025-09")
    assert again.exit_code == 0 and again.stdout == "" and "1 个已是这些数" in again.stderr


def test_unmatched_and_ambiguous_projects_stop_everything(run, opened: Path) -> None:
    copy = opened / "submissions" / "2025-09" / "102-卫生健康委员会" / "copy.yaml"
    copy.write_text((opened / "submissions/2025-09/102-卫生健康委员会/102-2025-001.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    _sheet(
        opened / "执行.xlsx",
        [
            [1, "101-2025-001", "…", "中央补助资金", 8600000, 6005000, 8600000],
            [2, "999-2025-001", "…", "市级资金", 1, 1, 1],
            [3, "102-2025-001", "…", "中央补助资金", 1, 1, 1],
        ],
    )
    before = (opened / FILE).read_text(encoding="utf-8")
    result = run("import-figures", "执行.xlsx", "--mapping", "一体化")
    assert result.exit_code == 1
    assert "执行.xlsx 第 4 行 B 列: 错误 E560" in result.stderr and "999-2025-001" in result.stderr
    assert "执行.xlsx 第 5 行 B 列: 错误 E561" in result.stderr and "copy.yaml" in result.stderr
    assert (opened / FILE).read_text(encoding="utf-8") == before  # all or nothing
    copy.unlink()
    lenient = run("import-figures", "执行.xlsx", "--mapping", "一体化", "--ignore-unmatched")
    assert lenient.exit_code == 0 and "警告 W560" in lenient.stderr
    assert (opened / FILE).read_text(encoding="utf-8") != before


def test_bad_cells_are_located_on_the_spreadsheet(run, opened: Path) -> None:
    _sheet(
        opened / "执行.xlsx",
        [
            [1, "101-2025-001", "…", "中央补助资金", "八百万", 6005000, 8600000],
            [2, "101-2025-001", "…", "外资", 1, 1, 1],
            [3, None, "…", "市级资金", 1, 1, 1],
        ],
    )
    result = run("import-figures", "执行.xlsx", "--mapping", "一体化")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("执行.xlsx 第 3 行 E 列: 错误 E564") and "八百万" in line for line in lines)
    assert any(line.startswith("执行.xlsx 第 4 行 D 列: 错误 E566") for line in lines)
    assert any(line.startswith("执行.xlsx 第 5 行 B 列: 错误 E563") for line in lines)


def test_a_comma_that_is_not_a_thousands_separator_is_refused_not_dropped(run, opened: Path) -> None:
    """「6,005,000.00」 is Excel's grouping, read as 6005000.00; 「6005,5」 (a decimal comma?) is refused at its cell,
    never read as 60055: the same rule as a submission's 「12,345.6」 (numbers.ungrouped)."""
    before = (opened / FILE).read_text(encoding="utf-8")
    _sheet(opened / "执行.xlsx", [[1, "101-2025-001", "…", "中央补助资金", "8,600,000", "6005,5", 8600000]])
    result = run("import-figures", "执行.xlsx", "--mapping", "一体化")
    assert result.exit_code == 1
    assert any(line.startswith("执行.xlsx 第 3 行 F 列: 错误 E564") and "6005,5" in line for line in result.stderr.splitlines())
    assert not any("第 3 行 E 列" in line for line in result.stderr.splitlines())  # the grouped one is read
    assert (opened / FILE).read_text(encoding="utf-8") == before


def test_a_csv_with_its_own_mapping_in_wan_yuan_and_one_fund_row(run, opened: Path) -> None:
    (opened / "国库.yaml").write_text("列:\n  项目代码: 代码\n  支出数: 本年累计支出（万元）\n", encoding="utf-8")
    (opened / "国库.csv").write_bytes('代码,本年累计支出（万元）\n104-2025-003,"1,234.50"\n'.encode("gb18030"))
    result = run("import-figures", "国库.csv", "--mapping", "国库.yaml")
    assert result.exit_code == 0, result.stderr
    funds = yaml.safe_load((opened / "submissions/2025-09/104-交通运输局/104-2025-003.yaml").read_text(encoding="utf-8"))["资金"]
    [row] = [r for r in funds.values() if r["支出数"] != "未填报"]
    assert row["支出数"] == 1234.5 and row["下达数"] == "未填报"
    several = run("import-figures", "国库.csv", "--mapping", "国库.yaml", "--dry-run")
    assert several.exit_code == 0
    (opened / "国库.csv").write_text("代码,本年累计支出（万元）\n101-2025-001,1\n", encoding="utf-8")
    which = run("import-figures", "国库.csv", "--mapping", "国库.yaml")
    assert which.exit_code == 1 and "E569" in which.stderr  # two fund rows and no 资金来源 column: never guessed


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("列:\n  项目代码: 编码\n", "2:3"),  # no figure column
        ("列:\n  项目代码: 编码\n  支出: 累计\n", "3:3"),
        ("金额单位: 千元\n列:\n  项目代码: 编码\n  支出数: 累计\n", "1:7"),
        ("列:\n  支出数: 累计\n", "2:3"),
        ("表头行: 0\n列:\n  项目代码: 编码\n  支出数: 累计\n", "1:6"),
        ("资金来源:\n  中央: 中央资金\n列:\n  项目代码: 编码\n  支出数: 累计\n", "2:7"),
        ("列表:\n  项目代码: 编码\n", "1:1"),
    ],
)
def test_a_broken_mapping_is_said_with_its_line(run, opened: Path, text: str, where: str) -> None:
    (opened / "m.yaml").write_text(text, encoding="utf-8")
    _sheet(opened / "执行.xlsx", [])
    result = run("import-figures", "执行.xlsx", "--mapping", "m.yaml")
    assert result.exit_code == 1
    assert f"m.yaml:{where}: 错误 E573" in result.stderr


def test_the_builtin_mapping_reads_and_a_missing_one_is_refused(run, opened: Path) -> None:
    path = execution.mapping_path("一体化")
    assert path is not None
    mapping = execution.read_mapping(path, path.read_text(encoding="utf-8"))
    assert mapping.columns["项目代码"] == "项目编码" and mapping.funds["中央补助资金"] == "中央财政资金"
    _sheet(opened / "执行.xlsx", [])
    assert run("import-figures", "执行.xlsx", "--mapping", "没有.yaml").exit_code == 2


# --- hardening: the bounded opening, .xls/.ods through LibreOffice, CSV encodings (issue 16 item 4) -------------------

CSV_MAPPING = "列:\n  项目代码: 代码\n  支出数: 本年累计支出（万元）\n"
CSV_TEXT = '代码,本年累计支出（万元）\n104-2025-003,"1,234.50"\n'
TARGET = "submissions/2025-09/104-交通运输局/104-2025-003.yaml"


def _spent(opened: Path) -> list[object]:
    funds = yaml.safe_load((opened / TARGET).read_text(encoding="utf-8"))["资金"]
    return [r["支出数"] for r in funds.values() if r["支出数"] != "未填报"]


@pytest.mark.parametrize(
    "raw",
    [CSV_TEXT.encode("utf-8"), b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"), CSV_TEXT.encode("gbk"), CSV_TEXT.encode("gb18030")],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030"],
)
def test_a_csv_in_each_encoding_offices_save(run, opened: Path, raw: bytes) -> None:
    (opened / "国库.yaml").write_text(CSV_MAPPING, encoding="utf-8")
    (opened / "国库.csv").write_bytes(raw)
    result = run("import-figures", "国库.csv", "--mapping", "国库.yaml")
    assert result.exit_code == 0, result.stderr
    assert _spent(opened) == [1234.5]


def test_a_csv_with_undecodable_bytes_is_a_located_problem(run, opened: Path) -> None:
    (opened / "国库.yaml").write_text(CSV_MAPPING, encoding="utf-8")
    before = (opened / TARGET).read_text(encoding="utf-8")
    (opened / "国库.csv").write_bytes(CSV_TEXT.encode("utf-8") + b"104-2025-003,\xff\xfe12\n")
    result = run("import-figures", "国库.csv", "--mapping", "国库.yaml")
    assert result.exit_code == 1
    assert (
        "国库.csv: 错误 E535 国库.csv 第 3 行有无法解码的字节（0xFF）：CSV 应为 UTF-8（带或不带 BOM）或 GBK/GB18030 编码" in result.stderr
    )
    assert "另存为」→「CSV UTF-8（逗号分隔）」" in result.stderr
    assert (opened / TARGET).read_text(encoding="utf-8") == before


def test_a_zip_bomb_and_a_dtd_are_refused_by_the_bounded_opening(run, opened: Path) -> None:
    import zipfile

    (opened / "国库.yaml").write_text(CSV_MAPPING, encoding="utf-8")
    with zipfile.ZipFile(opened / "炸弹.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (80 << 20))
    bomb = run("import-figures", "炸弹.xlsx", "--mapping", "国库.yaml")
    assert bomb.exit_code == 1 and "错误 E502" in bomb.stderr, bomb.stderr
    with zipfile.ZipFile(opened / "实体.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", '<!DOCTYPE x [<!ENTITY a "b">]><Types/>')
    dtd = run("import-figures", "实体.xlsx", "--mapping", "国库.yaml")
    assert dtd.exit_code == 1 and "错误 E503" in dtd.stderr, dtd.stderr


def test_an_unknown_file_type_is_refused(run, opened: Path) -> None:
    (opened / "国库.yaml").write_text(CSV_MAPPING, encoding="utf-8")
    (opened / "国库.txt").write_text(CSV_TEXT, encoding="utf-8")
    result = run("import-figures", "国库.txt", "--mapping", "国库.yaml")
    assert result.exit_code == 1 and "错误 E525 不支持的文件类型「.txt」" in result.stderr


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_xls_and_ods_are_read_through_libreoffice(run, opened: Path, tmp_path: Path, suffix: str) -> None:
    from tests.tooling.workbooks import soffice_convert

    _sheet(tmp_path / "执行.xlsx", [[1, "104-2025-003", "…", "市级资金", 1000000, 500000, 1000000]])
    converted = soffice_convert(tmp_path / "执行.xlsx", opened, suffix)
    result = run("import-figures", converted.name, "--mapping", "一体化", "--period", "2025-09")
    assert result.exit_code == 0, result.stderr
    funds = yaml.safe_load((opened / TARGET).read_text(encoding="utf-8"))["资金"]
    assert funds["市级财政资金"]["支出数"] == 50


def test_an_ods_without_libreoffice_is_a_clear_environment_problem(
    run, opened: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (opened / "国库.yaml").write_text(CSV_MAPPING, encoding="utf-8")
    (opened / "执行.ods").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    result = run("import-figures", "执行.ods", "--mapping", "国库.yaml")
    assert result.exit_code == 3
    assert "读取 .ods 文件需要 LibreOffice，但本机没有安装（找不到 soffice 命令）" in result.stderr

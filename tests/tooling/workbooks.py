"""Workbooks for the import tests: docgen's own 附件2/附件3, one an office makes by hand in the official layout
(written cell by cell with openpyxl, as a clerk would type it), and LibreOffice's re-saves of either."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen.evaluate.evaluation import evaluate
from docgen.form.model import Department, Project
from docgen.render import paths, templates
from docgen.render.xlsx import workbook_bytes

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui (.ci/run installs it)"
)


def docgen_workbook(sub: Project | Department, folder: Path) -> Path:
    """docgen's own 附件2/附件3 of `sub`, named as `docgen build` names it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / paths.attachments(folder, sub)["xlsx"].name
    target.write_bytes(workbook_bytes(evaluate(sub), templates.BUILTIN / templates.TABLES_YAML))
    return target


def soffice_convert(source: Path, folder: Path, to: str) -> Path:
    """`source` opened and saved by LibreOffice headless as `to` (xlsx: a re-save, xls: the old binary format)."""
    assert SOFFICE is not None
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / ".profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    made = folder / f"{source.stem}.{to}"
    assert made.is_file(), f"LibreOffice did not write {made}"
    return made


# --- an office's own 附件2, typed in by hand ---------------------------------------------------------------

HEADERS = ("上年结转", "本年预算", "小计")


def office_sheet(
    ws: Any,
    *,
    name: str = "乡村学校少年宫运行补助",
    department: str = "朔州市教育局（101）",
    unit: str = "朔州市教育局本级",
    period: str = "（2025年1-6月）",
    rows: Iterable[tuple[str, tuple[Any, ...]]] = (),
    total: tuple[Any, ...] | None = None,
    target: str = "保障全市 20 所乡村学校少年宫正常运转。",
    indicators: Iterable[tuple[Any, ...]] = (),
    skip_header: bool = False,
    merge_levels: bool = True,
) -> None:
    """One 附件2 as an office lays it out: its own column widths and merges, row labels without 「其中：」 on all but
    the first, headers without the bracketed explanation, a blank row and 「……」 rows, ticks as the clerk types them.

    `rows`: (fund row, (上年结转, 本年预算, 小计, 下达数, 下达率, 支出数, 支出进度, 全年预计支出数)); `indicators`:
    (一级, 二级, 三级, 年度指标值, 完成情况, 预计, 偏差原因, 确定能, 有可能, 完全不可能, 备注), 一级/二级 "" when merged above.
    """
    ws["A1"] = "市级项目支出绩效运行监控表"
    ws.merge_cells("A1:M1")
    ws["A2"] = period
    ws.merge_cells("A2:M2")
    ws["A3"] = "项目名称"
    ws.merge_cells("A3:B3")
    ws["C3"] = name
    ws.merge_cells("C3:M3")
    ws["A4"] = "主管部门及代码"
    ws.merge_cells("A4:B4")
    ws["C4"] = department
    ws.merge_cells("C4:G4")
    ws["H4"] = "预算单位"
    ws.merge_cells("H4:I4")
    ws["J4"] = unit
    ws.merge_cells("J4:M4")
    row = 5
    ws.cell(row, 1, "项目资金预算安排及执行进度（万元）")
    ws.cell(row, 3, "年度预算资金安排")
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
    for col, text in ((6, "1-6月下达数"), (7, "1-6月下达率%"), (9, "1-6月支出数"), (10, "1-6月支出进度%"), (12, "全年预计支出数")):
        ws.cell(row, col, text)
    if not skip_header:
        row += 1
        for col, text in zip((3, 4, 5), HEADERS, strict=True):
            ws.cell(row, col, text)
    row += 1
    ws.cell(row, 2, "资金总额：")
    for col, value in zip((3, 4, 5, 6, 7, 9, 10, 12), total or (), strict=False):
        ws.cell(row, col, value)
    row += 1
    for index, (label, values) in enumerate(rows):
        ws.cell(row, 2, ("其中：" if index == 0 else "") + label)
        for col, value in zip((3, 4, 5, 6, 7, 9, 10, 12), values, strict=True):
            ws.cell(row, col, value)
        row += 1
    row += 1  # a blank row, as offices leave one
    ws.cell(row, 1, "项目年度绩效目标")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.cell(row, 3, target)
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=13)
    row += 1
    ws.cell(row, 1, "绩效指标")
    for col, text in enumerate(
        ("一级指标", "二级指标", "三级指标", "年度指标值", "1-6月指标完成情况", "全年指标预计完成情况", "偏差原因分析"), 2
    ):
        ws.cell(row, col, text)
    ws.cell(row, 10, "完成目标可能性“√”")
    ws.merge_cells(start_row=row, start_column=10, end_row=row, end_column=12)
    ws.cell(row, 13, "备注")
    row += 1
    for col, text in ((10, "确定能"), (11, "有可能"), (12, "完全不可能")):
        ws.cell(row, col, text)
    row += 1
    first = row
    for values in indicators:
        level1, level2, *rest = values
        if level1:
            ws.cell(row, 2, level1)
        if level2:
            ws.cell(row, 3, level2)
        for col, value in zip((4, 5, 6, 7, 8, 10, 11, 12, 13), rest, strict=True):
            if value is not None:
                ws.cell(row, col, value)
        row += 1
    if merge_levels and row - first > 1 and ws.cell(first, 2).value and not any(ws.cell(r, 2).value for r in range(first + 1, row)):
        ws.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
    ws.cell(row, 4, "……")  # the official form's 「……」 row, left empty
    row += 2
    ws.cell(row, 1, "1．偏差原因分析：针对与预期目标产生偏差的指标值，分别从决策、过程和管理等方面进行判断和分析，并说明理由。")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=13)


def office_workbook(path: Path, sheets: dict[str, dict[str, Any]]) -> Path:
    """A workbook of hand-made 附件2 sheets, {sheet name: office_sheet's keyword arguments}."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, kwargs in sheets.items():
        office_sheet(book.create_sheet(title), **kwargs)
    book.save(path)
    return path


#: An office's 附件2 for a project the test roster lists: numbers as text (「1,650.00」), full-width digits, ticks as
#: 「✓」 and 「是」, a blank 上年结转 left 0 on purpose, one indicator 「未填报」.
OFFICE_PROJECT: dict[str, Any] = {
    "rows": [
        ("中央财政资金", (0, "1,650.00", "1,650.00", 1650, 1, "８２５", 0.5, "1,650.00")),
        ("市级财政资金", ("10.5", 200, 210.5, 100, 0.5, "未填报", "未填报", 210.5)),
    ],
    "total": (10.5, 1850, 1860.5, 1750, "94.59%", "未填报", "未填报", 1860.5),
    "indicators": [
        ("产出指标", "数量指标", "少年宫开放所数", "２０所", "20所", "20所", None, "✓", None, None, None),
        ("", "质量指标", "活动开展达标率", "≥95%", "96%", "96%", None, "√", None, None, None),
        ("", "时效指标", "资金拨付时限", "≤30天", "未填报", "≤30天", None, None, None, None, "完成目标可能性：未填报"),
        (
            "效益指标",
            "社会效益指标",
            "参与学生人次",
            "≥5000人次",
            "2600人次",
            "4800人次",
            "过程方面：雨季停课两周。",
            None,
            "是",
            None,
            None,
        ),
        ("满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", "92%", "≥90%", None, "√", None, None, None),
    ],
}

#: What OFFICE_PROJECT must import as (money in 万元, as on the form).
OFFICE_EXPECTED: dict[str, Any] = {
    "资金": {
        "中央财政资金": {"上年结转": 0, "本年预算": 1650, "下达数": 1650, "支出数": 825, "全年预计支出数": 1650},
        "市级财政资金": {"上年结转": 10.5, "本年预算": 200, "下达数": 100, "支出数": "未填报", "全年预计支出数": 210.5},
    },
    "项目年度绩效目标": "保障全市 20 所乡村学校少年宫正常运转。",
    "绩效指标": [
        ["产出指标", "数量指标", "少年宫开放所数", "２０所", "20所", "20所", "确定能"],
        ["产出指标", "质量指标", "活动开展达标率", "≥95%", "96%", "96%", "确定能"],
        ["产出指标", "时效指标", "资金拨付时限", "≤30天", "未填报", "≤30天", "未填报"],
        ["效益指标", "社会效益指标", "参与学生人次", "≥5000人次", "2600人次", "4800人次", "有可能"],
        ["满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", "92%", "≥90%", "确定能"],
    ],
}

ROSTER = """\
年度: 2025
截至月份: 6
截止日期: "2025-07-31"
部门:
  - 主管部门: 朔州市教育局
    主管部门代码: "101"
    预算单位: [朔州市教育局本级]
    应报项目:
      - 项目代码: "101-2025-011"
        项目名称: 乡村学校少年宫运行补助
        预算单位: 朔州市教育局本级
      - 项目代码: "101-2025-012"
        项目名称: 校园安全防范设施建设
        预算单位: 朔州市教育局本级
"""

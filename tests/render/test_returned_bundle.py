"""A submission returned for revision (退回修改) is rendered but left out of its department's bundle, and 目录.txt
says so, until the reviewer passes it again."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.render.test_build import BUNDLE

REVIEW = "submissions/2025-06/审核/财政局-104.yaml"


def _review(conclusion: str, subject: str = '"104-2025-001"') -> str:
    return (
        '年度: 2025\n截至月份: 6\n主管部门代码: "104"\n审核单位: 朔州市财政局预算绩效管理科\n审核意见:\n'
        f"  - 项目代码: {subject}\n    结论: {conclusion}\n    意见: 支出数与国库支付台账不符。\n"
        '    日期: "2025-08-05"\n    审核人: 王敏\n'
    )


def _bundle(tree: Path) -> tuple[list[str], str]:
    with zipfile.ZipFile(tree / BUNDLE) as archive:
        names = archive.namelist()
        return names, archive.read(names[0]).decode("utf-8-sig")


def test_a_returned_project_is_out_of_the_bundle_until_it_passes(run, small_tree: Path) -> None:
    assert run("build").exit_code == 0
    names, _ = _bundle(small_tree)
    assert any("104-2025-001" in n for n in names)
    (small_tree / REVIEW).parent.mkdir(parents=True)
    (small_tree / REVIEW).write_text(_review("退回修改"), encoding="utf-8")
    assert run("build").exit_code == 0
    names, index = _bundle(small_tree)
    assert not any("104-2025-001" in n for n in names) and len(names) == 7
    assert (small_tree / "build/2025-06/104-朔州市交通运输局").is_dir()  # its attachments are still rendered
    assert "二、项目支出绩效监控分析报告（2个）" in index
    assert "已被退回修改，未列入本报送包" in index and "（104-2025-001）：支出数与国库支付台账不符。" in index
    (small_tree / REVIEW).write_text(_review("通过"), encoding="utf-8")
    assert run("build").exit_code == 0
    names, index = _bundle(small_tree)
    assert any("104-2025-001" in n for n in names) and "退回" not in index


def test_a_returned_department_file_is_said_returned_not_missing(run, small_tree: Path) -> None:
    (small_tree / REVIEW).parent.mkdir(parents=True)
    (small_tree / REVIEW).write_text(_review("退回修改", "部门整体"), encoding="utf-8")
    assert run("build").exit_code == 0
    names, index = _bundle(small_tree)
    assert not any("部门整体" in n for n in names)
    assert "一、部门整体支出绩效监控分析报告：已退回修改" in index and "本期未报送" not in index


def test_the_rollups_mark_a_returned_project(run, small_tree: Path) -> None:
    import openpyxl

    (small_tree / REVIEW).parent.mkdir(parents=True)
    (small_tree / REVIEW).write_text(_review("退回修改"), encoding="utf-8")
    assert run("build").exit_code == 0
    marked = []
    for book in sorted((small_tree / "build").rglob("*汇总表.xlsx")):
        opened = openpyxl.load_workbook(book, read_only=True)  # read-only keeps the file open until closed
        for sheet in opened.worksheets:
            for row in sheet.iter_rows(values_only=True):
                if any(isinstance(c, str) and c.endswith("（退回修改）") for c in row):
                    marked.append((book.name, next(c for c in row if isinstance(c, str) and c.startswith("104-2025-"))))
        opened.close()
    assert sorted(marked) == [
        ("104-朔州市交通运输局-2025年1-6月绩效监控汇总表.xlsx", "104-2025-001"),
        ("全市-2025年1-6月绩效监控汇总表.xlsx", "104-2025-001"),
    ]


def test_a_project_its_own_opinion_returned_is_out_of_the_bundle(run, small_tree: Path) -> None:
    """A unit's own 审核意见 in the project file (no review file names it) returns it as a review file's would."""
    source = small_tree / "submissions/2025-06/104-交通运输局/104-2025-001.yaml"
    source.write_text(
        source.read_text(encoding="utf-8")
        + '审核意见:\n  - 审核单位: 朔州市交通运输局\n    审核人: 王敏\n    日期: "2025-07-10"\n    结论: 退回修改\n'
        + "    意见: 支出数与国库支付台账不符。\n",
        encoding="utf-8",
    )
    assert not (small_tree / REVIEW).exists()
    assert run("build").exit_code == 0
    names, index = _bundle(small_tree)
    assert not any("104-2025-001" in n for n in names)
    assert "（104-2025-001）：支出数与国库支付台账不符。" in index

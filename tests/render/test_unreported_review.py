"""Findings of the new-user review of 「未填报」 (issue 14) in the render stage, on examples/partial: 「绩效指标: 未填报」
prints one row reading 「未填报」 across 附件2's indicator table, and a 合计 over rows some of which are 「未评价」
says how many."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from docgen import api
from docgen.form import vocabulary as F
from docgen.render import rollup

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partial"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("partial") / "repo"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build", "site", ".docgen-cache"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    api.build(root, cache=False)
    return root


def test_a_missing_indicator_block_prints_one_row_reading_not_reported(built: Path) -> None:
    folder = built / "build" / "2025-06" / "106-朔州市文化和旅游局"
    sheet = openpyxl.load_workbook(next(folder.glob("附件2-106-2025-002-*.xlsx"))).active
    assert sheet is not None
    rows = [row for row in sheet.iter_rows() if any(c.value == F.NOT_REPORTED for c in row)]
    [row] = [r for r in rows if r[1].value == F.NOT_REPORTED]  # from the 一级指标 column …
    merged = next(m for m in sheet.merged_cells.ranges if m.min_row == row[1].row and m.min_col == 2)
    assert (merged.min_col, merged.max_col) == (2, 13)  # … across to 备注
    header = next(r for r in sheet.iter_rows() if any(c.value == F.CERTAIN for c in r))
    assert header[0].row + 1 == row[1].row  # right under the header, the block's one row
    full = openpyxl.load_workbook(next(folder.glob("附件2-106-2025-003-*.xlsx"))).active
    assert full is not None
    assert not any(c.value == F.NOT_REPORTED for r in full.iter_rows() for c in r if c.column == 2)  # silent: listed


def test_a_total_over_ungraded_rows_says_how_many(built: Path) -> None:
    city = openpyxl.load_workbook(next((built / "build" / "2025-06").glob("全市-*汇总表.xlsx")))
    lights = {row[1]: row[2] for row in city["部门汇总"].iter_rows(values_only=True) if row[1]}
    assert lights["合计"] == "绿灯（3个未评价）"  # 106's three projects are 未评价, 107's two green
    assert lights["朔州市体育局"] == "绿灯"  # silent: every row graded
    assert lights["朔州市文化和旅游局"] == "未评价"  # every row 未评价: no count to add
    dept = openpyxl.load_workbook(next((built / "build" / "2025-06" / "106-朔州市文化和旅游局").glob("*汇总表.xlsx")))
    total = next(row for row in dept.worksheets[0].iter_rows(values_only=True) if "合计" in row)
    assert "未评价" in total and not any(isinstance(v, str) and "个未评价" in v for v in total)


def test_light_label_counts_only_under_a_graded_light() -> None:
    assert rollup.light_label({"light": "red", "ungraded": 2}) == "红灯（2个未评价）"
    assert rollup.light_label({"light": "green", "ungraded": 0}) == "绿灯"
    assert rollup.light_label({"light": "grey", "ungraded": 4}) == "未评价"
    assert rollup.light_label({"light": None, "ungraded": 4}) == ""


def test_the_example_ignores_what_its_run_writes(built: Path) -> None:
    assert (built / "build").is_dir()
    status = subprocess.run(
        ["git", "-C", str(built), "status", "--porcelain", "--untracked-files=all"], capture_output=True, text=True, check=True
    )
    assert status.stdout and not any(line[3:].startswith(("build/", "site/", ".docgen-cache/")) for line in status.stdout.splitlines())

"""The review folder's files: their own rules beyond the schema, each firing and silent, and `docgen fmt`."""

from __future__ import annotations

from pathlib import Path

from docgen import api
from tests.conftest import build_file_tree

ROSTER = """\
年度: 2025
截至月份: 6
截止日期: "2025-07-31"
部门:
  - 主管部门: 朔州市教育局
    主管部门代码: "101"
    预算单位: [朔州市教育局本级]
    应报项目:
      - 项目代码: "101-2025-001"
        项目名称: 生活补助
        预算单位: 朔州市教育局本级
"""

OPINIONS = """\
年度: 2025
截至月份: 6
主管部门代码: "101"
审核单位: 朔州市财政局预算绩效管理科
审核意见:
  - 项目代码: "{code}"
    结论: 通过
    意见: 同意。
    日期: "2025-08-05"
    审核人: 王敏
  - 项目代码: 部门整体
    结论: 通过
    意见: 同意。
    日期: "{second}"
    审核人: 王敏
  - 项目代码: 部门整体
    结论: 通过
    意见: 同意。
    日期: "2025-08-06"
    审核人: 王敏
"""


def _codes(tmp_path: Path, code: str = "101-2025-001", second: str = "2025-08-05") -> list[str]:
    build_file_tree(
        tmp_path,
        {"submissions/2025-06/名单.yaml": ROSTER, "submissions/2025-06/审核/财政局-101.yaml": OPINIONS.format(code=code, second=second)},
    )
    result = api.check([tmp_path / "submissions"], workspace=api.Workspace.at(tmp_path))
    return [f"{f.line}:{f.code}" for f in result.findings if f.path.endswith("财政局-101.yaml")]


def test_a_code_the_roster_does_not_list_is_warned_and_a_listed_one_is_not(tmp_path: Path) -> None:
    assert _codes(tmp_path / "listed") == []
    assert _codes(tmp_path / "unlisted", code="101-2025-009") == ["6:W602"]


def test_the_same_conclusion_twice_on_one_day_is_warned(tmp_path: Path) -> None:
    assert _codes(tmp_path / "twice", second="2025-08-06") == ["16:W603"]


def test_records_reach_the_result(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "submissions/2025-06/名单.yaml": ROSTER,
            "submissions/2025-06/审核/财政局-101.yaml": OPINIONS.format(code="101-2025-001", second="2025-08-05"),
        },
    )
    result = api.check([tmp_path / "submissions"], workspace=api.Workspace.at(tmp_path))
    assert [(o.subject, o.reviewer_key, o.line) for o in result.records.opinions] == [
        ("101-2025-001", "财政局", 6),
        ("部门整体", "财政局", 11),
        ("部门整体", "财政局", 16),
    ]


def test_fmt_puts_a_review_file_in_the_schemas_order(tmp_path: Path) -> None:
    messy = (
        '审核意见:\n  - {意见: 好, 审核人: 王, 结论: 通过, 项目代码: "101-2025-001", 日期: "2025-08-01"}\n'
        '截至月份: 6\n年度: 2025\n主管部门代码: "101"\n审核单位: 朔州市教育局\n'
    )
    build_file_tree(tmp_path, {"submissions/2025-06/审核/101-101.yaml": messy})
    api.fmt([tmp_path / "submissions/2025-06/审核/101-101.yaml"], workspace=api.Workspace.at(tmp_path))
    text = (tmp_path / "submissions/2025-06/审核/101-101.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[:6] == [
        "年度: 2025",
        "截至月份: 6",
        '主管部门代码: "101"',
        "审核单位: 朔州市教育局",
        "审核意见:",
        '  - 项目代码: "101-2025-001"',
    ]


def test_the_scaffolds_validate_as_they_stand(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"submissions/2025-06/名单.yaml": ROSTER})
    ws = api.Workspace.at(tmp_path)
    made = [
        api.new_review("review", ws, "2025-06", "101", bureau=True),
        api.new_review("review", ws, "2025-06", "101"),
        api.new_review("rectification", ws, "2025-06", "101"),
        api.new_review("application", ws, "2025-06", "101"),
    ]
    assert [p.name for p in made] == ["财政局-101.yaml", "101-101.yaml", "整改-101.yaml", "结果应用-101.yaml"]
    result = api.check([tmp_path / "submissions"], workspace=ws)
    assert [f.code for f in result.findings] == []

"""The approved targets (批复目标) as the baseline: W610-W613 fire on an unjustified change and stay silent when the
submission matches or a 目标调整 record (结果应用 of kind 调整目标) covers it; `docgen fmt` knows the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from docgen import api
from tests.conftest import build_file_tree

DEMO = Path(__file__).resolve().parents[2] / "examples" / "review-loop" / "submissions" / "2025-06"
PROJECT = (DEMO / "101-教育局" / "101-2025-001.yaml").read_text(encoding="utf-8")
ROSTER = (DEMO / "名单.yaml").read_text(encoding="utf-8")
PATH = "submissions/2025-06/101-教育局/101-2025-001.yaml"

APPROVED = """\
年度: 2025
截至月份: 6
主管部门代码: "101"
项目:
  - 项目代码: "101-2025-001"
    绩效指标:
      - 一级指标: 产出指标
        二级指标: 数量指标
        三级指标: 资助学生人数
        年度指标值: {count}
      - 一级指标: 产出指标
        二级指标: 质量指标
        三级指标: 补助资金发放准确率
        年度指标值: 100%
      - 一级指标: 产出指标
        二级指标: 时效指标
        三级指标: 补助资金拨付到校时限
        年度指标值: ≤30天
      - 一级指标: 产出指标
        二级指标: 成本指标
        三级指标: 初中寄宿生生活补助标准
        年度指标值: 1250元/人·年
      - 一级指标: 效益指标
        二级指标: 社会效益指标
        三级指标: {poverty}
        年度指标值: 0人
      - 一级指标: 效益指标
        二级指标: 可持续影响指标
        三级指标: 控辍保学长效机制
        年度指标值: 持续巩固
      - 一级指标: 满意度指标
        二级指标: 服务对象满意度指标
        三级指标: 受助学生家长满意度
        年度指标值: ≥90%
{extra}"""

EXTRA = """\
      - 一级指标: 满意度指标
        二级指标: 服务对象满意度指标
        三级指标: 教师满意度
        年度指标值: ≥85%
"""

ADJUSTMENT = """\
年度: 2025
截至月份: 6
主管部门代码: "101"
审核单位: 朔州市财政局预算绩效管理科
结果应用:
  - 项目代码: "101-2025-001"
    问题代码: W610
    方式: 调整目标
    指标名称: {name}
    原目标: {original}
    调整后目标: {adjusted}
{renamed}    文号: 朔财绩〔2025〕15号
    日期: "2025-08-20"
    说明: 按程序调整。
"""


def _check(
    tmp_path: Path,
    *,
    count: str = "≥12000人",
    poverty: str = "因贫辍学学生人数",
    extra: str = "",
    project: str = PROJECT,
    record: str | None = None,
    roster: str = ROSTER,
) -> api.Result:
    files = {
        "submissions/2025-06/名单.yaml": roster,
        PATH: project,
        "submissions/2025-06/批复目标/101.yaml": APPROVED.format(count=count, poverty=poverty, extra=extra),
    }
    if record is not None:
        files["submissions/2025-06/审核/结果应用-101.yaml"] = record
    build_file_tree(tmp_path, files)
    return api.check([tmp_path / "submissions"], workspace=api.Workspace.at(tmp_path))


def _targets(result: api.Result) -> list[str]:
    return [f"{f.line}:{f.code}" for f in result.findings if f.code.startswith(("W61", "E61"))]


def test_a_submission_that_keeps_the_approved_targets_is_silent(tmp_path: Path) -> None:
    result = _check(tmp_path)
    assert _targets(result) == []
    assert result.errors == []
    comparison = result.comparisons[PATH]
    assert comparison.changes == () and len(comparison.rows) == 7


def test_a_changed_target_without_a_record_is_warned_with_both_values(tmp_path: Path) -> None:
    result = _check(tmp_path, count="≥12500人")
    assert _targets(result) == ["26:W610"]
    message = next(f.message for f in result.findings if f.code == "W610")
    assert "资助学生人数" in message and "≥12500人" in message and "≥12000人" in message


def test_the_same_target_written_otherwise_is_not_a_change(tmp_path: Path) -> None:
    assert _targets(_check(tmp_path, count="≥ 12000 人")) == []
    assert _targets(_check(tmp_path / "fullwidth", count="≥１２０００人")) == []


def test_a_record_adjusting_the_target_to_the_reported_value_justifies_it(tmp_path: Path) -> None:
    record = ADJUSTMENT.format(name="资助学生人数", original="≥12500人", adjusted="≥12000人", renamed="")
    result = _check(tmp_path, count="≥12500人", record=record)
    assert _targets(result) == []
    [change] = result.comparisons[PATH].changes
    assert change.justified and change.record is not None and change.record.document_number == "朔财绩〔2025〕15号"


def test_a_record_to_another_value_does_not_justify_it(tmp_path: Path) -> None:
    record = ADJUSTMENT.format(name="资助学生人数", original="≥12500人", adjusted="≥11000人", renamed="")
    assert _targets(_check(tmp_path, count="≥12500人", record=record)) == ["26:W610"]


def test_a_record_from_another_approved_value_does_not_justify_it(tmp_path: Path) -> None:
    record = ADJUSTMENT.format(name="资助学生人数", original="≥13000人", adjusted="≥12000人", renamed="")
    assert _targets(_check(tmp_path, count="≥12500人", record=record)) == ["26:W610"]


def test_an_approved_indicator_left_out_is_warned_unless_cancelled(tmp_path: Path) -> None:
    assert _targets(_check(tmp_path / "bare", extra=EXTRA)) == ["25:W611"]
    record = ADJUSTMENT.format(name="教师满意度", original="≥85%", adjusted="取消", renamed="")
    assert _targets(_check(tmp_path / "cancelled", extra=EXTRA, record=record)) == []


def test_an_indicator_not_approved_is_warned_unless_a_record_adds_it(tmp_path: Path) -> None:
    added = PROJECT.replace(
        "  - 一级指标: 满意度指标",
        "  - 一级指标: 满意度指标\n    二级指标: 服务对象满意度指标\n    三级指标: 教师满意度\n    年度指标值: ≥85%\n"
        "    指标完成情况: 86%\n    全年指标预计完成情况: 86%\n    完成目标可能性: 确定能\n  - 一级指标: 满意度指标",
    )
    result = _check(tmp_path / "bare", project=added)
    assert _targets(result) == ["69:W612"]
    record = ADJUSTMENT.format(name="教师满意度", original='""', adjusted="≥85%", renamed="").replace('    原目标: ""\n', "")
    assert _targets(_check(tmp_path / "recorded", project=added, record=record)) == []


def test_a_renamed_indicator_is_one_warning_and_a_record_naming_the_new_name_covers_it(tmp_path: Path) -> None:
    result = _check(tmp_path / "bare", poverty="因贫失学辍学人数")
    assert _targets(result) == ["55:W613"]
    message = next(f.message for f in result.findings if f.code == "W613")
    assert "因贫失学辍学人数" in message and "因贫辍学学生人数" in message
    record = ADJUSTMENT.format(name="因贫失学辍学人数", original="0人", adjusted="0人", renamed="    调整后指标名称: 因贫辍学学生人数\n")
    assert _targets(_check(tmp_path / "recorded", poverty="因贫失学辍学人数", record=record)) == []


def test_a_later_period_is_held_to_the_years_approved_targets(tmp_path: Path) -> None:
    september = PROJECT.replace("截至月份: 6", "截至月份: 9")
    files = {
        "submissions/2025-06/批复目标/101.yaml": APPROVED.format(count="≥12500人", poverty="因贫辍学学生人数", extra=""),
        "submissions/2025-09/名单.yaml": ROSTER.replace("截至月份: 6", "截至月份: 9").replace("2025-07-31", "2025-10-31"),
        "submissions/2025-09/101-教育局/101-2025-001.yaml": september,
    }
    build_file_tree(tmp_path, files)
    result = api.check([tmp_path / "submissions"], workspace=api.Workspace.at(tmp_path))
    assert [f.code for f in result.findings if f.code.startswith("W61")] == ["W610"]


def test_a_confidential_project_is_still_warned_in_validate(tmp_path: Path) -> None:
    secret = PROJECT.replace("起止时间:", "涉密: true\n起止时间:")
    roster = ROSTER.replace(
        "        项目名称: 城乡义务教育家庭经济困难学生生活补助\n",
        "        项目名称: 城乡义务教育家庭经济困难学生生活补助\n        涉密: true\n",
    )
    result = _check(tmp_path, count="≥12500人", project=secret, roster=roster)
    assert result.projects[0].confidential
    assert [c.split(":")[1] for c in _targets(result)] == ["W610"]


def test_a_record_naming_an_indicator_must_be_a_complete_target_adjustment(tmp_path: Path) -> None:
    record = ADJUSTMENT.format(name="资助学生人数", original="≥12500人", adjusted="≥12000人", renamed="")
    record = record.replace("方式: 调整目标", "方式: 暂缓拨款").replace("    文号: 朔财绩〔2025〕15号\n", "")
    result = _check(tmp_path, count="≥12500人", record=record)
    path = "submissions/2025-06/审核/结果应用-101.yaml"
    assert sorted((f.line, f.code) for f in result.findings if f.path == path) == [(6, "E201"), (8, "E205")]
    assert _targets(result) == ["26:W610"]


def test_fmt_puts_an_approved_targets_file_in_the_schemas_order(tmp_path: Path) -> None:
    messy = (
        "项目:\n  - 绩效指标:\n      - {年度指标值: ≥90%, 三级指标: 满意度, 二级指标: 服务对象满意度指标, 一级指标: 满意度指标}\n"
        '    项目代码: "101-2025-001"\n截至月份: 6\n年度: 2025\n主管部门代码: "101"\n'
    )
    build_file_tree(tmp_path, {"submissions/2025-06/批复目标/101.yaml": messy})
    api.fmt([tmp_path / "submissions/2025-06/批复目标/101.yaml"], workspace=api.Workspace.at(tmp_path))
    text = (tmp_path / "submissions/2025-06/批复目标/101.yaml").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "年度: 2025",
        "截至月份: 6",
        '主管部门代码: "101"',
        "项目:",
        '  - 项目代码: "101-2025-001"',
        "    绩效指标:",
        "      - 一级指标: 满意度指标",
        "        二级指标: 服务对象满意度指标",
        "        三级指标: 满意度",
        "        年度指标值: ≥90%",
    ]


def test_one_file_checked_alone_is_still_held_to_its_baseline_and_records(tmp_path: Path) -> None:
    _check(tmp_path / "bare", count="≥12500人")
    alone = api.check([tmp_path / "bare" / PATH], workspace=api.Workspace.at(tmp_path / "bare"))
    assert [f"{f.line}:{f.code}" for f in alone.findings if f.code.startswith("W61")] == ["26:W610"]
    record = ADJUSTMENT.format(name="资助学生人数", original="≥12500人", adjusted="≥12000人", renamed="")
    _check(tmp_path / "recorded", count="≥12500人", record=record)
    alone = api.check([tmp_path / "recorded" / PATH], workspace=api.Workspace.at(tmp_path / "recorded"))
    assert [f.code for f in alone.findings if f.code.startswith("W61")] == []
    assert alone.records.applications == []  # read for the comparison only: the check's own records stay its own


def test_a_profile_without_a_second_level_approves_and_compares_in_its_own_keys(tmp_path: Path) -> None:
    shutil.copytree(DEMO.parents[2] / "profiles" / "hubei", tmp_path, dirs_exist_ok=True)
    project = yaml.safe_load((tmp_path / "submissions/2025-06/301-文化和旅游局/301-2025-001.yaml").read_text(encoding="utf-8"))
    indicators = [{"一级指标": i["一级指标"], "三级指标": i["三级指标"], "年度指标值": str(i["年度指标值"])} for i in project["绩效指标"]]
    first = indicators[0]["三级指标"]
    indicators[0]["年度指标值"] = "不存在的目标值"
    approved = {"年度": 2025, "截至月份": 6, "主管部门代码": "301", "项目": [{"项目代码": "301-2025-001", "绩效指标": indicators}]}
    build_file_tree(tmp_path, {"submissions/2025-06/批复目标/301.yaml": yaml.safe_dump(approved, allow_unicode=True)})
    result = api.check([tmp_path / "submissions"], workspace=api.Workspace.at(tmp_path))
    assert not [f for f in result.findings if f.path.endswith("批复目标/301.yaml")]
    warned = [f for f in result.findings if f.code.startswith("W61")]
    assert [f.code for f in warned] == ["W610"] and first in warned[0].message


def test_an_adjusted_value_typed_in_the_submission_needs_its_record_too(tmp_path: Path) -> None:
    adjusted = PROJECT.replace("    年度指标值: ≥12000人\n", "    年度指标值: ≥12000人\n    调整后指标值: ≥11000人\n", 1)
    result = _check(tmp_path / "bare", project=adjusted)
    assert _targets(result) == ["26:W610"]
    assert "「≥11000人」" in next(f.message for f in result.findings if f.code == "W610")
    record = ADJUSTMENT.format(name="资助学生人数", original="≥12000人", adjusted="≥11000人", renamed="")
    assert _targets(_check(tmp_path / "recorded", project=adjusted, record=record)) == []

"""changes.snapshot and changes.compare: the diff core shared by the history and `docgen diff`."""

from __future__ import annotations

from docgen.history.changes import ADDED, FIELD, FIGURE, REMOVED, UNREADABLE, Change, Snapshot, compare, snapshot
from tests.history.gitrepo import INDICATOR, PROJECT, ROSTER

DEPARTMENT = """\
年度: 2025
截至月份: 6
主管部门: 朔州市教育局
主管部门代码: "101"
资金按类型:
  一般公共预算资金: {上年结转: 10, 本年预算: 90, 下达数: 90, 支出数: 40, 全年预计支出数: 100}
资金按用途:
  项目支出: {上年结转: 10, 本年预算: 90, 下达数: 90, 支出数: 40, 全年预计支出数: 100}
年度绩效目标: 保障教育事业发展。
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 培训人数
    年度指标值: ≥100人
    指标完成情况: 60人
    全年指标预计完成情况: 100人
    完成目标可能性: 确定能
"""


def project(text: str = PROJECT) -> Snapshot:
    return snapshot(text.encode(), "project")


def test_snapshot_keeps_the_forms_labels_and_money_with_two_decimals() -> None:
    snap = project()
    assert snap.readable and snap.valid and not snap.confidential
    assert (snap.name, snap.code) == ("城乡义务教育家庭经济困难学生生活补助", "101-2025-001")
    assert snap.fields["资金·中央财政资金·支出数"] == "60.20"
    assert snap.fields["绩效指标·资助学生人数·年度指标值"] == "≥1000人"
    assert snap.items == {"绩效指标": ["资助学生人数", "受助学生家长满意度"]}
    assert snap.figures is not None and snap.figures["资金·资金总额·下达率"] == "100.00%"
    assert Snapshot.from_json(snap.to_json()) == snap


def test_reordering_indicators_and_reformatting_numbers_is_no_change() -> None:
    head, rest = PROJECT.split("绩效指标:\n")
    first, second = rest.split("  - 一级指标: 满意度指标\n")
    reordered = head.replace("支出数: 60.2", "支出数: 60.20") + "绩效指标:\n  - 一级指标: 满意度指标\n" + second + first
    assert compare(project(), project(reordered)) == []


def test_an_indicator_renamed_is_one_removed_and_one_added() -> None:
    renamed = PROJECT.replace("三级指标: 资助学生人数", "三级指标: 受资助学生人数")
    kinds = [(c.kind, c.field) for c in compare(project(), project(renamed))]
    assert kinds == [(REMOVED, "绩效指标·资助学生人数"), (ADDED, "绩效指标·受资助学生人数")]


def test_two_indicators_with_the_same_name_stay_apart() -> None:
    twice = PROJECT + INDICATOR.replace("补助发放及时率", "资助学生人数")
    snap = project(twice)
    assert snap.items["绩效指标"] == ["资助学生人数", "受助学生家长满意度", "资助学生人数'"]
    assert [c.field for c in compare(project(), snap)] == ["绩效指标·资助学生人数'"]


def test_a_field_written_and_erased() -> None:
    written = PROJECT.replace("预算单位: 朔州市教育局本级\n", "预算单位: 朔州市教育局本级\n起止时间: 2025年全年\n")
    assert compare(project(), project(written)) == [Change(FIELD, "起止时间", None, "2025年全年")]
    assert compare(project(written), project()) == [Change(FIELD, "起止时间", "2025年全年", None)]
    assert Change(FIELD, "起止时间", "2025年全年", None).text() == "起止时间 2025年全年 → —"


def test_a_fund_row_added_shows_its_amounts_and_figures() -> None:
    more = PROJECT.replace(
        "项目年度绩效目标", "  市级财政资金: {上年结转: 0, 本年预算: 50, 下达数: 0, 支出数: 0, 全年预计支出数: 50}\n项目年度绩效目标"
    )
    changes = compare(project(), project(more))
    assert Change(FIELD, "资金·市级财政资金·本年预算", None, "50.00") in changes
    assert Change(FIGURE, "资金·资金总额·安排数", "200.00", "250.00") in changes
    assert Change(FIGURE, "资金·市级财政资金·下达率", None, "0.00%") in changes
    assert Change(FIGURE, "资金·市级财政资金·支出进度", None, "0.00%") in changes


def test_department_figures_for_both_tables() -> None:
    before = snapshot(DEPARTMENT.encode(), "department")
    after = snapshot(DEPARTMENT.replace("支出数: 40", "支出数: 50").encode(), "department")
    assert before.valid and before.name == "朔州市教育局" and before.code == "101"
    figures = [c.text() for c in compare(before, after) if c.kind == FIGURE]
    assert "资金按类型·资金总额·支出进度 40.00% → 50.00%" in figures
    assert "资金按用途·项目支出·支出进度 40.00% → 50.00%" in figures


def test_unreadable_versions_never_raise() -> None:
    for raw, detail in ((b"\xff\xfe", "不是 UTF-8"), (b"", "文件是空的"), (b"- a\n- b\n", "键: 值"), (b"a: [", "YAML 格式错误")):
        snap = snapshot(raw, "project")
        assert not snap.readable and not snap.valid and snap.error is not None and detail in snap.error
        (change,) = compare(project(), snap)
        assert change.kind == UNREADABLE and change.text().startswith("此版本无法读取：第 ")
        # the next readable version compares as if new: its totals
        assert {c.kind for c in compare(snap, project())} == {FIGURE}


def test_deleted_gives_no_changes_and_flags_read_as_yes_no() -> None:
    assert compare(project(), None) == []
    secret = project(PROJECT.replace("预算单位: 朔州市教育局本级\n", "预算单位: 朔州市教育局本级\n涉密: true\n"))
    assert secret.confidential
    assert compare(project(), secret) == [Change(FIELD, "涉密", None, "是")]


def test_roster_items_keyed_by_code_and_changes_about_a_secret_project_flagged() -> None:
    roster = snapshot(ROSTER.encode(), "roster")
    assert roster.items["部门"] == ["101"] and roster.items["部门·101·应报项目"] == ["101-2025-001", "101-2025-002"]
    assert roster.fields["部门·101·预算单位"] == "朔州市教育局本级" and roster.figures is None and not roster.confidential
    secret = ROSTER.replace("        项目名称: 教师培训\n", "        项目名称: 某涉密工程\n        涉密: true\n")
    later = secret.replace('截止日期: "2025-07-31"', '截止日期: "2025-08-05"')
    snap = snapshot(secret.encode(), "roster")
    assert not snap.confidential and snap.secrets == ["部门·101·应报项目·101-2025-002"]
    assert compare(roster, snap) == [
        Change(FIELD, "部门·101·应报项目·101-2025-002·项目名称", "教师培训", "某涉密工程", confidential=True),
        Change(FIELD, "部门·101·应报项目·101-2025-002·涉密", None, "是", confidential=True),
    ]
    assert compare(snap, snapshot(later.encode(), "roster")) == [Change(FIELD, "截止日期", "2025-07-31", "2025-08-05")]
    removed = ROSTER.split('      - 项目代码: "101-2025-002"')[0]
    assert compare(snap, snapshot(removed.encode(), "roster"))[0].confidential


def test_warning_messages_are_never_cut_in_the_markdown() -> None:
    """Two W414 rows that differ only in their last figures must not read the same in a review comment."""
    from docgen.history import diff_report

    long = "「项目支出」与本部门已报 3 个项目的合计不一致：" + "附件3 安排数 962.60 万元、支出数 434.20 万元，" * 4
    assert diff_report._cell(long, None) == long
    assert diff_report._cell(long).endswith("…") and len(diff_report._cell(long)) == 100


def test_the_new_money_keys_are_compared_as_amounts_and_line_items_by_name() -> None:
    """调整后预算 and 已审批待支付 read as money; a 明细 line is named by its 名称, so reordering lines is no change."""
    row = "  中央财政资金: {上年结转: 0, 本年预算: 200.00, 下达数: 200.00, 支出数: 60.2, 全年预计支出数: 200.00}\n"
    extra = (
        "  中央财政资金:\n    上年结转: 0\n    本年预算: 200.00\n    下达数: 150\n    支出数: 60.2\n    全年预计支出数: 150\n"
        "    调整后预算: 150\n    已审批待支付: 20.5\n    明细:\n      - 名称: 甲\n        金额: 100\n      - 名称: 乙\n        金额: 50\n"
    )
    after = PROJECT.replace(row, extra)
    changes = compare(project(), project(after))
    assert Change(FIELD, "资金·中央财政资金·调整后预算", None, "150.00") in changes
    assert Change(FIELD, "资金·中央财政资金·已审批待支付", None, "20.50") in changes
    assert Change(ADDED, "资金·中央财政资金·明细·甲", None, "金额 100.00") in changes
    assert Change(FIGURE, "资金·资金总额·安排数", "200.00", "150.00") in changes
    swapped = after.replace(
        "      - 名称: 甲\n        金额: 100\n      - 名称: 乙\n        金额: 50\n",
        "      - 名称: 乙\n        金额: 50\n      - 名称: 甲\n        金额: 100\n",
    )
    assert compare(project(after), project(swapped)) == []

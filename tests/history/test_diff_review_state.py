"""`docgen diff`'s review-state rows (issue 17, item 6): a 退回 committed to the review folder shows at the top, with
the submission's light change, on a real repository with two commits."""

from __future__ import annotations

import json

from click.testing import CliRunner

from docgen.cli import cli
from tests.history.gitrepo import PROJECT_PATH, GitRepo

TITLE = "城乡义务教育家庭经济困难学生生活补助（101-2025-001）"
RETURNED = """\
年度: 2025
截至月份: 6
主管部门代码: "101"
审核单位: 朔州市财政局预算绩效管理科
审核意见:
  - 项目代码: "101-2025-001"
    结论: 退回修改
    意见: 请核对支出数 | 并补充 <b>佐证</b>。
    日期: "2025-08-05"
    审核人: 王敏
"""


def run(repo: GitRepo, *args: str) -> str:
    result = CliRunner().invoke(cli, ["diff", "--root", str(repo.root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_return_and_a_light_change_are_listed_first(seeded: GitRepo) -> None:
    base = seeded.run("rev-parse", "HEAD").strip()
    seeded.write("submissions/2025-06/审核/财政局-101.yaml", RETURNED)
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 250")  # 黄灯 → 红灯 in the same range
    seeded.commit("财政局审核：退回")
    lines = run(seeded, base, "HEAD").splitlines()
    state = lines.index(f"| {TITLE} | 审核状态 | 已报送 | 退回修改 |")
    light = lines.index(f"| {TITLE} | 灯色 | 黄灯 | 红灯 |")
    first_section = next(i for i, line in enumerate(lines) if line.startswith("### "))
    assert state < first_section and light < first_section
    (project,) = [s for s in json.loads(run(seeded, base, "HEAD", "--format", "json"))["submissions"] if s["kind"] == "project"]
    assert project["review_state"] == {"before": "已报送", "after": "退回修改"}


def test_passing_again_reads_back_and_an_untouched_state_is_silent(seeded: GitRepo) -> None:
    seeded.write("submissions/2025-06/审核/财政局-101.yaml", RETURNED)
    seeded.commit("财政局审核：退回")
    returned = seeded.run("rev-parse", "HEAD").strip()
    seeded.edit("submissions/2025-06/审核/财政局-101.yaml", "结论: 退回修改", "结论: 通过")
    seeded.commit("财政局审核：通过")
    assert f"| {TITLE} | 审核状态 | 退回修改 | 已通过 |" in run(seeded, returned, "HEAD").splitlines()
    seeded.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 61")  # still 黄灯, still 已通过: no row at the top
    seeded.commit("小改")
    text = run(seeded, "HEAD~1", "HEAD")
    assert "审核状态 |" not in text and "| 灯色 |" not in text

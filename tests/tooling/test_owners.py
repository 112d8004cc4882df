"""`docgen codeowners` and `docgen check-scope` on a real git repository in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pathspec
import pytest
from click.testing import CliRunner

from docgen.cli import cli
from tests.history.gitrepo import PROJECT, ROSTER, ROSTER_PATH, GitRepo

REVIEWERS = ROSTER.replace('截止日期: "2025-07-31"\n', '截止日期: "2025-07-31"\n财政局审核人: ["@czj/jixiao"]\n').replace(
    '    主管部门代码: "101"\n', '    主管部门代码: "101"\n    审核人: ["@jyj-shenhe", "shenhe@jyj.example.cn"]\n'
) + (
    '  - 主管部门: 朔州市卫生健康委员会\n    主管部门代码: "102"\n    审核人: ["@wjw/shenhe"]\n    预算单位: [朔州市卫生健康委员会本级]\n'
    '    应报项目:\n      - 项目代码: "102-2025-001"\n        项目名称: 基本公共卫生服务补助资金\n'
    "        预算单位: 朔州市卫生健康委员会本级\n"
)
OWN = "submissions/2025-06/101-教育局/101-2025-001.yaml"
OTHER = "submissions/2025-06/102-卫生健康委员会/102-2025-001.yaml"
OTHER_PROJECT = PROJECT.replace("101-2025-001", "102-2025-001").replace('主管部门代码: "101"', '主管部门代码: "102"')


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = GitRepo(tmp_path)
    repo.write(ROSTER_PATH, REVIEWERS)
    repo.write(OWN, PROJECT)
    repo.write(OTHER, OTHER_PROJECT)
    repo.commit("名单和首次报送")
    return repo


def _run(repo: GitRepo, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--root", str(repo.root)], catch_exceptions=False)
    return result.exit_code, result.stdout


def _owners(text: str, path: str) -> list[str]:
    """The owners of `path` as the platforms read CODEOWNERS: gitignore-style patterns, the last matching line wins.

    The patterns are matched by pathspec's gitignore implementation, not by docgen's own code."""
    owners: list[str] = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            pattern, *names = line.split()
            if pathspec.PathSpec.from_lines("gitignore", [pattern]).match_file(path):
                owners = names
    return owners


@pytest.mark.parametrize(
    ("platform", "target"), [("github", ".github/CODEOWNERS"), ("gitlab", ".gitlab/CODEOWNERS"), ("gitee", ".gitee/CODEOWNERS")]
)
def test_codeowners_gives_each_file_to_its_reviewers(repo: GitRepo, platform: str, target: str) -> None:
    code, out = _run(repo, "codeowners", "--format", platform)
    assert code == 0 and target in out
    text = (repo.root / target).read_text(encoding="utf-8")
    assert _owners(text, OWN) == ["@jyj-shenhe", "shenhe@jyj.example.cn"]
    assert _owners(text, OTHER) == ["@wjw/shenhe"]
    assert _owners(text, "submissions/2025-09/101-教育局/部门整体.yaml") == ["@jyj-shenhe", "shenhe@jyj.example.cn"]
    assert _owners(text, "submissions/2025-06/审核/财政局-101.yaml") == ["@czj/jixiao"]
    assert _owners(text, "submissions/2025-06/审核/101-101.yaml") == ["@jyj-shenhe", "shenhe@jyj.example.cn"]
    assert _owners(text, "submissions/2025-06/审核/整改-102.yaml") == ["@wjw/shenhe", "@czj/jixiao"]
    assert _owners(text, "submissions/2025-06/审核/结果应用-101.yaml") == ["@czj/jixiao"]
    assert _owners(text, ROSTER_PATH) == ["@czj/jixiao"]
    assert _owners(text, "submissions/2025-06/1011-某局/x.yaml") == ["@czj/jixiao"]  # 101-* is not 1011-*


def test_a_reviewer_that_would_break_the_file_is_refused_at_its_line(repo: GitRepo) -> None:
    repo.write(ROSTER_PATH, REVIEWERS.replace("@wjw/shenhe", "@wjw shenhe\\n* @evil"))
    result = CliRunner().invoke(cli, ["validate", str(repo.root / ROSTER_PATH)])
    line = next(i for i, text in enumerate((repo.root / ROSTER_PATH).read_text(encoding="utf-8").splitlines(), 1) if "@wjw" in text)
    assert result.exit_code == 1 and f"名单.yaml:{line}:" in result.stdout and " E606 " in result.stdout
    code, _ = _run(repo, "codeowners")
    assert code == 1 and not (repo.root / ".github/CODEOWNERS").exists()


def test_a_change_within_one_department_passes(repo: GitRepo) -> None:
    repo.run("checkout", "-q", "-b", "unit")
    repo.edit(OWN, "60.2", "70.2")
    repo.write("submissions/2025-06/审核/整改-101.yaml", '年度: 2025\n截至月份: 6\n主管部门代码: "101"\n整改: []\n')
    repo.commit("修改支出数")
    code, out = _run(repo, "check-scope", "--base", "main")
    assert code == 0 and out == ""


def test_a_change_that_touches_another_department_is_refused(repo: GitRepo) -> None:
    repo.run("checkout", "-q", "-b", "unit")
    repo.edit(OWN, "60.2", "70.2")
    repo.edit(OTHER, "60.2", "10.2")
    repo.write("submissions/2025-06/审核/财政局-101.yaml", "年度: 2025\n")
    repo.commit("顺手改了别人的")
    code, out = _run(repo, "check-scope", "--base", "main", "--format", "json")
    assert code == 1
    assert '"code": "E605"' in out and OTHER in out and "财政局-101.yaml" in out and OWN not in out
    assert _run(repo, "check-scope", "--base", "main", "--bureau")[0] == 0  # the bureau may change everything
    code, out = _run(repo, "check-scope", "--base", "main", "--department", "102")
    assert code == 1 and OWN in out and OTHER not in out


def test_the_staged_check_refuses_before_the_commit(repo: GitRepo) -> None:
    repo.edit(OWN, "60.2", "70.2")
    repo.edit(OTHER, "60.2", "10.2")
    repo.run("add", "-A")
    code, out = _run(repo, "check-scope", "--staged")
    assert code == 1 and OTHER in out
    repo.run("reset", "-q", OTHER)
    assert _run(repo, "check-scope", "--staged")[0] == 0


def test_a_renamed_file_counts_on_both_sides(repo: GitRepo) -> None:
    repo.run("checkout", "-q", "-b", "unit")
    repo.move(OTHER, "submissions/2025-06/101-教育局/102-2025-001.yaml")
    repo.commit("移到自己的目录")
    code, out = _run(repo, "check-scope", "--base", "main")
    assert code == 1 and OTHER in out

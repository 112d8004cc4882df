"""A shallow clone (CI's default checkout) has a cut-short history: docgen says so instead of inventing 「新增」.

Real clones: `git clone --depth N file://…` of a repository with several commits (a plain path ignores --depth).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from docgen import api, escape
from docgen import messages as M
from docgen.cli import cli
from docgen.history import timeline as history
from docgen.site import generate as S
from tests.history.gitrepo import DEPT, PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH, GitRepo

SECOND_PATH = f"{DEPT}/101-2025-002.yaml"
SECOND = PROJECT.replace("101-2025-001", "101-2025-002").replace("城乡义务教育家庭经济困难学生生活补助", "教师培训")


def three_commits(repo: GitRepo) -> list[str]:
    """First report, an edit, then a second project added: three commits touching submissions/."""
    repo.write(ROSTER_PATH, ROSTER)
    repo.write(PROJECT_PATH, PROJECT)
    shas = [repo.commit("首次报送 2025年1-6月", author="李首报")]
    repo.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 80")
    shas.append(repo.commit("更新支出数", author="王修改"))
    repo.write(SECOND_PATH, SECOND)
    shas.append(repo.commit("报送教师培训项目", author="赵新增"))
    return shas


def clone(repo: GitRepo, target: Path, depth: int) -> GitRepo:
    repo.run("clone", "-q", "--depth", str(depth), repo.root.as_uri(), str(target))
    shallow = GitRepo.__new__(GitRepo)
    shallow.root, shallow.clock = target, 0
    return shallow


def test_a_full_history_is_not_shallow(repo: GitRepo) -> None:
    three_commits(repo)
    found = history.read_history(repo.root, cache_dir=False)
    assert found.shallow is None
    first = found.timelines[PROJECT_PATH].entries[0]
    assert (first.status, first.truncated, first.status_label, first.author) == (history.ADDED, False, "新增", "李首报")


def test_the_earliest_entry_of_a_shallow_clone_is_not_claimed_as_added(repo: GitRepo, tmp_path: Path) -> None:
    three_commits(repo)
    found = history.read_history(clone(repo, tmp_path / "ci", 1).root, cache_dir=False)
    assert found.shallow is not None and found.shallow.fetched == 1
    (only,) = found.timelines[PROJECT_PATH].entries  # the edit and the first report were not fetched
    assert only.truncated and only.status_label == "最早可见" and only.as_dict()["truncated"] is True
    assert only.author == "赵新增", "the cut commit's author, who did not add this file: hence the mark"


def test_a_file_added_after_the_cut_is_really_added(repo: GitRepo, tmp_path: Path) -> None:
    three_commits(repo)
    found = history.read_history(clone(repo, tmp_path / "ci", 2).root, cache_dir=False)
    assert found.shallow is not None and found.shallow.fetched == 2
    (cut,) = found.timelines[PROJECT_PATH].entries  # the edit's commit is the cut: all it holds looks added
    assert cut.truncated and cut.author == "王修改"
    (added,) = found.timelines[SECOND_PATH].entries
    assert (added.status, added.truncated, added.status_label) == (history.ADDED, False, "新增")


def test_diff_against_a_revision_not_fetched_exits_3_naming_the_fix(repo: GitRepo, tmp_path: Path) -> None:
    first = three_commits(repo)[0]
    ci = clone(repo, tmp_path / "ci", 1)
    result = CliRunner().invoke(cli, ["diff", first, "--root", str(ci.root)], catch_exceptions=False)
    assert result.exit_code == 3 and result.stdout == ""
    assert f"找不到版本「{first}」" in result.stderr and "浅克隆（只取了最近 1 次提交）" in result.stderr
    assert "fetch-depth: 0" in result.stderr and "GIT_DEPTH: 0" in result.stderr
    assert str(ci.root.resolve()) in result.stderr, "located: which checkout is shallow"
    assert CliRunner().invoke(cli, ["diff", "HEAD", "--root", str(ci.root)], catch_exceptions=False).exit_code == 0


def test_the_site_says_the_history_is_incomplete(repo: GitRepo, tmp_path: Path) -> None:
    three_commits(repo)
    root = clone(repo, tmp_path / "ci", 1).root
    model = S.plan(api.check([root / "submissions"]), date(2025, 7, 20), root)
    S.attach_history(root, model)
    assert model.shallow_note == M.site_label("shallow_note", count=1)
    assert "fetch-depth: 0" in model.shallow_note and "GIT_DEPTH: 0" in model.shallow_note
    S.write_sources(model, root / S.SOURCE, root / "build")
    docs = root / S.SOURCE / "docs"
    note = escape.markdown(model.shallow_note)
    page = (docs / "2025-06/101/101-2025-001.md").read_text(encoding="utf-8")
    assert note in page and "最早可见" in page
    for name in ("index.md", "recent.md"):
        assert note in (docs / name).read_text(encoding="utf-8"), name


def test_a_full_history_site_has_no_note(repo: GitRepo) -> None:
    three_commits(repo)
    model = S.plan(api.check([repo.root / "submissions"]), date(2025, 7, 20), repo.root)
    S.attach_history(repo.root, model)
    assert model.shallow_note == ""

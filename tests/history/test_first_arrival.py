"""One reading of "first arrival on the main branch" (history/git.first_arrivals), on real repositories with git mv.

The site's 迟报, the review states and the analysts' export all read it: a file moved within its period's folder
keeps its first date; moved into another period it is that period's submission and arrives on the day of the move."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from docgen import api
from docgen.history import git
from tests.history.gitrepo import PROJECT, PROJECT_PATH, GitRepo

FIRST = datetime.fromisoformat("2025-07-01T10:00:00+08:00")  # the seeded repository's first commit
MOVED = "submissions/2025-06/101-市教育局/101-2025-001.yaml"


def _arrivals(repo: GitRepo, revision: str = "HEAD") -> dict[str, datetime]:
    return git.first_arrivals(git.open_repo(repo.root), "submissions", revision)


def _exported(repo: GitRepo, tmp_path: Path) -> dict[str, str | None]:
    target = tmp_path / "out.sqlite"
    api.export_data(repo.root, "sqlite", target)
    with sqlite3.connect(target) as db:
        return dict(db.execute("SELECT path, first_arrived FROM submissions").fetchall())


def test_a_file_moved_within_its_period_keeps_its_first_arrival_everywhere(seeded: GitRepo, tmp_path: Path) -> None:
    seeded.move(PROJECT_PATH, MOVED)
    seeded.commit("部门目录改名")
    assert _arrivals(seeded) == {"submissions/2025-06/名单.yaml": FIRST, MOVED: FIRST}
    result = api.check([seeded.root / "submissions"], workspace=api.Workspace.at(seeded.root))
    assert api.review_states(result, seeded.root)[MOVED].first_arrived == FIRST  # the review states read the same
    assert _exported(seeded, tmp_path / "x")[MOVED] == FIRST.isoformat()  # and so does the export


def test_a_file_moved_and_edited_within_its_period_is_still_no_new_arrival(seeded: GitRepo) -> None:
    seeded.move(PROJECT_PATH, MOVED)
    seeded.edit(MOVED, "60.2", "61.2")
    seeded.commit("改名并修改支出数")
    assert _arrivals(seeded)[MOVED] == FIRST


def test_a_file_moved_into_another_period_arrives_on_the_day_of_the_move(seeded: GitRepo) -> None:
    later = PROJECT_PATH.replace("2025-06", "2025-07")
    seeded.move(PROJECT_PATH, later)
    seeded.commit("放错期间，移到 2025-07")
    found = _arrivals(seeded)
    assert found[later] == datetime.fromisoformat("2025-07-02T10:00:00+08:00") and PROJECT_PATH not in found


def test_a_file_deleted_and_added_again_arrives_anew(seeded: GitRepo) -> None:
    (seeded.root / PROJECT_PATH).unlink()
    seeded.commit("撤回")
    seeded.write(PROJECT_PATH, PROJECT)
    seeded.commit("重新报送")
    assert _arrivals(seeded)[PROJECT_PATH] == datetime.fromisoformat("2025-07-03T10:00:00+08:00")


def test_a_file_only_on_another_branch_has_not_arrived_on_main(seeded: GitRepo) -> None:
    seeded.run("checkout", "-q", "-b", "unit")
    seeded.move(PROJECT_PATH, MOVED)
    seeded.write("submissions/2025-06/101-市教育局/101-2025-002.yaml", PROJECT.replace("101-2025-001", "101-2025-002"))
    seeded.commit("草稿")
    assert set(_arrivals(seeded, "main")) == {"submissions/2025-06/名单.yaml", PROJECT_PATH}
    assert _arrivals(seeded)[MOVED] == FIRST

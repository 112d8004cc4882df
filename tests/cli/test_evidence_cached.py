"""佐证材料 that appear, go, or become a link or a folder: every cached path says what `--no-cache` says.

W306 (and W309 for a link on the way) depends on the disk, not only on the submission's bytes: the per-file outcome
caches (`check` and `stream` shelves) keep the 佐证材料 paths each outcome was decided from and look at them again,
and the replay of `docgen build` looks again at those its walk of submissions/ does not see. Real git repositories
in tmp_path, the real CLI in-process (the per-file caches are for large trees: lowered here to reach them)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from docgen import cache
from docgen.check import validate
from tests.history.gitrepo import DEPT, PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH, GitRepo

BESIDE = "材料/花名册.pdf"  # beside the submission, in submissions/: the walk of submissions/ sees it
AT_ROOT = "../../../证明/批复.pdf"  # at the repository's root, outside submissions/: no walk of the build sees it
DEPARTMENT_PATH = f"{DEPT}/部门整体.yaml"


EXAMPLE_DEPARTMENT = Path(__file__).parents[2] / "examples" / "review-loop" / DEPARTMENT_PATH


def with_evidence(text: str, *entries: str) -> str:
    """`text` with its first indicator naming `entries` as its 佐证材料."""
    lines = "".join(f"      - {json.dumps(e, ensure_ascii=False)}\n" for e in entries)
    return text.replace("  - 一级指标: 产出指标\n", "  - 一级指标: 产出指标\n    佐证材料:\n" + lines, 1)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """A repository with a project naming two 佐证材料 (one beside it, one at the root) and both there, committed."""
    monkeypatch.setattr(validate, "CACHE_FROM", 1)  # the tree is small: cache it as a large tree would be
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # files written a moment ago count as settled: every build is remembered
    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write(ROSTER_PATH, ROSTER)
    repo.write(PROJECT_PATH, with_evidence(PROJECT, BESIDE, AT_ROOT))
    for name in (f"{DEPT}/{BESIDE}", "证明/批复.pdf"):
        (repo.root / name).parent.mkdir(parents=True, exist_ok=True)
        (repo.root / name).write_bytes(b"%PDF")
    repo.commit("首次报送 2025年1-6月")
    return repo


def said(done: object) -> tuple[int, str, str]:
    return done.exit_code, done.stdout, done.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", ["build", "validate"])
def test_evidence_changes_are_seen_by_every_cached_path(
    command: str, repo: GitRepo, run: Callable[..., object], chdir, tmp_path: Path
) -> None:
    """One command at a time (build and validate keep their outcomes under different keys, each replacing the
    other's): after each change, what it says from its caches is what it says with `--no-cache`."""
    root = repo.root
    beside, at_root = root / DEPT / BESIDE, root / "证明" / "批复.pdf"
    chdir(root)

    def same_as_no_cache(step: str) -> tuple[int, str, str]:
        """The cached command (a build replayed when the last one vouches for it, else from the per-file caches), again
        (a build replayed: nothing changed since), against `--no-cache`; then a cached build, remembered for the next
        step's replay (`--no-cache build` rewrote build/ under it)."""
        cached = said(run(command))
        summary = (root / "build" / "summary.json").stat().st_ino if command == "build" else None
        again = said(run(command))
        if command == "build":
            assert (root / "build" / "summary.json").stat().st_ino == summary, step  # replayed: nothing rewritten
        reference = said(run("--no-cache", command))
        assert cached == reference and again == reference, step
        if command == "build":
            assert said(run("build")) == reference, step
        return reference

    assert run(command).exit_code == 0  # the attachments written once: from here on each build says they are kept
    clean = same_as_no_cache("both there")
    assert clean[0] == 0 and "W306" not in clean[1] + clean[2]

    at_root.unlink()  # outside the walk: the replay must not vouch for it
    gone = same_as_no_cache("the one at the root gone")
    assert "W306" in gone[1] + gone[2] and "证明/批复.pdf" in gone[1] + gone[2], gone

    at_root.write_bytes(b"%PDF")
    assert same_as_no_cache("the one at the root back") == clean

    beside.unlink()  # in submissions/: the walk sees it, the per-file caches must too
    gone = same_as_no_cache("the one beside gone")
    assert "W306" in gone[1] + gone[2] and BESIDE in gone[1] + gone[2], gone

    beside.mkdir()  # a folder of that name: there (as the cold check says)
    assert same_as_no_cache("the one beside a folder") == clean
    beside.rmdir()
    beside.symlink_to("../../../../证明/批复.pdf")  # a link, even to a file inside the repository: W309
    linked = same_as_no_cache("the one beside a link")
    assert "W309" in linked[1] + linked[2] and "W306" not in linked[1] + linked[2], linked

    beside.unlink()
    beside.write_bytes(b"%PDF")
    shutil.move(root / "证明", root / "证明-真")
    (root / "证明").symlink_to("证明-真", target_is_directory=True)  # the folder at the root a link: W309
    linked = same_as_no_cache("the folder at the root a link")
    assert "W309" in linked[1] + linked[2] and "证明/批复.pdf" in linked[1] + linked[2], linked
    (root / "证明").unlink()
    (root / "证明").write_bytes(b"not a folder")  # a file on the way: the 佐证材料 is not there
    assert "W306" in "".join(same_as_no_cache("a file on the way")[1:])
    (root / "证明").unlink()
    shutil.move(root / "证明-真", root / "证明")
    assert same_as_no_cache("all back") == clean


def test_a_department_file_and_the_site_see_evidence_go(repo: GitRepo, run: Callable[..., object], chdir, tmp_path: Path) -> None:
    """A 部门整体's 佐证材料 (checked apart from the projects, `check` shelf) and the site's pages: the same after the
    佐证材料 went as a site made without the cache in a fresh copy."""
    root = repo.root
    repo.write(DEPARTMENT_PATH, with_evidence(EXAMPLE_DEPARTMENT.read_text(encoding="utf-8"), BESIDE))
    chdir(root)
    first = said(run("validate"))
    assert "W306" not in first[1] + first[2], first
    assert run("site", "--today", "2025-07-20").exit_code == 0
    (root / DEPT / BESIDE).unlink()
    checked = said(run("validate"))
    assert checked == said(run("--no-cache", "validate"))
    assert "部门整体.yaml" in checked[1] and checked[1].count("W306") == 2, checked  # the project's and the department's
    assert run("site", "--today", "2025-07-20").exit_code == 0
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, symlinks=True, ignore=shutil.ignore_patterns("site", "build"))
    chdir(fresh)
    assert run("--no-cache", "site", "--today", "2025-07-20").exit_code == 0
    cached, cold = files_under(root / "site"), files_under(fresh / "site")
    assert cached == cold
    assert any("W306" in text.decode("utf-8", "replace") for name, text in cold.items() if name.endswith(".html"))


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_kept_outcome_whose_evidence_paths_were_planted_is_a_miss(tmp_path: Path) -> None:
    """The probes come back from the user's cache as data: one that is not a plain path under the root is never
    looked at, and the outcome is checked again."""
    from docgen.check import consistency

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.pdf").write_bytes(b"%PDF")
    assert consistency.evidence_holds(tmp_path, [["a/b.pdf", "df"]])
    assert not consistency.evidence_holds(tmp_path, [["a/b.pdf", "d-"]])
    for planted in ([["/etc/passwd", "ddf"]], [["../x", "-"]], [["a\\b.pdf", "-"]], [["a/b.pdf"]], [[1, 2]], "a", None):
        assert not consistency.evidence_holds(tmp_path, planted), planted
    os.symlink(tmp_path / "a", tmp_path / "l")
    assert consistency.evidence_state(tmp_path, "l/b.pdf") == "l"  # never followed

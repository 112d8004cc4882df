"""One project root: found by walking up to the folder holding submissions/; every command works from any subfolder,
findings carry root-relative paths and only the reporters show them relative to where the user stands."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from docgen import api
from docgen.errors import UsageError
from docgen.workspace import Workspace
from tests.conftest import ROOT
from tests.history.gitrepo import GitRepo

DEPT = "submissions/2025-06/101-教育局"
PROJECT = f"{DEPT}/101-2025-001.yaml"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    return tmp_path


def _broken(demo: Path) -> None:
    """One error in a project and a warning that names another file (the roster), for the reporters to show."""
    path = demo / PROJECT
    path.write_text(path.read_text(encoding="utf-8").replace("年度: 2025", "年度: 二〇二五", 1), encoding="utf-8")


def test_find_walks_up_to_the_folder_holding_submissions(demo: Path, chdir: Callable[[Path], None]) -> None:
    chdir(demo / DEPT)
    ws = Workspace.find()
    assert ws.root == demo.resolve() or ws.root == demo
    assert ws.build == ws.root / "build" and ws.site == ws.root / "site" and ws.rules == ws.root / "schema/rules.yaml"
    assert ws.key(ws.root / PROJECT) == PROJECT
    assert ws.shown(PROJECT) == "101-2025-001.yaml"
    assert ws.shown("submissions/2025-06/名单.yaml") == os.path.join("..", "名单.yaml")


def test_no_project_is_a_usage_error_naming_where_it_looked(tmp_path: Path, chdir: Callable[[Path], None], run) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    chdir(tmp_path / "a" / "b")
    with pytest.raises(UsageError) as raised:
        Workspace.find()
    assert raised.value.exit_code == 2 and str(tmp_path / "a" / "b") in str(raised.value)
    result = run("build")
    assert result.exit_code == 2 and "找不到项目根目录" in result.stderr and str(tmp_path / "a" / "b") in result.stderr


def test_findings_carry_root_relative_paths_wherever_the_check_runs(demo: Path, chdir: Callable[[Path], None]) -> None:
    _broken(demo)
    chdir(demo)
    from_root = api.check([Path("submissions")]).findings
    chdir(demo / DEPT)
    assert api.check([Path("101-2025-001.yaml")]).findings[0].path == PROJECT
    assert api.check([demo / "submissions"]).findings == from_root
    chdir(demo.parent)
    assert api.check([demo / "submissions"]).findings == from_root


def _from_root(line: str) -> str:
    """A finding line printed in DEPT, with its path as printed at the root (other lines unchanged)."""
    path, colon, rest = line.partition(":")
    if not colon or not path.endswith(".yaml"):
        return line
    return Path(os.path.normpath(Path(DEPT) / path)).as_posix() + colon + rest


def _lines(result: Result) -> list[str]:
    return (result.stdout + result.stderr).splitlines()


def test_validate_from_a_subfolder_shows_paths_from_there(demo: Path, chdir: Callable[[Path], None], run) -> None:
    _broken(demo)
    chdir(demo)
    at_root = run("validate")
    chdir(demo / DEPT)
    here = run("validate")
    assert here.exit_code == at_root.exit_code == 1
    assert [_from_root(line) for line in _lines(here)] == _lines(at_root)
    assert any(line.startswith("101-2025-001.yaml:2:") and "E204" in line for line in _lines(here))
    one = run("validate", "101-2025-001.yaml")  # a file argument relative to the subfolder
    assert one.exit_code == 1 and one.stdout.startswith("101-2025-001.yaml:2:")
    github = run("validate", "--format", "github", "101-2025-001.yaml")  # CI matches paths against the repository
    assert f"file={PROJECT}," in github.stdout
    as_json = json.loads(run("validate", "--format", "json", "101-2025-001.yaml").stdout)
    assert as_json["findings"][0]["path"] == "101-2025-001.yaml"


def test_fmt_check_from_a_subfolder(demo: Path, chdir: Callable[[Path], None], run) -> None:
    path = demo / PROJECT
    path.write_text(path.read_text(encoding="utf-8").replace("年度: 2025\n截至月份: 6\n", "截至月份: 6\n年度: 2025\n"), encoding="utf-8")
    chdir(demo)
    at_root = run("fmt", "--check")
    chdir(demo / DEPT)
    here = run("fmt", "--check")
    assert here.exit_code == at_root.exit_code == 1
    assert f"{PROJECT}" in at_root.stdout and "101-2025-001.yaml" in here.stdout and "submissions/" not in here.stdout
    assert run("fmt", "--check", "101-2025-001.yaml").exit_code == 1
    assert run("fmt", "--check", "101-2025-002.yaml").exit_code == 0


def test_build_and_site_from_a_subfolder_write_at_the_root(demo: Path, chdir: Callable[[Path], None], run) -> None:
    chdir(demo / DEPT)
    built = run("build", "--jobs", "1")
    assert built.exit_code == 0, built.stderr
    assert (demo / "build" / "summary.json").is_file() and not (demo / DEPT / "build").exists()
    assert built.stdout.startswith(f"已生成 {os.path.join('..', '..', '..', 'build')}")
    paths = [s["path"] for p in json.loads((demo / "build/summary.json").read_text(encoding="utf-8"))["periods"] for s in p["submissions"]]
    assert PROJECT in paths
    chdir(demo)
    again = run("build", "--jobs", "1")
    assert again.exit_code == 0 and again.stdout.startswith("已生成 build（")
    chdir(demo / DEPT)
    site = run("site", "--today", "2025-07-20")
    assert site.exit_code == 0, site.stderr
    assert (demo / "site" / "index.html").is_file() and not (demo / DEPT / "site").exists()


def test_diff_from_a_subfolder(tmp_path: Path, chdir: Callable[[Path], None], run) -> None:
    repo = GitRepo(tmp_path)
    shutil.copytree(ROOT / "submissions" / "2025-06", tmp_path / "submissions" / "2025-06")
    repo.commit("初始")
    _broken(tmp_path)
    chdir(tmp_path)
    at_root = run("diff", "HEAD", "--format", "json")
    chdir(tmp_path / DEPT)
    here = run("diff", "HEAD", "--format", "json")
    assert here.exit_code == at_root.exit_code == 0
    assert here.stdout == at_root.stdout
    assert json.loads(here.stdout)["submissions"][0]["path"] == PROJECT


def test_staged_findings_name_the_working_tree_files(tmp_path: Path, chdir: Callable[[Path], None], run) -> None:
    repo = GitRepo(tmp_path)
    shutil.copytree(ROOT / "submissions" / "2025-06", tmp_path / "submissions" / "2025-06")
    repo.commit("初始")
    _broken(tmp_path)
    repo.run("add", PROJECT)
    chdir(tmp_path / DEPT)
    result = run("validate", "--staged")
    assert result.exit_code == 1
    assert result.stdout.startswith("101-2025-001.yaml:2:") and "docgen-staged" not in result.stdout


@pytest.mark.parametrize(
    "path",
    ["submissions/2025-06/a.yaml", ".", "", "submissions/../名单.yaml", "../elsewhere/a.yaml", "../projectx/a.yaml", "/etc/passwd"],
)
def test_relative_is_relative_to_the_root_or_stays_absolute(tmp_path: Path, path: str) -> None:
    """The string shortcut in Workspace.relative answers as Path.relative_to does, a sibling folder whose name
    starts with the root's (`projectx` beside `project`) included."""
    root = tmp_path / "project"
    ws = Workspace(root, root)
    absolute = Path(os.path.abspath(root / path))
    expected = absolute.relative_to(root) if absolute.is_relative_to(root) else absolute
    assert ws.relative(path) == expected and ws.relative(Path(path)) == expected
    assert ws.relative(absolute) == expected

"""`docgen export --format sqlite|csv` on the review-loop demo: review states, opinions, 整改 (overdue flagged),
结果应用 and late days reopened with sqlite3; a 涉密 project's name, code and figures nowhere, its department's
sums withheld."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen import api
from docgen.cli import cli
from tests.history.gitrepo import review_loop_repo

SECRET_CODE, SECRET_NAME = "101-2025-003", "学前教育发展资金"


def _demo(where: Path) -> Path:
    made: Path = review_loop_repo(where)
    return made


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return _demo(tmp_path_factory.mktemp("export-loop") / "repo")


def _rows(path: Path, sql: str) -> list[dict[str, object]]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        found = [dict(r) for r in db.execute(sql)]
    db.close()
    return found


def test_export_format_sqlite_holds_the_review_loop(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # 整改 judged on each period's last day
    target = tmp_path / "loop.sqlite"
    done = CliRunner().invoke(cli, ["export", "--format", "sqlite", "--root", str(demo), "--out", str(target)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    states = {(s["period"], s["code"]): s for s in _rows(target, "SELECT * FROM submissions")}
    assert states[("2025-06", "101-2025-002")]["review_state"] == "returned"
    assert states[("2025-09", "101-2025-002")]["review_state"] == "passed"
    assert states[("2025-06", "102-2025-001")]["late_days"] == 3  # reached main on 08-03, 截止日期 07-31
    assert states[("2025-06", "101-2025-001")]["late_days"] == 0
    [returned] = _rows(target, "SELECT * FROM opinions WHERE conclusion = '退回修改'")
    assert returned["subject"] == "101-2025-002" and returned["reviewer"] == "财政局" and returned["opinion"]
    ledger = {(r["period"], r["subject"]): r for r in _rows(target, "SELECT * FROM rectifications")}
    overdue = ledger[("2025-09", "101-2025-003")]
    assert (overdue["overdue"], overdue["overdue_days"], overdue["status"]) == (1, 30, "整改中")  # 08-31 → 09-30
    assert ledger[("2025-09", "101-2025-002")]["overdue"] == 0  # 已完成
    assert overdue["submission_id"] == states[("2025-09", "101-2025-003")]["id"]
    cut = _rows(target, "SELECT * FROM applications WHERE kind = '调减预算'")
    assert [(a["amount"], a["document_number"]) for a in cut] == [(120.0, "朔财绩〔2025〕12号")]
    warned = _rows(target, "SELECT * FROM findings WHERE code = 'W601'")
    assert warned  # the overdue 整改 is a finding too


def test_export_format_csv_and_the_old_name(demo: Path, tmp_path: Path) -> None:
    done = CliRunner().invoke(
        cli, ["export", "--format", "csv", "--root", str(demo), "--out", str(tmp_path / "csv")], catch_exceptions=False
    )
    assert done.exit_code == 0 and (tmp_path / "csv" / "rectifications.csv").read_text(encoding="utf-8-sig").startswith("id,")
    old = CliRunner().invoke(
        cli, ["export-data", "--format", "csv", "--root", str(demo), "--out", str(tmp_path / "old")], catch_exceptions=False
    )
    assert old.exit_code == 0 and "docgen export --format csv" in old.stderr  # the alias says where to go
    assert sorted(p.name for p in (tmp_path / "old").iterdir()) == sorted(p.name for p in (tmp_path / "csv").iterdir())


def test_export_options_of_the_workbooks_are_refused_for_data(demo: Path) -> None:
    done = CliRunner().invoke(cli, ["export", "--format", "sqlite", "--department", "101", "--root", str(demo)], catch_exceptions=False)
    assert done.exit_code == 2 and "--department" in done.stderr
    done = CliRunner().invoke(cli, ["export", "--root", str(demo)], catch_exceptions=False)
    assert done.exit_code == 2 and "--period" in done.stderr  # xlsx still needs its period


def test_a_confidential_project_leaves_no_trace_in_the_export(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = _demo(tmp_path / "repo")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    for period in ("2025-06", "2025-09"):
        roster = repo / "submissions" / period / "名单.yaml"
        text = roster.read_text(encoding="utf-8")
        assert f'项目代码: "{SECRET_CODE}"' in text
        roster.write_text(text.replace(f'项目代码: "{SECRET_CODE}"', f'项目代码: "{SECRET_CODE}"\n        涉密: true', 1), encoding="utf-8")
        own = repo / "submissions" / period / "101-教育局" / f"{SECRET_CODE}.yaml"
        own.write_text(own.read_text(encoding="utf-8").replace("涉密: false", "涉密: true", 1), encoding="utf-8")
    assert api.check([repo / "submissions"], workspace=api.Workspace.at(repo)).ok
    target = tmp_path / "out.sqlite"
    api.export_data(repo, "sqlite", target)
    with sqlite3.connect(target) as db:
        dump = "\n".join(db.iterdump())
    db.close()
    assert SECRET_CODE not in dump and SECRET_NAME not in dump
    assert [a["kind"] for a in _rows(target, "SELECT * FROM applications")] == []  # both 结果应用 were on it
    assert not _rows(target, f"SELECT * FROM rectifications WHERE subject = '{SECRET_CODE}'")
    # 101 has one 涉密 project: its 部门整体 minus the public projects would give it, so no figure of 101's total
    overall = _rows(target, "SELECT * FROM submissions WHERE kind = 'department' AND department_code = '101'")
    assert overall and all(o["withheld"] == 1 for o in overall)
    joined = "SELECT f.* FROM figures f JOIN submissions s ON s.id = f.submission_id"
    assert not _rows(target, joined + " WHERE s.kind = 'department' AND s.department_code = '101'")

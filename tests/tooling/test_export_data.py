"""`docgen export --format sqlite|csv` (issue 17, item 7): the data reopened with sqlite3 and csv, 涉密 kept out."""

from __future__ import annotations

import csv
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from docgen import api
from docgen.errors import EnvironmentProblem
from docgen.tooling import tabular
from tests.site.conftest import EDU, MOVED, SECRETS, make_repo

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/site's repository: a valid project moved between folders, a broken one, one missing, two 涉密 ones
    (so 101's 部门整体 is withheld: one 涉密 project is fewer than k), and five commits."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("export")
    make_repo(root)
    return root


@pytest.fixture(scope="module")
def db(repo: Path) -> sqlite3.Connection:
    [path] = api.export_data(repo, "sqlite")
    assert path == repo / "build" / "docgen.sqlite"
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    return connection


def rows(db: sqlite3.Connection, sql: str, *args: object) -> list[dict[str, object]]:
    return [dict(r) for r in db.execute(sql, args)]


def test_every_table_has_its_declared_types_and_keys(db: sqlite3.Connection) -> None:
    for table in tabular.TABLES:
        info = {r["name"]: r["type"] for r in rows(db, f'PRAGMA table_info("{table.name}")')}
        assert info == {c.name: c.type for c in table.columns}, table.name
    assert rows(db, "PRAGMA foreign_key_check") == []
    keys = {(r["table"], r["from"]) for r in rows(db, "PRAGMA foreign_key_list(figures)")}
    assert keys == {("submissions", "submission_id")}
    views = {r["name"] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert views == {"red_list", "late_list"}


def test_submissions_figures_and_indicators(db: sqlite3.Connection) -> None:
    subs = rows(db, "SELECT * FROM submissions ORDER BY path")
    by_code = {(s["kind"], s["code"]): s for s in subs}
    assert set(by_code) == {("project", "101-2025-001"), ("project", "101-2025-004"), ("department", "101")}
    valid = by_code[("project", "101-2025-001")]
    assert valid["path"] == f"{MOVED}/101-2025-001.yaml" and valid["valid"] == 1 and valid["light"] in ("yellow", "red")
    [total] = rows(db, "SELECT * FROM figures WHERE submission_id = ? AND position = 0", valid["id"])
    assert (total["row_label"], total["spent"], total["subtotal"], total["spend_progress"]) == ("资金总额", 95.0, 200.0, 47.5)
    assert isinstance(total["spend_progress"], float)  # a real number, not text
    indicators = rows(db, "SELECT * FROM indicators WHERE submission_id = ? ORDER BY position", valid["id"])
    assert [i["level3"] for i in indicators][:1] == ["补助发放及时率"] and indicators[0]["target"] == "≥95%"


def test_errors_are_exported_with_the_file_that_has_them(db: sqlite3.Connection) -> None:
    [broken] = rows(db, "SELECT * FROM submissions WHERE code = '101-2025-004'")
    assert broken["valid"] == 0 and broken["light"] is None
    errors = rows(db, "SELECT * FROM findings WHERE submission_id = ? AND severity = 'error'", broken["id"])
    assert errors and all(re.fullmatch(r"E\d{3}", e["code"]) for e in errors)
    assert all(e["line"] > 0 and e["path"] == f"{EDU}/101-2025-004.yaml" for e in errors)


def test_confidential_projects_never_leave(db: sqlite3.Connection, repo: Path) -> None:
    dump = "\n".join(db.iterdump())
    for secret in SECRETS:
        assert secret not in dump, secret
    # 101's 部门整体 would reveal the one 涉密 project's figures: its row stays, without figures, indicators or texts
    [overall] = rows(db, "SELECT * FROM submissions WHERE kind = 'department'")
    assert overall["withheld"] == 1
    assert rows(db, "SELECT * FROM figures WHERE submission_id = ?", overall["id"]) == []
    assert rows(db, "SELECT * FROM indicators WHERE submission_id = ?", overall["id"]) == []
    assert all(f["message"] is None for f in rows(db, "SELECT * FROM findings WHERE submission_id = ?", overall["id"]))


def test_history_with_authors_and_field_changes(db: sqlite3.Connection) -> None:
    history = rows(db, "SELECT h.*, s.code FROM history h LEFT JOIN submissions s ON s.id = h.submission_id ORDER BY h.id")
    edits = [h for h in history if h["subject"] == "更新6月支出数"]
    assert len(edits) == 1 and "95.00" in str(edits[0]["changes"]) and edits[0]["author"] == "张会计"
    assert {h["status"] for h in history} >= {"added", "modified", "renamed"}
    assert not [h for h in history if "涉密" in str(h["subject"])]  # the 涉密 commit's timeline is not public


def test_red_and_late_views(db: sqlite3.Connection) -> None:
    red = rows(db, "SELECT * FROM red_list")
    assert all(r["red_rules"] for r in red)
    assert {r["code"] for r in red} == {s["code"] for s in rows(db, "SELECT code FROM submissions WHERE light = 'red'")}
    # every commit of the fixture is dated 2025-07-0x, before the roster's 2025-07-31: nobody is late (silent)
    assert rows(db, "SELECT * FROM late_list") == []
    assert {s["late_days"] for s in rows(db, "SELECT late_days FROM submissions WHERE valid = 1")} == {0}


def test_late_list_fires(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "late"
    shutil.copytree(repo, copy, ignore=shutil.ignore_patterns("build"))
    roster = copy / "submissions/2025-06/名单.yaml"
    roster.write_text(roster.read_text(encoding="utf-8").replace("2025-07-31", "2025-06-30"), encoding="utf-8")
    [path] = api.export_data(copy, "sqlite", tmp_path / "late.sqlite")
    with sqlite3.connect(path) as db:
        late = dict(db.execute("SELECT code, late_days FROM late_list").fetchall())
    # all arrived on 07-01; 101-2025-001 was moved on 07-05, and a move is no new arrival
    assert late == {"101-2025-001": 1, "101-2025-004": 1, "101": 1}


def test_csv_files_open_in_excel(repo: Path, tmp_path: Path) -> None:
    written = api.export_data(repo, "csv", tmp_path / "csv")
    assert {p.name for p in written} == {f"{t.name}.csv" for t in tabular.TABLES} | {f"{v}.csv" for v in tabular.VIEWS}
    data = (tmp_path / "csv" / "submissions.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the Chinese right
    with (tmp_path / "csv" / "submissions.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == [c.name for c in tabular.TABLES[1].columns]
    assert {r["code"] for r in table} == {"101-2025-001", "101-2025-004", "101"}
    for secret in SECRETS:
        assert all(secret.encode() not in p.read_bytes() for p in written)


def test_a_formula_in_a_text_stays_text() -> None:
    assert tabular._csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert tabular._csv_cell("城乡义务教育") == "城乡义务教育" and tabular._csv_cell(-1.5) == -1.5


def test_nothing_to_export_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "submissions").mkdir()
    with pytest.raises(api.UsageError):
        api.export_data(tmp_path, "sqlite", period="2025-06")


def test_the_schema_is_documented() -> None:
    """docs/export.md names every table, column and view: the analysts' reference cannot fall behind."""
    doc = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    for table in tabular.TABLES:
        assert f"### `{table.name}`" in doc, table.name
        section = doc.split(f"### `{table.name}`", 1)[1].split("\n### ", 1)[0]
        for column in table.columns:
            assert f"| `{column.name}` | {column.type} |" in section, (table.name, column.name)
    for view in tabular.VIEWS:
        assert f"`{view}`" in doc


def test_a_folder_where_the_file_goes_is_a_chinese_error_and_nothing_is_written(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "x.sqlite").mkdir()
    with pytest.raises(EnvironmentProblem) as caught:
        api.export_data(repo, "sqlite", tmp_path / "x.sqlite")
    assert "x.sqlite" in str(caught.value) and re.search(r"[\u4e00-\u9fff]", str(caught.value))
    assert [p.name for p in tmp_path.iterdir()] == ["x.sqlite"] and not list((tmp_path / "x.sqlite").iterdir())


def test_the_command(repo: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from docgen.cli import cli

    def run(*args: str) -> tuple[int, str, str]:
        done = CliRunner().invoke(cli, ["export-data", "--root", str(repo), *args], catch_exceptions=False)
        return done.exit_code, done.stdout, done.stderr

    code, out, _ = run("--format", "sqlite", "--out", str(tmp_path / "a.sqlite"))
    assert code == 0 and "a.sqlite" in out
    with sqlite3.connect(tmp_path / "a.sqlite") as db:
        assert db.execute("SELECT count(*) FROM submissions").fetchone() == (3,)
    db.close()
    code, out, _ = run("--format", "csv", "--out", str(tmp_path / "csv"), "--period", "2025-06")
    assert code == 0 and out.count("\n") == len(tabular.TABLES) + len(tabular.VIEWS)
    code, _, err = run("--format", "sqlite", "--period", "2025-13")
    assert code == 2 and "月份 13" in err
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    code, _, err = run("--format", "csv", "--out", str(tmp_path / "linked"))
    assert code == 3 and "符号链接" in err and not list((tmp_path / "real").iterdir())
    code, _, err = run("--format", "xml")
    assert code == 2

"""Federation (issue 18, item 4): `docgen merge --from` rolls up lower levels' exports; 涉密 stays at the source, and
every export is read as hostile input (a corpus of bad exports, each with its exact message, nothing written)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import sys
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from docgen import api, federation
from docgen.cli import cli
from docgen.tooling import tabular

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate import generate

SECRET = "101-2025-0030"  # county A's one 涉密 project: department 101 pools fewer than k, so its 部门整体 is withheld
EPOCH = "1751328000"  # 2025-07-01


@pytest.fixture(scope="module")
def epoch() -> Iterator[None]:
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    yield
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH")
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


def county(root: Path, n: int, seed: int, secret: str | None = None) -> Path:
    """A generated county repository; `secret` is marked 涉密 in its file and in the roster (they agree)."""
    generate(root, n, seed=seed)
    if secret is not None:
        period = root / "submissions" / "2025-06"
        path = next(period.rglob(f"{secret}.yaml"))
        path.write_text(path.read_text(encoding="utf-8") + "涉密: true\n", encoding="utf-8")
        roster = period / "名单.yaml"
        text = roster.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if f'"{secret}"' in line)
        roster.write_text(text.replace(line, line.removesuffix("}") + ", 涉密: true}"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory, epoch: None) -> dict[str, Path]:
    """County A (40 projects, one 涉密) exported as SQLite and as CSV, county B (20 projects) as CSV."""
    base = tmp_path_factory.mktemp("federation")
    a = county(base / "a", 40, 2025, SECRET)
    b = county(base / "b", 20, 7)
    out = base / "exports"
    [a_sqlite] = api.export_data(a, "sqlite", out / "甲县.sqlite", region="甲县")
    api.export_data(a, "csv", out / "甲县-csv", region="甲县")
    api.export_data(b, "csv", out / "乙区", region="乙区")
    return {"a": a_sqlite, "a_csv": out / "甲县-csv", "b": out / "乙区", "a_repo": a}


def rel(path: Path) -> str:
    """A path as docgen's messages name it: relative to where the command runs (Workspace.shown)."""
    return os.path.relpath(path)


def merge(where: Path, *sources: Path | str) -> Result:
    where.mkdir(parents=True, exist_ok=True)
    args = [a for s in sources for a in ("--from", str(s))]
    return CliRunner().invoke(cli, ["merge", "--root", str(where), *args], catch_exceptions=False)


def outputs(where: Path) -> dict[str, bytes]:
    folder = where / "build" / "federation"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def merged(exports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    where = tmp_path_factory.mktemp("city")
    result = merge(where, exports["a"], exports["b"])
    assert result.exit_code == 0, result.output
    assert "已汇总 2 个下级导出（2 个地区、1 期）" in result.output
    return outputs(where)


def public_totals(export: Path) -> dict[str, tuple[int, Decimal, Decimal]]:
    """Per department: projects, Σ安排数, Σ支出数, straight from an export's SQLite (the first table's 资金总额 row)."""
    with sqlite3.connect(export) as db:
        rows = db.execute(
            "SELECT s.department_code, s.id, f.subtotal, f.spent FROM submissions s LEFT JOIN figures f"
            " ON f.submission_id = s.id AND f.position = 0 WHERE s.kind = 'project' ORDER BY s.id, f.rowid"
        ).fetchall()
    db.close()
    seen: set[int] = set()
    totals: dict[str, tuple[int, Decimal, Decimal]] = {}
    for dept, sid, subtotal, spent in rows:
        if sid in seen:
            continue
        seen.add(sid)
        n, a, s = totals.get(dept, (0, Decimal(0), Decimal(0)))
        totals[dept] = (n + 1, a + Decimal(str(subtotal)), s + Decimal(str(spent)))
    return totals


# --- the roll-up ------------------------------------------------------------------------------------------------


def test_regions_departments_sums_and_lights(merged: dict[str, bytes], exports: dict[str, Path]) -> None:
    summary = json.loads(merged["summary.json"])
    assert summary["format"] == "docgen-federation" and summary["level"] == "市级"
    assert [s["region"] for s in summary["sources"]] == ["乙区", "甲县"]
    assert {s["generated_at"] for s in summary["sources"]} == {"2025-07-01T08:00:00+08:00"}
    (period,) = summary["periods"]
    assert period["period"] == "2025-06" and period["time_progress"] == 50.0
    by_region = {r["region"]: r for r in period["regions"]}
    expected = public_totals(exports["a"])
    for dept in by_region["甲县"]["departments"]:
        n, subtotal, spent = expected[dept["code"]]
        assert (dept["projects"], dept["subtotal"], dept["spent"]) == (n, float(subtotal), float(spent))
        assert dept["spend_progress"] == float((spent / subtotal * 100).quantize(Decimal("0.01")))
        assert sum(dept["lights"].values()) == n
    assert by_region["甲县"]["totals"]["projects"] == 39 and by_region["乙区"]["totals"]["projects"] == 20
    assert period["totals"]["projects"] == 59
    assert period["totals"]["subtotal"] == pytest.approx(by_region["甲县"]["totals"]["subtotal"] + by_region["乙区"]["totals"]["subtotal"])
    reds = period["red"]
    assert reds and all(r["light"] == "red" for r in reds)


def test_sqlite_and_csv_exports_roll_up_the_same(exports: dict[str, Path], tmp_path: Path) -> None:
    assert merge(tmp_path / "s", exports["a"]).exit_code == 0
    assert merge(tmp_path / "c", exports["a_csv"]).exit_code == 0
    one, two = (json.loads(outputs(tmp_path / w)["summary.json"]) for w in ("s", "c"))
    for data in (one, two):
        for source in data["sources"]:
            del source["file"], source["sha256"]
    assert one == two


def test_the_workbook_markdown_and_html_show_the_same_rows(merged: dict[str, bytes]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(merged["汇总表.xlsx"]))
    assert book.sheetnames == ["地区部门汇总", "红灯项目", "迟报", "来源"]
    sheet = book["地区部门汇总"]
    assert sheet["A1"].value == "2025年1-6月各地区预算绩效运行监控汇总"
    header = [c.value for c in sheet[3]]
    assert header[:7] == ["地区", "主管部门代码", "主管部门", "项目数", "安排数（小计）", "支出数", "支出进度%"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    total = next(r for r in rows if r[0] == "合计")
    assert total[3] == 59
    md = merged["汇总.md"].decode("utf-8")
    assert "| 合计 |  |  | 59 |" in md and "## 红灯项目" in md
    page = merged["index.html"].decode("utf-8")
    assert '<td>合计</td><td></td><td></td><td class="n">59</td>' in page


# --- 涉密 at the source -----------------------------------------------------------------------------------------


def test_a_department_with_one_confidential_project_reveals_nothing(merged: dict[str, bytes], exports: dict[str, Path]) -> None:
    """County A's department 101 has exactly one 涉密 project of four: the export leaves the project out and withholds
    the 部门整体's figures (its total minus the three public projects would be the 涉密 one); the upper level sums
    the three public projects only, and names the 涉密 one nowhere."""
    with sqlite3.connect(exports["a"]) as db:
        assert db.execute("SELECT count(*) FROM submissions WHERE code = ? OR name LIKE ?", (SECRET, f"%{SECRET}%")).fetchone() == (0,)
        (sid, withheld) = db.execute("SELECT id, withheld FROM submissions WHERE kind = 'department' AND code = '101'").fetchone()
        assert withheld == 1
        assert db.execute("SELECT count(*) FROM figures WHERE submission_id = ?", (sid,)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM submissions WHERE kind = 'project' AND department_code = '101'").fetchone() == (3,)
        assert db.execute("SELECT confidential_rules, pool FROM metadata").fetchone() == ("applied", 3)
    db.close()
    summary = json.loads(merged["summary.json"])
    region = next(r for r in summary["periods"][0]["regions"] if r["region"] == "甲县")
    dept = next(d for d in region["departments"] if d["code"] == "101")
    assert dept["withheld"] is True and dept["projects"] == 3
    xlsx = b"".join(
        zipfile.ZipFile(io.BytesIO(merged["汇总表.xlsx"])).read(n) for n in zipfile.ZipFile(io.BytesIO(merged["汇总表.xlsx"])).namelist()
    )
    for data in (*merged.values(), xlsx):
        assert SECRET.encode() not in data


def test_a_department_without_confidential_projects_keeps_its_figures(exports: dict[str, Path]) -> None:
    with sqlite3.connect(exports["a"]) as db:
        (sid, withheld) = db.execute("SELECT id, withheld FROM submissions WHERE kind = 'department' AND code = '102'").fetchone()
        assert withheld == 0 and db.execute("SELECT count(*) FROM figures WHERE submission_id = ?", (sid,)).fetchone()[0] > 0
    db.close()


def test_the_export_names_its_region_level_profile_and_time(exports: dict[str, Path]) -> None:
    with sqlite3.connect(exports["a"]) as db:
        db.row_factory = sqlite3.Row
        (row,) = [dict(r) for r in db.execute("SELECT * FROM metadata")]
    db.close()
    assert row == {
        "region": "甲县",
        "level": "市级",
        "profile": "shuozhou-city",
        "period": None,
        "generated_at": "2025-07-01T08:00:00+08:00",
        "docgen_version": __import__("docgen").__version__,
        "format_version": 1,
        "confidential_rules": "applied",
        "pool": 3,
    }
    with (exports["b"] / "metadata.csv").open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.DictReader(f))["region"] == "乙区"


def test_a_region_with_control_characters_is_refused(exports: dict[str, Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--root",
            str(exports["a_repo"]),
            "--format",
            "sqlite",
            "--out",
            str(tmp_path / "x.sqlite"),
            "--region",
            "甲\x1b[31m县",
        ],
    )
    assert result.exit_code == 2
    assert "地区名称「甲\\u001b[31m县」不合规定：应为 1 到 40 个字符，不含换行、制表符等控制字符" in result.output
    assert not (tmp_path / "x.sqlite").exists()


# --- hostile exports: each refused with its exact message, nothing written ------------------------------------------


def _sql(*statements: str) -> Callable[[Path], Path]:
    def change(path: Path) -> Path:
        with sqlite3.connect(path) as db:
            for statement in statements:
                db.execute(statement)
        db.close()
        return path

    return change


def _csv(table: str, edit: Callable[[list[list[str]]], None]) -> Callable[[Path], Path]:
    def change(folder: Path) -> Path:
        path = folder / f"{table}.csv"
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        edit(rows)
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
        return folder

    return change


def _set(row: int, column: int, value: str) -> Callable[[list[list[str]]], None]:
    return lambda rows: rows[row].__setitem__(column, value)


SUBMISSION_NAME = tabular.TABLES[1].names.index("name")
SUBMISSION_LIGHT = tabular.TABLES[1].names.index("light")

SQLITE_CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("no metadata table", _sql("DROP TABLE metadata"), "{f} 的导出说明（metadata 表）缺失：无法确认来源已执行涉密规则，不汇总"),
    ("empty metadata", _sql("DELETE FROM metadata"), "{f} 的导出说明（metadata 表）缺失：无法确认来源已执行涉密规则，不汇总"),
    (
        "two metadata rows",
        _sql("INSERT INTO metadata SELECT * FROM metadata"),
        "{f} 的导出说明（metadata 表）应有且只有一行，实有 2 行：无法确认来源已执行涉密规则，不汇总",
    ),
    (
        "rules not applied",
        _sql("UPDATE metadata SET confidential_rules = 'no'"),
        "{f} 表 metadata 第 1 行 的导出说明没有写明已执行涉密规则（confidential_rules 为「no」，应为 applied），不汇总",
    ),
    (
        "no region",
        _sql("UPDATE metadata SET region = ''"),
        (
            "{f} 表 metadata 第 1 行 的导出说明（metadata 表）没有地区名称（请让下级用 docgen export --region 地区名称 重新导出）"
            "：无法确认来源已执行涉密规则，不汇总"
        ),
    ),
    (
        "another format version",
        _sql("UPDATE metadata SET format_version = 2"),
        "{f} 表 metadata 第 1 行 的导出格式版本为 2，本版 docgen 只读版本 1：请用同一版本的 docgen 重新导出",
    ),
    (
        "a withheld department with figures",
        _sql(
            "UPDATE submissions SET withheld = 1 WHERE kind = 'department' AND code = '102'",
        ),
        (
            "{f} 表 submissions 第 {row102} 行：部门整体 102（2025-06）标为不导出金额（withheld = 1），却有 {figures102} 行资金数据。"
            "导出中不得有涉密内容，来源没有执行涉密规则，不汇总"
        ),
    ),
    (
        "a column marked 涉密",
        _sql('ALTER TABLE submissions ADD COLUMN "涉密" INTEGER'),
        "{f}：表 submissions 有标记涉密的列 涉密。导出中不得有涉密内容，来源没有执行涉密规则，不汇总",
    ),
    (
        "a name marked 涉密",
        _sql("UPDATE submissions SET name = '（涉密）某项目' WHERE id = 2"),
        "{f} 表 submissions 第 2 行：列 name 含「涉密」。导出中不得有涉密内容，来源没有执行涉密规则，不汇总",
    ),
    ("an extra column", _sql("ALTER TABLE figures ADD COLUMN extra TEXT"), "{f} 表 figures 的列与导出格式不符：多出列 extra"),
    (
        "a view where a table goes",
        _sql("ALTER TABLE periods RENAME TO p2", "CREATE VIEW periods AS SELECT * FROM p2"),
        "{f} 表 periods 的列与导出格式不符：periods 不是普通的表",
    ),
    (
        "a missing table",
        _sql("DROP TABLE indicators"),
        "{f} 缺少表 indicators：请让下级用 docgen export --format sqlite（或 csv）重新导出",
    ),
    (
        "a text in a figure",
        _sql("UPDATE figures SET spent = 'abc' WHERE rowid = 1"),
        "{f} 表 figures 第 1 行：列 spent 的值「abc」应为数字（绝对值不超过 1e+15）",
    ),
    (
        "a period without its key",
        _sql("PRAGMA foreign_keys = OFF", "UPDATE periods SET period = NULL"),
        "{f} 表 periods 第 1 行：列 period 的值「」应为文字（不超过 2000 个字符）（不能为空）",
    ),
    (
        "a text that is not UTF-8",
        _sql("UPDATE submissions SET name = CAST(x'ff41' AS TEXT) WHERE id = 1"),
        "{f} 表 submissions 第 1 行：列 name 的值「\ufffdA」应为文字（不超过 2000 个字符）",
    ),
    (
        "a figure too large to sum exactly",
        _sql("UPDATE figures SET spent = 1e300 WHERE rowid = 1"),
        "{f} 表 figures 第 1 行：列 spent 的值「1e+300」应为数字（绝对值不超过 1e+15）",
    ),
    (
        "a light out of range",
        _sql("UPDATE submissions SET light = 'purple' WHERE id = 1"),
        "{f} 表 submissions 第 1 行：列 light 的值「purple」不合规定（应为 red、yellow、blue、green、grey 之一）",
    ),
    (
        "a negative lateness",
        _sql("UPDATE submissions SET late_days = -3 WHERE id = 1"),
        "{f} 表 submissions 第 1 行：列 late_days 的值「-3」不合规定（不能为负数）",
    ),
    (
        "a figure of no submission",
        _sql("PRAGMA foreign_keys = OFF", "UPDATE figures SET submission_id = 9999 WHERE rowid = 1"),
        "{f} 表 figures 第 1 行：submission_id 为「9999」，但 submissions 表中没有这一行",
    ),
    (
        "a text too long",
        _sql("UPDATE submissions SET unit = printf('%.3000c', 'x') WHERE id = 1"),
        "{f} 表 submissions 第 1 行：列 unit 的值「" + "x" * 40 + "…」应为文字（不超过 2000 个字符）",
    ),
    (
        "a terminal escape in a value",
        _sql("UPDATE submissions SET light = char(27) || '[31m' WHERE id = 1"),
        "{f} 表 submissions 第 1 行：列 light 的值「\\u001b[31m」不合规定（应为 red、yellow、blue、green、grey 之一）",
    ),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in SQLITE_CASES], ids=[c[0] for c in SQLITE_CASES])
def test_a_bad_sqlite_export_is_refused(change: Callable[[Path], Path], expected: str, exports: dict[str, Path], tmp_path: Path) -> None:
    bad = change(Path(shutil.copy(exports["a"], tmp_path / "bad.sqlite")))
    with sqlite3.connect(exports["a"]) as db:
        row102 = db.execute("SELECT id FROM submissions WHERE kind = 'department' AND code = '102'").fetchone()[0]
        figures102 = db.execute("SELECT count(*) FROM figures WHERE submission_id = ?", (row102,)).fetchone()[0]
    db.close()
    _refused(tmp_path, [exports["b"], bad], expected.format(f=rel(bad), row102=row102, figures102=figures102))


CSV_CASES: list[tuple[str, Callable[[Path], Path], str]] = [
    (
        "a missing column",
        _csv("figures", lambda rows: [r.pop() for r in rows]),
        "{f}/figures.csv 表 figures 的列与导出格式不符：缺少列 unreported",
    ),
    (
        "a row of the wrong width",
        _csv("submissions", lambda rows: rows[1].append("x")),
        "{f}/submissions.csv 表 submissions 的列与导出格式不符：第 2 行有 18 列，应有 17 列",
    ),
    (
        "a word in a number",
        _csv("figures", _set(1, 5, "12万元")),
        "{f}/figures.csv:2：列 budget 的值「12万元」应为数字（绝对值不超过 1e+15）",
    ),
    (
        "a light out of range",
        _csv("submissions", _set(1, SUBMISSION_LIGHT, "紫")),
        "{f}/submissions.csv:2：列 light 的值「紫」不合规定（应为 red、yellow、blue、green、grey 之一）",
    ),
    (
        "rules not applied",
        _csv("metadata", _set(1, 7, "")),
        "{f}/metadata.csv:2 的导出说明没有写明已执行涉密规则（confidential_rules 为「」，应为 applied），不汇总",
    ),
    (
        "a name marked 涉密",
        _csv("submissions", _set(1, SUBMISSION_NAME, "涉密项目")),
        "{f}/submissions.csv:2：列 name 含「涉密」。导出中不得有涉密内容，来源没有执行涉密规则，不汇总",
    ),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CSV_CASES], ids=[c[0] for c in CSV_CASES])
def test_a_bad_csv_export_is_refused(change: Callable[[Path], Path], expected: str, exports: dict[str, Path], tmp_path: Path) -> None:
    bad = change(Path(shutil.copytree(exports["b"], tmp_path / "bad")))
    _refused(tmp_path, [exports["a"], bad], expected.format(f=rel(bad)))


def _refused(tmp_path: Path, sources: list[Path], expected: str, code: int = 1) -> None:
    where = tmp_path / "city"
    result = merge(where, *sources)
    assert result.exit_code == code, result.output
    assert expected in result.output, result.output
    assert not (where / "build" / "federation").exists()


def test_files_that_are_not_exports(exports: dict[str, Path], tmp_path: Path) -> None:
    text = tmp_path / "a.sqlite"
    text.write_text("not a database", encoding="utf-8")
    _refused(tmp_path, [text], f"汇总来源 {rel(text)} 不是 docgen export 导出的 SQLite 文件或 CSV 目录：不是 SQLite 数据库")
    _refused(
        tmp_path,
        [tmp_path / "none.sqlite"],
        f"汇总来源 {rel(tmp_path / 'none.sqlite')} 不存在、不是普通文件或目录，或是符号链接（不会跟随）",
    )
    link = tmp_path / "link.sqlite"
    link.symlink_to(exports["a"])
    _refused(tmp_path, [link], f"汇总来源 {rel(link)} 不存在、不是普通文件或目录，或是符号链接（不会跟随）")
    latin = Path(shutil.copytree(exports["b"], tmp_path / "latin"))
    (latin / "periods.csv").write_bytes("period\n\xe9".encode("latin-1"))
    _refused(
        tmp_path,
        [latin],
        f"汇总来源 {rel(latin)} 不是 docgen export 导出的 SQLite 文件或 CSV 目录：{rel(latin)}/periods.csv 不是 UTF-8 编码的 CSV",
    )
    quote = Path(shutil.copytree(exports["b"], tmp_path / "quote"))
    (quote / "periods.csv").write_bytes(b'period,year,month,deadline,time_progress\r\n"2025-06,2025')
    _refused(tmp_path, [quote], f"{rel(quote)}/periods.csv 第 2 行不是合规的 CSV（unexpected end of data）")


def test_bounds(exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(federation, "MAX_ROWS", 5)
    _refused(tmp_path, [exports["a"]], f"{rel(exports['a'])} 表 submissions 超过 5 行上限")
    _refused(tmp_path, [exports["b"]], f"{rel(exports['b'])} 表 submissions 超过 5 行上限")
    monkeypatch.setattr(federation, "MAX_ROWS", 2_000_000)
    monkeypatch.setattr(federation, "MAX_SQLITE_BYTES", 4 << 10)
    monkeypatch.setattr(federation, "MAX_CSV_BYTES", 1 << 10)
    _refused(tmp_path, [exports["a"]], f"汇总来源 {rel(exports['a'])} 超过上限：文件 {rel(exports['a'])} 超过 4 KiB")
    _refused(tmp_path, [exports["b"]], f"汇总来源 {rel(exports['b'])} 超过上限：文件 {rel(exports['b'])}/submissions.csv 超过 1 KiB")
    monkeypatch.setattr(federation, "MAX_SQLITE_BYTES", 512 << 20)
    monkeypatch.setattr(federation, "SQLITE_STEPS", 1)
    monkeypatch.setattr(federation, "SQLITE_STEP", 100)
    _refused(
        tmp_path,
        [exports["a"]],
        f"汇总来源 {rel(exports['a'])} 不是 docgen export 导出的 SQLite 文件或 CSV 目录：SQLite 文件损坏或过于复杂（interrupted）",
    )
    monkeypatch.setattr(federation, "MAX_SOURCES", 1)
    _refused(tmp_path, [exports["a"], exports["b"]], "--from 最多 1 个汇总来源（给了 2 个）", code=2)


def test_the_same_region_twice_is_refused(exports: dict[str, Path], tmp_path: Path) -> None:
    _refused(
        tmp_path,
        [exports["a"], exports["a_csv"]],
        f"{rel(exports['a'])} 与 {rel(exports['a_csv'])} 都是「甲县」2025-06 的导出：同一地区同一期只能交一份",
    )


def test_records_and_exports_together_or_neither_are_a_usage_error(exports: dict[str, Path], tmp_path: Path) -> None:
    message = "docgen merge 要么合并分片记录，要么用 --from 汇总下级的导出，不能同时两种，也不能都没有"
    for args in ([], ["--from", str(exports["a"]), "shards/shard-1-of-1.json"]):
        result = CliRunner().invoke(cli, ["merge", "--root", str(tmp_path), *args])
        assert result.exit_code == 2 and message in result.output, result.output


def test_sqlite_is_opened_read_only_and_reads_no_attached_database(exports: dict[str, Path], tmp_path: Path) -> None:
    """A trigger, a view over another file, an attached database: none runs; the export's bytes stay as they were."""
    bad = Path(shutil.copy(exports["a"], tmp_path / "bad.sqlite"))
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    _sql(
        "CREATE TABLE log (x)",
        "CREATE TRIGGER t AFTER INSERT ON periods BEGIN INSERT INTO log VALUES (1); END",
        "CREATE VIEW red AS SELECT load_extension('x')",
    )(bad)
    before = bad.read_bytes()
    result = merge(tmp_path / "city", bad)
    assert result.exit_code == 0, result.output
    assert bad.read_bytes() == before and not any(tmp_path.glob("bad.sqlite-*"))
    reader = federation._read_sqlite(bad, "bad", bad.stat().st_size)
    assert set(reader) == set(federation.READ)


# --- every name escaped by construction -------------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script>|[x](javascript:alert(1))=HYPERLINK("http://e")'


def test_hostile_names_are_escaped_in_every_output(exports: dict[str, Path], tmp_path: Path) -> None:
    bad = Path(shutil.copy(exports["a"], tmp_path / "bad.sqlite"))
    with sqlite3.connect(bad) as db:
        db.execute("UPDATE submissions SET name = ?, department = ? WHERE light = 'red'", ("=" + HOSTILE, HOSTILE))
        db.execute("UPDATE metadata SET region = ?", ("<b>甲</b>",))
    db.close()
    result = merge(tmp_path / "city", bad)
    assert result.exit_code == 0, result.output
    out = outputs(tmp_path / "city")
    page = out["index.html"].decode("utf-8")
    assert "<script>" not in page and "<b>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = out["汇总.md"].decode("utf-8")
    assert "<script>" not in md and "](javascript" not in md and "&#124;" in md
    widths = {line.count("|") for line in md.splitlines() if line.startswith("|")}
    assert widths == {15, 6, 7}  # the main table's 14 columns, the red list's 5, the sources' 6: no cell split
    book = openpyxl.load_workbook(io.BytesIO(out["汇总表.xlsx"]))
    cells = [c for row in book["红灯项目"].iter_rows(min_row=4) for c in row if c.value and str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    assert json.loads(out["summary.json"])["periods"][0]["red"][0]["department"] == HOSTILE


def test_an_export_of_one_period_names_it(exports: dict[str, Path], tmp_path: Path) -> None:
    [path] = api.export_data(exports["a_repo"], "sqlite", tmp_path / "one.sqlite", period="2025-6", region="甲县")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT period, region FROM metadata").fetchone() == ("2025-06", "甲县")
    db.close()


def test_a_period_some_regions_lack_is_said(exports: dict[str, Path], tmp_path: Path) -> None:
    """W820: 甲县 exported 2025-09 only, 乙区 2025-06 only: each period's totals lack a region, and the outputs say so."""
    later = _sql("UPDATE periods SET period = '2025-09', month = 9", "UPDATE submissions SET period = '2025-09'")(
        Path(shutil.copy(exports["a"], tmp_path / "later.sqlite"))
    )
    result = merge(tmp_path / "city", later, exports["b"])
    assert result.exit_code == 0, result.output
    assert "2025-06 缺少 1 个地区的导出（甲县）：该期的合计不含这些地区" in result.stderr
    assert "2025-09 缺少 1 个地区的导出（乙区）：该期的合计不含这些地区" in result.stderr
    out = outputs(tmp_path / "city")
    assert [p["missing_regions"] for p in json.loads(out["summary.json"])["periods"]] == [["甲县"], ["乙区"]]
    assert "2025-09 缺少 1 个地区的导出（乙区）" in out["汇总.md"].decode("utf-8")


def test_no_region_missing_says_nothing(merged: dict[str, bytes], exports: dict[str, Path], tmp_path: Path) -> None:
    result = merge(tmp_path / "city", exports["a"], exports["b"])
    assert "W820" not in result.output and "缺少" not in result.stderr
    assert [p["missing_regions"] for p in json.loads(merged["summary.json"])["periods"]] == [[]]


def test_corrupted_files_are_refused_never_crash(exports: dict[str, Path], tmp_path: Path) -> None:
    """Random bytes changed in a SQLite export, random CSV syntax in a CSV one: read, or refused in Chinese; never a
    traceback (SQLite's own message about a garbled schema is not even UTF-8)."""
    import random

    from docgen.errors import DocgenError

    rng = random.Random(18)
    data = exports["a"].read_bytes()
    outcomes = set()
    for _ in range(60):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        path = tmp_path / "fuzz.sqlite"
        path.write_bytes(bytes(mutated))
        try:
            federation.read(path, "fuzz.sqlite")
            outcomes.add("read")
        except DocgenError as exc:
            outcomes.add(str(exc)[:2])
    for _ in range(60):
        folder = tmp_path / "fuzz"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(exports["b"], folder)
        target = folder / rng.choice([f"{t}.csv" for t in federation.READ])
        mutated = bytearray(target.read_bytes())
        for _ in range(rng.randint(1, 10)):
            mutated[rng.randrange(len(mutated))] = rng.choice(b'",\r\n0123456789-.eE\x00ab')
        target.write_bytes(bytes(mutated))
        try:
            federation.read(folder, "fuzz")
            outcomes.add("read")
        except DocgenError:
            outcomes.add("refused")
    assert "refused" in outcomes and len(outcomes) > 2  # both kinds of damage were met

"""Data out for analysts: every submission, figure, indicator, finding and change as SQLite tables or CSV files
(`docgen export --format sqlite|csv`), described once here (TABLES) and documented in docs/export.md.

Why a schema of our own rather than summary.json: analysts join and filter (Datasette, Excel's Power Query, pandas),
so each kind of thing is one table with real column types, keys and foreign keys, and the bureau's two first
questions are views (`red_list`, `late_list`). Everything written comes from the evaluated records docgen already
computed (figures rounded once in evaluate/figures.py), never recomputed here.

涉密: a confidential project never leaves (no row, no finding, no history, no commit message naming it); a 部门整体
whose figures would reveal a 涉密 project's (fewer than k pooled) keeps its row but no figures, indicators or texts,
and its findings keep only code and light. No table holds a sum over projects, so no total can reveal one either.
Texts pass the redactor once more (names, codes and figures of 涉密 projects), as every published page does.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import output
from ..check.findings import Finding
from ..evaluate import figures as compute
from ..evaluate.evaluation import Evaluation
from ..evaluate.review import Records
from ..form import vocabulary as F
from ..form.model import Department, Period, Project

#: SQLite declared types: Datasette and pandas read them as they are.
TEXT, INTEGER, REAL = "TEXT", "INTEGER", "REAL"


@dataclass(frozen=True)
class Column:
    """One column: its name, declared type, what it holds (docs/export.md says it in full) and its foreign key."""

    name: str
    type: str
    doc: str
    references: str = ""  # "table(column)"
    primary: bool = False
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One table of the export, its columns in order."""

    name: str
    doc: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


_FIGURE_COLUMNS = (
    ("carried_over", "上年结转（万元）"),
    ("budget", "本年预算（万元；记有调整后预算时为调整后预算）"),
    ("subtotal", "小计 = 安排数（万元）"),
    ("allocated", "下达数（万元）"),
    ("allocation_rate", "下达率（%）"),
    ("spent", "支出数（万元）"),
    ("spend_progress", "支出进度（%）"),
    ("expected", "全年预计支出数（万元）"),
    ("balance", "预计结转结余（万元）"),
    ("time_progress", "序时进度（%）"),
    ("execution", "支出进度 ÷ 序时进度 × 100（W401 的 r）"),
)

TABLES: tuple[Table, ...] = (
    Table(
        "periods",
        "监控期间：每期一行。",
        (
            Column("period", TEXT, "期间，如 2025-06（submissions/ 下的目录名）", primary=True),
            Column("year", INTEGER, "年度", required=True),
            Column("month", INTEGER, "截至月份", required=True),
            Column("deadline", TEXT, "名单的截止日期（ISO 日期）；没有名单时为空"),
            Column("time_progress", REAL, "序时进度（%）", required=True),
        ),
    ),
    Table(
        "submissions",
        "报送：每个项目（附件2）或部门整体（附件3）每期一行，含未通过校验的；涉密项目不在其中。",
        (
            Column("id", INTEGER, "编号（本次导出内有效）", primary=True),
            Column("period", TEXT, "期间", references="periods(period)", required=True),
            Column("kind", TEXT, "project（项目）或 department（部门整体）", required=True),
            Column("department_code", TEXT, "主管部门代码", required=True),
            Column("department", TEXT, "主管部门"),
            Column("code", TEXT, "项目代码；部门整体为主管部门代码", required=True),
            Column("name", TEXT, "项目名称；部门整体为主管部门名称"),
            Column("unit", TEXT, "预算单位"),
            Column("path", TEXT, "报送文件（相对于仓库根目录）", required=True),
            Column("valid", INTEGER, "通过校验为 1，有错误为 0", required=True),
            Column("light", TEXT, "监控灯色：red/yellow/blue/green/grey；未监控为空"),
            Column("review_state", TEXT, "审核状态：draft/submitted/returned/passed；未知为空"),
            Column("first_arrived", TEXT, "首次并入主分支的时间（ISO 8601）；未知为空"),
            Column("late_days", INTEGER, "首次并入主分支晚于截止日期的天数；按时为 0，未知为空"),
            Column("reported_items", INTEGER, "已填报项数（未填报的不计）"),
            Column("total_items", INTEGER, "应填报项数"),
            Column("withheld", INTEGER, "1：部门整体的金额能推算出涉密项目的金额，金额、指标不导出", required=True),
        ),
    ),
    Table(
        "figures",
        "资金表：每份报送每张预算表的每一行（资金总额在前），计算列由 docgen 按表样规则计算。",
        (
            Column("submission_id", INTEGER, "报送", references="submissions(id)", required=True),
            Column("budget_table", TEXT, "预算表（YAML 中的键，如 资金、资金按类型）", required=True),
            Column("row_label", TEXT, "行（资金总额、中央财政资金……）", required=True),
            Column("position", INTEGER, "行序（资金总额为 0）", required=True),
            *(Column(name, REAL, doc + "；未填报或无法计算为空") for name, doc in _FIGURE_COLUMNS),
            Column("unreported", TEXT, "未填报（及因此无法计算）的列名，逗号分隔"),
        ),
    ),
    Table(
        "indicators",
        "绩效指标：每份报送的每个三级指标。",
        (
            Column("submission_id", INTEGER, "报送", references="submissions(id)", required=True),
            Column("position", INTEGER, "在文件中的次序（从 1 起）", required=True),
            Column("level1", TEXT, "一级指标"),
            Column("level2", TEXT, "二级指标"),
            Column("level3", TEXT, "三级指标"),
            Column("target", TEXT, "年度指标值"),
            Column("adjusted_target", TEXT, "调整后指标值"),
            Column("result", TEXT, "指标完成情况"),
            Column("expected", TEXT, "全年指标预计完成情况"),
            Column("likelihood", TEXT, "完成目标可能性"),
            Column("light", TEXT, "指标灯色"),
        ),
    ),
    Table(
        "findings",
        "校验和监控发现的问题：错误（E）、警告（W）、提示（I），含未通过校验的文件的错误。",
        (
            Column("id", INTEGER, "编号", primary=True),
            Column("submission_id", INTEGER, "报送；名单、规则文件等其他文件为空", references="submissions(id)"),
            Column("path", TEXT, "文件", required=True),
            Column("line", INTEGER, "行", required=True),
            Column("column", INTEGER, "列", required=True),
            Column("code", TEXT, "代码（E201、W401……）", required=True),
            Column("severity", TEXT, "error/warning/info", required=True),
            Column("message", TEXT, "说明"),
            Column("light", TEXT, "监控灯色（监控规则才有）"),
        ),
    ),
    Table(
        "opinions",
        "审核意见：主管部门和财政局在审核目录（submissions/<期间>/审核/）中对每份报送的每条意见。",
        (
            Column("id", INTEGER, "编号", primary=True),
            Column("submission_id", INTEGER, "报送；意见所指的报送不在本次导出中时为空", references="submissions(id)"),
            Column("period", TEXT, "期间", required=True),
            Column("department_code", TEXT, "主管部门代码", required=True),
            Column("subject", TEXT, "项目代码；部门整体为「部门整体」", required=True),
            Column("reviewer", TEXT, "审核方：财政局或主管部门代码", required=True),
            Column("unit", TEXT, "审核单位"),
            Column("date", TEXT, "日期（ISO 日期）", required=True),
            Column("conclusion", TEXT, "结论：通过或退回修改", required=True),
            Column("opinion", TEXT, "意见"),
            Column("path", TEXT, "记录所在文件", required=True),
            Column("line", INTEGER, "行", required=True),
        ),
    ),
    Table(
        "rectifications",
        "整改台账：每个整改事项，含是否逾期（期限早于该期期末仍未完成）。",
        (
            Column("id", INTEGER, "编号", primary=True),
            Column("submission_id", INTEGER, "报送；所指的报送不在本次导出中时为空", references="submissions(id)"),
            Column("period", TEXT, "期间", required=True),
            Column("department_code", TEXT, "主管部门代码", required=True),
            Column("subject", TEXT, "项目代码；部门整体为「部门整体」", required=True),
            Column("finding", TEXT, "引起整改的问题代码（W401……）"),
            Column("problem", TEXT, "问题"),
            Column("measure", TEXT, "整改措施"),
            Column("owner", TEXT, "责任人"),
            Column("deadline", TEXT, "整改期限（ISO 日期）", required=True),
            Column("status", TEXT, "状态：未开始/整改中/已完成", required=True),
            Column("overdue", INTEGER, "1：期限已过仍未完成（按该期期末判断，不按导出当天）", required=True),
            Column("overdue_days", INTEGER, "逾期天数；未逾期为 0", required=True),
            Column("evidence", TEXT, "佐证材料，每行一项"),
            Column("path", TEXT, "记录所在文件", required=True),
            Column("line", INTEGER, "行", required=True),
        ),
    ),
    Table(
        "applications",
        "结果应用：财政局对监控结果的处理（调减预算、调整目标、暂缓拨款、停止拨付、收回资金）。",
        (
            Column("id", INTEGER, "编号", primary=True),
            Column("submission_id", INTEGER, "报送；所指的报送不在本次导出中时为空", references="submissions(id)"),
            Column("period", TEXT, "期间", required=True),
            Column("department_code", TEXT, "主管部门代码", required=True),
            Column("subject", TEXT, "项目代码；部门整体为「部门整体」", required=True),
            Column("finding", TEXT, "引起处理的问题代码"),
            Column("kind", TEXT, "方式", required=True),
            Column("amount", REAL, "金额（万元）；没有为空"),
            Column("document_number", TEXT, "文号"),
            Column("date", TEXT, "日期（ISO 日期）"),
            Column("note", TEXT, "说明"),
            Column("path", TEXT, "记录所在文件", required=True),
            Column("line", INTEGER, "行", required=True),
        ),
    ),
    Table(
        "history",
        "修改历史：每次提交对每个报送文件的改动（来自 git；涉密项目的历史不导出）。",
        (
            Column("id", INTEGER, "编号", primary=True),
            Column("submission_id", INTEGER, "报送；文件已不在当前报送中时为空", references="submissions(id)"),
            Column("path", TEXT, "提交时的文件路径", required=True),
            Column("commit_sha", TEXT, "提交", required=True),
            Column("author", TEXT, "提交作者"),
            Column("date", TEXT, "提交时间（ISO 8601）", required=True),
            Column("status", TEXT, "added/modified/renamed/deleted", required=True),
            Column("subject", TEXT, "提交说明的第一行"),
            Column("changes", TEXT, "逐字段的改动，每行一项"),
        ),
    ),
)

#: What the metadata table's `confidential_rules` says when the 涉密 rules above were applied while writing: an
#: upper level's `docgen merge --from` reads no export without it (src/docgen/federation.py).
CONFIDENTIAL_APPLIED = "applied"
#: The export's own format version (metadata.format_version): a reader refuses one it does not know.
FORMAT_VERSION = 1

#: Who wrote the export, of what, and that the 涉密 rules were applied: one row. Added after the data tables so their
#: order (and every reader of it) stays as it was.
METADATA = Table(
    "metadata",
    "导出说明：一行，说明哪个地区、哪一级、哪个表样、哪一期的数据，何时由哪个版本的 docgen 导出，以及已按涉密规则处理。",
    (
        Column("region", TEXT, "地区名称（docgen export --region，如 平鲁区）；未指定时为空", required=True),
        Column("level", TEXT, "级次（表样的 level：市级、区级、县级……）", required=True),
        Column("profile", TEXT, "表样 id（docgen.yaml 选用的表样）", required=True),
        Column("period", TEXT, "导出的期间（--period）；全部期间时为空"),
        Column("generated_at", TEXT, "导出时间（ISO 8601；设置了 SOURCE_DATE_EPOCH 时为该时间）", required=True),
        Column("docgen_version", TEXT, "导出所用的 docgen 版本", required=True),
        Column("format_version", INTEGER, "导出格式版本（本版为 1）", required=True),
        Column("confidential_rules", TEXT, "applied：导出时已执行涉密规则（涉密项目不导出，不足 k 个的部门整体不导出金额）", required=True),
        Column("pool", INTEGER, "k：涉密汇总最少项目数（规则文件的设置）", required=True),
    ),
)
TABLES = (*TABLES, METADATA)

#: The bureau's first two questions, as views (Datasette lists them beside the tables).
VIEWS: dict[str, tuple[str, str]] = {
    "red_list": (
        "红灯报送（含部门整体），附红灯规则代码。",
        (
            "SELECT s.period, s.department_code, s.department, s.kind, s.code, s.name, s.review_state,"
            " group_concat(DISTINCT f.code) AS red_rules"
            " FROM submissions s LEFT JOIN findings f ON f.submission_id = s.id AND f.light = 'red'"
            " WHERE s.light = 'red' GROUP BY s.id ORDER BY s.period, s.department_code, s.kind = 'project', s.code"
        ),
    ),
    "late_list": (
        "迟报：首次并入主分支晚于名单截止日期的报送。",
        (
            "SELECT s.period, p.deadline, s.department_code, s.department, s.kind, s.code, s.name, s.first_arrived, s.late_days"
            " FROM submissions s JOIN periods p ON p.period = s.period"
            " WHERE s.late_days > 0 ORDER BY s.period, s.late_days DESC, s.code"
        ),
    ),
}

Row = dict[str, Any]


@dataclass
class Dataset:
    """The rows of every table, ready to write (values already redacted and 涉密 rows left out)."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {t.name: [] for t in TABLES})


@dataclass(frozen=True)
class Arrival:
    """What git says of a submission file: when it first reached the main branch, and its review state if known."""

    first_arrived: datetime | None = None
    review_state: str | None = None


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _text(value: object, redact: Callable[[str], str]) -> str | None:
    if value is None:
        return None
    return redact(str(value))


def collect(
    *,
    submissions: Iterable[tuple[Project | Department | None, str, Evaluation | None]],
    findings: Iterable[Finding],
    periods: dict[str, tuple[Period, date | None]],
    hidden: Callable[[str], bool],
    withheld: set[str],
    arrivals: dict[str, Arrival],
    history: Iterable[Any],
    redact: Callable[[str], str],
    invalid: Iterable[tuple[str, Period, str, str, str, str]] = (),
    records: Records | None = None,
    today: Callable[[tuple[int, int]], date] | None = None,
    metadata: Row | None = None,
) -> Dataset:
    """The export's rows from docgen's own records.

    `submissions`: (model, root-relative path, evaluation) of every modelled submission; `invalid`: (path, period,
    kind, department code, code, name) of files that failed before a model; `hidden(path)`: a 涉密 file; `withheld`:
    paths of 部门整体 files whose figures are withheld; `history`: the public history's entries (timeline.Entry);
    `records`: the review folder's opinions, 整改 and 结果应用, 整改 judged overdue on `today(period)`;
    `metadata`: the metadata table's row (who, what, and that the 涉密 rules were applied)."""
    data = Dataset()
    if metadata is not None:
        data.rows["metadata"].append({**metadata, "region": _text(metadata.get("region", ""), redact)})
    for key, (period, deadline) in sorted(periods.items()):
        data.rows["periods"].append(
            {
                "period": key,
                "year": period.year,
                "month": period.month,
                "deadline": deadline.isoformat() if deadline else None,
                "time_progress": _number(compute.time_progress(period)),
            }
        )
    ids: dict[str, int] = {}

    def add(path: str, period: Period, kind: str, dept_code: str, dept: str, code: str, name: str, unit: str, ev: Evaluation | None) -> int:
        arrival = arrivals.get(path, Arrival())
        deadline = periods.get(period.key, (period, None))[1]
        late = None
        if arrival.first_arrived is not None and deadline is not None:
            late = max(0, (arrival.first_arrived.date() - deadline).days)
        sid = len(ids) + 1
        ids[path] = sid
        data.rows["submissions"].append(
            {
                "id": sid,
                "period": period.key,
                "kind": kind,
                "department_code": _text(dept_code, redact),
                "department": _text(dept, redact),
                "code": _text(code, redact),
                "name": _text(name, redact),
                "unit": _text(unit, redact),
                "path": _text(path, redact),
                "valid": int(ev is not None),
                "light": ev.light if ev is not None else None,
                "review_state": arrival.review_state,
                "first_arrived": arrival.first_arrived.isoformat() if arrival.first_arrived else None,
                "late_days": late,
                "reported_items": ev.completeness.reported if ev is not None else None,
                "total_items": ev.completeness.total if ev is not None else None,
                "withheld": int(path in withheld),
            }
        )
        return sid

    for model, path, ev in submissions:
        if model is None or hidden(path):
            continue
        kind = "project" if isinstance(model, Project) else "department"
        code = model.code if isinstance(model, Project) else model.department_code
        name = model.name if isinstance(model, Project) else model.department
        sid = add(path, model.period, kind, model.department_code, model.department, code, name, getattr(model, "unit", ""), ev)
        if ev is None or path in withheld:
            continue
        for table in ev.form.tables:
            for position, (label, fig) in enumerate(ev.tables[table.field].items()):
                row: Row = {"submission_id": sid, "budget_table": table.key, "row_label": label, "position": position}
                for name_, _ in _FIGURE_COLUMNS:
                    row[name_] = None if name_ in fig.unreported else _number(getattr(fig, name_))
                row["unreported"] = ",".join(sorted(fig.unreported)) or None
                data.rows["figures"].append(row)
        for position, ind in enumerate(model.indicators, 1):
            lights = ev.indicator_lights
            data.rows["indicators"].append(
                {
                    "submission_id": sid,
                    "position": position,
                    "level1": _text(ind.level1, redact),
                    "level2": _text(ind.level2, redact),
                    "level3": _text(ind.name, redact),
                    "target": _text(F.NOT_REPORTED if "target" in ind.unreported else ind.target.text, redact),
                    "adjusted_target": _text(ind.adjusted_target.text if ind.adjusted_target else None, redact),
                    "result": _text(F.NOT_REPORTED if "result" in ind.unreported else ind.result.text, redact),
                    "expected": _text(F.NOT_REPORTED if "expected" in ind.unreported else ind.expected.text, redact),
                    "likelihood": _text(F.NOT_REPORTED if "likelihood" in ind.unreported else ind.likelihood, redact),
                    "light": lights[position - 1] if position - 1 < len(lights) else None,
                }
            )
    for path, period, kind, dept_code, code, name in invalid:
        if not hidden(path) and path not in ids:
            add(path, period, kind, dept_code, "", code, name, "", None)
    for finding in findings:
        path = Path(os.path.normpath(finding.path)).as_posix()
        if hidden(path):
            continue
        message = None if path in withheld else _text(finding.message, redact)
        data.rows["findings"].append(
            {
                "id": len(data.rows["findings"]) + 1,
                "submission_id": ids.get(path),
                "path": _text(path, redact),
                "line": finding.line,
                "column": finding.column,
                "code": finding.code,
                "severity": finding.severity,
                "message": message,
                "light": finding.light,
            }
        )
    if records is not None:
        _add_records(data, records, hidden, redact, today)
    for entry in history:
        path = entry.path
        if hidden(path) or (entry.old_path and hidden(entry.old_path)):
            continue
        quiet = path in withheld or (entry.old_path or "") in withheld
        data.rows["history"].append(
            {
                "id": len(data.rows["history"]) + 1,
                "submission_id": ids.get(path),
                "path": _text(path, redact),
                "commit_sha": entry.sha,
                "author": _text(entry.author, redact),
                "date": entry.date.isoformat(),
                "status": entry.status,
                "subject": None if quiet else _text(entry.subject, redact),
                "changes": None if quiet else _text("\n".join(c.text() for c in entry.changes) or None, redact),
            }
        )
    return data


def _add_records(
    data: Dataset,
    records: Records,
    hidden: Callable[[str], bool],
    redact: Callable[[str], str],
    today: Callable[[tuple[int, int]], date] | None,
) -> None:
    """The review folder's records, each tied to its submission. A record on a 涉密 project never leaves; one on a
    withheld 部门整体 keeps its keys and dates but no text or amount (they could name or size the 涉密 project)."""
    by_key: dict[tuple[tuple[int, int], str, str], int] = {}
    quiet: set[tuple[tuple[int, int], str]] = set()
    for row in data.rows["submissions"]:
        year, month = (int(x) for x in row["period"].split("-"))
        subject = F.WHOLE_DEPARTMENT if row["kind"] == "department" else row["code"]
        by_key[((year, month), row["department_code"], subject)] = row["id"]
        if row["withheld"]:
            quiet.add(((year, month), row["department_code"]))

    def keep(subject: str, path: str) -> bool:
        """Not a 涉密 project's: neither its file nor its code (the redactor knows every 涉密 code and name)."""
        return not hidden(path) and not hidden(subject) and redact(subject) == subject

    def text(value: str, period: tuple[int, int], department: str, subject: str) -> str | None:
        if subject == F.WHOLE_DEPARTMENT and (period, department) in quiet:
            return None
        return _text(value or None, redact)

    for o in records.opinions:
        if o.legacy or not keep(o.subject, o.path):
            continue
        data.rows["opinions"].append(
            {
                "id": len(data.rows["opinions"]) + 1,
                "submission_id": by_key.get((o.period, o.department_code, o.subject)),
                "period": "{}-{:02d}".format(*o.period),
                "department_code": o.department_code,
                "subject": o.subject,
                "reviewer": o.reviewer_key,
                "unit": _text(o.unit, redact),
                "date": o.date,
                "conclusion": o.conclusion,
                "opinion": text(o.opinion, o.period, o.department_code, o.subject),
                "path": _text(Path(os.path.normpath(o.path)).as_posix(), redact),
                "line": o.line,
            }
        )
    for r in records.rectifications:
        if not keep(r.subject, r.path):
            continue
        day = today(r.period) if today is not None else None
        late = day is not None and r.overdue(day)
        data.rows["rectifications"].append(
            {
                "id": len(data.rows["rectifications"]) + 1,
                "submission_id": by_key.get((r.period, r.department_code, r.subject)),
                "period": "{}-{:02d}".format(*r.period),
                "department_code": r.department_code,
                "subject": r.subject,
                "finding": r.finding or None,
                "problem": text(r.problem, r.period, r.department_code, r.subject),
                "measure": text(r.measure, r.period, r.department_code, r.subject),
                "owner": _text(r.owner or None, redact),
                "deadline": r.deadline,
                "status": r.status,
                "overdue": int(late),
                "overdue_days": (day - date.fromisoformat(r.deadline)).days if late and day is not None else 0,
                "evidence": text("\n".join(r.evidence), r.period, r.department_code, r.subject),
                "path": _text(Path(os.path.normpath(r.path)).as_posix(), redact),
                "line": r.line,
            }
        )
    for a in records.applications:
        if not keep(a.subject, a.path):
            continue
        silent = a.subject == F.WHOLE_DEPARTMENT and (a.period, a.department_code) in quiet
        data.rows["applications"].append(
            {
                "id": len(data.rows["applications"]) + 1,
                "submission_id": by_key.get((a.period, a.department_code, a.subject)),
                "period": "{}-{:02d}".format(*a.period),
                "department_code": a.department_code,
                "subject": a.subject,
                "finding": a.finding or None,
                "kind": a.kind,
                "amount": None if silent else _number(a.amount),
                "document_number": _text(a.document_number or None, redact),
                "date": a.date or None,
                "note": text(a.note, a.period, a.department_code, a.subject),
                "path": _text(Path(os.path.normpath(a.path)).as_posix(), redact),
                "line": a.line,
            }
        )


def _ddl(table: Table) -> str:
    parts = []
    for c in table.columns:
        spec = f'"{c.name}" {c.type}'
        if c.primary:
            spec += " PRIMARY KEY"
        elif c.required:
            spec += " NOT NULL"
        parts.append(spec)
    parts += [f'FOREIGN KEY ("{c.name}") REFERENCES {c.references}' for c in table.columns if c.references]
    return f'CREATE TABLE "{table.name}" (\n  ' + ",\n  ".join(parts) + "\n)"


def write_sqlite(data: Dataset, target: Path) -> Path:
    """The dataset as one SQLite file at `target`, written beside it and renamed: never half a database."""
    target.parent.mkdir(parents=True, exist_ok=True)
    output.refuse_linked_parents(target, target.parent)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        with sqlite3.connect(temporary) as db:
            db.execute("PRAGMA foreign_keys = ON")
            for table in TABLES:
                db.execute(_ddl(table))
                names = table.names
                marks = ", ".join("?" for _ in names)
                columns = ", ".join(f'"{n}"' for n in names)
                rows = ([row.get(n) for n in names] for row in data.rows[table.name])
                db.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', rows)
            for view, (_, select) in VIEWS.items():
                db.execute(f'CREATE VIEW "{view}" AS {select}')
            for index in ("submissions(period)", "figures(submission_id)", "findings(submission_id)", "history(submission_id)"):
                db.execute(f'CREATE INDEX "ix_{index.replace("(", "_").rstrip(")")}" ON {index}')
        db.close()
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(21, os.strerror(21), str(target))
        os.replace(temporary, target)
    except sqlite3.Error as exc:  # the disk filled up under SQLite: the same message as any failed write
        raise OSError(28, str(exc), str(target)) from exc
    finally:
        if temporary.exists():
            temporary.unlink()
    return target


#: UTF-8 with a byte-order mark: Excel opens Chinese text right only with it.
CSV_ENCODING = "utf-8-sig"


def write_csv(data: Dataset, folder: Path) -> list[Path]:
    """One CSV per table (and per view) in `folder`, UTF-8 with BOM, header row of column names."""
    written = []
    tables: list[tuple[str, list[str], list[list[Any]]]] = [
        (t.name, t.names, [[row.get(n) for n in t.names] for row in data.rows[t.name]]) for t in TABLES
    ]
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "views.sqlite"
        write_sqlite(data, probe)
        with sqlite3.connect(probe) as db:
            for view in VIEWS:
                cursor = db.execute(f'SELECT * FROM "{view}"')
                tables.append((view, [d[0] for d in cursor.description], [list(r) for r in cursor.fetchall()]))
        db.close()
    for name, header, rows in tables:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
        path = folder / f"{name}.csv"
        output.write_bytes(path, buffer.getvalue().encode(CSV_ENCODING), owner=folder)
        written.append(path)
    return written


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    """A value for a CSV cell; a text that a spreadsheet would run as a formula (「=HYPERLINK(…)」) gets a leading «'»."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value

"""A new monitoring period from the last one (`docgen new period`, `docgen new roster`): files carried over as drafts.

What a unit knows before the period starts is kept — identity, budget, targets, indicators, the 按进度累计 flags, the
contact block, and every comment (ruamel's round trip, as `docgen fmt`) — and what it must report anew is set to
「未填报」: every fund row's 下达数, 支出数 and 全年预计支出数, every indicator's 指标完成情况, 全年指标预计完成情况 and
完成目标可能性. What belonged to the old period only (偏差原因分析, 备注, 佐证材料, 已审批待支付, the 分析报告 beyond
its 基本情况, 成文日期, 审核意见) is dropped. The result validates as a draft (grey 「未评价」 lights) and is refused by
`build --strict` (E312) until filled, which is issue 14's rule: a carried-over file never claims a figure nobody
reported for the new period.

Pure text in, text out: the caller decides where to write, and writes nothing when any file fails.
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .. import messages as M
from ..form import vocabulary as F
from ..form.forms import FORMS, Form, Profile
from .fmt import _yaml, format_text

#: The amounts a unit reports anew each period (the budget columns 上年结转, 本年预算 are known in advance).
REPORTED_AMOUNTS = ("allocated", "spent", "expected")
#: The indicator columns a unit reports anew each period.
REPORTED_INDICATOR = ("result", "expected", "likelihood")
#: Indicator keys that belong to the period they were written for.
DROPPED_INDICATOR = ("deviation", "remark", "evidence")
#: Top-level keys that belong to the period they were written for.
DROPPED_TOP = ("signed_on", "reviews")
#: The one 分析报告 section that describes the project rather than the period.
KEPT_REPORT = ("基本情况",)


class CarryError(Exception):
    """A source file that cannot be carried over (its YAML does not read): said with its line, nothing written."""

    def __init__(self, line: int, column: int, detail: str) -> None:
        super().__init__(detail)
        self.line, self.column, self.detail = line, column, detail


@dataclass(frozen=True)
class Period:
    """A monitoring period as `docgen new` names it (2025-09)."""

    year: int
    month: int

    @property
    def folder(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return M.label("period", year=self.year, month=self.month)

    def default_deadline(self) -> date:
        """The last day of the month after the period (the demo's 2025-06 is due 2025-07-31): a guess the notes name."""
        year, month = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return date(year, month, calendar.monthrange(year, month)[1])


def _load(text: str) -> Any:
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        raise CarryError(line, column, M.export_label("yaml_unreadable", detail=getattr(exc, "problem", None) or str(exc))) from exc


def _dump(tree: Any, old: Period, new: Period, name: str, profile: Profile | None = None) -> str:
    """The tree as text in `docgen fmt`'s canonical form (a shorter value leaves no gap before its comment)."""
    out = io.StringIO()
    _yaml().dump(tree, out)
    text = _relabel_comments(out.getvalue(), old, new)
    return format_text(Path(name), text, profile).after or text


def _relabel_comments(text: str, old: Period, new: Period) -> str:
    """Comment lines that name the old period (「（2025年1-6月）」 in a scaffold's head) name the new one."""
    if old.label == new.label:
        return text
    pattern = re.compile(re.escape(old.label))
    lines = text.split("\n")
    return "\n".join(pattern.sub(new.label, line) if line.lstrip().startswith("#") else line for line in lines)


def _set(node: CommentedMap, key: str, value: Any) -> None:
    """Set `key` keeping its place and comments when present; appended otherwise."""
    node[key] = value


def _clear_tables(tree: CommentedMap, form: Form) -> None:
    """The amounts reported anew, those the form has a column for (Hubei's has no 下达数)."""
    keys = [F.AMOUNT_FIELDS[name] for name in REPORTED_AMOUNTS if name in form.amounts]
    pending = F.ROW_EXTRA_FIELDS["pending"]
    for table in form.tables:
        rows = tree.get(table.key)
        if not isinstance(rows, CommentedMap):  # 「资金: 未填报」 or missing: stays as it is
            continue
        for row in rows.values():
            if not isinstance(row, CommentedMap):
                continue
            for key in keys:
                _set(row, key, F.NOT_REPORTED)
            if pending in row:
                del row[pending]


def _clear_indicators(tree: CommentedMap, form: Form) -> None:
    """The indicator values reported anew, those the form has a column for (Hubei's has no 全年预计完成情况)."""
    shown = form.indicator_fields
    indicators = tree.get(F.KEYS["indicators"])
    if not isinstance(indicators, CommentedSeq):  # 「绩效指标: 未填报」 stays as it is
        return
    for indicator in indicators:
        if not isinstance(indicator, CommentedMap):
            continue
        for name in REPORTED_INDICATOR:
            if name in shown:
                _set(indicator, F.INDICATOR_FIELDS[name], F.NOT_REPORTED)
        for name in DROPPED_INDICATOR:
            key = F.INDICATOR_FIELDS[name]
            if key in indicator:
                del indicator[key]


def _drop_period_texts(tree: CommentedMap) -> None:
    report = tree.get(F.KEYS["report"])
    if isinstance(report, CommentedMap):
        for key in [k for k in report if k not in KEPT_REPORT]:
            del report[key]
        if not report:
            del tree[F.KEYS["report"]]
    for name in DROPPED_TOP:
        key = F.KEYS[name]
        if key in tree:
            del tree[key]


def carry_submission(text: str, kind: str, old: Period, new: Period, form: Form | None = None, profile: Profile | None = None) -> str:
    """A project's or department's file for the new period: what is known kept, what is reported anew 「未填报」;
    `form` the repository's profile's (the default's when not given): its columns say what is reported, and its
    table-level rows (「偏差或不能完成目标原因分析」) belong to the period they were written for."""
    form = form or FORMS[kind]
    tree = _load(text)
    if not isinstance(tree, CommentedMap):
        raise CarryError(1, 1, M.export_label("carry_not_mapping"))
    _set(tree, F.KEYS["year"], new.year)
    _set(tree, F.KEYS["month"], new.month)
    _clear_tables(tree, form)
    _clear_indicators(tree, form)
    _drop_period_texts(tree)
    for row in form.table_rows:
        if row.key in tree:
            del tree[row.key]
    return _dump(tree, old, new, F.DEPARTMENT_FILE if kind == "department" else "project.yaml", profile)


def carry_roster(text: str, old: Period, new: Period, deadline: date) -> str:
    """The roster for the new period: the same departments, units and expected projects, the new deadline."""
    tree = _load(text)
    if not isinstance(tree, CommentedMap):
        raise CarryError(1, 1, M.export_label("carry_not_mapping"))
    _set(tree, F.KEYS["year"], new.year)
    _set(tree, F.KEYS["month"], new.month)
    _set(tree, F.KEYS["deadline"], DoubleQuotedScalarString(deadline.isoformat()))
    return _dump(tree, old, new, F.ROSTER_FILE)


def roster_from(departments: list[dict[str, Any]], period: Period, deadline: date, schema: str) -> str:
    """A roster listing what a period's folder already holds (departments, their units, their projects)."""
    lines = [
        f"# yaml-language-server: $schema={schema}",
        "# " + M.export_label("roster_head", period=period.label),
        f"{F.KEYS['year']}: {period.year}",
        f"{F.KEYS['month']}: {period.month}",
        f'{F.KEYS["deadline"]}: "{deadline.isoformat()}"',
        f"{F.KEYS['departments']}:",
    ]
    for dept in departments:
        lines += [
            f"  - {F.KEYS['department']}: {_scalar(dept['name'])}",
            f"    {F.KEYS['department_code']}: {_scalar(dept['code'])}",
            f"    {F.KEYS['units']}:",
            *(f"      - {_scalar(unit)}" for unit in dept["units"]),
            f"    {F.KEYS['expected_projects']}:" + ("" if dept["projects"] else " []"),
        ]
        for project in dept["projects"]:
            lines += [
                f"      - {F.KEYS['project_code']}: {_scalar(project['code'])}",
                f"        {F.KEYS['project_name']}: {_scalar(project['name'])}",
                f"        {F.KEYS['unit']}: {_scalar(project['unit'])}",
            ]
            lines += [f"        {F.KEYS[flag]}: true" for flag in ("research", "confidential") if project.get(flag)]
    return "\n".join(lines) + "\n"


def _scalar(value: str) -> str:
    """A text as a double-quoted YAML scalar: a name from a submission can hold anything."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def source_files(period_dir: Path) -> list[Path]:
    """The submissions of a period folder (department folders, one level down), roster excluded, sorted."""
    found: list[Path] = []
    if not period_dir.is_dir():
        return found
    for folder in sorted(period_dir.iterdir()):
        if folder.is_dir() and not folder.is_symlink():
            found += [p for p in sorted(folder.iterdir()) if p.suffix in F.YAML_SUFFIXES and p.is_file() and not p.is_symlink()]
    return found

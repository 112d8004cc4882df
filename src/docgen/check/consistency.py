"""Business rules of forms.md, one small function per rule, each with a stable code.

The rules read the raw data defensively: they run even when the schema found problems, so a clerk
sees every problem in one pass; a value of the wrong type is simply skipped here (the schema
already reported it).
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .. import messages as M
from ..form import indicators, limits
from ..form import vocabulary as F
from ..form.forms import FORMS, Form, Profile
from ..form.model import INDICATOR_VALUES, not_reported, unknown_word
from ..messages import EVIDENCE_OUTSIDE
from ..names import department_folder
from ..workspace import root_of
from .findings import Finding, error, hint, warning
from .load import Document

PERIOD_DIR = re.compile(r"^(\d{4})-(\d{1,2})$")
K = F.KEYS
A = F.AMOUNT_FIELDS
I = F.INDICATOR_FIELDS  # noqa: E741 - K/A/I as in model.py


def _num(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return Decimal(value)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _fund_tables(kind: str) -> list[str]:
    """The keys of the budget tables a kind of file has, in its form's order (none for the roster or rules file)."""
    return [t.key for t in FORMS[kind].tables] if kind in FORMS else []


def _stated_totals(kind: str) -> list[str]:
    """The key of the optional typed 资金总额 (forms' kind stated_total), if the form has one."""
    return [f.key for f in FORMS[kind].fields if f.kind == "stated_total"] if kind in FORMS else []


def _rows(data: dict[str, Any], table: str) -> Iterator[tuple[str, dict[str, Any]]]:
    rows = data.get(table)
    if isinstance(rows, dict):
        for name, row in rows.items():
            if isinstance(row, dict):
                yield name, row


def column_sums(data: dict[str, Any], table: str) -> dict[str, Decimal | None]:
    """Sum of each amount column over the table's rows (only the amounts that are numbers).

    None for a column with a figure stated 「未填报」 in some row: its sum is not known, and nothing is compared to it.
    """
    sums: dict[str, Decimal | None] = {key: Decimal(0) for key in A.values()}
    for _, row in _rows(data, table):
        for key in A.values():
            value, total = row.get(key), sums[key]
            sums[key] = None if total is None or not_reported(value) else total + (_num(value) or Decimal(0))
    return sums


# --- per-file rules ----------------------------------------------------------------------


def check_place(doc: Document, kind: str) -> list[Finding]:
    """submissions/<年>-<月>/<部门代码>[-名称]/<file>: the folders must agree with the content."""
    data, path = doc.data, doc.path
    period_dir = path.parent if kind == "roster" else path.parent.parent
    match = PERIOD_DIR.match(period_dir.name)
    if not match:
        layout = "submissions/<年度>-<月份>/" + ("名单.yaml" if kind == "roster" else "<主管部门代码>-<部门简称>/" + path.name)
        return [error(path, 1, 1, "E308", detail=f"应放在 {layout}，如 submissions/2025-06/101-教育局/")]
    findings = []
    year, month = data.get(K["year"]), data.get(K["month"])
    valid = isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12
    if valid and (year, month) != (int(match[1]), int(match[2])):
        at = doc.position((K["month"],) if year == int(match[1]) else (K["year"],))
        findings.append(
            error(
                path,
                *at,
                "E306",
                directory=period_dir.name,
                dir_period=M.label("period", year=match[1], month=int(match[2])),
                file_period=M.label("period", year=year, month=month),
            )
        )
    if kind != "roster":
        code = data.get(K["department_code"])
        folder = path.parent.name
        if isinstance(code, str) and not (folder == code or folder.startswith(code + "-")):
            findings.append(
                error(path, *doc.position((K["department_code"],)), "E307", directory=folder, dir_code=folder.split("-")[0], file_code=code)
            )
    return findings


def check_decimals(doc: Document, kind: str) -> list[Finding]:
    """Money has at most limits.MAX_MONEY_PLACES decimal places (a fen of a 万元 amount; the forms show two);
    checked on Decimal (a schema multipleOf misjudges floats)."""
    findings = []
    stated = _stated_totals(kind)
    for table in _fund_tables(kind) + stated:
        value = doc.data.get(table)
        rows = [(None, value)] if table in stated else list(_rows(doc.data, table))
        for name, row in rows:
            if not isinstance(row, dict):
                continue
            for key in A.values():
                amount = row.get(key)
                if isinstance(amount, Decimal) and amount.is_finite() and amount.as_tuple().exponent < -limits.MAX_MONEY_PLACES:  # type: ignore[operator]
                    path = (table, name, key) if name else (table, key)
                    findings.append(
                        error(
                            doc.path,
                            *doc.position(path),
                            "E206",
                            field=f"{name or table}·{key}",
                            value=amount,
                            places=limits.MAX_MONEY_PLACES,
                        )
                    )
    return findings


def check_stated_total(doc: Document, kind: str) -> list[Finding]:
    """A 资金总额 typed in must equal the sum of the 其中 rows of the form's first table, column by column."""
    findings = []
    for total in _stated_totals(kind):
        stated = doc.data.get(total)
        if not isinstance(stated, dict):
            continue
        sums = column_sums(doc.data, _fund_tables(kind)[0])
        for key in A.values():
            value = _num(stated.get(key))
            if value is not None and sums[key] is not None and value != sums[key]:
                findings.append(error(doc.path, *doc.position((total, key)), "E301", column=key, stated=value, computed=sums[key]))
    return findings


def check_department_totals(doc: Document, kind: str) -> list[Finding]:
    """A form's budget tables (附件3's two) break down the same money: each one's 资金总额 must agree with the first's."""
    tables = FORMS[kind].tables if kind in FORMS else ()
    first = tables[0] if tables else None
    if first is None or not isinstance(doc.data.get(first.key), dict):
        return []
    a = column_sums(doc.data, first.key)
    findings: list[Finding] = []
    for other in tables[1:]:
        if not isinstance(doc.data.get(other.key), dict):
            continue
        b = column_sums(doc.data, other.key)
        findings.extend(
            error(
                doc.path,
                *doc.position((other.key,), key=True),
                "E302",
                column=key,
                first=first.qualifier or first.title,
                second=other.qualifier or other.title,
                first_sum=a[key],
                second_sum=b[key],
            )
            for key in A.values()
            if a[key] is not None and b[key] is not None and a[key] != b[key]
        )
    return findings


def deviation_reason(item: dict[str, Any], form: Form | None = None) -> str | None:
    """Why an indicator counts as deviating from its target (an answer of the form's scale that requires a reason,
    or a 全年预计 that misses the target), or None when it does not."""
    likelihood = item.get(I["likelihood"])
    answer = (form or FORMS["project"]).likelihood(likelihood) if isinstance(likelihood, str) else None
    if answer is not None and answer.reason:
        return M.label("deviation_likelihood", likelihood=likelihood)
    if form is not None and "expected" not in form.indicator_fields:
        return None
    target = indicators.parse(item.get(I["adjusted_target"]) or item.get(I["target"]))
    expected = indicators.parse(item.get(I["expected"]))
    if indicators.meets(target, expected) is False:
        above = indicators.exceeds(target, expected)
        return M.label("deviation_above" if above else "deviation_expected", expected=expected.text, target=target.text)
    return None


def _indicator_items(doc: Document, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each indicator written as a mapping, with its index; none for a roster or a 绩效指标 that is not a list."""
    items = doc.data.get(K["indicators"])
    if kind == "roster" or not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield index, item


def _written(doc: Document, item: dict[str, Any], at: str, form: Form) -> bool:
    """Whether what goes at `at` is written: an indicator's column (偏差原因分析 whole or any of its parts, 备注), or
    the form's table-level row of that field (「相关建议或举措」)."""
    row = next((t for t in form.table_rows if t.field == at), None)
    if row is not None:
        return bool(_text(doc.data.get(row.key)))
    value = item.get(I[at])
    if isinstance(value, dict):
        return any(_text(part) for part in value.values())
    return bool(_text(value))


def _place_of(form: Form, at: str) -> str:
    """The label of where a reason or measures go: a table-level row's label, else the indicator column's key."""
    row = next((t for t in form.table_rows if t.field == at), None)
    return row.label if row is not None else I[at]


def check_indicators(doc: Document, kind: str, form: Form | None = None) -> list[Finding]:
    """An answer that requires measures needs them (朔州: 完全不可能 in 备注, note 3; Hubei: 有可能 and 不可能 in the
    table-level 「相关建议或举措」); a deviation needs its reason (note 1), where the form puts it (`form`: the form
    the file was filled in on, else its kind's in FORMS)."""
    findings: list[Finding] = []
    if kind == "roster":
        return findings
    form = form or FORMS[kind]
    for index, item in _indicator_items(doc, kind):
        at = (K["indicators"], index)
        likelihood = item.get(I["likelihood"])
        answer = form.likelihood(likelihood) if isinstance(likelihood, str) else None
        if answer is not None and answer.measures and not _written(doc, item, form.measures_at, form):
            where = doc.position((*at, I["likelihood"]))
            if form.measures_at == "remark" and answer.answer == F.IMPOSSIBLE:
                findings.append(error(doc.path, *where, "E304"))
            else:
                findings.append(error(doc.path, *where, "E750", likelihood=answer.answer, where=_place_of(form, form.measures_at)))
        reason = deviation_reason(item, form)
        name = _text(item.get(I["name"])) or f"第{index + 1}项"
        if reason and not _written(doc, item, form.reason_at, form):
            where = doc.position((*at, I["name"]))
            if form.reason_at == "deviation":
                findings.append(error(doc.path, *where, "E305", name=name, reason=reason))
            else:
                findings.append(error(doc.path, *where, "E751", name=name, reason=reason, where=_place_of(form, form.reason_at)))
        if "expected" in form.indicator_fields:
            findings.extend(_likelihood_against_forecast(doc, item, at, name))
    return findings


def _likelihood_against_forecast(doc: Document, item: dict[str, Any], at: tuple[str | int, ...], name: str) -> list[Finding]:
    """W317: 确定能 with a 全年预计 that misses the target (the draft would claim 能够完成); I301: 完全不可能 with a
    全年预计 that meets it. Silent when the two cannot be compared (text, 未填报, units that differ)."""
    likelihood, raw = item.get(I["likelihood"]), item.get(I["expected"])
    if likelihood not in (F.CERTAIN, F.IMPOSSIBLE) or not_reported(raw):
        return []
    target = indicators.parse(item.get(I["adjusted_target"]) or item.get(I["target"]))
    expected = indicators.parse(raw)
    met = indicators.meets(target, expected)
    where = doc.position((*at, I["likelihood"]))
    if likelihood == F.CERTAIN and met is False:
        miss = M.label("expected_above" if indicators.exceeds(target, expected) else "expected_short")
        return [warning(doc.path, *where, "W317", name=name, expected=expected.text, target=target.text, miss=miss)]
    if likelihood == F.IMPOSSIBLE and met is True:
        return [hint(doc.path, *where, "I301", name=name, expected=expected.text, target=target.text)]
    return []


def check_pending(doc: Document, kind: str) -> list[Finding]:
    """W316: 支出数 + 已审批待支付 beyond what the row can pay (安排数, or 下达数 + 上年结转): a pending sum no budget
    covers is a slip (2000 for 20) or an overrun, and W401 credits it only up to 安排数 − 支出数."""
    findings = []
    pending_key = F.ROW_EXTRA_FIELDS["pending"]
    for table in _fund_tables(kind):
        for name, row in _rows(doc.data, table):
            pending, spent = _num(row.get(pending_key)), _num(row.get(A["spent"]))
            carried, allocated = _num(row.get(A["carried_over"])), _num(row.get(A["allocated"]))
            adjusted = _num(row.get(F.ROW_EXTRA_FIELDS["adjusted_budget"]))
            budget = adjusted if adjusted is not None else _num(row.get(A["budget"]))
            if not pending or spent is None or carried is None or budget is None:
                continue
            limits_ = [(M.label("pending_arranged"), carried + budget)]
            if allocated is not None:
                limits_.append((M.label("pending_allocated"), carried + allocated))
            for what, limit in limits_:
                if spent + pending > limit:
                    at = doc.position((table, name, pending_key))
                    findings.append(
                        warning(
                            doc.path, *at, "W316", row=name, spent=_money(spent), pending=_money(pending), what=what, limit=_money(limit)
                        )
                    )
                    break
    return findings


def check_unknown_words(doc: Document, kind: str) -> list[Finding]:
    """W315: an indicator value written 「暂无」, 「—」, 「不详」…: read as 「未填报」 (never as a value), and located so the
    clerk writes 「未填报」 now and the figure later. (A budget figure so written is a schema error with the same hint.)"""
    findings = []
    for index, item in _indicator_items(doc, kind):
        for name in INDICATOR_VALUES:
            value = item.get(I[name])
            if unknown_word(value):
                at = doc.position((K["indicators"], index, I[name]))
                findings.append(warning(doc.path, *at, "W315", field=I[name], value=str(value).strip()))
    return findings


#: A 佐证材料 path as `evidence` looked at it: where (relative to the repository root, "/" between its parts) and what
#: was found on the way (`evidence_state`), the only things its warning was decided from.
Probe = tuple[str, str]


def evidence(doc: Document, kind: str) -> tuple[list[Finding], list[Probe]]:
    """佐证材料 named by a relative path must exist beside the submission (links are not fetched): the warnings, and
    each path looked at with what was found there (`Probe`), so that a kept outcome is trusted only while every
    path still is as it was (`evidence_holds`: the file's bytes alone do not say whether its evidence exists).

    Only ever looked for inside the repository: an absolute path, a `..` that climbs out, or a symlink on the way
    is reported (W309) without probing anything outside, so a submission cannot ask whether some file on the machine
    exists. A `\\` is a separator for both looks (the way and the file), so the file looked for is the one on the way.
    """
    items = doc.data.get(K["indicators"])
    if kind == "roster" or not isinstance(items, list):
        return [], []
    findings: list[Finding] = []
    probes: list[Probe] = []
    root: Path | None = None
    for index, item in enumerate(items):
        entries = item.get(I["evidence"]) if isinstance(item, dict) else None
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, str) or "://" in entry:
                continue
            at = doc.position((K["indicators"], index, I["evidence"], n))
            root = root or evidence_root(doc.path, doc.root)
            folder = root / doc.path.parent if doc.root is not None else doc.path.parent
            target, outside = _inside(folder, entry, root)
            if outside is None:
                state = evidence_state(root, target)
                probes.append((target, state))
                outside = "symlink" if state.endswith("l") else None
                if outside is None and not _found(target, state):
                    findings.append(warning(doc.path, *at, "W306", entry=entry))
            if outside is not None:
                findings.append(warning(doc.path, *at, "W309", entry=entry, reason=EVIDENCE_OUTSIDE[outside]))
    return findings, probes


def evidence_root(path: Path, root: Path | None) -> Path:
    """The repository a file's 佐证材料 paths are looked for in: `root`, else the one `path` is in."""
    return root or repository_root(path)


def repository_root(path: Path) -> Path:
    """The folder holding the submissions/ folder `path` is in (the file's own folder when it is in none)."""
    return root_of(path) or Path(os.path.abspath(path)).parent


def _inside(folder: Path, entry: str, root: Path) -> tuple[str, str | None]:
    """`entry` (relative to `folder`) as a path under `root` ("/" between its parts) and None; or "" and why it is not
    one ("absolute", "escapes"). Decided on the text alone: nothing is looked at."""
    if PurePosixPath(entry).is_absolute() or PureWindowsPath(entry).is_absolute() or PureWindowsPath(entry).drive:
        return "", "absolute"
    target = Path(os.path.normpath(Path(os.path.abspath(folder)) / entry.replace("\\", "/")))
    top = Path(os.path.abspath(root))
    if target != top and top not in target.parents:
        return "", "escapes"
    return target.relative_to(top).as_posix(), None


def evidence_state(root: Path, target: str, seen: dict[str, str] | None = None) -> str:
    """What lstat finds at each step from `root` down to `target` (a path under it, as `_inside` gives it), one
    letter a step, stopping at the first step that is not a folder: d a folder, f a file, l a symlink, o anything
    else, - nothing there (or nothing that can be looked at). A link is never followed, so nothing outside the
    repository is touched. `seen`: the states already found in this pass, by absolute path (the files of a folder
    share the way to it: one lstat a file)."""
    return _state(os.path.abspath(root), target, {} if seen is None else seen)


def _state(base: str, target: str, seen: dict[str, str]) -> str:
    """`evidence_state` under `base` (absolute), the way to the file's folder taken from `seen` when known there,
    else step by step (each step kept in `seen`)."""
    if target == ".":
        return ""
    folder = target.rpartition("/")[0]
    way = seen.get(f"{base}/{folder}") if folder else ""
    if way is None:
        way, step = "", base
        for part in folder.split("/"):
            step = f"{step}/{part}"
            known = seen.get(step)
            if known is None:
                known = seen[step] = way + _kind(step) if way[-1:] in ("", "d") else way
            way = known
    return way + _kind(f"{base}/{target}") if way[-1:] in ("", "d") else way


def _kind(path: str) -> str:
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):  # gone, not a folder on the way, a NUL in the name: nothing there
        return "-"
    return "d" if stat.S_ISDIR(mode) else "l" if stat.S_ISLNK(mode) else "f" if stat.S_ISREG(mode) else "o"


def _found(target: str, state: str) -> bool:
    """Whether `evidence_state` found something at `target` itself (no link on the way: that is W309)."""
    return len(state) == (0 if target == "." else target.count("/") + 1) and not state.endswith("-")


#: The parts of a path that are not a name in a folder (one set test a path on a cache hit, not a call a part).
_NOT_NAMES = frozenset({"", ".", ".."})


def evidence_holds(root: Path, probes: Any, seen: dict[str, str] | None = None) -> bool:
    """Whether each path `evidence` looked at (`probes`, as a cache kept them) is still as it found it: then its
    warnings are the same. Read back, never trusted: a path that is not names under `root` joined by "/" (an empty
    part, `.`, `..` or a backslash) is never looked at, and does not hold."""
    if not isinstance(probes, list):
        return False
    base, seen = os.path.abspath(root), {} if seen is None else seen
    for probe in probes:
        if not (isinstance(probe, list | tuple) and len(probe) == 2 and isinstance(probe[0], str) and isinstance(probe[1], str)):
            return False
        target, state = probe
        if target != "." and ("\\" in target or not _NOT_NAMES.isdisjoint(target.split("/"))):
            return False
        if _state(base, target, seen) != state:
            return False
    return True


_PLACEHOLDER = re.compile(r"^（[^（）]*）$")


def check_placeholders(doc: Document, kind: str) -> list[Finding]:
    """A value still reading 「（指标名称）」 is the scaffold's placeholder: `docgen new` output not yet filled in.

    A warning, not an error: a fresh scaffold is a valid file (so a clerk starts from something that checks),
    and every place still to fill in is listed with its line; `--strict` (CI) refuses them.
    """
    findings: list[Finding] = []

    def walk(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            if "（" in value and _PLACEHOLDER.match(value.strip()):  # no 「（」, no placeholder: most texts, asked in C
                field = next((p for p in reversed(path) if isinstance(p, str)), "")
                findings.append(warning(doc.path, *doc.position(path), "W308", field=field, value=value.strip()))
            return
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            if isinstance(item, dict | list | str):  # numbers, dates and empty entries hold no placeholder
                walk(item, (*path, key))

    walk(doc.data, ())
    return findings


def check_empty_rows(doc: Document, kind: str, form: Form | None = None) -> list[Finding]:
    """A fund row of zeros is usually the scaffold's row for a source (or use) the submission does not have;
    the message names the table's own row heading (the form's), 资金来源 or 支出用途."""
    findings = []
    form = form or FORMS.get(kind)
    headings = {t.key: t.row_heading for t in form.tables} if form is not None else {}
    for table in _fund_tables(kind):
        for name, row in _rows(doc.data, table):
            values = [_num(row.get(key)) for key in A.values()]
            if all(v is not None and v == 0 for v in values):
                position = doc.position((table, name), key=True)
                findings.append(warning(doc.path, *position, "W307", row=name, heading=headings.get(table, "")))
    return findings


def check_all_zero(doc: Document, kind: str) -> list[Finding]:
    """Every amount of every budget table 0: the scaffold's zeros, not a submission (a figure not known is 「未填报」)."""
    values = [_num(row.get(key)) for table in _fund_tables(kind) for _, row in _rows(doc.data, table) for key in A.values()]
    if not values or any(v is None or v != 0 for v in values):
        return []
    table = _fund_tables(kind)[0]
    return [warning(doc.path, *doc.position((table,), key=True), "W310")]


#: Findings that mean the file is an unfilled template (placeholder text, every amount 0): valid as a draft under
#: `validate`, refused by `build`, the hook and CI (api.refusals), never counted as 已提交 on the site.
UNFILLED = frozenset({"W308", "W310"})


def check_line_items(doc: Document, kind: str) -> list[Finding]:
    """明细 break a fund row's money down: their 金额 must add up to the row's 安排数 (上年结转 + 本年预算, the
    调整后预算 where one is recorded) or to its 本年预算 alone; E314 at the 明细 key otherwise."""
    findings = []
    items_key, amount_key = F.ROW_EXTRA_FIELDS["items"], F.LINE_ITEM_FIELDS["amount"]
    for table in _fund_tables(kind):
        for name, row in _rows(doc.data, table):
            items = row.get(items_key)
            if not isinstance(items, list) or not items:
                continue
            amounts = [_num(item.get(amount_key)) if isinstance(item, dict) else None for item in items]
            if any(a is None for a in amounts):
                continue  # the schema reports the item without an amount
            adjusted = _num(row.get(F.ROW_EXTRA_FIELDS["adjusted_budget"]))
            budget = adjusted if adjusted is not None else _num(row.get(A["budget"]))
            carried = _num(row.get(A["carried_over"])) or Decimal(0)
            if budget is None:
                continue
            summed = sum((a for a in amounts if a is not None), Decimal(0))
            if summed not in (budget + carried, budget):
                findings.append(
                    error(
                        doc.path,
                        *doc.position((table, name, items_key), key=True),
                        "E314",
                        row=name,
                        summed=_money(summed),
                        arranged=_money(budget + carried),
                        budget=_money(budget),
                    )
                )
    return findings


def _money(value: Decimal) -> str:
    """An amount in a message: two decimals, more only when the amount has them (0.008 stays 0.008)."""
    exponent = value.as_tuple().exponent
    return f"{value:.2f}" if not isinstance(exponent, int) or exponent >= -2 else format(value.normalize(), "f")


FILE_RULES: tuple[Callable[..., list[Finding]], ...] = (
    check_place,
    check_placeholders,
    check_all_zero,
    check_empty_rows,
    check_decimals,
    check_stated_total,
    check_department_totals,
    check_line_items,
    check_indicators,
    check_unknown_words,
    check_pending,
)


#: The rules that read the form the file is filled in on (its likelihood scale, its tables): given it as well.
FORM_RULES: frozenset[Callable[..., list[Finding]]] = frozenset({check_empty_rows, check_indicators})


def file_rules(doc: Document, kind: str, profile: Profile | None = None) -> list[Finding]:
    """The E3xx rules that need only one file; `profile` is the repository's (None: the default), whose form of
    `kind` the rules in FORM_RULES read."""
    form = profile.forms.get(kind) if profile is not None else None
    return [finding for rule in FILE_RULES for finding in (rule(doc, kind, form) if rule in FORM_RULES else rule(doc, kind))]


# --- rules across files --------------------------------------------------------------------


def _period_dir(kind: str, doc: Document) -> Path:
    return _period_folder(os.path.dirname(str(doc.path)), kind == "roster")


def _period_name(doc: Document) -> str:
    """A project's `_period_dir` as text: a key that hashes in C (a Path hashes in Python: three rules ask of 10,000
    files)."""
    return _period_text(str(doc.path).rpartition(os.sep)[0])  # its folder: a path as a Path gives it has no trailing separator


@functools.lru_cache(maxsize=4096)
def _period_text(folder: str) -> str:
    return str(_period_folder(folder, False))


@functools.lru_cache(maxsize=4096)
def _period_folder(folder: str, roster: bool) -> Path:
    """`_period_dir` by the file's folder: one Path a folder, not two a file (three rules ask of 10,000 files: ~0.05 s)."""
    return Path(folder) if roster else Path(folder).parent


def check_duplicate_codes(documents: list[tuple[str, Document]]) -> list[Finding]:
    """Within one period, a project code names one project file."""
    seen: dict[tuple[str, str], Document] = {}
    findings = []
    project_code = K["project_code"]
    for kind, doc in documents:
        if kind != "project":
            continue
        code = doc.data.get(project_code)
        if not isinstance(code, str):
            continue
        key = (_period_name(doc), code)
        if key in seen:
            findings.append(error(doc.path, *doc.position((K["project_code"],)), "E309", code=code, other=seen[key].path))
        else:
            seen[key] = doc
    return findings


def check_roster_codes(documents: list[tuple[str, Document]]) -> list[Finding]:
    """A department code listed twice in a roster would make its projects ambiguous: report the repeats. So would two
    departments whose outputs share a folder (names.department_folder: code 「106」 named 「1-文化局」 and code
    「106-1」 named 「文化局」 both write 106-1-文化局/, one's 报送包 over the other's): E315."""
    findings = []
    for kind, doc in documents:
        if kind != "roster" or not isinstance(doc.data.get(K["departments"]), list):
            continue
        seen = set()
        folders: dict[str, tuple[str, str]] = {}
        for index, dept in enumerate(doc.data[K["departments"]]):
            code = dept.get(K["department_code"]) if isinstance(dept, dict) else None
            # where, only when said: a roster's position tables (10,000 projects) are built when first asked for
            at = functools.partial(doc.position, (K["departments"], index, K["department_code"]))
            if isinstance(code, str) and code in seen:
                findings.append(error(doc.path, *at(), "E310", code=code))
            seen.add(code)
            name = dept.get(K["department"]) if isinstance(dept, dict) else None
            if not isinstance(code, str) or not isinstance(name, str):
                continue
            folder = department_folder(code, name)
            other = folders.setdefault(folder, (code, name))
            if other[0] != code:
                said = {"code": code, "name": name, "other_code": other[0], "other_name": other[1], "folder": folder}
                findings.append(error(doc.path, *at(), "E315", **said))
    return findings


def roster_projects(roster: Document) -> dict[str, dict[str, Any]]:
    """Project code -> its roster entry (with the department code added)."""
    out = {}
    for dept in roster.data.get(K["departments"], []):
        for project in dept.get(K["expected_projects"], []):
            out[project[K["project_code"]]] = {**project, K["department_code"]: dept[K["department_code"]]}
    return out


def check_against_roster(
    documents: list[tuple[str, Document]], rosters: dict[Path, Document], broken: dict[Path, Finding] | None = None
) -> list[Finding]:
    """Each project is on its period's roster (its flags are compared by the monitoring rule W413).

    A roster that is there but broken (`broken`: its folder -> its first problem) is said to be broken, where it is.
    """
    findings = []
    broken = broken or {}
    # by the period folder's text (a Path hashes and compares in Python: 10,000 files)
    entries = {str(period): (roster, roster_projects(roster)) for period, roster in rosters.items()}
    project_code, confidential = K["project_code"], K["confidential"]
    for kind, doc in documents:
        if kind != "project":
            continue
        roster, listed = entries.get(_period_name(doc), (None, {}))
        if roster is None:
            period = _period_dir(kind, doc)
            problem = broken.get(period)
            if problem is not None:
                findings.append(warning(doc.path, 1, 1, "W314", roster=problem.path, line=problem.line, column=problem.column))
            elif PERIOD_DIR.match(period.name):
                findings.append(warning(doc.path, 1, 1, "W304", roster=period / F.ROSTER_FILE))
            continue
        code = doc.data.get(project_code)
        if not isinstance(code, str):
            continue
        entry = listed.get(code)
        if entry is None:
            findings.append(warning(doc.path, *doc.position((project_code,)), "W302", code=code, roster=roster.path))
        elif (doc.data.get(confidential) is True) != (entry.get(confidential) is True):  # E311 (_confidential_flags)
            findings.extend(_confidential_flags(doc, roster, code, entry))
    return findings


def _flag(value: Any) -> bool:
    return value is True


def _confidential_flags(doc: Document, roster: Document, code: str, entry: dict[str, Any]) -> list[Finding]:
    """E311: 涉密 as the file says and as the roster says must agree (either one makes the project confidential)."""
    mine, theirs = _flag(doc.data.get(K["confidential"])), _flag(entry.get(K["confidential"]))
    if mine == theirs:
        return []
    where: tuple[Any, ...] = ()
    for d_index, dept in enumerate(roster.data.get(K["departments"], [])):
        for p_index, project in enumerate(dept.get(K["expected_projects"], []) if isinstance(dept, dict) else []):
            if isinstance(project, dict) and project.get(K["project_code"]) == code:
                where = (K["departments"], d_index, K["expected_projects"], p_index)
    key = (*where, K["confidential"]) if K["confidential"] in entry else (*where, K["project_code"])
    line, column = roster.position(key)
    at = doc.position((K["confidential"],)) if K["confidential"] in doc.data else doc.position((K["project_code"],))
    shown = {True: "true", False: "false"}
    return [error(doc.path, *at, "E311", file_value=shown[mine], roster=roster.path, line=line, column=column, roster_value=shown[theirs])]


def check_monitored_count(documents: list[tuple[str, Document]], rosters: dict[Path, Document]) -> list[Finding]:
    """A 部门整体's 监控项目数, where stated, against the roster's projects of the department (W311) and the
    projects the department has submitted among the files checked (W312, only when more were submitted than stated:
    fewer may simply not be in yet, or not be among the files named)."""
    findings = []
    submitted: dict[tuple[str, str], set[str]] = {}
    project_code, department_code = K["project_code"], K["department_code"]
    for kind, doc in documents:
        if kind != "project":
            continue
        code, dept = doc.data.get(project_code), doc.data.get(department_code)
        if isinstance(code, str) and isinstance(dept, str):
            submitted.setdefault((_period_name(doc), dept), set()).add(code)
    for kind, doc in documents:
        if kind != "department":
            continue
        stated, dept = doc.data.get(F.MONITORED_PROJECTS), doc.data.get(department_code)
        if not isinstance(stated, int) or isinstance(stated, bool) or not isinstance(dept, str):
            continue
        at = doc.position((F.MONITORED_PROJECTS,))
        period = _period_dir(kind, doc)
        roster = rosters.get(period)
        if roster is not None:
            listed = [
                d.get(K["expected_projects"])
                for d in roster.data.get(K["departments"], [])
                if isinstance(d, dict) and d.get(K["department_code"]) == dept
            ]
            if listed and isinstance(listed[0], list) and len(listed[0]) != stated:
                findings.append(warning(doc.path, *at, "W311", stated=stated, roster=roster.path, listed=len(listed[0])))
        count = len(submitted.get((str(period), dept), ()))
        if count > stated:
            findings.append(warning(doc.path, *at, "W312", stated=stated, submitted=count))
    return findings


def cross_file_rules(
    documents: list[tuple[str, Document]], rosters: dict[Path, Document], broken: dict[Path, Finding] | None = None
) -> list[Finding]:
    """The E3xx rules that need all files together (duplicate codes, the roster, a department's stated count)."""
    return (
        check_duplicate_codes(documents)
        + check_roster_codes(documents)
        + check_against_roster(documents, rosters, broken)
        + check_monitored_count(documents, rosters)
    )

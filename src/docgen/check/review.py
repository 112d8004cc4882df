"""The rules of the review folder's files (审核意见, 整改, 结果应用) beyond their schema, each at its line.

The schema gives the shape; these say what a schema cannot: that the file is where its content says (period folder,
reviewer and department in its name), that a subject is a project code or 部门整体, that a finding named is one
docgen knows, and (across files, `overdue`) which 整改 items are past their deadline on the reference date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .. import messages as M
from ..form import limits
from ..form import review as RV
from ..form import vocabulary as F
from .findings import Finding, error, warning
from .load import Document
from .rulebook import DECLARATIONS

R = F.REVIEW_KEYS
PERIOD_DIR = re.compile(r"^(\d{4})-(\d{1,2})$")
FINDING_CODE = re.compile(r"^[EWI][0-9]{3}$")
_LISTS = {"review": R["opinions"], "rectification": R["rectifications"], "application": R["applications"]}
_PREFIX = {"rectification": F.RECTIFICATION_PREFIX, "application": F.APPLICATION_PREFIX}


def list_key(kind: str) -> str:
    """The key of the one list a review-folder file holds."""
    return _LISTS[kind]


def item_lines(doc: Document, kind: str) -> list[int]:
    """The line of each item of the file's list, for findings and for the site's links."""
    items = doc.data.get(_LISTS[kind]) if isinstance(doc.data, dict) else None
    count = len(items) if isinstance(items, list) else 0
    return [doc.position((_LISTS[kind], i))[0] for i in range(count)]


def file_rules(doc: Document, kind: str) -> list[Finding]:
    """Everything about one review-folder file that needs only the file itself."""
    data = doc.data if isinstance(doc.data, dict) else {}
    return _place(doc, kind, data) + _items(doc, kind, data)


def _place(doc: Document, kind: str, data: dict[str, Any]) -> list[Finding]:
    path = doc.path
    findings = []
    match = PERIOD_DIR.match(path.parent.parent.name)
    year, month = data.get(R["year"]), data.get(R["month"])
    if match is None:
        findings.append(error(path, 1, 1, "E308", detail=M.review_text("layout", folder=F.REVIEW_FOLDER, name=path.name)))
    elif isinstance(year, int) and isinstance(month, int) and (year, month) != (int(match[1]), int(match[2])):
        at = doc.position((R["month"],) if year == int(match[1]) else (R["year"],))
        findings.append(
            error(
                path,
                *at,
                "E306",
                directory=path.parent.parent.name,
                dir_period=M.label("period", year=match[1], month=int(match[2])),
                file_period=M.label("period", year=year, month=month),
            )
        )
    code = data.get(R["department_code"])
    stem = path.stem
    if kind in _PREFIX:
        named = stem[len(_PREFIX[kind]) :]
        reviewer_ok = True
    else:
        who = RV.reviewer_of(stem)
        named = who[1] if who else ""
        reviewer_ok = who is not None and who[0] in (F.BUREAU, who[1])
    if not reviewer_ok or not named:
        findings.append(error(path, 1, 1, "E601", name=path.name, layout=M.review_text(f"name_{kind}")))
    elif isinstance(code, str) and code != named:
        findings.append(error(path, *doc.position((R["department_code"],)), "E602", name=path.name, named=named, code=code))
    return findings


def _items(doc: Document, kind: str, data: dict[str, Any]) -> list[Finding]:
    items = data.get(_LISTS[kind])
    if not isinstance(items, list):
        return []
    findings = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        subject = item.get(R["subject"])
        if isinstance(subject, str) and subject != F.WHOLE_DEPARTMENT and not re.fullmatch(limits.CODE_PATTERN, subject):
            findings.append(
                error(doc.path, *doc.position((_LISTS[kind], i, R["subject"])), "E603", value=subject[:40], whole=F.WHOLE_DEPARTMENT)
            )
        code = item.get(R["finding"])
        if isinstance(code, str) and (not FINDING_CODE.match(code) or not _known(code)):
            findings.append(error(doc.path, *doc.position((_LISTS[kind], i, R["finding"])), "E604", value=code[:40]))
        when = item.get(R["date"])
        if kind == "review" and isinstance(subject, str) and isinstance(when, str):
            key = (subject, when, str(item.get(R["conclusion"])))
            if key in seen:
                at = doc.position((_LISTS[kind], i))
                findings.append(warning(doc.path, *at, "W603", subject=subject, date=when, first=seen[key]))
            else:
                seen[key] = doc.position((_LISTS[kind], i))[0]
    return findings


#: A code owner as GitHub, GitLab and Gitee read one: @user, @org/team (nested groups on GitLab), or an e-mail address.
OWNER = re.compile(r"^(@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*|[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$")


def roster_rules(doc: Document) -> list[Finding]:
    """E606 for a reviewer that is no code owner: one with a space or a # would break (or add lines to) CODEOWNERS."""
    data = doc.data if isinstance(doc.data, dict) else {}
    places: list[tuple[tuple[str | int, ...], Any]] = []
    bureau = data.get(F.BUREAU_REVIEWERS)
    if isinstance(bureau, list):
        places += [((F.BUREAU_REVIEWERS, i), v) for i, v in enumerate(bureau)]
    departments = data.get(F.KEYS["departments"])
    for d, dept in enumerate(departments if isinstance(departments, list) else []):
        named = dept.get(F.ROSTER_REVIEWERS) if isinstance(dept, dict) else None
        if isinstance(named, list):
            places += [((F.KEYS["departments"], d, F.ROSTER_REVIEWERS, i), v) for i, v in enumerate(named)]
    return [
        error(doc.path, *doc.position(at), "E606", value=value[:40])
        for at, value in places
        if isinstance(value, str) and not OWNER.fullmatch(value)
    ]


def overdue(items: list[RV.Rectification], today: date) -> list[Finding]:
    """W601 for each 整改 item not finished whose deadline is before `today` (never the wall clock: the caller
    gives the period's end or SOURCE_DATE_EPOCH's date)."""
    return [
        warning(
            r.path,
            r.line,
            1,
            "W601",
            subject=r.subject,
            problem=_short(r.problem),
            deadline=r.deadline,
            today=today.isoformat(),
            status=r.status,
        )
        for r in items
        if r.overdue(today)
    ]


def against_roster(
    items: list[tuple[str, int, str, str, tuple[int, int]]], listed: dict[tuple[tuple[int, int], str], set[str]]
) -> list[Finding]:
    """W602 for an opinion, 整改 item or record about a project its period's roster does not list for that
    department (a typo in the code would otherwise leave it attached to nothing)."""
    out = []
    for path, line, department, subject, period in items:
        codes = listed.get((period, department))
        if codes is None or subject == F.WHOLE_DEPARTMENT or subject in codes:
            continue
        out.append(warning(path, line, 1, "W602", subject=subject, code=department))
    return out


def _known(code: str) -> bool:
    """A code docgen gives: a message (E1xx-E6xx, W3xx, W6xx) or a monitoring rule (W4xx, I4xx)."""
    return M.known_code(code) or code in DECLARATIONS


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"

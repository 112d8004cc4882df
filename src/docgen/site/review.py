"""The review loop on the status site: each submission's review state, the opinions, the 整改台账 and 结果应用.

Computed once per site from the check's records (evaluate/review.py) and git (history/review_state.py), then read
by the templates through the globals registered in generate.write_sources. 涉密 projects are never listed (the
planner has dropped them; records naming a 涉密 code are skipped here too, and every page passes the redactor).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..evaluate.review import Records
from ..form import review as RV
from ..form import vocabulary as F
from ..form.model import Period
from ..history import review_state
from ..render import dates


@dataclass
class ReviewView:
    """What the pages show of the review loop."""

    records: Records = field(default_factory=Records)
    states: dict[str, review_state.ReviewState] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()  # 涉密 codes: their records are never listed

    def state(self, entry: Any) -> review_state.ReviewState | None:
        """The review state of a site entry (None while not submitted)."""
        return self.states.get(Path(entry.path).as_posix()) if getattr(entry, "path", None) is not None else None

    def returned(self, view: Any) -> list[tuple[Any, Any, review_state.ReviewState]]:
        """(department view, entry, state) of each returned submission of a period, in page order."""
        out = []
        for dept in view.departments:
            for entry in [dept.overall, *dept.projects]:
                state = self.state(entry)
                if state is not None and state.returned:
                    out.append((dept, entry, state))
        return out

    def opinions(self, entry: Any) -> tuple[RV.Opinion, ...]:
        state = self.state(entry)
        return state.opinions if state is not None else ()

    def ledger(self, period: Period, department: str | None = None) -> list[tuple[RV.Rectification, bool]]:
        """The 整改 items of a period (one department's, or the city's), each with whether it is overdue."""
        today = dates.document_date(period).date()
        items = self.records.rectifications_of((period.year, period.month), department)
        return [(r, r.overdue(today)) for r in items if r.subject not in self.hidden]

    def applications(self, period: Period, department: str | None = None) -> list[RV.Application]:
        items = self.records.applications_of((period.year, period.month), department)
        return [a for a in items if a.subject not in self.hidden]

    def overdue_count(self, period: Period) -> int:
        return sum(1 for _, late in self.ledger(period) if late)

    def subject(self, view: Any, record: Any) -> tuple[Any, Any]:
        """(department view, entry) a record is about on a period's pages, either None when the site does not show it."""
        for dept in view.departments:
            if dept.code != record.department_code:
                continue
            if record.subject == F.WHOLE_DEPARTMENT:
                return dept, dept.overall
            return dept, next((e for e in dept.projects if e.code == record.subject), None)
        return None, None

    def judged_on(self, period: Period) -> date:
        """The day 整改 deadlines are judged against: the period's last day (SOURCE_DATE_EPOCH's when set)."""
        return dates.document_date(period).date()

    def overdue(self, view: Any) -> list[OverdueItem]:
        """The overdue 整改 items of a period page's view, each named by its project (or 部门整体) where the site shows
        it, with the days past its deadline on the period's last day (the bureau's dashboard lists them by name)."""
        today = self.judged_on(view.period)
        out = []
        for item, late in self.ledger(view.period):
            if not late:
                continue
            dept, entry = self.subject(view, item)
            days = (today - date.fromisoformat(item.deadline)).days
            out.append(OverdueItem(item, days, dept, entry))
        return sorted(out, key=lambda o: (-o.days, o.item.department_code, o.item.subject))


@dataclass(frozen=True)
class OverdueItem:
    """One overdue 整改 item as the dashboard lists it: the record, its days overdue, and the page it is about."""

    item: RV.Rectification
    days: int
    department: Any = None  # the site's DepartmentView, None when the department is not on the period's pages
    entry: Any = None  # the project's (or 部门整体's) Entry, None when the site does not show it


def review_view(root: Path, result: Any, hidden: set[str]) -> ReviewView:
    """The review view of a check result: its records, and each valid submission's state from git."""
    records: Records = getattr(result, "records", None) or Records()
    submissions = [*getattr(result, "projects", []), *getattr(result, "departments", [])]
    states = review_state.states([s for s in submissions if not getattr(s, "confidential", False)], records, review_state.read_main(root))
    return ReviewView(records, states, frozenset(hidden))


def subject_label(subject: str) -> str:
    """How a record's subject reads in a table: the code, or 部门整体."""
    return subject if subject != F.WHOLE_DEPARTMENT else F.WHOLE_DEPARTMENT

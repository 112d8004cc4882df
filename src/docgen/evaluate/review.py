"""The review records of a check (审核意见, 整改, 结果应用) and what the opinions say about each submission.

Read from the review folder's files (form/review.py), never from the units' files; a unit's own 审核意见 (the old
place) still counts for a submission no review file speaks of. What git adds (已报送 or still a 草稿, when it first
reached the main branch) is history/review_state.py; what is here needs no git, so the bundles (render/) can leave
a 退回 submission out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..form import review as RV
from ..form import vocabulary as F
from ..form.model import Department, Project

Submission = Project | Department
Key = tuple[tuple[int, int], str, str]  # (period, department code, subject: 项目代码 or 部门整体)


def subject_of(submission: Submission) -> str:
    """What an opinion names a submission by: its 项目代码, or 部门整体."""
    return submission.code if isinstance(submission, Project) else F.WHOLE_DEPARTMENT


def key_of(submission: Submission) -> Key:
    """The key opinions and records find a submission by: period, department, subject."""
    return ((submission.period.year, submission.period.month), submission.department_code, subject_of(submission))


@dataclass
class Records:
    """Every valid review-folder record of a check, by kind."""

    opinions: list[RV.Opinion] = field(default_factory=list)
    rectifications: list[RV.Rectification] = field(default_factory=list)
    applications: list[RV.Application] = field(default_factory=list)

    def add(self, kind: str, data: dict[str, Any], path: str, lines: list[int]) -> None:
        """Add the records of one valid file of `kind` (form/review.KINDS)."""
        if kind == "review":
            self.opinions += RV.opinions_from(data, path, lines)
        elif kind == "rectification":
            self.rectifications += RV.rectifications_from(data, path, lines)
        else:
            self.applications += RV.applications_from(data, path, lines)

    def opinions_on(self, submission: Submission) -> list[RV.Opinion]:
        """The opinions on one submission, oldest first: the review files', else the unit's own 审核意见."""
        if not self.opinions and not submission.reviews:  # none at all (no review file, none of its own): asked of
            return []  # each of 10,000 projects by a build's two processes (~35 ms each to find none)
        key = key_of(submission)
        found = [o for o in self.opinions if (o.period, o.department_code, o.subject) == key]
        if not found:
            found = [_legacy(submission, i) for i in range(len(submission.reviews))]
        return sorted(found, key=lambda o: (o.date, o.path, o.line))

    def conclusion(self, submission: Submission) -> str | None:
        """通过, 退回修改 or None (no opinion yet): form/review.conclusion over `opinions_on`."""
        return RV.conclusion(self.opinions_on(submission))

    def returned(self, submission: Submission) -> bool:
        """Whether the submission stands returned (退回修改): left out of its department's bundle until it passes."""
        return self.conclusion(submission) == F.REVIEW_CONCLUSIONS[1]

    def return_reason(self, submission: Submission) -> str:
        """The latest returning opinion's text, for 目录.txt, the feedback letter and the site."""
        returning = [o for o in self.opinions_on(submission) if o.returned]
        return returning[-1].opinion if returning else ""

    def rectifications_of(self, period: tuple[int, int] | None = None, department: str | None = None) -> list[RV.Rectification]:
        return [
            r
            for r in self.rectifications
            if (period is None or r.period == period) and (department is None or r.department_code == department)
        ]

    def applications_of(self, period: tuple[int, int] | None = None, department: str | None = None) -> list[RV.Application]:
        return [
            a
            for a in self.applications
            if (period is None or a.period == period) and (department is None or a.department_code == department)
        ]

    def overdue(self, today: date, period: tuple[int, int] | None = None) -> list[RV.Rectification]:
        """The unfinished 整改 items past their deadline on `today` (never the wall clock)."""
        return [r for r in self.rectifications_of(period) if r.overdue(today)]


def _legacy(submission: Submission, index: int) -> RV.Opinion:
    """The unit's own 审核意见 number `index`, as an opinion (its reviewer is its 审核单位)."""
    review = submission.reviews[index]
    return RV.Opinion(
        period=(submission.period.year, submission.period.month),
        department_code=submission.department_code,
        subject=subject_of(submission),
        conclusion=review.conclusion,
        opinion=review.opinion,
        date=str(review.date),
        reviewer=review.reviewer,
        reviewer_key=review.unit,
        unit=review.unit,
        path=str(submission.path),
        line=1,
        legacy=True,
    )

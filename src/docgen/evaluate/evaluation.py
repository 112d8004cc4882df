"""The evaluate stage's record: one `Evaluation` per submission, made once between checking and output.

It holds the typed model, every budget table's figures (computed once, by figures.tables, with every ratio rounded
once there), the period's time progress, and — once the monitoring rules have run (monitor.analyse) — the findings
and lights. summary.json, the 汇总表, the renderers, the drafts, the site and the diff read it; none recomputes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..check.findings import Finding
from ..check.ruleset import BLUE, NONE, RED, YELLOW
from ..form import vocabulary as F
from ..form.forms import Form, form_of
from ..form.model import Department, Project
from . import figures as compute

Submission = Project | Department

#: the roles of the likelihood answers (form/forms.py Likelihood.role), in the 汇总表's order of columns
LIKELY_ROLES = ("certain", "possible", "impossible")


@dataclass
class Evaluation:
    """One submission evaluated: its figures, and what monitoring found in it (its findings and its lights)."""

    submission: Submission
    computed: compute.Tables | None = field(default=None, repr=False, compare=False)  # `tables`, once asked for
    findings: list[Finding] = field(default_factory=list)
    light: str | None = None  # worst of its lights; None when nothing was monitored (科研类, exempt)
    indicator_lights: tuple[str | None, ...] = ()  # in the order of the file's 绩效指标
    row_lights: dict[str, dict[str, str | None]] = field(default_factory=dict)  # table key -> row label -> light
    exempt: bool = False
    completeness: compute.Completeness = field(default_factory=lambda: compute.Completeness(0, 0))  # set by evaluate()

    @property
    def tables(self) -> compute.Tables:
        """Budget table (model attribute) -> row label (资金总额 first) -> Figures: computed on first use, then kept.

        On first use, not in `evaluate`: when the monitoring ran in worker processes (monitor.analyse), `docgen
        validate` needs only the findings, and computing every table again in the parent cost ~0.15 s a 1,000 files."""
        if self.computed is None:
            self.computed = compute.tables(self.submission)
        return self.computed

    @property
    def form(self) -> Form:
        return form_of(self.submission)

    @property
    def headline(self) -> compute.Figures:
        """The 资金总额 row of the first budget table: what dashboards, drafts and roll-ups show for a submission."""
        return next(iter(self.tables.values()))[F.TOTAL_ROW]

    @property
    def time_progress(self) -> Decimal:
        return self.headline.time_progress

    def table_rows(self) -> list[tuple[str, compute.Table, dict[str, Any]]]:
        """(YAML key, figures, the rows the submission wrote) for each budget table, in the form's order."""
        sub = self.submission
        return [(t.key, self.tables[t.field], sub.tables[t.field]) for t in self.form.tables]

    @property
    def path(self) -> str:
        return str(self.submission.path)

    @property
    def confidential(self) -> bool:
        return self.submission.confidential

    def counts(self) -> dict[str, int]:
        """Findings per light (red, yellow, blue) and hints (none)."""
        counter = Counter(f.light or NONE for f in self.findings)
        return {light: counter.get(light, 0) for light in (RED, YELLOW, BLUE, NONE)}

    def likelihoods(self) -> dict[str, int]:
        counter = Counter(i.likelihood for i in self.submission.indicators)
        return {name: counter.get(name, 0) for name in self.form.answers}

    def likely_by_role(self) -> list[int]:
        """The indicators judged certain, possible and impossible (the 汇总表's three columns), by the answers' roles:
        「完全不可能」 and 「不可能」 alike, whatever the profile calls them."""
        likely = self.likelihoods()
        return [sum(likely[lk.answer] for lk in self.form.likelihoods if lk.role == role) for role in LIKELY_ROLES]

    def as_dict(self) -> dict[str, Any]:
        sub = self.submission
        return {
            "path": Path(self.path).as_posix(),
            "kind": sub.kind,
            "period": sub.period.key,
            "department_code": sub.department_code,
            "department": sub.department,
            "name": sub.name,
            "code": getattr(sub, "code", None),
            "research": sub.research,
            "confidential": sub.confidential,
            "exempt": self.exempt,
            "light": self.light or NONE,
            "counts": self.counts(),
            "completeness": self.completeness.as_dict(),
            "likelihoods": self.likelihoods(),
            "indicators": [
                {"name": i.name, "light": light or NONE} for i, light in zip(sub.indicators, self.indicator_lights, strict=True)
            ],
            "rows": {table: {row: light or NONE for row, light in rows.items()} for table, rows in self.row_lights.items()},
            "findings": [f.as_dict() for f in self.findings],
        }


def evaluate(submission: Submission) -> Evaluation:
    """A submission's record: its figures are computed once, when first read (`Evaluation.tables`); monitor.analyse
    adds the findings and lights."""
    return Evaluation(submission, completeness=compute.completeness(submission))

"""The project page's comparison of the approved targets (批复目标) with the reported ones, row by row.

evaluate/targets.py compares; this only lays its result out for the template: one row per indicator with both values
and what it comes to (一致, 目标与批复不一致, 已按目标调整记录调整 with the record). 涉密 projects have no page, and
their comparisons are never handed to the site (generate.site).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import messages as M
from ..evaluate import targets as TG


@dataclass(frozen=True)
class Row:
    """One indicator: its name (「old → new」 when renamed), both 年度指标值 and the verdict."""

    name: str
    approved: str
    reported: str
    verdict: str
    differs: bool  # an unjustified difference (the page marks it)


def rows(comparison: TG.Comparison) -> list[Row]:
    """The rows of the project page's table, in the comparison's order (approved indicators, then those added)."""
    missing = M.targets_text("site_missing")
    out = []
    for approved, reported, change in comparison.rows:
        name = approved.name if approved is not None else reported.name if reported is not None else ""
        if change is not None and change.renamed:
            name = f"{change.name} → {change.renamed}"
        if change is None:
            verdict = M.targets_text("site_same")
        else:
            verdict = M.targets_text("justified" if change.justified else "unjustified")
            if change.record is not None:
                verdict += M.targets_text("record", number=change.record.document_number, date=change.record.date)
        out.append(
            Row(
                name,
                approved.target if approved is not None else missing,
                TG.reported_value(reported) if reported is not None else missing,
                verdict,
                change is not None and not change.justified,
            )
        )
    return out

"""提示: notes that colour nothing. I401: a 科研类 project is not monitored during the year; I402: what was not
reported (「未填报」) and so not evaluated."""

from __future__ import annotations

from ...form import vocabulary as F
from ...form.forms import form_of
from ...messages import UNREPORTED as U
from ..run import SUBMISSION, Run, implements

K, A, I = F.KEYS, F.AMOUNT_FIELDS, F.INDICATOR_FIELDS  # noqa: E741 - as in model.py


@implements("I401")
def research_exemption(run: Run) -> None:
    """I401: the rules marked 科研类豁免 were skipped for a 科研类 project in months 1–11; say which, instead of warnings."""
    if not run.exempt:
        return
    info = run.ruleset.active("I401", False)  # a note about the exemption is never itself exempt
    if info is None:
        return
    skipped = run.ruleset.exempted()
    run.hit(
        info,
        info.light,
        SUBMISSION,
        (F.KEYS["research"],),
        key=True,
        note=True,
        count=len(skipped),
        rules="、".join(r.name for r in skipped),
    )


@implements("I402")
def not_reported(run: Run) -> None:
    """I402: each figure, indicator value, budget table or 绩效指标 block stated 「未填报」, and what it kept from a light.

    The rules skip what is not reported (its ratios are None, figures.py); this note says so at its line, and the
    engine gives what it concerns the grey light 「未评价」 instead of a green that nothing earned.
    """
    info = run.ruleset.active("I402", False)
    if info is None:
        return
    sub = run.sub
    for row in run.rows:
        typed = [A[name] for name in A if name in row.figures.unreported]
        if not typed:
            continue
        if row.total and row.table in _unreported_keys(run):
            what = U["table"].format(table=row.table)
            run.hit(info, info.light, row.subject, row.at, key=True, note=True, what=what, skipped=U["skipped_row"])
        elif not row.total:
            what = U["row"].format(table=row.table, row=row.label, fields=U["join"].join(typed))
            run.hit(info, info.light, row.subject, (*row.at, typed[0]), note=True, what=what, skipped=U["skipped_row"])
    if "indicators" in sub.unreported:
        run.hit(info, info.light, SUBMISSION, (K["indicators"],), key=True, note=True, what=U["block"], skipped=U["skipped_block"])
    for index, ind in enumerate(sub.indicators):
        fields = [I[name] for name in ("target", "adjusted_target", "result", "expected", "likelihood") if name in ind.unreported]
        if fields:
            what = U["indicator"].format(name=ind.name, fields=U["join"].join(fields))
            at = (K["indicators"], index, fields[0])
            run.hit(info, info.light, ("indicator", index), at, note=True, what=what, skipped=U["skipped_indicator"])


def _unreported_keys(run: Run) -> set[str]:
    """The YAML keys of the budget tables the submission stated 「未填报」 as a whole."""
    return {t.key for t in form_of(run.sub).tables if t.field in run.sub.unreported}

"""提示: notes that colour nothing. I401: a 科研类 project is not monitored during the year."""

from __future__ import annotations

from ...form import vocabulary as F
from ..run import SUBMISSION, Run, implements


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

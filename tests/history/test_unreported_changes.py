"""A figure changed to 「未填报」 shows as 「未填报」 in the history and `docgen diff`, never as the 0 its slot holds."""

from __future__ import annotations

from docgen.form import vocabulary as F
from docgen.history.changes import FIELD, FIGURE, Change, compare, snapshot
from tests.history.gitrepo import PROJECT


def test_a_figure_withdrawn_to_not_reported_is_shown_as_such() -> None:
    before = snapshot(PROJECT.encode(), "project")
    after = snapshot(PROJECT.replace("支出数: 60.2,", f"支出数: {F.NOT_REPORTED},").encode(), "project")
    assert after.valid and after.figures is not None
    changes = compare(before, after)
    assert Change(FIELD, "资金·中央财政资金·支出数", "60.20", F.NOT_REPORTED) in changes
    assert Change(FIGURE, "资金·资金总额·支出数", "60.20", F.NOT_REPORTED) in changes
    assert Change(FIGURE, "资金·资金总额·支出进度", "30.10%", F.NOT_REPORTED) in changes
    assert after.figures["资金·资金总额·下达率"] == "100.00%"  # it rests on figures that were reported

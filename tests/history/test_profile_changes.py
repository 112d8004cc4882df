"""The diff's computed cells of a submission on a form without 上年结转 and 下达数 (Hubei's): those columns and the
下达率 on them are not listed at all (neither a 0 nor 「未填报」 that nobody could change), the rest are."""

from __future__ import annotations

from pathlib import Path

from docgen.check.load import load_file
from docgen.evaluate.evaluation import evaluate
from docgen.form import forms, model
from docgen.form import vocabulary as F
from docgen.history.changes import _figure_rows

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "profiles" / "hubei" / "submissions" / "2025-06" / "301-文化和旅游局" / "301-2025-001.yaml"


def test_absent_columns_are_not_among_the_changes() -> None:
    doc, _ = load_file(DEMO)
    assert doc is not None
    sub = model.build("project", DEMO, doc.data, forms.builtin("hubei").form("project"))
    assert isinstance(sub, model.Project)
    key, rows, given = evaluate(sub).table_rows()[0]
    cells = dict(_figure_rows(key, rows, set(given)))
    named = " ".join(cells)
    assert F.AMOUNT_FIELDS["carried_over"] not in named and F.AMOUNT_FIELDS["allocated"] not in named
    assert F.NOT_REPORTED not in cells.values()
    assert any(cell.endswith(F.AMOUNT_FIELDS["spent"]) for cell in cells), cells

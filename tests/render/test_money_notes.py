"""调整后预算 and 已审批待支付 (issue 14) reach every output: 附件1's notes under the table and its drafted analysis,
附件2's notes, the project's page source and summary.json; a submission that uses neither is unchanged (golden)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import openpyxl

from docgen import api
from docgen.render import paths
from tests.render.conftest import DEMO_DEPARTMENT

FILE = f"submissions/2025-06/{DEMO_DEPARTMENT}/104-2025-001.yaml"
ROW = """  市级财政资金:
    上年结转: 0
    本年预算: 600.00
    下达数: 600.00
    支出数: 270.80
    全年预计支出数: 600.00
"""


def _money_used(root: Path) -> None:
    file = root / FILE
    text = file.read_text(encoding="utf-8")
    assert ROW in text
    extra = (
        "    调整后预算: 500\n    已审批待支付: 80.5\n    明细:\n"
        "      - 名称: 路面修补\n        金额: 300\n        用途: 国道\n      - 名称: 桥梁检测\n        金额: 200\n"
    )
    file.write_text(text.replace(ROW, ROW.replace("600.00\n    支出数", "500.00\n    支出数", 1) + extra, 1), encoding="utf-8")


def test_adjusted_budget_and_pending_payment_reach_every_output(small_tree: Path) -> None:
    _money_used(small_tree)
    built = api.build(small_tree)
    sub = next(p for p in built.result.projects if p.code == "104-2025-001")
    assert not [f for f in built.result.findings if f.path == FILE and f.is_error]
    files = paths.attachments(small_tree / "build", sub)
    texts = [p.text for p in docx.Document(str(files["docx"])).paragraphs]
    assert "注：「市级财政资金」的本年预算按调整后预算 500.00 万元列示（年初预算 600.00 万元）。" in texts
    assert "注：「市级财政资金」另有已审批待支付 80.50 万元，未计入支出数。" in texts
    joined = "".join(texts)
    assert "市级财政资金分为：路面修补300.00万元（国道）；桥梁检测200.00万元。" in joined
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"].read_bytes())).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "注：「市级财政资金」另有已审批待支付 80.50 万元，未计入支出数。" in cells
    assert 500 in [c for row in sheet.iter_rows(values_only=True) for c in row]  # 本年预算 shown adjusted
    summary = json.loads((small_tree / "build" / "summary.json").read_text(encoding="utf-8"))
    entry = next(s for p in summary["periods"] for s in p["submissions"] if s["path"] == FILE)
    row = entry["tables"]["资金"]["市级财政资金"]
    assert (row["initial_budget"], row["budget"], row["pending"], row["committed_progress"]) == ("600.00", "500.00", "80.50", "70.26")


def test_a_submission_without_them_has_no_money_notes(small_tree: Path) -> None:
    built = api.build(small_tree)
    sub = next(p for p in built.result.projects if p.code == "104-2025-001")
    texts = [p.text for p in docx.Document(str(paths.attachments(small_tree / "build", sub)["docx"])).paragraphs]
    assert not [t for t in texts if "已审批待支付" in t or "调整后预算" in t]

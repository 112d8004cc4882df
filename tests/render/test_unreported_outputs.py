"""A partial submission's outputs state no value nobody reported: the drafted 偏差原因分析 in 附件1 and summary.json
name a 支出数 「未填报」 as not reported, never as 0.00 or as the sum of the rows that were (examples/partial, with
one of 107-体育局's projects given two fund rows, one of them without its 支出数)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from docgen import api

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partial"
FUNDS = """资金:
  中央财政资金:
    上年结转: 0
    本年预算: 100.00
    下达数: 100.00
    支出数: 10.00
    全年预计支出数: 60.00
  市级财政资金:
    上年结转: 0
    本年预算: 50.00
    下达数: 50.00
    支出数: 未填报
    全年预计支出数: 30.00

项目年度绩效目标:"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("unreported") / "repo"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build", "site", ".docgen-cache"))
    path = root / "submissions" / "2025-06" / "107-体育局" / "107-2025-002.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"资金:\n.*?\n项目年度绩效目标:", FUNDS, text, count=1, flags=re.S), encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    api.build(root, cache=False)
    return root


def test_the_drafted_deviation_names_a_spend_not_reported_and_no_partial_total(built: Path) -> None:
    folder = built / "build" / "2025-06" / "107-朔州市体育局"
    paragraphs = [p.text for p in docx.Document(str(next(folder.glob("附件1-107-2025-002-*.docx")))).paragraphs]
    [budget] = [p for p in paragraphs if "预算执行方面。" in p]
    assert "中央财政资金安排100.00万元，已支出10.00万元，支出进度10.00%" in budget  # reported: stated as before
    assert "市级财政资金安排50.00万元，支出数未填报。" in budget
    assert "资金总额安排150.00万元，支出数未填报。" in budget
    assert "已支出0.00万元" not in budget and "资金总额安排150.00万元，已支出" not in budget


def test_summary_json_gives_a_figure_not_reported_as_null(built: Path) -> None:
    summary = json.loads((built / "build" / "summary.json").read_text(encoding="utf-8"))
    entries = {e.get("code"): e for period in summary["periods"] for e in period["submissions"]}
    table = entries["107-2025-002"]["tables"]["资金"]
    assert table["市级财政资金"]["spent"] is None and table["资金总额"]["spent"] is None  # not 0.00, not 10.00
    assert table["市级财政资金"]["expected"] == "30.00" and table["中央财政资金"]["spent"] == "10.00"
    row = entries["106-2025-001"]["tables"]["资金"]["市级财政资金"]  # 下达、支出、全年预计 「未填报」
    assert (row["budget"], row["subtotal"], row["allocated"], row["spent"], row["expected"]) == ("680.00", "680.00", None, None, None)

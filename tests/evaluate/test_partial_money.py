"""examples/partial's 107-体育局 (issue 14): money as real reports state it. A payment approved but not yet made
(已审批待支付) keeps a project from red and is said in the drafts instead of 「需立即采取纠偏措施」; a budget line that
bundles three activities lists them in 明细, which add up to its 调整后预算 (the 年初预算 kept beside it); an amount
of 80 元 is stored as 0.008 万元, and typed 「80元」 it is told its conversion at its line."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from docgen import api
from docgen.check.ruleset import GREEN
from docgen.evaluate import conclusions, draft
from docgen.render import paths

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partial"
DEPT = "submissions/2025-06/107-体育局"
PENDING, BUNDLED = f"{DEPT}/107-2025-001.yaml", f"{DEPT}/107-2025-002.yaml"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("partial-money") / "repo"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture(scope="module")
def result(workspace: Path) -> api.Result:
    return api.check([workspace / DEPT], workspace=api.Workspace.at(workspace))


def _analysis(result: api.Result, path: str) -> api.Evaluation:
    assert result.analysis is not None
    sa = result.analysis.of(path)
    assert sa is not None
    return sa


def test_the_money_cases_validate_without_a_warning(result: api.Result) -> None:
    assert result.ok and [f for f in result.findings if f.severity != "info"] == []
    assert _analysis(result, PENDING).light == GREEN and _analysis(result, BUNDLED).light == GREEN


def test_a_pending_payment_is_not_red_and_the_draft_says_why(result: api.Result) -> None:
    sa = _analysis(result, PENDING)
    total = sa.headline
    assert (total.spend_progress, total.pending, total.committed_progress) == (Decimal("20.00"), Decimal("60.00"), Decimal("50.00"))
    assert result.analysis is not None
    texts = conclusions.draft(sa, result.analysis.ruleset)
    assert "另有已审批待支付60.00万元，计入后支出进度50.00%" in texts["监控总体结论"]
    assert "需立即采取纠偏措施" not in "".join(texts.values())
    assert "另有已审批待支付60.00万元，支付后支出进度将达到50.00%" in "".join(draft.execution(sa))


def test_the_same_project_without_its_pending_payment_would_be_red(workspace: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(workspace, root)
    file = root / PENDING
    file.write_text(file.read_text(encoding="utf-8").replace("    已审批待支付: 60.00", "", 1), encoding="utf-8")
    checked = api.check([root / DEPT], workspace=api.Workspace.at(root))
    assert checked.analysis is not None
    sa = checked.analysis.of(PENDING)
    assert sa is not None and sa.light == "red"
    assert checked.analysis is not None and "需立即采取纠偏措施" in conclusions.conclusion(sa)


def test_an_amount_of_80_yuan_is_kept_exactly(result: api.Result) -> None:
    project = next(p for p in result.projects if p.path.as_posix() == PENDING)
    assert project.funds["其他资金"].spent == Decimal("0.008")
    assert _analysis(result, PENDING).tables["funds"]["其他资金"].spend_progress == Decimal("66.67")


def test_80_yuan_typed_with_its_unit_is_told_the_conversion_at_its_line(workspace: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(workspace, root)
    file = root / PENDING
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("    支出数: 0.008", "    支出数: 80元", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(file.read_text(encoding="utf-8").splitlines(), 1) if row.strip().startswith("支出数: 80元"))
    checked = api.check([root / PENDING], workspace=api.Workspace.at(root))
    (finding,) = checked.errors
    assert (finding.code, finding.line, finding.column) == ("E204", line, 10)
    assert "80元 = 0.008万元，请填写 0.008" in finding.message


def test_bundled_line_items_add_up_to_the_adjusted_budget_and_are_drafted(result: api.Result) -> None:
    sa = _analysis(result, BUNDLED)
    row = sa.tables["funds"]["市级财政资金"]
    assert (row.initial_budget, row.budget, row.spend_progress) == (Decimal("150.00"), Decimal("120.00"), Decimal("58.33"))
    text = "".join(draft.execution(sa))
    assert "本年预算年初为150.00万元，经调整为120.00万元" in text
    assert "市级财政资金分为：全市全民健身运动会60.00万元（场地租赁、器材和裁判费用）；青少年校园足球联赛40.00万元" in text
    assert draft.money_notes(sa) == ["注：「市级财政资金」的本年预算按调整后预算 120.00 万元列示（年初预算 150.00 万元）。"]


def test_line_items_that_do_not_add_up_are_located(workspace: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(workspace, root)
    file = root / BUNDLED
    file.write_text(file.read_text(encoding="utf-8").replace("        金额: 20.00", "        金额: 25.00", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(file.read_text(encoding="utf-8").splitlines(), 1) if row.strip() == "明细:")
    (finding,) = api.check([root / BUNDLED], workspace=api.Workspace.at(root)).errors
    assert (finding.code, finding.line, finding.column) == ("E314", line, 5)
    assert "合计 125.00 万元" in finding.message


def test_the_build_prints_the_notes_under_the_table(workspace: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(workspace, root)
    built = api.build(root, cache=False)
    project = next(p for p in built.result.projects if p.path.as_posix() == PENDING)
    texts = [p.text for p in docx.Document(str(paths.attachments(root / "build", project)["docx"])).paragraphs]
    assert "注：「中央财政资金」另有已审批待支付 60.00 万元，未计入支出数。" in texts

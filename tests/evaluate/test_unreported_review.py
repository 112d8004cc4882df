"""Findings of the new-user review of 「未填报」 (issue 14) in the evaluate stage: 附件1 introduces each budget
table's rows by that table's own heading, and a missing indicator block counts every required indicator field."""

from __future__ import annotations

from docgen.evaluate import draft
from docgen.evaluate import figures as compute
from docgen.evaluate.evaluation import evaluate
from docgen.form import vocabulary as F
from docgen.form.model import Department

from .factory import PERIOD_DIR, department, fund, green_indicators


def test_the_department_draft_introduces_its_use_table_as_uses_not_sources() -> None:
    sub = department(by_use={"基本支出": fund(budget=120, spent=60), "项目支出": fund(budget=80, spent=40)})
    text = "".join(draft.basic(evaluate(sub)))
    assert "按支出用途分，基本支出120.00万元，项目支出80.00万元。" in text
    assert "按资金来源分" not in text


def test_one_use_row_drafts_no_breakdown() -> None:
    text = "".join(draft.basic(evaluate(department(by_use={"基本支出": fund(budget=200, spent=100)}))))
    assert "按支出用途分" not in text and "按资金来源分" not in text


def _department(indicators: object) -> Department:
    data = {
        "年度": 2025,
        "截至月份": 6,
        "主管部门": "朔州市教育局",
        "主管部门代码": "101",
        "资金按类型": {"一般公共预算资金": fund(budget=200, allocated=200, spent=100)},
        "资金按用途": {"基本支出": fund(), "项目支出": fund()},
        "年度绩效目标": "目标",
        "绩效指标": indicators,
    }
    return Department.from_data(PERIOD_DIR / "部门整体.yaml", data)


def test_a_missing_indicator_block_counts_every_required_indicator_field() -> None:
    missing = compute.completeness(_department(F.NOT_REPORTED))
    listed = compute.completeness(_department(green_indicators()))
    amounts = 3 * len(F.AMOUNT_FIELDS)  # one 资金按类型 row, two 资金按用途 rows
    assert (missing.reported, missing.total) == (amounts, amounts + 7)  # 一级、二级、三级指标 and the four values
    assert len(F.INDICATOR_REQUIRED) == 7
    assert listed.complete and listed.total == amounts + 4 * len(green_indicators())  # listed ones: their four values

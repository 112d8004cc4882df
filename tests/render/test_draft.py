"""Drafted sentences: time progress compared both ways, an over-spent budget, the outlook's 结转结余."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from docgen.evaluate import draft
from docgen.evaluate.evaluation import evaluate
from docgen.form.model import Amounts, Project


def with_funds(project: Project, **amounts: str) -> Project:
    return dataclasses.replace(project, tables={"funds": {"市级财政资金": Amounts(**{k: Decimal(v) for k, v in amounts.items()})}})


@pytest.mark.parametrize(
    ("spent", "phrase"),
    [
        ("40", "支出进度40.00%，低于序时进度（50.00%）10.00个百分点"),
        ("50", "支出进度50.00%，与序时进度（50.00%）持平"),
        ("62.5", "支出进度62.50%，高于序时进度（50.00%）12.50个百分点"),
    ],
)
def test_spending_against_time_progress(project: Project, spent: str, phrase: str) -> None:
    sub = with_funds(project, budget="100", allocated="100", spent=spent, expected="100")
    assert phrase in draft.execution(evaluate(sub))[0]


def test_outlook_names_the_surplus_and_overspending(project: Project) -> None:
    surplus = draft.execution(evaluate(with_funds(project, budget="100", allocated="80", spent="30", expected="90")))
    assert surplus[-1] == "预计全年支出90.00万元，占安排数的90.00%，预计年底结转结余10.00万元。具体情况见表1。"
    over = draft.execution(evaluate(with_funds(project, budget="100", allocated="100", spent="120", expected="130")))
    assert "超出安排数30.00万元" in over[-1] and "支出数已超过安排数20.00万元" in over[-1]


def test_a_single_fund_source_is_not_repeated(project: Project) -> None:
    paragraphs = draft.execution(evaluate(with_funds(project, budget="100", allocated="100", spent="50", expected="100")))
    assert not any(p.startswith("分资金来源看") for p in paragraphs)


def test_impossible_indicator_carries_its_measures(project: Project) -> None:
    first = dataclasses.replace(project.indicators[0], likelihood="完全不可能", remark="调减年度目标并报批", deviation="决策方面：测算偏高")
    text = draft.targets(dataclasses.replace(project, indicators=(first,)))
    assert text[0].endswith("完全不可能完成1项。")
    assert text[1].endswith("预计无法完成年度目标。偏差原因：决策方面，测算偏高。拟采取措施：调减年度目标并报批。")


def test_only_empty_sections_are_drafted(project: Project) -> None:
    assert draft.drafts(evaluate(project)) == {}  # the demo project writes all three
    assert set(draft.drafts(evaluate(dataclasses.replace(project, report={})))) == {"基本情况", "预算执行情况分析", "绩效目标实现情况分析"}


def test_words_and_labelled_remarks_read_plainly(project: Project) -> None:
    from docgen.form.indicators import parse

    first = dataclasses.replace(
        project.indicators[0],
        target=parse("持续改善"),
        result=parse("尚未收获"),
        expected=parse("105公斤"),
        likelihood="完全不可能",
        remark="拟采取的措施：申请调整目标",
        deviation="过程方面：延误",
    )
    text = draft.targets(dataclasses.replace(project, indicators=(first,)))[1]
    assert "年度指标值为“持续改善”，1-6月完成情况为“尚未收获”，全年预计完成105公斤" in text
    assert text.endswith("偏差原因：过程方面，延误。拟采取的措施：申请调整目标。")

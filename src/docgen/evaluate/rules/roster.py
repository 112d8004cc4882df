"""合规性 across submissions: a project against the period's roster (W413), a 部门整体 against its projects (W414)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from ... import messages as M
from ...form import numbers as N
from ...form import vocabulary as F
from ...form.model import EVERY_AMOUNT, Amounts, Department, Project
from .. import figures as compute
from ..run import SUBMISSION, Run, Subject, implements

K, A = F.KEYS, F.AMOUNT_FIELDS


@implements("W413")
def roster_flags(run: Run) -> None:
    """W413: the project's name, department (name and code), unit, 科研类 and 涉密 flags as the period's roster has them:
    the names are printed on the 报送's cover and in file names, so a name the roster does not know is flagged."""
    rule = run.rule("W413")
    sub, roster = run.sub, run.roster
    if rule is None or roster is None or not isinstance(sub, Project) or sub.code not in run.index:
        return  # not on the roster: W302 says so
    entry, dept_code, dept_name = run.index[sub.code]
    pairs = (
        ("project_name", entry.name, sub.name),
        ("department", dept_name, sub.department),
        ("department_code", dept_code, sub.department_code),
        ("unit", entry.unit, sub.unit),
        ("research", entry.research, sub.research),
        ("confidential", entry.confidential, sub.confidential),
    )
    for name, roster_value, file_value in pairs:
        if roster_value != file_value:
            run.hit(
                rule,
                rule.light,
                SUBMISSION,
                (K[name],),
                key=True,
                field=K[name],
                roster_value=_shown(roster_value),
                file_value=_shown(file_value),
                roster=roster.path,
            )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return M.MONITOR_LABELS["yes"] if value else M.MONITOR_LABELS["no"]
    return f"「{value}」"


@implements("W414")
def project_spending(run: Run) -> None:
    """W414: 附件3's 项目支出 against the sum of the department's project tables for the period."""
    rule = run.rule("W414")
    sub, projects = run.sub, run.members
    if rule is None or not isinstance(sub, Department):
        return
    stated = sub.funds_by_use.get(F.PROJECT_SPENDING_ROW)
    members = run.member_funds if run.member_funds is not None else [member_funds(p) for p in projects]
    if stated is None or not members:
        return
    summed = compute.total({str(i): funds for i, (funds, _) in enumerate(members)})
    if any(unreported for _, unreported in members):  # a project without budget rows yet: its share of each sum is unknown
        summed = replace(summed, unreported=EVERY_AMOUNT)
    tolerance = Decimal(rule.threshold("允许差额"))
    allowed = max(tolerance, compute.percent_of(Decimal(rule.threshold("允许差异率")), compute.subtotal(stated)))
    differing = [
        (name, key)
        for name, key in A.items()
        if stated.reported(name) and summed.reported(name) and abs(getattr(stated, name) - getattr(summed, name)) > allowed
    ]  # a column not reported on either side is not compared (a not-reported figure is not a difference)
    if not differing:
        return
    first, field_name = differing[0]
    difference = getattr(stated, first) - getattr(summed, first)
    money = N.plain_money
    differences = "；".join(
        run.words(M.MONITOR_LABELS["w414_column"]).format(
            field=run.words(key), stated=money(getattr(stated, name)), summed=money(getattr(summed, name))
        )
        for name, key in differing
    )
    row: Subject = ("row", K["funds_by_use"], F.PROJECT_SPENDING_ROW)
    run.hit(
        rule,
        rule.light,
        row,
        (K["funds_by_use"], F.PROJECT_SPENDING_ROW),
        key=True,
        row=F.PROJECT_SPENDING_ROW,
        differences=differences,
        field=run.words(field_name),
        difference=money(abs(difference)),
        dept_arranged=money(compute.subtotal(stated)),
        dept_spent=money(stated.spent),
        sum_arranged=money(compute.subtotal(summed)),
        sum_spent=money(summed.spent),
        projects=len(members),
        missing=run.missing,
        erroneous=run.erroneous,
        others=_others(run.missing, run.erroneous),
    )


def member_funds(project: Project) -> tuple[Amounts, bool]:
    """What W414 reads of a member project: its 资金 total, and whether its budget rows are 「未填报」 as a whole.
    Kept in the streamed check's outcome (evaluate/stream.py), so a 部门整体 is judged without its projects' models."""
    return compute.total(project.funds), "funds" in project.unreported


def _others(missing: int, erroneous: int) -> str:
    """「；名单中另有 2 个项目尚未报送、1 个项目的报送文件有错误（未计入合计）」, or nothing when there are none."""
    parts = [M.MONITOR_LABELS[key].format(count=n) for key, n in (("w414_missing", missing), ("w414_erroneous", erroneous)) if n]
    return M.MONITOR_LABELS["w414_others"].format(parts="、".join(parts)) if parts else ""

"""Submissions as plain data, for rule tests that need no files: every default is green."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

from docgen.check import ruleset as R
from docgen.check.load import load_file
from docgen.evaluate import monitor
from docgen.form.model import Department, Project, Roster

PERIOD_DIR = Path("submissions/2025-06/101-教育局")


def fund(
    carried: float = 0, budget: float = 100, allocated: float = 100, spent: float = 50, expected: float | None = None
) -> dict[str, Any]:
    arranged = Decimal(str(carried)) + Decimal(str(budget))
    return {
        "上年结转": Decimal(str(carried)),
        "本年预算": Decimal(str(budget)),
        "下达数": Decimal(str(allocated)),
        "支出数": Decimal(str(spent)),
        "全年预计支出数": Decimal(str(expected)) if expected is not None else arranged,
    }


def indicator(
    name: str = "受益人数",
    target: str = "≥100人",
    result: str = "50人",
    expected: str = "100人",
    likelihood: str = "确定能",
    level1: str = "产出指标",
    level2: str = "数量指标",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "一级指标": level1,
        "二级指标": level2,
        "三级指标": name,
        "年度指标值": target,
        "指标完成情况": result,
        "全年指标预计完成情况": expected,
        "完成目标可能性": likelihood,
        **extra,
    }


def green_indicators() -> list[dict[str, Any]]:
    """One indicator for every kind the default W427 requires, all on track."""
    return [
        indicator(),
        indicator("合格率", "≥95%", "96%", "96%", level2="质量指标"),
        indicator("拨付时限", "≤30天", "20天", "≤30天", level2="时效指标"),
        indicator("社会效益", "持续提升", "稳步提升", "持续提升", level1="效益指标", level2="社会效益指标"),
        indicator("满意度", "≥90%", "92%", "≥90%", level1="满意度指标", level2="服务对象满意度指标"),
    ]


def project_data(
    funds: dict[str, Any] | None = None,
    indicators: list[dict[str, Any]] | None = None,
    *,
    month: int = 6,
    code: str = "101-2025-001",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "年度": 2025,
        "截至月份": month,
        "项目名称": f"项目{code}",
        "项目代码": code,
        "主管部门": "朔州市教育局",
        "主管部门代码": "101",
        "预算单位": "朔州市教育局本级",
        "资金": funds if funds is not None else {"市级财政资金": fund()},
        "项目年度绩效目标": "目标",
        "绩效指标": indicators if indicators is not None else green_indicators(),
        **extra,
    }


def project(*args: Any, path: str | None = None, **kwargs: Any) -> Project:
    data = project_data(*args, **kwargs)
    return Project.from_data(PERIOD_DIR / (path or f"{data['项目代码']}.yaml"), data)


def department(
    by_type: dict[str, Any] | None = None,
    by_use: dict[str, Any] | None = None,
    indicators: list[dict[str, Any]] | None = None,
    *,
    month: int = 6,
) -> Department:
    by_type = by_type if by_type is not None else {"一般公共预算资金": fund(budget=200, allocated=200, spent=100)}
    by_use = by_use if by_use is not None else {"基本支出": fund(), "项目支出": fund()}
    data = {
        "年度": 2025,
        "截至月份": month,
        "主管部门": "朔州市教育局",
        "主管部门代码": "101",
        "资金按类型": by_type,
        "资金按用途": by_use,
        "年度绩效目标": "目标",
        "绩效指标": indicators if indicators is not None else green_indicators(),
    }
    return Department.from_data(PERIOD_DIR / "部门整体.yaml", data)


def roster(*projects: dict[str, Any]) -> Roster:
    data = {
        "年度": 2025,
        "截至月份": 6,
        "截止日期": "2025-07-31",
        "部门": [{"主管部门": "朔州市教育局", "主管部门代码": "101", "预算单位": ["朔州市教育局本级"], "应报项目": list(projects)}],
    }
    return Roster.from_data(Path("submissions/2025-06/名单.yaml"), data)


def rules(overrides: dict[str, Any] | None = None) -> R.Ruleset:
    doc, problems = load_file(R.default_path())
    assert doc is not None and not problems
    return R.build(R.merge(doc.data[R.RULES_KEY], copy.deepcopy(overrides or {})), ("test",))


def analyse(
    *subs: Project | Department,
    rosters: tuple[Roster, ...] = (),
    overrides: dict[str, Any] | None = None,
    previous: dict[str, Project] | None = None,
) -> monitor.Analysis:
    projects = [s for s in subs if isinstance(s, Project)]
    departments = [s for s in subs if isinstance(s, Department)]
    return monitor.analyse(projects, departments, list(rosters), rules(overrides), previous=previous)


def codes(sub: Project | Department, **kwargs: Any) -> list[tuple[str, str | None]]:
    """(code, light) of every finding on `sub`, in order."""
    sa = analyse(sub, **kwargs).of(sub.path)
    assert sa is not None
    return [(f.code, f.light) for f in sa.findings]

"""A repository of submissions written by an attacker: every free-text field of every file carries a payload.

Each payload gets its own department (codes 201, 202, …), so a page shows one payload in all its fields:
the 主管部门 of 部门整体.yaml and the roster, a submitted project (项目名称, 预算单位, targets, every indicator
text, every 分析报告 section, 审核意见), a roster project not yet submitted (项目名称, 预算单位), and the commit
that added them (author and subject). Department 201 also holds a broken file with a hostile 项目代码.
A payload runs `alert(window.__pwned=1)`: a browser test sees either the dialog or the marker.
"""

from __future__ import annotations

import json
from pathlib import Path

from docgen.form.vocabulary import REPORT_KEYS
from tests.history.gitrepo import GitRepo

PERIOD = "submissions/2025-06"
JS = "alert(window.__pwned=1)"
PAYLOADS = (
    f"![x](data:x){{ onerror={JS} }}",
    f"[x](javascript:{JS})",
    f"# {{: onclick={JS} }}",
    f"<script>{JS}</script>",
    f"<img src=x onerror={JS}>",
    f'"><svg onload={JS}>',
    "&lt;b&gt; &amp; &#60;i&#62;",
    "a | b | c",
    f"第一行\n\n# 第二行 {{: onclick={JS} }}\n<img src=x onerror={JS}>",
    "::error file=x::forged",
    f"`code` **bold** _x_ <a href=javascript:{JS}>y</a> [r]: javascript:{JS}",
    f"1. list\n- item\n> quote\n!!! note\n    <script>{JS}</script>",
)
BROKEN_CODE = f'x"><img src=x onerror={JS}>'


def q(text: str) -> str:
    """A YAML scalar holding `text` exactly (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def dept_code(index: int) -> str:
    return str(201 + index)


def project_yaml(code: str, dept: str, name: str, text: str) -> str:
    reports = "\n".join(f"  {key}: {q(text)}" for key in REPORT_KEYS)
    return f"""\
年度: 2025
截至月份: 6
项目名称: {q(name)}
项目代码: "{code}"
主管部门: {q(text)}
主管部门代码: "{dept}"
预算单位: {q(text)}
起止时间: {q(text)}
资金:
  中央财政资金: {{上年结转: 0, 本年预算: 200.00, 下达数: 200.00, 支出数: 60.2, 全年预计支出数: 200.00}}
项目年度绩效目标: {q(text)}
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: {q(text)}
    年度指标值: {q(text)}
    调整后指标值: {q(text)}
    指标完成情况: {q(text)}
    全年指标预计完成情况: {q(text)}
    完成目标可能性: 有可能
    偏差原因分析: {q(text)}
    备注: {q(text)}
分析报告:
{reports}
审核意见:
  - 审核单位: {q(text)}
    审核人: {q(text)}
    日期: "2025-07-10"
    结论: 通过
    意见: {q(text)}
"""


def department_yaml(dept: str, text: str) -> str:
    return f"""\
年度: 2025
截至月份: 6
主管部门: {q(text)}
主管部门代码: "{dept}"
资金按类型:
  一般公共预算资金: {{上年结转: 0, 本年预算: 200, 下达数: 200, 支出数: 60.2, 全年预计支出数: 200}}
资金按用途:
  项目支出: {{上年结转: 0, 本年预算: 200, 下达数: 200, 支出数: 60.2, 全年预计支出数: 200}}
年度绩效目标: {q(text)}
绩效指标:
  - 一级指标: 满意度指标
    二级指标: 服务对象满意度指标
    三级指标: {q(text)}
    年度指标值: {q(text)}
    指标完成情况: {q(text)}
    全年指标预计完成情况: {q(text)}
    完成目标可能性: 确定能
    备注: {q(text)}
分析报告:
  基本情况: {q(text)}
审核意见:
  - 审核单位: {q(text)}
    日期: "2025-07-10"
    结论: 通过
    意见: {q(text)}
"""


def roster_yaml() -> str:
    lines = ["年度: 2025", "截至月份: 6", '截止日期: "2025-07-31"', "部门:"]
    for i, text in enumerate(PAYLOADS):
        dept = dept_code(i)
        lines += [
            f"  - 主管部门: {q(text)}",
            f'    主管部门代码: "{dept}"',
            f"    预算单位: [{q(text)}]",
            "    应报项目:",
            f'      - {{项目代码: "{dept}-2025-001", 项目名称: {q(text)}, 预算单位: {q(text)}}}',
            f'      - {{项目代码: "{dept}-2025-002", 项目名称: {q(text + " 未报")}, 预算单位: {q(text)}}}',
        ]
    return "\n".join(lines) + "\n"


def make_hostile_repo(root: Path) -> GitRepo:
    repo = GitRepo(root)
    repo.write(f"{PERIOD}/名单.yaml", roster_yaml())
    repo.commit("名单")
    for i, text in enumerate(PAYLOADS):
        dept = dept_code(i)
        folder = f"{PERIOD}/{dept}-部门"
        repo.write(f"{folder}/{dept}-2025-001.yaml", project_yaml(f"{dept}-2025-001", dept, text, text))
        repo.write(f"{folder}/部门整体.yaml", department_yaml(dept, text))
        if i == 0:
            broken = project_yaml(BROKEN_CODE, dept, text, text).replace("项目年度绩效目标:", "项目年度目标:")
            repo.write(f"{folder}/{dept}-2025-009.yaml", broken)
        repo.write(f"{PERIOD}/审核/财政局-{dept}.yaml", review_yaml(dept, text))
        repo.write(f"{PERIOD}/审核/整改-{dept}.yaml", rectification_yaml(dept, text))
        repo.commit(f"{text} 提交\n\n{text}", author=f"{text} 作者", email=f"a{i}@example.cn")
    return repo


def review_yaml(dept: str, text: str) -> str:
    """The bureau returns the department's project with `text` as its reason (the review folder's files, issue 17)."""
    return (
        f'年度: 2025\n截至月份: 6\n主管部门代码: "{dept}"\n审核单位: {q(text)}\n审核意见:\n'
        f'  - 项目代码: "{dept}-2025-001"\n    结论: 退回修改\n    意见: {q(text)}\n    日期: "2025-08-05"\n    审核人: {q(text)}\n'
    )


def rectification_yaml(dept: str, text: str) -> str:
    return (
        f'年度: 2025\n截至月份: 6\n主管部门代码: "{dept}"\n整改:\n'
        f'  - 项目代码: "{dept}-2025-001"\n    问题代码: W401\n    问题: {q(text)}\n    整改措施: {q(text)}\n'
        f'    责任人: {q(text[:100])}\n    整改期限: "2025-06-01"\n    状态: 整改中\n'
    )

"""Generate N realistic synthetic submissions (a roster, department files and projects) for benchmarks.

    python benchmarks/generate.py OUT_DIR N

writes OUT_DIR/submissions/2025-06/… that `docgen validate` accepts. Deterministic for a given N
and seed, so benchmark runs compare like with like.
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from docgen.form import vocabulary as F

DEPARTMENTS = [
    ("101", "朔州市教育局"),
    ("102", "朔州市卫生健康委员会"),
    ("103", "朔州市农业农村局"),
    ("104", "朔州市交通运输局"),
    ("105", "朔州市科学技术局"),
    ("106", "朔州市民政局"),
    ("107", "朔州市生态环境局"),
    ("108", "朔州市文化和旅游局"),
    ("109", "朔州市住房和城乡建设局"),
    ("110", "朔州市水务局"),
]
SUBJECTS = [
    "农村公路养护",
    "义务教育营养改善",
    "基层医疗设备购置",
    "高标准农田建设",
    "城乡低保补助",
    "污水管网改造",
    "公共文化服务提升",
    "老旧小区改造",
    "水土保持治理",
    "科技创新平台建设",
    "职业技能培训",
    "文物保护修缮",
]
INDICATORS = [
    ("产出指标", "数量指标", "完成{s}任务量", "≥{n}个", "个"),
    ("产出指标", "质量指标", "验收合格率", "≥95%", "%"),
    ("产出指标", "时效指标", "资金拨付及时率", "100%", "%"),
    ("产出指标", "成本指标", "项目成本控制", "≤{n}万元", "万元"),
    ("效益指标", "社会效益指标", "受益群众人数", "≥{n}人", "人"),
    ("效益指标", "经济效益指标", "带动相关产业增收", "≥{n}万元", "万元"),
    ("效益指标", "生态效益指标", "环境质量", "持续改善", ""),
    ("效益指标", "可持续影响指标", "长效管护机制", "建立健全", ""),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "%"),
]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _amounts(rng: random.Random) -> str:
    budget = _money(rng, 20, 3000)
    carried = _money(rng, 0, 300) if rng.random() < 0.4 else Decimal(0)
    allocated = min(budget, _money(rng, 0, int(budget) + 1))
    spent = min(allocated + carried, (budget + carried) * Decimal(rng.randint(0, 90)) / 100).quantize(Decimal("0.01"))
    expected = (budget + carried) * Decimal(rng.randint(70, 100)) / 100
    expected = max(spent, expected.quantize(Decimal("0.01")))
    return f"{{上年结转: {carried}, 本年预算: {budget}, 下达数: {allocated}, 支出数: {spent}, 全年预计支出数: {expected}}}"


def project_yaml(rng: random.Random, code: str, dept_code: str, dept: str, subject: str) -> str:
    rows = rng.sample(F.PROJECT_FUND_ROWS, rng.randint(1, 3))
    funds = "\n".join(f"  {row}: {_amounts(rng)}" for row in F.PROJECT_FUND_ROWS if row in rows)
    items = []
    for level1, level2, name, target, unit in rng.sample(INDICATORS, rng.randint(6, 9)):
        n = rng.randint(10, 5000)
        target_text = target.format(n=n)
        if unit in ("个", "人", "万元") and "≤" not in target_text:
            result = f"{n * rng.randint(20, 70) // 100}{unit}"
            expected = f"{n}{unit}"
        elif unit == "%":
            result = expected = "96%" if "95" in target_text else ("92%" if "90" in target_text else "100%")
        else:
            result = expected = target_text
        items.append(
            f"""  - 一级指标: {level1}
    二级指标: {level2}
    三级指标: {name.format(s=subject)}
    年度指标值: "{target_text}"
    指标完成情况: "{result}"
    全年指标预计完成情况: "{expected}"
    完成目标可能性: 确定能
    备注: 数据来源于{subject}项目台账及季度统计报表，已与实施单位核对一致。"""
        )
    return f"""# yaml-language-server: $schema=../../../schema/project.schema.json
年度: 2025
截至月份: 6
项目名称: {subject}项目（{code}）
项目代码: "{code}"
主管部门: {dept}
主管部门代码: "{dept_code}"
预算单位: {dept}本级
资金:
{funds}
项目年度绩效目标: |
  按计划推进{subject}，年内完成批复的建设和服务任务，资金支出进度与工作进度相匹配。
绩效指标:
{chr(10).join(items)}
分析报告:
  # 附件1 正文：预算执行情况分析、绩效目标实现情况分析由系统起草
  基本情况: |
    本项目为{subject}，由{dept}本级组织实施，实施期为2025年1月至12月。主要内容包括项目前期准备、
    政府采购、组织实施、检查验收和资金拨付等环节。年度目标为按计划完成批复任务，预算资金按规定及时足额拨付。
  绩效监控延伸情况: |
    项目严格执行政府采购和招投标制度，相关信息按规定在政府网站公开；资金实行专账核算，未发现挤占挪用问题。
  监控总体结论: 项目总体按计划推进，预算执行和绩效目标实现情况基本符合预期。
  存在问题及整改措施和建议: |
    部分环节支出进度偏慢。下一步将加强与财政部门和实施单位的沟通衔接，督促加快支付进度，确保年底前完成全年目标。
"""


def department_yaml(dept_code: str, dept: str) -> str:
    row = "{上年结转: 100, 本年预算: 5000, 下达数: 4000, 支出数: 2400, 全年预计支出数: 5000}"
    half = "{上年结转: 50, 本年预算: 2500, 下达数: 2000, 支出数: 1200, 全年预计支出数: 2500}"
    return f"""# yaml-language-server: $schema=../../../schema/department.schema.json
年度: 2025
截至月份: 6
主管部门: {dept}
主管部门代码: "{dept_code}"
资金按类型:
  一般公共预算资金: {row}
资金按用途:
  基本支出: {half}
  项目支出: {half}
年度绩效目标: 全面完成年度各项工作任务。
绩效指标:
  - 一级指标: 满意度指标
    二级指标: 服务对象满意度指标
    三级指标: 服务对象满意度
    年度指标值: ≥90%
    指标完成情况: 92%
    全年指标预计完成情况: 92%
    完成目标可能性: 确定能
"""


#: Projects per department above which a larger tree gets more departments: a province's departments list about as
#: many projects as a city's largest, and the roster's lists stay within limits.MAX_ITEMS.
PER_DEPARTMENT = 1_000


def departments(n: int) -> list[tuple[str, str]]:
    """The ten departments up to 10,000 projects (so those trees stay as they were measured), one more for every
    further PER_DEPARTMENT projects above."""
    more = max(0, -(-n // PER_DEPARTMENT) - len(DEPARTMENTS))
    return DEPARTMENTS + [(str(111 + i), f"朔州市直属机构{i + 1:03d}") for i in range(more)]


def generate(root: Path, n: int, seed: int = 2025) -> list[Path]:
    """Write a roster, one department file per department and `n` projects under root/submissions/2025-06."""
    rng = random.Random(seed)
    period = root / "submissions" / "2025-06"
    written = []
    roster = ["年度: 2025", "截至月份: 6", '截止日期: "2025-07-31"', "部门:"]
    chosen = departments(n)
    per_dept: dict[str, list[str]] = {code: [] for code, _ in chosen}
    for i in range(n):
        dept_code, dept = chosen[i % len(chosen)]
        code = f"{dept_code}-2025-{i:04d}"
        subject = SUBJECTS[i % len(SUBJECTS)]
        folder = period / f"{dept_code}-{dept.removeprefix('朔州市')}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{code}.yaml"
        path.write_text(project_yaml(rng, code, dept_code, dept, subject), encoding="utf-8")
        written.append(path)
        per_dept[dept_code].append(f'      - {{项目代码: "{code}", 项目名称: {subject}项目（{code}）, 预算单位: {dept}本级}}')
    for dept_code, dept in chosen:
        folder = period / f"{dept_code}-{dept.removeprefix('朔州市')}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / F.DEPARTMENT_FILE).write_text(department_yaml(dept_code, dept), encoding="utf-8")
        written.append(folder / F.DEPARTMENT_FILE)
        projects = per_dept[dept_code]
        roster += [f"  - 主管部门: {dept}", f'    主管部门代码: "{dept_code}"', f"    预算单位: [{dept}本级]"]
        roster += ["    应报项目:", *projects] if projects else ["    应报项目: []"]
    (period / F.ROSTER_FILE).write_text("\n".join(roster) + "\n", encoding="utf-8")
    written.append(period / F.ROSTER_FILE)
    return written


if __name__ == "__main__":
    out, count = Path(sys.argv[1]), int(sys.argv[2])
    files = generate(out, count)
    print(f"{len(files)} files under {out / 'submissions'}")

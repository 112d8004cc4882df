"""The demo data read by a person, written down: the warnings docgen reports are the ones a reviewer finds.

How the reading was done: for every file of submissions/2025-06/, the figures were worked out by hand
(序时进度 at 1-6月 is 50%): 支出进度 ÷ 50% per 资金 row (below 60% of time red, below 80% yellow; a 其中 row is
mentioned only where it is worse than its 资金总额), 下达率 likewise, the share of 上年结转 (30% or more), the money
expected to be left over (10% / 30% of 安排数), spending above 安排数; each indicator's result against its target
(counts pro-rated to half the year unless the clerk wrote 按进度累计: false, rates and time limits not), the full-year
estimate against the target, the likelihood ticked, missing indicator kinds; 附件3's 项目支出 against the sum of the
department's project tables (4-5% differences are scope; 科技局's 15% gap matches its missing project). The lists
below are that reading; the comment on each file says what a reviewer would write in the margin.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen import api
from tests.conftest import ROOT

R, Y, B, N = "red", "yellow", "blue", None
READING: dict[str, tuple[str | None, list[tuple[str, str | None, str]]]] = {
    # 中央 funds on time; the 市级 row at 35.6% (r 71); satisfaction 88% and expected 89% against ≥90%, ticked 有可能.
    "101-教育局/101-2025-001.yaml": (
        Y,
        [("W401", Y, "市级财政资金"), ("W423", Y, "受助学生家长满意度"), ("W424", Y, "受助学生家长满意度")],
    ),
    # 34.5% spent overall (r 69), 市级 20.7% and 自筹 28.1% far behind; 76% of the money is carried over from 2024;
    # 4100 of 12600 m² (half-year 6300: r 65) and two 有可能.
    "101-教育局/101-2025-002.yaml": (
        R,
        [
            ("W401", Y, "资金总额"),
            ("W403", Y, ""),
            ("W401", R, "市级财政资金"),
            ("W401", R, "单位自筹资金"),
            ("W421", Y, "教学楼抗震加固面积"),
            ("W424", Y, "教学楼抗震加固面积"),
            ("W424", Y, "交付使用时间"),
        ],
    ),
    # Only 13.9% spent; 34% allocated overall, 中央 19% and 省级 22% of their budgets; 12 of 45 kindergartens
    # (half-year 22.5: r 53); payment took 52 days against ≤45.
    "101-教育局/101-2025-003.yaml": (
        R,
        [
            ("W401", R, "资金总额"),
            ("W402", Y, "资金总额"),
            ("W402", R, "中央财政资金"),
            ("W402", R, "省级财政资金"),
            ("W421", R, "获得奖补的普惠性民办幼儿园数量"),
            ("W424", Y, "获得奖补的普惠性民办幼儿园数量"),
            ("W422", R, "奖补资金拨付时限（认定结果公布后）"),
            ("W424", Y, "奖补资金拨付时限（认定结果公布后）"),
        ],
    ),
    # 政府性基金 35.8% and 项目支出 33.7% behind; the school's m² behind; allocation took 41 days against ≤30.
    "101-教育局/部门整体.yaml": (
        R,
        [
            ("W401", Y, "政府性基金预算资金"),
            ("W401", Y, "项目支出"),
            ("W421", Y, "市直学校校舍抗震加固改造面积"),
            ("W424", Y, "市直学校校舍抗震加固改造面积"),
            ("W422", R, "教育专项资金下达时限（收到上级资金后）"),
            ("W424", Y, "教育专项资金下达时限（收到上级资金后）"),
        ],
    ),
    # Money on time; health literacy expected 26.5% against ≥27%, 有可能.
    "102-卫生健康委员会/102-2025-001.yaml": (Y, [("W423", Y, "居民健康素养水平"), ("W424", Y, "居民健康素养水平")]),
    # Nothing spent although all 1650 allocated (pay on delivery: check 待支付); the tender saves 64 of the 450 自筹
    # (14%: 调减); 0 of 8 devices; imaging capacity 0, expected 0.8 of 3万人次.
    "102-卫生健康委员会/102-2025-002.yaml": (
        R,
        [
            ("W401", R, "资金总额"),
            ("W405", Y, ""),
            ("W404", Y, "单位自筹资金"),
            ("W421", R, "购置医用设备数量"),
            ("W421", R, "新增年影像检查服务能力"),
            ("W423", Y, "新增年影像检查服务能力"),
            ("W424", Y, "新增年影像检查服务能力"),
        ],
    ),
    # Every source around 31-37% (r 63-74); TB screening 1.2 of 3.5万 (half-year 1.75: r 69), expected 3.1.
    "102-卫生健康委员会/102-2025-003.yaml": (
        Y,
        [
            ("W401", Y, "资金总额"),
            ("W421", Y, "肺结核可疑症状者筛查人次"),
            ("W423", Y, "肺结核可疑症状者筛查人次"),
            ("W424", Y, "肺结核可疑症状者筛查人次"),
        ],
    ),
    # 福彩公益金 23.6% spent, 单位资金 34.3%, 项目支出 37.0%; health literacy as in the project.
    "102-卫生健康委员会/部门整体.yaml": (
        R,
        [
            ("W401", R, "政府性基金预算资金"),
            ("W401", Y, "单位资金"),
            ("W401", Y, "项目支出"),
            ("W423", Y, "居民健康素养水平"),
            ("W424", Y, "居民健康素养水平"),
        ],
    ),
    # 22% spent; 1020 of 5270 expected unspent (19%), 县（区） 30%; farmland 1.2 of 5万亩 and 完全不可能 (measures
    # given); water-saving irrigation 0.3 of 1.5万亩 (half-year: r 40).
    "103-农业农村局/103-2025-001.yaml": (
        R,
        [
            ("W401", R, "资金总额"),
            ("W404", Y, "资金总额"),
            ("W404", R, "县（区）财政资金"),
            ("W421", R, "新建高标准农田面积"),
            ("W423", Y, "新建高标准农田面积"),
            ("W424", R, "新建高标准农田面积"),
            ("W421", R, "高效节水灌溉面积"),
            ("W424", Y, "高效节水灌溉面积"),
        ],
    ),
    # 科研类: not monitored mid-year, said so.
    "103-农业农村局/103-2025-002.yaml": (N, [("I401", N, "")]),
    # Everything on time.
    "103-农业农村局/103-2025-003.yaml": ("green", []),
    # 30% spent (r 60), 市级 27%; no 时效指标; toilets 2100 of 8000 (half-year: r 52), expected 7600; collection points
    # 210 of 300 by June (r 140: target set low); sewage treatment expected 24% against ≥25%.
    "103-农业农村局/103-2025-004.yaml": (
        R,
        [
            ("W401", Y, "资金总额"),
            ("W401", R, "市级财政资金"),
            ("W427", Y, ""),
            ("W421", R, "农村户厕改造数量"),
            ("W423", Y, "农村户厕改造数量"),
            ("W424", Y, "农村户厕改造数量"),
            ("W421", B, "新建村级生活垃圾收集点"),
            ("W423", Y, "农村生活污水治理率"),
            ("W424", Y, "农村生活污水治理率"),
        ],
    ),
    # 33.9% spent overall; 基金 18.1% with 19% expected unspent; 项目支出 27.2% with 13% expected unspent; income growth.
    "103-农业农村局/部门整体.yaml": (
        R,
        [
            ("W401", Y, "资金总额"),
            ("W401", R, "政府性基金预算资金"),
            ("W404", Y, "政府性基金预算资金"),
            ("W401", R, "项目支出"),
            ("W404", Y, "项目支出"),
            ("W423", Y, "农村居民人均可支配收入增长"),
            ("W424", Y, "农村居民人均可支配收入增长"),
        ],
    ),
    # All on time (优良中等路率 84.2% against ≥85% mid-year is within 80%, and 确定能).
    "104-交通运输局/104-2025-001.yaml": ("green", []),
    # 省级 34.4%; accidents down 6.5% against ≥10% (r 65), 有可能. The 里程 target was adjusted to 152: on time.
    "104-交通运输局/104-2025-002.yaml": (
        Y,
        [("W401", Y, "省级财政资金"), ("W421", Y, "实施路段交通事故起数同比下降"), ("W424", Y, "实施路段交通事故起数同比下降")],
    ),
    # 涉密: on time.
    "104-交通运输局/104-2025-003.yaml": ("green", []),
    # Ridership expected 835 of 860万人次, 有可能.
    "104-交通运输局/104-2025-004.yaml": (Y, [("W423", Y, "城乡公交客运量"), ("W424", Y, "城乡公交客运量")]),
    # All on time; 项目支出 within 4% of its projects.
    "104-交通运输局/部门整体.yaml": ("green", []),
    # R&D investment 1.1 of 3亿 (half-year 1.5: r 73), expected 2.6.
    "105-科学技术局/105-2025-001.yaml": (
        Y,
        [("W421", Y, "带动企业研发投入"), ("W423", Y, "带动企业研发投入"), ("W424", Y, "带动企业研发投入")],
    ),
    # The small 自筹 row: 9.8 of 30 (32.7%).
    "105-科学技术局/105-2025-002.yaml": (Y, [("W401", Y, "单位自筹资金")]),
    # 单位资金 36.6%, 项目支出 37.0%; 项目支出 932.6 against 792.6 for the two projects reported (one missing);
    # no high-tech enterprise recognised yet (0 of 20), expected 18.
    "105-科学技术局/部门整体.yaml": (
        R,
        [
            ("W401", Y, "单位资金"),
            ("W401", Y, "项目支出"),
            ("W414", Y, "项目支出"),
            ("W421", R, "新认定高新技术企业"),
            ("W423", Y, "新认定高新技术企业"),
            ("W424", Y, "新认定高新技术企业"),
        ],
    ),
}

PERIOD = ROOT / "submissions" / "2025-06"


@pytest.fixture(scope="module")
def result() -> Iterator[api.Result]:
    before = Path.cwd()
    os.chdir(ROOT)  # paths as a clerk sees them: submissions/2025-06/...
    try:
        yield api.check([PERIOD])
    finally:
        os.chdir(before)


def _subject(message: str) -> str:
    match = re.search(r"「([^」]+)」", message)
    return match.group(1) if match and not message.startswith("绩效指标缺少") else ""


def test_every_demo_submission_was_read(result: api.Result) -> None:
    analysed = {Path(p).relative_to(Path("submissions/2025-06")).as_posix() for p in api.analyse(result).submissions}
    assert analysed == set(READING)
    assert result.errors == []


@pytest.mark.parametrize("name", sorted(READING))
def test_docgen_reports_what_a_reader_finds(result: api.Result, name: str) -> None:
    light, expected = READING[name]
    sa = api.analyse(result).of(Path("submissions/2025-06") / name)
    assert sa is not None
    found = [(f.code, f.light, _subject(f.message)) for f in sa.findings]
    assert sorted(found, key=str) == sorted(expected, key=str)
    assert (sa.light or None) == light


def test_departments_as_a_reader_counts_them(result: api.Result) -> None:
    counts = {d.code: {k: v for k, v in d.lights.items() if v} for d in api.analyse(result).departments()}
    assert counts == {
        "101": {"red": 3, "yellow": 1},
        "102": {"red": 2, "yellow": 2},
        "103": {"red": 3, "green": 1, "none": 1},
        "104": {"yellow": 2, "green": 3},
        "105": {"red": 1, "yellow": 2},
    }

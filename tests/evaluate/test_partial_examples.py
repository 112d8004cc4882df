"""examples/partial: real, partial submissions (no execution figures yet, no indicators yet, a department with some
figures not reported). They validate without a single invented value, raise no light the data does not justify,
draft no sentence that claims more than was reported, and the forms print 「未填报」 where nothing was reported."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen import api
from docgen.check.ruleset import BLUE, GREEN, GREY, RED, YELLOW
from docgen.errors import InvalidSubmissions
from docgen.evaluate import conclusions, draft
from docgen.form import vocabulary as F

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "partial"
DEPT = "submissions/2025-06/106-文化和旅游局"
NO_FIGURES, NO_INDICATORS, DEPARTMENT = f"{DEPT}/106-2025-001.yaml", f"{DEPT}/106-2025-002.yaml", f"{DEPT}/部门整体.yaml"
ONE_OFF_AND_DAILY = f"{DEPT}/106-2025-003.yaml"  # a one-off count and a daily rate, both done (data-indicators)
#: Outcomes a draft may only state when the data says so.
CLAIMS = ("预计能够完成年度目标", "总体运行正常", "与预期基本一致", "如期实现", "绿灯", "可完成目标")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("partial") / "repo"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture(scope="module")
def result(workspace: Path) -> api.Result:
    return api.check([workspace / "submissions"], workspace=api.Workspace.at(workspace))


def _analysis(result: api.Result, path: str) -> api.Evaluation:
    assert result.analysis is not None
    sa = next(sa for key, sa in result.analysis.submissions.items() if Path(key).as_posix().endswith(path))
    return sa


def test_the_example_validates_with_only_not_reported_notes(result: api.Result) -> None:
    assert result.ok and len(result.files) == 7  # 106's four and 107's two projects (test_partial_money.py), the roster
    assert {f.code for f in result.findings} == {"I402"}
    assert not [f for f in result.findings if f.light]


def test_no_light_the_data_does_not_justify(result: api.Result) -> None:
    assert result.analysis is not None
    for sa in result.analysis.submissions.values():
        if DEPT not in Path(sa.path).as_posix():
            continue  # 107 reports everything it has: tests/evaluate/test_partial_money.py
        assert sa.light == GREY, sa.path
        lights = [*sa.indicator_lights, *(light for rows in sa.row_lights.values() for light in rows.values())]
        assert not {RED, YELLOW, BLUE} & set(lights), sa.path
    dept = _analysis(result, DEPARTMENT)
    assert dept.row_lights["资金按类型"]["一般公共预算资金"] == GREEN  # what was reported is still judged
    assert dept.indicator_lights == (GREEN, GREEN, GREY, GREY, GREY)


def test_nothing_invented_in_the_model(result: api.Result) -> None:
    by_path = {p.path.as_posix(): p for p in [*result.projects, *result.departments]}
    first = next(p for key, p in by_path.items() if key.endswith(NO_FIGURES))
    assert first.funds["市级财政资金"].unreported == {"allocated", "spent", "expected"}
    assert all(not i.reported("result") and not i.reported("likelihood") for i in first.indicators)
    second = next(p for key, p in by_path.items() if key.endswith(NO_INDICATORS))
    assert second.unreported == {"indicators"} and second.indicators == ()
    assert {
        (key, sa.completeness.reported, sa.completeness.total)
        for key in (NO_FIGURES, NO_INDICATORS, DEPARTMENT)
        for sa in [_analysis(result, key)]
    } == {(NO_FIGURES, 7, 25), (NO_INDICATORS, 10, 17), (DEPARTMENT, 27, 40)}


@pytest.mark.parametrize("path", [NO_FIGURES, NO_INDICATORS, DEPARTMENT])
def test_drafts_claim_no_more_than_was_reported(result: api.Result, path: str) -> None:
    sa = _analysis(result, path)
    assert result.analysis is not None
    texts = [*(p for ps in draft.drafts(sa).values() for p in ps), *conclusions.draft(sa, result.analysis.ruleset).values()]
    joined = "".join(texts)
    claimed = [claim for claim in CLAIMS if claim in joined]
    if path == DEPARTMENT:  # two indicators the department itself judged 确定能, with their results
        assert joined.count("预计能够完成年度目标") == 3 and claimed == ["预计能够完成年度目标"]
    else:
        assert claimed == []
    assert F.NOT_REPORTED in joined and f"已填报{sa.completeness.reported}/{sa.completeness.total}项" in joined


def test_build_prints_not_reported_on_the_forms_and_counts_completeness(workspace: Path) -> None:
    built = api.build(workspace, cache=False)
    assert len(built.result.projects) == 5
    folder = workspace / "build" / "2025-06" / "106-朔州市文化和旅游局"
    sheet = openpyxl.load_workbook(next(folder.glob("附件2-106-2025-001-*.xlsx"))).active
    assert sheet is not None
    row = next(row for row in sheet.iter_rows(values_only=True) if "资金总额：" in row)
    total = [v for v in row[row.index("资金总额：") :] if v is not None]
    assert total == ["资金总额：", 0, 680, 680, *[F.NOT_REPORTED] * 5]  # 下达数, 下达率, 支出数, 支出进度, 全年预计
    remarks = [row[-1] for row in sheet.iter_rows(values_only=True) if row[-1] and "完成目标可能性" in str(row[-1])]
    assert remarks == ["完成目标可能性：未填报"] * 5  # no tick in any of the three columns, and the form says why
    docx = next(folder.glob("附件1-106-2025-001-*.docx"))
    with zipfile.ZipFile(docx) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert body.count(F.NOT_REPORTED) >= 6 and "预计能够完成年度目标" not in body
    summary = json.loads((workspace / "build" / "summary.json").read_text(encoding="utf-8"))
    done = {s["path"]: s["completeness"] for s in summary["periods"][0]["submissions"]}
    assert done[NO_FIGURES] == {"reported": 7, "total": 25, "complete": False}
    rollup = openpyxl.load_workbook(next(folder.glob("*汇总表.xlsx"))).worksheets[0]
    cells = [str(c) for row in rollup.iter_rows(values_only=True) for c in row if c is not None]
    assert "7/25" in cells and "28/29" in cells and "45/71" in cells and any("合计只含已填报的数字" in c for c in cells)


def test_build_strict_refuses_incomplete_files_for_the_official_submission(workspace: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidSubmissions) as raised:
        api.build(workspace, tmp_path / "out", cache=False, strict=True)
    assert sorted((Path(f.path).name, f.code) for f in raised.value.findings) == [
        ("106-2025-001.yaml", "E312"),
        ("106-2025-002.yaml", "E312"),
        ("106-2025-003.yaml", "E312"),
        ("部门整体.yaml", "E312"),
    ]
    assert not (tmp_path / "out").exists()


def test_a_one_off_count_and_a_daily_rate_raise_no_light(result: api.Result) -> None:
    """「1家」 engaged and 「日均5000平方米」 cleaned, both at their annual targets in June: not pro-rated (no blue
    「目标偏低」 from a ratio of 200), nothing unreadable (「每日不少于14小时」), only the unreported 满意度 grey."""
    sa = _analysis(result, ONE_OFF_AND_DAILY)
    project = next(p for p in result.projects if p.path.as_posix().endswith(ONE_OFF_AND_DAILY))
    one_off, daily, *_ = project.indicators
    assert (one_off.is_cumulative, daily.is_cumulative) == (False, False)
    assert [f.code for f in sa.findings] == ["I402"]  # only 游客满意度 未填报
    assert sa.indicator_lights == (GREEN, GREEN, GREEN, GREEN, GREEN, GREY)
    assert sa.light == GREY and sa.row_lights["资金"]["资金总额"] == GREEN

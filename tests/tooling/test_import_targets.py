"""`docgen import-targets`: the approved 绩效目标 from a spreadsheet or CSV into 批复目标/<部门代码>.yaml, all or nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from docgen import api

DEMO = Path(__file__).resolve().parents[2] / "examples" / "review-loop"
TARGETS = "submissions/2025-06/批复目标/101.yaml"
HEADER = ["项目代码", "项目名称", "一级指标", "二级指标", "三级指标", "指标值"]


@pytest.fixture
def repo(tmp_path: Path, chdir) -> Path:
    shutil.copytree(DEMO / "submissions" / "2025-06", tmp_path / "submissions" / "2025-06")
    shutil.rmtree(tmp_path / "submissions" / "2025-06" / "批复目标")
    chdir(tmp_path)
    return tmp_path


def _xlsx(path: Path, rows: list[list[object]], percent: tuple[int, int] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "批复目标"
    ws.append(["2025年项目绩效目标批复表"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    if percent is not None:
        ws.cell(*percent).number_format = "0%"
    wb.save(path)
    return path


def test_the_demos_csv_gives_the_demos_file_and_the_check_reads_it(run, repo: Path) -> None:
    result = run("import-targets", str(DEMO / "批复目标.csv"), "--period", "2025-06")
    assert result.exit_code == 0, result.stderr
    written = yaml.safe_load((repo / TARGETS).read_text(encoding="utf-8"))
    shipped = yaml.safe_load((DEMO / TARGETS).read_text(encoding="utf-8"))
    shipped.pop("批复文号")
    assert written == shipped
    text = (repo / TARGETS).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schema/targets.schema.json\n")
    assert '主管部门代码: "101"' in text and '  - 项目代码: "101-2025-001"' in text and "年度指标值: ≥12000人" in text
    checked = api.check([repo / "submissions"], workspace=api.Workspace.at(repo))
    assert not [f for f in checked.findings if f.path == TARGETS]
    assert [f.code for f in checked.findings if f.code.startswith("W61")] == ["W610"]


def test_a_workbook_with_a_percentage_cell_and_odd_text_is_written_safely(run, repo: Path) -> None:
    hostile = 'x: [1, "#注释" & *别名'
    _xlsx(
        repo / "批复.xlsx",
        [
            ["101-2025-001", "补助", "产出指标", "数量指标", "资助学生人数", 12000],
            ["101-2025-001", "补助", "满意度指标", "服务对象满意度指标", hostile, 0.95],
        ],
        percent=(4, 6),
    )
    result = run("import-targets", "批复.xlsx", "--period", "2025-06")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((repo / TARGETS).read_text(encoding="utf-8"))
    indicators = data["项目"][0]["绩效指标"]
    assert [(i["三级指标"], str(i["年度指标值"])) for i in indicators] == [("资助学生人数", "12000"), (hostile, "95%")]


def test_every_problem_is_located_on_its_cell_and_nothing_is_written(run, repo: Path) -> None:
    _xlsx(
        repo / "批复.xlsx",
        [
            ["101-2025-001", "补助", "产出指标", "数量指标", "资助学生人数", "≥12000人"],
            ["101-2025-009", "未列入", "产出指标", "数量指标", "某指标", "1"],
            ["101-2025-001", "补助", "产出指标", "满意度指标", "准确率", "100%"],
            ["101-2025-001", "补助", "产出指标", "数量指标", "资助学生人数", "≥12500人"],
            ["101-2025-002", "加固", "产出指标", "数量指标", "面积", None],
        ],
    )
    result = run("import-targets", "批复.xlsx", "--period", "2025-06")
    assert result.exit_code == 1
    located = [line.split(": ")[0] for line in result.stderr.splitlines() if " E615 " in line]
    assert located == ["批复.xlsx:批复目标!A4", "批复.xlsx:批复目标!D5", "批复.xlsx:批复目标!E6", "批复.xlsx:批复目标!F7"]
    assert not (repo / TARGETS).exists()


def test_a_changed_file_is_never_overwritten_without_force(run, repo: Path) -> None:
    (repo / "t.csv").write_text(",".join(HEADER) + "\n101-2025-001,补助,产出指标,数量指标,资助学生人数,≥12000人\n", encoding="utf-8")
    assert run("import-targets", "t.csv", "--period", "2025-06").exit_code == 0
    again = run("import-targets", "t.csv", "--period", "2025-06")
    assert again.exit_code == 0 and "未改动 1 个" in again.stderr
    edited = (repo / TARGETS).read_text(encoding="utf-8").replace("≥12000人", "≥13000人")
    (repo / TARGETS).write_text(edited, encoding="utf-8")
    refused = run("import-targets", "t.csv", "--period", "2025-06")
    assert refused.exit_code == 1 and "E617" in refused.stderr
    assert (repo / TARGETS).read_text(encoding="utf-8") == edited
    forced = run("import-targets", "t.csv", "--period", "2025-06", "--force")
    assert forced.exit_code == 0 and "≥12000人" in (repo / TARGETS).read_text(encoding="utf-8")


def test_a_mapping_names_other_headers_and_its_mistakes_are_located(run, repo: Path) -> None:
    (repo / "t.csv").write_text("编码,一级,二级,三级,目标值\n101-2025-001,产出指标,数量指标,资助学生人数,≥12000人\n", encoding="utf-8")
    (repo / "对照.yaml").write_text(
        "列:\n  项目代码: 编码\n  一级指标: 一级\n  二级指标: 二级\n  三级指标: 三级\n  指标值: 目标值\n", encoding="utf-8"
    )
    assert run("import-targets", "t.csv", "--period", "2025-06", "--mapping", "对照.yaml").exit_code == 0
    (repo / "错.yaml").write_text("列:\n  项目代码: 编码\n  目标: 目标值\n", encoding="utf-8")
    wrong = run("import-targets", "t.csv", "--period", "2025-06", "--mapping", "错.yaml", "--force")
    assert wrong.exit_code == 1
    assert "错.yaml:3:3: 错误 E618" in wrong.stderr


def test_a_period_without_a_roster_is_a_usage_error(run, repo: Path) -> None:
    (repo / "t.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    result = run("import-targets", "t.csv", "--period", "2025-03")
    assert result.exit_code == 2


def test_dry_run_says_what_would_be_written_and_writes_nothing(run, repo: Path) -> None:
    (repo / "t.csv").write_text(",".join(HEADER) + "\n101-2025-001,补助,产出指标,数量指标,资助学生人数,≥12000人\n", encoding="utf-8")
    for extra in ([], ["--force"]):
        dry = run("import-targets", "t.csv", "--period", "2025-06", "--dry-run", *extra)
        assert dry.exit_code == 0, dry.stderr
        assert "将写入 1 个文件" in dry.stderr and "已写入" not in dry.stderr
        assert not (repo / TARGETS).exists()


def test_a_refusal_names_the_existing_file_and_lists_each_change(run, repo: Path) -> None:
    (repo / "t.csv").write_text(",".join(HEADER) + "\n101-2025-001,补助,产出指标,数量指标,资助学生人数,≥12000人\n", encoding="utf-8")
    assert run("import-targets", "t.csv", "--period", "2025-06").exit_code == 0
    edited = (repo / TARGETS).read_text(encoding="utf-8").replace("≥12000人", "≥13000人")
    (repo / TARGETS).write_text(edited, encoding="utf-8")
    refused = run("import-targets", "t.csv", "--period", "2025-06")
    assert refused.exit_code == 1
    assert "批复目标表格中有" not in refused.stderr and "E616" not in refused.stderr
    assert refused.stderr.startswith("2025-06/批复目标/101.yaml: 错误 E617 文件已存在，导入会修改其中 1 项") or (
        "批复目标/101.yaml: 错误 E617 文件已存在，导入会修改其中 1 项" in refused.stderr
    )
    assert any("≥13000人" in line and "≥12000人" in line for line in refused.stderr.splitlines())
    assert "加 --force 覆盖" in refused.stderr


def test_force_keeps_the_offices_own_keys_and_comments(run, repo: Path) -> None:
    (repo / "t.csv").write_text(",".join(HEADER) + "\n101-2025-001,补助,产出指标,数量指标,资助学生人数,≥12000人\n", encoding="utf-8")
    assert run("import-targets", "t.csv", "--period", "2025-06").exit_code == 0
    text = (repo / TARGETS).read_text(encoding="utf-8")
    text = text.replace("≥12000人", "≥13000人").replace(
        '主管部门代码: "101"\n', '主管部门代码: "101"\n# 财政局 6 月批复\n批复文号: 朔财预〔2025〕12号\n'
    )
    (repo / TARGETS).write_text(text, encoding="utf-8")
    forced = run("import-targets", "t.csv", "--period", "2025-06", "--force")
    assert forced.exit_code == 0, forced.stderr
    after = (repo / TARGETS).read_text(encoding="utf-8")
    assert "≥12000人" in after and "≥13000人" not in after
    assert "批复文号: 朔财预〔2025〕12号" in after and "# 财政局 6 月批复" in after
    assert after.startswith("# yaml-language-server: $schema=../../../schema/targets.schema.json\n")
    again = run("import-targets", "t.csv", "--period", "2025-06")  # the office's keys are no difference
    assert again.exit_code == 0 and "未改动 1 个" in again.stderr

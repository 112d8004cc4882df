"""Where monitoring results show: validate (warnings, exit 0), check --format json (everything with lights),
build and rollup (the 汇总表), and the library API the site and the renderer call."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from docgen import api
from docgen.errors import InvalidSubmissions
from tests.cli.test_commands import FOLDER, PROJECT, tree
from tests.conftest import ROOT


def test_validate_lists_warnings_and_exits_0(run, chdir) -> None:
    chdir(ROOT)
    result = run("validate")
    assert result.exit_code == 0
    assert "警告 W401 【红灯】" in result.stdout and "提示 I401" in result.stdout
    assert "条提示" in result.stderr
    strict = run("validate", "--strict")
    assert strict.exit_code == 1


def test_a_warning_points_at_the_figure_it_is_about(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    result = run("validate")
    assert result.exit_code == 0
    # 市级财政资金 spent 98.2 of 275.5 (35.6%, r 71): the line and column of its 支出数
    line = next(line for line in result.stdout.splitlines() if " W401 " in line)
    assert line.startswith(f"{FOLDER}/101-2025-001.yaml:10:")
    row = PROJECT.splitlines()[9]
    assert int(line.split(":")[2]) == row.index("支出数") + len("支出数: ") + 1


def test_strict_only_counts_warnings_not_hints(run, chdir, tmp_path) -> None:
    zero_row = "  其他资金: {上年结转: 0, 本年预算: 0, 下达数: 0, 支出数: 0, 全年预计支出数: 0}\n"
    assert zero_row in PROJECT  # a row of zeros is a warning of its own (W307): leave it out here
    quiet = PROJECT.replace(zero_row, "").replace("支出数: 98.2", "支出数: 137.75").replace("11860人", "12000人")
    chdir(tree(tmp_path, **{f"{FOLDER}/101-2025-001.yaml": quiet.replace("资助学生人数\n", "资助学生人数\n    按进度累计: true\n")}))
    result = run("validate", "--strict", "--format", "json")
    report = json.loads(result.stdout)
    assert report["warnings"] == 1 and [f["code"] for f in report["findings"] if f["severity"] == "warning"] == ["W427"]


def test_github_format_makes_hints_notices(run, chdir) -> None:
    chdir(ROOT)
    lines = run("validate", "--format", "github", "submissions/2025-06/103-农业农村局/103-2025-002.yaml").stdout.splitlines()
    assert lines and lines[0].startswith("::notice file=submissions/2025-06/103-农业农村局/103-2025-002.yaml,line=10,col=1,title=I401::")


def test_check_json_has_every_finding_with_lights_per_submission_and_department(run, chdir) -> None:
    chdir(ROOT)
    result = run("check", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["errors"] == 0 and report["warnings"] > 0 and report["infos"] >= 1
    assert {f["light"] for f in report["findings"]} >= {"red", "yellow", "blue", None}
    by_path = {s["path"]: s for s in report["submissions"]}
    project = by_path["submissions/2025-06/101-教育局/101-2025-001.yaml"]
    assert project["light"] == "yellow" and project["kind"] == "project" and project["code"] == "101-2025-001"
    assert project["rows"]["资金"] == {"资金总额": "green", "中央财政资金": "green", "市级财政资金": "yellow"}
    assert [i["light"] for i in project["indicators"]][-1] == "yellow" and project["counts"]["yellow"] == 3
    assert project["likelihoods"] == {"确定能": 6, "有可能": 1, "完全不可能": 0}
    assert by_path["submissions/2025-06/103-农业农村局/103-2025-002.yaml"]["light"] == "none"
    assert by_path["submissions/2025-06/104-交通运输局/104-2025-003.yaml"]["confidential"] is True
    departments = {d["department_code"]: d["lights"] for d in report["departments"]}
    assert departments["104"] == {"red": 0, "yellow": 2, "blue": 0, "green": 3, "grey": 0, "none": 0}


def test_check_text_lists_lights(run, chdir) -> None:
    chdir(ROOT)
    result = run("check", "submissions/2025-06/104-交通运输局/")
    assert result.exit_code == 0
    assert "绿灯  submissions/2025-06/104-交通运输局/104-2025-001.yaml  农村公路养护工程" in result.stdout
    assert "2025-06 104 朔州市交通运输局：黄灯 2，绿灯 3" in result.stdout


def test_checking_one_department_file_still_sees_its_projects(chdir) -> None:
    """W414 compares with the projects beside the file, even when only the 部门整体 is checked."""
    chdir(ROOT)
    quiet = api.check([Path("submissions/2025-06/101-教育局/部门整体.yaml")])
    assert "W414" not in [f.code for f in quiet.findings]
    gap = api.check([Path("submissions/2025-06/105-科学技术局/部门整体.yaml")])
    [w414] = [f for f in gap.findings if f.code == "W414"]
    assert "已报 2 个项目" in w414.message and "另有 1 个项目尚未报送" in w414.message


def test_checking_one_project_still_uses_the_roster(chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    text = PROJECT.replace("预算单位: 朔州市教育局本级\n资金", "预算单位: 朔州市教育局本级\n涉密: true\n资金")
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(text, encoding="utf-8")
    result = api.check([Path(FOLDER) / "101-2025-001.yaml"])
    assert [f.message for f in result.findings if f.code == "W413"] == ["「涉密」与名单不一致：名单中为 否，本文件为 是"]


def test_monitoring_also_reports_on_files_with_business_rule_errors(chdir, tmp_path) -> None:
    """A duplicate key or a totals error leaves the data in shape: its warnings come in the same pass."""
    chdir(tree(tmp_path))
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(PROJECT + "项目名称: 重复\n", encoding="utf-8")
    result = api.check([Path("submissions")])
    assert [f.code for f in result.errors] == ["E103"] and "W401" in [f.code for f in result.warnings]
    assert result.projects == []  # never rendered
    broken = PROJECT.replace("支出数: 98.2", "支出数: 九十八")
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(broken, encoding="utf-8")
    assert [f.code for f in api.check([Path("submissions")]).findings if f.code.startswith("W4")] == []


def test_build_writes_the_rollups(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    result = run("build")
    assert result.exit_code == 0
    assert (tmp_path / "build" / "2025-06" / "101-朔州市教育局" / "101-朔州市教育局-2025年1-6月绩效监控汇总表.xlsx").is_file()
    assert (tmp_path / "build" / "2025-06" / "全市-2025年1-6月绩效监控汇总表.xlsx").is_file()
    [entry] = json.loads((tmp_path / "build" / "summary.json").read_text(encoding="utf-8"))["periods"][0]["submissions"]
    assert entry["light"] == "yellow" and entry["lights"] == {"red": 0, "yellow": 2, "blue": 1, "none": 0}  # W401, W427; W421 blue


def test_rollup_command(run, chdir, tmp_path) -> None:
    chdir(tree(tmp_path))
    result = run("rollup")
    assert result.exit_code == 0 and result.stdout.count("已生成汇总表") == 2
    again = run("rollup")
    assert again.exit_code == 0 and again.stdout.strip() == "汇总表与上次生成时相同，未重新生成（build）"
    bad = PROJECT.replace("年度: 2025", "年度: 二〇二五")
    (tmp_path / FOLDER / "101-2025-001.yaml").write_text(bad, encoding="utf-8")
    assert run("rollup").exit_code == 1


def test_analyse_gives_lights_per_path_and_department(chdir) -> None:
    chdir(ROOT)
    analysis = api.analyse(api.check([Path("submissions/2025-06/101-教育局")]))
    sa = analysis.of("submissions/2025-06/101-教育局/101-2025-002.yaml")
    assert sa is not None and sa.light == "red" and all(f.path == sa.path for f in sa.findings)
    assert analysis.department("2025-06", "101").lights["red"] == 3  # type: ignore[union-attr]


def test_analyse_refuses_when_the_rules_file_is_broken(chdir, tmp_path) -> None:
    chdir(tree(tmp_path, **{"schema/rules.yaml": "规则: []\n"}))
    result = api.check([Path("submissions")])
    assert result.analysis is None and [f.code for f in result.errors] == ["E204"]
    with pytest.raises(InvalidSubmissions):
        api.analyse(result)


def test_an_explicit_rules_file_wins(chdir, tmp_path) -> None:
    chdir(tree(tmp_path, **{"strict.yaml": "规则:\n  W401:\n    阈值:\n      红灯低于: 99\n      黄灯低于: 100\n"}))
    result = api.check([Path("submissions")], rules=Path("strict.yaml"))
    assert [f.light for f in result.findings if f.code == "W401"] == ["red"]


def test_a_staged_department_file_is_compared_with_all_its_projects(chdir, tmp_path) -> None:
    """validate --staged exports only what is staged; W414 still sees the department's committed projects."""
    import shutil
    import subprocess

    shutil.copytree(ROOT / "submissions" / "2025-06" / "101-教育局", tmp_path / "submissions" / "2025-06" / "101-教育局")
    shutil.copy(ROOT / "submissions" / "2025-06" / "名单.yaml", tmp_path / "submissions" / "2025-06" / "名单.yaml")
    chdir(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    dept = Path("submissions/2025-06/101-教育局/部门整体.yaml")
    one = Path("submissions/2025-06/101-教育局/101-2025-001.yaml")
    dept.write_text(dept.read_text(encoding="utf-8") + "# 已复核\n", encoding="utf-8")
    one.write_text(one.read_text(encoding="utf-8").replace("支出数: 98.2", "支出数: 99.2"), encoding="utf-8")
    subprocess.run([*git, "add", str(dept), str(one)], check=True)
    result = api.check_staged()
    assert sorted(str(p) for p in result.files) == sorted([str(dept), str(one)])
    # against all three projects the 项目支出 is within scope; against the one staged project it would not be
    assert "W414" not in [f.code for f in result.findings]


def test_w414_tells_a_project_file_with_errors_from_one_never_sent(chdir, tmp_path) -> None:
    """A project that was sent but does not read is 「有错误」, not 「尚未报送」 (issue 14)."""
    for folder in ("submissions", "schema"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    chdir(tmp_path)
    broken = tmp_path / "submissions/2025-06/105-科学技术局/105-2025-002.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("项目名称: ", "项目名称：", 1), encoding="utf-8")
    result = api.check([Path("submissions/2025-06/105-科学技术局/部门整体.yaml")])
    [w414] = [f for f in result.findings if f.code == "W414"]
    assert "已报 1 个项目" in w414.message
    assert "另有 1 个项目尚未报送、1 个项目的报送文件有错误（未计入合计）" in w414.message

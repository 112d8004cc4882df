"""`docgen new period` and `docgen new roster` on a copy of the demo: carried over as drafts, never overwriting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from docgen import api
from tests.conftest import ROOT

DEMO_FILE = "101-教育局/101-2025-001.yaml"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "submissions" / "2025-06", tmp_path / "submissions" / "2025-06")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    return tmp_path


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_new_period_turns_the_demo_into_a_ready_to_fill_period(run, chdir, demo: Path) -> None:
    chdir(demo)
    result = run("new", "period", "2025-09", "--from", "2025-06")
    assert result.exit_code == 0, result.stderr
    old, new = demo / "submissions" / "2025-06", demo / "submissions" / "2025-09"
    assert sorted(p.relative_to(new) for p in new.rglob("*.yaml")) == sorted(p.relative_to(old) for p in old.rglob("*.yaml"))
    before, after = _read(old / DEMO_FILE), _read(new / DEMO_FILE)
    assert after["截至月份"] == 9 and after["年度"] == 2025
    for key in ("项目名称", "项目代码", "主管部门", "预算单位", "项目年度绩效目标", "起止时间"):
        assert after[key] == before[key]
    row = after["资金"]["中央财政资金"]
    assert row["本年预算"] == before["资金"]["中央财政资金"]["本年预算"] and row["上年结转"] == 0
    assert row["下达数"] == row["支出数"] == row["全年预计支出数"] == "未填报"
    first = after["绩效指标"][0]
    assert first["三级指标"] == before["绩效指标"][0]["三级指标"] and first["年度指标值"] == "≥12000人"
    assert first["指标完成情况"] == first["全年指标预计完成情况"] == first["完成目标可能性"] == "未填报"
    assert first["按进度累计"] is False  # a flag the unit decided once is kept
    assert all("偏差原因分析" not in i for i in after["绩效指标"])
    assert list(after["分析报告"]) == ["基本情况"] and "成文日期" not in after
    text = (new / DEMO_FILE).read_text(encoding="utf-8")
    assert "# 按学期核定受助人数，不按月累计" in text  # comments survive the round trip
    assert text.startswith("# yaml-language-server: $schema=../../../schema/project.schema.json")
    roster = _read(new / "名单.yaml")
    assert (roster["截至月份"], roster["截止日期"]) == (9, "2025-10-31")
    assert roster["部门"] == _read(old / "名单.yaml")["部门"]
    assert "2025年1-9月" in (new / "名单.yaml").read_text(encoding="utf-8").splitlines()[1]
    assert "截止日期暂按 2025-10-31" in result.stderr


def test_carried_files_are_valid_drafts_canonical_and_refused_by_strict_build(run, chdir, demo: Path) -> None:
    chdir(demo)
    assert run("new", "period", "2025-09", "--from", "2025-06").exit_code == 0
    checked = api.check([Path("submissions/2025-09")], workspace=api.Workspace.at(demo), cache=False)
    assert checked.errors == [] and len(checked.files) == 22
    assert run("fmt", "--check", "submissions/2025-09").exit_code == 0
    strict = api.refusals(checked, strict=True)
    assert {f.code for f in strict} == {"E312"} and len({f.path for f in strict}) == 21  # every submission, not the roster
    build = run("build", "--strict")
    assert build.exit_code == 1 and "E312" in build.stderr


def test_new_period_never_overwrites_and_says_what_it_kept(run, chdir, demo: Path) -> None:
    chdir(demo)
    target = demo / "submissions" / "2025-09" / DEMO_FILE
    target.parent.mkdir(parents=True)
    target.write_text("# 已经开始填写\n", encoding="utf-8")
    result = run("new", "period", "2025-09", "--from", "2025-06", "--deadline", "2025-10-20")
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == "# 已经开始填写\n"
    assert "已存在，未覆盖" in result.stderr and "submissions/2025-09/101-教育局/101-2025-001.yaml" in result.stderr
    assert _read(demo / "submissions" / "2025-09" / "名单.yaml")["截止日期"] == "2025-10-20"
    assert "截止日期暂按" not in result.stderr
    again = run("new", "period", "2025-09", "--from", "2025-06")
    assert again.exit_code == 0 and again.stdout == ""


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("2025-05", "--from", "2025-06"), "E552"),
        (("2026-03", "--from", "2025-06"), "E553"),
        (("2025-09", "--from", "2025-03"), "E554"),
        (("2025-13", "--from", "2025-06"), None),
        (("2025-09",), None),
    ],
)
def test_new_period_refuses_what_cannot_be_carried(run, chdir, demo: Path, args: tuple[str, ...], code: str | None) -> None:
    chdir(demo)
    result = run("new", "period", *args)
    assert result.exit_code == 2
    if code:
        from docgen import messages

        assert messages.MESSAGES[code].split("{")[0][:4] in result.stderr
    assert not (demo / "submissions" / "2025-09").exists()


def test_a_broken_source_file_stops_everything_with_its_line(run, chdir, demo: Path) -> None:
    chdir(demo)
    broken = demo / "submissions" / "2025-06" / "102-卫生健康委员会" / "102-2025-001.yaml"
    broken.write_text("年度: 2025\n资金: [1, 2\n", encoding="utf-8")
    result = run("new", "period", "2025-09", "--from", "2025-06")
    assert result.exit_code == 1
    assert "submissions/2025-06/102-卫生健康委员会/102-2025-001.yaml:" in result.stderr and "E550" in result.stderr
    assert not (demo / "submissions" / "2025-09").exists()  # all or nothing


def test_new_roster_lists_what_the_period_holds(run, chdir, demo: Path) -> None:
    chdir(demo)
    assert run("new", "period", "2025-09", "--from", "2025-06").exit_code == 0
    roster = demo / "submissions" / "2025-09" / "名单.yaml"
    expected = _read(roster)["部门"]
    roster.unlink()
    result = run("new", "roster", "--period", "2025-09", "--deadline", "2025-10-15")
    assert result.exit_code == 0, result.stderr
    made = _read(roster)
    assert made["截止日期"] == "2025-10-15"
    submitted = sorted(p.stem for p in roster.parent.rglob("*.yaml") if p.stem not in ("部门整体", "名单"))
    assert [p["项目代码"] for d in made["部门"] for p in d["应报项目"]] == submitted
    assert [d["主管部门代码"] for d in made["部门"]] == [d["主管部门代码"] for d in expected]
    assert made["部门"][0]["预算单位"] == expected[0]["预算单位"]
    checked = api.check([Path("submissions/2025-09")], workspace=api.Workspace.at(demo), cache=False)
    assert checked.errors == []
    assert run("new", "roster", "--period", "2025-09").exit_code == 2  # never overwritten


def test_new_roster_carries_the_latest_earlier_roster_or_scaffolds_one(run, chdir, demo: Path) -> None:
    chdir(demo)
    carried = run("new", "roster", "--period", "2025-08")
    assert carried.exit_code == 0 and "沿用自 submissions/2025-06/名单.yaml" in carried.stderr
    assert _read(demo / "submissions" / "2025-08" / "名单.yaml")["部门"] == _read(demo / "submissions" / "2025-06" / "名单.yaml")["部门"]
    blank = run("new", "roster", "--period", "2024-12")
    assert blank.exit_code == 0
    text = (demo / "submissions" / "2024-12" / "名单.yaml").read_text(encoding="utf-8")
    assert "（主管部门全称）" in text and _read(demo / "submissions" / "2024-12" / "名单.yaml")["截至月份"] == 12


def test_the_existing_new_usage_still_works(run, chdir, demo: Path) -> None:
    chdir(demo)
    result = run("new", "project", "--period", "2025-06", "--department-code", "101", "--code", "101-2025-004")
    assert result.exit_code == 0
    assert (demo / "submissions" / "2025-06" / "101-教育局" / "101-2025-004.yaml").is_file()
    assert run("new", "project", "--period", "2025-06", "--code", "101-2025-005").exit_code == 2


def test_the_notes_name_the_profiles_bureau_not_the_citys(run, chdir, tmp_path: Path) -> None:
    """Under the national-2019 profile (bureau: 财政部) the deadline and roster notes say 财政部, not 市财政局."""
    source = ROOT / "examples" / "profiles" / "national-2019"
    shutil.copytree(source / "submissions", tmp_path / "submissions")
    shutil.copy(source / "docgen.yaml", tmp_path / "docgen.yaml")
    period = sorted(p.name for p in (tmp_path / "submissions").iterdir() if p.is_dir())[0]
    year, month = (int(x) for x in period.split("-"))
    chdir(tmp_path)
    later = f"{year}-{month + 3:02d}"
    result = run("new", "period", later, "--from", period)
    assert result.exit_code == 0, result.stderr
    assert "请按财政部的通知核对" in result.stderr and "市财政局" not in result.stderr
    no_roster = run("new", "project", "--period", f"{year}-{month + 4:02d}", "--department-code", "101", "--code", "101-2025-001")
    assert "本期还没有名单文件" in no_roster.stderr and "名单由财政部维护" in no_roster.stderr

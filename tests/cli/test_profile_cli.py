"""docgen.yaml chooses the repository's profile, and every command follows it: `docgen profile list/show/check`,
the build's titles and the cache, with no change to code. Bad choices are refused with docgen.yaml's line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docgen import api, cli
from docgen.errors import InvalidSubmissions, UsageError
from docgen.form import forms
from docgen.workspace import Workspace, read_choice
from tests.conftest import ROOT, build_file_tree

COUNTY = ROOT / "examples" / "profiles" / "shuozhou-county"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The 县级 demo, copied: docgen.yaml says `profile: shuozhou-county`."""
    shutil.copytree(COUNTY, tmp_path / "demo")
    return tmp_path / "demo"


def _run(root: Path, *args: str) -> tuple[int, str]:
    before = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli.cli, list(args))
    finally:
        os.chdir(before)
    return result.exit_code, result.output


def _title(build: Path, pattern: str) -> str:
    book = openpyxl.load_workbook(next(build.rglob(pattern)))
    return str(book.worksheets[0]["A1"].value)


def test_list_marks_the_profile_in_use(demo: Path) -> None:
    code, out = _run(demo, "profile", "list")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert [line.split()[0] for line in lines] == list(forms.builtin_ids())
    assert [line.split()[0] for line in lines if "←" in line] == ["shuozhou-county"]


def test_show_draws_the_grid_row_by_row(demo: Path) -> None:
    code, out = _run(demo, "profile", "show")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "附件2 县级项目支出绩效运行监控表（表样 shuozhou-county：朔州市县级预算绩效运行监控表）"
    assert lines[2] == "  [A-M 县级项目支出绩效运行监控表]"
    assert lines[3] == "  [A-B 项目名称] [C-M 〔name〕]"
    assert lines[4] == "  [A-B 主管部门及代码] [C-G 〔department_and_code〕] [H-I 预算单位] [J-M 〔unit〕]"
    header = lines[5]
    assert header.startswith("  [A 项目资金预算安排及执行进度（万元）（纵向合并）] [B ] [C 年度预算资金安排 / 上年结转]")
    assert "[F 1-6月下达数] [G-H 1-6月下达率%（下达数/本年预算数）]" in header and header.endswith("[L-M 全年预计支出数]")
    assert lines[7:13] == [f"  [B {'其中：' if i == 0 else ''}{row}]" for i, row in enumerate(forms.PROJECT_FORM.table("funds").rows)]
    assert "[J 完成目标可能性“√” / 确定能] [K 完成目标可能性“√” / 有可能] [L 完成目标可能性“√” / 完全不可能] [M 备注]" in out
    assert "  「完全不可能」须填写：偏差原因分析、拟采取的措施（备注）" in lines
    code, out = _run(demo, "profile", "show", "--form", "department")
    assert code == 0 and out.splitlines()[0].startswith("附件3 县级部门整体支出绩效运行监控表")
    assert "  [B 其中：基本支出]" in out.splitlines()


def test_switching_docgen_yaml_switches_the_titles_and_the_cache(demo: Path) -> None:
    """The same submissions, three profiles, no code change: each build prints its own titles; the cached outputs
    of one profile are never taken for another's."""
    api.build(demo, jobs=1)
    assert _title(demo / "build", "附件2-101-2025-001-*.xlsx") == "县级项目支出绩效运行监控表"
    assert _title(demo / "build", "附件3-*.xlsx") == "县级部门整体支出绩效运行监控表"
    assert list((demo / "build").rglob("全县-*汇总表.xlsx"))
    (demo / "docgen.yaml").write_text("profile: shuozhou-district\n", encoding="utf-8")
    api.build(demo, jobs=1)
    assert _title(demo / "build", "附件2-101-2025-001-*.xlsx") == "区级项目支出绩效运行监控表"
    build_file_tree(demo, {"profiles/我们的表.yaml": "extends: shuozhou-city\nid: ours\nname: 某州表样\nlevel: 州本级\n"})
    (demo / "docgen.yaml").write_text("profile: profiles/我们的表.yaml\n", encoding="utf-8")
    api.build(demo, jobs=1)
    assert _title(demo / "build", "附件2-101-2025-001-*.xlsx") == "州本级项目支出绩效运行监控表"
    assert _title(demo / "build", "附件3-*.xlsx") == "州本级部门整体支出绩效运行监控表"
    (demo / "docgen.yaml").unlink()  # no docgen.yaml: the default, 市级
    api.build(demo, jobs=1)
    assert _title(demo / "build", "附件2-101-2025-001-*.xlsx") == "市级项目支出绩效运行监控表"


def test_a_profile_file_with_mistakes_stops_validate_with_its_lines(demo: Path) -> None:
    bad = (ROOT / "tests" / "check" / "profile_cases" / "overlapping-columns.yaml").read_text(encoding="utf-8")
    build_file_tree(demo, {"profiles/坏.yaml": bad})
    (demo / "docgen.yaml").write_text("profile: profiles/坏.yaml\n", encoding="utf-8")
    with pytest.raises(InvalidSubmissions) as caught:
        api.profile(demo)
    assert [(f.path, f.line, f.column, f.code) for f in caught.value.findings] == [("profiles/坏.yaml", 8, 7, "E710")]
    code, out = _run(demo, "validate")
    assert code == 1
    assert "profiles/坏.yaml:8:7: 错误 E710" in out


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("profile: ../outside.yaml\n", 1),
        ("profile: /etc/outside.yaml\n", 1),
        ("# 表样\nprofile: profiles/link.yaml\n", 2),
        ("profile: profiles/none.yaml\n", 1),
        ("profile: shuozhou-nowhere\n", 1),
        ("profile: [a, b]\n", 1),
        ("colour: red\n", 1),
        ("- profile\n", 1),
        ("profile: 'unclosed\n", 2),
    ],
)
def test_a_bad_choice_is_refused_with_docgen_yaml_s_line(tmp_path: Path, text: str, line: int) -> None:
    build_file_tree(tmp_path, {"submissions/.keep": "", "docgen.yaml": text, "outside.yaml": "level: 县级\n"})
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    with pytest.raises(UsageError) as caught:
        api.profile(tmp_path)
    assert str(caught.value).startswith(f"docgen.yaml:{line}:")
    assert caught.value.exit_code == 2
    code, out = _run(tmp_path, "validate")
    assert code == 2 and f"docgen.yaml:{line}:" in out


def test_docgen_yaml_is_bounded_and_never_read_through_a_link(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"submissions/.keep": "", "real.yaml": "profile: shuozhou-county\n"})
    (tmp_path / "docgen.yaml").symlink_to(tmp_path / "real.yaml")
    with pytest.raises(UsageError, match="符号链接"):
        read_choice(tmp_path)
    (tmp_path / "docgen.yaml").unlink()
    (tmp_path / "docgen.yaml").write_text("profile: shuozhou-county\n" + "#" * (70 << 10), encoding="utf-8")
    with pytest.raises(UsageError, match="太大"):
        read_choice(tmp_path)


def test_the_choice_is_read_once_per_workspace(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"submissions/.keep": "", "docgen.yaml": "profile: shuozhou-county  # 县级\n"})
    ws = Workspace.at(tmp_path)
    first = ws.profile_choice
    assert first is not None and (first.name, first.path, first.line, first.column) == ("shuozhou-county", None, 1, 10)
    (tmp_path / "docgen.yaml").write_text("profile: shuozhou-district\n", encoding="utf-8")
    assert ws.profile_choice is first
    assert Workspace.at(tmp_path).profile_choice.name == "shuozhou-district"  # type: ignore[union-attr]


def test_a_profile_change_is_a_cache_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-file check results are kept in the cache: the same bytes under another profile are checked again."""
    from docgen.check import validate
    from tests.history.gitrepo import PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH
    from tests.history.test_profile_history import OWN as own

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(validate, "CACHE_FROM", 1)
    root = tmp_path / "repo"
    build_file_tree(
        root,
        {
            "docgen.yaml": "profile: profiles/ours.yaml\n",
            "profiles/ours.yaml": own,
            ROSTER_PATH: ROSTER,
            PROJECT_PATH: PROJECT.replace("中央财政资金", "上级补助资金"),
        },
    )
    monkeypatch.chdir(root)
    first = api.check([Path(PROJECT_PATH)], workspace=Workspace.find())
    assert not first.errors
    (root / "docgen.yaml").unlink()  # the default forms: 上级补助资金 is no row of theirs
    second = api.check([Path(PROJECT_PATH)], workspace=Workspace.find())
    assert any(f.code.startswith("E2") for f in second.errors)
    (root / "docgen.yaml").write_text("profile: profiles/ours.yaml\n", encoding="utf-8")
    assert not api.check([Path(PROJECT_PATH)], workspace=Workspace.find()).errors
    assert list((tmp_path / "cache" / "docgen").glob("check-*/*"))  # the results were cached, under both profiles

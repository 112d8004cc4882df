"""An unfilled template is not a submission: `docgen new`'s placeholders (W308) and an all-zero file (W310) are valid
drafts under `validate`, and refused (E313) by `build`, the hook (`validate --staged`) and so CI; never 已提交."""

from __future__ import annotations

import re
from pathlib import Path

from docgen.check.findings import Finding
from docgen.form.model import Period
from docgen.site.generate import ERROR, Assessment, Entry
from tests.tooling.test_hooks import PROJECT, git, quiet_git, repo, run

__all__ = ["quiet_git", "repo"]  # fixtures, used by name

NEW = "submissions/2025-06/101-教育局/101-2025-004.yaml"


def _scaffold(repo: Path) -> Path:
    code, _, err = run("new", "project", "--period", "2025-06", "--department-code", "101", "--code", "101-2025-004", "--name", "新项目")
    assert code == 0, err
    assert (repo / NEW).is_file()
    return repo / NEW


def test_a_scaffold_is_a_valid_draft_but_build_and_the_hook_refuse_it(repo: Path) -> None:
    _scaffold(repo)
    code, out, _ = run("validate", NEW)
    assert code == 0 and "W308" in out and "I402" in out  # a draft: valid, with notes saying what to fill in
    assert "W310" not in out  # its amounts are 「未填报」, not zeros nobody reported
    code, out, err = run("build")
    assert code == 1 and "E313" in out + err and not (repo / "build").exists()
    code, out, err = run("rollup")  # no 汇总表 counts it as 已报 either
    assert code == 1 and "E313" in out + err and not (repo / "build").exists()
    git(repo, "add", NEW)
    code, out, _ = run("validate", "--staged")
    assert code == 1 and "错误 E313 未填写的模板不能报送" in out


def test_a_scaffold_invents_no_value(repo: Path) -> None:
    """Every amount and the 完成目标可能性 of `docgen new` read 「未填报」: no 0, no 确定能 that nobody stated."""
    for kind, args, file in (
        ("project", ("--code", "101-2025-004", "--name", "新项目"), NEW),
        ("department", (), "submissions/2025-06/101-教育局/部门整体.yaml"),
    ):
        if kind == "department":
            (repo / file).unlink()
        code, _, err = run("new", kind, "--period", "2025-06", "--department-code", "101", *args)
        assert code == 0, err
        values = [
            line.split(":", 1)[1].strip()
            for line in (repo / file).read_text(encoding="utf-8").splitlines()
            if ":" in line and not line.lstrip().startswith("#")
        ]
        assert "0" not in values and "确定能" not in values
        text = (repo / file).read_text(encoding="utf-8")
        assert "完成目标可能性: 未填报" in text and "支出数: 未填报" in text
        code, out, _ = run("validate", file)
        assert code == 0 and "W308" in out  # still a template: build and the hook refuse it (above)


def test_the_refusal_never_promises_that_a_draft_can_be_committed(repo: Path) -> None:
    """The hook refuses an unfilled template (issue 14 item 2), so no message may say drafts can be committed."""
    file = repo / PROJECT
    file.write_text(
        re.sub(r"(上年结转|本年预算|下达数|支出数|全年预计支出数): [0-9.]+", r"\1: 0", file.read_text(encoding="utf-8")), encoding="utf-8"
    )
    code, out, _ = run("validate", PROJECT)
    assert code == 0 and "W310" in out and "提交前检查、CI 和 docgen build 都会拒绝它" in out
    git(repo, "add", PROJECT)
    code, out, _ = run("validate", "--staged")
    assert code == 1 and "E313" in out and "提交前检查、CI 和 docgen build 都会拒绝它" in out
    assert "可以提交" not in out


def test_an_all_zero_file_is_refused_and_one_with_real_figures_is_not(repo: Path) -> None:
    file = repo / PROJECT
    text = file.read_text(encoding="utf-8")
    zeros = re.sub(r"(上年结转|本年预算|下达数|支出数|全年预计支出数): [0-9.]+", r"\1: 0", text)
    file.write_text(zeros, encoding="utf-8")
    code, out, _ = run("validate", PROJECT)
    assert code == 0 and "W310" in out
    code, out, err = run("build")
    assert code == 1 and "E313" in out + err
    file.write_text(zeros.replace("支出数: 0", "支出数: 未填报", 1), encoding="utf-8")  # a figure not yet known is not a 0
    code, out, _ = run("validate", PROJECT)
    assert code == 0 and "W310" not in out
    file.write_text(text, encoding="utf-8")
    code, out, _ = run("validate", PROJECT)
    assert code == 0 and "W310" not in out


def test_the_site_never_counts_an_unfilled_template_as_submitted() -> None:
    def entry(code: str) -> Entry:
        found = [Finding("a.yaml", 1, 1, code, "warning", "…")]
        return Entry("project", Period(2025, 6), "101", "教育局", "101-2025-001", "项目", path=Path("a.yaml"), assessment=Assessment(found))

    unfilled, drafted = entry("W310"), entry("W307")
    assert not unfilled.submitted and unfilled.status == ERROR and unfilled.unfilled
    assert not entry("W308").submitted
    assert drafted.submitted and not drafted.unfilled

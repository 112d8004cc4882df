"""Checks before a commit: `docgen validate --staged`, `docgen install-hook`, and the pre-commit framework hooks.

Every test drives real git (and the real pre-commit) in a temporary repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from docgen.cli import cli

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "submissions/2025-06/101-教育局/101-2025-001.yaml"
BAD_AMOUNT = ("支出数: 412.35", "支出数: 412.35万元")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check)


@pytest.fixture(autouse=True)
def quiet_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fixed identity and dates; no global or system git configuration (hooks paths, templates) leaks in."""
    for name, value in {
        "GIT_AUTHOR_NAME": "测试员",
        "GIT_AUTHOR_EMAIL": "clerk@example.com",
        "GIT_COMMITTER_NAME": "测试员",
        "GIT_COMMITTER_EMAIL": "clerk@example.com",
        "GIT_AUTHOR_DATE": "2025-07-01T10:00:00+08:00",
        "GIT_COMMITTER_DATE": "2025-07-01T10:00:00+08:00",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository of submissions (the demo, in canonical form) with one commit; the working folder."""
    repo = tmp_path / "报送仓库"
    shutil.copytree(ROOT / "submissions", repo / "submissions")
    git(repo.parent, "init", "-q", "-b", "main", str(repo))
    monkeypatch.chdir(repo)
    assert run("fmt")[0] == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "初始报送")
    return repo


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def edit(repo: Path, old: str, new: str, path: str = PROJECT) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


def bad_line(repo: Path) -> int:
    return next(i for i, line in enumerate((repo / PROJECT).read_text(encoding="utf-8").splitlines(), 1) if BAD_AMOUNT[1] in line)


# --- validate --staged ----------------------------------------------------------------------


def test_staged_checks_the_index_not_the_working_tree(repo: Path) -> None:
    edit(repo, *BAD_AMOUNT)
    line = bad_line(repo)
    git(repo, "add", PROJECT)
    edit(repo, BAD_AMOUNT[1], BAD_AMOUNT[0])  # fixed in the working tree only: the commit would still be bad
    code, out, err = run("validate", "--staged")
    assert code == 1
    assert out.startswith(f"{PROJECT}:{line}:")
    assert "错误 E204 「中央财政资金·支出数」应填写数字" in out
    assert "1 个文件：1 个错误" in err

    git(repo, "add", PROJECT)
    edit(repo, *BAD_AMOUNT)  # now the reverse: staged good, working tree bad
    assert run("validate", "--staged")[0] == 0


def test_staged_files_are_checked_against_their_roster(repo: Path) -> None:
    edit(repo, 'project_code: "101-2025-001"'.replace("project_code", "项目代码"), '项目代码: "101-2025-099"')
    git(repo, "add", PROJECT)
    code, out, _ = run("validate", "--staged")
    assert code == 0
    assert "警告 W302 项目代码「101-2025-099」不在本期名单（submissions/2025-06/名单.yaml）中" in out


def test_staged_shows_paths_relative_to_where_it_runs(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(repo, *BAD_AMOUNT)
    git(repo, "add", PROJECT)
    monkeypatch.chdir(repo / "submissions" / "2025-06")
    code, out, _ = run("validate", "--staged")
    assert code == 1 and out.startswith("101-教育局/101-2025-001.yaml:")


def test_staged_with_nothing_staged(repo: Path) -> None:
    code, out, err = run("validate", "--staged")
    assert (code, out) == (0, "") and "暂存区中没有报送文件" in err


def test_staged_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("validate", "--staged")
    assert code == 3 and "不在 git 仓库中" in err


def test_staged_duplicate_of_a_committed_project_elsewhere_is_e309(repo: Path) -> None:
    """Only the new file is staged; the project it repeats was committed earlier in another department's folder."""
    copy = "submissions/2025-06/104-交通运输局/104-2025-009.yaml"
    (repo / copy).write_text((repo / PROJECT).read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "add", copy)
    code, out, err = run("validate", "--staged")
    assert code == 1
    line = next(i for i, text in enumerate((repo / copy).read_text(encoding="utf-8").splitlines(), 1) if text.startswith("项目代码"))
    assert f"{copy}:{line}:7: 错误 E309 项目代码「101-2025-001」重复：{PROJECT} 中已有同一代码的项目" in out
    assert not any(row.startswith(PROJECT) for row in out.splitlines()), "the committed file is context, not reported"
    assert err.startswith("1 个文件：")


def test_a_problem_in_someone_elses_committed_file_does_not_block_an_unrelated_commit(repo: Path) -> None:
    edit(repo, *BAD_AMOUNT)
    git(repo, "commit", "-q", "-am", "有错误的报送（--no-verify 或钩子之前）")
    assert run("validate")[0] == 1
    other = "submissions/2025-06/104-交通运输局/104-2025-001.yaml"
    edit(repo, "支出数: ", "支出数:  ", other)  # an edit that changes nothing docgen reads
    git(repo, "add", other)
    code, out, _ = run("validate", "--staged")
    assert code == 0, out
    assert PROJECT not in out


RULES_FILE = "schema/rules.yaml"
BROKEN_RULES = "规则:\n  W401:\n    阈值:\n      红灯低于: 九十\n"


def test_staged_rules_file_is_validated_and_refused_with_its_line(repo: Path) -> None:
    (repo / "schema").mkdir()
    (repo / RULES_FILE).write_text(BROKEN_RULES, encoding="utf-8")
    git(repo, "add", RULES_FILE)
    (repo / RULES_FILE).write_text("规则: {}\n", encoding="utf-8")  # fixed in the working tree only: the commit is not
    code, out, err = run("validate", "--staged")
    assert code == 1, out + err
    assert out.startswith(f"{RULES_FILE}:4:") and "错误" in out
    assert err.startswith("1 个文件：")

    git(repo, "add", RULES_FILE)
    assert run("validate", "--staged")[0] == 0


def test_install_hook_refuses_a_broken_rules_file(repo: Path) -> None:
    assert run("install-hook")[0] == 0
    (repo / "schema").mkdir()
    (repo / RULES_FILE).write_text(BROKEN_RULES, encoding="utf-8")
    git(repo, "add", RULES_FILE)
    refused = commit(repo, "调整预警阈值")
    assert refused.returncode == 1 and f"{RULES_FILE}:4:" in refused.stdout + refused.stderr
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"


# --- docgen install-hook: a real `git commit` ------------------------------------------------


def commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "commit", "-m", message, check=False)


def test_install_hook_refuses_a_bad_commit_and_accepts_a_good_one(repo: Path) -> None:
    code, out, _ = run("install-hook")
    assert code == 0 and "已安装 git 钩子 .git/hooks/pre-commit" in out
    hook = repo / ".git/hooks/pre-commit"
    assert os.access(hook, os.X_OK)
    assert Path(sys.executable).as_posix() in hook.read_text(encoding="utf-8"), "the hook uses the docgen that installed it"

    edit(repo, *BAD_AMOUNT)
    git(repo, "add", PROJECT)
    refused = commit(repo, "填写支出数")
    assert refused.returncode == 1
    assert f"{PROJECT}:{bad_line(repo)}:" in refused.stderr + refused.stdout
    assert "「中央财政资金·支出数」应填写数字或「未填报」，实际填写的是「412.35万元」" in refused.stderr + refused.stdout
    assert "docgen：提交已取消" in refused.stderr
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    edit(repo, *reversed(BAD_AMOUNT))
    edit(repo, "支出数: 412.35", "支出数: 500.00")
    git(repo, "add", PROJECT)
    accepted = commit(repo, "填写支出数")
    assert accepted.returncode == 0, accepted.stderr
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_hook_ignores_commits_without_submissions(repo: Path) -> None:
    assert run("install-hook")[0] == 0
    (repo / "说明.md").write_text("# 说明\n", encoding="utf-8")
    git(repo, "add", "说明.md")
    assert commit(repo, "说明").returncode == 0


def test_a_foreign_hook_is_kept_unless_forced_and_restored_on_uninstall(repo: Path) -> None:
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho mine\n", encoding="utf-8")
    code, _, err = run("install-hook")
    assert code == 2 and "已有别的 pre-commit 钩子，未覆盖。加 --force" in err
    assert hook.read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"

    code, out, _ = run("install-hook", "--force")
    assert code == 0 and "已备份为 .git/hooks/pre-commit.docgen-backup" in out
    assert "docgen-hook" in hook.read_text(encoding="utf-8")
    assert run("install-hook")[0] == 0, "re-installing our own hook needs no --force"

    code, out, _ = run("install-hook", "--uninstall")
    assert code == 0 and hook.read_text(encoding="utf-8") == "#!/bin/sh\necho mine\n"
    code, _, err = run("install-hook", "--uninstall")
    assert code == 2 and "不是 docgen 安装的钩子" in err


def test_a_pre_commit_framework_hook_gets_its_own_advice(repo: Path) -> None:
    (repo / ".git/hooks/pre-commit").write_text(
        "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n", encoding="utf-8"
    )
    code, _, err = run("install-hook")
    assert code == 2 and "由 pre-commit 框架管理" in err and "docgen-validate" in err


def test_install_hook_honours_core_hooks_path(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")
    code, out, _ = run("install-hook")
    assert code == 0 and (repo / ".githooks/pre-commit").is_file() and ".githooks/pre-commit" in out


# --- the pre-commit framework -----------------------------------------------------------------


def test_manifest_hooks_match_this_repositorys_own_config() -> None:
    manifest = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(manifest) == {"docgen-validate", "docgen-check-scope", "docgen-fmt-check", "docgen-fmt"}
    for hook in manifest.values():
        assert hook["language"] == "python"
        for path in ("submissions/2025-06/名单.yaml", "submissions/2025-06/101-教育局/101-2025-001.yml"):
            assert re.search(hook["files"], path), (hook["id"], path)
        assert not re.search(hook["files"], "schema/project.schema.json")
        # the framework passes the rules file only to the hook that validates it (fmt knows submissions only)
        assert bool(re.search(hook["files"], "schema/rules.yaml")) == (hook["id"] == "docgen-validate"), hook["id"]
        assert run(*hook["entry"].split()[1:], "--help")[0] == 0, hook["entry"]
    own = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = {hook["id"]: hook for repo in own["repos"] if repo["repo"] == "local" for hook in repo["hooks"]}
    for hook_id in ("docgen-validate", "docgen-fmt-check"):
        assert local[hook_id]["entry"] == manifest[hook_id]["entry"] and local[hook_id]["files"] == manifest[hook_id]["files"]


def _hooks_repository(tmp_path: Path) -> tuple[Path, str]:
    """This checkout's package as a git repository, the way an adopting repository's config points at docgen."""
    hooks = tmp_path / "docgen"
    hooks.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, hooks / name)
    shutil.copytree(ROOT / "src", hooks / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    git(tmp_path, "init", "-q", "-b", "main", str(hooks))
    git(hooks, "add", "-A")
    git(hooks, "commit", "-q", "-m", "docgen")
    return hooks, git(hooks, "rev-parse", "HEAD").stdout.strip()


def test_real_pre_commit_refuses_an_invalid_file_and_accepts_a_valid_one(repo: Path, tmp_path: Path) -> None:
    hooks, rev = _hooks_repository(tmp_path)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: docgen-validate\n      - id: docgen-fmt-check\n",
        encoding="utf-8",
    )
    git(repo, "add", ".pre-commit-config.yaml")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr

    edit(repo, *BAD_AMOUNT)
    git(repo, "add", PROJECT)
    refused = commit(repo, "填写支出数")
    output = refused.stdout + refused.stderr
    assert refused.returncode == 1, output
    assert "docgen validate（校验报送文件）" in output and "Failed" in output
    assert f"{PROJECT}:{bad_line(repo)}:" in output and "错误 E204 「中央财政资金·支出数」应填写数字" in output

    edit(repo, *reversed(BAD_AMOUNT))
    edit(repo, "支出数: 412.35", "支出数: 500.00")
    git(repo, "add", PROJECT)
    accepted = commit(repo, "填写支出数")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert (accepted.stdout + accepted.stderr).count("Passed") == 2

    edit(repo, "年度: 2025\n截至月份: 6\n", "截至月份: 6\n年度: 2025\n")
    git(repo, "add", PROJECT)
    unformatted = commit(repo, "调换顺序")
    assert unformatted.returncode == 1 and f"需要格式化：{PROJECT}" in unformatted.stdout + unformatted.stderr

    git(repo, "reset", "-q", "--hard")
    (repo / "schema").mkdir()
    (repo / RULES_FILE).write_text(BROKEN_RULES, encoding="utf-8")
    git(repo, "add", RULES_FILE)
    broken = commit(repo, "调整预警阈值")
    assert broken.returncode == 1 and f"{RULES_FILE}:4:" in broken.stdout + broken.stderr


def test_readme_shows_what_a_refused_commit_really_prints(repo: Path) -> None:
    """The README's example is the real output of the hook for the same edit."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split('$ git commit -m "填写 6 月支出数"\n', 1)[1].split("```", 1)[0].splitlines()
    assert run("install-hook")[0] == 0
    original = (ROOT / PROJECT).read_text(encoding="utf-8")
    (repo / PROJECT).write_text(original.replace(*BAD_AMOUNT), encoding="utf-8")  # the demo as committed, not reformatted
    git(repo, "add", PROJECT)
    refused = commit(repo, "填写 6 月支出数")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == block


def test_the_hook_checks_a_project_that_lives_in_a_subfolder_of_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git runs hooks from the repository's top: a project in city/ must still be checked, not waved through."""
    top = tmp_path / "仓库"
    shutil.copytree(ROOT / "submissions", top / "city" / "submissions")
    git(tmp_path, "init", "-q", "-b", "main", str(top))
    monkeypatch.chdir(top / "city")
    assert run("fmt")[0] == 0
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "初始报送")
    assert run("install-hook")[0] == 0
    edit(top / "city", *BAD_AMOUNT)
    git(top, "add", "-A")
    refused = commit(top, "填写支出数")
    assert refused.returncode == 1 and "暂存区中没有报送文件" not in refused.stderr
    assert f"city/{PROJECT}:{bad_line(top / 'city')}:" in refused.stderr + refused.stdout
    monkeypatch.chdir(top)  # --staged from the top level names the file from there
    code, out, _ = run("validate", "--staged")
    assert code == 1 and out.startswith(f"city/{PROJECT}:")

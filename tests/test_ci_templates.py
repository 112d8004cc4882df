"""The CI templates for repositories of submissions (GitHub Actions, GitLab CI) and docgen's own CI.

They parse, pass the platforms' published schemas (shipped offline with check-jsonschema), name only
commands and options docgen has (parsed by docgen's own CLI, so a command or option that disappears fails here),
install docgen only from the bureau's repository at the pinned tag, and their check jobs do what they promise
when run for real.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from packaging.requirements import Requirement

import docgen
from docgen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / "ci-templates/github/docgen.yml"
GITLAB = ROOT / "ci-templates/gitlab/.gitlab-ci.yml"
OWN_CI = ROOT / ".github/workflows/ci.yml"

#: The distribution the templates install (the import package and the command are `docgen`).
DISTRIBUTION = "docgen-jxjk"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def github_scripts(workflow: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (f"{job}: {step.get('name', step.get('id', ''))}", step["run"])
        for job, spec in workflow["jobs"].items()
        for step in spec["steps"]
        if "run" in step
    ]


def gitlab_scripts(pipeline: dict[str, Any]) -> list[tuple[str, str]]:
    scripts = [("default: before_script", line) for line in pipeline["default"]["before_script"]]
    for name, job in pipeline.items():
        if isinstance(job, dict) and "script" in job:
            scripts += [(name, line) for line in job["script"]]
    return scripts


#: `docgen` where a shell command starts: line start, after ; & | ( or then/else/do (not in prose such as messages).
COMMAND = re.compile(r"(?:^|[;&|(]|\b(?:then|else|do)\s)\s*docgen\s+")
OPERATOR = re.compile(r"\s(?:\|\||&&|\||>>|>|;)")


def docgen_calls(script: str) -> list[list[str]]:
    """Each `docgen …` invocation in a shell script, cut at the first shell operator, as argv after `docgen`.

    Quoted text is masked first, so words and operators inside quotes (echo "…; docgen is …") are not read as commands.
    """
    calls = []
    for line in script.replace("\\\n", " ").splitlines():
        line = line.strip()
        masked = re.sub(r"\"[^\"]*\"|'[^']*'", lambda m: m[0][0] + "x" * (len(m[0]) - 2) + m[0][-1], line)
        for match in COMMAND.finditer(masked):
            start = match.end()
            cut = OPERATOR.search(masked, start)
            calls.append(shlex.split(line[start : cut.start() if cut else len(line)]))
    return calls


CALLS = [
    pytest.param(argv, id=f"{path.name}:{' '.join(argv)}")
    for path, scripts in ((GITHUB, github_scripts(load(GITHUB))), (GITLAB, gitlab_scripts(load(GITLAB))))
    for _, script in scripts
    for argv in docgen_calls(script)
]


def test_the_templates_call_docgen_at_all() -> None:
    commands = {argv[0] for argv in (p.values[0] for p in CALLS)}  # type: ignore[index]
    assert {"validate", "fmt", "diff", "build", "site"} <= commands


@pytest.mark.parametrize("argv", CALLS)
def test_every_command_and_option_named_exists(argv: list[str]) -> None:
    """docgen's CLI parses each call as the runner would run it: unknown commands, options or choices fail."""
    name, *rest = argv
    command = cli.commands.get(name)
    assert command is not None, f"the templates call `docgen {name}`, which the CLI does not have"
    try:
        with command.make_context(name, list(rest)):
            pass
    except click.UsageError as exc:
        pytest.fail(f"`docgen {' '.join(argv)}` as the templates call it: {exc.format_message()}")


@pytest.mark.parametrize(
    ("path", "schema"), [(GITHUB, "vendor.github-workflows"), (GITLAB, "vendor.gitlab-ci"), (OWN_CI, "vendor.github-workflows")]
)
def test_templates_pass_the_platform_schemas(path: Path, schema: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_github_template_covers_push_pull_request_artifacts_and_pages() -> None:
    workflow = load(GITHUB)
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    check = workflow["jobs"]["check"]
    runs = " ".join(step.get("run", "") for step in check["steps"])
    assert "docgen validate --format github" in runs and "$GITHUB_STEP_SUMMARY" in runs and "gh pr comment" in runs
    assert check["permissions"]["pull-requests"] == "write"
    assert any(step.get("with", {}).get("fetch-depth") == 0 for step in check["steps"]), "docgen diff needs history"
    uploads = [s["with"]["path"] for s in workflow["jobs"]["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert {"build/", "!build/export/", "site/"} <= {line for upload in uploads for line in upload.split()}
    pages = workflow["jobs"]["pages"]
    assert "default_branch" in pages["if"] and pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["steps"][-1]["uses"].startswith("actions/deploy-pages@")


def test_gitlab_template_covers_code_quality_merge_requests_artifacts_and_pages() -> None:
    pipeline = load(GITLAB)
    assert pipeline["validate"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert pipeline["validate"]["artifacts"]["when"] == "always"
    diff = pipeline["diff"]
    assert diff["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert "merge_requests/$CI_MERGE_REQUEST_IID/notes" in diff["script"][-1] and diff["artifacts"]["expose_as"]
    assert {"build/", "site/"} <= set(pipeline["build"]["artifacts"]["paths"])
    assert pipeline["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    assert pipeline["variables"]["GIT_DEPTH"] == "0"


# --- which docgen the templates install ------------------------------------------------------------


def github_install_steps() -> list[str]:
    workflow = load(GITHUB)
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if step.get("name") == "安装 docgen"]


def install_scripts() -> list[tuple[str, str, dict[str, str]]]:
    """(template, install script, the variables' defaults as the runner would set them with nothing configured)."""
    github = load(GITHUB)["env"]
    defaults = {
        name: (re.findall(r"\|\|\s*'([^']*)'", github[name]) or [""])[0] for name in ("DOCGEN_REPO", "DOCGEN_REF", "DOCGEN_PIP_SPEC")
    }
    gitlab = load(GITLAB)
    return [
        ("github", github_install_steps()[0], defaults),
        (
            "gitlab",
            "\n".join(gitlab["default"]["before_script"]),
            {k: v for k, v in gitlab["variables"].items() if k.startswith("DOCGEN_")},
        ),
    ]


@pytest.fixture
def fake_python(tmp_path: Path) -> tuple[Path, Path]:
    """A `python` on PATH that records its arguments instead of installing anything."""
    folder, log = tmp_path / "bin", tmp_path / "python-args"
    folder.mkdir()
    (folder / "python").write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{log}'\n", encoding="utf-8")
    (folder / "python").chmod(0o755)
    return folder, log


def install(script: str, fake: tuple[Path, Path], **env: str) -> tuple[subprocess.CompletedProcess[str], list[str] | None]:
    folder, log = fake
    log.unlink(missing_ok=True)
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        env={"PATH": os.pathsep.join([str(folder), os.environ.get("PATH", "")]), **env},
        check=False,
    )
    return done, log.read_text(encoding="utf-8").splitlines() if log.exists() else None


def test_the_templates_pin_this_version_and_have_no_default_repository() -> None:
    """DOCGEN_REPO has no default that could resolve to someone else's package; DOCGEN_REF is this release's tag."""
    github = load(GITHUB)["env"]
    assert github["DOCGEN_REPO"] == "${{ vars.DOCGEN_REPO }}" and github["DOCGEN_PIP_SPEC"] == "${{ vars.DOCGEN_PIP_SPEC }}"
    gitlab = load(GITLAB)["variables"]
    assert gitlab["DOCGEN_REPO"] == "" and gitlab["DOCGEN_PIP_SPEC"] == ""
    for _, _, defaults in install_scripts():
        assert defaults["DOCGEN_REF"] == f"v{docgen.__version__}"
    assert len(set(github_install_steps())) == 1, "every job installs docgen the same way"
    chinese, english = (ROOT / "README.md").read_text(encoding="utf-8").split("\n# docgen (English)\n")
    tag = f"v{docgen.__version__}"
    assert f"固定为 **{tag}**" in chinese and f"pinned to **{tag}**" in english, "README names the version the templates pin"
    assert re.findall(r"^\s+rev: (\S+)", chinese, re.MULTILINE) == [tag] and f"rev: {tag}" in english
    for name, job in load(GITHUB)["jobs"].items():
        runs = [step.get("name") if step.get("name") == "安装 docgen" else step.get("run", "") for step in job["steps"]]
        first_call = next((i for i, run in enumerate(runs) if docgen_calls(run or "")), None)
        assert first_call is None or "安装 docgen" in runs[:first_call], f"job {name} calls docgen before installing it"


@pytest.mark.parametrize(("template", "script", "defaults"), install_scripts(), ids=["github", "gitlab"])
def test_install_step_builds_a_pinned_spec_from_the_repository(template: str, script: str, defaults: dict[str, str], fake_python) -> None:
    for repo in ("https://git.example.gov.cn/czj/docgen.git", "git+https://git.example.gov.cn/czj/docgen.git"):
        done, args = install(script, fake_python, **{**defaults, "DOCGEN_REPO": repo})
        assert done.returncode == 0, done.stdout + done.stderr
        assert args is not None and args[:3] == ["-m", "pip", "install"]
        requirement = Requirement(args[-1])
        assert requirement.name == DISTRIBUTION
        assert requirement.url == f"git+https://git.example.gov.cn/czj/docgen.git@v{docgen.__version__}"


@pytest.mark.parametrize(("template", "script", "defaults"), install_scripts(), ids=["github", "gitlab"])
def test_install_step_without_a_repository_fails_in_chinese_and_english(
    template: str, script: str, defaults: dict[str, str], fake_python
) -> None:
    done, args = install(script, fake_python, **defaults)
    assert done.returncode == 1 and args is None, "nothing is installed"
    message = done.stdout + done.stderr
    assert "未设置 DOCGEN_REPO" in message and "DOCGEN_REPO is not set" in message


@pytest.mark.parametrize(("template", "script", "defaults"), install_scripts(), ids=["github", "gitlab"])
def test_install_step_takes_a_full_spec_but_never_a_bare_name(template: str, script: str, defaults: dict[str, str], fake_python) -> None:
    for bare in ("docgen", "docgen-jxjk", "docgen-jxjk==0.2.0"):
        done, args = install(
            script, fake_python, **{**defaults, "DOCGEN_REPO": "https://git.example.gov.cn/czj/docgen.git", "DOCGEN_PIP_SPEC": bare}
        )
        assert done.returncode == 1 and args is None, bare
        assert "只是名称" in done.stdout + done.stderr and "bare name" in done.stdout + done.stderr
    wheel = "./dist/docgen_jxjk-0.2.0-py3-none-any.whl"
    done, args = install(script, fake_python, **{**defaults, "DOCGEN_PIP_SPEC": wheel})
    assert done.returncode == 0 and args is not None and args[-1] == wheel


#: Documents that tell adopters how to install docgen.
INSTALL_DOCS = [ROOT / "README.md", GITHUB, GITLAB, ROOT / ".pre-commit-hooks.yaml", ROOT / ".pre-commit-config.yaml"]


@pytest.mark.parametrize("path", INSTALL_DOCS, ids=lambda p: p.name)
def test_no_document_installs_docgen_by_a_bare_name(path: Path) -> None:
    """`pip install docgen` would run an unrelated PyPI package; even our own name is not published there."""
    text = path.read_text(encoding="utf-8")
    for match in re.finditer(r"pip install\s+([^\n`|;&]*)", text):
        for word in shlex.split(match[1].replace("$", "")):
            located = "/" in word or " @ " in word or word.endswith(".whl")  # a path, URL or `name @ URL`
            if not word.startswith("-") and not located:
                assert not re.match(r"docgen\b", word), f"{path.name}: `{match[0]}` installs a bare name"
    assert not re.search(r"\bdocgen(-jxjk)?\s*(==|>=|~=)", text), f"{path.name} names docgen by version, to be found on an index"


def test_docgens_own_ci_runs_the_ci_entry_point() -> None:
    steps = load(OWN_CI)["jobs"]["test"]["steps"]
    assert steps[-1]["run"] == "bash .ci/run"
    assert (ROOT / ".ci/run").is_file()


# --- run the check jobs for real, with this docgen on PATH -----------------------------------------


@pytest.fixture
def adopter(tmp_path: Path) -> Path:
    """A repository of submissions as an adopter has it: the demo, in canonical form."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "submissions", repo / "submissions")
    subprocess.run([sys.executable, "-m", "docgen", "fmt"], cwd=repo, check=True, capture_output=True)
    return repo


def run_script(repo: Path, script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Shell lines the way both runners execute them: bash, stop at the first failing line."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": path, **env},
        check=False,
    )


def break_a_file(repo: Path) -> None:
    project = repo / "submissions/2025-06/101-教育局/101-2025-001.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("支出数: 412.35", "支出数: 412.35万元"), encoding="utf-8")


def gitlab_job(name: str) -> str:
    return "\n".join(load(GITLAB)[name]["script"])


def github_check_steps() -> str:
    """The check job's steps that run on every push (the pull-request steps need docgen diff and a PR)."""
    steps = load(GITHUB)["jobs"]["check"]["steps"]
    every_push = [s for s in steps if "run" in s and not any(word in s.get("if", "") for word in ("pull_request", "steps.diff"))]
    return "\n".join(s["run"] for s in every_push if "pip install" not in s["run"])


def test_gitlab_validate_job_passes_with_no_error_in_the_report(adopter: Path) -> None:
    done = run_script(adopter, gitlab_job("validate"))
    assert done.returncode == 0, done.stdout + done.stderr
    issues = json.loads((adopter / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert {i["severity"] for i in issues} <= {"minor", "info"}  # monitoring warnings (W4xx) show in the merge request
    assert all(i["check_name"].startswith(("W4", "I4")) for i in issues)


def test_gitlab_validate_job_fails_and_reports_the_line(adopter: Path) -> None:
    break_a_file(adopter)
    done = run_script(adopter, gitlab_job("validate"))
    assert done.returncode == 1
    assert "submissions/2025-06/101-教育局/101-2025-001.yaml:" in done.stdout, "the log shows file:line:column"
    (issue,) = [i for i in json.loads((adopter / "gl-code-quality-report.json").read_text(encoding="utf-8")) if i["severity"] == "critical"]
    assert issue["check_name"] == "E204" and issue["location"]["path"].endswith("101-2025-001.yaml")


def test_github_check_steps_pass_then_annotate_the_broken_line(adopter: Path) -> None:
    assert "docgen validate --format github" in github_check_steps()
    done = run_script(adopter, github_check_steps())
    assert done.returncode == 0, done.stdout + done.stderr
    break_a_file(adopter)
    done = run_script(adopter, github_check_steps())
    assert done.returncode == 1
    assert re.search(
        r"^::error file=submissions/2025-06/101-教育局/101-2025-001\.yaml,line=\d+,col=\d+,title=E204::", done.stdout, re.MULTILINE
    )


def test_github_diff_step_writes_the_job_summary(adopter: Path, tmp_path: Path) -> None:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=adopter, check=True, env={**os.environ, **env})
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=adopter, capture_output=True, text=True, check=True).stdout.strip()
    project = adopter / "submissions/2025-06/101-教育局/101-2025-001.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("支出数: 412.35", "支出数: 500.00"), encoding="utf-8")
    subprocess.run(["git", "commit", "-q", "-am", "edit"], cwd=adopter, check=True, env={**os.environ, **env})
    step = next(s for s in load(GITHUB)["jobs"]["check"]["steps"] if s.get("id") == "diff")
    summary = tmp_path / "summary.md"
    done = run_script(adopter, step["run"], BASE=base, GITHUB_STEP_SUMMARY=str(summary), **env)
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert "支出数" in text and "500" in text, text


# --- the sharded templates (issue 18): shard jobs pass build/ and shards/ to a merge job ---------------------------

SHARDED_GITHUB = ROOT / "ci-templates/github/docgen-sharded.yml"
SHARDED_GITLAB = ROOT / "ci-templates/gitlab/sharded.gitlab-ci.yml"
SHARDED_CALLS = [
    pytest.param(argv, id=f"{path.name}:{' '.join(argv)}")
    for path, scripts in ((SHARDED_GITHUB, github_scripts(load(SHARDED_GITHUB))), (SHARDED_GITLAB, gitlab_scripts(load(SHARDED_GITLAB))))
    for _, script in scripts
    for argv in docgen_calls(script)
]


@pytest.mark.parametrize("path", [SHARDED_GITHUB, SHARDED_GITLAB], ids=["github", "gitlab"])
def test_sharded_templates_pass_the_platform_schemas(path: Path) -> None:
    schema = "vendor.github-workflows" if path == SHARDED_GITHUB else "vendor.gitlab-ci"
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("argv", SHARDED_CALLS)
def test_sharded_templates_name_only_commands_and_options_docgen_has(argv: list[str]) -> None:
    name, *rest = argv
    command = cli.commands.get(name)
    assert command is not None, f"the sharded templates call `docgen {name}`, which the CLI does not have"
    try:
        with command.make_context(name, list(rest)):
            pass
    except click.UsageError as exc:
        pytest.fail(f"`docgen {' '.join(argv)}`: {exc.format_message()}")


def test_sharded_templates_install_docgen_as_the_plain_ones_do() -> None:
    plain = github_install_steps()[0]
    sharded = [s["run"] for job in load(SHARDED_GITHUB)["jobs"].values() for s in job["steps"] if s.get("name") == "安装 docgen"]
    assert sharded == [plain, plain]
    gitlab = load(SHARDED_GITLAB)
    assert gitlab["default"]["before_script"] == load(GITLAB)["default"]["before_script"]
    assert gitlab["variables"] == load(GITLAB)["variables"]
    assert load(SHARDED_GITHUB)["env"] == load(GITHUB)["env"]


def test_sharded_templates_pass_records_and_outputs_to_the_merge_job() -> None:
    gitlab = load(SHARDED_GITLAB)
    assert isinstance(gitlab["build-shard"]["parallel"], int) and gitlab["build-shard"]["parallel"] > 1
    assert set(gitlab["build-shard"]["artifacts"]["paths"]) == {"build/", "shards/"}
    assert gitlab["merge"]["needs"] == ["build-shard"] and gitlab["pages"]["needs"] == ["merge"]
    github = load(SHARDED_GITHUB)["jobs"]
    assert len(github["shard"]["strategy"]["matrix"]["shard"]) > 1
    (upload,) = [s for s in github["shard"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert upload["with"]["name"] == "shard-${{ matrix.shard }}" and upload["with"]["path"].split() == [
        "build/",
        "!build/export/",
        "shards/",
    ]
    (download,) = [s for s in github["merge"]["steps"] if s.get("uses", "").startswith("actions/download-artifact")]
    assert download["with"] == {"pattern": "shard-*", "merge-multiple": True}
    assert github["merge"]["needs"] == "shard" and github["pages"]["needs"] == "merge"


def _runnable(script: str) -> str:
    """A job's script as this machine runs it: no apt-get (the packages are here or not needed), no --pdf (LibreOffice
    converts every attachment: minutes, and the PDFs are tested in tests/render); every other line as written."""
    lines = [line for line in script.splitlines() if "apt-get" not in line]
    return "\n".join(lines).replace(" --pdf", "")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _sharded_pipeline(adopter: Path, tmp_path: Path, shard_script: str, merge_script: str, total: int, env_of: Any) -> None:
    """Each shard job in its own checkout, their build/ and shards/ unpacked into the merge job's checkout (as both
    platforms hand artifacts on), then the merge job: its build/ equals one `docgen build`, byte for byte."""
    fixed = {"SOURCE_DATE_EPOCH": "1751328000"}
    runners = []
    for k in range(1, total + 1):
        runner = tmp_path / f"runner-{k}"
        shutil.copytree(adopter, runner)
        done = run_script(runner, _runnable(shard_script), **fixed, **env_of(k, total))
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"第 {k}/{total} 片" in done.stdout
        runners.append(runner)
    merger = tmp_path / "merge"
    shutil.copytree(adopter, merger)
    for runner in runners:
        for folder in ("build", "shards"):
            shutil.copytree(runner / folder, merger / folder, dirs_exist_ok=True)
    done = run_script(merger, _runnable(merge_script), **fixed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (merger / "site" / "index.html").is_file()
    single = tmp_path / "single"
    shutil.copytree(adopter, single)
    done = run_script(single, "docgen build", **fixed)
    assert done.returncode == 0, done.stderr
    site_work = ("site-src/", ".docgen-site.lock")  # what `docgen site` keeps in build/ while it works
    assert {k: v for k, v in _tree(merger / "build").items() if not k.startswith(site_work)} == _tree(single / "build")


def test_gitlab_sharded_pipeline_runs_and_equals_one_build(adopter: Path, tmp_path: Path) -> None:
    pipeline = load(SHARDED_GITLAB)
    shard_job, merge_job = (
        "\n".join(pipeline[name]["script"]) for name in ("build-shard", "merge")
    )  # fmt: skip
    env = lambda k, n: {"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": str(n)}  # noqa: E731 - what GitLab sets per job
    _sharded_pipeline(adopter, tmp_path, shard_job, merge_job, pipeline["build-shard"]["parallel"], env)


def test_github_sharded_pipeline_runs_and_equals_one_build(adopter: Path, tmp_path: Path) -> None:
    jobs = load(SHARDED_GITHUB)["jobs"]
    shard_steps = "\n".join(s["run"] for s in jobs["shard"]["steps"] if "run" in s and s.get("name") != "安装 docgen")
    merge_steps = "\n".join(s["run"] for s in jobs["merge"]["steps"] if "run" in s and s.get("name") != "安装 docgen")
    total = len(jobs["shard"]["strategy"]["matrix"]["shard"])
    env = lambda k, n: {"SHARD": str(k), "TOTAL": str(n)}  # noqa: E731 - matrix.shard and strategy.job-total
    _sharded_pipeline(adopter, tmp_path, shard_steps, merge_steps, total, env)

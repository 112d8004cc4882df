"""CI output formats: GitHub workflow-command annotations and the GitLab Code Quality report."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from docgen import report
from docgen.check.findings import Finding
from docgen.cli import cli

ROOT = Path(__file__).resolve().parents[2]

# ::error file=…,line=…,col=…,title=…::message — properties may not hold a raw "," or ":", the message no raw newline
ANNOTATION = re.compile(
    r"^::(?P<level>error|warning|notice) (?P<props>[a-zA-Z]+=[^,:\r\n]*(?:,[a-zA-Z]+=[^,:\r\n]*)*)::(?P<data>[^\r\n]*)$"
)
ESCAPE = re.compile(r"%(25|0D|0A|3A|2C)")
DATA_ESCAPES = {"%25": "%", "%0D": "\r", "%0A": "\n"}
PROPERTY_ESCAPES = {**DATA_ESCAPES, "%3A": ":", "%2C": ","}


def unescape(text: str, table: dict[str, str]) -> str:
    """Undo the escaping of @actions/core (escapeData / escapeProperty); a stray % would be ambiguous."""
    assert all(m.group(0) in table for m in ESCAPE.finditer(text))
    assert "%" not in ESCAPE.sub("", text), f"unescaped % in {text!r}"
    return ESCAPE.sub(lambda m: table[m.group(0)], text)


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = ANNOTATION.match(line)
    assert match, f"not a workflow command: {line!r}"
    props = dict(pair.split("=", 1) for pair in match["props"].split(","))
    return match["level"], {k: unescape(v, PROPERTY_ESCAPES) for k, v in props.items()}, unescape(match["data"], DATA_ESCAPES)


TRICKY = [
    Finding(
        "submissions/2025-06/101-教育局/a,b:c%d.yaml", 12, 5, "E204", "error", "「支出数」应填写数字：100%，\n第二行, 含冒号: 和 %0A 字样"
    ),
    Finding("submissions/2025-06/名单.yaml", 1, 1, "W304", "warning", "本期没有名单文件\r\n（Windows 换行）"),
    Finding("submissions\\2025-06\\101-教育局\\101-2025-001.yaml", 3, 9, "E201", "error", "缺少必填项「项目名称」"),
]


@pytest.mark.parametrize("finding", TRICKY, ids=["commas-colons-percent-newline", "crlf", "windows-path"])
def test_github_lines_follow_the_annotation_syntax_and_round_trip(finding: Finding) -> None:
    line = report.github_line(finding)
    level, props, message = parse(line)
    assert level == ("error" if finding.is_error else "warning")
    assert props == {"file": finding.path.replace("\\", "/"), "line": str(finding.line), "col": str(finding.column), "title": finding.code}
    assert message == finding.message


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    project = tmp_path / "submissions/2025-06/101-教育局/101-2025-001.yaml"
    text = (
        project.read_text(encoding="utf-8")
        .replace("支出数: 412.35", "支出数: 412.35万元")
        .replace("完成目标可能性: 有可能", "完成目标可能性: 可能")
    )
    project.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return project


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_validate_format_github_points_at_the_same_places_as_text(broken: Path) -> None:
    code, text, _ = invoke("validate")
    gh_code, github, summary = invoke("validate", "--format", "github")
    assert code == gh_code == 1
    places = [re.match(r"^(.*?):(\d+):(\d+): (错误|警告|提示) (\w+) (?:【.灯】)?(.*)$", line).groups() for line in text.splitlines()]  # type: ignore[union-attr]
    parsed = [parse(line) for line in github.splitlines()]
    assert len(parsed) == len(places) >= 2
    for (path, line, col, severity, code_, message), (level, props, data) in zip(places, parsed, strict=True):
        assert (props["file"], props["line"], props["col"], props["title"], data) == (path, line, col, code_, message)
        assert level == {"错误": "error", "警告": "warning", "提示": "notice"}[severity]
    assert "个错误" in summary, "the outcome is said in words too: annotations are hidden in the job log"


#: GitLab's Code Quality report, as documented (docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": r"^[^/\\]"},
                    "lines": {"type": "object", "required": ["begin"], "properties": {"begin": {"type": "integer", "minimum": 1}}},
                },
            },
        },
    },
}


def test_validate_format_codequality_is_a_gitlab_code_quality_report(broken: Path) -> None:
    code, out, _ = invoke("validate", "--format", "codequality")
    assert code == 1
    issues = json.loads(out)
    jsonschema.validate(issues, CODE_QUALITY)
    assert {i["severity"] for i in issues if i["check_name"].startswith("E")} == {"critical"}
    assert {i["severity"] for i in issues if i["check_name"].startswith(("W4", "I4"))} <= {"minor", "info"}  # monitoring
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    first = issues[0]
    assert first["location"]["path"] == "submissions/2025-06/101-教育局/101-2025-001.yaml"
    assert first["check_name"] in first["description"] and "行" in first["description"]


def test_codequality_fingerprints_survive_moved_lines_and_tell_twins_apart() -> None:
    one = Finding("a.yaml", 3, 1, "E201", "error", "缺少必填项「年度」")
    moved = Finding("a.yaml", 9, 1, "E201", "error", "缺少必填项「年度」")
    twin = json.loads(report.codequality([one, moved]))
    alone = json.loads(report.codequality([moved]))
    assert alone[0]["fingerprint"] == twin[0]["fingerprint"] != twin[1]["fingerprint"]


def test_codequality_of_a_clean_tree_is_an_empty_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("validate", "--format", "codequality")
    issues = json.loads(out)
    assert code == 0 and all(i["check_name"].startswith(("W4", "I4")) for i in issues)  # only monitoring warnings and hints

"""Reporters: findings as GCC-style lines for people, JSON for tools, annotations for GitHub, Code Quality for GitLab."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections import Counter
from collections.abc import Iterable

from . import messages as M
from .findings import Finding

SEVERITY = {"error": "错误", "warning": "警告"}


def text_line(f: Finding) -> str:
    """`path:line:column: 错误 E201 message`: editors and CI annotators jump to it."""
    return f"{f.path}:{f.line}:{f.column}: {SEVERITY[f.severity]} {f.code} {f.message}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _repo_path(path: str) -> str:
    """Forward slashes, as CI platforms match paths against the repository (also on Windows runners)."""
    return path.replace("\\", "/")


def github_line(f: Finding) -> str:
    """GitHub Actions workflow command: shows the message on the file's line in the pull request."""
    level = "error" if f.is_error else "warning"
    props = f"file={_escape_property(_repo_path(f.path))},line={f.line},col={f.column},title={_escape_property(f.code)}"
    return f"::{level} {props}::{_escape_data(f.message)}"


#: GitLab Code Quality severities (info, minor, major, critical, blocker): errors stop the build.
CODEQUALITY_SEVERITY = {"error": "critical", "warning": "minor"}


def codequality(findings: list[Finding]) -> str:
    """GitLab Code Quality report (`artifacts:reports:codequality`): the merge request lists each finding.

    The fingerprint leaves the line out, so a finding that only moved is not shown as new; a counter
    keeps identical findings in one file apart.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for f in findings:
        key = (_repo_path(f.path), f.code, f.message)
        seen[key] += 1
        fingerprint = hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8")).hexdigest()
        issues.append(
            {
                "description": M.label("codequality_description", severity=SEVERITY[f.severity], code=f.code, message=f.message, line=f.line, column=f.column),
                "check_name": f.code,
                "fingerprint": fingerprint,
                "severity": CODEQUALITY_SEVERITY[f.severity],
                "location": {"path": key[0], "lines": {"begin": f.line}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2)


def render(findings: Iterable[Finding], fmt: str, files: int) -> str:
    findings = list(findings)
    if fmt == "json":
        errors = sum(f.is_error for f in findings)
        return json.dumps(
            {"files": files, "errors": errors, "warnings": len(findings) - errors, "findings": [f.as_dict() for f in findings]},
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "codequality":
        return codequality(findings)
    line = github_line if fmt == "github" else text_line
    return "\n".join(line(f) for f in findings)


def summary_line(findings: list[Finding], files: int) -> str:
    errors = sum(f.is_error for f in findings)
    if not findings:
        return M.label("valid", files=files)
    return M.label("summary", files=files, errors=errors, warnings=len(findings) - errors)


def unified_diff(path: str, before: str, after: str) -> str:
    """What `docgen fmt` would change, as a unified diff (for `--diff` and CI logs)."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

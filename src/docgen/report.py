"""Reporters: findings as GCC-style lines for people, JSON for tools, annotations for GitHub, Code Quality for GitLab."""

from __future__ import annotations

import difflib
import hashlib
import json
import operator
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TextIO

from . import escape
from . import messages as M
from .check.findings import Finding
from .check.ruleset import SPECS, Ruleset
from .evaluate.monitor import Analysis
from .messages import SEVERITY

GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}

#: A root-relative path (as findings carry it) as the user would type it where they stand (Workspace.shown).
Shown = Callable[[str], str]


def _as_typed(path: str) -> str:
    return path


def for_user(findings: Iterable[Finding], shown: Shown | None, fmt: str = "text") -> list[Finding]:
    """Findings with their files named as the user would type them where they stand (`shown`), for text and
    JSON; GitHub and GitLab annotations keep root-relative paths, which CI platforms match against the repository.
    Messages that name another file (the roster, the other file of E309) name it relative to the root."""
    if shown is None or fmt in ("github", "codequality"):
        return list(findings)
    out = []
    for f in findings:  # from the root, paths already read as typed: no copy (44,000 copies were 0.3 s at 10,000 projects)
        path = shown(f.path)
        out.append(f if path == f.path else replace(f, path=path))
    return out


def text_line(f: Finding) -> str:
    """`path:line:column: 错误 E201 message`: editors and CI annotators jump to it; a light shows as 【红灯】."""
    light = f"【{M.LIGHT_NAMES[f.light]}】" if f.light else ""
    return f"{f.path}:{f.line}:{f.column}: {SEVERITY[f.severity]} {f.code} {light}{f.message}"


def _repo_path(path: str) -> str:
    """Forward slashes, as CI platforms match paths against the repository (also on Windows runners)."""
    return path.replace("\\", "/")


def github_line(f: Finding) -> str:
    """GitHub Actions workflow command: shows the message on the file's line in the pull request.

    Every value is encoded (escape.workflow_*): a newline in a submission's text cannot start a second command.
    """
    level = GITHUB_LEVEL[f.severity]
    props = f"file={escape.workflow_property(_repo_path(f.path))},line={f.line},col={f.column},title={escape.workflow_property(f.code)}"
    return f"::{level} {props}::{escape.workflow_data(f.message)}"


#: GitLab Code Quality severities (info, minor, major, critical, blocker): errors stop the build.
CODEQUALITY_SEVERITY = {"error": "critical", "warning": "minor", "info": "info"}


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
                "description": M.label(
                    "codequality_description", severity=SEVERITY[f.severity], code=f.code, message=f.message, line=f.line, column=f.column
                ),
                "check_name": f.code,
                "fingerprint": fingerprint,
                "severity": CODEQUALITY_SEVERITY[f.severity],
                "location": {"path": key[0], "lines": {"begin": f.line}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2)


def render(findings: Iterable[Finding], fmt: str, files: int) -> str:
    """Findings in the format `--format` asked for: text for people, JSON, GitHub or GitLab annotations for CI."""
    findings = list(findings)
    if fmt == "json":
        return json.dumps({"files": files, **counts(findings), "findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2)
    if fmt == "codequality":
        return codequality(findings)
    line = github_line if fmt == "github" else text_line
    return "\n".join(line(f) for f in findings)


_SEVERITY_OF = operator.attrgetter("severity")


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many errors, warnings and infos, for summaries and JSON output."""
    n = Counter(map(_SEVERITY_OF, findings))  # counted in C: three passes over 47,000 findings were ~20 ms
    return {"errors": n["error"], "warnings": n["warning"], "infos": n["info"]}


def summary_line(findings: list[Finding], files: int) -> str:
    """The closing line of `docgen validate`: files checked and what was found, in Chinese."""
    if not findings:
        return M.label("valid", files=files)
    n = counts(findings)
    line = M.label("summary", files=files, errors=n["errors"], warnings=n["warnings"])
    return line + (M.MONITOR_LABELS["summary_info"].format(infos=n["infos"]) if n["infos"] else "")


def analysis_json(result_findings: list[Finding], files: int, analysis: Analysis | None) -> str:
    """`docgen check --format json`: every finding with its light, every submission's lights, department counts."""
    body: dict[str, Any] = {"files": files, **counts(result_findings), "findings": [f.as_dict() for f in result_findings]}
    body.update(analysis.as_dict() if analysis is not None else {"submissions": [], "departments": []})
    return json.dumps(body, ensure_ascii=False, indent=2)


def analysis_text(analysis: Analysis, shown: Shown = _as_typed) -> str:
    """`docgen check`: one line per submission with its light, then each department's counts."""
    lines = []
    for sa in sorted(analysis.submissions.values(), key=lambda sa: sa.path):
        light = M.LIGHT_NAMES[sa.light or "none"]
        lines.append(M.MONITOR_LABELS["check_submission"].format(light=light, path=shown(sa.path), name=sa.submission.name))
    for dept in analysis.departments():
        parts = "，".join(M.MONITOR_LABELS["count_part"].format(light=M.LIGHT_NAMES[k], count=v) for k, v in dept.lights.items() if v)
        lines.append(M.MONITOR_LABELS["check_department"].format(period=dept.period, code=dept.code, name=dept.name, counts=parts))
    return "\n".join(lines)


def rules_table(ruleset: Ruleset) -> str:
    """`docgen rules`: one tab-separated line per rule, as the README's rules list shows them."""
    yes, no = M.MONITOR_LABELS["yes"], M.MONITOR_LABELS["no"]
    lines = [M.MONITOR_LABELS["rules_header"]]
    for rule in ruleset.rules.values():
        thresholds = "，".join(f"{key} {_setting(value)}" for key, value in rule.thresholds.items())
        if SPECS[rule.code].fixed_light:
            light = M.LIGHT_NAMES[rule.light] if rule.light else M.MONITOR_LABELS["hint"]
            setting = f"{light}（{thresholds}）" if thresholds else light
        else:
            setting = thresholds
        lines.append(
            "\t".join([rule.code, rule.category, rule.name, setting, yes if rule.enabled else no, yes if rule.exempt_research else no])
        )
    lines.append(M.MONITOR_LABELS["rules_source"].format(sources="、".join(ruleset.source)))
    return "\n".join(lines)


def _setting(value: Any) -> str:
    if isinstance(value, tuple):
        return "、".join(value)
    if value in M.LIGHT_NAMES:
        return M.LIGHT_NAMES[value]
    return str(value)


def unified_diff(path: str, before: str, after: str) -> str:
    """What `docgen fmt` would change, as a unified diff (for `--diff` and CI logs)."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# --- progress of a long build (issue 3) -------------------------------------------------------

PROGRESS_LABELS = {"render": "progress", "pdf": "progress_pdf"}


class Progress:
    """Progress of `docgen build`: a bar on a terminal, a plain line per tenth in CI logs (no control characters)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.shown: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total <= 1:
            return
        text = M.label(PROGRESS_LABELS[stage], done=done, total=total)
        if self.tty:
            filled = done * 30 // total
            self.stream.write(f"\r{'█' * filled}{'·' * (30 - filled)} {text}" + ("\n" if done == total else ""))
            self.stream.flush()
            return
        tenth = done * 10 // total
        if done and tenth != self.shown.get(stage):  # every 10 %, and the last one
            self.shown[stage] = tenth
            print(text, file=self.stream, flush=True)


PDFS_NAMED = 5  # removed PDFs named one by one; the rest are counted


def build_lines(rendered: Any, build: Any, confidential_dir: Any) -> list[str]:
    """What the render stage did, one Chinese line each (counts, skipped confidential projects, PDF problems)."""
    lines = [M.label("rendered", rendered=len(rendered.written), unchanged=rendered.unchanged)]
    others = len(rendered.removed) - len(rendered.pdfs_removed)  # the PDFs of changed attachments are named below
    if others > 0:
        lines.append(M.label("removed", count=others))
    if rendered.bundles:
        lines.append(M.label("bundles", count=len(rendered.bundles), path=build))
    if rendered.pdfs:
        lines.append(M.label("pdf_done", count=len(rendered.pdfs)))
    if rendered.dossiers:
        lines.append(M.label("dossier_done", count=len(rendered.dossiers)))
    if rendered.pdfs_removed:
        shown = "、".join(p.name for p in rendered.pdfs_removed[:PDFS_NAMED])
        more = len(rendered.pdfs_removed) - PDFS_NAMED
        names = shown + (M.label("and_more", count=more) if more > 0 else "")
        lines.append(M.label("pdf_removed", count=len(rendered.pdfs_removed), names=names))
    if rendered.confidential_skipped:
        lines.append(M.label("confidential_skipped", count=rendered.confidential_skipped))
    if rendered.confidential_written:
        lines.append(M.label("confidential_written", count=rendered.confidential_written, path=confidential_dir))
    return lines + list(rendered.problems)

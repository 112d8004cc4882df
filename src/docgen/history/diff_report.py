"""`docgen diff` output: Markdown to post as a pull-request comment, JSON for tools.

The Markdown is written for a department reviewer who never opens the YAML: one heading and one
table per submission, the form's own labels, before → after, Chinese throughout. Every text taken from a
submission, a roster or git (names, codes, values, field and indicator names, messages, paths, revisions) goes
through escape.markdown or escape.markdown_code: a comment must show it, never render it.
"""

from __future__ import annotations

import json
import re

from .. import escape
from .. import messages as M
from ..evaluate.targets import Change as TargetChange
from . import changes as C
from .revdiff import UNCHANGED, DiffResult, FileDiff

_CELL_LIMIT = 100
_CONTEXT = 12  # characters kept either side of an edit inside a long text
_SPACE = re.compile(r"\s+")
_SEVERITY = {"error": "错误", "warning": "警告", "info": M.SEVERITY_INFO}


def _cell(text: str | None, limit: int | None = _CELL_LIMIT) -> str:
    """One table cell: on one line, escaped (pipes too), long texts shortened (the JSON keeps them whole).

    Warning messages pass `limit=None`: two that differ only in their last figures must not read the same.
    """
    text = _SPACE.sub(" ", C.shown(text)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return str(escape.markdown(text))


def _excerpt(before: str | None, after: str | None) -> tuple[str | None, str | None]:
    """Two long texts cut to where they differ, so an edit in the middle of a paragraph shows."""
    if before is None or after is None or max(len(before), len(after)) <= _CELL_LIMIT:
        return before, after
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    start = max(0, start - _CONTEXT)
    end = max(0, end - _CONTEXT)

    def cut(text: str) -> str:
        return ("…" if start else "") + text[start : len(text) - end] + ("…" if end else "")

    return cut(before), cut(after)


def _title(f: FileDiff) -> str:
    md = escape.markdown
    if f.kind == "roster":
        title = M.label("diff_roster")
    elif f.kind == "department":
        title = M.label("diff_department", department=md(f.name)) if f.name else md(f.path.rsplit("/", 1)[-1])
    else:
        title = M.label("diff_project", title=md(f.name), code=md(f.code)) if f.name else md(f.path.rsplit("/", 1)[-1])
    status = M.label(f"diff_status_{f.status}")
    secret = M.label("diff_confidential_mark") if f.confidential else ""
    return f"### {title}{secret} · {status}"


def _rows(f: FileDiff) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for c in f.changes:
        start = len(rows)
        if c.kind == C.FIELD:
            before, after = _excerpt(c.before, c.after)
            rows.append((M.label("diff_field"), _cell(c.field, None), _cell(before), _cell(after)))
        elif c.kind == C.FIGURE:
            rows.append((M.label("diff_figure"), _cell(c.field, None), _cell(c.before), _cell(c.after)))
        elif c.kind == C.ADDED:
            rows.append((_cell(c.group, None), _cell(c.label, None), _cell(None), _cell(M.label("diff_item_added", summary=c.after))))
        elif c.kind == C.REMOVED:
            rows.append(
                (
                    _cell(c.group, None),
                    _cell(c.label, None),
                    _cell(M.label("diff_item_was", summary=c.before)),
                    M.label("diff_item_removed"),
                )
            )
        else:
            rows.append((M.label("diff_file"), M.label("diff_unreadable"), _cell(None), _cell(c.after)))
        if c.confidential:
            kind, item, before, after = rows[start]
            rows[start] = (kind + M.label("diff_confidential_mark"), item, before, after)
    for finding in f.appeared:
        rows.append(
            (
                f"{_SEVERITY[finding.severity]} {finding.code}",
                _cell(finding.message, None),
                _cell(None),
                M.label("diff_appeared", line=finding.line),
            )
        )
    for was, now in f.changed:
        rows.append(
            (
                f"{_SEVERITY[now.severity]} {now.code}",
                M.label("diff_finding_changed", line=now.line),
                _cell(was.message, None),
                _cell(now.message, None),
            )
        )
    for finding in f.cleared:
        rows.append(
            (
                f"{_SEVERITY[finding.severity]} {finding.code}",
                _cell(finding.message, None),
                M.label("diff_line", line=finding.line),
                M.label("diff_cleared"),
            )
        )
    if not (f.confidential or f.withheld):  # a 涉密 project's values never reach a comment
        rows += [_target_row(t) for t in f.targets]
    return rows


def _target_row(t: TargetChange) -> tuple[str, str, str, str]:
    """A difference from the approved targets as its own row: 目标与批复不一致, or 已按目标调整记录调整 with the record."""
    kind = M.targets_text("justified" if t.justified else "unjustified")
    record = M.targets_text("record", number=t.record.document_number, date=t.record.date) if t.record is not None else ""
    name = t.name if not t.renamed else f"{t.name} → {t.renamed}"
    after = M.targets_text(t.kind, approved=t.approved, reported=t.reported, renamed=t.renamed) + record
    return _cell(kind, None), _cell(name, None), _cell(t.approved or None), _cell(after, None)


def _section(f: FileDiff) -> list[str]:
    if f.confidential and not f.path:  # a 涉密 file: that it changed, nothing else (confidential.public_diff)
        return [
            f"### {M.label('diff_confidential_file')}{M.label('diff_confidential_mark')} · {M.label(f'diff_status_{f.status}')}",
            "",
            M.label("diff_confidential_omitted"),
            "",
        ]
    lines = [_title(f), ""]
    if f.withheld:
        lines += [M.label("diff_withheld_note"), ""]
    if f.confidential:
        lines += [M.label("diff_confidential_note"), ""]
    code = escape.markdown_code
    where = f"{code(f.old_path)} → {code(f.path)}" if f.old_path else code(f.path)
    lines += [M.label("diff_file_line", where=where), ""]
    rows = _rows(f)
    if rows:
        lines.append(
            f"| {M.label('diff_col_kind')} | {M.label('diff_col_item')} | {M.label('diff_col_before')} | {M.label('diff_col_after')} |"
        )
        lines.append("| --- | --- | --- | --- |")
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    elif not f.withheld:
        lines.append(M.label("diff_deleted_note" if f.status == "deleted" else "diff_no_content_change"))
    lines.append("")
    return lines


def _light(light: str | None, present: bool) -> str:
    """A light as the forms name it; 「—」 on the side where the file does not exist."""
    if not present:
        return M.label("absent")
    return M.LIGHT_NAMES.get(light or "none", M.LIGHT_NAMES["none"])


def _short_title(f: FileDiff) -> str:
    md = escape.markdown
    if f.kind == "department":
        return M.label("diff_department", department=md(f.name)) if f.name else md(f.path.rsplit("/", 1)[-1])
    return M.label("diff_project", title=md(f.name), code=md(f.code)) if f.name else md(f.path.rsplit("/", 1)[-1])


def _overview(result: DiffResult) -> list[str]:
    """What a reviewer reads first: each submission whose light (黄灯 → 绿灯) or review state (已报送 → 退回修改)
    changed, before the details."""
    moved = [f for f in result.files if (f.light_changed or f.state_changed) and not f.confidential and f.kind != "roster"]
    if not moved:
        return []
    head = f"| {M.label('diff_col_submission')} | {M.label('diff_col_kind')} | {M.label('diff_col_before')} | {M.label('diff_col_after')} |"
    lines = [M.label("diff_lights_heading"), "", head, "| --- | --- | --- | --- |"]
    absent = M.label("absent")
    for f in moved:
        if f.light_changed:
            before, after = _light(f.light_before, f.status != "added"), _light(f.light_after, f.status != "deleted")
            lines.append(f"| {_short_title(f)} | {M.label('diff_light')} | {before} | {after} |")
        if f.state_changed:
            before, after = escape.markdown(f.state_before or absent), escape.markdown(f.state_after or absent)
            lines.append(f"| {_short_title(f)} | {M.label('diff_review_state')} | {before} | {after} |")
    return [*lines, ""]


#: Commits listed in the comment at most; the JSON has them all (up to revdiff's limit).
COMMITS_SHOWN = 30


def _commits(result: DiffResult) -> list[str]:
    """Who changed what and what they said: every commit of the range, newest first, escaped for the forge."""
    if not result.commits:
        return []
    lines = [M.label("diff_commits_heading", count=len(result.commits)), ""]
    for c in result.commits[:COMMITS_SHOWN]:
        message = _SPACE.sub(" ", c.message).strip()
        if len(message) > _CELL_LIMIT * 2:
            message = message[: _CELL_LIMIT * 2 - 1] + "…"
        sha, author = escape.markdown_code(c.sha[:7]), escape.comment(c.author)
        lines.append(M.label("diff_commit", sha=sha, author=author, date=c.date[:10], message=escape.comment(message)))
    if len(result.commits) > COMMITS_SHOWN:
        lines.append(M.label("diff_commits_more", count=len(result.commits) - COMMITS_SHOWN))
    return [*lines, ""]


#: GitHub refuses comments over 65,536 characters; GitLab notes are limited too.
COMMENT_LIMIT = 60_000


def markdown(result: DiffResult, limit: int = COMMENT_LIMIT) -> str:
    """The comment; sections that would pass `limit` characters are counted, not shown."""
    head = escape.markdown(result.head) if result.head is not None else M.label("diff_worktree")
    lines = [M.label("diff_heading", base=escape.markdown(result.base), head=head), ""]
    if not result.files:
        lines += [M.label("diff_nothing"), ""]
        lines += _commits(result)
    else:
        submissions = [f for f in result.files if f.status != UNCHANGED]
        summary = M.label(
            "diff_summary",
            files=len(submissions),
            added=result.count("added"),
            modified=result.count("modified"),
            renamed=result.count("renamed"),
            deleted=result.count("deleted"),
            appeared=result.appeared,
            cleared=result.cleared,
        )
        if result.count(UNCHANGED):
            summary += M.label("diff_summary_unchanged", count=result.count(UNCHANGED))
        if result.changed:
            summary += M.label("diff_summary_changed", count=result.changed)
        lines += [summary, ""]
        lines += _overview(result)
        lines += _commits(result)
        size = sum(len(line) + 1 for line in lines)
        for index, f in enumerate(result.files):
            section = _section(f)
            size += sum(len(line) + 1 for line in section)
            if size > limit:
                lines += [M.label("diff_truncated", count=len(result.files) - index), ""]
                break
            lines += section
    head_commit = result.head_commit[:7] if result.head_commit else M.label("diff_worktree")
    lines.append(M.label("diff_footer", base=result.base_commit[:7], head=head_commit))
    return "\n".join(lines) + "\n"


def as_json(result: DiffResult) -> str:
    """`docgen diff --format json`: the same comparison as the Markdown, for CI jobs to read."""
    data = {
        "base": {"revision": result.base, "commit": result.base_commit},
        "head": {"revision": result.head, "commit": result.head_commit},
        "summary": {
            "files": len(result.files),
            **{status: result.count(status) for status in ("added", "modified", "renamed", "deleted", UNCHANGED)},
            "appeared": result.appeared,
            "cleared": result.cleared,
            "changed": result.changed,
        },
        "commits": [c.as_dict() for c in result.commits],
        "submissions": [f.as_dict() for f in result.files],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(result: DiffResult, fmt: str) -> str:
    """Pick the output the `--format` option asked for."""
    return as_json(result) if fmt == "json" else markdown(result)

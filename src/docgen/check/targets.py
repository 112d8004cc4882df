"""The rules of an approved-targets file (批复目标/<部门代码>.yaml) beyond its schema, each at its line.

The schema gives the shape; these say that the file is where its content says (period folder, department in its
name) and that a project or an indicator is approved once.
"""

from __future__ import annotations

import re
from typing import Any

from ..form import forms
from ..form import targets as TG
from ..form import vocabulary as F
from .findings import Finding, error
from .load import Document

T = F.TARGET_KEYS
PERIOD_DIR = re.compile(r"^(\d{4})-(\d{1,2})$")


def item_lines(doc: Document) -> list[tuple[int, list[int]]]:
    """Each project's line and its indicators' lines, for the findings and the model."""
    projects = doc.data.get(T["projects"]) if isinstance(doc.data, dict) else None
    out = []
    for i, p in enumerate(projects if isinstance(projects, list) else []):
        indicators = p.get(T["indicators"]) if isinstance(p, dict) else None
        count = len(indicators) if isinstance(indicators, list) else 0
        out.append((doc.position((T["projects"], i))[0], [doc.position((T["projects"], i, T["indicators"], j))[0] for j in range(count)]))
    return out


def file_rules(doc: Document, profile: forms.Profile | None = None) -> list[Finding]:
    """Everything about one approved-targets file that needs only the file itself."""
    data = doc.data if isinstance(doc.data, dict) else {}
    form = profile.forms["project"] if profile is not None else forms.FORMS["project"]
    return _place(doc, data) + _items(doc, data, TG.indicator_keys(form)["name"])


def _place(doc: Document, data: dict[str, Any]) -> list[Finding]:
    path = doc.path
    match = PERIOD_DIR.match(path.parent.parent.name)
    if match is None:
        return [error(path, 1, 1, "E610", name=path.name, folder=F.TARGETS_FOLDER)]
    findings = []
    year, month = data.get(T["year"]), data.get(T["month"])
    if isinstance(year, int) and isinstance(month, int) and (year, month) != (int(match[1]), int(match[2])):
        at = doc.position((T["month"],) if year == int(match[1]) else (T["year"],))
        findings.append(error(path, *at, "E611", directory=path.parent.parent.name, year=year, month=month))
    code = data.get(T["department_code"])
    if isinstance(code, str) and code != path.stem:
        findings.append(error(path, *doc.position((T["department_code"],)), "E612", name=path.name, code=code))
    return findings


def _items(doc: Document, data: dict[str, Any], name_key: str) -> list[Finding]:
    projects = data.get(T["projects"])
    findings = []
    seen: dict[str, int] = {}
    for i, project in enumerate(projects if isinstance(projects, list) else []):
        if not isinstance(project, dict):
            continue
        code = project.get(T["project_code"])
        if isinstance(code, str):
            line = doc.position((T["projects"], i))[0]
            if code in seen:
                findings.append(error(doc.path, *doc.position((T["projects"], i, T["project_code"])), "E613", code=code, first=seen[code]))
            else:
                seen[code] = line
        indicators = project.get(T["indicators"])
        names: dict[str, int] = {}
        for j, ind in enumerate(indicators if isinstance(indicators, list) else []):
            name = ind.get(name_key) if isinstance(ind, dict) else None
            if not isinstance(name, str):
                continue
            at = (T["projects"], i, T["indicators"], j, name_key)
            if name in names:
                findings.append(error(doc.path, *doc.position(at), "E614", name=name, first=names[name]))
            else:
                names[name] = doc.position(at)[0]
    return findings

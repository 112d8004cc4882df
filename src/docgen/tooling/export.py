"""`docgen export`: a period's submissions written out for the units, one workbook per unit (or per project).

`EXPORTERS` maps each `--format` name to the function that writes a `Job` (the period's evaluated submissions, the
output folder), so another format (sqlite, csv) is one more entry. The default `xlsx` writes forms to fill
(render/fillin.py): which workbooks hold which submissions is `plan`'s decision — 附件2 sheets of a unit's projects
in one workbook (or one per project), each department's 附件3 in its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import messages as M
from .. import output
from ..evaluate.evaluation import Evaluation
from ..form.forms import form_of
from ..form.model import Department, Project
from ..render.fillin import Sheetful, fillin_bytes

PER = ("unit", "project")
MAX_NAME = 60  # characters of a unit's or project's name in a file name


@dataclass(frozen=True)
class Workbook:
    """One file to write: its path under the output folder (POSIX, relative), its sheets in order, its title."""

    path: PurePosixPath
    items: tuple[Sheetful, ...]
    title: str


def safe_name(text: str) -> str:
    """A name from a submission made safe as one path component: no separators, controls, dots in front, or length."""
    cleaned = "".join("_" if c in '/\\:*?"<>|' or unicodedata.category(c)[0] == "C" else c for c in text).strip().lstrip(".")
    return cleaned[:MAX_NAME] or "_"


def _folder(sub: Project | Department) -> str:
    """The department folder the submission sits in (「101-教育局」), as the output's folder."""
    return safe_name(sub.path.parent.name)


def plan(evaluations: list[Evaluation], previous: dict[str, Project | Department], per: str) -> list[Workbook]:
    """The workbooks of one export: per unit (a unit's projects, by code, in one workbook) or per project; each
    department's 附件3 in a workbook of its own. Sorted by path, so the same submissions give the same files."""
    groups: dict[PurePosixPath, list[Evaluation]] = {}
    for ev in evaluations:
        sub = ev.submission
        folder = PurePosixPath(sub.period.key, _folder(sub))
        sheet = form_of(sub).sheet
        if isinstance(sub, Department):
            name = f"{sheet}-{safe_name(sub.department)}.xlsx"
        elif per == "project":
            name = f"{sheet}-{safe_name(sub.code)}.xlsx"
        else:
            name = f"{sheet}-{safe_name(sub.unit)}.xlsx"
        groups.setdefault(folder / name, []).append(ev)
    books = []
    for path in sorted(groups):
        members = sorted(groups[path], key=lambda e: getattr(e.submission, "code", ""))
        first = members[0].submission
        title = M.export_label("export_title", form=form_of(first).title, period=first.period.label)
        items = tuple(Sheetful(ev, previous.get(str(ev.submission.path))) for ev in members)
        books.append(Workbook(path, items, title))
    return books


@dataclass(frozen=True)
class Job:
    """One export: the period's evaluated submissions to write (valid, none 涉密), each one's last-period version
    by path, how to group them, the folder that receives the files and the table style (tables.yaml)."""

    evaluations: list[Evaluation]
    previous: dict[str, Project | Department]
    per: str
    out: Path
    style: Path


def export_xlsx(job: Job) -> list[Path]:
    """The default format: forms to fill (render/fillin.py). Every workbook is made before the first is written."""
    made = [
        (job.out / book.path, fillin_bytes(book.items, job.style, title=book.title))
        for book in plan(job.evaluations, job.previous, job.per)
    ]
    for path, data in made:
        output.write_bytes(path, data, owner=job.out)
    return [path for path, _ in made]


#: `docgen export --format NAME` -> the function that writes a job's files (returns them).
EXPORTERS: dict[str, Callable[[Job], list[Path]]] = {"xlsx": export_xlsx}

"""Who may change which files: the code owners file (`docgen codeowners`) and the scope check (`docgen check-scope`).

Both read the same map from the rosters: each department's folder (any period) and its own review files (its
审核意见 `审核/<代码>-<代码>.yaml`, its 整改 `审核/整改-<代码>.yaml`) belong to the department; the bureau's opinions
(`审核/财政局-<代码>.yaml`), the 结果应用 records and the rosters belong to the bureau. Patterns name folders by
department code only (codes are `[A-Za-z0-9_.-]`), never by a typed name, so nothing from a roster but a validated
reviewer handle reaches the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from .. import messages as M
from ..form import vocabulary as F
from ..form.model import Roster
from ..workspace import SUBMISSIONS

#: Where each platform reads the file (each also reads other places; these are their documented first choices).
TARGETS = {"github": ".github/CODEOWNERS", "gitlab": ".gitlab/CODEOWNERS", "gitee": ".gitee/CODEOWNERS"}

BUREAU = "bureau"


@dataclass(frozen=True)
class Owners:
    """Each department's reviewers (by code, the latest roster's) and the bureau's."""

    departments: dict[str, tuple[str, ...]]
    bureau: tuple[str, ...]


def owners_of(rosters: list[Roster]) -> Owners:
    """The reviewers from the rosters, the latest period's word winning (a department keeps its last listing)."""
    departments: dict[str, tuple[str, ...]] = {}
    bureau: tuple[str, ...] = ()
    for roster in sorted(rosters, key=lambda r: (r.period.year, r.period.month)):
        bureau = roster.bureau_reviewers or bureau
        for dept in roster.departments:
            departments[dept.code] = dept.reviewers or departments.get(dept.code, ())
    return Owners(dict(sorted(departments.items())), bureau)


def _line(pattern: str, owners: tuple[str, ...]) -> str:
    return f"{pattern} {' '.join(owners)}".rstrip()


def render(owners: Owners, platform: str) -> str:
    """The CODEOWNERS text for `platform` (github, gitlab, gitee): the same lines, in the place each reads. The last
    matching pattern wins on all three, so the general lines come first. No GitLab/Gitee sections: a file matching
    two sections needs both sections' approval there, which would make the bureau approve every unit's file."""
    top = f"/{SUBMISSIONS}"
    review = f"{top}/*/{F.REVIEW_FOLDER}"
    lines = [f"# {M.review_text('codeowners_header')}", ""]
    if owners.bureau:
        lines.append(f"# {M.review_text('codeowners_bureau_section')}")
        lines += [_line("*", owners.bureau), _line(f"{top}/*/{F.ROSTER_FILE}", owners.bureau), _line(f"{review}/**", owners.bureau), ""]
    for code, reviewers in owners.departments.items():
        if not reviewers:
            continue
        lines.append(f"# {M.review_text('codeowners_department_section', code=code)}")
        lines += [
            _line(f"{top}/*/{code}/**", reviewers),
            _line(f"{top}/*/{code}-*/**", reviewers),
            _line(f"{review}/{code}-{code}.yaml", reviewers),
            _line(f"{review}/{F.RECTIFICATION_PREFIX}{code}.yaml", (*reviewers, *owners.bureau)),
        ]
        if owners.bureau:
            lines += [
                _line(f"{review}/{F.BUREAU}-{code}.yaml", owners.bureau),
                _line(f"{review}/{F.APPLICATION_PREFIX}{code}.yaml", owners.bureau),
            ]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- the scope of a change ----------------------------------------------------------------------

_DEPT_FOLDER = re.compile(r"^(?P<code>[A-Za-z0-9_.]+)(?:-.*)?$")


def owner_of(path: str) -> str | None:
    """Whose file `path` (root-relative) is: a department code, BUREAU, or None (not a submission file)."""
    parts = PurePosixPath(path).parts
    if len(parts) < 3 or parts[0] != SUBMISSIONS:
        return None
    if len(parts) == 3:  # submissions/<period>/名单.yaml and anything else beside the folders
        return BUREAU
    folder, name = parts[2], PurePosixPath(path).name
    if folder == F.REVIEW_FOLDER:
        stem = PurePosixPath(name).stem
        if stem.startswith(F.RECTIFICATION_PREFIX):
            return stem[len(F.RECTIFICATION_PREFIX) :] or BUREAU
        reviewer, _, code = stem.rpartition("-")
        if reviewer and reviewer == code:  # a department's own opinions
            return code
        return BUREAU
    match = _DEPT_FOLDER.match(folder)
    return match["code"] if match else BUREAU


@dataclass(frozen=True)
class Trespass:
    """A changed file outside the change's scope: its path and whose it is."""

    path: str
    owner: str


def scope(paths: list[str], department: str | None = None, bureau: bool = False) -> tuple[str | None, list[Trespass]]:
    """The one owner a change may touch and the files it touches beyond: `department` when given; else the owner
    of its first department file (or the bureau when it touches only the bureau's files). The bureau may change
    everything (`bureau`)."""
    owned = [(p, o) for p in sorted(paths) if (o := owner_of(p)) is not None]
    if bureau:
        return BUREAU, []
    allowed = department or next((o for _, o in owned if o != BUREAU), None) or (BUREAU if owned else None)
    out = [Trespass(p, o) for p, o in owned if o != allowed]
    return allowed, out

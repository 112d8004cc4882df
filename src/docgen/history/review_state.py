"""Each submission's review state, 草稿/已报送/退回修改/已通过, from git and the review records.

A file not on the main branch is a 草稿 (it is still in someone's branch or pull request); on the main branch it is
已报送 until a reviewer concludes: 退回修改 while any reviewer's latest opinion returns it, 已通过 when each
reviewer's latest passes it (evaluate/review.py). When it first reached the main branch is git.first_arrivals, the
one reading of arrival the site's 迟报 and the export use too, for judging lateness against the roster's 截止日期.
Outside a repository, or without a main branch, nothing is a 草稿 and no arrival is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..evaluate.review import Records, Submission
from ..form import review as RV
from ..form import vocabulary as F
from ..workspace import SUBMISSIONS
from .git import GitError, Repo, first_arrivals, open_repo

#: The branch names tried, in order, when none is given.
MAIN_BRANCHES = ("main", "master")


@dataclass(frozen=True)
class ReviewState:
    """One submission's place in the review loop."""

    path: str
    state: str  # "draft" | "submitted" | "returned" | "passed" (F.REVIEW_STATES gives the Chinese)
    on_main: bool | None  # None: not known (no repository or no main branch)
    first_arrived: datetime | None  # the commit date of the commit that added the file on the main branch
    opinions: tuple[RV.Opinion, ...]
    reason: str = ""  # the latest returning opinion's text when returned

    @property
    def label(self) -> str:
        return F.REVIEW_STATES[self.state]

    @property
    def returned(self) -> bool:
        return self.state == "returned"


@dataclass(frozen=True)
class MainBranch:
    """What the main branch holds: its files (root-relative) and when each first arrived there."""

    name: str | None
    files: frozenset[str]
    arrived: dict[str, datetime]


def read_main(root: Path, branch: str | None = None) -> MainBranch:
    """The main branch's submissions and their arrival dates; empty (name None) outside a repository."""
    try:
        repo = open_repo(root)
    except GitError:
        return MainBranch(None, frozenset(), {})
    name = _main_name(repo, branch)
    if name is None:
        return MainBranch(None, frozenset(), {})
    files = frozenset(repo.tree(name, SUBMISSIONS))
    return MainBranch(name, files, first_arrivals(repo, SUBMISSIONS, name))


def _main_name(repo: Repo, branch: str | None) -> str | None:
    for name in (branch,) if branch else MAIN_BRANCHES:
        out = repo.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"refs/heads/{name}^{{commit}}", check=False)
        if out.strip():
            return name
    return None


def states(submissions: list[Submission], records: Records, main: MainBranch) -> dict[str, ReviewState]:
    """The review state of each submission, by its path."""
    out = {}
    for sub in submissions:
        path = Path(sub.path).as_posix()
        opinions = tuple(records.opinions_on(sub))
        conclusion = RV.conclusion(list(opinions))
        on_main = None if main.name is None else path in main.files
        if conclusion == F.REVIEW_CONCLUSIONS[1]:
            state = "returned"
        elif conclusion == F.REVIEW_CONCLUSIONS[0]:
            state = "passed"
        elif on_main is False:
            state = "draft"
        else:
            state = "submitted"
        reason = records.return_reason(sub) if state == "returned" else ""
        out[path] = ReviewState(path, state, on_main, main.arrived.get(path), opinions, reason)
    return out

"""What changed in the submissions between two git revisions (or a revision and the working tree),
field by field, for the reviewer of a pull request: `docgen diff BASE [HEAD]`.

Files added/removed/renamed come from one `git diff -M --raw`; both versions of every changed file
are read in one `git cat-file --batch` and compared with `changes.compare` (the same core as the
site's history). The problems reported before and after come from one function passed in by
`api.diff` (validation today), run on each side's whole submissions/ tree, so a change in one file
that raises a warning in another (a roster edit) is seen too.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..check.findings import Finding
from ..check.profile import profile_of
from ..check.validate import kind_of
from ..errors import DocgenError
from ..files import read_regular
from ..form.forms import DEFAULT, Profile
from ..output import write_bytes
from ..workspace import CONFIG, MAX_CONFIG_BYTES, PROFILE_SUFFIXES, Workspace
from . import changes as C
from .changes import Change
from .git import RawChange, Repo, open_repo

SUBMISSIONS = "submissions"
ADDED, MODIFIED, RENAMED, DELETED, UNCHANGED = "added", "modified", "renamed", "deleted", "unchanged"
_STATUS = {"A": ADDED, "M": MODIFIED, "R": RENAMED, "D": DELETED}

#: Problems in the submissions under a folder (paths as the findings give them).
FindingsSource = Callable[[Path], list[Finding]]


@dataclass(frozen=True)
class FileDiff:
    """One submission's difference between the two sides."""

    path: str  # path on the HEAD side (the BASE side for a deleted file)
    old_path: str | None  # path on the BASE side when renamed
    status: str
    kind: str
    name: str = ""
    code: str = ""
    confidential: bool = False
    changes: tuple[Change, ...] = ()
    appeared: tuple[Finding, ...] = ()  # problems on the HEAD side not on the BASE side
    cleared: tuple[Finding, ...] = ()  # problems on the BASE side gone on the HEAD side
    withheld: bool = False  # a 部门整体 whose figures would reveal a 涉密 project's: that it changed, nothing else

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "old_path": self.old_path,
            "status": self.status,
            "kind": self.kind,
            "name": self.name,
            "code": self.code,
            "confidential": self.confidential,
            "withheld": self.withheld,
            "changes": [c.as_dict() for c in self.changes],
            "findings": {"appeared": [f.as_dict() for f in self.appeared], "cleared": [f.as_dict() for f in self.cleared]},
        }


@dataclass
class DiffResult:
    """Everything `docgen diff` found between two revisions, for its Markdown and JSON reports."""

    base: str
    base_commit: str
    head: str | None  # None: the working tree
    head_commit: str | None
    files: list[FileDiff] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def appeared(self) -> int:
        return sum(len(f.appeared) for f in self.files)

    @property
    def cleared(self) -> int:
        return sum(len(f.cleared) for f in self.files)


RULES_PATH = "schema/rules.yaml"


def _own_profile(config: bytes) -> str | None:
    """The repository profile file a revision's docgen.yaml names (a relative path inside the repository), else None.
    Only to know which file to write out: the materialised docgen.yaml is then read and checked like any other."""
    if not config or len(config) > MAX_CONFIG_BYTES:
        return None
    try:
        data = yaml.safe_load(config.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    named = data.get("profile") if isinstance(data, dict) else None
    if not isinstance(named, str) or not named.endswith(PROFILE_SUFFIXES):
        return None
    path = PurePosixPath(named)
    return None if path.is_absolute() or ".." in path.parts else path.as_posix()


def _materialise(repo: Repo, revision: str, folder: Path) -> Path:
    """Write the submissions/ of `revision` under `folder` (the validators read files), with that revision's
    monitoring rules (schema/rules.yaml) and profile (docgen.yaml and the profile file it names) so both sides are
    judged by their own thresholds and forms."""
    tree = {**repo.tree(revision, SUBMISSIONS), **repo.tree(revision, RULES_PATH), **repo.tree(revision, CONFIG)}
    contents = repo.cat_blobs(tree.values())
    own = _own_profile(contents.get(tree.get(CONFIG, ""), b""))
    if own is not None:
        extra = repo.tree(revision, own)
        tree.update(extra)
        contents.update(repo.cat_blobs(extra.values()))
    for path, blob in tree.items():
        write_bytes(folder / path, contents.get(blob, b""))
    return folder


def _findings(source: FindingsSource, root: Path) -> dict[str, list[Finding]]:
    """Problems by path relative to `root`; none when there is no submissions/ folder.

    Findings name files (and messages name other files, such as the roster) relative to the project root they
    were checked in, so both sides read alike and can be matched.
    """
    if not (root / SUBMISSIONS).is_dir():
        return {}
    out: dict[str, list[Finding]] = {}
    for finding in source(root):
        out.setdefault(Path(os.path.normpath(finding.path)).as_posix(), []).append(finding)
    return out


def _finding_key(f: Finding) -> tuple[str, str, str]:
    return (f.code, f.severity, f.message)


def _relocated(f: Finding, path: str) -> Finding:
    return dataclasses.replace(f, path=path)  # keeps the monitoring light


def _problems(before: list[Finding], after: list[Finding], old: str, new: str) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """Appeared and cleared, matched by code and message (lines move when text is inserted above)."""
    old_keys = {_finding_key(f) for f in before}
    new_keys = {_finding_key(f) for f in after}
    appeared = tuple(_relocated(f, new) for f in after if _finding_key(f) not in old_keys)
    cleared = tuple(_relocated(f, old) for f in before if _finding_key(f) not in new_keys)
    return appeared, cleared


def compare_revisions(root: Path, base: str, head: str | None, findings: FindingsSource) -> DiffResult:
    """Every submission that differs between `base` and `head` (None: the working tree)."""
    repo = open_repo(root)
    base_commit = repo.resolve(base)
    head_commit = repo.resolve(head) if head is not None else None
    raw = repo.diff(base_commit, head_commit, SUBMISSIONS)
    contents = repo.cat_blobs(b for rc in raw for b in (rc.old_blob, rc.new_blob) if b)
    result = DiffResult(base=base, base_commit=base_commit, head=head, head_commit=head_commit)
    with tempfile.TemporaryDirectory(prefix="docgen-diff-") as tmp:
        base_root = _materialise(repo, base_commit, Path(tmp) / "base")
        before_problems = _findings(findings, base_root)
        head_root = repo.root if head_commit is None else _materialise(repo, head_commit, Path(tmp) / "head")
        after_problems = _findings(findings, head_root)
        profiles = (_profile_at(base_root), _profile_at(head_root))  # each side read on its own docgen.yaml's forms
        seen: set[str] = set()
        for rc in raw:
            result.files.append(_file_diff(rc, contents, before_problems, after_problems, profiles))
            seen.update(p for p in (rc.old_path, rc.new_path) if p)
        for path in sorted(set(before_problems) | set(after_problems)):
            appeared, cleared = _problems(before_problems.get(path, []), after_problems.get(path, []), path, path)
            if path not in seen and (appeared or cleared):
                kind = kind_of(Path(path))
                file = head_root / path
                snap = C.snapshot((read_regular(file) or b"") if file.is_file() else b"", kind, profile=profiles[1])
                result.files.append(FileDiff(path, None, UNCHANGED, kind, snap.name, snap.code, snap.confidential, (), appeared, cleared))
    result.files.sort(key=lambda f: (f.status == UNCHANGED, f.path))
    return result


def _profile_at(root: Path) -> Profile:
    """The profile a materialised revision chose (its docgen.yaml); the default when it chose none or one that does
    not load (its findings already say why: the check of that side reads the same docgen.yaml)."""
    try:
        return profile_of(Workspace.at(root))
    except DocgenError:
        return DEFAULT


def _file_diff(
    rc: RawChange,
    contents: dict[str, bytes],
    before: dict[str, list[Finding]],
    after: dict[str, list[Finding]],
    profiles: tuple[Profile, Profile] = (DEFAULT, DEFAULT),
) -> FileDiff:
    path = rc.new_path or rc.old_path or ""
    kind = kind_of(Path(path))
    old = C.snapshot(contents.get(rc.old_blob, b""), kind, profile=profiles[0]) if rc.old_blob else None
    new = C.snapshot(contents.get(rc.new_blob, b""), kind, profile=profiles[1]) if rc.new_blob else None
    appeared, cleared = _problems(before.get(rc.old_path or "", []), after.get(rc.new_path or "", []), rc.old_path or path, path)
    if rc.new_blob is None:
        cleared = ()  # a deleted file's problems leave with it: nothing was fixed
    shown = new if new is not None and new.readable else old
    changes = C.compare(old, new)
    return FileDiff(
        path=path,
        old_path=rc.old_path if rc.status == "R" else None,
        status=_STATUS[rc.status],
        kind=kind,
        name=shown.name if shown else "",
        code=shown.code if shown else "",
        confidential=any(s is not None and s.confidential for s in (old, new)) or any(c.confidential for c in changes),
        changes=tuple(changes),
        appeared=appeared,
        cleared=cleared,
    )

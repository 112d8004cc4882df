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
import re
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
from ..evaluate.targets import Change as TargetChange
from ..files import read_regular
from ..form.forms import DEFAULT, Profile
from ..output import write_bytes
from ..workspace import CONFIG, MAX_CONFIG_BYTES, PROFILE_SUFFIXES, Workspace
from . import changes as C
from .changes import Change
from .git import LoggedCommit, RawChange, Repo, commits_between, open_repo

SUBMISSIONS = "submissions"
ADDED, MODIFIED, RENAMED, DELETED, UNCHANGED = "added", "modified", "renamed", "deleted", "unchanged"
_STATUS = {"A": ADDED, "M": MODIFIED, "R": RENAMED, "D": DELETED}


@dataclass
class Verdicts:
    """What the checks say of one side's submissions: every finding, and each submission's monitoring light
    (path -> "red" | "yellow" | "blue" | "green"; absent or None: not monitored)."""

    findings: list[Finding]
    lights: dict[str, str | None] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)  # path -> review state, in Chinese (草稿/已报送/退回修改/已通过)
    targets: dict[str, tuple[TargetChange, ...]] = field(default_factory=dict)  # path -> differences from the approved targets


#: Problems in the submissions under a folder (paths as the findings give them), with or without their lights.
FindingsSource = Callable[[Path], "list[Finding] | Verdicts"]


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
    changed: tuple[tuple[Finding, Finding], ...] = ()  # the same warning on both sides, its figures changed: (before, after)
    light_before: str | None = None  # the submission's monitoring light on each side (None: not monitored, absent)
    light_after: str | None = None
    state_before: str = ""  # its review state on each side, in Chinese ("": not known, absent)
    state_after: str = ""
    targets: tuple[TargetChange, ...] = ()  # differences from the approved targets new on the HEAD side (or now justified)

    @property
    def state_changed(self) -> bool:
        return self.state_before != self.state_after and bool(self.state_before or self.state_after)

    @property
    def light_changed(self) -> bool:
        return self.light_before != self.light_after and (self.light_before, self.light_after) != (None, None)

    def as_dict(self) -> dict[str, Any]:
        targets = {"targets": [_target_dict(t) for t in self.targets]} if self.targets else {}  # only where there are some
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
            "findings": {
                "appeared": [f.as_dict() for f in self.appeared],
                "cleared": [f.as_dict() for f in self.cleared],
                "changed": [{"before": a.as_dict(), "after": b.as_dict()} for a, b in self.changed],
            },
            "light": {"before": self.light_before, "after": self.light_after},
            "review_state": {"before": self.state_before or None, "after": self.state_after or None},
            **targets,
        }


def _target_dict(t: TargetChange) -> dict[str, Any]:
    """A difference from the approved targets as the JSON gives it."""
    record = t.record
    return {
        "kind": t.kind,
        "indicator": t.name,
        "renamed": t.renamed or None,
        "approved": t.approved or None,
        "reported": t.reported or None,
        "justified": t.justified,
        "document_number": record.document_number if record is not None else None,
        "date": record.date if record is not None else None,
    }


def target_rows(before: tuple[TargetChange, ...], after: tuple[TargetChange, ...]) -> tuple[TargetChange, ...]:
    """The HEAD side's differences from the approved targets that the BASE side did not have as they are now (a new
    change, another value, or one a 目标调整 record now justifies)."""
    known = {_target_key(t) for t in before}
    return tuple(t for t in after if _target_key(t) not in known)


def _target_key(t: TargetChange) -> tuple[str, str, str, str, str, bool]:
    return (t.kind, t.name, t.renamed, t.approved, t.reported, t.justified)


@dataclass
class DiffResult:
    """Everything `docgen diff` found between two revisions, for its Markdown and JSON reports."""

    base: str
    base_commit: str
    head: str | None  # None: the working tree
    head_commit: str | None
    files: list[FileDiff] = field(default_factory=list)
    commits: list[LoggedCommit] = field(default_factory=list)  # base..head, newest first

    def count(self, status: str) -> int:
        return sum(f.status == status for f in self.files)

    @property
    def appeared(self) -> int:
        return sum(len(f.appeared) for f in self.files)

    @property
    def cleared(self) -> int:
        return sum(len(f.cleared) for f in self.files)

    @property
    def changed(self) -> int:
        return sum(len(f.changed) for f in self.files)


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


def _key(path: str) -> str:
    return Path(os.path.normpath(path)).as_posix()


Judged = tuple[dict[str, list[Finding]], dict[str, str | None], dict[str, str], dict[str, tuple[TargetChange, ...]]]


def _findings(source: FindingsSource, root: Path) -> Judged:
    """Problems and lights by path relative to `root`; none when there is no submissions/ folder.

    Findings name files (and messages name other files, such as the roster) relative to the project root they
    were checked in, so both sides read alike and can be matched.
    """
    if not (root / SUBMISSIONS).is_dir():
        return {}, {}, {}, {}
    given = source(root)
    verdicts = given if isinstance(given, Verdicts) else Verdicts(given)
    out: dict[str, list[Finding]] = {}
    for finding in verdicts.findings:
        out.setdefault(_key(finding.path), []).append(finding)
    lights = {_key(path): light for path, light in verdicts.lights.items()}
    targets = {_key(path): rows for path, rows in verdicts.targets.items()}
    return out, lights, {_key(path): state for path, state in verdicts.states.items()}, targets


def _finding_key(f: Finding) -> tuple[str, str, str]:
    return (f.code, f.severity, f.message)


def _relocated(f: Finding, path: str) -> Finding:
    return dataclasses.replace(f, path=path)  # keeps the monitoring light


_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def _shape(f: Finding) -> tuple[str, str, str]:
    """A finding with its figures blanked: the same warning about the same row or indicator, whatever its numbers."""
    return (f.code, f.severity, _NUMBER.sub("#", f.message))


Problems = tuple[tuple[Finding, ...], tuple[Finding, ...], tuple[tuple[Finding, Finding], ...]]


def _problems(before: list[Finding], after: list[Finding], old: str, new: str) -> Problems:
    """Appeared, cleared and changed, matched by code and message (lines move when text is inserted above).

    A warning on both sides whose message differs only in its figures (「支出进度 20.00%」 → 「35.00%」) is one
    change, (before, after), not a cleared and an appeared one: the reviewer sees the figures move."""
    old_keys = {_finding_key(f) for f in before}
    new_keys = {_finding_key(f) for f in after}
    appeared = [_relocated(f, new) for f in after if _finding_key(f) not in old_keys]
    cleared = [_relocated(f, old) for f in before if _finding_key(f) not in new_keys]
    changed: list[tuple[Finding, Finding]] = []
    for gone in list(cleared):
        twin = next((f for f in appeared if _shape(f) == _shape(gone)), None)
        if twin is not None:
            cleared.remove(gone)
            appeared.remove(twin)
            changed.append((gone, twin))
    return tuple(appeared), tuple(cleared), tuple(changed)


def compare_revisions(root: Path, base: str, head: str | None, findings: FindingsSource) -> DiffResult:
    """Every submission that differs between `base` and `head` (None: the working tree)."""
    repo = open_repo(root)
    base_commit = repo.resolve(base)
    head_commit = repo.resolve(head) if head is not None else None
    raw = repo.diff(base_commit, head_commit, SUBMISSIONS)
    contents = repo.cat_blobs(b for rc in raw for b in (rc.old_blob, rc.new_blob) if b)
    result = DiffResult(base=base, base_commit=base_commit, head=head, head_commit=head_commit)
    result.commits = commits_between(repo, base_commit, head_commit or "HEAD") if repo.has_commits() else []
    with tempfile.TemporaryDirectory(prefix="docgen-diff-") as tmp:
        base_root = _materialise(repo, base_commit, Path(tmp) / "base")
        before_problems, before_lights, before_states, before_targets = _findings(findings, base_root)
        head_root = repo.root if head_commit is None else _materialise(repo, head_commit, Path(tmp) / "head")
        after_problems, after_lights, after_states, after_targets = _findings(findings, head_root)
        profiles = (_profile_at(base_root), _profile_at(head_root))  # each side read on its own docgen.yaml's forms
        seen: set[str] = set()
        for rc in raw:
            diffed = _file_diff(rc, contents, before_problems, after_problems, profiles)
            lights = before_lights.get(rc.old_path or ""), after_lights.get(rc.new_path or "")
            states = before_states.get(rc.old_path or "", ""), after_states.get(rc.new_path or "", "")
            diffed = dataclasses.replace(diffed, light_before=lights[0], light_after=lights[1])
            diffed = dataclasses.replace(
                diffed, targets=target_rows(before_targets.get(rc.old_path or "", ()), after_targets.get(rc.new_path or "", ()))
            )
            result.files.append(dataclasses.replace(diffed, state_before=states[0], state_after=states[1]))
            seen.update(p for p in (rc.old_path, rc.new_path) if p)
        paths = set(before_problems) | set(after_problems) | set(before_lights) | set(after_lights) | set(before_states) | set(after_states)
        paths |= set(after_targets)
        for path in sorted(paths):
            appeared, cleared, changed = _problems(before_problems.get(path, []), after_problems.get(path, []), path, path)
            light_before, light_after = before_lights.get(path), after_lights.get(path)
            state_before, state_after = before_states.get(path, ""), after_states.get(path, "")
            moved = light_before != light_after or state_before != state_after
            targets = target_rows(before_targets.get(path, ()), after_targets.get(path, ()))
            if path not in seen and (appeared or cleared or changed or moved or targets):
                kind = kind_of(Path(path))
                file = head_root / path
                snap = C.snapshot((read_regular(file) or b"") if file.is_file() else b"", kind, profile=profiles[1])
                result.files.append(
                    FileDiff(
                        path,
                        None,
                        UNCHANGED,
                        kind,
                        snap.name,
                        snap.code,
                        snap.confidential,
                        (),
                        appeared,
                        cleared,
                        changed=changed,
                        light_before=light_before,
                        light_after=light_after,
                        state_before=state_before,
                        state_after=state_after,
                        targets=targets,
                    )
                )
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
    appeared, cleared, changed = _problems(before.get(rc.old_path or "", []), after.get(rc.new_path or "", []), rc.old_path or path, path)
    if rc.new_blob is None:
        cleared = changed = ()  # a deleted file's problems leave with it: nothing was fixed
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
        changed=changed,
    )

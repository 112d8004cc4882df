"""The history of every submission, from git: who changed what, when, at field level.

One `git log --raw -z -M` over the whole submissions/ folder lists every commit touching every file
(one git call per file is what makes per-page git plugins slow: benchmarks/history.py); the old
versions are read in one `git cat-file --batch`. Renames and moves are followed, so a file keeps its
history. Each version is reduced to a `changes.Snapshot` and compared with the one before; the
results are cached by blob id in history.sqlite in the user's cache folder (one per repository, never
inside it: a committed cache would put invented history on the site), so a rebuild only parses versions it
has not seen. A cached row that does not parse or has the wrong shape is a miss.

Public API (stable; the site and `docgen diff` use it):

    read_history(root, *, subdir="submissions", revision="HEAD", cache_dir=None) -> History
        root: the folder holding submissions/ (anywhere inside a git repository).
        cache_dir: where the cache lives (default: the project's cache.Store, in the user's cache folder; False: no cache).
        Raises git.GitError (a DocgenError, exit 3, Chinese message) when root is not in a git
        repository or git is missing; git.RevisionError when `revision` does not exist.
        A repository with no commits, or none touching submissions/, gives an empty History.

    History
        .timelines: dict[str, Timeline]   key: the file's current path relative to root, posix
                                          (a deleted file: its last path; a clash: "path@sha7")
        .get(path) -> Timeline | None      by current path, or by any path the file once had
        .public() -> History               what a published site may show: confidential (涉密) timelines
                                          dropped whole; changes about 涉密 items inside other files (a
                                          roster's entry for a confidential project) dropped, and entries
                                          left with no change because of that dropped too
        .recent(limit=20, *, include_confidential=False) -> list[Entry]   newest first, site-wide,
                                          filtered as public() unless include_confidential
        .stats: Stats                      commits read, versions parsed, cache hits (benchmark)
        .shallow: git.Shallow | None       a shallow clone (CI's default checkout): its cut commits and how many
                                          commits it holds; None for a full history

    Timeline                              one file, however often renamed
        .key, .kind ("project" | "department" | "roster"), .entries: list[Entry] (oldest first)
        .confidential: bool   True if ANY version was marked 涉密 (never for a roster: see public())
        .exists: bool         False when the last entry deleted it
        .path, .name, .code   the current (last) path, 项目名称/主管部门, 项目代码/主管部门代码
        .paths: list[str]     every path it had, oldest first

    Entry                                 one commit's effect on one file
        .key, .sha, .author, .email, .date (aware datetime, author date), .message (subject + body),
        .subject, .body, .path (path at this commit; for a deletion the path it had),
        .old_path (renames), .status: "added" | "modified" | "renamed" | "deleted",
        .status_label (新增/修改/重命名/删除; 最早可见 when truncated), .blob,
        .truncated: the file's earliest entry in a shallow clone, at a commit whose parents were not fetched:
                    "added" there only because the history was cut short, maybe not the first submission,
        .changes: tuple[changes.Change, ...],
        .confidential (this version), .readable, .valid, .name, .code, .as_dict()

    Constants ADDED, MODIFIED, RENAMED, DELETED: the values of Entry.status.

    changes.Change (frozen): .kind ("field" | "figure" | "added" | "removed" | "unreadable"), .field
        (「资金·中央财政资金·支出数」, 「绩效指标·资助学生人数」), .before / .after (display text, None =
        absent; for an item added/removed, after/before sums the item up in one line; for "unreadable",
        after is the Chinese reason with line and column), .label (last part), .group (the rest),
        .text() (「资金·中央财政资金·支出数 60.20 → 95.00」, 「新增绩效指标「…」」), .as_dict(),
        .confidential (about a 涉密 item inside a file that is not itself confidential: a roster entry)
        Order within an entry: typed fields (form order), items added/removed, computed figures.
        The first version of a file lists its 资金总额 安排数, 下达数, 支出数, 下达率, 支出进度 (— → value);
        a deletion lists none.

Limits: commits on merged side branches are shown in the order `git log --date-order` gives; merge
commits themselves add no entry (their changes are those of the commits merged).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import messages as M
from ..cache import Store, code_digest
from ..check.validate import kind_of
from ..form.forms import Profile
from ..form.limits import visible
from . import changes as C
from .changes import Change, Snapshot
from .git import RawChange, Repo, Shallow, only_yaml, open_repo, parse_raw

SUBMISSIONS = "submissions"
CACHE_DIR = ".docgen-cache"  # where the cache once lived, inside the repository; never read now
CACHE_FILE = "history.sqlite"
ADDED, MODIFIED, RENAMED, DELETED = "added", "modified", "renamed", "deleted"
_STATUS = {"A": ADDED, "M": MODIFIED, "R": RENAMED, "D": DELETED}
_FORMAT = "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1f"


@dataclass(frozen=True)
class Commit:
    """One commit that touched submissions, as parsed from a single `git log` run."""

    sha: str
    author: str
    email: str
    date: datetime
    message: str
    changes: tuple[RawChange, ...]


@dataclass(frozen=True)
class Entry:
    """One commit's effect on one submission."""

    key: str
    sha: str
    author: str
    email: str
    date: datetime
    message: str
    path: str
    old_path: str | None
    status: str
    blob: str | None
    changes: tuple[Change, ...] = ()
    confidential: bool = False
    readable: bool = True
    valid: bool = True
    name: str = ""
    code: str = ""
    truncated: bool = False  # shallow clone: the earliest version fetched, shown as added, maybe not the first

    @property
    def subject(self) -> str:
        return self.message.strip().split("\n", 1)[0]

    @property
    def body(self) -> str:
        parts = self.message.strip().split("\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""

    @property
    def status_label(self) -> str:
        return M.label("status_truncated" if self.truncated else f"status_{self.status}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "sha": self.sha,
            "author": self.author,
            "email": self.email,
            "date": self.date.isoformat(),
            "subject": self.subject,
            "body": self.body,
            "path": self.path,
            "old_path": self.old_path,
            "status": self.status,
            "blob": self.blob,
            "confidential": self.confidential,
            "readable": self.readable,
            "valid": self.valid,
            "name": self.name,
            "code": self.code,
            "truncated": self.truncated,
            "changes": [c.as_dict() for c in self.changes],
        }


@dataclass
class Timeline:
    """Every commit that touched one file, oldest first, across renames."""

    key: str
    kind: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def confidential(self) -> bool:
        return any(e.confidential for e in self.entries)

    @property
    def exists(self) -> bool:
        return bool(self.entries) and self.entries[-1].status != DELETED

    @property
    def path(self) -> str:
        return self.entries[-1].path if self.entries else self.key

    @property
    def paths(self) -> list[str]:
        return list(dict.fromkeys(p for e in self.entries for p in (e.old_path, e.path) if p))

    @property
    def name(self) -> str:
        return next((e.name for e in reversed(self.entries) if e.name), "")

    @property
    def code(self) -> str:
        return next((e.code for e in reversed(self.entries) if e.code), "")


@dataclass
class Stats:
    """What one read cost: for the benchmark and for curious users."""

    commits: int = 0
    entries: int = 0
    parsed: int = 0  # versions parsed (not found in the cache)
    diff_hits: int = 0  # comparisons answered by the cache


@dataclass
class History:
    """Every file's timeline, looked up by its current or any earlier path, for the site and `docgen diff`."""

    timelines: dict[str, Timeline] = field(default_factory=dict)
    stats: Stats = field(default_factory=Stats)
    shallow: Shallow | None = None  # a shallow clone (CI's default): the history is cut short
    _log: list[Entry] = field(default_factory=list, repr=False)  # every entry, newest first

    def get(self, path: str | Path) -> Timeline | None:
        key = Path(path).as_posix()
        if key in self.timelines:
            return self.timelines[key]
        return next((t for t in self.timelines.values() if key in t.paths), None)

    def public(self) -> History:
        """The history a published site may show: confidential timelines removed entirely, and from
        the others every change about a 涉密 item (a roster's entry for a confidential project); an
        entry whose every change was such goes too."""
        keep: dict[str, Timeline] = {}
        for key, timeline in self.timelines.items():
            if not timeline.confidential:
                entries = [_public_entry(e) for e in timeline.entries]
                keep[key] = Timeline(key, timeline.kind, [e for e in entries if e is not None])
        log = {(e.sha, e.key): e for t in keep.values() for e in t.entries}
        return History(keep, self.stats, self.shallow, [log[(e.sha, e.key)] for e in self._log if (e.sha, e.key) in log])

    def recent(self, limit: int = 20, *, include_confidential: bool = False) -> list[Entry]:
        """The latest changes across all submissions (最近更新), newest first; as public() unless asked."""
        return (self._log if include_confidential else self.public()._log)[:limit]


def _public_entry(entry: Entry) -> Entry | None:
    if not any(c.confidential for c in entry.changes):
        return entry
    shown = tuple(c for c in entry.changes if not c.confidential)
    return replace(entry, changes=shown) if shown else None


# --- reading git -----------------------------------------------------------------------------


def log_commits(repo: Repo, revision: str = "HEAD", subdir: str = SUBMISSIONS) -> list[Commit]:
    """Every commit touching a YAML file below `subdir`, newest first, with its file changes: ONE git call."""
    if not repo.has_commits():
        return []
    sha = repo.resolve(revision)
    out = repo.run(
        "log", "--date-order", "-z", "--raw", "--no-abbrev", "-M", "-l100000", _FORMAT, sha, "--", f":(top){repo.prefix}{subdir}"
    )
    return list(_parse_log(out, repo))


def _parse_log(out: bytes, repo: Repo) -> Iterator[Commit]:
    for chunk in out.split(b"\x1e")[1:]:
        end = chunk.find(b"\0")
        header, raw = (chunk, b"") if end < 0 else (chunk[:end], chunk[end + 1 :])
        sha, author, email, date, message = header.decode("utf-8", "replace").split("\x1f", 4)
        records = only_yaml(parse_raw(raw, repo))
        if records:  # a merge shows no changes of its own
            # the message and the author come from git, unchecked: no bidi control or U+FFFE reaches the site or the diff
            text = visible(message.rstrip("\x1f").strip())
            yield Commit(sha, visible(author), visible(email), datetime.fromisoformat(date), text, tuple(records))


@dataclass
class _Touch:
    key: str
    commit: Commit
    change: RawChange


def _assign(commits: list[Commit]) -> dict[str, list[_Touch]]:
    """Group file changes by file, following renames backwards from the newest commit.

    `alias` maps a path, as it is just after the commit being looked at, to the key of the file
    then at that path. A file's key is its newest path; a deleted file whose path was later reused
    gets "path@sha7" so the two lives stay apart.
    """
    alias: dict[str, str] = {}
    used: set[str] = set()
    touches: dict[str, list[_Touch]] = {}

    def fresh(path: str, sha: str) -> str:
        key = path if path not in used else f"{path}@{sha[:7]}"
        used.add(key)
        return key

    for commit in commits:
        befores: list[tuple[str, str]] = []
        for rc in commit.changes:
            if rc.status == "D":
                assert rc.old_path is not None
                key = fresh(rc.old_path, commit.sha)
                befores.append((rc.old_path, key))
            else:
                assert rc.new_path is not None
                if rc.status in "AR":
                    key = alias.pop(rc.new_path, "") or fresh(rc.new_path, commit.sha)
                else:
                    key = alias.get(rc.new_path) or fresh(rc.new_path, commit.sha)
                    alias[rc.new_path] = key
                if rc.status == "R":
                    assert rc.old_path is not None
                    befores.append((rc.old_path, key))
            touches.setdefault(key, []).append(_Touch(key, commit, rc))
        for path, key in befores:  # all changes of one commit happen at once: aliases after
            alias[path] = key
    for items in touches.values():
        items.reverse()  # oldest first
    return touches


# --- the cache ----------------------------------------------------------------------------------


def _code_version() -> str:
    """The one code digest of cache.py: any change to docgen makes every cached diff stale."""
    return code_digest()


class _Cache:
    """Snapshots and comparisons keyed by blob id, in SQLite; emptied when docgen's logic changes."""

    def __init__(self, folder: Path | None, profile: Profile | None = None) -> None:
        self.profile = profile  # the repository's forms: a snapshot read on another profile is another snapshot
        self.db = self._open(folder, profile.digest if profile is not None else "")
        self.new_snapshots: dict[str, str] = {}
        self.new_diffs: dict[str, str] = {}

    @staticmethod
    def _open(folder: Path | None, profile: str = "") -> sqlite3.Connection:
        version = _code_version() + (f"-{profile}" if profile else "")
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                ignore = folder / ".gitignore"
                if not ignore.exists():
                    ignore.write_text("# docgen's cache: never commit\n*\n", encoding="utf-8")
                db = sqlite3.connect(folder / CACHE_FILE)
                db.executescript(
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
                    "CREATE TABLE IF NOT EXISTS snapshots (id TEXT PRIMARY KEY, data TEXT);"
                    "CREATE TABLE IF NOT EXISTS diffs (id TEXT PRIMARY KEY, data TEXT);"
                )
                row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
                if row is None or row[0] != version:
                    with db:
                        db.execute("DELETE FROM snapshots")
                        db.execute("DELETE FROM diffs")
                        db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,))
                return db
            except (OSError, sqlite3.Error):  # read-only checkout, corrupt file: work without a cache
                pass
        db = sqlite3.connect(":memory:")
        db.executescript("CREATE TABLE snapshots (id TEXT PRIMARY KEY, data TEXT); CREATE TABLE diffs (id TEXT PRIMARY KEY, data TEXT);")
        return db

    def _get(self, table: str, ids: Iterable[str], shaped: Callable[[Any], bool]) -> dict[str, Any]:
        """The rows asked for whose data parses and has the shape `shaped` accepts; any other row is a miss."""
        wanted = list(dict.fromkeys(ids))
        asked = set(wanted)
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(wanted), 900):  # SQLite's limit on bound parameters
                batch = wanted[start : start + 900]
                marks = ",".join("?" * len(batch))
                for key, data in self.db.execute(f"SELECT id, data FROM {table} WHERE id IN ({marks})", batch):
                    try:
                        value = json.loads(data)
                    except (TypeError, ValueError, RecursionError):
                        continue
                    if key in asked and shaped(value):
                        found[key] = value
        except sqlite3.Error:  # a damaged database file: everything it would have answered is recomputed
            return {}
        return found

    def diffs(self, ids: Iterable[str]) -> dict[str, Any]:
        return self._get("diffs", ids, _is_record)

    def snapshots(self, ids: Iterable[str]) -> dict[str, Snapshot]:
        return {k: Snapshot.from_json(v) for k, v in self._get("snapshots", ids, _is_snapshot).items()}

    def save(self) -> None:
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO snapshots VALUES (?, ?)", self.new_snapshots.items())
                self.db.executemany("INSERT OR REPLACE INTO diffs VALUES (?, ?)", self.new_diffs.items())
        except sqlite3.Error:  # pragma: no cover - disk full: the next run recomputes
            pass
        self.db.close()


def _text(value: Any, *, optional: bool = False) -> bool:
    return isinstance(value, str) or (optional and value is None)


def _texts(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _is_record(value: Any) -> bool:
    """The shape of a diff record as `_parse_pairs` stores it."""
    if not isinstance(value, dict) or set(value) != {"readable", "valid", "confidential", "name", "code", "changes"}:
        return False
    flags = all(isinstance(value[k], bool) for k in ("readable", "valid", "confidential"))
    changes = value["changes"]
    return (
        flags
        and _text(value["name"])
        and _text(value["code"])
        and isinstance(changes, list)
        and all(
            isinstance(c, list)
            and len(c) == 5
            and _text(c[0])
            and _text(c[1])
            and _text(c[2], optional=True)
            and _text(c[3], optional=True)
            and isinstance(c[4], bool)
            for c in changes
        )
    )


def _is_snapshot(value: Any) -> bool:
    """The shape of `Snapshot.to_json()`."""
    keys = {"kind", "error", "valid", "confidential", "name", "code", "fields", "items", "figures", "secrets", "headline"}
    if not isinstance(value, dict) or set(value) != keys:
        return False
    items, secrets = value["items"], value["secrets"]
    if not (isinstance(value["headline"], list) and all(isinstance(x, str) for x in value["headline"])):
        return False
    return (
        _text(value["kind"])
        and _text(value["error"], optional=True)
        and isinstance(value["valid"], bool)
        and isinstance(value["confidential"], bool)
        and _text(value["name"])
        and _text(value["code"])
        and _texts(value["fields"])
        and (value["figures"] is None or _texts(value["figures"]))
        and isinstance(items, dict)
        and all(isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v) for k, v in items.items())
        and isinstance(secrets, list)
        and all(isinstance(x, str) for x in secrets)
    )


def default_cache_dir(repo: Repo) -> Path:
    """The history cache of one repository: the project's store (cache.py), kind "history"."""
    return Store(repo.root).location("history")


# --- building timelines ---------------------------------------------------------------------------


def _kind(path: str) -> str:
    return kind_of(Path(path))


def _snapshot_id(kind: str, blob: str) -> str:
    return f"{kind}:{blob}"


def _diff_id(kind: str, before: str | None, after: str) -> str:
    return f"{kind}:{before or '-'}:{after}"


def _versions(touches: list[_Touch], kind: str, meta: dict[str, dict[str, Any]]) -> Iterator[tuple[_Touch, str | None, str | None]]:
    """For each touch: the blob it leaves and the last readable blob before it (what to compare)."""
    previous: str | None = None
    for touch in touches:
        blob = touch.change.new_blob
        yield touch, previous, blob
        if blob is not None and meta.get(_diff_id(kind, previous, blob), {}).get("readable", True):
            previous = blob


def _compute(repo: Repo, timelines: dict[str, list[_Touch]], cache: _Cache, stats: Stats) -> dict[str, dict[str, Any]]:
    """The diff record for every (previous, blob) pair, from the cache or by parsing what is missing."""
    wanted: dict[str, tuple[str, str | None, str]] = {}
    # Readability decides the next pair; pairs are resolved in rounds, nearly always one or two.
    known: dict[str, dict[str, Any]] = {}
    pending = dict(timelines)
    while pending:
        wanted.clear()
        for key, touches in pending.items():
            kind = _kind(touches[-1].change.new_path or touches[-1].change.old_path or key)
            for _, before, blob in _versions(touches, kind, known):
                if blob is not None:
                    wanted[_diff_id(kind, before, blob)] = (kind, before, blob)
        missing = [i for i in wanted if i not in known]
        if not missing:
            break
        found = cache.diffs(missing)
        stats.diff_hits += len(found)
        known.update(found)
        todo = [i for i in missing if i not in known]
        if todo:
            known.update(_parse_pairs(repo, [wanted[i] for i in todo], cache, stats))
    return known


def _parse_pairs(repo: Repo, pairs: list[tuple[str, str | None, str]], cache: _Cache, stats: Stats) -> dict[str, dict[str, Any]]:
    ids = {_snapshot_id(kind, blob) for kind, before, after in pairs for blob in (before, after) if blob}
    snaps = cache.snapshots(ids)
    # one blob may be read as two kinds (the same bytes committed as a project and as a roster): one snapshot each
    todo = sorted(tuple(i.split(":", 1)) for i in ids if i not in snaps)
    contents = repo.cat_blobs(blob for _, blob in todo)
    for kind, blob in todo:
        snap = C.snapshot(contents.get(blob, b""), kind, profile=cache.profile)
        snaps[_snapshot_id(kind, blob)] = snap
        cache.new_snapshots[_snapshot_id(kind, blob)] = json.dumps(snap.to_json(), ensure_ascii=False)
        stats.parsed += 1
    out = {}
    for kind, before, after in pairs:
        new = snaps[_snapshot_id(kind, after)]
        old = snaps.get(_snapshot_id(kind, before)) if before else None
        record = {
            "readable": new.readable,
            "valid": new.valid,
            "confidential": new.confidential,
            "name": new.name,
            "code": new.code,
            "changes": [[c.kind, c.field, c.before, c.after, c.confidential] for c in C.compare(old, new)],
        }
        out[_diff_id(kind, before, after)] = record
        cache.new_diffs[_diff_id(kind, before, after)] = json.dumps(record, ensure_ascii=False)
    return out


def _timeline(key: str, touches: list[_Touch], known: dict[str, dict[str, Any]], cut: frozenset[str] = frozenset()) -> Timeline:
    kind = _kind(touches[-1].change.new_path or touches[-1].change.old_path or key)
    timeline = Timeline(key=key, kind=kind)
    last: dict[str, Any] = {}
    for touch, before, blob in _versions(touches, kind, known):
        rc, commit = touch.change, touch.commit
        record = known[_diff_id(kind, before, blob)] if blob else {**last, "changes": []}
        last = record
        timeline.entries.append(
            Entry(
                key=key,
                sha=commit.sha,
                author=commit.author,
                email=commit.email,
                date=commit.date,
                message=commit.message,
                path=rc.new_path or rc.old_path or key,
                old_path=rc.old_path if rc.status == "R" else None,
                status=_STATUS[rc.status],
                truncated=not timeline.entries and rc.status == "A" and commit.sha in cut,
                blob=blob,
                changes=tuple(Change(*c) for c in record["changes"]),
                confidential=bool(record.get("confidential")),
                readable=record.get("readable", True),
                valid=record.get("valid", False),
                name=record.get("name", ""),
                code=record.get("code", ""),
            )
        )
    return timeline


def read_history(
    root: Path,
    *,
    subdir: str = SUBMISSIONS,
    revision: str = "HEAD",
    cache_dir: Path | bool | None = None,
    store: Store | None = None,
    profile: Profile | None = None,
) -> History:
    """The history of every file under root/subdir, with field-level changes (see the module docstring), each
    version read on the repository's `profile` (None: the default).

    Kept results go to `store` (default: the project's, cache.py); `cache_dir` False or a disabled store: none."""
    repo = open_repo(root)
    commits = log_commits(repo, revision, subdir)
    stats = Stats(commits=len(commits))
    shallow = repo.shallow()
    touches = _assign(commits)
    if not touches:
        return History(stats=stats, shallow=shallow)
    if cache_dir is False:
        folder = None
    elif cache_dir in (None, True):
        folder = (store or Store(repo.root)).folder("history")
    else:
        folder = Path(cache_dir)  # type: ignore[arg-type]
    cache = _Cache(folder, profile)
    try:
        known = _compute(repo, touches, cache, stats)
    finally:
        cache.save()
    history = History(stats=stats, shallow=shallow)
    for key, items in touches.items():
        history.timelines[key] = _timeline(key, items, known, shallow.cut if shallow else frozenset())
    by_commit: dict[str, list[Entry]] = {}
    for timeline in history.timelines.values():
        for entry in timeline.entries:
            by_commit.setdefault(entry.sha, []).append(entry)
    history._log = [e for c in commits for e in sorted(by_commit.get(c.sha, []), key=lambda e: e.path)]
    stats.entries = len(history._log)
    history.timelines = dict(sorted(history.timelines.items()))
    return history

"""The few git commands docgen needs, run as subprocesses; each failure becomes a Chinese DocgenError.

Paths go through `-z` (NUL-separated, never quoted) and `core.quotepath=false`, so Chinese folder
names come back as they are. Blob contents are read in one `git cat-file --batch` call however many
there are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from .. import messages as M
from ..errors import EnvironmentProblem, UsageError
from ..files import read_regular
from ..form.vocabulary import YAML_SUFFIXES

NULL_SHA = "0" * 40
#: Keep the user's configuration from changing what we parse.
_CONFIG = ("-c", "core.quotepath=false", "-c", "log.showSignature=false", "-c", "diff.renames=true", "-c", "color.ui=false")


class GitError(EnvironmentProblem):
    """git is missing, the folder is not in a repository, or a git command failed (exit 3)."""


class RevisionError(UsageError):
    """A revision named on the command line does not exist (exit 2)."""


class ShallowError(GitError):
    """A revision is not in a shallow clone's history: fetch the whole history (exit 3)."""


@dataclass(frozen=True)
class Shallow:
    """A shallow clone: the commits whose parents were not fetched (the cut), and how many commits it holds.

    A file present at a cut commit shows up there as added, whoever really added it and whenever."""

    cut: frozenset[str]
    fetched: int


@dataclass(frozen=True)
class RawChange:
    """One line of `--raw` output: a file added (A), modified (M), deleted (D), renamed (R)."""

    status: str
    old_blob: str | None
    new_blob: str | None
    old_path: str | None
    new_path: str | None


@dataclass(frozen=True)
class Repo:
    """A repository seen from `root` (the folder holding submissions/, maybe below the top level)."""

    root: Path
    top: Path
    prefix: str  # root relative to top, "" or ending with "/"

    def run(self, *args: str, input: bytes | None = None, env: dict[str, str] | None = None, check: bool = True) -> bytes:
        """Run git in `root`; stdout as bytes. A failure raises GitError with git's own message."""
        return _run(self.root, args, input=input, env=env, check=check)

    def relative(self, top_path: str) -> str:
        """A path as git prints it (from the top level) made relative to `root`."""
        return top_path[len(self.prefix) :] if self.prefix and top_path.startswith(self.prefix) else top_path

    def resolve(self, revision: str) -> str:
        """The commit a revision names; RevisionError (with a hint for shallow CI clones) if none.

        In a shallow clone a missing revision is most likely one not fetched: ShallowError (exit 3) says how
        to fetch the whole history."""
        out = _run(self.root, ("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"), check=False)
        sha = out.decode().strip()
        if not sha:
            shallow = self.shallow()
            if shallow is not None:
                raise ShallowError(M.label("git_shallow_revision", revision=revision, path=self.top, count=shallow.fetched))
            raise RevisionError(M.label("git_bad_revision", revision=revision))
        return sha

    def shallow(self) -> Shallow | None:
        """What a shallow clone holds (CI checks out the last commit or few by default); None for a full history."""
        if _run(self.root, ("rev-parse", "--is-shallow-repository"), check=False).strip() != b"true":
            return None
        file = Path(self.run("rev-parse", "--git-path", "shallow").decode("utf-8", "surrogateescape").strip())
        try:
            cut = frozenset((self.root / file).read_text(encoding="ascii").split())
        except (OSError, UnicodeDecodeError):
            cut = frozenset()
        fetched = self.run("rev-list", "--count", "HEAD").strip() if self.has_commits() else b"0"
        return Shallow(cut, int(fetched or 0))

    def has_commits(self) -> bool:
        return bool(_run(self.root, ("rev-parse", "--verify", "--quiet", "HEAD"), check=False).strip())

    def cat_blobs(self, blobs: Iterable[str]) -> dict[str, bytes]:
        """Contents of many blobs in one `git cat-file --batch` call."""
        wanted = list(dict.fromkeys(b for b in blobs if b and b != NULL_SHA))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", input="".join(f"{b}\n" for b in wanted).encode())
        found: dict[str, bytes] = {}
        pos = 0
        for blob in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[1] == b"missing":
                continue
            size = int(header[2])
            found[blob] = out[pos : pos + size]
            pos += size + 1
        return found

    def tree(self, revision: str, pathspec: str) -> dict[str, str]:
        """path (relative to root) -> blob id of every file under `pathspec` at `revision`."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", revision, "--", self.prefix + pathspec)
        files = {}
        for record in out.split(b"\0"):
            if record:
                meta, _, path = record.partition(b"\t")
                files[self.relative(path.decode("utf-8", "surrogateescape"))] = meta.split()[2].decode()
        return files

    def diff(self, base: str, head: str | None, folder: str) -> list[RawChange]:
        """YAML files changed between two commits, or between a commit and the working tree (head None).

        The working tree includes new files not yet added: they are staged into a throw-away index
        (GIT_INDEX_FILE), never the user's, so rename detection sees them too.
        """
        spec = ("--", f":(top){self.prefix}{folder}")
        args = ("-r", "-z", "--raw", "--no-abbrev", "-M")
        if head is not None:
            return only_yaml(parse_raw(self.run("diff-tree", *args, base, head, *spec), self))
        with tempfile.TemporaryDirectory(prefix="docgen-index-") as tmp:
            env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
            self.run("read-tree", base, env=env)
            # every YAML path in the base or the working tree (not ignored): update-index adds, updates
            # or removes each; unlike `git add`, a pattern matching nothing is not an error
            paths = self.run("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", *spec, env=env)
            top_paths = b"".join(p + b"\0" for p in paths.split(b"\0") if p.decode("utf-8", "surrogateescape").endswith(YAML_SUFFIXES))
            if top_paths:
                _run(self.top, ("update-index", "--add", "--remove", "-z", "--stdin"), input=top_paths, env=env)
            return only_yaml(parse_raw(self.run("diff-index", "--cached", *args, base, *spec, env=env), self))

    def worktree_blobs(self, paths: Iterable[str]) -> dict[str, bytes]:
        """Contents of files in the working tree (relative to root); a symlink's target is never read (empty)."""
        found = {}
        for p in paths:
            if (self.root / p).is_file():
                try:
                    found[p] = read_regular(self.root / p) or b""
                except OSError:
                    found[p] = b""
        return found


def _run(cwd: Path, args: tuple[str, ...], *, input: bytes | None = None, env: dict[str, str] | None = None, check: bool = True) -> bytes:
    git = shutil.which("git")
    if git is None:
        raise GitError(M.label("git_missing"))
    full_env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    try:
        done = subprocess.run([git, *_CONFIG, *args], cwd=cwd, input=input, capture_output=True, env=full_env, check=False)
    except OSError as exc:
        raise GitError(M.label("git_failed", command=" ".join(args[:2]), detail=exc.strerror or str(exc))) from exc
    if check and done.returncode != 0:
        lines = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        raise GitError(M.label("git_failed", command=" ".join(args[:2]), detail=" ".join(lines) or done.returncode))
    return done.stdout


def tracked(root: Path, folders: Iterable[str]) -> list[str]:
    """The files git tracks under `folders` (relative to `root`), as paths relative to `root`; none when git is
    missing or `root` is in no repository (there is then nothing committed to distrust)."""
    if shutil.which("git") is None or not folders:
        return []
    try:
        out = _run(root, ("ls-files", "-z", "--cached", "--", *folders), check=False)
    except GitError:
        return []
    return sorted(p for p in out.decode("utf-8", "surrogateescape").split("\0") if p)


def open_repo(root: Path) -> Repo:
    """The repository `root` is in; GitError with a Chinese message when it is in none."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise GitError(M.label("git_not_repo", path=root))
    try:
        out = _run(root, ("rev-parse", "--show-toplevel", "--show-prefix"))
    except GitError as exc:
        # "not a git repository" is the common case; anything else (e.g. "dubious ownership" in a
        # CI container) is shown as git said it
        if "not a git repository" in str(exc):
            raise GitError(M.label("git_not_repo", path=root)) from None
        raise
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if not lines or not lines[0]:  # inside .git itself
        raise GitError(M.label("git_not_repo", path=root))
    return Repo(root=root, top=Path(lines[0]), prefix=lines[1] if len(lines) > 1 else "")


def parse_raw(out: bytes, repo: Repo) -> list[RawChange]:
    """Records of `--raw -z` output (no commit headers): `:modes blobs status NUL path [NUL path]`."""
    return list(_raw_records(out.split(b"\0"), repo))


def only_yaml(records: Iterable[RawChange]) -> list[RawChange]:
    """The changes to YAML files: evidence (佐证材料 PDFs, pictures) beside the submissions is not a submission.

    Filtered here rather than with a `*.yaml` glob pathspec, which made `git log` 2.5x slower. A file
    renamed to or from another suffix counts as added or deleted.
    """
    out = []
    for rc in records:
        old = rc.old_path is not None and rc.old_path.endswith(YAML_SUFFIXES)
        new = rc.new_path is not None and rc.new_path.endswith(YAML_SUFFIXES)
        if rc.status == "R" and old != new:
            out.append(
                RawChange("D", rc.old_blob, None, rc.old_path, None) if old else RawChange("A", None, rc.new_blob, None, rc.new_path)
            )
        elif old or new:
            out.append(rc)
    return out


def _raw_records(tokens: list[bytes], repo: Repo) -> Iterator[RawChange]:
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if not token.startswith(b":"):
            continue
        meta = token[1:].decode().split()
        old_blob, new_blob, status = meta[2], meta[3], meta[4][0]
        first = repo.relative(tokens[i].decode("utf-8", "surrogateescape"))
        i += 1
        second = None
        if status == "R":
            second = repo.relative(tokens[i].decode("utf-8", "surrogateescape"))
            i += 1
        old = None if old_blob == NULL_SHA else old_blob
        new = None if new_blob == NULL_SHA else new_blob
        if status == "R":
            yield RawChange("R", old, new, first, second)
        elif status == "A":
            yield RawChange("A", None, new, None, first)
        elif status == "D":
            yield RawChange("D", old, None, first, None)
        else:  # M, T (type change): the content is what matters
            yield RawChange("M", old, new, first, first)


@dataclass(frozen=True)
class LoggedCommit:
    """One commit as a reviewer sees it in `docgen diff`: who, when, what they said, which files it touched."""

    sha: str
    author: str
    email: str
    date: str  # ISO 8601, the author date as git records it
    message: str
    paths: tuple[str, ...]  # files it touched, relative to root (old and new paths of a rename)

    @property
    def subject(self) -> str:
        return self.message.strip().split("\n", 1)[0]

    def as_dict(self) -> dict[str, object]:
        return {"sha": self.sha, "author": self.author, "email": self.email, "date": self.date, "message": self.message}


_LOG_FORMAT = "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1f"


def commits_between(repo: Repo, base: str, head: str, limit: int = 200) -> list[LoggedCommit]:
    """The commits `head` has that `base` lacks (`git log base..head`), newest first, with the files each touched.

    Author and message come from whoever pushed: control and bidi characters are removed (form.limits.visible)."""
    from ..form.limits import visible

    out = repo.run("log", "-z", "--raw", "--no-abbrev", "-M", f"-n{limit}", _LOG_FORMAT, f"{base}..{head}", "--")
    found = []
    for chunk in out.split(b"\x1e")[1:]:
        end = chunk.find(b"\0")
        header, raw = (chunk, b"") if end < 0 else (chunk[:end], chunk[end + 1 :])
        sha, author, email, date, message = header.decode("utf-8", "replace").split("\x1f", 4)
        paths = tuple(p for rc in parse_raw(raw, repo) for p in (rc.old_path, rc.new_path) if p)
        found.append(LoggedCommit(sha, visible(author), visible(email), date, visible(message.rstrip("\x1f").strip()), paths))
    return found


def first_arrivals(repo: Repo, folder: str, revision: str = "HEAD") -> dict[str, datetime]:
    """When each file now under `folder` first reached `revision`'s branch: the committer date of the first commit
    on its first-parent line (a merge counts when it is merged, not when the unit wrote it) that added it.

    The one reading of "arrival" (the site's 迟报, the review states, the analysts' export): a file moved or renamed
    within its period's folder (submissions/2025-06/…) keeps the date it first arrived, as the submission was already
    there; moved into another period's folder it is that period's submission and arrives on the day of the move; a
    file deleted and added again arrives anew."""
    if not repo.has_commits():
        return {}
    out = repo.run(
        "log", "--first-parent", "--reverse", "-z", "--raw", "--no-abbrev", "-M", "--diff-filter=ADR", "--format=%x1e%cI", revision, "--",
        f":(top){repo.prefix}{folder}",
    )  # fmt: skip
    arrived: dict[str, datetime] = {}
    for chunk in out.split(b"\x1e")[1:]:
        end = chunk.find(b"\0")
        header, raw = (chunk, b"") if end < 0 else (chunk[:end], chunk[end + 1 :])
        when = datetime.fromisoformat(header.decode().strip())
        for rc in parse_raw(raw, repo):
            if rc.status == "A" and rc.new_path:
                arrived.setdefault(rc.new_path, when)
            elif rc.status == "R" and rc.new_path and rc.old_path:
                earlier = arrived.pop(rc.old_path, when)
                arrived[rc.new_path] = earlier if _period_folder(rc.old_path, folder) == _period_folder(rc.new_path, folder) else when
            elif rc.status == "D" and rc.old_path:
                arrived.pop(rc.old_path, None)
    return arrived


def _period_folder(path: str, folder: str) -> str:
    """The first folder below `folder` a path is in (the period, for submissions/2025-06/…); "" when none."""
    parts = PurePosixPath(path).parts
    base = PurePosixPath(folder).parts
    return parts[len(base)] if parts[: len(base)] == base and len(parts) > len(base) + 1 else ""

"""The project root, found once, and every path docgen reads or writes, named from it.

The root is the folder that holds submissions/, found by walking up from where the user stands, as git finds
its top level: every command works the same from any subfolder. Inside docgen, paths are relative to the root
(`submissions/2025-06/…yaml`, POSIX form): findings, documents and models carry them, so a finding reads the same
whichever folder the command ran in, in a temporary export of the staged files or in a materialised revision.
Only the reporters turn them into what the user typed (`shown`), relative to where the user stands.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from . import messages as M
from .errors import UsageError
from .files import read_regular

SUBMISSIONS = "submissions"
BUILD = "build"
SITE = "site"
SITE_SOURCE = "build/site-src"
#: `docgen site`'s lock, in build/ (output.lock): one run at a time writes build/site-src (`docgen build` empties it)
SITE_LOCK = "docgen-site"
#: the trimmed jieba dictionary beside mkdocs.yml in the site's sources: its numbers are word frequencies, so the
#: 涉密 check searches it for names and codes only (redact.scan `words`)
WORD_LIST = "jieba.txt"
SCHEMA = "schema"
RULES = "schema/rules.yaml"
TEMPLATES = "templates"


def root_of(path: Path) -> Path | None:
    """The folder holding the submissions/ folder `path` is in, by name only (no disk access); None when in none."""
    parts = Path(os.path.abspath(path)).parts
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] == SUBMISSIONS:
            return Path(*parts[:index])
    return None


def _here() -> Path:
    """Where the user stands: the one place docgen asks for the current folder."""
    return Path.cwd()


def _holding(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a submissions/ folder."""
    for folder in [start, *start.parents]:
        if (folder / SUBMISSIONS).is_dir():
            return folder
    return None


@dataclass(frozen=True)
class Workspace:
    """One project: its root (absolute) and where the user stands (`here`, absolute; the root when not known)."""

    root: Path
    here: Path = field(default=Path(), compare=False)

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace:
        """The project the user stands in: the nearest folder at or above `start` (default: the current folder)
        that holds submissions/. A UsageError (exit 2) naming where it looked when there is none."""
        here = _here()
        begin = Path(os.path.abspath(here / start)) if start is not None else here
        root = _holding(begin if begin.is_dir() else begin.parent)
        if root is None:
            raise UsageError(M.label("no_workspace", path=begin, folder=SUBMISSIONS))
        return cls(root, here)

    @classmethod
    def at(cls, root: Path) -> Workspace:
        """The project at `root` (a --root option, a test's folder, a temporary export), as named."""
        here = _here()
        return cls(Path(os.path.abspath(here / root)), here)

    @classmethod
    def around(cls, paths: list[Path]) -> Workspace:
        """The project the named files are in: the folder holding the submissions/ folder of the first one,
        else the one the user stands in, else the current folder (files checked outside any project)."""
        here = _here()
        for path in paths[:1]:
            root = root_of(here / path) or _holding(Path(os.path.abspath(here / path)).parent)
            if root is not None:
                return cls(root, here)
        return cls(_holding(here) or here, here)

    # --- every path, from the root ---------------------------------------------------------------

    @property
    def submissions(self) -> Path:
        return self.root / SUBMISSIONS

    @property
    def build(self) -> Path:
        return self.root / BUILD

    @property
    def site(self) -> Path:
        return self.root / SITE

    @property
    def site_source(self) -> Path:
        return self.root / SITE_SOURCE

    @property
    def rules(self) -> Path:
        """schema/rules.yaml: the monitoring rules of this project (it may not exist: the defaults apply)."""
        return self.root / RULES

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES

    def file(self, path: Path | str) -> Path:
        """Where a root-relative path (or an absolute one) is on disk."""
        return self.root / path

    def absolute(self, typed: Path) -> Path:
        """A path the user typed (relative to where they stand) made absolute, `..` kept as typed."""
        return Path(os.path.abspath(self.here / typed))

    def relative(self, path: Path | str) -> Path:
        """A path inside the project as docgen carries it: relative to the root (`submissions/…`); a path
        outside the project stays absolute."""
        absolute = os.path.abspath(os.path.join(self.root, path))  # as root / path: an absolute `path` stays itself
        root = str(self.root)
        if absolute == root:
            return Path()
        prefix = root if root.endswith(os.sep) else root + os.sep
        # a string prefix, not Path.relative_to: the same answer (both paths are normalised, absolute), a tenth of
        # the cost, and a tree's 1,000 files go through here several times a run
        return Path(absolute[len(prefix) :]) if absolute.startswith(prefix) else Path(absolute)

    def key(self, path: Path | str) -> str:
        """`relative` in POSIX form: the name of a file in findings, caches and summary.json."""
        return PurePosixPath(*self.relative(path).parts).as_posix()

    def shown(self, path: Path | str) -> str:
        """A root-relative path as the user would type it where they stand (for reporters only)."""
        return _shown(self.root, self.here, str(path))

    @property
    def config(self) -> Path:
        """docgen.yaml: the one place a repository chooses its profile (it may not exist: the default applies)."""
        return self.root / CONFIG

    @functools.cached_property
    def profile_choice(self) -> ProfileChoice | None:
        """The profile docgen.yaml chooses (read once per Workspace), None without docgen.yaml. The Profile itself
        is loaded by check/profile.py (`profile_of`), above this utility layer; commands hand it on explicitly."""
        return read_choice(self.root)


@functools.lru_cache(maxsize=1 << 16)
def _shown(root: Path, here: Path, path: str) -> str:
    """Workspace.shown, once per file: a tree's findings name each of its files several times (pathlib is slow);
    room for every file of a 10,000-project tree, whose files were each shown twice, each time a miss, at 4,096."""
    if not path:
        return path
    if here == root and not os.path.isabs(path):
        return str(Path(path))
    absolute = Path(os.path.abspath(root / path))
    try:
        return os.path.relpath(absolute, here)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(absolute)


# --- docgen.yaml: the repository's choice of profile (issue 15) --------------------------------------------

CONFIG = "docgen.yaml"
#: Bytes of docgen.yaml: it holds one line (`profile: …`); anything near this is a mistake, never read whole.
MAX_CONFIG_BYTES = 64 << 10
PROFILE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ProfileChoice:
    """What docgen.yaml chose: a built-in profile by id (`path` None), or a file inside the repository (`path`,
    root-relative POSIX); `line`/`column` where docgen.yaml says so, for messages."""

    name: str
    path: str | None = None
    line: int = 1
    column: int = 1


def _config_problem(line: int, column: int, detail: str) -> UsageError:
    return UsageError(f"{CONFIG}:{line}:{column}: " + M.message("E700", detail=detail))


def read_choice(root: Path) -> ProfileChoice | None:
    """The profile docgen.yaml at `root` chooses, None without a docgen.yaml (the default profile applies).

    docgen.yaml arrives through a pull request like a submission: a regular file only (never through a link), bounded,
    plain YAML (no tags), one key; a profile file must lie inside the repository: a relative path without 「..」,
    through no symlink. A mistake is a UsageError (exit 2) naming docgen.yaml's line.
    """
    file = root / CONFIG
    if not os.path.lexists(file):
        return None
    raw = read_regular(file, MAX_CONFIG_BYTES)
    if raw is None:
        raise _config_problem(1, 1, M.message("E115"))
    if len(raw) > MAX_CONFIG_BYTES:
        raise _config_problem(1, 1, M.PROFILE["docgen_yaml_too_big"].format(size=len(raw), limit=MAX_CONFIG_BYTES))
    try:
        node = yaml.compose(raw.decode("utf-8"), Loader=yaml.SafeLoader)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise _config_problem(line, column, M.PROFILE["docgen_yaml_yaml"].format(detail=exc)) from None
    if not isinstance(node, yaml.MappingNode):
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
        raise _config_problem(line, column, M.PROFILE["docgen_yaml_not_mapping"])
    choice: ProfileChoice | None = None
    for key, value in node.value:
        line, column = key.start_mark.line + 1, key.start_mark.column + 1
        if not isinstance(key, yaml.ScalarNode) or key.value != "profile":
            raise _config_problem(line, column, M.PROFILE["docgen_yaml_unknown"].format(key=getattr(key, "value", "?")))
        line, column = value.start_mark.line + 1, value.start_mark.column + 1
        if not isinstance(value, yaml.ScalarNode) or value.tag != "tag:yaml.org,2002:str" or not value.value.strip():
            raise _config_problem(line, column, M.PROFILE["docgen_yaml_profile"])
        choice = _choice(root, value.value.strip(), line, column)
    return choice


def _choice(root: Path, written: str, line: int, column: int) -> ProfileChoice:
    """A built-in's id, or a profile file inside the repository (refused when it leads out of it)."""
    if not written.endswith(PROFILE_SUFFIXES):
        return ProfileChoice(written, None, line, column)
    relative = PurePosixPath(written.replace("\\", "/"))
    inside = not relative.is_absolute() and ".." not in relative.parts and not Path(written).is_absolute()
    if inside:
        step = root
        for part in relative.parts:
            step = step / part
            if os.path.islink(step):
                inside = False
                break
    if not inside or not Path(os.path.abspath(root / relative)).is_relative_to(root):
        raise _config_problem(line, column, M.PROFILE["docgen_yaml_outside"].format(path=written))
    if not (root / relative).is_file():
        raise _config_problem(line, column, M.PROFILE["docgen_yaml_missing"].format(path=written))
    return ProfileChoice(written, relative.as_posix(), line, column)

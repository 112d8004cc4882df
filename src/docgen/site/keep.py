"""Project pages whose Markdown would come out the same are not rendered again: after one edit, one page is.

Rendering a project page (Jinja, every value escaped, the redactor over the result) costs milliseconds; at 10,000
projects that was most of a rebuild after one edit. Each project page gets a key: a digest of everything its
template reads (the entry's own fields, the evaluation's findings and lights, the file's bytes for the model, the
earlier periods' rows and the trend it links, its review state and approved targets, its period and department),
plus what every page shares (docgen's code and templates, the date, the 涉密 list, the profile and the rules in
force, the rosters, the history notes). A value this module cannot put in a stable form makes the page "unkeyed": it
is rendered, as before. The key and the digest of the Markdown written are recorded in the user's cache
(`Store.record`, never in build/); the previous Markdown is read from the last build's docs/ and used only when
its bytes still have the recorded digest, so a file changed or planted there is rendered again.

The department, period and home pages (and 最近更新, the guide) are keyed the same way, from what they list
(`department_key`, `overview_keys`): rendering them was most of the page workers' time at 10,000 projects when
nothing, or one project, changed.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import posixpath
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePath
from typing import Any

from .. import output as out_files
from ..cache import Store, code_digest
from ..files import read_regular
from ..form import vocabulary as F
from ..history.timeline import SUBMISSIONS

RECORD = "site-pages"
_DEPTH = 60
#: Most pages a record keeps: a larger record is not read.
MAX_PAGES = 1_000_000


class Unstable(Exception):
    """A value with no stable written form (an object without fields): the page it feeds is rendered."""


_SCALARS = frozenset({type(None), bool, int, float, str, Decimal, date, datetime})


@functools.cache
def _form(kind: type) -> tuple[str, tuple[str, ...]]:
    """How `_put` writes a value of type `kind`, worked out once a type (checking each value's type in turn was most of
    a page key's cost at 10,000 pages): its form, and a dataclass's field names. "other": asked of the value itself."""
    if kind in _SCALARS:
        return "scalar", ()
    if issubclass(kind, type):  # a class as a value: judged by the value (a dataclass *class* is no dataclass value)
        return "other", ()
    if issubclass(kind, PurePath):
        return "path", ()
    if issubclass(kind, enum.Enum):
        return "enum", ()
    if dataclasses.is_dataclass(kind):
        return "dataclass", tuple(item.name for item in dataclasses.fields(kind))
    if issubclass(kind, list | tuple):
        return "sequence", ()
    if issubclass(kind, set | frozenset):
        return "set", ()
    if issubclass(kind, dict):
        return "mapping", ()
    return "other", ()


def _put(value: Any, out: list[str], depth: int = 0) -> None:
    """`value` written into `out` in a form that is equal exactly when the values are (for the types pages read)."""
    if depth > _DEPTH:
        raise Unstable("depth")
    kind: type = type(value)
    form, names = _form(kind)
    if form == "scalar":
        out.append(f"{kind.__name__}:{value!r}")
    elif form == "path":
        out.append(f"path:{value.as_posix()}")
    elif form == "enum":
        out.append(f"enum:{kind.__qualname__}.{value.name}")
    elif form == "dataclass":
        out.append(f"<{kind.__module__}.{kind.__qualname__}")
        for name in names:
            out.append(name)
            _put(getattr(value, name), out, depth + 1)
        out.append(">")
    elif form == "sequence":
        out.append(f"[{len(value)}")
        for item in value:
            _put(item, out, depth + 1)
        out.append("]")
    elif form == "set":
        members = []
        for item in value:
            part: list[str] = []
            _put(item, part, depth + 1)
            members.append("\x1f".join(part))
        out.append("{" + "\x1e".join(sorted(members)) + "}")
    elif form == "mapping" or (hasattr(value, "items") and hasattr(value, "__len__")):
        out.append(f"({len(value)}")
        for key, item in value.items():
            _put(key, out, depth + 1)
            _put(item, out, depth + 1)
        out.append(")")
    else:
        raise Unstable(kind.__qualname__)


def stable(*values: Any) -> str:
    """One digest of `values` (see `_put`); raises Unstable for a value it cannot write."""
    out: list[str] = []
    for value in values:
        _put(value, out)
        out.append("\x1d")
    return hashlib.sha256("\x1c".join(out).encode("utf-8", "surrogatepass")).hexdigest()


def _files(folder: Traversable, prefix: str = "") -> Iterable[tuple[str, bytes]]:
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.is_dir():
            yield from _files(item, f"{prefix}{item.name}/")
        else:
            yield f"{prefix}{item.name}", item.read_bytes()


@functools.cache
def templates_digest() -> str:
    """The site's templates (code_digest covers .py and .yaml, not the .j2 pages)."""
    digest = hashlib.sha256()
    for name, data in _files(resources.files("docgen.site").joinpath("templates")):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def file_digest(path: Path | str | None) -> str:
    """The bytes of a submission (its model is read from them); empty when there is none or it cannot be read."""
    if path is None:
        return ""
    try:
        data = read_regular(Path(path))
    except OSError:
        return "unreadable"
    return hashlib.sha256(data).hexdigest() if data is not None else "unreadable"


def shared(model: Any) -> str | None:
    """What every project page is rendered with; None when part of it has no stable form (nothing is kept)."""
    folder = model.root / SUBMISSIONS
    rosters = sorted(folder.glob(f"*/{F.ROSTER_FILE}")) if folder.is_dir() else []
    try:
        return stable(
            code_digest(),
            templates_digest(),
            model.today,
            model.secrets.words_digest(),  # a project page prints no 涉密 figure: their digest would re-render all
            model.profile,
            model.ruleset,
            model.history_note,
            model.shallow_note,
            str(model.root.resolve()),
            [(p.as_posix(), file_digest(p)) for p in rosters],
        )
    except Unstable:
        return None


def digest_of(model: Any, entry: Any) -> str:
    """The bytes an entry's figures and page are read from: as the check read them (`SiteModel.digests`), else read
    here. Its figures (资金总额, ratios, the trend's points) are a function of these bytes, its period and the profile
    (in `shared`), so a key names the digest instead of computing the figures (their tables cost ~0.15 ms a page)."""
    if entry.path is None:
        return ""
    return str(getattr(model, "digests", {}).get(str(entry.path)) or file_digest(entry.path))


def _line(model: Any, entry: Any) -> list[Any]:
    """What `model.earlier(entry)` and `model.trend(entry)` show, by the same project's (or 部门整体's) entries in every
    period: each one's page, period, status and light, its bytes, and whether its figures are withheld."""
    withheld = model.withheld_overalls
    return [(e.page, e.period, e.status, e.light, e.submitted, digest_of(model, e), id(e) in withheld) for e in model.line(entry)]


def page_key(base: str | None, model: Any, view: Any, dept: Any, entry: Any, reviews: Any) -> str | None:
    """The key of one project page (see the module docstring); None: render it."""
    if base is None:
        return None
    ev = entry.evaluation
    source = model.source(entry.path) if entry.path is not None else None
    # a timeline entry is fixed by its commit and what happened to the file there (its field-level changes are read
    # from the commit's blobs by docgen's code under the profile, both in `base`; a withheld one by dept.withheld)
    history = [(c.commit, c.status, len(c.changes)) for c in entry.history]
    try:
        return stable(
            base,
            entry.page,
            (view.page, view.period, view.deadline, view.time_progress),
            (dept.page, dept.name, dept.code, dept.withheld, dept.bundle, dept.feedback),
            (entry.kind, entry.period, entry.department_code, entry.department, entry.code, entry.name, entry.unit),
            (entry.expected, entry.path, source, entry.arrived),
            (entry.status, entry.light, entry.submitted, entry.unfilled, entry.completeness),
            (entry.assessment, history, entry.downloads),
            # the bytes the page was checked from (read once by the check), else read here: its figures follow from them
            digest_of(model, entry),
            (ev.findings, ev.light, ev.indicator_lights, ev.row_lights, ev.exempt, ev.completeness) if ev is not None else None,
            _line(model, entry),  # the earlier periods it links and its trend chart
            reviews.state(entry),
            _targets(model, entry, source),
        )
    except Unstable:
        return None


def _targets(model: Any, entry: Any, source: str | None) -> Any:
    """What its page shows against the approved targets: the rows, or for a page that reads its project whole only
    when rendered (`SiteModel.reader`), what they are compared from besides its file."""
    if source is None:
        return None
    if model.reader is not None and entry.kind == "project" and entry.model is not None:
        return model.reader.targets_key(entry)
    return model.targets.get(source)


def row(model: Any, entry: Any, reviews: Any) -> tuple[Any, ...]:
    """What the pages that list an entry (its department's page, its period's page, the home page) show of it: its
    identity and page, its status, light and completeness, the codes of its findings, when it arrived, its review
    state, and its bytes (its figures follow from them)."""
    found = tuple((f.code, f.light, f.severity) for f in entry.assessment.findings)
    return (
        (entry.kind, entry.code, entry.name, entry.unit, entry.department, entry.department_code, entry.page, entry.expected),
        (entry.path, digest_of(model, entry), entry.status, entry.light, entry.submitted, entry.unfilled, entry.completeness),
        (found, entry.arrived, reviews.state(entry)),
    )


def department_key(base: str | None, model: Any, view: Any, dept: Any, reviews: Any, records: str | None) -> str | None:
    """The key of a department's page: its 部门整体 as its own page is keyed (tables, texts, findings, history,
    downloads, trend), each project's row (`row`; the counts and the 项目合计 follow from the rows), the department's
    bundle, feedback and 涉密 withholding, its period, and `records` (the review folder's records: its opinions,
    整改台账 and 结果应用). None: render it."""
    if base is None or records is None:
        return None
    overall = page_key(base, model, view, dept, dept.overall, reviews)
    if overall is None:
        return None
    try:
        return stable(
            base,
            records,
            overall,
            (dept.page, dept.code, dept.name, dept.in_roster, dept.withheld, dept.bundle, dept.feedback),
            (view.page, view.period, view.deadline, view.time_progress),
            [row(model, e, reviews) for e in dept.projects],
        )
    except Unstable:
        return None


def records_digest(reviews: Any) -> str | None:
    """The review folder's records as the department and period pages list them; None when they have no stable form."""
    try:
        return stable(reviews.records, reviews.hidden)
    except Unstable:
        return None


def overview_keys(base: str | None, model: Any, departments: dict[int, str | None], records: str | None) -> dict[str, str | None]:
    """The keys of the pages over every submission, by page: each period's page and the home page from every
    department's key (`department_key`, by id of its view: their rows, 部门整体 figures and the city's trend follow),
    the periods' deadlines and roster problems, the review records and the latest changes; the 最近更新 page from
    the history it lists; the guide pages from what every page shares. Empty: render them all."""
    if base is None or records is None or any(key is None for key in departments.values()):
        return {}
    try:
        periods = stable(
            base,
            records,
            [
                (v.page, v.period, v.deadline, v.roster_findings, v.time_progress, [departments[id(d)] for d in v.departments])
                for v in model.periods
            ],
        )
        recent = stable(base, model.recent)
    except Unstable:
        return {}
    keys: dict[str, str | None] = {"index.md": stable(periods, "index.md", recent)}
    keys.update({v.page: stable(periods, v.page) for v in model.periods})
    keys["recent.md"] = stable(recent, "recent.md")
    keys.update({f"guide/{name}.md": stable(base, name) for name in ("submit", "rules", "forms")})
    return keys


class Record:
    """The keys and Markdown digests of the last build's project pages, and those of this build (`save`)."""

    def __init__(self, store: Store | None, source: Path) -> None:
        self.file = store.record(source, RECORD) if store is not None else None
        self.then: dict[str, list[str]] = self._read() if self.file is not None else {}
        self.now: dict[str, list[str]] = {}
        self.linked: dict[str, bool] = {}  # a folder of the last docs/ (docs-relative) whose way holds a link

    def _read(self) -> dict[str, list[str]]:
        assert self.file is not None
        try:
            raw = read_regular(self.file)
            record = json.loads(raw) if raw is not None else None
        except (OSError, ValueError):
            return {}
        if not isinstance(record, dict) or len(record) > MAX_PAGES:
            return {}
        return {k: v for k, v in record.items() if isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)}

    def __bool__(self) -> bool:
        return bool(self.then)

    def previous(self, page: str, key: str | None, folder: Path) -> bytes | None:
        """The Markdown the last build wrote for `page` under this very key, read from `folder` (the last docs/) and
        only when its bytes still have the recorded digest, no folder on the way is a link and the file is a regular
        file; None: render it."""
        then = self.then.get(page)
        if key is None or then is None or then[0] != key:
            return None
        path = folder / page
        if self._linked(folder, posixpath.dirname(page)):
            return None
        try:
            data = read_regular(path)
        except OSError:
            return None
        if data is None or hashlib.sha256(data).hexdigest() != then[1]:
            return None
        return data

    def _linked(self, folder: Path, rel: str) -> bool:
        """Whether `rel` or a folder on its way from `folder` is a link: asked once a folder (a thousand pages share
        one), not once a page."""
        if not rel:
            return False
        found = self.linked.get(rel)
        if found is None:
            found = self._linked(folder, posixpath.dirname(rel)) or (folder / rel).is_symlink()
            self.linked[rel] = found
        return found

    def note(self, page: str, key: str | None, data: bytes) -> None:
        if key is not None:
            self.now[page] = [key, hashlib.sha256(data).hexdigest()]

    def save(self) -> None:
        if self.file is None:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            out_files.write_text(self.file, json.dumps(self.now, ensure_ascii=False, sort_keys=True))
        except OSError:  # not kept: the next build renders every page, as a first one does
            pass

"""Which projects are confidential (涉密), what of them must never be published, and the check that it was not.

A project is confidential when its own file or its period's roster says so (a disagreement is E311, and until it is
fixed the project is confidential everywhere). `secrets(root, result)` gathers, for the one redactor
(redact.Secrets), every name and code of those projects, their former names from git, and their distinctive
figures; `check_published(folder, secrets)` scans what is about to be published and fails on any hit.

Figures that could be derived are withheld (`withheld_departments`): a department with 1 to k-1 confidential
projects (k = the rules file's 涉密汇总最少项目数, default 3) publishes neither its 涉密 row's figures nor any
total that includes them (its 汇总表 合计, its 附件3, its department figures in summary.json).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import messages as M
from . import names, output
from .cache import code_digest, digest, file_digest
from .check.load import load_file
from .check.ruleset import DEFAULT_POOL
from .errors import Leak
from .evaluate import figures
from .files import read_regular
from .form import vocabulary as F
from .form.model import Amounts, Department, Project, Roster
from .redact import Secrets, scan
from .verdicts import Verdicts


def roster_flags(rosters: Iterable[Roster]) -> dict[tuple[str, str], Any]:
    """(period, code) -> the roster's entry, for every project a roster marks 涉密."""
    return {(roster.period.key, p.code): p for roster in rosters for dept in roster.departments for p in dept.projects if p.confidential}


def roster_listed(rosters: Iterable[Roster]) -> tuple[set[str], set[tuple[str, str]]]:
    """(periods that have a roster, (period, code) of every project a roster lists)."""
    rosters = list(rosters)
    periods = {roster.period.key for roster in rosters}
    listed = {(roster.period.key, p.code) for roster in rosters for dept in roster.departments for p in dept.projects}
    return periods, listed


def unlisted(period: str, code: object, rosters: Iterable[Roster]) -> bool:
    """A project of a period that has a roster, whose code the roster does not list (W302): until the roster lists it,
    it is treated as 涉密 for publication (a 涉密 project re-coded with 涉密: false must not be published)."""
    periods, listed = roster_listed(rosters)
    return period in periods and (period, code if isinstance(code, str) else "") not in listed


def apply_roster(projects: list[Project], rosters: Iterable[Roster]) -> list[Project]:
    """The projects with 涉密 set when either the file or the period's roster says so, or when the period has a roster
    that does not list them (W302: counted, never named, until the roster lists them). A code 涉密 in any period is
    涉密 in every period, as the site hides it everywhere: else an earlier period's 汇总表 names it."""
    rosters = list(rosters)
    flagged = roster_flags(rosters)
    periods, listed = roster_listed(rosters)

    def secret_here(p: Project) -> bool:
        key = (p.period.key, p.code)
        return p.confidential or key in flagged or (p.period.key in periods and key not in listed)

    codes = {code for _, code in flagged} | {p.code for p in projects if secret_here(p)}

    def secret(p: Project) -> bool:
        return p.code in codes or secret_here(p)

    return [p if p.confidential or not secret(p) else dataclasses.replace(p, confidential=True) for p in projects]


def pool_size(analysis: Any) -> int:
    """k: the least number of 涉密 projects whose figures may be published pooled (the rules file's setting)."""
    ruleset = getattr(analysis, "ruleset", None)
    return int(getattr(ruleset, "pool", DEFAULT_POOL) or DEFAULT_POOL)


def withheld_departments(result: Any) -> set[tuple[str, str]]:
    """(period, department code) of departments holding 1 to pool-1 涉密 projects: their totals are withheld.

    Counted from every place that says a project is 涉密: a valid file, a file refused for another reason (E311, when
    its own file says it is not) and the period's roster, so a flawed file cannot make its department's totals public."""
    members = {
        (p.period.key, p.department_code, p.code) for p in [*result.projects, *getattr(result, "flawed_projects", ())] if p.confidential
    }
    for roster in getattr(result, "period_rosters", None) or result.rosters:
        for dept in roster.departments:
            members |= {(roster.period.key, dept.code, p.code) for p in dept.projects if p.confidential}
    counts: dict[tuple[str, str], int] = {}
    for period, department, _ in members:
        counts[(period, department)] = counts.get((period, department), 0) + 1
    pool = pool_size(result.analysis)
    return {key for key, n in counts.items() if n < pool}


def withheld_paths(result: Any) -> set[str]:
    """The 部门整体 (附件3) files of withheld departments: their totals would reveal a 涉密 project's figures."""
    keys = withheld_departments(result)
    return {str(d.path) for d in result.departments if (d.period.key, d.department_code) in keys}


def _amounts(table: dict[str, figures.Figures]) -> Iterable[Any]:
    for fig in table.values():
        yield from fig.printed()


_NUMBER = re.compile(r"(?<![0-9.])[0-9][0-9,]*\.[0-9]+")


def public_history_figures(root: Path, codes: set[str], paths_: set[str], past: Any = None) -> set[Any]:
    """Amounts printed in the public history (a public file's former figures): shown on the site by design, so not a
    secret's fingerprint. Empty outside a git repository. `past`: the history already read (timeline.History), so
    the caller's one pass over git serves every use; None reads it here."""
    from decimal import Decimal, InvalidOperation

    found = _history(root, past)
    if found is None:
        return set()
    found = found.public()
    base = root.resolve()
    # a relative path as docgen shows it (to where the command runs) or as a test passes it (to the root): both, the
    # stricter reading (fewer timelines counted public)
    wanted = {Path(os.path.relpath(q.resolve(), base)).as_posix() for p in paths_ for q in (Path(p), root / p)}
    out: set[Any] = set()
    for line in found.timelines.values():
        if line.code in codes or any(e.code in codes for e in line.entries) or set(line.paths) & wanted:
            continue
        for entry in line.entries:
            for change in entry.changes:
                for text in (change.before, change.after):
                    for number in _NUMBER.findall(str(text or "")):
                        with contextlib.suppress(InvalidOperation):
                            out.add(Decimal(number.replace(",", "")))
    return out


def raw_hidden(path: Path, data: dict[str, Any], rosters: Iterable[Roster]) -> bool:
    """A file that failed validation is kept off publication when it says 涉密, or when it is a project whose
    period's roster does not list its code (as `apply_roster` treats a valid one)."""
    if data.get(F.KEYS["confidential"]) is True:
        return True
    if path.name == F.ROSTER_FILE or path.name == F.DEPARTMENT_FILE:
        return False
    if path.parent.name in (F.REVIEW_FOLDER, F.TARGETS_FOLDER):  # records on many projects (审核/, 批复目标/), not a project
        return False
    match = re.match(r"^(\d{4})-(\d{1,2})$", path.parent.parent.name)
    if match is None:
        return False
    return unlisted(f"{match[1]}-{int(match[2]):02d}", data.get(F.KEYS["project_code"]), rosters)


def _raw_flagged(result: Any) -> Iterable[tuple[Any, Any, Path]]:
    """Files that failed validation but say 涉密 (or are not on their period's roster): their code and name as written."""
    modelled = {str(s.path) for s in [*result.projects, *result.departments, *result.rosters]}
    for path in result.files:
        if str(path) in modelled or path.name == F.ROSTER_FILE:
            continue
        doc, _ = load_file(path)
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        if raw_hidden(Path(path), data, result.rosters):
            yield data.get(F.KEYS["project_code"]), data.get(F.KEYS["project_name"]), path


def _history(root: Path, past: Any) -> Any:
    """`past` (a timeline.History the caller read), else the repository's history read now; None outside git."""
    from .errors import DocgenError
    from .history import timeline

    if past is not None:
        return past
    try:
        return timeline.read_history(root)
    except DocgenError:
        return None


def former_names(root: Path, codes: set[str], paths_: set[str], past: Any = None) -> set[tuple[str, str]]:
    """(code, name) of every version in git of the files of those codes or paths: a project renamed as it became
    涉密 keeps its old name hidden too. Empty outside a git repository. `past`: the history already read, if any."""
    found = _history(root, past)
    if found is None:
        return set()
    base = root.resolve()
    # a relative path as docgen shows it (to where the command runs) or as a test passes it (to the root): both, the
    # stricter reading (fewer timelines counted public)
    wanted = {Path(os.path.relpath(q.resolve(), base)).as_posix() for p in paths_ for q in (Path(p), root / p)}
    out = set()
    for line in found.timelines.values():
        if line.confidential or line.code in codes or any(e.code in codes for e in line.entries) or set(line.paths) & wanted:
            out |= {(e.code, e.name) for e in line.entries}
    return out


def _tables(result: Any, sub: Project | Department) -> figures.Tables:
    """A submission's budget tables as evaluated once (the analysis' Evaluation), else computed here."""
    evaluated = result.analysis.of(sub.path) if getattr(result, "analysis", None) else None
    return evaluated.tables if evaluated is not None else figures.tables(sub)


def secrets(
    root: Path | None,
    result: Any,
    *,
    history: bool = True,
    past: Any = None,
    store: Any = None,
    load: Any = None,
    amounts: Any = None,
) -> Secrets:
    """Everything about the repository's 涉密 projects that must not be published.

    `past`: the repository's history (timeline.History, the whole of it, 涉密 timelines included) when the caller
    has read it already (`docgen site` reads it once for its pages and for this); None: read here when needed.
    `store`: the project's cache (cache.Store), where what each public submission's texts print is kept. `load`: for
    a `result` whose projects are their identity only (a build from records), the whole model of one, read when its
    texts are walked (a file whose verdict is not kept); `amounts`: with such projects, the figures a public one prints
    (its summary.json figures) that are among the secret figures found, instead of its tables."""
    found = Secrets()
    for project in result.projects:
        if project.confidential:
            found.add(project.code, project.name, project.path)
            for row in (row for rows in _tables(result, project).values() for row in rows.values()):
                for value in (row.carried_over, row.budget, row.subtotal, row.allocated, row.spent, row.expected):
                    found.add_figure(value)
    for entry in roster_flags(result.rosters).values():
        found.add(entry.code, entry.name)
    for code, name, path in _raw_flagged(result):
        found.add(code, name, path)
    if history and root is not None and found.codes:
        for code, name in former_names(root, set(found.codes), set(found.paths), past):
            found.add(code, name)
    for code in list(found.codes):
        found.add_word(names.safe(code))
    public: list[Any] = []
    printed = _PrintedFigures(store, result) if amounts is None else None
    unseen = set(found.figures)  # … asked of the records (`amounts`) only until every secret figure was seen public
    for project in result.projects:
        if project.confidential:
            continue
        if amounts is not None and unseen:
            seen_here = amounts(project, found)
            unseen -= {abs(v) for v in seen_here}
            public += seen_here
        elif printed is not None:
            public += printed.of(project)
    if printed is not None:
        printed.save()
    for dept in result.departments:
        assert isinstance(dept, Department)
        for rows in _tables(result, dept).values():
            public += _amounts(rows)
    # the pooled 涉密 rows of departments with at least k (never below 3: E219) of them are published by design
    pools: dict[tuple[str, str], list[Project]] = {}
    for project in result.projects:
        if project.confidential:
            pools.setdefault((project.period.key, project.department_code), []).append(project)
    k = pool_size(result.analysis)
    for members in pools.values():
        if len(members) >= k:  # less the columns fewer than k of them reported: the 汇总表 does not show those
            funds = [figures.total(p.funds) for p in members]
            thin = figures.thin_columns(funds, k)
            pooled = figures.Figures.of(sum((figures.without(a, thin) for a in funds), Amounts()), members[0].period)
            public += _amounts({"": pooled})
    withheld = withheld_paths(result)  # a withheld 部门整体 is not published: its texts and history make nothing public
    if history and root is not None and found.figures:
        public += public_history_figures(root, set(found.codes), set(found.paths) | withheld, past)
    found.discard_figures(public)
    # a number typed anywhere in a public submission's texts is public by definition: were it kept, its presence in
    # the site would fail the build exactly when it equals a secret figure (the check an oracle for 「is X secret?」)
    public_subs = [s for s in [*result.projects, *result.departments] if not getattr(s, "confidential", False)]
    public_subs = [s for s in public_subs if str(s.path) not in withheld]
    if found.figures and public_subs:
        typed = _TypedFigures(store, found, result, load)
        seen: set[Any] = set()
        for sub in public_subs:
            seen |= typed.of(sub)
        typed.save()
        found.discard_figures(seen)
    # so is a number in a public submission's findings (a difference, a rate): computed from its own public figures, it
    # equals a 涉密 amount only by coincidence, which at 10,000 projects is near certain (a W404 stopped the site). Not
    # a finding that sums a department's projects (W414): its total holds the 涉密 ones
    if found.figures:  # (44,000 findings at 10,000 projects: not gathered when no secret figure is left)
        shown = {str(s.path) for s in public_subs}
        messages = [f.message for f in getattr(result, "findings", []) if str(f.path) in shown and f.code not in SUMMING_FINDINGS]
        found.discard_figures(found.typed_in(messages))
    return found


def _kept_file(store: Any, result: Any, name: str) -> tuple[Path | None, str]:
    """Where `_PrintedFigures` and `_TypedFigures` keep their lists in the user's cache, and the digest of the profile
    the figures were read by (part of their key); no file without a store or a profile digest: nothing is kept."""
    profile = str(getattr(getattr(result, "profile", None), "digest", "") or "")
    folder = store.folder("verdicts") if store is not None else None
    return (folder / name if folder is not None and profile else None), profile


def _read_kept(file: Path, key: str, field: str) -> dict[str, list[str]]:
    """The lists of texts `_write_kept` kept under `key` (content digest -> texts), else none: a cache file is data,
    never trusted, so anything but lists of texts is dropped."""
    with contextlib.suppress(OSError, ValueError):
        raw = read_regular(file)
        record = json.loads(raw) if raw is not None else None
        if isinstance(record, dict) and record.get("key") == key and isinstance(record.get(field), dict):
            return {k: v for k, v in record[field].items() if isinstance(v, list) and all(isinstance(x, str) for x in v)}
    return {}


def _write_kept(file: Path | None, key: str, field: str, lists: dict[str, list[str]]) -> None:
    """Keep `lists` under `key` for the next run; an unwritable cache only costs the work again."""
    if file is None:
        return
    with contextlib.suppress(OSError):
        file.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(file, json.dumps({"key": key, field: lists}, sort_keys=True))


class _PrintedFigures:
    """Every number a public project's figures print (`_amounts`: its tables' amounts and rates), kept in the user's
    cache by the project's bytes, profile and docgen: evaluating the tables of every project for them was ~2.5 s of
    each `docgen site` at 10,000 projects, after one edit as after none. Exact (the decimals as computed, written with
    `str`); without a store or for a file the check did not read, computed as before."""

    def __init__(self, store: Any, result: Any) -> None:
        self.result = result
        self.digests: dict[str, str] = getattr(result, "digests", None) or {}
        self.then: dict[str, list[str]] = {}
        self.now: dict[str, list[str]] = {}
        self.file, profile = _kept_file(store, result, "printed-figures.json")
        self.key = digest(code_digest(), profile)
        if self.file is not None:
            self.then = _read_kept(self.file, self.key, "printed")

    def of(self, sub: Any) -> list[Any]:
        from decimal import Decimal, InvalidOperation

        content = self.digests.get(str(sub.path)) if self.file is not None else None
        cached = self.then.get(content) if content else None
        if cached is not None:
            with contextlib.suppress(InvalidOperation):
                found = [Decimal(x) for x in cached]
                self.now[str(content)] = cached
                return found
        found = [a for rows in _tables(self.result, sub).values() for a in _amounts(rows)]
        if content:
            self.now[content] = [str(a) for a in found]
        return found

    def save(self) -> None:
        _write_kept(self.file, self.key, "printed", self.now)


class _TypedFigures:
    """The secret figures each public submission's texts print (`_strings`, `Secrets.typed_in`), kept in the user's
    cache by the submission's bytes, for exactly this list of figures, profile, rosters and docgen: walking every text
    of every submission on every `docgen site` was seconds a thousand files. Without a store, nothing is kept."""

    def __init__(self, store: Any, found: Secrets, result: Any, load: Any = None) -> None:
        self.found = found
        self.load = load or (lambda sub: sub)
        self.digests: dict[str, str] = getattr(result, "digests", None) or {}  # as the check read them (paths relative to the root)
        self.root = Path(store.root) if store is not None else Path()
        self.then: dict[str, list[str]] = {}
        self.now: dict[str, list[str]] = {}
        self.key = ""
        self.file, profile = _kept_file(store, result, "typed-figures.json")
        if self.file is None:  # nothing kept: no file is read again for a key (`docgen build` reads each file once)
            return
        rosters = sorted(f"{r.path}:{self._digest(r.path)}" for r in result.rosters)
        self.key = digest(code_digest(), profile, *rosters, *sorted(str(f) for f in found.figures))
        self.then = _read_kept(self.file, self.key, "found")

    def _digest(self, path: Any) -> str:
        """The bytes of `path` as the check read them, else read now (relative to the root); "" when unreadable."""
        return self.digests.get(str(path)) or file_digest(self.root / path)

    def of(self, sub: Any) -> set[Any]:
        from decimal import Decimal, InvalidOperation

        # the bytes as checked (a path is relative to the root, not to where docgen runs); unread: not kept, never ""
        bytes_digest = self._digest(sub.path) if self.file is not None else ""
        content = f"{sub.kind}:{bytes_digest}" if bytes_digest else ""
        cached = self.then.get(content) if content else None
        if cached is not None:
            try:
                hits = {Decimal(x) for x in cached}
            except InvalidOperation:
                hits = self.found.typed_in(_strings(self.load(sub)))
        else:
            hits = self.found.typed_in(_strings(self.load(sub)))
        if content:
            self.now[content] = sorted(str(h) for h in hits)
        return hits

    def save(self) -> None:
        _write_kept(self.file, self.key, "found", self.now)


def _strings(value: Any, depth: int = 0) -> Iterable[str]:
    """Every text a submission holds (its narratives, indicators, notes), as its attachments and pages print them."""
    if depth > 20:
        return
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name, None), depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, depth + 1)
            yield from _strings(item, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item, depth + 1)


#: Findings whose text sums a department's projects, 涉密 ones included (W414: 项目合计 against 部门整体).
SUMMING_FINDINGS = frozenset({"W414"})


def _reduced(findings: Iterable[Any]) -> tuple[Any, ...]:
    """The findings with only their code, severity and light: no message, whose figures could include a secret's."""
    return tuple(dataclasses.replace(f, message=M.label("diff_withheld_finding")) for f in findings)


def public_diff(result: Any, found: Secrets, withheld: Iterable[str] = ()) -> Any:
    """`docgen diff` as it may be posted (a PR comment, a job summary): a 涉密 file's entry keeps only its status
    and kind, with no path, name, code, change or finding; a roster's changes about 涉密 entries are left out.

    `withheld`: paths of the 部门整体 files of withheld departments (`withheld_paths`): their entry says that the file
    changed and no more, its findings reduced to code and light. Anywhere, a finding that sums projects (W414) is
    reduced too: its sum may hold a 涉密 project's figures."""
    hidden = set(withheld)
    files = []
    quiet: set[str] = set()  # paths whose commits' messages are not shown: they may quote what the file withholds
    for f in result.files:
        if f.kind == "department" and (f.path in hidden or f.old_path in hidden):
            quiet.update(p for p in (f.path, f.old_path) if p)
            f = dataclasses.replace(
                f,
                changes=(),
                appeared=_reduced(f.appeared),
                cleared=_reduced(f.cleared),
                changed=tuple(zip(_reduced(a for a, _ in f.changed), _reduced(b for _, b in f.changed), strict=True)),
                withheld=True,
            )
        else:
            summing = [x for x in (*f.appeared, *f.cleared, *(y for pair in f.changed for y in pair)) if x.code in SUMMING_FINDINGS]
            if summing:
                f = dataclasses.replace(
                    f,
                    appeared=tuple(_reduced([x])[0] if x.code in SUMMING_FINDINGS else x for x in f.appeared),
                    cleared=tuple(_reduced([x])[0] if x.code in SUMMING_FINDINGS else x for x in f.cleared),
                    changed=tuple((_reduced([a])[0], _reduced([b])[0]) if a.code in SUMMING_FINDINGS else (a, b) for a, b in f.changed),
                )
        secret = (
            (f.confidential and f.kind != "roster") or found.hides(f.code or None) or bool(found.found_in(f"{f.path} {f.old_path or ''}"))
        )
        if secret:
            quiet.update(p for p in (f.path, f.old_path) if p)
            files.append(
                dataclasses.replace(
                    f,
                    path="",
                    old_path=None,
                    name="",
                    code="",
                    changes=(),
                    appeared=(),
                    cleared=(),
                    changed=(),
                    confidential=True,
                    light_before=None,
                    light_after=None,
                    state_before="",
                    state_after="",
                    targets=(),
                )
            )
        elif f.confidential:  # a roster: what it says of 涉密 projects stays out
            files.append(dataclasses.replace(f, changes=tuple(c for c in f.changes if not c.confidential), confidential=False))
        else:
            files.append(f)
    result.commits = [
        dataclasses.replace(c, message=M.label("diff_commit_withheld")) if quiet & set(c.paths) else c for c in result.commits
    ]
    result.files = files
    return result


def check_published(
    folder: Path,
    found: Secrets,
    skip: Iterable[Path] = (),
    known: Verdicts | None = None,
    workers: int | None = 1,
    theme: Path | None = None,
    words: frozenset[Path] = frozenset(),
) -> None:
    """Fail (exit 1) when any file under `folder` holds a 涉密 name, code or figure; the message names the file only.

    `known`: contents found clean before against this very list (redact.scan), not read again. `workers`: processes
    scanning at once (None: one per core). `theme`: the installed theme's own files, not read where the site's copy
    is the same (redact.scan); `words`: word lists searched for names and codes only (redact.scan)."""
    hit = scan(folder, found, skip, known, workers, theme, words)
    if hit is not None:
        path, kind = hit
        raise Leak(M.label("published_leak", path=path, what=M.label(f"published_leak_{kind}")))

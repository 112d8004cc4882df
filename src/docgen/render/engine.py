"""The render stage of `docgen build`: decide what changed, render it on every core, bundle, convert, record.

Every output is keyed by the content of what decides it: the submission file, the templates, any rules file, the
extra drafted texts, and docgen's own code. The keys of the last build live in the project's cache (cache.Store.record),
never in build/, where a commit or a hand could plant one; an output whose key is unchanged and whose file is still
the one docgen wrote (cache.signature) is not rendered again, so an edit to one submission
re-renders two files and one bundle. Outputs that no longer belong to any submission are removed, which also takes
a project out of build/ the moment it is marked 涉密.

Confidential (涉密) projects never land in build/ (CI publishes it). They are skipped, or rendered only into a folder
the user names outside build/ (`--include-confidential DIR`), with its own manifest.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, children, output
from .. import messages as M
from ..cache import Shelf, Store, code_digest, digest, plain_name, signature
from ..errors import InvalidSubmissions, UsageError
from ..evaluate.evaluation import Evaluation
from ..form.model import Department, Project
from ..redact import redact_fields
from . import bundle, dates, docx, fonts, paths, templates, xlsx
from .rendered import Rendered as Rendered

Submission = Project | Department
Progress = Callable[[str, int, int], None]  # (stage: "render" | "pdf", done, total)
ExtraSections = Callable[[Submission], Mapping[str, str]]
MANIFEST_WARNINGS = 20  # entries named one by one when a manifest points outside; the rest are counted
POOL_THRESHOLD = 8  # fewer submissions than this render in-process: starting workers would cost more


@dataclass
class Options:
    """What `docgen build` was asked for, passed as one value from the command to the renderers."""

    force: bool = False
    pdf: bool = False
    confidential_dir: Path | None = None
    jobs: int | None = None  # worker processes; None = every core
    extra_sections: ExtraSections | None = None  # e.g. the warnings engine's draft of 「四、绩效监控结果分析」
    inputs: tuple[Path, ...] = ()  # more files every output depends on (a rules file), keyed by content
    progress: Progress | None = None
    digests: Mapping[str, str] = field(default_factory=dict)  # submission path -> digest of its bytes, as checked
    withheld: frozenset[str] = frozenset()  # paths published like 涉密 ones: 部门整体 whose totals reveal a 涉密 project
    redact: Callable[[str], str] | None = None  # the 涉密 redactor every public attachment's texts pass through
    redact_key: str = ""  # what the redactor hides, as a digest: a new secret re-renders every attachment
    store: Store | None = None  # where the manifests are kept: the project's Store (default: of the folder above `out`)
    # (period, department code) -> the department's name as the period's roster lists it: the 报送's cover and file names
    # use it, never a name a submission typed (W413 flags the difference)
    department_names: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # submission path -> why a reviewer returned it (退回修改): rendered, but left out of its department's bundle
    returned: Mapping[str, str] = field(default_factory=dict)
    # a build from records (api.build): an Evaluation of a submission's identity only becomes the whole one, read again
    # from its file in the render worker, so the parent never holds every model; None: every Evaluation is whole
    read: Callable[[Evaluation], Evaluation] | None = None
    # (period, department code) -> everything its projects' keys and attachment names are made of besides the build's
    # base (api._RecordsView.department_keys): an unchanged department's plan is read back from the cache (`_Plans`)
    plan_keys: Mapping[tuple[str, str], str] = field(default_factory=dict)


# --- keys and the manifest ----------------------------------------------------------------


def _digest(chunks: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(hashlib.sha256(chunk).digest())
    return h.hexdigest()


def base_key(tpl: templates.Templates, inputs: Iterable[Path]) -> str:
    """What every output depends on besides its submission: docgen's code, the templates, the rules files."""
    existing = [p for p in inputs if p.is_file()]
    return _digest(
        [__version__.encode(), code_digest().encode(), tpl.digest.encode(), *(p.name.encode() + p.read_bytes() for p in existing)]
    )


def submission_key(base: str, sub: Submission, extra: Mapping[str, str], content: str | None = None) -> str:
    """The cache key of one submission's outputs: a changed file, template or extra text re-renders it.

    `content` is the digest of the submission's bytes as the check read them (each file is read once per run);
    without it the file is read here."""
    data = content.encode() if content else hashlib.sha256(Path(sub.path).read_bytes()).hexdigest().encode()
    profile = (sub.form.digest if sub.form is not None else "").encode()  # the forms it is drawn on (docgen.yaml)
    return _digest([base.encode(), data, json.dumps(dict(extra), ensure_ascii=False, sort_keys=True).encode(), profile])


class Manifest:
    """Output path (relative to its folder) -> the key it was rendered with, and the file's signature as written.

    Kept in the project's cache (`file`, from Store.record), never in the output folder. It is still data, never
    trusted: an entry that is not a plain relative path strictly inside the folder (absolute, `..`, through a
    symlink) is dropped with a warning in `ignored`, so it can neither be deleted as stale nor count as fresh.
    """

    def __init__(self, folder: Path, file: Path) -> None:
        self.folder, self.path = folder, file
        self.prefix = str(folder) + os.sep
        self.ignored: list[str] = []
        try:
            data = {} if self.path.is_symlink() else json.loads(self.path.read_bytes())  # UTF-8, no newline translation
            stored, self.signatures = data["outputs"], data["files"]
            if not isinstance(self.signatures, dict):
                raise TypeError
        except (OSError, ValueError, KeyError, TypeError):
            stored, self.signatures = {}, {}
        self.old: dict[str, str] = {}
        self._parents: dict[str, bool] = {}
        bad: list[str] = []
        for rel, key in stored.items() if isinstance(stored, dict) else ():
            if isinstance(key, str) and self._safe(rel):
                self.old[rel] = key
            else:
                bad.append(rel)
        for rel in bad[:MANIFEST_WARNINGS]:  # shown escaped: a planted entry must not inject lines into a CI log
            shown = json.dumps(rel, ensure_ascii=False)[1:-1]
            self.ignored.append(M.label("manifest_outside", manifest=self.path, entry=shown, folder=folder))
        if len(bad) > MANIFEST_WARNINGS:
            self.ignored.append(M.label("manifest_outside_more", count=len(bad) - MANIFEST_WARNINGS))
        self.new: dict[str, str] = {}
        self.seen: dict[str, list[int]] = {}  # rel -> its signature when `fresh` found it unchanged

    def _safe(self, rel: str) -> bool:
        """A relative path of plain names, inside the folder once symlinks are resolved."""
        if not rel or "\\" in rel or "\0" in rel or rel.startswith("/") or rel[1:2] == ":":  # absolute; a drive (c:…)
            return False
        parent, _, name = rel.rpartition("/")
        if any(part in ("", ".", "..") for part in rel.split("/")) or not name:
            return False
        ok = self._parents.get(parent)
        if ok is None:  # resolved once per folder: a manifest lists thousands of files in a few dozen folders
            ok = self._parents[parent] = output.inside(self.folder / parent / name, self.folder)
        return ok

    def rel(self, path: Path) -> str:
        text = str(path)  # string slicing: this runs for every output of a 1,000-project tree on every build
        return text[len(self.prefix) :].replace(os.sep, "/") if text.startswith(self.prefix) else path.relative_to(self.folder).as_posix()

    def fresh(self, path: Path, key: str) -> bool:
        """Rendered with `key` and still the very file docgen wrote (a file replaced, or a symlink planted in its
        place, is not fresh)."""
        return self.fresh_at(self.rel(path), key, path)

    def fresh_at(self, rel: str, key: str, path: Path | None = None) -> bool:
        """`fresh` by the output's name in the manifest, the file being `path` or else the folder's and `rel`: a
        caller that has the name (a department kept whole: 20,000 outputs) makes no Path for it (~0.1 s)."""
        if self.old.get(rel) != key:
            return False
        found = signature(self.prefix + rel if path is None else path)
        if found is not None and found == self.signatures.get(rel):
            self.seen[rel] = found
            return True
        return False

    def record(self, path: Path, key: str) -> None:
        self.new[self.rel(path)] = key

    def stale(self) -> list[Path]:
        return [self.folder / rel for rel in sorted(set(self.old) - set(self.new))]

    def save(self) -> None:
        """Keep the keys and the signatures of the files as they are now; an unwritable cache only costs a full
        render next time."""
        outputs = dict(sorted(self.new.items()))
        # a file found fresh keeps the signature it was found with (not stat'ed again: 20,000 at 10,000 projects);
        # were it replaced since, the next build finds another signature and renders it again
        files = {rel: sig for rel in outputs if (sig := self.seen.get(rel) or signature(self.folder / rel)) is not None}
        data = {"docgen": __version__, "folder": os.path.abspath(self.folder), "outputs": outputs, "files": files}
        with contextlib.suppress(OSError):
            output.write_chunks(self.path, (piece.encode() for piece in _json_pieces(data)))


def _json_pieces(data: dict[str, Any], size: int = 1000) -> Iterator[str]:
    """`data` as compact JSON and a newline, its large members `size` entries at a time: the same text as one
    json.dumps, which at 10,000 projects made the manifest's 20,000 outputs a 13 MiB string at the build's end."""
    dump = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    yield "{"
    for index, (name, value) in enumerate(data.items()):
        yield ("," if index else "") + dump(name) + ":"
        if not (isinstance(value, dict) and len(value) > size):
            yield dump(value)
            continue
        items = list(value.items())
        yield "{"
        for start in range(0, len(items), size):
            yield ("," if start else "") + dump(dict(items[start : start + size]))[1:-1]
        yield "}"
    yield "}\n"


# --- rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One submission's work for a worker process: which outputs to write, and where."""

    ev: Evaluation
    targets: dict[str, Path]  # kind -> path, only the kinds to (re)render
    extra: dict[str, str]
    folder: Path  # the output folder the targets belong to: no write passes through a symlink in it
    redact: bool = False  # read (Options.read) and redacted in the worker: a public submission given as its identity


def _render(task: Task, reference: Path, tables: Path) -> dict[str, float]:
    """Render and atomically write one submission's outputs; returns CPU milliseconds per kind. Runs in a worker."""
    spent: dict[str, float] = {}
    ev = task.ev
    if _OPTIONS and _OPTIONS[0].read is not None:
        ev = _OPTIONS[0].read(ev)
        if task.redact and _OPTIONS[0].redact is not None:
            ev = redact_fields(ev, _OPTIONS[0].redact)
    for kind, target in task.targets.items():
        start = time.process_time()  # CPU time: comparable on a machine shared with other work
        data = xlsx.workbook_bytes(ev, tables) if kind == "xlsx" else docx.document_bytes(ev, reference, task.extra)
        output.write_bytes(target, data, owner=task.folder)
        spent[kind] = (time.process_time() - start) * 1000
    return spent


_OPTIONS: list[Options] = []  # the build's options while it renders: the workers inherit them by fork (Options.read)


def _render_chunk(tasks: list[Task], reference: Path, tables: Path) -> list[dict[str, float]]:
    return [_render(t, reference, tables) for t in tasks]


def run(tasks: list[Task], reference: Path, tables: Path, jobs: int, progress: Progress | None) -> list[dict[str, float]]:
    """Render every task, on `jobs` processes when there are enough of them; progress after each chunk."""
    total, done, timings = len(tasks), 0, []
    if progress:
        progress("render", 0, total)
    if jobs <= 1 or total < POOL_THRESHOLD:
        for task in tasks:
            timings.append(_render(task, reference, tables))
            done += 1
            if progress:
                progress("render", done, total)
        return timings
    size = max(1, min(16, total // (jobs * 8)))
    chunks = [tasks[i : i + size] for i in range(0, total, size)]
    # fork: the workers inherit the build's options (Options.read), as on Linux by default
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    children.trim_heap()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=children.die_with_parent, initargs=(os.getpid(),)) as pool:
        futures = [pool.submit(_render_chunk, chunk, reference, tables) for chunk in chunks]
        for future in as_completed(futures):
            result = future.result()
            timings.extend(result)
            done += len(result)
            if progress:
                progress("render", done, total)
    return timings


def sweep_temporaries(folder: Path) -> None:
    """Remove what a killed build left: output.py's hidden temporaries and pdf.py's work folders."""
    if not folder.is_dir():
        return
    for top, folders, names in os.walk(folder):  # never into a linked folder; ~5x faster than rglob's pattern per name
        for name in [*folders, *names]:
            if not name.startswith("."):
                continue
            path = Path(top, name)
            temporary = path.is_file() and name.endswith(".tmp") and output.orphaned(path)
            if not path.is_symlink() and (temporary or (path.is_dir() and name.startswith(paths.PDF_TEMP_PREFIX))):
                output.remove(path, folder)


@dataclass(frozen=True)
class _Planned:
    sub: Submission
    key: str
    targets: dict[str, Path]  # kind -> attachment path


def _plan(
    place: _Place,
    ev: Evaluation,
    key: str,
    force: bool,
    tasks: list[Task],
    extra: Callable[[], dict[str, str]],
    redact: bool = False,
    targets: dict[str, Path] | None = None,
) -> int:
    """Queue the outputs of `sub` that are missing or stale; returns how many were already up to date. `targets`:
    its attachments as a kept plan names them (`_Plans`); `extra` is made only when one is rendered.

    Two submissions never share an output: names.safe keeps distinct names distinct, and what it cannot see
    (a project named like a department's own report) stops the build here rather than overwrite a file.
    """
    sub = ev.submission
    targets = targets or paths.attachments(place.folder, sub)
    for target in targets.values():
        other = place.claimed.setdefault(target, sub)
        if other is not sub:
            raise InvalidSubmissions(M.label("output_collision", first=other.path, second=sub.path, name=target.name))
    place.planned.append(_Planned(sub, key, targets))
    todo, fresh = {}, 0
    for kind, target in targets.items():
        place.manifest.record(target, key)
        if not force and place.manifest.fresh(target, key):
            fresh += 1
        else:
            todo[kind] = target
    if todo:
        tasks.append(Task(ev, todo, extra(), place.folder, redact))
    return fresh


def _extra(sub: Submission, options: Options, public: bool, made: dict[str, str] | None) -> dict[str, str]:
    """A submission's extra sections (`made`, else made here) as its attachment prints them: redacted when public."""
    extra = made if made is not None else dict(options.extra_sections(sub)) if options.extra_sections else {}
    return {k: options.redact(v) for k, v in extra.items()} if public and options.redact is not None else extra


PLANS = "render-plans"  # the user cache's shelf of each department's plan
PLANS_FORMAT = "plan-2"
KINDS = ("docx", "xlsx")  # what paths.attachments names


GroupKey = tuple[str, str, str]  # period, department code, department name


@dataclass
class _Place:
    """One output folder (build/, or the confidential folder) with its manifest and what was planned into it."""

    folder: Path
    manifest: Manifest
    planned: list[_Planned] = field(default_factory=list)
    claimed: dict[Path, Submission] = field(default_factory=dict)  # output -> the submission it belongs to
    kept: set[GroupKey] = field(default_factory=set)  # departments kept whole (`_Plans.keep`): no bundle to weigh
    kept_outputs: int = 0  # … and how many outputs their projects have

    @functools.cached_property
    def pdfs(self) -> bool:
        """Whether the last build here left any PDF (a --pdf build): then no department is kept whole."""
        return any(rel.endswith(".pdf") for rel in self.manifest.old)


class _Plans:
    """Each department's plan of its projects (their keys and attachment names), kept in the user's cache under what it
    is made of (Options.plan_keys, with the build's base, its folders and docgen's code): after one edit, one
    department's projects are keyed and named again, not 10,000 (issue 18: ~0.2 s of CPU at 10,000 projects). With
    it, the key of the department's bundle and what besides the plan that key was made of (its name, its 部门整体's
    keys and files): a department whose plan, 部门整体 and every output are as they were is kept whole (`keep`),
    without weighing each project (~0.7 s of CPU at 10,000 projects after one edit). A plan read back is data,
    never trusted: a row not of its shape, or naming a file outside its department's folder, is a miss."""

    def __init__(self, store: Store, keys: Mapping[tuple[str, str], str], salt: str) -> None:
        self.keys = {group: digest(salt, key) for group, key in keys.items()}
        self.shelf: Shelf | None = store.shelf(PLANS, [self._name(g) for g in self.keys]) if self.keys else None
        self.kept: dict[tuple[str, str], dict[str, Any]] = {}
        self.rows: dict[tuple[str, str], dict[str, list[Any]]] = {}
        self.bundles: dict[tuple[str, str], list[Any]] = {}
        self.dirty: set[tuple[str, str]] = set()

    @staticmethod
    def _name(group: tuple[str, str]) -> str:
        return f"{group[0]}/{group[1]}/plan"  # one shard per department (cache.Shelf: by folder)

    def _kept(self, group: tuple[str, str]) -> dict[str, Any]:
        """The department's plan as kept, `{"rows": {path: [key, names…]}, "bundle": [key, name, [[path, key,
        names…], …]]}`, or no rows (then every project is a miss)."""
        kept = self.kept.get(group)
        if kept is None:
            value = self.shelf.get(self._name(group), self.keys[group]) if self.shelf is not None else None
            kept = self.kept[group] = value if isinstance(value, dict) and isinstance(value.get("rows"), dict) else {"rows": {}}
            if _bundle_memo(kept.get("bundle")):
                self.bundles[group] = kept["bundle"]
        return kept

    def get(self, place: _Place, sub: Submission) -> tuple[str, dict[str, Path]] | None:
        """A project's key and attachments as its department's kept plan has them, or None."""
        group = (sub.period.key, sub.department_code)
        if self.shelf is None or group not in self.keys or sub.kind != "project":
            return None
        row = self._kept(group).get("rows", {}).get(str(sub.path))
        if not _plan_row(row):
            return None
        folder = paths.department_dir(place.folder, sub.period, sub.department_code, sub.department)
        self.rows.setdefault(group, {})[str(sub.path)] = row
        return row[0], {kind: folder / name for kind, name in zip(KINDS, row[1:], strict=True)}

    def put(self, sub: Submission, key: str, targets: dict[str, Path]) -> None:
        """Keep a project's key and attachment names, made here, in its department's plan."""
        group = (sub.period.key, sub.department_code)
        if self.shelf is None or group not in self.keys or sub.kind != "project" or tuple(targets) != KINDS:
            return
        self.rows.setdefault(group, {})[str(sub.path)] = [key, *(targets[kind].name for kind in KINDS)]
        self.dirty.add(group)

    def keep(self, place: _Place, group: tuple[str, str], projects: list[Submission], own: list[_Planned], name: str) -> int | None:
        """Keep a department whole when its plan is kept with its bundle's key, it has the same projects and the same
        部门整体 (`own`, planned just before: keys and files), and every one of its outputs and its bundle is still
        the file docgen wrote with that key: its outputs are recorded in the manifest as they are, and its bundle is
        not weighed again. Nothing is recorded as planned until everything holds. Returns how many outputs were kept; None:
        each project is planned as usual."""
        if self.shelf is None or group not in self.keys:
            return None
        rows = self._kept(group)["rows"]  # … which reads its bundle's key too
        memo = self.bundles.get(group)
        manifest = place.manifest
        if memo is None:
            return None
        if memo[1] != name or memo[2] != _own_memo(own, manifest) or len(rows) != len(projects):
            return None
        claimed = {manifest.rel(target) for item in own for target in item.targets.values()}
        found: list[tuple[str, str]] = []
        folders: dict[str, str] = {}
        for sub in projects:
            row = rows.get(str(sub.path))
            if not _plan_row(row):
                return None
            folder = folders.get(sub.department)
            if folder is None:
                folder = folders[sub.department] = manifest.rel(
                    paths.department_dir(place.folder, sub.period, sub.department_code, sub.department)
                )
            for name_ in row[1:]:
                rel = f"{folder}/{name_}"
                if rel in claimed or not manifest.fresh_at(rel, row[0]):
                    return None
                claimed.add(rel)
                found.append((rel, row[0]))
        first = projects[0]
        target = paths.bundle(place.folder, first.period, first.department_code, name)
        if not manifest.fresh(target, memo[0]):
            return None
        manifest.record(target, memo[0])
        for rel, key in found:
            manifest.new[rel] = key
        place.kept.add((first.period.key, first.department_code, name))
        place.kept_outputs += len(found)
        self.rows[group] = rows
        return len(found)

    def bundle(self, group: tuple[str, str], key: str, name: str, own: list[_Planned], manifest: Manifest) -> None:
        """Keep the key of a department's bundle, weighed here, with what besides its plan it was made of (`keep`)."""
        if self.shelf is None or group not in self.keys or group not in self.rows:
            return
        memo = [key, name, _own_memo(own, manifest)]
        if self.bundles.get(group) != memo:
            self.bundles[group] = memo
            self.dirty.add(group)

    def save(self) -> None:
        if self.shelf is None:
            return
        for group in self.dirty:
            self.shelf.put(self._name(group), self.keys[group], {"rows": self.rows.get(group, {}), "bundle": self.bundles.get(group)})
        self.shelf.save()


def _plan_row(row: Any) -> bool:
    """A kept plan's row: a key and one plain file name per kind (never a path out of its department's folder)."""
    return isinstance(row, list) and len(row) == 1 + len(KINDS) and all(isinstance(x, str) for x in row) and all(map(plain_name, row[1:]))


def _bundle_memo(memo: Any) -> bool:
    return isinstance(memo, list) and len(memo) == 3 and isinstance(memo[0], str) and isinstance(memo[1], str) and isinstance(memo[2], list)


def _own_memo(own: list[_Planned], manifest: Manifest) -> list[list[str]]:
    """A department's own submissions (部门整体) as its bundle's key is made of them: path, key and files."""
    return sorted([str(item.sub.path), item.key, *(manifest.rel(t) for t in item.targets.values())] for item in own)


def _keep_pdfs(places: list[_Place]) -> None:
    """Without --pdf: PDFs of unchanged attachments stay (and stay in the bundle); the others go as stale."""
    for place in places:
        if not any(rel.endswith(".pdf") for rel in place.manifest.old):
            continue
        for item in place.planned:
            for source in item.targets.values():
                if place.manifest.fresh(paths.pdf(source), item.key):
                    place.manifest.record(paths.pdf(source), item.key)


def _pdfs(places: list[_Place], written: set[Path], options: Options, tpl: templates.Templates, report: Rendered) -> None:
    """Convert what is new or changed; each folder on its own, so a confidential PDF never passes through build/."""
    stage = options.progress
    progress = (lambda done, total: stage("pdf", done, total)) if stage else None
    for place in places:
        todo: list[Path] = []
        for item in place.planned:
            for source in item.targets.values():
                target = paths.pdf(source)
                place.manifest.record(target, item.key)
                if options.force or source in written or not place.manifest.fresh(target, item.key):
                    todo.append(source)
        if not todo:
            continue
        dated = {source: dates.document_date(item.sub.period) for item in place.planned for source in item.targets.values()}
        from . import pdf  # LibreOffice's side (and pypdf): loaded only when a PDF is made

        converted = pdf.convert(
            todo,
            place.folder,
            tpl.path(templates.FONTS_CONF),
            jobs=options.jobs or os.cpu_count() or 1,
            progress=progress,
            dated=dated.__getitem__,
        )
        report.pdfs.extend(converted.pdfs)
        problems = converted.problems[:1] if converted.problems and not converted.pdfs else converted.problems
        report.problems.extend(p for p in problems if p not in report.problems)
        made = {p.resolve() for p in converted.pdfs}
        for source in todo:
            if paths.pdf(source).resolve() not in made:  # not converted: forget it so the next build tries again
                place.manifest.new.pop(place.manifest.rel(paths.pdf(source)), None)


def _department_of(sub: Submission, names: Mapping[tuple[str, str], str]) -> GroupKey:
    """A submission's department: its name as the roster lists it when the period has one, else as the file gives it."""
    return (sub.period.key, sub.department_code, names.get((sub.period.key, sub.department_code), sub.department))


def _plain_department(members: list[Submission], options: Options, public: _Place) -> str | None:
    """The name of a department that may be kept whole (`_Plans.keep`), or None: a plain build (no --force, no PDF
    made or left), one name for all its submissions, none of them 涉密, withheld or returned."""
    if options.force or options.pdf or public.pdfs:
        return None
    names = {_department_of(sub, options.department_names)[2] for sub in members}
    hidden = any(sub.confidential or str(sub.path) in options.withheld or str(sub.path) in options.returned for sub in members)
    return names.pop() if len(names) == 1 and not hidden else None


def _groups(
    place: _Place,
    confidential: Mapping[GroupKey, int],
    withheld: set[GroupKey],
    names: Mapping[tuple[str, str], str],
    returned: Mapping[str, str] | None = None,
) -> list[tuple[bundle.Group, list[_Planned]]]:
    """Each department's published submissions in filing order (部门整体 first, then projects by code), with their
    files: the attachments, and their PDFs where the manifest keeps one. The bundle and the dossier both read these."""
    pdfs = {rel for rel in place.manifest.new if rel.endswith(".pdf")}
    groups: dict[GroupKey, list[_Planned]] = {}
    for item in place.planned:
        group_key = _department_of(item.sub, names)
        if group_key not in place.kept:  # kept whole (_Plans.keep): its bundle is as it was
            groups.setdefault(group_key, []).append(item)
    out = []
    for group_key, items in sorted(groups.items()):
        items.sort(key=lambda i: (i.sub.kind != "department", getattr(i.sub, "code", "")))  # filing order: 部门整体 first
        entries, held = [], []
        for item in items:
            if returned and str(item.sub.path) in returned:  # 退回修改: out of the bundle until it passes again
                held.append((item.sub, returned[str(item.sub.path)]))
                continue
            files = []
            for target in item.targets.values():
                files.append(target)
                if pdfs and place.manifest.rel(paths.pdf(target)) in pdfs:
                    files.append(paths.pdf(target))
            entries.append((item.sub, files))
        first = items[0].sub
        count = confidential.get(group_key, 0)
        when = dates.document_date(first.period)
        group = bundle.Group(first.period, first.department_code, group_key[2], entries, count, group_key in withheld, when, held)
        out.append((group, [i for i in items if not (returned and str(i.sub.path) in returned)]))
    return out


def _group_key(group: bundle.Group, items: list[_Planned], manifest: Manifest) -> str:
    """What a department's bundle (and dossier) is made of: its members' keys, its files, what it leaves out."""
    return _digest(
        [
            json.dumps([group.period.key, group.code, group.name, group.confidential, group.department_withheld]).encode(),
            json.dumps([[str(s.path), reason] for s, reason in group.returned], ensure_ascii=False).encode(),
            *(i.key.encode() for i in items),
            *(manifest.rel(f).encode() for _, files in group.entries for f in files),
        ]
    )


def _bundles(
    place: _Place, groups: list[tuple[bundle.Group, list[_Planned]]], options: Options, report: Rendered, plans: _Plans | None = None
) -> None:
    """One .zip per department: rewritten when any member, the member list or the confidential count changed. With
    `plans`, the key of each bundle that may be kept whole next time is kept with its department's plan: one with
    nothing 涉密, withheld, returned or converted to PDF in it (`_Plans.keep`)."""
    for group, items in groups:
        target = paths.bundle(place.folder, group.period, group.code, group.name)
        key = _group_key(group, items, place.manifest)
        place.manifest.record(target, key)
        if options.force or not place.manifest.fresh(target, key):
            report.bundles.append(bundle.write(place.folder, group))
        plain = not (group.confidential or group.department_withheld or group.returned or place.pdfs or options.pdf)
        if plans is not None and plain:
            plans.bundle((group.period.key, group.code), key, group.name, [i for i in items if i.sub.kind != "project"], place.manifest)


def _dossiers(
    place: _Place, groups: list[tuple[bundle.Group, list[_Planned]]], options: Options, tpl: templates.Templates, report: Rendered
) -> None:
    """One PDF per department (dossier.py) when every part has its PDF: made with --pdf, kept by a plain build while
    its parts are unchanged (else it goes as stale, and the report says so)."""
    todo = []
    if not any(rel.endswith(".pdf") for rel in place.manifest.new):
        # no PDF at all (a plain build): a group with a part to have one (dossier.parts) has no dossier, as below,
        # without listing its parts
        groups = [(group, items) for group, items in groups if not any(isinstance(sub, Department | Project) for sub, _ in group.entries)]
        if not groups:
            return
    from . import dossier  # loaded only where a dossier may be kept or made

    for group, items in groups:
        parts = dossier.parts(group)
        rels = {place.manifest.rel(f) for _, files in group.entries for f in files}
        if not all(place.manifest.rel(paths.pdf(p)) in rels for p in parts):
            continue  # a part without its PDF: no dossier (a plain build, or LibreOffice failed and said so)
        target = paths.dossier(place.folder, group.period, group.code, group.name)
        key = _digest([b"dossier", _group_key(group, items, place.manifest).encode()])
        if options.pdf and (options.force or not place.manifest.fresh(target, key)):
            todo.append(group)
            place.manifest.record(target, key)
        elif place.manifest.fresh(target, key):
            place.manifest.record(target, key)
    if not todo:
        return
    made = dossier.write_all(
        place.folder,
        todo,
        tpl.path(templates.REPORT_DOCX),
        tpl.path(templates.FONTS_CONF),
        jobs=options.jobs or os.cpu_count() or 1,
        dated=lambda group: group.date,
    )
    report.dossiers += made.written
    report.problems.extend(p for p in made.problems if p not in report.problems)
    for group in todo:
        target = paths.dossier(place.folder, group.period, group.code, group.name)
        if target not in made.written:  # not written: forget it so the next build tries again
            place.manifest.new.pop(place.manifest.rel(target), None)


def check_templates(tpl: templates.Templates) -> None:
    """Read every template once, so a broken or hostile one fails here, before any worker starts or any file is written:
    report.docx (its XML), tables.yaml (every key and value), fonts.conf (its font substitutions and nothing else)."""
    docx.reference(tpl.path(templates.REPORT_DOCX))
    templates.table_style(tpl.path(templates.TABLES_YAML))
    fonts.aliases(tpl.path(templates.FONTS_CONF))


def render_all(evaluations: Iterable[Evaluation], out: Path, tpl: templates.Templates, options: Options) -> Rendered:
    """Render every evaluated submission's attachments into `out` (confidential ones only into
    options.confidential_dir), then PDFs (with options.pdf) and the department bundles; writes the manifest(s) last."""
    report = Rendered()
    reference, tables = tpl.path(templates.REPORT_DOCX), tpl.path(templates.TABLES_YAML)
    check_templates(tpl)
    if options.confidential_dir is not None and options.confidential_dir.resolve().is_relative_to(out.resolve()):
        raise UsageError(M.label("confidential_inside_build", build=out, path=options.confidential_dir))
    for folder in (out, options.confidential_dir):
        if folder is not None:
            output.refuse_symlink(folder, within=True)
    base = base_key(tpl, options.inputs)
    if dates.epoch():  # the date every PDF and zip entry carries: a new SOURCE_DATE_EPOCH re-dates them
        base = _digest([base.encode(), dates.epoch().encode()])
    if options.redact_key:
        base = _digest([base.encode(), options.redact_key.encode()])
    store = options.store or Store(out.parent)
    public = _Place(out, Manifest(out, store.record(out, "attachments")))
    secret = None
    if options.confidential_dir is not None:
        secret = _Place(options.confidential_dir, Manifest(options.confidential_dir, store.record(options.confidential_dir, "attachments")))
    confidential: dict[GroupKey, int] = {}
    withheld: set[GroupKey] = set()  # departments whose 部门整体 is published like a 涉密 project (its totals reveal one)
    tasks: list[Task] = []
    folders = [os.path.abspath(out), os.path.abspath(options.confidential_dir) if options.confidential_dir else ""]
    plans = _Plans(store, options.plan_keys, digest(code_digest(), PLANS_FORMAT, base, *folders))

    def plan_one(ev: Evaluation) -> None:
        sub = ev.submission
        hidden = sub.confidential or str(sub.path) in options.withheld
        place = public
        if hidden:
            group = _department_of(sub, options.department_names)
            if sub.confidential:
                confidential[group] = confidential.get(group, 0) + 1
            else:
                withheld.add(group)
            if secret is None:
                report.confidential_skipped += sub.confidential
                return
            report.confidential_written += sub.confidential
            place = secret
        kept = plans.get(place, sub)
        if kept is not None:
            key, targets = kept
            extra = functools.partial(_extra, sub, options, not hidden, None)
        else:
            made = dict(options.extra_sections(sub)) if options.extra_sections else {}
            key, targets = submission_key(base, sub, made, options.digests.get(str(sub.path))), None
            extra = functools.partial(_extra, sub, options, not hidden, made)
        if not hidden and options.redact is not None and options.read is None:  # else in the worker, once read (Options.read)
            ev = redact_fields(ev, options.redact)
        report.unchanged += _plan(place, ev, key, options.force, tasks, extra, not hidden and options.read is not None, targets)
        if kept is None:
            plans.put(sub, key, place.planned[-1].targets)

    ordered = sorted(
        evaluations, key=lambda e: (e.submission.period.key, e.submission.department_code, e.submission.kind != "department", e.path)
    )
    for group, members_ in itertools.groupby(ordered, key=lambda e: (e.submission.period.key, e.submission.department_code)):
        members = list(members_)
        own = [ev for ev in members if ev.submission.kind != "project"]
        projects = [ev.submission for ev in members if ev.submission.kind == "project"]
        for ev in own:
            plan_one(ev)
        name = _plain_department([ev.submission for ev in members], options, public)
        kept = plans.keep(public, group, projects, public.planned[len(public.planned) - len(own) :], name) if name and projects else None
        if kept is not None:
            report.unchanged += kept
            continue
        for ev in members[len(own) :]:
            plan_one(ev)
    places = [public] + ([secret] if secret else [])
    for place in places:
        report.problems.extend(place.manifest.ignored)
        sweep_temporaries(place.folder)
    jobs = options.jobs or os.cpu_count() or 1
    if options.read is not None and "fork" not in multiprocessing.get_all_start_methods():
        jobs = 1  # the workers could not inherit the reader: here, one by one
    _OPTIONS[:] = [options]
    try:
        timings = run(tasks, reference, tables, jobs, options.progress)
    finally:
        _OPTIONS.clear()
    for timing in timings:
        for kind, ms in timing.items():
            report.milliseconds[kind] += ms
    report.written = [t for task in tasks for t in task.targets.values()]
    if options.pdf:
        _pdfs(places, set(report.written), options, tpl, report)
    else:
        _keep_pdfs(places)
    groups = _groups(public, confidential, withheld, options.department_names, options.returned)
    _bundles(public, groups, options, report, plans)
    _dossiers(public, groups, options, tpl, report)
    report.planned = sum(len(p.targets) for place in places for p in place.planned) + public.kept_outputs
    if not public.manifest.old:  # build/'s first build, or the first since `docgen clean`: api._leftovers
        report.outputs = frozenset(public.manifest.new)
    for place in places:
        removed = output.remove_stale(place.manifest.stale(), place.folder)
        report.removed += removed
        if not options.pdf:
            report.pdfs_removed += [p for p in removed if p.suffix == ".pdf"]
        place.manifest.save()
    plans.save()
    return report

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
import stat
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, children, output
from .. import messages as M
from ..cache import Shelf, Store, code_digest, digest, plain_name, signature, utf8
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


MANIFEST_FORMAT = "docgen-manifest-2"
_NO_FILE = (-1, -1, -1)  # the signature kept for an output with no file: none has it (sizes and inodes are never negative)
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _shard_file(folder: str) -> str:
    """A shard's file name: one per folder of outputs, named by it (a planted file naming another folder is not read)."""
    return f"{digest(folder)[:16]}.json"


def _joined(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _plain_names(names: list[str]) -> bool:
    """Every name a plain one (cache.plain_name), none twice: a few passes in C over a department's 2,000 names."""
    unique = set(names)
    joined = "/".join(names)
    return (
        len(unique) == len(names)
        and joined.count("/") == len(names) - 1
        and "\\" not in joined
        and "\0" not in joined
        and not unique & {"", ".", ".."}
    )


def _seal(names_line: str, keys_line: str) -> str:
    """A shard's names and keys as one digest (`_Shard.seal`)."""
    return hashlib.sha256(utf8(f"{names_line}\n{keys_line}")).hexdigest()


class _Shard:
    """One folder's entries of a Manifest as read from the cache: a header line, then one JSON line each for the
    names (sorted), their keys and their signatures (three ints a file). The keys and signatures are decoded only
    when an entry is looked up or the folder is kept whole (`Manifest.keep_whole`); then only the signatures."""

    def __init__(self, folder: str, names: list[str], lines: list[str]) -> None:
        self.folder, self.lines = folder, lines  # lines: names, keys, signatures, as read
        self.whole = _plain_names(names)  # every name plain and none twice: the shard may be kept as it is
        self.read_names = names  # in the order of the keys and signatures
        self.names = names if self.whole else [n for n in names if plain_name(n)]

    @classmethod
    def read(cls, raw: bytes, owner: str) -> _Shard | None:
        """The shard in `raw` when it is one of ours for the output folder `owner` (its absolute path), else None."""
        try:
            head, names_line, keys_line, files_line, rest = raw.decode("utf-8", "surrogatepass").split("\n")
            header, names = json.loads(head), json.loads(names_line)
        except (UnicodeDecodeError, ValueError):
            return None
        if rest or not isinstance(header, dict) or header.get("format") != MANIFEST_FORMAT or header.get("owner") != owner:
            return None
        folder = header.get("folder")
        if not isinstance(folder, str) or not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return None
        return cls(folder, names, [names_line, keys_line, files_line])

    @functools.cached_property
    def seal(self) -> str:
        """What the shard says its files were rendered with, its names and keys, as one digest: a department's plan
        keeps the seal of its folder (`_Plans`), so a folder kept whole is the one that plan's build left."""
        return _seal(self.lines[0], self.lines[1])

    @functools.cached_property
    def entries(self) -> tuple[list[Any], list[Any]]:
        """The keys and the signatures (flat, in the names' order), decoded; none when not of the names' shape."""
        with contextlib.suppress(ValueError):
            keys, files = json.loads(self.lines[1]), json.loads(self.lines[2])
            if isinstance(keys, list) and isinstance(files, list) and len(keys) == len(self.read_names) and len(files) == 3 * len(keys):
                return keys, files
        return [], []

    @functools.cached_property
    def index(self) -> dict[str, int]:
        """Each plain name's place in the keys and signatures."""
        return {name: i for i, name in enumerate(self.read_names) if self.whole or plain_name(name)}

    def entry(self, name: str) -> tuple[Any, list[Any]] | None:
        """A file's key and signature as kept, or None."""
        i = self.index.get(name)
        keys, files = self.entries
        return (keys[i], files[3 * i : 3 * i + 3]) if i is not None and i < len(keys) else None


class Manifest:
    """Output path (relative to its folder) -> the key it was rendered with, and the file's signature as written.

    Kept in the project's cache (`path`, from Store.record_shards), never in the output folder, as one shard per
    folder of outputs (a department's attachments, a period's bundles): a build after one edit decodes the shards it
    looks entries up in and writes back only those whose entries changed, and a department kept whole
    (`keep_whole`) costs one stat a file. It is still data, never trusted: a shard whose folder is not a plain
    relative path strictly inside the output folder (absolute, `..`, through a symlink), or an entry that is not a
    plain name, is dropped with a warning in `ignored`, so it can neither be deleted as stale nor count as fresh.
    """

    def __init__(self, folder: Path, path: Path) -> None:
        self.folder, self.path = folder, path
        self.prefix = str(folder) + os.sep
        self.ignored: list[str] = []
        self.shards: dict[str, _Shard] = {}  # folder ("2025-06/101-教育局", relative) -> its shard as read
        self.dropped: list[Path] = []  # shard files not taken (not ours, or naming a folder outside): removed on `save`
        self.new: dict[str, str] = {}
        self.seen: dict[str, list[int]] = {}  # rel -> its signature when `fresh` found it unchanged
        self.touched: set[str] = set()  # folders an entry was recorded in this run
        self.kept: set[str] = set()  # folders kept whole (`keep_whole`): their shard stays as it is
        self.seals: dict[str, str] = {}  # folder -> its shard's seal as saved
        owner = os.path.abspath(folder)
        bad: list[str] = []
        for file in self._files():
            with contextlib.suppress(OSError):
                shard = _Shard.read(file.read_bytes(), owner)
                if shard is None:
                    self.dropped.append(file)
                elif file.name != _shard_file(shard.folder) or not self._safe_folder(shard.folder):
                    self.dropped.append(file)
                    bad += [_joined(shard.folder, name) for name in shard.read_names]
                else:
                    bad += [] if shard.whole else [_joined(shard.folder, n) for n in shard.read_names if not plain_name(n)]
                    self.shards[shard.folder] = shard
        for rel in bad[:MANIFEST_WARNINGS]:  # shown escaped: a planted entry must not inject lines into a CI log
            shown = json.dumps(rel, ensure_ascii=False)[1:-1]
            self.ignored.append(M.label("manifest_outside", manifest=self.path, entry=shown, folder=folder))
        if len(bad) > MANIFEST_WARNINGS:
            self.ignored.append(M.label("manifest_outside_more", count=len(bad) - MANIFEST_WARNINGS))

    def _files(self) -> list[Path]:
        """The shard files (not a temporary a write left), never through a link."""
        if self.path.is_symlink() or not self.path.is_dir():
            return []
        found = (p for p in self.path.iterdir() if p.suffix == ".json" and not p.name.startswith("."))
        return sorted(p for p in found if not p.is_symlink() and p.is_file())

    def _safe_folder(self, folder: str) -> bool:
        """A relative path of plain names (or the output folder itself), inside it once symlinks are resolved."""
        if not folder:
            return True
        return all(plain_name(part) for part in folder.split("/")) and output.inside(self.folder / folder, self.folder)

    @property
    def empty(self) -> bool:
        """No shard read: build/'s first build, or the first since `docgen clean` (api._leftovers)."""
        return not self.shards

    def has_pdfs(self) -> bool:
        """Whether the last build here left any PDF (a --pdf build), read off the names as kept."""
        return any('.pdf"' in shard.lines[0] for shard in self.shards.values())

    def rel(self, path: Path) -> str:
        text = str(path)  # string slicing: this runs for every output of a 1,000-project tree on every build
        return text[len(self.prefix) :].replace(os.sep, "/") if text.startswith(self.prefix) else path.relative_to(self.folder).as_posix()

    def fresh(self, path: Path, key: str) -> bool:
        """Rendered with `key` and still the very file docgen wrote (a file replaced, or a symlink planted in its
        place, is not fresh)."""
        folder, _, name = self.rel(path).rpartition("/")
        shard = self.shards.get(folder)
        kept = shard.entry(name) if shard is not None else None
        if kept is None or kept[0] != key:
            return False
        found = signature(path)
        if found is not None and found == kept[1]:
            self.seen[_joined(folder, name)] = found
            return True
        return False

    def as_written(self, path: Path) -> bool:
        """Whether `path` is still the very file the last build here recorded (with whatever key): one stat."""
        folder, _, name = self.rel(path).rpartition("/")
        shard = self.shards.get(folder)
        kept = shard.entry(name) if shard is not None else None
        return kept is not None and signature(path) == kept[1]

    def unchanged(self, path: Path) -> int | None:
        """The size of `path` when this run found it the very file the last build recorded with the key it has now
        (`fresh`); else None."""
        found = self.seen.get(self.rel(path))
        return found[0] if found else None

    def keep_whole(self, folder: str, seal: str, count: int) -> bool:
        """Keep the shard of `folder` as it is when it holds `count` files, rendered as `seal` says (the department's
        plan keeps it: `_Plans`), and each is still the very file docgen wrote: one stat a file, compared with the
        signatures kept (a file replaced or gone, or a symlink in its place, fails it). Nothing of it is recorded."""
        shard = self.shards.get(folder)
        if shard is None or not shard.whole or folder in self.touched or len(shard.names) != count or shard.seal != seal:
            return False
        base, lstat, regular = self.prefix + (folder + os.sep if folder else ""), os.lstat, stat.S_ISREG
        now: list[int] = []
        try:
            for name in shard.names:
                info = lstat(base + name)
                if not regular(info.st_mode):
                    return False
                now += (info.st_size, info.st_mtime_ns, info.st_ino)
        except OSError:
            return False
        if now != shard.entries[1]:
            return False
        self.kept.add(folder)
        return True

    def record(self, path: Path, key: str) -> None:
        rel = self.rel(path)
        self.new[rel] = key
        folder = rel.rpartition("/")[0]
        self.touched.add(folder)
        if folder in self.kept:  # an entry more in a folder kept whole: its entries are recorded beside it, as checked
            self.kept.discard(folder)
            shard = self.shards[folder]
            keys, files = shard.entries
            for i, name in enumerate(shard.names):
                self.new.setdefault(_joined(folder, name), keys[i])
                self.seen.setdefault(_joined(folder, name), files[3 * i : 3 * i + 3])

    def stale(self) -> list[Path]:
        """The files a shard lists that this run neither recorded nor kept whole."""
        listed = {_joined(folder, name) for folder, shard in self.shards.items() if folder not in self.kept for name in shard.names}
        return [self.folder / rel for rel in sorted(listed - set(self.new))]

    def save(self) -> None:
        """Keep the keys and the signatures of the files as they are now, shard by shard: one kept whole, or with the
        same lines, is not written again; an unwritable cache only costs a full render next time."""
        by_folder: dict[str, list[str]] = {}
        for rel in sorted(self.new):
            by_folder.setdefault(rel.rpartition("/")[0], []).append(rel)
        head = {"format": MANIFEST_FORMAT, "docgen": __version__, "owner": os.path.abspath(self.folder)}
        for file in self.dropped:
            with contextlib.suppress(OSError):
                file.unlink(missing_ok=True)
        for folder in sorted(set(by_folder) | set(self.shards)):
            read = self.shards.get(folder)
            if folder in self.kept and read is not None:
                self.seals[folder] = read.seal
                continue
            file, rels = self.path / _shard_file(folder), by_folder.get(folder, [])
            if not rels:
                with contextlib.suppress(OSError):
                    file.unlink(missing_ok=True)
                continue
            # a file found fresh keeps the signature it was found with (not stat'ed again); were it replaced since,
            # the next build finds another signature and renders it again
            files = [n for rel in rels for n in (self.seen.get(rel) or signature(self.prefix + rel) or _NO_FILE)]
            names = [rel[len(folder) + 1 :] if folder else rel for rel in rels]
            lines = [_JSON(names), _JSON([self.new[rel] for rel in rels]), _JSON(files)]
            self.seals[folder] = _seal(lines[0], lines[1])
            if read is None or read.lines != lines:
                with contextlib.suppress(OSError):
                    output.write_bytes(file, utf8("\n".join([_JSON({**head, "folder": folder}), *lines, ""])))


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
    """Refuse a linked folder anywhere in `folder` (output.refuse_symlink: no write passes through one), and remove
    what a killed build left, found on the same walk: output.py's hidden temporaries and pdf.py's work folders."""
    found: list[Path] = []
    output.refuse_symlink(folder, within=True, hidden=lambda top, name: found.append(Path(top, name)))
    for path in found:  # a temporary inside a work folder removed before it is gone with it
        temporary = path.is_file() and path.name.endswith(".tmp") and output.orphaned(path)
        if not path.is_symlink() and (temporary or (path.is_dir() and path.name.startswith(paths.PDF_TEMP_PREFIX))):
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
    _claim(place, _Planned(sub, key, targets))
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


def _claim(place: _Place, item: _Planned) -> None:
    """Plan `item` into `place`, its outputs its own: a second submission naming one of them stops the build (`_plan`)."""
    for target in item.targets.values():
        other = place.claimed.setdefault(target, item.sub)
        if other is not item.sub:
            raise InvalidSubmissions(M.label("output_collision", first=other.path, second=item.sub.path, name=target.name))
    place.planned.append(item)


def _extra(sub: Submission, options: Options, public: bool, made: dict[str, str] | None) -> dict[str, str]:
    """A submission's extra sections (`made`, else made here) as its attachment prints them: redacted when public."""
    extra = made if made is not None else dict(options.extra_sections(sub)) if options.extra_sections else {}
    return {k: options.redact(v) for k, v in extra.items()} if public and options.redact is not None else extra


PLANS = "render-plans"  # the user cache's shelf of each department's plan
MANIFEST = "attachments"  # the manifest of an output folder (Store.record_shards)
PLANS_FORMAT = "plan-3"
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
        return self.manifest.has_pdfs()


class _Plans:
    """Each department's plan of its projects (their keys and attachment names), kept in the user's cache under what it
    is made of (Options.plan_keys, with the build's base, its folders and docgen's code): after one edit, one
    department's projects are keyed and named again, not 10,000 (issue 18: ~0.2 s of CPU at 10,000 projects). Beside
    it, on a line of its own, the key of the department's bundle, what besides the plan that key was made of (its
    name, its 部门整体's keys and files) and the seal of its folder's manifest shard as that build left it: a
    department whose plan, 部门整体 and name are unchanged, whose folder's shard is that one and whose every output and
    bundle is still the file docgen wrote is kept whole (`keep`): one stat a file, its plan's rows never decoded, its
    shard never written again. A plan read back is data, never trusted: a row not of its shape, or naming a file
    outside its department's folder, is a miss."""

    def __init__(self, store: Store, keys: Mapping[tuple[str, str], str], salt: str) -> None:
        self.keys = {group: digest(salt, key) for group, key in keys.items()}
        names = [self._name(group, line) for group in self.keys for line in ("plan", "bundle")]
        self.shelf: Shelf | None = store.shelf(PLANS, names) if self.keys else None
        self.kept: dict[tuple[str, str], dict[str, Any]] = {}
        self.rows: dict[tuple[str, str], dict[str, list[Any]]] = {}
        self.bundles: dict[tuple[str, str], list[Any]] = {}  # the bundles weighed this run: key, name, 部门整体, folder
        self.dirty: set[tuple[str, str]] = set()

    @staticmethod
    def _name(group: tuple[str, str], line: str) -> str:
        return f"{group[0]}/{group[1]}/{line}"  # one shard per department (cache.Shelf: by folder), two lines

    def _kept(self, group: tuple[str, str]) -> dict[str, Any]:
        """The department's plan as kept, `{path: [key, names…]}`, or no rows (then every project is a miss)."""
        kept = self.kept.get(group)
        if kept is None:
            value = self.shelf.get(self._name(group, "plan"), self.keys[group]) if self.shelf is not None else None
            kept = self.kept[group] = value if isinstance(value, dict) else {}
        return kept

    def _memo(self, group: tuple[str, str]) -> list[Any] | None:
        """The department's bundle as kept beside its plan, `[key, name, [[path, key, files…], …], seal]`, or None."""
        memo = self.shelf.get(self._name(group, "bundle"), self.keys[group]) if self.shelf is not None else None
        return memo if _bundle_memo(memo) else None

    def get(self, place: _Place, sub: Submission) -> tuple[str, dict[str, Path]] | None:
        """A project's key and attachments as its department's kept plan has them, or None."""
        group = (sub.period.key, sub.department_code)
        if self.shelf is None or group not in self.keys or sub.kind != "project":
            return None
        row: Any = self._kept(group).get(str(sub.path))
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
        """Keep a department whole when its bundle is kept with its name, the same 部门整体 (`own`, keyed just
        before: keys and files) and the seal of its folder's shard, that folder (one for all its files:
        `_plain_department`) holds its projects' and 部门整体's outputs and nothing else, each still the file docgen
        wrote (Manifest.keep_whole), and its bundle is the file written with that key. Nothing is recorded until all
        holds. Returns how many outputs were kept, 部门整体's too; None: each is planned as usual."""
        if self.shelf is None or group not in self.keys:
            return None
        memo, manifest = self._memo(group), place.manifest
        if memo is None or memo[1] != name or memo[2] != _own_memo(own, manifest):
            return None
        first = projects[0]
        folder = manifest.rel(paths.department_dir(place.folder, first.period, first.department_code, first.department))
        target = paths.bundle(place.folder, first.period, first.department_code, name)
        count = len(KINDS) * len(projects) + sum(len(item.targets) for item in own)
        if not manifest.fresh(target, memo[0]) or not manifest.keep_whole(folder, memo[3], count):
            return None
        manifest.record(target, memo[0])
        place.kept.add((first.period.key, first.department_code, name))
        place.kept_outputs += len(KINDS) * len(projects)
        return count

    def bundle(self, group: tuple[str, str], key: str, name: str, own: list[_Planned], manifest: Manifest, folder: Path) -> None:
        """Keep the key of a department's bundle, weighed here, with what besides its plan it was made of (`keep`);
        the seal of its folder's shard (`folder`) is added once the manifest is saved (`save`)."""
        if self.shelf is not None and group in self.keys and group in self.rows:
            self.bundles[group] = [key, name, _own_memo(own, manifest), manifest.rel(folder)]

    def save(self, manifest: Manifest) -> None:
        """Write the plans made again and the bundles weighed, each with the seal of its folder as `manifest` saved it."""
        if self.shelf is None:
            return
        for group in self.dirty:
            self.shelf.put(self._name(group, "plan"), self.keys[group], self.rows.get(group, {}))
        for group, (key, name, own, folder) in self.bundles.items():
            memo = [key, name, own, manifest.seals.get(folder)]
            if memo[3] is not None and memo != self._memo(group):
                self.shelf.put(self._name(group, "bundle"), self.keys[group], memo)
        self.shelf.save()


def _plan_row(row: Any) -> bool:
    """A kept plan's row: a key and one plain file name per kind (never a path out of its department's folder)."""
    return isinstance(row, list) and len(row) == 1 + len(KINDS) and all(isinstance(x, str) for x in row) and all(map(plain_name, row[1:]))


def _bundle_memo(memo: Any) -> bool:
    return (
        isinstance(memo, list)
        and len(memo) == 4
        and isinstance(memo[0], str)
        and isinstance(memo[1], str)
        and isinstance(memo[2], list)
        and isinstance(memo[3], str)
    )


def _own_memo(own: list[_Planned], manifest: Manifest) -> list[list[str]]:
    """A department's own submissions (部门整体) as its bundle's key is made of them: path, key and files."""
    return sorted([str(item.sub.path), item.key, *(manifest.rel(t) for t in item.targets.values())] for item in own)


def _keep_pdfs(places: list[_Place]) -> None:
    """Without --pdf: PDFs of unchanged attachments stay (and stay in the bundle); the others go as stale."""
    for place in places:
        if not place.manifest.has_pdfs():
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
    made or left), one name typed in all its submissions (so one folder for their files), none of them 涉密, withheld
    or returned."""
    if options.force or options.pdf or public.pdfs:
        return None
    typed = {sub.department for sub in members}
    hidden = any(sub.confidential or str(sub.path) in options.withheld or str(sub.path) in options.returned for sub in members)
    return _department_of(members[0], options.department_names)[2] if len(typed) == 1 and not hidden else None


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
            report.bundles.append(bundle.write(place.folder, group, None if options.force else _bundled(place.manifest, target, group)))
        plain = not (group.confidential or group.department_withheld or group.returned or place.pdfs or options.pdf)
        if plans is not None and plain and items:
            own = [i for i in items if i.sub.kind != "project"]
            folder = paths.department_dir(place.folder, group.period, group.code, items[0].sub.department)
            plans.bundle((group.period.key, group.code), key, group.name, own, place.manifest, folder)


def _bundled(manifest: Manifest, target: Path, group: bundle.Group) -> dict[str, int]:
    """The attachments of `group` (name -> size) that are, byte for byte, in the bundle at `target` as the last build
    wrote it (bundle.write copies them from it): that bundle is still the very file recorded (`as_written`), and so
    is each of them, with the key it had then (`unchanged`). A bundle is written again whenever a member's key
    changes, and a key renders the same bytes; not a PDF, whose converter's bytes no key vouches for."""
    if not manifest.as_written(target):
        return {}
    found = {}
    for _, files in group.entries:
        for path in files:
            size = manifest.unchanged(path) if path.suffix in bundle.ALREADY_COMPRESSED else None
            if size is not None:
                found[path.name] = size
    return found


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
            sweep_temporaries(folder)
    base = base_key(tpl, options.inputs)
    if dates.epoch():  # the date every PDF and zip entry carries: a new SOURCE_DATE_EPOCH re-dates them
        base = _digest([base.encode(), dates.epoch().encode()])
    if options.redact_key:
        base = _digest([base.encode(), options.redact_key.encode()])
    store = options.store or Store(out.parent)
    public = _Place(out, Manifest(out, store.record_shards(out, MANIFEST)))
    secret = None
    if options.confidential_dir is not None:
        hidden_in = options.confidential_dir
        secret = _Place(hidden_in, Manifest(hidden_in, store.record_shards(hidden_in, MANIFEST)))
    confidential: dict[GroupKey, int] = {}
    withheld: set[GroupKey] = set()  # departments whose 部门整体 is published like a 涉密 project (its totals reveal one)
    tasks: list[Task] = []
    folders = [os.path.abspath(out), os.path.abspath(options.confidential_dir) if options.confidential_dir else ""]
    plans = _Plans(store, options.plan_keys, digest(code_digest(), PLANS_FORMAT, base, *folders))

    def keyed(sub: Submission, hidden: bool) -> tuple[str, Callable[[], dict[str, str]]]:
        """A submission's key, its extra sections drafted for it, and those sections as its attachment prints them."""
        made = dict(options.extra_sections(sub)) if options.extra_sections else {}
        extra: Callable[[], dict[str, str]] = functools.partial(_extra, sub, options, not hidden, made)
        return submission_key(base, sub, made, options.digests.get(str(sub.path))), extra

    def plan_one(ev: Evaluation, made: tuple[str, Callable[[], dict[str, str]]] | None = None) -> None:
        """Plan one submission; `made`: its key and extra sections (`keyed`) when made before (a 部门整体 weighed for
        `_Plans.keep`)."""
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
            extra: Callable[[], dict[str, str]] = functools.partial(_extra, sub, options, not hidden, None)
        else:
            (key, extra), targets = made or keyed(sub, hidden), None
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
        name = _plain_department([ev.submission for ev in members], options, public) if projects else None
        made: list[tuple[str, Callable[[], dict[str, str]]] | None] = [None] * len(own)
        if name is not None:  # its 部门整体 keyed first: kept whole, the department's files are neither recorded nor looked up
            keys = [keyed(ev.submission, False) for ev in own]
            weighed = [_Planned(ev.submission, key, paths.attachments(out, ev.submission)) for ev, (key, _) in zip(own, keys, strict=True)]
            kept = plans.keep(public, group, projects, weighed, name)
            if kept is not None:
                for item in weighed:
                    _claim(public, item)
                report.unchanged += kept
                continue
            made = list(keys)
        for ev, keyed_before in zip(own, made, strict=True):
            plan_one(ev, keyed_before)
        for ev in members[len(own) :]:
            plan_one(ev)
    places = [public] + ([secret] if secret else [])
    for place in places:
        report.problems.extend(place.manifest.ignored)
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
    if public.manifest.empty:  # build/'s first build, or the first since `docgen clean`: api._leftovers
        report.outputs = frozenset(public.manifest.new)
    for place in places:
        removed = output.remove_stale(place.manifest.stale(), place.folder)
        report.removed += removed
        if not options.pdf:
            report.pdfs_removed += [p for p in removed if p.suffix == ".pdf"]
        place.manifest.save()
    plans.save(public.manifest)
    return report

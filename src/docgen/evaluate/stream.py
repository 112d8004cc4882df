"""One pass per project file, in a worker: read, load, schema, file rules, model, evaluation, monitoring.

Before (issue 18), each file was parsed in a check worker, sent back packed, unpacked, turned into a model in the
parent, sent to a second pool for judging, and every Document, model and evaluation was held to the end: ~75 KiB a
project, 746 MiB at 10,000. Here a worker does all of it for one file and sends back only what the parent needs:
its findings, a `SubmissionRecord`, the few keys the rules across files read (`validate.slim`), what a later period
compares with (`Previous`) and what a 部门整体's W414 sums (`member_funds`). The parent never holds a Document of a
project.

What a project's judgement needs from other files is decided by the parent before the workers start (`Setting`):
the periods' rosters (W413, and 涉密 as the roster says), the projects of earlier periods already processed (W417,
W418: periods are processed in order), the approved targets (W610-W613). Two things are known only once every file
has been seen: whether a project is valid (E309 and E311 come from the rules across files) and whether its code is
涉密 in another period (confidential.apply_roster). The first only sorts what was computed; for the second, a
project judged with another 涉密 flag than the one finally decided is judged again (`assumed`), so the findings are
exactly those of `api.check`'s models.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import time
import zlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import children
from ..cache import Shelf, Walk, digest, dumps, loads, settled_signature, utf8
from ..check import consistency, validate
from ..check.consistency import Probe
from ..check.findings import Finding, finding_rows, findings_from_rows
from ..check.load import Document, read_bounded
from ..check.ruleset import Ruleset
from ..form import limits
from ..form import numbers as N
from ..form.forms import Profile
from ..form.model import Amounts, LineItem, Project, Roster
from ..form.model import build as build_model
from . import monitor
from .evaluation import Evaluation, evaluate
from .record import SubmissionRecord, record_of
from .rules.roster import member_funds
from .run import Previous, RosterIndex, Run, roster_index

#: (a project, year, month) -> the same project's valid file of that earlier period on disk, or None
PreviousReader = Callable[[Project, int, int], Project | None]
#: (a project, its document) -> its W610-W613 against the approved targets
TargetCheck = Callable[[Project, Document], list[Finding]]


@dataclass
class Setting:
    """What every worker is given (inherited by fork, never pickled): decided by the parent before they start."""

    root: Path
    profile: Profile
    ruleset: Ruleset | None  # None: the rules file is broken, nothing is judged (as api.check)
    rosters: dict[str, Roster]  # period key -> its roster (the rosters monitoring reads)
    flagged: dict[tuple[str, str], Any]  # (period, code) a roster marks 涉密 (confidential.roster_flags)
    periods: set[str]  # periods with a roster (confidential.roster_listed)
    listed: set[tuple[str, str]]  # (period, code) a roster lists
    read_previous: PreviousReader
    targets: TargetCheck | None = None
    known: dict[tuple[str, int, int], Previous] = field(default_factory=dict)  # earlier periods, already processed
    later: bool = True  # a later period of the same year follows: each outcome keeps its `previous`
    figures: bool = False  # each record carries its summary.json entry (its figures: ~0.2 ms a file more)
    built: bool = False  # each record carries what `docgen build` reads instead of the model (`built_parts`)
    indexes: dict[str, RosterIndex] = field(default_factory=dict)
    since: int = field(default_factory=time.time_ns)  # when the run began: files changed since are never vouched for by their times
    walked: Walk | None = None  # the run's one stat pass over submissions/ (cache.Walk), taken before any file was read

    def __post_init__(self) -> None:
        self.indexes = {key: roster_index(r) for key, r in self.rosters.items()}
        self.codes = frozenset(code for _, code in self.flagged)  # 涉密 in some period by a roster: 涉密 in every one

    def settled(self, path: Path) -> str | None:
        """A file's settled signature: as the run's stat pass saw it (`walked`), else stat'ed now."""
        if self.walked is not None and self.walked.saw(str(path)):
            return self.walked.settled(str(path))
        return settled_signature(self.root / path, self.since)

    def secret_here(self, project: Project) -> bool:
        """confidential.apply_roster's `secret_here`: the file, the roster's flag, or a roster that does not list it."""
        key = (project.period.key, project.code)
        return project.confidential or key in self.flagged or (project.period.key in self.periods and key not in self.listed)


@dataclass
class Streamed:
    """What a worker sends back for one project file (pickled: small by design)."""

    path: str
    digest: str
    slim: Document | None  # the keys the rules across files read (validate.slim), or None when it did not load
    checked: list[Finding]  # reading, schema and the file's own rules
    judged: list[Finding] = field(default_factory=list)  # monitoring: W4xx, I40x
    targets: list[Finding] = field(default_factory=list)  # W610-W613: kept only when the file is valid
    record: SubmissionRecord | None = None  # None when it has no model (an error that breaks its shape)
    period: tuple[int, int] | None = None  # the model's (year, month)
    code: str = ""
    previous: Previous | None = None  # what a later period's W417/W418 compare with
    funds: tuple[Amounts, bool] | None = None  # what its 部门整体's W414 sums
    here: bool = False  # 涉密 by its own file or its period's roster
    assumed: bool = False  # the 涉密 flag it was judged with
    signature: str | None = None  # the file's settled signature when its bytes were read (cache.settled_signature)
    evidence: list[Probe] = field(default_factory=list)  # the 佐证材料 paths its W306/W309 were decided from

    @property
    def modelled(self) -> bool:
        return self.record is not None


def _amounts_row(a: Amounts) -> list[Any]:
    items = [[i.name, i.amount, i.use] for i in a.items]
    return [
        a.carried_over,
        a.budget,
        a.allocated,
        a.spent,
        a.expected,
        sorted(a.unreported),
        a.adjusted_budget,
        a.pending,
        items,
        sorted(a.absent),
    ]


def _amounts(row: Any) -> Amounts:
    carried, budget, allocated, spent, expected, unreported, adjusted, pending, items, absent = row
    money = (carried, budget, allocated, spent, expected, pending)
    if not all(isinstance(x, Decimal) for x in money) or not (adjusted is None or isinstance(adjusted, Decimal)):
        raise TypeError(row)
    lines = tuple(LineItem(str(n), m if isinstance(m, Decimal) else None, str(u)) for n, m, u in items)
    return Amounts(
        carried, budget, allocated, spent, expected, frozenset(map(str, unreported)), adjusted, pending, lines, frozenset(map(str, absent))
    )


def encode(out: Streamed) -> tuple[str, bytes] | None:
    """An outcome as the cache keeps it (cache.dumps: JSON, never a pickle), or None when it is not plain data: the
    outcome, and its record's long texts apart (record.TEXTS, a shelf line's tail: Shelf.take_apart), which a
    rebuild parses only for the submissions it writes; the outcome holds their checksum."""
    previous = None
    if out.previous is not None:
        previous = [out.previous.label, out.previous.path, [[t, r, _amounts_row(a)] for (t, r), a in out.previous.rows.items()]]
    try:
        row, text = out.record.split_row() if out.record is not None else (None, None)
        texts = utf8(text) if text is not None else b""  # as the shelf keeps it, and its checksum taken of the same bytes
        return dumps(
            [
                out.digest,
                out.slim.pack() if out.slim is not None else None,
                finding_rows(out.checked, out.path),
                finding_rows(out.judged, out.path),
                finding_rows(out.targets, out.path),
                row,
                list(out.period) if out.period is not None else None,
                out.code,
                previous,
                [_amounts_row(out.funds[0]), out.funds[1]] if out.funds is not None else None,
                out.here,
                out.assumed,
                [list(p) for p in out.evidence],
                zlib.crc32(texts) if text is not None else None,
            ]
        ), texts
    except (TypeError, ValueError, RecursionError):
        return None


def decode(path: str, row: Any, root: Path, seen: dict[str, str] | None = None, texts: bytes = b"") -> Streamed | None:
    """The outcome `encode` wrote, with its record's `texts` as kept apart; None (a miss) for anything else: a cache
    file is data, never trusted (texts that are not the ones the outcome's checksum names too). Also None when a
    佐证材料 path it was decided from is no longer as it was (consistency.evidence_holds; `seen`: the steps already
    looked at in this pass)."""
    try:
        digest, packed, checked, judged, targets, record_row, period, code, previous, funds, here, assumed, evidence, crc = row
        if (crc is None and texts) or (crc is not None and (record_row is None or zlib.crc32(texts) != crc)):
            return None
        if not consistency.evidence_holds(root, evidence, seen):
            return None
        if packed is not None and packed["path"] != path:
            return None
        slim = Document.unpack(packed) if packed is not None else None
        if slim is not None:
            slim.root = root
        record = SubmissionRecord.from_row(record_row, texts) if record_row is not None else None
        if (record_row is not None and record is None) or not isinstance(digest, str) or not isinstance(code, str):
            return None
        checked_, judged_, targets_ = (findings_from_rows(rows, path) for rows in (checked, judged, targets))
        out = Streamed(path, digest, slim, checked_, judged_, targets_, record)
        if period is not None:
            year, month = period
            out.period = (int(year), int(month))
        out.code, out.here, out.assumed = code, here is True, assumed is True
        out.evidence = [(target, state) for target, state in evidence]
        if previous is not None:
            label, where, rows = previous
            out.previous = Previous(str(label), str(where), {(str(t), str(r)): _amounts(a) for t, r, a in rows})
        if funds is not None:
            out.funds = (_amounts(funds[0]), funds[1] is True)
        return out
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


_SETTING: list[Setting] = []  # set just before the workers are forked


def _earlier(project: Project, setting: Setting) -> Previous | None:
    """api._previous_projects for one project: the latest earlier period of its year, processed or on disk."""
    code, year = project.code, project.period.year
    if not limits.CODE_CHARS.fullmatch(code):
        return None
    for month in range(project.period.month - 1, 0, -1):
        found = setting.known.get((code, year, month))
        if found is None:
            read = setting.read_previous(project, year, month)
            found = Previous.of(read) if read is not None else None
        if found is not None:
            return found
    return None


def process(path: Path, setting: Setting, secret: bool | None = None) -> Streamed:
    """One project file from its bytes to its findings and record; `secret` forces the 涉密 flag it is judged with."""
    raw, problems, signature = _read(path, setting)
    digest = hashlib.sha256(raw).hexdigest() if raw is not None else ""
    (kind, doc, findings), evidence = validate.check_probed((path, raw, problems), setting.root, setting.profile)
    if doc is None:
        return Streamed(str(path), digest, None, findings, signature=signature)
    out = Streamed(str(path), digest, validate.slim(doc), findings, signature=signature, evidence=evidence)
    if kind != "project" or any(f.is_error and not validate.MODEL_SAFE.match(f.code) for f in findings):
        return out  # not in the schema's shape: no model, nothing judged (as api.check)
    model = build_model("project", doc.path, doc.data, setting.profile.form("project"))
    if not isinstance(model, Project):  # pragma: no cover - a project file always builds a Project
        return out
    out.here = setting.secret_here(model)
    out.assumed = (out.here or model.code in setting.codes) if secret is None else secret
    if out.assumed and not model.confidential:
        model = replace(model, confidential=True)
    out.period, out.code = (model.period.year, model.period.month), model.code
    out.previous, out.funds = Previous.of(model) if setting.later else None, member_funds(model)
    if setting.targets is not None:
        out.targets = setting.targets(model, doc)
    ev = evaluate(model)
    if setting.ruleset is not None:
        key = model.period.key
        run = Run(model, setting.ruleset, [], setting.rosters.get(key), setting.indexes.get(key, {}), previous=_earlier(model, setting))
        ev = monitor._judge(run, ev, lambda _p, at, is_key: doc.position(at, key=is_key))
        out.judged = ev.findings
    out.record = record_of(ev, Path(path).as_posix(), digest=digest, summary=setting.figures)
    if setting.built and setting.ruleset is not None:  # its summary.json entry as text: a tenth of the memory of the dict
        entry = out.record.summary
        rest = json.dumps({k: v for k, v in entry.items() if k != "kind"}, ensure_ascii=False, separators=(",", ":"))
        parts = built_parts(ev, setting.ruleset)
        parts["entry"] = [entry.get("kind", ""), rest[1:-1]]
        out.record = replace(out.record, summary={}, built=parts)
    return out


def headline_of(record: SubmissionRecord) -> Amounts:
    """The 资金总额 amounts `built_parts` kept (TypeError or ValueError when the record has none)."""
    text = record.built["headline"]
    if not isinstance(text, str):
        raise TypeError(text)
    return _amounts(loads(text))


def built_parts(ev: Evaluation, ruleset: Ruleset) -> dict[str, Any]:
    """What `docgen build` needs of a judged project besides its record, so that it never holds the model (with its
    summary.json entry as text, `entry`: its kind and the rest of its members, the path to go between): the 附件1
    sections drafted from its warnings (the render key and the .docx), and for its 汇总表 row the 资金总额 amounts,
    the number of indicators, the likelihoods by role and its own 审核意见 (whether it stands returned). ~1 ms a file,
    kept with the outcome in the cache, so an unchanged file costs nothing here on the next build."""
    from . import conclusions  # the drafts load only for build, not for validate

    sub = ev.submission
    return {
        "drafted": conclusions.draft(ev, ruleset),
        # as its JSON text, read where it is used (a 汇总表 row, a site page): a tenth of the memory of its Decimals
        "headline": dumps(_amounts_row(ev.headline.amounts)),
        "indicators": len(sub.indicators),
        "likely": ev.likely_by_role(),
        "reviews": [[r.unit, r.date, r.conclusion, r.opinion, r.reviewer] for r in sub.reviews],
        # what it prints (figures.Figures.printed), as summary.json writes money: confidential.secrets' `amounts`
        "printed": " ".join(sorted({N.plain_money(abs(v)) for _, rows, _ in ev.table_rows() for f in rows.values() for v in f.printed()})),
    }


def _read(path: Path, setting: Setting) -> tuple[bytes | None, list[Finding], str | None]:
    """The file's bytes (read_bounded), with its settled signature when it is the same before and after the read:
    only then may a later run take the bytes' digest from the signature."""
    before = settled_signature(setting.root / path, setting.since)
    raw, problems = read_bounded(path, setting.root)
    after = settled_signature(setting.root / path, setting.since) if before is not None else None
    return raw, problems, before if before == after else None


def _chunk(paths: list[Path], encoded: bool = False) -> list[tuple[Streamed, tuple[bytes, bytes] | None]]:
    """In a worker: each file's outcome, and with `encoded` its cache entry and the entry's tail (JSON as UTF-8,
    written here, spread over the workers: encoding costs ~0.3 ms a file)."""
    out: list[tuple[Streamed, tuple[bytes, bytes] | None]] = []
    for path in paths:
        done = process(path, _SETTING[0])
        entry = encode(done) if encoded else None
        if entry is None:
            out.append((done, None))
            continue
        text, texts = entry
        out.append((done, (utf8(text), texts)))
    return out


#: From this many files on, the files are spread over worker processes (as check/validate.PARALLEL_FROM).
PARALLEL_FROM = 300


def stream(paths: list[Path], setting: Setting, shelf: Shelf | None = None, key: str = "") -> list[Streamed]:
    """Each of `paths` (project files, root-relative) processed, in order: here for a few, else in forked workers,
    each a slice of the files, sending back only `Streamed` outcomes.

    With `shelf`, an outcome is kept between runs under the digest of its file's bytes and `key` (what else it was
    judged from: the profile, the rules, the rosters, the approved targets, the earlier periods' files); a file
    whose entry is there is not read again beyond its digest, as long as the 佐证材料 paths its warnings were decided
    from are as they were (a stat a step of each: consistency.evidence_holds).

    The outcome also keeps its file's settled signature (size, times, inode: cache.settled_signature) when its bytes
    were read: a file that has that very signature still is not read at all, the digest its outcome records is its
    digest. A warm check of 10,000 files reads none of them (one shelf, not a second one of signatures: ~0.04 s). A
    file with no entry is not read here either; one read here for its digest only (touched, not changed) has its
    entry kept with its new signature."""
    known: dict[str, Streamed] = {}
    steps: dict[str, str] = {}  # the steps to the 佐证材料 looked at in this pass (consistency.evidence_state)
    if shelf is not None:
        for path in paths:
            name = str(path)
            line = shelf.take_line(name)  # read once: its line is let go (Shelf.take)
            # parsed before its key is known: the digest of the bytes it was judged from is in it
            stored_key, stored, texts, mark = shelf.parse(name, line)
            if line is None or stored_key is None:
                continue  # nothing kept for it (under any key): it is read once, by its worker
            signature = setting.settled(path)
            # the digest it records is its file's when it was kept with the signature the file has now (its mark)
            vouched = signature is not None and mark == signature and isinstance(stored, list) and stored and isinstance(stored[0], str)
            if vouched:
                content = stored[0]
            else:
                raw, _, signature = _read(path, setting)
                if raw is None:
                    continue
                content = hashlib.sha256(raw).hexdigest()
            if stored_key != _key(content, key):
                continue
            found = decode(name, stored, setting.root, steps, texts)
            if found is None or found.digest != content:
                continue
            known[name] = found
            if not vouched and signature is not None:  # its bytes as they were: kept with the signature they have now
                shelf.put_line(name, Shelf.marked(line, signature))
    todo = [path for path in paths if str(path) not in known]

    left = Counter(os.path.dirname(str(path)) for path in todo)  # per folder, its files still to come back

    def take(made: list[tuple[Streamed, tuple[bytes, bytes] | None]]) -> None:
        """A slice's outcomes kept as they come: a cold check of 10,000 files never holds all their cache entries
        twice (the text sent back and the shelf's line: +84 MiB at the end of the check, the build's peak), nor
        the entries of a folder whose files all came back (its shard is written then: Shelf.release)."""
        for done, encoded in made:
            known[done.path] = done
            if shelf is not None and encoded is not None and done.digest:
                shelf.put_encoded(done.path, _key(done.digest, key), *encoded, mark=done.signature or "")
            folder = os.path.dirname(done.path)
            left[folder] -= 1
            if shelf is not None and not left[folder]:
                shelf.release(done.path)

    workers = min(os.cpu_count() or 1, 8)
    _SETTING[:] = [setting]
    # what this process holds (a build's parent: 10,000 outcomes from the cache) is frozen: never walked by the
    # collections of the files checked here (two full walks, ~0.6 s, for one edited file), nor copied by the workers'
    gc.freeze()
    try:
        if len(todo) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            with children.collection(True):  # here, a file's Document, model and evaluation hold cycles
                take(_chunk(todo, shelf is not None))
        else:
            # small slices: the workers finish together, not a slice apart (at 10,000 files, slices of 313 left one
            # worker idle for up to ~0.6 s at the end; a slice more costs one round trip, ~1 ms)
            size = max(-(-len(todo) // (workers * 64)), 25)
            chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context, initializer=children.collecting_worker, initargs=(os.getpid(),)) as pool:
                for made in pool.map(_chunk, chunks, [shelf is not None] * len(chunks)):
                    take(made)
    finally:
        gc.unfreeze()
        _SETTING.clear()
    return [known[str(path)] for path in paths]


def _key(content: str, key: str) -> str:
    return digest(content, key) if key else content

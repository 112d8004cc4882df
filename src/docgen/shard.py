"""Sharded builds (issue 18, item 3): which shard renders a department, and the shard record a merge reads back.

A shard record is an artifact passed between CI jobs, so it is treated as hostile input: bounded in size, plain JSON
(never pickle), every key and value checked when read, and every per-submission entry compared with what the merge
computes from the same revision before anything is written. Its format is documented in docs/sharding.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from . import messages as M
from .errors import DocgenError, UsageError

FORMAT = "docgen-shard-record"
VERSION = 2  # 2: a 涉密 submission is named by a keyed hash (hidden_name), never by its path
MAX_SHARDS = 256  # more runners than this would each render a handful of departments: no CI offers it usefully
MAX_RECORD_BYTES = 64 * 1024 * 1024  # ~200 bytes of figures per submission: room for 100,000 projects, not for a bomb
MAX_ITEMS = 1_000_000
MAX_TEXT = 1_000
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SPEC = re.compile(r"([0-9]{1,3})/([0-9]{1,3})")
_TOP_KEYS = {"format", "version", "generator", "shard", "of", "revision", "profile", "submissions", "outputs"}
_SUB_KEYS = {"path", "digest", "department", "period", "confidential", "entry"}
_OUT_KEYS = {"path", "sha256"}


class ShardError(DocgenError):
    """A shard record is missing, duplicated, of another revision or profile, or corrupted: nothing is written."""

    exit_code = 1


def parse_spec(text: str) -> tuple[int, int]:
    """「K/N」 (1 ≤ K ≤ N ≤ MAX_SHARDS) as (K, N); anything else is a usage error (E800)."""
    match = _SPEC.fullmatch(text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]) <= MAX_SHARDS:
        raise UsageError(M.message("E800", spec=text[:40], most=MAX_SHARDS))
    return int(match[1]), int(match[2])


def shard_of(department_code: str, total: int) -> int:
    """The shard (1…total) that renders a department: the first 8 bytes of SHA-256 of its code, modulo total.

    Depends on the code alone, so adding or removing a department never moves another one between shards."""
    number = int.from_bytes(hashlib.sha256(department_code.encode("utf-8")).digest()[:8], "big")
    return number % total + 1


#: The folder-like prefix of a 涉密 submission's name in a record: it is not a path in the repository.
HIDDEN = "涉密/"


def hidden_name(path: str, content_digest: str) -> str:
    """The name a 涉密 submission has in a shard record, which CI publishes as an artifact: 「涉密/」 and SHA-256 over
    its path and the SHA-256 of its bytes. The bytes are the key, so trying every project code of the naming scheme
    finds nothing without the file; the merge, which has the checkout, recomputes it and so still proves each 涉密
    file was rendered from these bytes, once."""
    token = hashlib.sha256(f"docgen-confidential\0{path}\0{content_digest}".encode()).hexdigest()
    return HIDDEN + token


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (outputs can be large PDFs)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Submission:
    """What one submission contributes to the city's outputs: its summary.json entry (None for 涉密, only counted)."""

    path: str
    digest: str
    department: str
    period: str
    confidential: bool
    entry: dict[str, Any] | None


@dataclass(frozen=True)
class Record:
    """One shard's record: which shard of how many, of which revision and profile, its submissions and outputs."""

    generator: str
    shard: int
    of: int
    revision: str
    profile: str
    submissions: tuple[Submission, ...]
    outputs: tuple[tuple[str, str], ...]  # (path relative to build/, sha256)
    source: str = ""  # the file it was read from, for messages

    def to_json(self) -> str:
        """The record as written: sorted keys, UTF-8, one line (tools read it; diffs of it mean nothing)."""
        data = {
            "format": FORMAT,
            "version": VERSION,
            "generator": self.generator,
            "shard": self.shard,
            "of": self.of,
            "revision": self.revision,
            "profile": self.profile,
            "submissions": [
                {
                    "path": s.path,
                    "digest": s.digest,
                    "department": s.department,
                    "period": s.period,
                    "confidential": s.confidential,
                    "entry": s.entry,
                }
                for s in self.submissions
            ],
            "outputs": [{"path": p, "sha256": d} for p, d in self.outputs],
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(M.message("E803", where="", detail=M.label("shard_duplicate_key")))
    return dict(pairs)


def _text(value: Any, where: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT or (pattern and not pattern.fullmatch(value)):
        raise ValueError(where)
    return value


def _relative(value: Any, where: str) -> str:
    """A path inside the repository or build/, written with /: never absolute, never climbing out."""
    text = _text(value, where)
    pure = PurePosixPath(text)
    if pure.is_absolute() or "\\" in text or any(part in ("..", "", ".") for part in text.split("/")) or "\x00" in text:
        raise ValueError(where)
    return text


def _integer(value: Any, where: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise ValueError(where)
    return value


def _items(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise ValueError(where)
    return value


def _object(value: Any, keys: set[str], where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != keys:
        raise ValueError(where)
    return value


def parse(raw: bytes, source: str) -> Record:
    """A record's bytes as a Record, every value checked (E803 says which one is wrong); the entries are checked
    against the merge's own computation later (api.merge), since only the same revision can say what they must be."""
    if len(raw) > MAX_RECORD_BYTES:
        raise ShardError(M.message("E803", where=source, detail=M.label("shard_too_large", most=MAX_RECORD_BYTES // (1024 * 1024))))
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ShardError(M.message("E803", where=source, detail=M.label("shard_not_json"))) from None
    try:
        top = _object(data, _TOP_KEYS, "/")
        if top["format"] != FORMAT:
            raise ValueError("/format")
        if type(top["version"]) is not int or top["version"] != VERSION:
            raise ShardError(M.message("E804", where=source, found=str(top["version"])[:20], expected=VERSION))
        of = _integer(top["of"], "/of", 1, MAX_SHARDS)
        shard = _integer(top["shard"], "/shard", 1, of)
        subs = []
        for i, item in enumerate(_items(top["submissions"], "/submissions")):
            at = f"/submissions/{i}"
            obj = _object(item, _SUB_KEYS, at)
            confidential = obj["confidential"]
            entry = obj["entry"]
            if type(confidential) is not bool or (entry is None) != confidential or (entry is not None and not isinstance(entry, dict)):
                raise ValueError(f"{at}/entry")
            subs.append(
                Submission(
                    path=_relative(obj["path"], f"{at}/path"),
                    digest=_text(obj["digest"], f"{at}/digest", _HEX64),
                    department=_text(obj["department"], f"{at}/department"),
                    period=_text(obj["period"], f"{at}/period"),
                    confidential=confidential,
                    entry=entry,
                )
            )
        outputs = []
        for i, item in enumerate(_items(top["outputs"], "/outputs")):
            obj = _object(item, _OUT_KEYS, f"/outputs/{i}")
            outputs.append((_relative(obj["path"], f"/outputs/{i}/path"), _text(obj["sha256"], f"/outputs/{i}/sha256", _HEX64)))
        return Record(
            generator=_text(top["generator"], "/generator"),
            shard=shard,
            of=of,
            revision=_text(top["revision"], "/revision", _HEX64),
            profile=_text(top["profile"], "/profile"),
            submissions=tuple(subs),
            outputs=tuple(outputs),
            source=source,
        )
    except ValueError as exc:
        raise ShardError(M.message("E803", where=source, detail=M.label("shard_bad_value", pointer=str(exc)[:200]))) from None


def read(path: Path, shown: str) -> Record:
    """Read one record file (a regular file, never through a link, at most MAX_RECORD_BYTES)."""
    try:
        if path.is_symlink() or not path.is_file():
            raise ShardError(M.message("E801", where=shown))
        with path.open("rb") as f:
            raw = f.read(MAX_RECORD_BYTES + 1)
    except OSError:
        raise ShardError(M.message("E801", where=shown)) from None
    return parse(raw, shown)


def complete(records: list[Record]) -> list[Record]:
    """The records sorted by shard, when they are one whole set: same N, revision and profile, each shard once."""
    if not records:
        raise ShardError(M.message("E802", missing="1"))
    first = records[0]
    for rec in records[1:]:
        if rec.of != first.of:
            raise ShardError(M.message("E805", what=M.label("shard_count"), a=first.source, b=rec.source, x=first.of, y=rec.of))
        if rec.revision != first.revision:
            raise ShardError(
                M.message("E805", what=M.label("shard_revision"), a=first.source, b=rec.source, x=first.revision[:12], y=rec.revision[:12])
            )
        if rec.profile != first.profile:
            raise ShardError(
                M.message("E805", what=M.label("shard_profile"), a=first.source, b=rec.source, x=first.profile[:40], y=rec.profile[:40])
            )
    seen: dict[int, Record] = {}
    for rec in records:
        if rec.shard in seen:
            raise ShardError(M.message("E806", shard=rec.shard, of=rec.of, a=seen[rec.shard].source, b=rec.source))
        seen[rec.shard] = rec
    missing = [k for k in range(1, first.of + 1) if k not in seen]
    if missing:
        raise ShardError(M.message("E802", missing="、".join(f"{k}/{first.of}" for k in missing)))
    return [seen[k] for k in sorted(seen)]

"""docgen's one cache: results kept between runs, keyed by what they were computed from, for large trees.

Everything docgen keeps between runs goes through `Store` (one per project, found by its root): the per-file
check results and monitoring results (`Store.shelf`, JSON-lines shards) and the history of the site's timelines
(`Store.folder("history")`, an sqlite file). One location policy: the user's cache folder ($XDG_CACHE_HOME or
~/.cache, then docgen/<kind>-<digest of the project root>), never the repository, where a pull request could plant
an entry. One staleness rule: every key carries `code_digest()`, the digest of docgen's own code, so results of
another docgen are never used. Any entry that does not parse, or does not have the shape its reader expects, is a
miss, never an error; entries are plain data (JSON, `dumps`/`loads` below), never pickles, so even a file someone
else wrote there can at worst be a wrong miss, never run code. `docgen clean` deletes a project's entries
(`Store.clear`); `--no-cache` gives a `Store(enabled=False)`, which neither reads nor writes.

The manifests of the output folders (`Store.record`, `Store.record_shards`: which file of build/ was written from which
inputs) are here too, never in build/: build/ is the repository's to commit (refused, but as a second line) or anyone's to fill, and a
manifest found there would vouch for a forged 附件 as docgen's own. Each entry also holds the size, modification
time and inode of the file as docgen wrote it, so a file deleted, replaced or put there by hand is rendered again.

A rebuild after one edit then recomputes one file's results, not 1,000 (benchmarks/render.py). One shard per
folder (a department), so an edit rewrites only its folder's shard.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from . import output
from .files import read_regular

FORMAT = "docgen-shelf-1"


def utf8(text: str) -> bytes:
    """`text` as UTF-8, a lone surrogate kept as it is: a file name that is not UTF-8 (os.listdir gives its bytes as
    such surrogates) is still a key, a line or a digest of its own, never an error."""
    return text.encode("utf-8", "surrogatepass")


def digest(*parts: str) -> str:
    """A cache key from several strings; the NUL separator keeps ("ab", "c") and ("a", "bc") apart."""
    return hashlib.sha256(utf8("\0".join(parts))).hexdigest()


def file_digest(path: Path) -> str:
    """The digest of a file's bytes, as the check keys it; empty when it cannot be read (nothing cached matches it).

    The check itself digests the bytes it has already read (each file is read once per run)."""
    try:
        raw = read_regular(path)  # a symlink is never read: it is refused when checked (E115)
    except OSError:
        return ""
    return hashlib.sha256(raw).hexdigest() if raw is not None else ""


def _code_files(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    """Every .py and .yaml file under `folder`, at any depth, with its path relative to the package."""
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _code_files(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith((".py", ".yaml")):
            yield f"{prefix}{entry.name}", entry


@cache
def code_digest() -> str:
    """docgen's own code and packaged data: any change to them makes every cached result stale.

    Every stage package is walked (form/, check/, evaluate/ ...), in the sorted order of the files' paths
    relative to the package, so the digest is the same on every machine and for every install."""
    h = hashlib.sha256()
    for name, file in sorted(_code_files(resources.files("docgen")), key=lambda item: item[0]):
        h.update(name.encode() + file.read_bytes())
    return h.hexdigest()


def _reject(name: str) -> Any:
    raise ValueError(name)


#: One decoder for every entry read: json.loads(text, parse_float=…) makes a decoder and its scanner per call
#: (~10 % of reading 10,000 cached outcomes, a one-edit build's largest read)
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject)


def loads(text: str) -> Any:
    """JSON with every number that has a fraction or exponent read back as an exact Decimal (see `dumps`)."""
    return _DECODER.decode(text)


def dumps(value: Any) -> str:
    """Compact JSON of None, bool, int, str, Decimal, lists, tuples and dicts with str keys.

    A Decimal is written as a JSON number that always has a fraction or an exponent (100 -> 100E0), so `loads`
    gives back the same Decimal, exponent included; ints stay ints. Anything else is a TypeError.
    """
    out: list[str] = []
    _dump(value, out.append)
    return "".join(out)


def _dump(value: Any, put: Callable[[str], Any]) -> None:
    if value is None:
        put("null")
    elif value is True:
        put("true")
    elif value is False:
        put("false")
    elif isinstance(value, str):
        put(encode_basestring(value))
    elif isinstance(value, int):
        put(int.__repr__(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(value)
        text = str(value)
        put(text if "." in text or "E" in text else text + "E0")
    elif isinstance(value, list | tuple):
        if value and all(type(v) is int for v in value):  # position tables: long runs of ints
            put("[" + ",".join(map(str, value)) + "]")
            return
        put("[")
        for i, item in enumerate(value):
            if i:
                put(",")
            _dump(item, put)
        put("]")
    elif isinstance(value, dict):
        put("{")
        for i, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(key)
            put(("," if i else "") + encode_basestring(key) + ":")
            _dump(item, put)
        put("}")
    else:
        raise TypeError(type(value).__name__)


def signature(path: Path | str) -> list[int] | None:
    """What identifies a file docgen wrote (size, modification time, inode), not following a symlink; None when it
    is gone or is not a regular file. A file replaced by hand, or checked out by git, has another. A name no file can
    have (a NUL in a manifest read back from the cache) has none either: a damaged cache never stops a build."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ino] if stat.S_ISREG(info.st_mode) else None


def cache_home() -> Path:
    """docgen's folder in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache): never inside a repository."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen"


class Store:
    """The cache of one project (its root): every kind of kept result, in one place, by one rule.

    `Store(root, enabled=False)` (`--no-cache`) neither reads nor writes: its shelves always miss and keep
    nothing, and `folder` gives None (the history then works in memory).
    """

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self.root = Path(os.path.abspath(root))
        self.enabled = enabled
        self.key = digest(str(self.root.resolve()))[:16]

    def location(self, kind: str) -> Path:
        """Where results of `kind` (check, monitor, history) of this project are kept."""
        return cache_home() / f"{kind}-{self.key}"

    def folder(self, kind: str) -> Path | None:
        """`location`, or None when the store is disabled."""
        return self.location(kind) if self.enabled else None

    def record(self, folder: Path, name: str) -> Path:
        """The manifest `name` (attachments, rollups-city …) of the output folder `folder` (build/, the confidential
        folder): kept whether or not the store is enabled, as build/ itself is (--no-cache keeps the rebuild quick)."""
        return self.location("outputs") / f"{name}-{digest(os.path.abspath(folder))[:16]}.json"

    def record_shards(self, folder: Path, name: str) -> Path:
        """`record` kept as a folder of shards, one per folder of outputs (render/engine.Manifest)."""
        return self.location("outputs") / f"{name}-{digest(os.path.abspath(folder))[:16]}"

    def shelf(self, kind: str, paths: Iterable[str]) -> Shelf:
        """Per-file results of `kind` for `paths` (paths relative to the project root)."""
        return Shelf(self.location(kind), paths, enabled=self.enabled)

    def texts(self, kind: str) -> Texts:
        """Texts of `kind` kept whole, each under a name and a key (`Texts`)."""
        return Texts(self.location(kind), enabled=self.enabled)

    def entries(self) -> list[Path]:
        """Every folder this project has in the cache, of any kind."""
        home = cache_home()
        try:
            return sorted(p for p in home.iterdir() if p.name.endswith(f"-{self.key}"))
        except OSError:
            return []

    def clear(self) -> list[Path]:
        """Delete this project's entries (`docgen clean`), only ever inside the cache folder; returns them."""
        removed = []
        for entry in self.entries():
            if output.remove(entry, cache_home()):
                removed.append(entry)
        return removed


class Texts:
    """Texts kept as they are, a file each, under a name and the key they were made for: for text that is itself JSON
    (summary.json's pieces, 19 MB at 10,000 projects), which a Shelf would escape quote by quote and scan back.

    A file is its key's line (with docgen's code digest and the text's own digest), then the text: `get` gives it
    only for that key and only whole (a file cut short or altered is a miss)."""

    def __init__(self, folder: Path, *, enabled: bool = True) -> None:
        self.folder, self.enabled = folder, enabled

    def _file(self, name: str) -> Path:
        return self.folder / f"{digest(name)[:32]}.txt"

    @staticmethod
    def _head(name: str, key: str, text: bytes) -> bytes:
        return f"{digest(code_digest(), name, key)} {hashlib.sha256(text).hexdigest()}\n".encode()

    def get(self, name: str, key: str) -> bytes | None:
        """The text kept (UTF-8, as `put` was given it: written out as it is, never decoded and encoded again)."""
        if not self.enabled:
            return None
        try:
            head, _, text = self._file(name).read_bytes().partition(b"\n")
            return text if head + b"\n" == self._head(name, key, text) else None
        except OSError:
            return None

    def put(self, name: str, key: str, text: bytes) -> None:
        if not self.enabled:
            return
        with contextlib.suppress(OSError):  # a read-only home: everything still works, only slower next time
            output.write_chunks(self._file(name), (self._head(name, key, text), text))


def _header() -> bytes:
    """A shard's first line: the format and docgen's code digest."""
    return dumps({"format": FORMAT, "code": code_digest()}).encode()


def _name(path: str) -> bytes:
    """A path as a shard's line begins with it: a JSON string, in UTF-8 (a lone surrogate kept as it is: such a
    line is never read back, a miss)."""
    return utf8(encode_basestring(path))


@cache
def _shard_of(folder: str) -> str:
    """The shard file of a folder's files: one digest per folder, not one per lookup (a run asks ~6 times a file)."""
    return f"{digest(folder)[:16]}.jsonl"


#: What separates a shelf line's value from its tail (Shelf.put_encoded): a control character, which `dumps`
#: never leaves unescaped in its text.
TAIL = b"\x1f"
#: What separates a shelf line's value from its mark (Shelf.put_encoded), before the tail: another such character.
MARK = b"\x1d"


def _plain_mark(mark: str) -> bool:
    """A mark a line can keep: text without a control character (none of MARK, TAIL, a newline)."""
    return mark.isprintable()


def _split(line: bytes | memoryview) -> tuple[bytes, bytes, bytes]:
    """A shelf line's value (its JSON text, with path and key), its mark and its tail."""
    head, _, tail = bytes(line).partition(TAIL)
    head, _, mark = head.partition(MARK)
    return head, mark, tail


class Shelf:
    """Results per file path, each stored with the key it was computed for; `get` returns it only for that key.

    Made by `Store.shelf`: one folder per kind of result (check, monitor) and project. Paths are relative to the
    project root. Values are what `dumps` can write; readers check their shape.
    A shard is JSON lines: a header naming the format and docgen's code digest, then one `[path, key, value]`
    per file, optionally followed by a mark (after MARK) and a tail (after TAIL: see `put_encoded`). A line is parsed
    only when its file is asked for, and written back as it was read when its file did not change, so a rebuild
    after one edit encodes one file's results.
    """

    def __init__(self, folder: Path, paths: Iterable[str], *, enabled: bool = True) -> None:
        self.folder = folder
        self.enabled = enabled
        self.paths = set(paths)
        # shard -> path (as encoded, UTF-8) -> its line, as stored or as just encoded: kept as bytes, decoded only
        # when its file is asked for (reading 52 MB of shards as text, newline translation and all, was ~0.15 s)
        self.shards: dict[str, dict[bytes, bytes | memoryview]] = {}
        self.dirty: set[str] = set()
        self.taken: set[str] = set()  # shards some of whose lines `take` let go: read again if they are rewritten
        self.shrunk: set[str] = set()  # shards that hold lines of files no longer among `paths`: rewritten without them
        self.known = {_name(p) for p in self.paths}
        self.unwritable = False  # a write failed (a read-only home): no other is tried
        for shard in sorted({self._shard(p) for p in self.paths}):
            self.shards[shard] = lines = self._read(shard)
            if any(name not in self.known for name in lines):
                self.shrunk.add(shard)

    def _read(self, shard: str) -> dict[bytes, bytes | memoryview]:
        """A shard's lines by path, as stored; none when the store is off, or the shard is missing or of another format."""
        lines: dict[bytes, bytes | memoryview] = {}
        if not self.enabled:
            return lines
        try:
            raw = (self.folder / shard).read_bytes()
        except OSError:  # missing: start afresh
            return lines
        start = raw.find(b"\n") + 1
        if raw[: start - 1] != _header():  # another docgen, another format, or garbage
            return lines
        # each line a view into the shard as read, not a copy: once every line of it was taken, the shard is let go
        # whole (copies let go one by one stayed in the C heap, and the peak with them)
        whole = memoryview(raw)
        while start < len(raw):
            stop = raw.find(b"\n", start)
            stop = len(raw) if stop < 0 else stop
            if raw.startswith(b'["', start):
                end = raw.find(b'",', start + 2, stop)  # the path, as encoded; decoded only when asked for
                if end > 0:
                    lines[raw[start + 1 : end + 1]] = whole[start:stop]
            start = stop + 1
        return lines

    @staticmethod
    def _shard(path: str) -> str:
        return _shard_of(os.path.dirname(path))

    def holds(self, path: str) -> bool:
        """Whether anything is kept for `path`, under any key: when not, a caller need not read the file to key it."""
        return _name(path) in self.shards[self._shard(path)]

    def get(self, path: str, key: str) -> Any | None:
        stored_key, value, _, _ = self.parse(path, self.shards[self._shard(path)].get(_name(path)))
        return value if stored_key == key else None

    def take(self, path: str, key: str) -> Any | None:
        """`get` for a caller that asks for each file once (the streamed check): the line is let go as it is read,
        so a tree's shards are never held whole beside what was decoded from them (53 MB at 10,000 projects, the
        peak of a cached `docgen validate`); `save` reads a shard again when it has to rewrite it."""
        return self.take_apart(path, key)[0]

    def take_apart(self, path: str, key: str) -> tuple[Any | None, bytes]:
        """`take`, with the tail `put_encoded` kept after the value, as its bytes, unparsed (b"" when none)."""
        stored_key, value, tail, _ = self.parse(path, self.take_line(path))
        return (value, tail) if stored_key == key else (None, b"")

    def take_line(self, path: str) -> bytes | memoryview | None:
        """The line kept for `path`, as stored, let go as `take` does; None when nothing is kept for it."""
        shard = self._shard(path)
        line = self.shards[shard].pop(_name(path), None)
        if line is not None:
            self.taken.add(shard)
        return line

    @staticmethod
    def parse(path: str, line: bytes | memoryview | None) -> tuple[str | None, Any, bytes, str]:
        """A line `take_line` gave, parsed: the key it was stored under, its value, its tail (unparsed) and its mark,
        for a caller that learns from the value or the mark which key to compare; (None, None, b"", "") for a
        damaged line or another path's."""
        if line is None:
            return None, None, b"", ""
        head, mark, tail = _split(line)
        try:
            stored, stored_key, value = loads(str(head, "utf-8"))
            text = str(mark, "utf-8")
        except (ValueError, TypeError, RecursionError):  # a damaged line (or not UTF-8): a miss
            return None, None, b"", ""
        if stored != path or not isinstance(stored_key, str):
            return None, None, b"", ""
        return stored_key, value, tail, text

    @staticmethod
    def marked(line: bytes | memoryview, mark: str) -> bytes:
        """A line with another mark (see `put_encoded`), its value and tail as they were: not encoded again."""
        head, _, tail = _split(line)
        return b"".join((head, *((MARK, utf8(mark)) if _plain_mark(mark) else ()), *((TAIL, tail) if tail else ())))

    def put_line(self, path: str, line: bytes) -> None:
        """A line as `take_line` gave it (or `marked` made of one), kept for `path` again."""
        if self.enabled:
            shard = self._shard(path)
            self.shards[shard][_name(path)] = line
            self.dirty.add(shard)

    def put(self, path: str, key: str, value: Any) -> None:
        try:
            encoded = dumps(value)
        except (TypeError, ValueError, RecursionError):  # not plain data: not kept
            return
        self.put_encoded(path, key, encoded)

    def put_encoded(self, path: str, key: str, encoded: str | bytes, tail: bytes = b"", mark: str = "") -> None:
        """`put` for a value already written by `dumps` (in a worker process, where the encoding is spread), as text
        or as its UTF-8 bytes (what a worker sends: half the size of the text in transit and in the parent).
        `tail`: more of it, also written by `dumps` (as UTF-8), kept after the value and never parsed by `take` or
        `get`: `take_apart` hands it back as bytes, for its reader to parse if it needs it. `mark`: a short text
        kept between the value and the tail (no control character), which `parse` gives and `marked` replaces
        without encoding the value again (the streamed check's file signatures)."""
        if not self.enabled:
            return
        shard = self._shard(path)
        if isinstance(encoded, str):
            encoded = utf8(encoded)
        head = utf8(f"[{encode_basestring(path)},{encode_basestring(key)},")
        # dumps escapes every control character in a string: neither MARK, TAIL nor a newline is in its text
        marks = (MARK, utf8(mark)) if mark and _plain_mark(mark) else ()
        self.shards[shard][_name(path)] = b"".join((head, encoded, b"]", *marks, *((TAIL, tail) if tail else ())))
        self.dirty.add(shard)

    def save(self) -> None:
        """Write the shards that changed, or that hold entries of files no longer there (dropped)."""
        for shard in self.shards:
            self._write(shard)

    def release(self, path: str) -> None:
        """Write the shard of `path` now if it changed, and let its lines go: for a caller that puts nothing more in
        it (the streamed check, once the last file of a folder came back from the workers), so that a cold check
        does not hold every new entry to its end (53 MB at 10,000 projects). A later `put` reads it again to save."""
        shard = self._shard(path)
        self._write(shard)
        self.shards[shard] = {}
        self.taken.add(shard)

    def _write(self, shard: str) -> None:
        if not self.enabled or self.unwritable or (shard not in self.dirty and shard not in self.shrunk):
            return
        lines = self.shards[shard]
        if shard in self.taken:  # the lines `take` let go, as the shard still holds them
            lines = {**self._read(shard), **lines}
        keep = [line for name, line in lines.items() if name in self.known]
        try:
            output.write_bytes(self.folder / shard, b"\n".join([_header(), *keep]) + b"\n")
        except OSError:  # a read-only home: everything still works, only slower next time
            self.unwritable = True
            return
        self.dirty.discard(shard)
        self.shrunk.discard(shard)


#: A file changed this recently when a tree's signature is taken may change again within the same tick of the file
#: system's clock and keep its signature (git's "racily clean" files): such a tree is never vouched for.
SETTLED_NS = 1_000_000_000


def settled_signature(path: Path, since_ns: int) -> str | None:
    """What identifies a regular file's bytes without reading them (size, modification and change times, inode,
    device; a link is not followed), or None when it is not a regular file or was changed at or after `since_ns`
    minus SETTLED_NS (an edit within the same clock tick could keep its times). The kernel sets the change time to
    the present on every change (a write, a rename, a checkout, `touch`) and no program can set it back, unlike the
    modification time, so equal signatures mean the same bytes."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return _settled(info, since_ns)


def _settled(info: os.stat_result, since_ns: int) -> str | None:
    if not stat.S_ISREG(info.st_mode) or max(info.st_mtime_ns, info.st_ctime_ns) >= since_ns - SETTLED_NS:
        return None
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"


#: The names a Walk leaves out unless told otherwise: a run's lock files.
SKIPPED = (".lock",)


def _folder_signature(info: os.stat_result) -> tuple[int, int, int, int]:
    return (info.st_ino, info.st_dev, info.st_mtime_ns, info.st_ctime_ns)


class Walk:
    """One stat pass (os.scandir, never following a link) over `names` (files or folders, relative to `root`, or
    absolute): the tree's signature (`digest`, as `tree_signature` gives it) and, for a walk `since_ns` a moment,
    every regular file's settled signature (`settled`), so one walk serves whoever asks next (issue 18: `docgen
    build` walked submissions/ twice and build/ twice, and stat'ed every submission a third time for the streamed
    check).

    `before`: an earlier Walk of the same names (without `since_ns`), or its Listing kept from the last run. A
    folder whose own signature (inode, modification and change time) is the one `before` saw, and that had settled
    when `before` was taken, has the same entries (the kernel sets a folder's change time on every entry added,
    removed or renamed), so its listing is taken from `before` rather than read again: a build that rewrote one
    department's outputs lists that folder again, not the 20,000 files of build/. Its files keep the signatures
    `before` saw: a file rewritten in place since (not by docgen, which renames) then differs from what this Walk
    recorded, and the next walk's digest with it, which is the safe side (no replay). A folder is kept as the digest
    of its files' lines and its sub-folders'
    names, not as stat results (~30 MiB at 10,000 projects)."""

    def __init__(
        self,
        root: Path,
        names: Iterable[str],
        *,
        since_ns: int | None = None,
        skip: tuple[str, ...] = SKIPPED,
        before: Walk | Listing | None = None,
    ) -> None:
        self.taken_ns = time.time_ns()
        self.names = sorted(names)
        self.since_ns = since_ns
        self.files: dict[str, str | None] = {}  # with since_ns: name (as walked: "submissions/2025-06/…") -> settled signature
        # folder -> its own signature, the digest of its files' lines (in name order), and its sub-folders' names
        self.folders: dict[str, tuple[tuple[int, int, int, int], bytes, list[str]]] = {}
        self.reread = 0  # folders listed afresh (the rest were taken from `before`)
        h = hashlib.sha256()
        base = os.path.abspath(root)
        kept_until = None if before is None or since_ns is not None else before.taken_ns - SETTLED_NS

        def leaf(rel: str, info: os.stat_result) -> bytes | None:
            """The line a file (or a link, or anything else) adds; None when a regular file has not settled."""
            if not stat.S_ISREG(info.st_mode):  # a link or anything else: its kind is what matters (a build refuses them)
                return utf8(f"o{rel}\0{stat.S_IFMT(info.st_mode)}\0")
            if since_ns is not None:
                settled = self.files[rel] = _settled(info, since_ns)
                if settled is None:
                    return None
            # the change time too: a file rewritten in place with its size and modification time set back keeps the rest
            return utf8(f"f{rel}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\0")

        def folder(rel: str, info: os.stat_result) -> bool:
            mark = _folder_signature(info)
            kept = before.folders.get(rel) if before is not None else None
            if kept is not None and kept_until is not None and kept[0] == mark and info.st_ctime_ns < kept_until:
                self.folders[rel] = kept
                h.update(kept[1])
                subs: list[tuple[str, os.stat_result | None]] = []
                for name in kept[2]:
                    try:  # a sub-folder's own listing may have changed: stat'ed again
                        subs.append((name, os.lstat(os.path.join(base, rel, name))))
                    except OSError:
                        subs.append((name, None))
                return all(walk(f"{rel}/{name}", sub) for name, sub in subs)
            self.reread += 1
            try:
                with os.scandir(os.path.join(base, rel)) as found:
                    entries = sorted((e.name, e.stat(follow_symlinks=False)) for e in found if not e.name.endswith(skip))
            except OSError:
                return False
            block, folders, settled = hashlib.sha256(), [], True
            for name, entry in entries:
                if stat.S_ISDIR(entry.st_mode):
                    folders.append((name, entry))
                    continue
                line = leaf(f"{rel}/{name}", entry)
                if line is None:  # the tree is not vouched for; the walk goes on for the other files' `settled`
                    settled = False
                    continue
                block.update(line)
            if settled:
                lines = block.digest()
                self.folders[rel] = (mark, lines, [name for name, _ in folders])
                h.update(lines)
            walked = [walk(f"{rel}/{name}", entry) for name, entry in folders]
            return settled and all(walked)

        def walk(rel: str, info: os.stat_result | None) -> bool:
            if info is None:
                h.update(utf8(f"-{rel}\0"))
                return True
            if stat.S_ISDIR(info.st_mode):
                h.update(utf8(f"d{rel}\0"))
                return folder(rel, info)
            line = leaf(rel, info)
            if line is None:
                return False
            h.update(line)
            return True

        complete = True
        for name in self.names:
            try:
                info: os.stat_result | None = os.lstat(os.path.join(base, name))
            except OSError:
                info = None
            # walked to the end also once a file has not settled (no digest then): the streamed check takes every
            # other file's signature from here, not from a stat of its own (one just-edited file stopped the walk)
            complete = walk(name, info) and complete
        self.digest: str | None = h.hexdigest() if complete else None

    def listing(self) -> Listing:
        """What a later Walk's `before` takes of this one, to keep beyond this run (`Listing`)."""
        return Listing(self.taken_ns, self.folders)

    def saw(self, name: str) -> bool:
        """Whether the walk (with `since_ns`) found `name` as a regular file."""
        return name in self.files

    def settled(self, name: str) -> str | None:
        """`settled_signature(name, since_ns)` as this walk saw the file; None when it had not settled or the walk did
        not see it (`saw`)."""
        return self.files.get(name)


@dataclass(frozen=True)
class Listing:
    """A Walk's folders (`Walk.listing`) kept in the user's cache for the next run's walk of the same tree (its
    `before`): the build walks build/ after it wrote, listing again only the folders changed since the last build's
    walk, not 20,000 files. Read back as data, never trusted: a folder is reused only with the very signature it has
    now (a planted listing can at worst make the remembered key one no fresh walk gives: no replay)."""

    taken_ns: int
    folders: dict[str, tuple[tuple[int, int, int, int], bytes, list[str]]]

    def kept(self) -> dict[str, Any]:
        """As JSON keeps it."""
        folders = {rel: [list(mark), lines.hex(), subs] for rel, (mark, lines, subs) in self.folders.items()}
        return {"taken_ns": self.taken_ns, "folders": folders}

    @classmethod
    def read(cls, data: Any) -> Listing | None:
        """`kept` read back; None when it is not one."""
        try:
            folders = {}
            for rel, (mark, lines, subs) in data["folders"].items():
                ino, dev, mtime, ctime = (int(n) for n in mark)
                if not isinstance(subs, list) or not all(plain_name(name) for name in subs):  # never a way out of the tree
                    return None
                folders[rel] = ((ino, dev, mtime, ctime), bytes.fromhex(lines), subs)
            return cls(int(data["taken_ns"]), folders)
        except (TypeError, ValueError, KeyError, AttributeError):
            return None


def plain_name(name: object) -> bool:
    """A folder entry's own name: neither empty, nor `.`/`..`, nor holding a separator (a name read back from the
    cache that could lead out of its folder is refused: Listing, render/engine._Plans)."""
    return isinstance(name, str) and name not in ("", ".", "..") and not any(c in name for c in "/\\\0")


def tree_signature(root: Path, names: Iterable[str], *, since_ns: int | None = None, skip: tuple[str, ...] = SKIPPED) -> str | None:
    """One digest of what every entry under `names` (files or folders, relative to `root`) is: its path, its kind,
    and for a regular file its size, modification and change times and inode, never following a link. A file
    edited, added, removed, renamed or replaced by a link gives another digest, without reading a byte of it, also
    when its modification time is set back (the change time cannot be).

    None when a regular file was modified or changed at or after `since_ns` minus SETTLED_NS (the moment the caller
    began to read the tree): an edit in the same clock tick could keep its signature. Names ending in `skip` are left
    out (a run's lock files). One `Walk`."""
    return Walk(root, names, since_ns=since_ns, skip=skip).digest

"""Per-file results kept between runs, keyed by what they were computed from, for large trees.

A rebuild after one edit then recomputes one file's results, not 1,000 (benchmarks/render.py). The results live in
the user's cache folder, never in the repository, where a pull request could plant one; and they are plain data
(JSON lines, `dumps`/`loads` below), never pickles, so even a file someone else wrote there can at worst be a wrong
miss, never run code. One shard per folder (a department), so an edit rewrites only its folder's shard. Every
shard carries the digest of docgen's own code: results of another docgen are never used. Any line that does not
parse, or does not have the shape its reader expects, is a miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
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


def digest(*parts: str) -> str:
    """A cache key from several strings; the NUL separator keeps ("ab", "c") and ("a", "bc") apart."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    """The digest of a file's bytes; empty when it cannot be read (then nothing cached matches it)."""
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


def loads(text: str) -> Any:
    """JSON with every number that has a fraction or exponent read back as an exact Decimal (see `dumps`)."""
    return json.loads(text, parse_float=Decimal, parse_constant=_reject)


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


def cache_home() -> Path:
    """docgen's folder in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache): never inside a repository."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen"


class Shelf:
    """Results per file path, each stored with the key it was computed for; `get` returns it only for that key.

    `name` tells the kinds of result apart (check, monitor); the folder is per working directory, as paths
    are stored as the user typed them. Values are what `dumps` can write; readers check their shape.
    A shard is JSON lines: a header naming the format and docgen's code digest, then one `[path, key, value]`
    per file. A line is parsed only when its file is asked for, and written back as it was read when its file
    did not change, so a rebuild after one edit encodes one file's results.
    """

    def __init__(self, name: str, paths: Iterable[str]) -> None:
        self.folder = cache_home() / f"{name}-{digest(os.getcwd())[:16]}"
        self.paths = set(paths)
        self.shards: dict[str, dict[str, str]] = {}  # shard -> path -> its line, as stored or as just encoded
        self.dirty: set[str] = set()
        header = dumps({"format": FORMAT, "code": code_digest()})
        for shard in sorted({self._shard(p) for p in self.paths}):
            self.shards[shard] = lines = {}
            try:
                text = (self.folder / shard).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):  # missing, or not ours: start afresh
                continue
            first, _, rest = text.partition("\n")
            if first != header:  # another docgen, another format, or garbage
                continue
            for line in rest.split("\n"):
                if line.startswith('["'):
                    end = line.find('",', 2)  # the path, as encoded; decoded only when asked for
                    if end > 0:
                        lines[line[1 : end + 1]] = line

    @staticmethod
    def _shard(path: str) -> str:
        return f"{digest(os.path.dirname(path))[:16]}.jsonl"

    def get(self, path: str, key: str) -> Any | None:
        line = self.shards[self._shard(path)].get(encode_basestring(path))
        if line is None:
            return None
        try:
            stored, stored_key, value = loads(line)
        except (ValueError, TypeError, RecursionError):  # a damaged line: a miss
            return None
        return value if stored == path and stored_key == key else None

    def put(self, path: str, key: str, value: Any) -> None:
        shard = self._shard(path)
        try:
            line = dumps([path, key, value])
        except (TypeError, ValueError, RecursionError):  # not plain data: not kept
            return
        self.shards[shard][encode_basestring(path)] = line
        self.dirty.add(shard)

    def save(self) -> None:
        """Write the shards that changed; entries of files no longer there are dropped."""
        header = dumps({"format": FORMAT, "code": code_digest()})
        known = {encode_basestring(p) for p in self.paths}
        for shard, lines in self.shards.items():
            keep = [line for name, line in lines.items() if name in known]
            if shard in self.dirty or len(keep) != len(lines):
                try:
                    output.write_text(self.folder / shard, "\n".join([header, *keep]) + "\n")
                except OSError:  # a read-only home: everything still works, only slower next time
                    return

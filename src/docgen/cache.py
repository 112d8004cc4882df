"""Per-file results kept between runs, keyed by what they were computed from, for large trees.

A rebuild after one edit then recomputes one file's results, not 1,000 (benchmarks/render.py). Results are
pickled, so they live in the user's cache folder, never in the repository, where a pull request could plant
one. One shard per folder (a department), so an edit rewrites only its folder's shard. Every shard also
carries the digest of docgen's own code: results of another docgen are never used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from . import output


def digest(*parts: str) -> str:
    """A cache key from several strings; the NUL separator keeps ("ab", "c") and ("a", "bc") apart."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    """The digest of a file's bytes; empty when it cannot be read (then nothing cached matches it)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


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


class Shelf:
    """Results per file path, each stored with the key it was computed for; `get` returns it only for that key.

    `name` tells the kinds of result apart (check, monitor); the folder is per working directory, as paths
    are stored as the user typed them.
    """

    def __init__(self, name: str, paths: Iterable[str]) -> None:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "docgen"
        self.folder = base / f"{name}-{digest(os.getcwd())[:16]}"
        self.paths = set(paths)
        self.shards: dict[str, dict[str, tuple[str, Any]]] = {}
        self.dirty: set[str] = set()
        for shard in sorted({self._shard(p) for p in self.paths}):
            try:
                stored = pickle.loads((self.folder / shard).read_bytes())
                self.shards[shard] = stored["entries"] if stored.get("code") == code_digest() else {}
            except Exception:  # noqa: BLE001 - missing, truncated or from another docgen: start afresh
                self.shards[shard] = {}

    @staticmethod
    def _shard(path: str) -> str:
        return f"{digest(os.path.dirname(path))[:16]}.pickle"

    def get(self, path: str, key: str) -> Any | None:
        entry = self.shards[self._shard(path)].get(path)
        return entry[1] if entry is not None and entry[0] == key else None

    def put(self, path: str, key: str, value: Any) -> None:
        shard = self._shard(path)
        self.shards[shard][path] = (key, value)
        self.dirty.add(shard)

    def save(self) -> None:
        """Write the shards that changed; entries of files no longer there are dropped."""
        for shard, entries in self.shards.items():
            keep = {name: entry for name, entry in entries.items() if name in self.paths}
            if shard in self.dirty or len(keep) != len(entries):
                try:
                    output.write_bytes(self.folder / shard, pickle.dumps({"code": code_digest(), "entries": keep}, protocol=5))
                except OSError:  # a read-only home: everything still works, only slower next time
                    return

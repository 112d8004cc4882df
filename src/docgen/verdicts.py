"""Files already found clean by a slow check, remembered by their content digest, so a rebuild checks only what changed.

The site's last two checks (the HTML sanitiser and the 涉密 publication scan) read every page of every build; after
one edit nearly all pages are byte for byte those of the last build. A verdict is kept for a file's exact bytes and
for exactly what it was checked against (`basis`: docgen's code, and for the scan the digest of the 涉密 list, so a
changed list rescans everything). Only "clean" is kept: a file that fails stops the build and is checked again next
time. Kept in the user's cache (cache.Store, kind "verdicts"), never in the repository; a damaged or foreign record
is a miss. `--no-cache` (a disabled store) keeps nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from . import output
from .cache import Store, code_digest, digest, settled_signature
from .files import digest_regular, read_regular

#: Most digests one record keeps: a record larger than this is not read (a site has a few files per project).
MAX_ENTRIES = 2_000_000


class Verdicts:
    """The content digests found clean for one check (`name`) against one `basis`; `save` keeps those of this run."""

    def __init__(self, store: Store | None, name: str, basis: str, files: FileDigests | None = None) -> None:
        self.files = files  # a file's content digest by its stat signature: an unchanged file is not read again
        self.key = digest(code_digest(), name, basis)
        folder = store.folder("verdicts") if store is not None else None
        self.file = folder / f"{name}.json" if folder is not None else None
        self.known: set[str] = set()
        self.clean: set[str] = set()  # found clean (or confirmed) in this run: what `save` keeps
        if self.file is not None:
            self.known = self._read(self.file)

    def _read(self, file: Path) -> set[str]:
        try:
            raw = read_regular(file)
            record = json.loads(raw) if raw is not None else None
        except (OSError, ValueError):
            return set()
        if not isinstance(record, dict) or record.get("key") != self.key:
            return set()
        found = record.get("clean")
        if not isinstance(found, list) or len(found) > MAX_ENTRIES:
            return set()
        return {d for d in found if isinstance(d, str) and len(d) == 64}

    @staticmethod
    def of(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def of_file(self, path: Path, prefix: bytes = b"") -> str | None:
        """`of(prefix + the file's bytes)`, without reading a file whose stat signature gave that digest before
        (`files`); None when `path` is not a regular file."""
        if self.files is not None:
            return self.files.of(path, prefix)
        return digest_regular(path, prefix)

    def seen(self, content: str) -> bool:
        """Whether `content` (a digest from `of`) was found clean before against the same basis; remembered if so."""
        if content in self.known:
            self.clean.add(content)
            return True
        return False

    def passed(self, content: str) -> None:
        self.clean.add(content)

    def save(self) -> None:
        if self.file is None:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(self.file, json.dumps({"key": self.key, "clean": sorted(self.clean)}))
        except OSError:  # a cache that cannot be written is a slower next run, never a failed one
            pass


#: Most signatures one digest record keeps (a site has a few files per project, its sources as many again).
MAX_FILES = 2_000_000


class FileDigests:
    """Content digests of files by their settled stat signature (cache.settled_signature: size, times, inode, device), kept in
    the user's cache: the site's last checks look up ~40,000 pages and downloads at 10,000 projects, nearly all of them
    the very files of the last build (kept or moved, never rewritten), so their bytes are not read again to be told
    apart. The change time cannot be set from user space and moves with every write, link or rename of the file
    itself, so a file changed since has another signature and is read. Only this run's signatures are saved."""

    def __init__(self, store: Store | None, name: str) -> None:
        folder = store.folder("verdicts") if store is not None else None
        self.file = folder / f"{name}-digests.json" if folder is not None else None
        self.known: dict[str, str] = self._read(self.file) if self.file is not None else {}
        self.now: dict[str, str] = {}

    @staticmethod
    def _read(file: Path) -> dict[str, str]:
        try:
            raw = read_regular(file)
            record = json.loads(raw) if raw is not None else None
        except (OSError, ValueError):
            return {}
        if not isinstance(record, dict) or record.get("key") != code_digest() or not isinstance(record.get("files"), dict):
            return {}
        files = record["files"]
        if len(files) > MAX_FILES:
            return {}
        return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str) and len(v) == 64}

    def of(self, path: Path, prefix: bytes = b"") -> str | None:
        """sha256 of `prefix` + the bytes of `path`, read only when its signature is known; None: not a regular file.

        The signature is cache.settled_signature's, the one the streamed check vouches for a file's bytes by: a file
        changed within the last SETTLED_NS could change again within the same clock tick and keep its times, so it
        is read, and its digest is not kept."""
        now = time.time_ns()
        settled = settled_signature(path, now)
        before = f"{settled}:{prefix.hex()}" if settled is not None else None
        found = (self.now.get(before) or self.known.get(before)) if before is not None else None
        if found is None:
            found = digest_regular(path, prefix)
            if found is None:
                return None
            if before is None or settled_signature(path, now) != settled:  # unsettled, or changed while read: not kept
                return found
        if before is not None:
            self.now[before] = found
        return found

    def save(self) -> None:
        if self.file is None:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(self.file, json.dumps({"key": code_digest(), "files": self.now}))
        except OSError:  # a cache that cannot be written is a slower next run, never a failed one
            pass

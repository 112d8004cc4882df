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
from pathlib import Path

from . import output
from .cache import Store, code_digest, digest
from .files import read_regular

#: Most digests one record keeps: a record larger than this is not read (a site has a few files per project).
MAX_ENTRIES = 2_000_000


class Verdicts:
    """The content digests found clean for one check (`name`) against one `basis`; `save` keeps those of this run."""

    def __init__(self, store: Store | None, name: str, basis: str) -> None:
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

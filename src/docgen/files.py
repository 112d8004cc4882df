"""Reading a file that came from a pull request: only a regular file inside the repository, never through a link."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def read_regular(path: Path, limit: int | None = None) -> bytes | None:
    """The bytes of `path` if it is a regular file and not a symlink; None otherwise, without reading anything else.

    Submissions come from pull requests: a symlink (to /etc/passwd, to ../../secrets.yaml) must never have its target
    read, echoed in a message or published. The check and the read are one: O_NOFOLLOW refuses a link swapped in
    after an lstat, O_NONBLOCK keeps a FIFO from hanging us, fstat checks what was actually opened. With `limit`, at
    most `limit` + 1 bytes are read, so a caller can tell an oversized file without reading it whole.
    """
    with _regular(path) as handle:
        if handle is None:
            return None
        return handle.read() if limit is None else handle.read(limit + 1)


def digest_regular(path: Path, prefix: bytes = b"") -> str | None:
    """sha256 of `prefix` + the bytes of `path`, read as `read_regular` reads it (None: not a regular file), a block
    at a time: the site's search index is ~100 MB at 10,000 projects, and holding it whole to digest it was the
    peak of `docgen site`."""
    with _regular(path) as handle:
        if handle is None:
            return None
        digest = hashlib.sha256(prefix)
        while block := handle.read(BLOCK):
            digest.update(block)
        return digest.hexdigest()


#: What `digest_regular` reads at a time.
BLOCK = 1 << 20


@contextlib.contextmanager
def _regular(path: Path) -> Iterator[BinaryIO | None]:
    """`path` opened for reading if it is a regular file and not a symlink, else None (read_regular says how)."""
    if path.is_symlink():
        yield None
        return
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            yield None
            return
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a folder, a FIFO, a device: checked on what was opened
        os.close(fd)
        yield None
        return
    with os.fdopen(fd, "rb") as handle:
        yield handle

"""Reading a file that came from a pull request: only a regular file inside the repository, never through a link."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_regular(path: Path, limit: int | None = None) -> bytes | None:
    """The bytes of `path` if it is a regular file and not a symlink; None otherwise, without reading anything else.

    Submissions come from pull requests: a symlink (to /etc/passwd, to ../../secrets.yaml) must never have its target
    read, echoed in a message or published. The check and the read are one: O_NOFOLLOW refuses a link swapped in
    after an lstat, O_NONBLOCK keeps a FIFO from hanging us, fstat checks what was actually opened. With `limit`, at
    most `limit` + 1 bytes are read, so a caller can tell an oversized file without reading it whole.
    """
    if path.is_symlink():
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return handle.read() if limit is None else handle.read(limit + 1)

"""Writing outputs atomically: a killed build never leaves a half-written file behind."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it (atomic on POSIX).

    The file keeps the permissions it had (a new one gets the usual 0666 minus umask), not mkstemp's 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text through the same atomic path as bytes."""
    write_bytes(path, text.encode("utf-8"))


_WRITER = re.compile(r"\.(\d+)-[^.]*\.tmp$")


def orphaned(temporary: Path) -> bool:
    """Is this temporary left by a writer that is gone (a killed build), rather than one still writing?

    Temporaries carry their writer's process id, so a sweep never pulls a file from under a live writer
    (the 汇总表 child of the same build, or another build running at the same time).
    """
    match = _WRITER.search(temporary.name)
    if match is None:
        return True
    try:
        os.kill(int(match[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False

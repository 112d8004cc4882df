"""Writing outputs atomically (a killed build never leaves a half-written file behind), and deleting them only
inside the folder that owns them (a manifest or a symlink from the repository never points a deletion elsewhere)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from . import messages as M
from .errors import DocgenError

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_bytes(path: Path, data: bytes, *, owner: Path | None = None) -> None:
    """Write `data` atomically (`write_chunks`)."""
    write_chunks(path, (data,), owner=owner)


def write_chunks(path: Path, chunks: Iterable[bytes | memoryview], *, owner: Path | None = None) -> None:
    """Write `chunks` in turn through `atomic`: a large output made piece by piece (summary.json: 19 MB at 10,000
    projects) is never held whole."""
    with atomic(path, owner=owner) as handle:
        for chunk in chunks:
            handle.write(chunk)


@contextlib.contextmanager
def atomic(path: Path, *, owner: Path | None = None) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: a temporary file beside it, renamed over it when the block ends
    (atomic on POSIX), removed when the block fails. For what is written as it is made (a department's .zip bundle:
    18 MB at 1,000 projects, held twice in memory before).

    The file keeps the permissions it had (a new one gets the usual 0666 minus umask), not mkstemp's 0600.
    With `owner` (the output folder the file belongs to: build/, site/ ...), the write is refused (UnsafeOutput)
    when `path` is not inside it, or when `owner` or any folder between it and the file is a symlink: a link
    planted in build/ never carries a write elsewhere.
    """
    if owner is not None:
        refuse_linked_parents(path, owner)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: How many times a write makes its temporary: another process may remove its folder once more each time (`_temporary`).
_FOLDER_TRIES = 3


def _temporary(path: Path) -> tuple[int, str]:
    """The temporary file beside `path`, in its folder, made again when it is gone.

    `docgen build`'s two processes (the 汇总表 child and the parent) each remove the folders their stale outputs leave
    empty (remove_stale): one may take this folder away between its making and the temporary's. Once the temporary
    is in it the folder is not empty, so no such removal can take it before the rename."""
    prefix = f".{path.name}.{os.getpid()}-"
    for _ in range(_FOLDER_TRIES - 1):
        with contextlib.suppress(FileNotFoundError):
            return tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
        with contextlib.suppress(FileNotFoundError):  # a folder above it taken meanwhile: the next try makes it again
            path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")


def write_text(path: Path, text: str, *, owner: Path | None = None) -> None:
    """Write UTF-8 text through the same atomic path as bytes (and the same `owner` check)."""
    write_bytes(path, text.encode("utf-8"), owner=owner)


def refuse_linked_parents(path: Path, owner: Path) -> None:
    """`path` must lie inside `owner`, and neither `owner` nor any existing folder between it and `path` may be a
    symlink; the file itself is replaced by rename, so a symlink in its place is replaced, never followed."""
    base = Path(os.path.abspath(owner))
    try:
        rel = Path(os.path.abspath(path)).parent.relative_to(base)
    except ValueError:
        raise UnsafeOutput(M.label("outside_output", path=path, owner=owner)) from None
    current = base
    for part in ("", *rel.parts):
        current = current / part if part else current
        if current.is_symlink():
            raise UnsafeOutput(M.label("output_symlink", path=current))


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


# --- deleting: only ever inside the folder docgen owns --------------------------------------------


class OutsideOutput(DocgenError):
    """A deletion was asked for outside the output folder that owns it (a planted manifest, a symlink): refused."""


def _location(path: Path) -> Path:
    """Where `path` itself stands: its folder with symlinks resolved, its own name kept (a symlink is not followed)."""
    return path.parent.resolve() / path.name


def inside(path: Path, owner: Path) -> bool:
    """Is `path` strictly inside `owner` once `..` and every symlink on the way (but `path`'s own name) are resolved?"""
    if path.name in ("", ".", ".."):
        return False
    try:
        return _location(path).relative_to(owner.resolve()) != Path(".")
    except (ValueError, OSError, RuntimeError):
        return False


def remove(path: Path, owner: Path, *, only_if_empty: bool = False) -> bool:
    """Delete one file, symlink or folder (with its contents) that lies strictly inside `owner`, the output folder
    docgen owns (build/, site/, the confidential folder); every deletion docgen does comes here.

    Refuses (OutsideOutput) anything else, and an `owner` that is itself a symlink. A symlink is removed, never
    followed; a folder is removed by shutil.rmtree, which does not follow the symlinks inside it. `only_if_empty`
    removes a folder only when it is empty. Returns whether something was removed.
    """
    if owner.is_symlink() or not inside(path, owner):
        raise OutsideOutput(M.label("outside_output", path=path, owner=owner))
    target = _location(path)
    try:
        info = target.lstat()
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        if only_if_empty:
            return False
        target.unlink(missing_ok=True)
    elif only_if_empty:
        try:
            target.rmdir()
        except OSError:  # not empty (or gone): left alone
            return False
    else:
        shutil.rmtree(target)
    return True


def remove_stale(paths: Iterable[Path], folder: Path) -> list[Path]:
    """Delete outputs a manifest of `folder` lists and this run did not write, then the folders they leave empty;
    only ever strictly inside `folder` (`remove`: a symlink is removed, never followed). Returns those removed."""
    removed = []
    for path in paths:
        if not inside(path, folder):  # a manifest's entries are checked on reading: this is a second line of defence
            continue
        if path.is_symlink() or path.is_file():
            remove(path, folder)
            removed.append(path)
        parent = path.parent
        while parent != folder and inside(parent, folder) and remove(parent, folder, only_if_empty=True):
            parent = parent.parent
    return removed


def refuse_symlink(folder: Path, *, within: bool = False, hidden: Callable[[str, str], object] | None = None) -> None:
    """An output folder (build/, site/, a folder named on the command line) must not be a symlink: a committed one
    would point docgen's writes and deletions anywhere on the machine. With `within`, neither may any folder in it;
    `hidden(folder, name)` is told of each name in it that begins with a dot, found on the same walk (one walk of
    build/'s 20,000 files, not two: render/engine.sweep_temporaries)."""
    if folder.is_symlink():
        raise UnsafeOutput(M.label("output_symlink", path=folder))
    if within and folder.is_dir():
        for base, dirs, names in os.walk(folder):
            for name in dirs:
                if os.path.islink(os.path.join(base, name)):
                    raise UnsafeOutput(M.label("output_symlink", path=Path(base) / name))
            if hidden is not None:
                for name in (*dirs, *names):
                    if name.startswith("."):
                        hidden(base, name)


class UnsafeOutput(DocgenError):
    """An output folder that docgen will not write into (a symlink): exit 3, nothing written."""


# --- one `docgen site` at a time per output folder ------------------------------------------------


@contextlib.contextmanager
def lock(folder: Path, name: str) -> Iterator[None]:
    """Hold an exclusive lock on folder/.<name>.lock while the block runs; a second holder waits its turn.

    The kernel drops the lock when its process ends, so a killed run never leaves a stale lock behind. The lock
    file itself is kept (deleting it while another process waits on it would let a third one in).
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666 & ~_UMASK)
    try:
        if sys.platform == "win32":  # pragma: no cover - the locking module of Windows
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock

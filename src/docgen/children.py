"""Worker processes never outlive docgen: killing a build (SIGTERM, SIGINT, even SIGKILL) ends its workers too.

Without this, a killed `docgen build` left its ProcessPoolExecutor workers asleep forever: forked workers hold the
write end of their own task queue, so they never see it close. Two measures, both here:
- each worker asks Linux to send it SIGTERM when its parent ends (prctl PR_SET_PDEATHSIG), whatever killed the parent;
- the main process turns SIGTERM/SIGINT into: stop the workers, one Chinese line, exit 128 + signal.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import Any, TypeVar

from . import messages as M

_PR_SET_PDEATHSIG = 1
_T = TypeVar("_T")
_R = TypeVar("_R")


def die_with_parent(parent: int) -> None:
    """In a worker (pool initializer, forked child): end with SIGTERM when `parent` ends; no handlers of the parent's."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides, the workers follow
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            return
    if os.getppid() != parent:  # the parent was gone before prctl took effect
        os._exit(1)


@contextlib.contextmanager
def collection(enabled: bool) -> Iterator[None]:
    """Automatic garbage collection on (`enabled`) or off in this process while the block runs; the state before is
    restored after.

    Off: a streamed check's parent keeps what every file's worker sent back (records, ~47,000 findings at 10,000
    projects) and makes next to no reference cycles; each automatic full collection walked all of it again: 1.4 s
    of the parent's 4.5 s CPU at 10,000 projects, serial time every run waited for. On: where files are checked in
    that process after all (a few), as in a worker (`collecting_worker`), whose Documents, models and
    evaluations hold cycles."""
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def pool_worker(parent: int) -> None:
    """A forked pool worker's initializer: `die_with_parent`, and no garbage collection. A worker lives for one
    batch; collecting would walk the heap it inherited and so copy its pages (1,000 files: ~0.3 s CPU less over
    the check's two workers)."""
    die_with_parent(parent)
    gc.disable()


def collecting_worker(parent: int) -> None:
    """A forked worker's initializer for work that makes reference cycles (a page's template context, a file's
    Document, model and evaluation): `die_with_parent`, and garbage collection on, since the parent may run without
    it (`collection`). Without it a site's page worker kept every page's context and model: +80 KiB a page, 739 MiB
    per worker at 10,000 projects. The parent freezes its heap before forking (`frozen`), so the collections walk,
    and so copy, only what the worker made, never the pages it inherited."""
    die_with_parent(parent)
    gc.enable()


_LIBC: Any = None


def trim_heap() -> None:
    """Give the C heap's free memory back to the system (glibc's malloc_trim), before this process forks workers
    or after it let a stage's garbage go.

    A forked worker's resident size starts at its parent's, free-but-kept heap included: at 10,000 projects the
    check leaves ~60 MiB of it in `docgen build`'s parent (297 -> 235 MiB), which its render workers and roll-up
    child each counted again. A no-op elsewhere than glibc."""
    global _LIBC
    if not sys.platform.startswith("linux"):
        return
    try:
        if _LIBC is None:
            _LIBC = ctypes.CDLL(None)
        _LIBC.malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - a libc without malloc_trim (musl)
        return


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Everything this process holds moved out of the garbage collector's reach while the block forks workers
    (gc.freeze): their collections then never walk, and so never copy, what they inherited. Inside an outer freeze
    (api.build's, after its check) the outer one is left to undo it."""
    outer = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not outer:
            gc.unfreeze()


#: The same, for a Python child started with `python -c`: prepended to its code (the MkDocs runs of `docgen site`).
CODE_PREFIX = (
    "import ctypes, os, signal, sys\n"
    "if sys.platform.startswith('linux'):\n"
    f"    ctypes.CDLL(None).prctl({_PR_SET_PDEATHSIG}, signal.SIGTERM)\n"
    "    if os.getppid() != {parent}: os._exit(1)\n"
)


def python_prefix() -> str:
    """CODE_PREFIX for a child of this process."""
    return CODE_PREFIX.format(parent=os.getpid())


def _stop(signum: int, _frame: FrameType | None) -> None:
    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(2)
        if child.is_alive():  # pragma: no cover - a worker stuck in C code
            child.kill()
    sys.stderr.write(M.label("interrupted") + "\n")
    sys.stderr.flush()
    os._exit(128 + signum)  # no cleanup that could wait on a worker: temporaries left are swept by the next build


def stop_workers_on_signals() -> None:
    """In the main process: SIGTERM and SIGINT end the workers, then docgen, without a traceback."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)


#: The function `fork_map`'s workers run: set before they are forked, so it may be a closure over anything in memory.
_JOB: Callable[[Any], Any] | None = None


def _run_job(item: Any) -> Any:
    assert _JOB is not None
    return _JOB(item)


def fork_map(func: Callable[[_T], _R], items: Sequence[_T], workers: int | None = None, *, least: int = 0) -> list[_R]:
    """`func` over `items` in `workers` processes (None: one per core, when there are at least `least` items: fewer
    are not worth starting workers for), results in the order of `items`.

    The workers are forked when the map starts, so `func` may read whatever this process holds (the site's plan, a
    list of pages) without it being sent; only the items and the results are pickled, so both should be small. One
    worker, or one item, runs here. The workers die with docgen and collect their own garbage (`collecting_worker`)."""
    global _JOB
    if workers is None:
        workers = (os.cpu_count() or 1) if len(items) >= least else 1
    count = min(workers, len(items))
    if count <= 1:
        return [func(item) for item in items]
    _JOB = func
    try:
        context = multiprocessing.get_context("fork")
        trim_heap()
        with frozen(), ProcessPoolExecutor(count, mp_context=context, initializer=collecting_worker, initargs=(os.getpid(),)) as pool:
            # a few large items one at a time (as they come free), many small ones in chunks (each costs a round trip)
            chunk = 1 if len(items) < 1000 else len(items) // (count * 8)
            return list(pool.map(_run_job, items, chunksize=chunk))
    finally:
        _JOB = None

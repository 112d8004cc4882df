"""The status site's search index read entry by entry, never held whole.

MkDocs Material writes `search/search_index.json` (and its offline copy `search_index.js`, the same JSON after a
prefix): one object whose "docs" list holds an entry per page section. At 10,000 projects it is ~100 MB and ~170,000
entries; `json.loads` took 1.3 s and ~240 MiB on top of the site's parent, the peak of `docgen site`. The checks
before publication (site/sanitise.py's HTML check, redact.py's 涉密 scan) stream it with ijson's C parser instead:
0.6 s and well under 1 MiB (docs/performance.md). What cannot be read so — not JSON, a key given twice (json would
keep the last and the first would go unchecked), "docs" not a list, a `\\uD800`-style lone surrogate (which ijson
reads as "?") — raises `Unreadable`, and each check decides what that means (the 涉密 scan reads the file whole).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import ijson

NAMES = ("search_index.json", "search_index.js")
#: what the offline copy holds before the JSON
PREFIX = b"var __index = "
#: a JSON escape of a lone UTF-16 surrogate (a high one not followed by a low one, a low one not after a high one):
#: ijson reads it as "?", so such a file is not read entry by entry (an escaped backslash before "ud800" is taken for
#: one too: the file is then read whole, which is always right)
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
#: what every such escape starts with: a window without it holds none, and is not searched with the look-behind above
#: (a pattern that starts with one is tried at every byte: 1.7 s for a 100 MB index, against 0.03 s for this one)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_CHUNK = 1 << 20


class Unreadable(ValueError):
    """The file is not a search index that can be read entry by entry."""


def is_index(path: Path) -> bool:
    """Whether `path` is a site's search index or its offline copy (by name, in a folder named search)."""
    return path.name in NAMES and path.parent.name == "search"


def _opened(path: Path | bytes) -> BinaryIO:
    """The file positioned at its JSON (after the offline copy's prefix); bytes: that JSON."""
    handle = io.BytesIO(path) if isinstance(path, bytes) else path.open("rb")
    if handle.read(len(PREFIX)) != PREFIX:
        handle.seek(0)
    return handle


class _Refusing:
    """The JSON as it is read, refused (Unreadable) once it holds a lone surrogate escape: both the digest and the
    entries read through it, so neither check depends on the other being made first. An escape is judged once all
    it could pair with is read: the last 12 bytes wait for the next chunk (or the end), and 12 before stay as context."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.context = b""  # bytes already judged, for the look-behind
        self.held = b""  # bytes read but not yet judged

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        window = self.context + self.held + chunk
        end = len(window) - 12 if chunk else len(window)
        if _SURROGATE_ESCAPE.search(window, len(self.context)) is not None:
            for match in _LONE_SURROGATE.finditer(window, len(self.context)):
                if match.start() < end:
                    raise Unreadable("lone surrogate escape")
        end = max(end, len(self.context))
        self.context, self.held = window[max(0, end - 12) : end], window[end:]
        return chunk


def body_digest(path: Path) -> str:
    """sha256 of the JSON (the offline copy without its prefix), read in chunks; raises Unreadable when the JSON
    holds a lone surrogate escape."""
    digest = hashlib.sha256()
    with _opened(path) as handle:
        reader = _Refusing(handle)
        while chunk := reader.read(_CHUNK):
            digest.update(chunk)  # the last, empty read judges what was held back
    return digest.hexdigest()


_DOCS = object()  # the open "docs" list: its items are handed out, not kept


def read(path: Path | bytes) -> Iterator[tuple[str, Any]]:
    """("doc", entry) for each item of "docs", in order, then ("frame", the object without "docs"), values as
    json.loads gives them (floats for fractions); raises Unreadable (possibly after some items) for what is not such
    an index, a lone surrogate escape included (`_Refusing`). `path` may be the JSON itself, as bytes."""
    stack: list[Any] = []  # the open containers (dicts, lists, _DOCS)
    keys: list[Any] = []  # for each open dict, the key its next value goes under
    docs = 0  # how many times the top-level object said "docs"
    try:
        with _opened(path) as handle:
            for event, value in ijson.basic_parse(_Refusing(handle), use_float=True):
                if event == "map_key":
                    if value in stack[-1] or (len(stack) == 1 and value == "docs" and docs):
                        raise Unreadable(f"duplicate key {value!r}")
                    docs += len(stack) == 1 and value == "docs"
                    keys[-1] = value
                    continue
                if event in ("start_map", "start_array"):
                    if not stack and event != "start_map":
                        raise Unreadable("not an object")
                    if len(stack) == 1 and event == "start_array" and keys[-1] == "docs":
                        stack.append(_DOCS)
                        continue
                    stack.append({} if event == "start_map" else [])
                    if event == "start_map":
                        keys.append(None)
                    continue
                if event in ("end_map", "end_array"):
                    value = stack.pop()
                    if event == "end_map":
                        keys.pop()
                    if value is _DOCS:
                        continue
                if not stack:
                    if not docs:
                        raise Unreadable("no docs")
                    yield "frame", value
                elif stack[-1] is _DOCS:
                    yield "doc", value
                elif isinstance(stack[-1], dict):
                    if len(stack) == 1 and keys[-1] == "docs":
                        raise Unreadable("docs is not a list")
                    stack[-1][keys[-1]] = value
                else:
                    stack[-1].append(value)
    except ijson.JSONError as exc:
        raise Unreadable(str(exc).splitlines()[0] if str(exc) else "JSON") from exc
    if stack or not docs:
        raise Unreadable("incomplete")


def frame(index: dict[str, Any]) -> tuple[str, str]:
    """What json.dumps (compact, not ASCII) writes for the index object `index` before the first item of its "docs"
    and after the last: an index is written (site/pages.py `merge_search`) and checked (site/sanitise.py) as this
    frame around its pages' entries."""
    keys = list(index)
    at = keys.index("docs")

    def item(key: str) -> str:
        return json.dumps(key, ensure_ascii=False) + ":" + json.dumps(index[key], ensure_ascii=False, separators=(",", ":"))

    return "{" + "".join(item(k) + "," for k in keys[:at]) + '"docs":[', "]" + "".join("," + item(k) for k in keys[at + 1 :]) + "}"

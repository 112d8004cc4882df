"""The site's search index read entry by entry (search_index.py) gives what json.loads gives, or refuses."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen import search_index

# JSON as MkDocs could write it: no NaN/Infinity, no lone surrogates (not encodable in UTF-8); integers within 64 bits
# (yajl refuses larger ones: such an index is read whole by the 涉密 scan and refused by the HTML check)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
SCALAR = st.none() | st.booleans() | st.integers(-(2**63) + 1, 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | TEXT
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=12)


def _read(path: Path) -> tuple[list[Any], Any]:
    docs, frames = [], []
    for kind, value in search_index.read(path):
        (docs if kind == "doc" else frames).append(value)
    assert len(frames) == 1
    return docs, frames[0]


@settings(max_examples=150, deadline=None)
@given(docs=st.lists(VALUE, max_size=6), frame=st.dictionaries(TEXT.filter(lambda k: k != "docs"), VALUE, max_size=3), ascii_=st.booleans())
def test_entries_and_frame_are_what_json_loads_gives(
    tmp_path_factory: pytest.TempPathFactory, docs: list[Any], frame: dict[str, Any], ascii_: bool
) -> None:
    path = tmp_path_factory.mktemp("idx") / "search" / "search_index.json"
    path.parent.mkdir()
    text = json.dumps({**frame, "docs": docs}, ensure_ascii=ascii_)
    path.write_text(text, encoding="utf-8")
    expected = json.loads(text)
    got_docs, got_frame = _read(path)
    assert got_docs == expected.pop("docs")
    assert got_frame == expected
    # the offline copy: the same JSON after its prefix
    script = path.with_name("search_index.js")
    script.write_bytes(search_index.PREFIX + text.encode("utf-8"))
    assert _read(script) == (got_docs, got_frame)
    assert search_index.body_digest(script) == search_index.body_digest(path)


@pytest.mark.parametrize(
    "text",
    [
        '{"docs": [{"a": 1, "a": 2}]}',  # a key twice in an entry: json would keep the last
        '{"docs": [], "docs": [{"a": 1}]}',  # "docs" twice
        '{"config": 1, "config": 2, "docs": []}',
        '{"docs": {"a": 1}}',  # docs not a list
        '{"docs": 3}',
        '{"config": {}}',  # no docs
        '[{"docs": []}]',
        '"docs"',
        '{"docs": [{"a": 1}]} trailing',
        '{"docs": [{"a": 1}, {"b"',  # cut short
        "",
        "not json at all",
        '{"docs": [9223372036854775808]}',
    ],
)
def test_what_is_not_an_index_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "search_index.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(search_index.Unreadable):
        list(search_index.read(path))


def test_a_lone_surrogate_escape_is_refused_before_reading(tmp_path: Path) -> None:
    """ijson reads a lone `\\ud800` as "?": the bytes and what would be scanned would differ."""
    path = tmp_path / "search_index.json"
    path.write_text('{"docs": [{"text": "a\\ud800b"}]}', encoding="utf-8")
    with pytest.raises(search_index.Unreadable):
        search_index.body_digest(path)
    path.write_text('{"docs": [{"text": "\\udc00 after"}]}', encoding="utf-8")
    with pytest.raises(search_index.Unreadable):
        search_index.body_digest(path)
    path.write_text('{"docs": [{"text": "\\u6d89\\u5bc6 \\ud83d\\ude00"}]}', encoding="utf-8")  # a pair is one character
    search_index.body_digest(path)
    assert list(search_index.read(path)) == [("doc", {"text": "涉密 \U0001f600"}), ("frame", {})]


def test_the_entries_refuse_a_lone_surrogate_too_and_a_pair_split_between_reads_is_one_character(tmp_path: Path) -> None:
    """read() and body_digest() read through one check: neither depends on the other being called first; an escape
    is judged only once what it could pair with has been read, however the file is cut into reads."""
    path = tmp_path / "search_index.json"
    path.write_text('{"docs": [{"text": "a\\ud800b"}]}', encoding="utf-8")
    with pytest.raises(search_index.Unreadable):
        list(search_index.read(path))
    for data, lone in ((b'{"t":"\\ud83d\\ude00 x"}', False), (b'{"t":"x\\ud83d"}', True), (b'{"t":"\\udc00"}', True)):
        for size in range(1, len(data) + 2):
            assert _refused(data, size) is lone, (data, size)


def _refused(data: bytes, size: int) -> bool:
    """Whether reading `data` through the index's check, `size` bytes at a time, refuses it."""
    reader = search_index._Refusing(io.BytesIO(data))
    try:
        while reader.read(size):
            pass
    except search_index.Unreadable:
        return True
    return False


#: pieces of JSON text around surrogate escapes: high and low halves in both cases, other escapes, an escaped backslash
_PIECES = st.sampled_from([b"\\ud83d", b"\\uDBFF", b"\\ude00", b"\\uDC00", b"\\u6d89", b"\\ud7ff", b"\\\\", b"\\u", b"a", b"d8", b'"'])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12), st.integers(1, 40))
def test_the_quick_look_for_an_escape_refuses_exactly_what_the_whole_pattern_finds(pieces: list[bytes], size: int) -> None:
    """Reads are searched with the look-behind pattern only when they hold a surrogate escape's start: however the text
    is cut into reads, it is refused exactly when the pattern finds a lone surrogate in the whole text."""
    data = b"".join(pieces)
    assert _refused(data, size) is (search_index._LONE_SURROGATE.search(data) is not None), (data, size)

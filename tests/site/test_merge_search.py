"""The site's search index merged from the runs' indexes and the last index (site/pages.py `merge_search`): with the
last index's layout kept in the user's cache, the kept pages' entries are copied as the bytes they were, and the
index is byte for byte the one a merge reading every index whole writes; a layout that is not the last index's is
not used. The check before publication (site/sanitise.py) reads the index page by page as the layout cuts it, only
where it cuts it exactly."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from docgen.errors import DocgenError
from docgen.site import pages as P
from docgen.site import sanitise
from docgen.verdicts import Verdicts

CONFIG = {"lang": ["zh"], "separator": "[\\s\\u200b]+", "pipeline": ["stemmer"]}
OVERVIEWS = ["index.html", "2025-06.html", "recent.html", "guide/submit.html"]
FOLDERS = ["2025-06/101", "2025-06/102", "2025-06/公安局"]


def entries(page: str, version: int) -> list[dict[str, Any]]:
    """A page's search entries: a section per heading, text with what JSON escapes (quotes, backslashes, controls)."""
    sections = [{"location": page, "title": f"项目 {page}", "text": f'版本 {version}："引号" \\ 反斜杠\t<b>表</b>,逗号'}]
    sections += [{"location": f"{page}#执行{i}", "title": f"第{i}节", "text": "支出数 95.00" * i} for i in range(1, 3)]
    return sections


def folder_pages() -> list[str]:
    """The department folders' pages (.html) in the order `generate._folder_pages` gives them."""
    return sorted(f"{folder}/{name}.html" for folder in FOLDERS for name in ["index", "a-001", "b-002", "c-003"])


def built(target: Path, pages: list[str], version: dict[str, int], config: dict[str, Any] | None = None) -> Path:
    """A run's site folder holding the search index of `pages` (Material writes ASCII JSON)."""
    index = {"docs": [e for page in pages for e in entries(page, version.get(page, 0))]}
    if config is not None:
        index = {"config": config, **index}
    (target / "search").mkdir(parents=True)
    (target / "search" / "search_index.json").write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    (target / "search" / "search_index.js").write_text("var __index = {}", encoding="utf-8")
    return target


def merged(tmp: Path, name: str, *, old: Path | None, kept: set[str], version: dict[str, int], layout: Path | None) -> Path:
    """A site merged from a main run (the overviews) and a pages run (the folders' pages not `kept`)."""
    main = built(tmp / name / "main", OVERVIEWS, version, CONFIG)
    other = built(tmp / name / "other", [p for p in folder_pages() if p not in kept], version)
    P.merge_search(main, [other], old, kept, folder_pages(), layout)
    return main / "search"


def test_a_merge_from_the_layout_equals_one_that_reads_the_index_whole(tmp_path: Path) -> None:
    layout = tmp_path / "cache" / "search-layout.json"
    first = merged(tmp_path, "first", old=None, kept=set(), version={}, layout=layout)
    record = json.loads(layout.read_text(encoding="utf-8"))
    data = (first / "search_index.json").read_bytes()
    assert record["index"] == hashlib.sha256(data).hexdigest()
    for page, (start, end) in record["pages"].items():  # each page's entries, where the layout says
        assert json.loads(b"[" + data[start:end] + b"]") == entries(page, 0)
    assert (first / "search_index.js").read_bytes() == b"var __index = " + data

    # one project and its department's page built again, every other page of the folders kept from the first index
    changed = {"2025-06/102/b-002.html": 1, "2025-06/102/index.html": 1, "2025-06.html": 1}
    kept = {p for p in folder_pages() if p not in changed}
    spans = P._kept_spans(first / "search_index.json", layout, kept)
    assert spans is not None and set(spans[1]) == kept  # the kept pages' entries are taken as they stand
    saved = tmp_path / "saved.json"
    shutil.copy(layout, saved)
    copied = merged(tmp_path, "copied", old=first / "search_index.json", kept=kept, version=changed, layout=layout)
    whole = merged(tmp_path, "whole", old=first / "search_index.json", kept=kept, version=changed, layout=None)
    assert (copied / "search_index.json").read_bytes() == (whole / "search_index.json").read_bytes()
    assert (copied / "search_index.js").read_bytes() == (whole / "search_index.js").read_bytes()
    cold = merged(tmp_path, "cold", old=None, kept=set(), version=changed, layout=None)
    assert (copied / "search_index.json").read_bytes() == (cold / "search_index.json").read_bytes()
    now = json.loads(layout.read_text(encoding="utf-8"))
    assert now["index"] == hashlib.sha256((copied / "search_index.json").read_bytes()).hexdigest()
    assert now != json.loads(saved.read_text(encoding="utf-8"))


def test_a_layout_not_of_the_last_index_is_not_used(tmp_path: Path) -> None:
    """Another index's layout, one cut short, or spans that do not fall on a page's entries: the last index is read
    whole, and the merge is the same."""
    layout = tmp_path / "search-layout.json"
    first = merged(tmp_path, "first", old=None, kept=set(), version={}, layout=layout)
    index = first / "search_index.json"
    good = json.loads(layout.read_text(encoding="utf-8"))
    kept = {p for p in folder_pages() if not p.startswith("2025-06/101/")}
    page = "2025-06/102/a-001.html"
    start, end = good["pages"][page]
    damaged: list[Any] = [
        {**good, "index": "0" * 64},  # made for another index
        {**good, "pages": {**good["pages"], page: [start + 1, end]}},  # not where the page's entries begin
        {**good, "pages": {**good["pages"], page: [start, end - 1]}},  # not where they end
        {**good, "pages": {**good["pages"], page: [start, "end"]}},
        {**good, "pages": {**good["pages"], page: [start, len(index.read_bytes()) + 5]}},
        {**good, "pages": {**good["pages"], page: good["pages"]["2025-06/102/b-002.html"]}},  # another page's entries
        ["not", "a", "record"],
    ]
    whole = merged(tmp_path, "whole", old=index, kept=kept, version={}, layout=None)
    for n, record in enumerate(damaged):
        layout.write_text(json.dumps(record), encoding="utf-8")
        assert P._kept_spans(index, layout, kept) is None, record
        again = merged(tmp_path, f"again{n}", old=index, kept=kept, version={}, layout=layout)
        assert (again / "search_index.json").read_bytes() == (whole / "search_index.json").read_bytes()
    layout.write_text(json.dumps(good)[:-20], encoding="utf-8")  # cut short
    assert P._kept_spans(index, layout, kept) is None


def checked(index: Path, layout: Path | None, known: set[str]) -> set[str]:
    """What the search index check found clean (by digest), given what was found clean before."""
    verdicts = Verdicts(None, "sanitise", sanitise.basis())
    verdicts.known = set(known)
    sanitise._check_index(index, index.parent.parent, verdicts, workers=1, layout=layout)
    return verdicts.clean


def test_the_check_reads_only_the_pages_entries_not_found_clean_before(tmp_path: Path) -> None:
    """The index is checked page by page as the merge's layout cuts it: after an edit, the pages it changed; a hole in
    a page's entries fails the check, naming it."""
    layout = tmp_path / "search-layout.json"
    first = merged(tmp_path, "first", old=None, kept=set(), version={}, layout=layout)
    pieces = checked(first / "search_index.json", layout, set())
    assert len(pieces) == len(OVERVIEWS) + len(folder_pages())  # a digest a page, none an entry
    assert checked(first / "search_index.json", None, set()).isdisjoint(pieces)  # entry by entry without the layout

    kept = {p for p in folder_pages() if p != "2025-06/102/b-002.html"}
    again = merged(tmp_path, "again", old=first / "search_index.json", kept=kept, version={"2025-06/102/b-002.html": 1}, layout=layout)
    now = checked(again / "search_index.json", layout, pieces)
    assert len(now - pieces) == 1 and len(now) == len(pieces)

    hole = '<img src=x onerror="alert(1)">'
    text = (again / "search_index.json").read_text(encoding="utf-8").replace("版本 1", hole.replace('"', '\\"'))
    (again / "search_index.json").write_text(text, encoding="utf-8")
    record = json.loads(layout.read_text(encoding="utf-8"))
    shift = len(hole.replace('"', '\\"').encode()) - len("版本 1".encode())
    for span in record["pages"].values():  # the layout of the index with the hole, as a merge would have written it
        span[0] += shift if span[0] > record["pages"]["2025-06/102/b-002.html"][0] else 0
        span[1] += shift if span[1] > record["pages"]["2025-06/102/b-002.html"][0] else 0
    layout.write_text(json.dumps(record), encoding="utf-8")
    assert sanitise._cuts(again / "search_index.json", layout) is not None
    with pytest.raises(DocgenError, match="b-002"):
        checked(again / "search_index.json", layout, now)


def test_a_layout_that_does_not_cut_the_index_into_pages_is_not_used(tmp_path: Path) -> None:
    """A layout that is not this index's, pieces that do not follow one another a comma apart, pieces that are not lists of
    entries, or what stands around them not an index without entries as json.dumps writes it (a second "docs"
    holding the pieces): the index is read entry by entry, and what is wrong with it is found there."""
    layout = tmp_path / "search-layout.json"
    first = merged(tmp_path, "first", old=None, kept=set(), version={}, layout=layout)
    index = first / "search_index.json"
    data = index.read_bytes()
    good = json.loads(layout.read_text(encoding="utf-8"))
    spans = sorted(good["pages"].values())
    entry = data.index(b"},{", spans[0][0]) + 1  # the end of the first page's first entry
    comma = data.index(",逗号".encode(), spans[0][0])  # a comma inside its text
    damaged = [
        {**good, "pages": {p: [s + 1, e + 1] for p, (s, e) in good["pages"].items()}},  # another index's
        {**good, "pages": {**good["pages"], "x": [spans[-1][1] + 1, spans[-1][1] + 2]}},  # past the last piece
        {**good, "pages": {"a": [spans[0][0], entry], "b": [entry + 2, spans[-1][1]]}},  # a piece's start skipped
        {**good, "pages": {"a": [spans[0][0], comma], "b": [comma + 1, spans[-1][1]]}},  # cut inside a text
    ]
    for record in damaged:
        layout.write_text(json.dumps(record), encoding="utf-8")
        clean = checked(index, layout, set())
        assert clean == checked(index, None, set()), record  # entry by entry

    # the pieces inside a second "docs" after an empty one: the first is the one json.loads would not keep
    forged = b'{"docs":[],"docs":[' + data[spans[0][0] : spans[-1][1]] + b"]}"
    index.write_bytes(forged)
    offset = len(b'{"docs":[],"docs":[') - spans[0][0]
    record = {"index": hashlib.sha256(forged).hexdigest(), "pages": {p: [s + offset, e + offset] for p, (s, e) in good["pages"].items()}}
    layout.write_text(json.dumps(record), encoding="utf-8")
    assert sanitise._cuts(index, layout) is None
    with pytest.raises(DocgenError, match=r"search_index\.json"):
        checked(index, layout, set())

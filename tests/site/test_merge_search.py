"""The site's search index merged from the runs' indexes and the last index (site/pages.py `merge_search`): with the
last index's layout kept in the user's cache, the kept pages' entries are copied as the bytes they were, and the
index is byte for byte the one a merge reading every index whole writes; a layout that is not the last index's is
not used."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from docgen.site import pages as P

CONFIG = {"lang": ["zh"], "separator": "[\\s\\u200b]+", "pipeline": ["stemmer"]}
OVERVIEWS = ["index.html", "2025-06.html", "recent.html", "guide/submit.html"]
FOLDERS = ["2025-06/101", "2025-06/102", "2025-06/公安局"]


def entries(page: str, version: int) -> list[dict[str, Any]]:
    """A page's search entries: a section per heading, text with what JSON escapes (quotes, backslashes, controls)."""
    sections = [{"location": page, "title": f"项目 {page}", "text": f'版本 {version}："引号" \\ 反斜杠\t<b>表</b>'}]
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

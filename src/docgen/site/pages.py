"""The department folders' pages rendered through MkDocs' own page machinery, set up once, without a full MkDocs run.

Runs in a child process of `docgen site` (`generate.run_mkdocs`), so MkDocs' memory never is docgen's. A full
`mkdocs build` per batch of pages re-loaded the config, theme and plugins and listed and matched every page of the
site each time (~1.1 CPU s a run at 10,000 projects, ~25 runs), and kept every page of its batch converted until the
end. Here the config is loaded, the plugins started, the files and navigation built and the theme's environment made
once; forked workers then do for each page what `mkdocs.commands.build.build` does for it (`_populate_page`:
on_pre_page, read, on_page_markdown, render, on_page_content; `_build_page`: context, on_page_context — where the
search plugin indexes it —, main.html, on_post_page, write) and forget it. The search entries of the pages go into
`search/search_index.json` under the target folder, as a run's would, for `generate._merge_search`.

The machinery used is MkDocs 1.6's (semi-public functions of mkdocs.commands.build, the search plugin's SearchIndex):
when it is not as expected the child exits with FALLBACK and docgen builds the pages in full MkDocs runs instead.
Warnings are not shown and do not fail the build, as in `mkdocs build --strict --quiet` (quiet silences them before
strict can count them). Imports nothing of docgen but `children` and `htmlscan`, so that the child starts light.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import inspect
import json
import logging
import os
import posixpath
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Exit status meaning: MkDocs is not the version this module drives; build these pages in full runs instead.
FALLBACK = 3
#: Pages one worker renders per task: enough to make the round trip cheap, few enough to balance two workers.
CHUNK = 25


class _Unexpected(Exception):
    """MkDocs' machinery is not what this module was written against."""


class _Renderer:
    """MkDocs set up once for a site (config, plugins, files, navigation, theme environment), rendering pages one by
    one into its site_dir."""

    def __init__(self, config_file: str, site_dir: str) -> None:
        import mkdocs
        from mkdocs.commands import build
        from mkdocs.config import load_config
        from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
        from mkdocs.structure.nav import get_navigation
        from mkdocs.structure.pages import Page

        if not mkdocs.__version__.startswith("1.6."):
            raise _Unexpected(mkdocs.__version__)
        expected = {
            "_populate_page": ["page", "config", "files", "dirty"],
            "_build_page": ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"],
        }
        for name, params in expected.items():
            function = getattr(build, name, None)
            if function is None or list(inspect.signature(function).parameters) != params:
                raise _Unexpected(name)
        self.build = build
        self.page_class = Page
        logger = logging.getLogger("mkdocs")  # as `mkdocs --quiet`: errors only, not passed to the root logger
        logger.setLevel(logging.ERROR)
        logger.propagate = False
        logger.addHandler(logging.StreamHandler(sys.stderr))
        _skip_raw_html_anchors()
        _scan_own_html()
        config = load_config(config_file, site_dir=site_dir, strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        # what build.build does before it reads the first page, in its order
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        env = config.plugins.on_env(env, config=config, files=files)
        self.search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(self.search, "search_index", None)
        if self.search is not None and not isinstance(getattr(index, "entries", None), list):
            raise _Unexpected("search index")
        self.config, self.files, self.nav, self.env = config, files, nav, env
        self.doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        self.included = {f.src_uri for f in self.doc_files}

    def render(self, page: str) -> list[dict[str, Any]]:
        """Build one page (its docs-relative path) into site_dir; its search entries."""
        file = self.files.get_file_from_path(page) if page in self.included else None
        if file is None:
            raise _Unexpected(page)
        if file.page is None:
            self.page_class(None, file, self.config)
        assert file.page is not None
        index = self.search.search_index if self.search is not None else None
        before = len(index.entries) if index is not None else 0
        self.build._populate_page(file.page, self.config, self.files)
        self.build._build_page(file.page, self.config, self.doc_files, self.nav, self.env)
        entries: list[dict[str, Any]] = []
        if index is not None:
            entries = index.entries[before:]
            del index.entries[before:]
        file.page.markdown = file.page.content = None  # done with: a worker holds one page at a time
        return entries

    def close(self) -> None:
        self.config.plugins.on_shutdown()


def _skip_raw_html_anchors() -> None:
    """MkDocs parses each page's raw HTML once more only to collect the ids in it (pages._RawHTMLPreprocessor), for
    the anchor checks, whose findings are warnings, which `--quiet` drops: a tenth of a page's CPU for nothing on
    docgen's pages, which are mostly HTML tables. Its lines pass through unchanged either way."""
    from mkdocs.structure import pages

    preprocessor = getattr(pages, "_RawHTMLPreprocessor", None)
    if preprocessor is None or not callable(getattr(preprocessor, "run", None)):
        raise _Unexpected("_RawHTMLPreprocessor")
    preprocessor.run = lambda self, lines: lines


def _scan_own_html() -> None:
    """md_in_html's raw blocks and the search plugin's sections read from the page's HTML without html.parser when
    it is docgen's own well-formed HTML (site/htmlscan.py: the same stash, the same handler calls); by html.parser
    otherwise. Half of a page's CPU was those two parses."""
    from markdown.extensions import md_in_html  # type: ignore[import-untyped]
    from material.plugins.search import plugin as search  # type: ignore[import-untyped]

    from . import htmlscan

    blocks = getattr(md_in_html, "HtmlBlockPreprocessor", None)
    parser = getattr(search, "Parser", None)
    if blocks is None or not callable(getattr(blocks, "run", None)) or parser is None or not getattr(parser(), "convert_charrefs", False):
        raise _Unexpected("md_in_html or search parser")
    parse_blocks = blocks.run

    def run(self: Any, lines: list[str]) -> list[str]:
        text = htmlscan.raw_blocks(self.md, "\n".join(lines))
        return parse_blocks(self, lines) if text is None else text.split("\n")

    class Parser(parser):  # type: ignore[misc,valid-type]
        def feed(self, data: str) -> None:
            if not htmlscan.feed(self, data):
                super().feed(data)

    blocks.run = run
    search.Parser = Parser


def quicken() -> None:
    """The renderer's two shortcuts in a full MkDocs run: the main run builds the home and period pages, a row per
    project each (~60 % of its CPU in html.parser at 10,000 projects). A MkDocs not as expected runs without them."""
    for shortcut in (_skip_raw_html_anchors, _scan_own_html):
        with contextlib.suppress(_Unexpected):
            shortcut()


_RENDERER: _Renderer | None = None


def _render_chunk(pages: list[str]) -> str:
    """A worker's task: render `pages`; their search entries as the inside of a JSON list (empty: none)."""
    from ..children import collection

    assert _RENDERER is not None
    with collection(True):  # MkDocs makes a Markdown converter, full of cycles, per page
        entries = [entry for page in pages for entry in _RENDERER.render(page)]
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":"))[1:-1]


def render_pages(config_file: str, site_dir: str, pages: list[str], workers: int | None = None) -> None:
    """Render `pages` into `site_dir` and write their search entries to site_dir/search/search_index.json."""
    from ..children import fork_map

    global _RENDERER
    _RENDERER = _Renderer(config_file, site_dir)
    try:
        import jieba  # type: ignore[import-untyped]

        jieba.initialize()  # the search plugin's dictionary, loaded once before the workers are forked
    except ImportError:
        pass
    gc.collect()
    gc.freeze()  # what every worker inherits is never walked by their collections (nor copied by them)
    chunks = [pages[i : i + CHUNK] for i in range(0, len(pages), CHUNK)]
    parts = fork_map(_render_chunk, chunks, workers)
    _RENDERER.close()
    _RENDERER = None
    target = Path(site_dir) / "search"
    target.mkdir(parents=True, exist_ok=True)
    (target / "search_index.json").write_text('{"docs":[' + ",".join(p for p in parts if p) + "]}", encoding="utf-8")


def main(argv: list[str]) -> int:
    """`python -c ... config_file site_dir pages.json`: the pages listed (a JSON list of docs-relative paths)."""
    config_file, site_dir, listing = argv
    pages = json.loads(Path(listing).read_text(encoding="utf-8"))
    try:
        render_pages(config_file, site_dir, pages, os.cpu_count())
    except _Unexpected as problem:
        sys.stderr.write(f"unexpected MkDocs: {problem}\n")
        return FALLBACK
    return 0


def _page(doc: dict[str, Any]) -> str:
    """The page (its .html) a search entry belongs to."""
    return str(doc.get("location", "")).split("#")[0]


def _kept_spans(old: Path, layout: Path | None, kept: set[str]) -> tuple[bytes, dict[str, tuple[int, int]]] | None:
    """The last site's index (`old`) as bytes, and where in it the entries of each `kept` page stand, from the layout
    `merge_search` recorded when it wrote that very index (the record names its digest: an index changed since, a
    record damaged or made for another index is a miss). A kept page the layout does not name had no entries. None:
    read the index whole instead."""
    if layout is None:
        return None
    try:
        record = json.loads(layout.read_bytes())
        data = old.read_bytes()
    except (OSError, ValueError):
        return None
    spans = record.get("pages") if isinstance(record, dict) else None
    if not isinstance(spans, dict) or record.get("index") != hashlib.sha256(data).hexdigest():
        return None
    found: dict[str, tuple[int, int]] = {}
    for page in kept:
        span = spans.get(page)
        if span is None:
            continue
        if not (isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span) and 0 < span[0] < span[1] < len(data)):
            return None
        start, end = span
        head = b'{"location":' + json.dumps(page, ensure_ascii=False)[:-1].encode("utf-8", "surrogatepass")
        if data[start - 1 : start] not in (b"[", b",") or data[end : end + 1] not in (b",", b"]") or not data.startswith(head, start):
            return None
        found[page] = (start, end)
    return data, found


def merge_search(
    main: Path,
    others: Iterable[Path],
    old: Path | None = None,
    kept: Iterable[str] = (),
    pages: Iterable[str] = (),
    layout: Path | None = None,
) -> None:
    """One search index for the whole site in `main`, from the runs' indexes (in `others`) and the entries of the `kept`
    pages (their .html) in the last site's index `old`; the offline copy (search_index.js) too. The department
    folders' pages' entries follow the main run's, page by page in the order of `pages` (their .html), so an index
    assembled from kept and rebuilt pages equals a cold build's.

    `layout`: a file in the user's cache for the index's layout (the bytes each page's entries span in it): the kept
    pages' entries are copied from the last index as they were written (`_kept_spans`), not decoded and encoded again,
    and the new index's layout is recorded there.

    Runs in a child of docgen (`generate._merge_search`): the index of a site of 10,000 projects is ~100 MB of JSON,
    ~300 MiB while it is read, which docgen's own process, holding the site's plan, is spared."""
    from .. import search_index

    index_file = main / "search" / "search_index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    entries: dict[str, list[Any]] = {}  # each page's entries in the order they came (a page is built in one place)
    for other in [None, *others]:
        docs = index["docs"] if other is None else json.loads((other / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
        for doc in docs:
            entries.setdefault(_page(doc), []).append(doc)
        del docs
    locations = set(kept)
    data, spans = b"", dict[str, tuple[int, int]]()
    if old is not None and locations:
        known = _kept_spans(old, layout, locations)
        if known is not None:
            data, spans = known
        else:
            for doc in json.loads(old.read_text(encoding="utf-8"))["docs"]:
                if isinstance(doc, dict) and _page(doc) in locations:
                    entries.setdefault(_page(doc), []).append(doc)
    order = {page: i for i, page in enumerate(pages) if posixpath.basename(page) != "index.html"}

    def place(page: str) -> tuple[int, Any]:
        """The project pages after every other page, in `pages` order; the others (the department pages, built beside
        the main run, too) where one MkDocs run puts them: by folder, a folder's index first (mkdocs file_sort_key)."""
        if page in order:
            return (1, order[page])
        parts = page.split("/")
        return (0, (parts[:-1], parts[-1] != "index.html", parts[-1]))

    # the text json.dumps gives for the whole index, written piece by piece: the object around "docs", then each
    # page's entries, encoded here or copied as they stand in the last index
    head, tail = search_index.frame(index)
    script = main / "search" / "search_index.js"
    outputs = [index_file.open("wb")]
    if script.exists():
        outputs.append(script.open("wb"))
        outputs[1].write(b"var __index = ")
    digest = hashlib.sha256()
    where: dict[str, list[int]] = {}
    size = 0
    try:

        def write(chunk: bytes) -> None:
            nonlocal size
            for out in outputs:
                out.write(chunk)
            digest.update(chunk)
            size += len(chunk)

        write(head.encode("utf-8"))
        for n, page in enumerate(sorted(entries.keys() | spans.keys(), key=place)):
            if n:
                write(b",")
            start = size
            if page in spans:
                write(data[slice(*spans[page])])
            else:
                write(json.dumps(entries.pop(page), ensure_ascii=False, separators=(",", ":"))[1:-1].encode("utf-8"))
            where[page] = [start, size]
        write(tail.encode("utf-8"))
    finally:
        for out in outputs:
            out.close()
    if layout is not None:
        _record_layout(layout, {"index": digest.hexdigest(), "pages": where})


def _record_layout(layout: Path, record: dict[str, Any]) -> None:
    """Keep the index's layout in the user's cache; one that cannot be written costs the next merge a full read."""
    from ..output import write_text

    with contextlib.suppress(OSError):
        write_text(layout, json.dumps(record, ensure_ascii=False))


def merge_main(argv: list[str]) -> int:
    """`python -c ... merge.json`: `merge_search` with the arguments written there."""
    (listing,) = argv
    args = json.loads(Path(listing).read_text(encoding="utf-8"))
    old = Path(args["old"]) if args["old"] else None
    layout = Path(args["layout"]) if args.get("layout") else None
    merge_search(Path(args["main"]), [Path(p) for p in args["others"]], old, args["kept"], args["pages"], layout)
    return 0

"""The second line of defence: every built page is checked with an HTML sanitiser, and the build fails on a change.

The first line is escaping by construction (escape.py, the site's Jinja environment). This module does not repair
pages: if the sanitiser would remove anything from docgen's content, a user's text got through as markup somewhere,
and publishing the page would publish the hole. `docgen site` stops with the page's name instead.

What is checked, and why not the whole page with one allow-list:
- the content region (`<article class="md-content__inner md-typeset">`): everything docgen writes and every user
  text lands here. It is cleaned with nh3 (Rust's ammonia) under an allow-list of exactly the tags and attributes
  docgen's pages and Python-Markdown produce (measured on the demo's site), with no `on*` attribute and no URL
  scheme but http(s)/mailto (relative links allowed). The same fragment is cleaned once more with everything it
  holds allowed: both go through one HTML serialiser, so they differ exactly when the allow-list removed something.
- the theme's shell (head, header, navigation, search, footer): Material's own template, with its inline scripts
  and icons; an allow-list for it would be a copy of Material. User text reaches it only as the page title, which
  docgen's theme override escapes. It is checked for what would run: no `on*` attribute, no javascript:/data:/
  vbscript: URL, no script but the site's own assets and Material's three known inline scripts, no frame/object.
- the search index: Material shows each entry's title and text as HTML, so they get the content check.
- the sitemap: must stay well-formed XML (only page URLs are in it).
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import nh3
from selectolax.lexbor import LexborHTMLParser

from .. import messages as M
from .. import search_index
from ..children import fork_map
from ..errors import DocgenError
from ..verdicts import Verdicts

#: Tags of the content region: Python-Markdown (tables, admonition, details, toc permalinks) and docgen's templates
#: (cards, forms, timelines, inline SVG charts). Measured on the demo's site; nothing that can run or load.
TAGS = frozenset(
    {"a", "b", "blockquote", "br", "code", "col", "colgroup", "details", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6"}
    | {"hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead"}
    | {"tr", "ul", "svg", "line", "rect", "text", "title", "polyline", "circle"}
)
_SHARED = {"class", "id", "title", "role", "aria-label", "data-search-exclude", "data-sort", "data-sort-method"}
ATTRIBUTES = {
    "*": _SHARED,
    "a": {"href", "download"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "span": {"style"},  # the progress bars' width and marker position, written by charts.progress
    "svg": {"viewBox", "viewbox", "width", "xmlns", "preserveAspectRatio", "preserveaspectratio"},
    "line": {"x1", "x2", "y1", "y2"},
    "rect": {"x", "y", "width", "height", "rx"},
    "text": {"x", "y", "text-anchor"},
    "polyline": {"points"},  # the trend charts (charts.trend_chart)
    "circle": {"cx", "cy", "r"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*)(</article>)', re.S)
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"}
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_BAD_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.I)
#: Never in a page: frames and plug-ins; a frameset (which replaces the body it follows); a template (its content,
#: a declarative shadow root, is outside the tree a walk sees).
_FORBIDDEN = {"iframe", "frame", "frameset", "object", "embed", "base", "applet", "template"}
#: What a browser ignores in a URL before reading its scheme: C0 controls and spaces at either end, tabs and line
#: breaks anywhere (the WHATWG URL parser), so "&#1;java&#9;script:" is a javascript: URL.
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_INSIDE = re.compile(r"[\t\n\r]")
#: A script from another site: any scheme, or a network-path reference (two slashes or backslashes, as browsers read).
_OFF_SITE = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2})")
#: Material's inline scripts (base.html): the page's scope, the anchor fix, and its JSON configuration.
_THEME_SCRIPTS = ("__md_scope=", "var target=document.getElementById(location.hash")


#: Anything a tokenizer could take for a start tag's name, wherever it stands (raw text included): unioned into a
#: fragment's tags so that "everything it holds" never misses one that a parser in another context would see.
_TAG_LIKE = re.compile(r"<([A-Za-z][^\t\n\f\r />]*)")
#: The same for attribute names given a value (`name=`), anywhere in the fragment: a superset of its attributes.
_ATTRIBUTE_LIKE = re.compile(r"""[\t\n\f\r /"']([^\t\n\f\r /"'<>=]+)[\t\n\f\r ]*=""")
#: Markup that must never stand in docgen's content, in whatever context a parser would put it: user text is escaped
#: there, so even inside a <title> (where a browser reads it as text) it means a text got through as markup.
_RAW_DANGER = re.compile(r"<\s*/?\s*(?:script|iframe|frame|frameset|object|embed|base|applet|style|meta|link|template|noscript)\b", re.I)


def _url(value: str) -> str:
    """An attribute's URL as a browser reads it before its scheme (`_URL_EDGES`, `_URL_INSIDE`)."""
    return _URL_INSIDE.sub("", value).strip(_URL_EDGES)


class _Inventory:
    """Every tag, attribute and URL scheme of a fragment; and, for a whole page, whatever would run.

    Parsed by lexbor (selectolax), an HTML parser that follows the WHATWG parsing rules as browsers and nh3's
    html5ever do, so what it sees is what a browser builds; Python's html.parser, used before, is not one and cost
    ~8 ms a page (a tenth of that here). Names are kept as parsed and lower-cased (SVG's `viewBox`)."""

    def __init__(self, html: str, fragment: bool) -> None:
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.schemes: set[str] = set()
        self.problems: list[str] = []
        # as a browser reads it: scripting on (a <noscript>'s content is text); a fragment in a <div>, not a document
        # (where a leading <frameset> would replace the body and hide everything after it)
        root = LexborHTMLParser(html, is_fragment=fragment, scripting=True).root
        tags, names = self.tags, self.attributes
        for node in root.traverse(include_text=False) if root is not None else ():
            tag = node.tag
            if not tag or tag[0] in "-_!":  # text, comment and doctype nodes
                continue
            tags.add(tag)
            attrs = node.attributes
            for name, value in attrs.items():
                names.add(name)
                if value and ":" in value:
                    value = _url(value)
                    scheme = _SCHEME.match(value)
                    if scheme:
                        self.schemes.add(scheme[1].lower())
                    if name.lower() in _URL_ATTRIBUTES and _BAD_URL.match(value):
                        self.problems.append(f"<{tag} {name}={value[:20]}>")
                if name[:2].lower() == "on":
                    self.problems.append(f"<{tag} {name}>")
            if tag.lower() in _FORBIDDEN:
                self.problems.append(f"<{tag}>")
            if tag.lower() == "script":
                self._script(attrs, node.text(deep=True))
        tags |= {tag.lower() for tag in tags}
        names |= {name.lower() for name in names}

    def _script(self, attrs: dict[str, str | None], data: str) -> None:
        src = attrs.get("src")
        if src is not None:
            if _OFF_SITE.match(_url(src)) or "assets/" not in src:
                self.problems.append(f"<script src={src[:40]}>")
            return
        if not data.strip() or (attrs.get("type") == "application/json" and attrs.get("id") == "__config"):
            return
        if not data.strip().startswith(_THEME_SCRIPTS):
            self.problems.append(f"<script>{data.strip()[:40]}")


@functools.lru_cache(maxsize=1)
def _allow_list() -> nh3.Cleaner:
    """The allow-list, made once a process: converting its sets on every call was 4/5 of a small fragment's cost."""
    return nh3.Cleaner(tags=set(TAGS), attributes=ATTRIBUTES, url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True)


@functools.lru_cache(maxsize=512)
def _allowing(tags: frozenset[str], attributes: frozenset[str], schemes: frozenset[str]) -> nh3.Cleaner:
    """A cleaner allowing everything named (most fragments hold the same few tags: made once for each set)."""
    return nh3.Cleaner(
        tags=set(tags | TAGS),
        clean_content_tags=set(),
        attributes={"*": set(attributes | _SHARED), **ATTRIBUTES},
        url_schemes=set(schemes | URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def clean_content(fragment: str) -> str:
    """The fragment as the allow-list keeps it (nh3): no script, no event handler, no javascript:/data: URL."""
    return _allow_list().clean(fragment)


def content_changed(fragment: str) -> bool:
    """Would the allow-list remove anything? Compared with the same serialiser allowing all the fragment holds.

    Event handlers and script URLs are also looked for directly: nh3 drops some of them even when allowed, so the
    comparison alone would not see them. A fragment without "<" holds no tag, attribute or comment: both cleanings
    of it are the same serialisation of the same text, so it is not parsed (a third of the search entries).
    """
    if "<" not in fragment:
        return False
    try:
        fragment.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (from a search index's JSON): nothing docgen writes
        return True
    found = _Inventory(fragment, fragment=True)
    if found.problems or _RAW_DANGER.search(fragment):
        return True
    tags = found.tags | {name.lower() for name in _TAG_LIKE.findall(fragment)}
    attributes = found.attributes | set(_ATTRIBUTE_LIKE.findall(fragment))
    everything = _allowing(frozenset(tags), frozenset(attributes), frozenset(found.schemes)).clean(fragment)
    return clean_content(fragment) != everything


def page_problem(html: str) -> str | None:
    """What is wrong with one built page (None: nothing): its content would be changed, or its shell would run code."""
    match = _ARTICLE.search(html)
    # with its closing tag: a tag left open at the end of the content is closed by what follows it in the page
    if match is not None and content_changed(match[2] + match[3]):
        return M.site_label("unsafe_content")
    shell = html if match is None else html[: match.start(2)] + html[match.end(2) :]
    problems = _Inventory(shell, fragment=False).problems
    return problems[0] if problems else None


def basis() -> str:
    """What a page's verdict rests on besides docgen's own code (verdicts.Verdicts): the sanitiser's version."""
    return f"nh3 {version('nh3')} selectolax {version('selectolax')}"


#: The fewest pages worth checking on every core (forking the workers costs a few tens of milliseconds).
PARALLEL_FROM = 200


def _entry_problem(texts: list[str]) -> str | None:
    return M.site_label("unsafe_content") if any(content_changed(text) for text in texts) else None


#: search entries checked at once (by both cores): the index is read one entry at a time (search_index.py, ~170,000
#: entries at 10,000 projects), and only a batch of those not known is held
_INDEX_BATCH = 30_000


#: what a piece of the search index (a page's entries, `_cuts`) is found clean as: apart from single entries
_PIECE = b"search-piece\0"


#: the most bytes the index's frame (what stands before and after its entries: its config) is read with
_FRAME = 1 << 20


def _cuts(index: Path, layout: Path | None) -> list[tuple[int, int]] | None:
    """Where the search index holds each page's entries, as the merge that wrote it recorded (site/pages.py
    `merge_search`, the layout kept in the user's cache), when the record cuts this very index so: before the first
    piece and after the last stands what json.dumps writes for an index without entries (search_index.frame), and the
    pieces follow one another a comma apart (`_pieces` reads the commas). JSON reads a list's items the same whatever
    stands around the list, so each piece read alone gives the entries the whole file gives there. None: read it entry
    by entry. Only the frame is read here: the index (~100 MB) is never held whole."""
    if layout is None:
        return None
    try:
        record = json.loads(layout.read_bytes())
    except (OSError, ValueError):
        return None
    spans = record.get("pages") if isinstance(record, dict) else None
    if not isinstance(spans, dict) or not spans:
        return None
    cuts = list(spans.values())
    if not all(isinstance(cut, list) and len(cut) == 2 and all(type(x) is int for x in cut) and 0 < cut[0] < cut[1] for cut in cuts):
        return None
    cuts.sort()
    if any(after[0] != before[1] + 1 for before, after in itertools.pairwise(cuts)):
        return None
    try:
        with index.open("rb") as handle:
            if cuts[0][0] > _FRAME or os.fstat(handle.fileno()).st_size - cuts[-1][1] > _FRAME:
                return None
            head = handle.read(cuts[0][0])
            handle.seek(cuts[-1][1])
            tail = handle.read()
        outside = json.loads(head + tail)
        if not isinstance(outside, dict) or outside.get("docs") != [] or search_index.frame(outside) != (head.decode(), tail.decode()):
            return None
    except (OSError, ValueError):  # not JSON, not UTF-8
        return None
    return [(start, end) for start, end in cuts]


def _pieces(index: Path, cuts: list[tuple[int, int]]) -> Iterator[bytes]:
    """The pieces `cuts` names, read one at a time; raises Unreadable where they are not a comma apart."""
    with index.open("rb") as handle:
        handle.seek(cuts[0][0])
        for n, (start, end) in enumerate(cuts):
            if (n and handle.read(1) != b",") or handle.tell() != start:
                raise search_index.Unreadable("not cut into pieces")
            piece = handle.read(end - start)
            if len(piece) != end - start:
                raise search_index.Unreadable("cut short")
            yield piece


def _check_index(index: Path, output: Path, known: Verdicts | None, workers: int | None, layout: Path | None = None) -> None:
    """Every entry of the site's search index checked as a page's text would be (its title and text); raise naming the
    first bad one, or the index itself when it cannot be read entry by entry (not JSON, a key given twice...).

    With `layout` (the merge's, `_cuts`), a page's entries found clean before (by the digest of their bytes) are
    not read again: after one edit, the entries of the pages it changed are."""
    where = index.relative_to(output).as_posix()
    entries: list[tuple[str, list[str], str]] = []  # (location, title and text, content digest) of those not known
    pieces: list[str] = []  # the digests of the pieces whose entries are in `entries`

    def check() -> None:
        found = fork_map(lambda entry: _entry_problem(entry[1]), entries, workers, least=PARALLEL_FROM * 30)
        for (location, _, content), problem in zip(entries, found, strict=True):
            if problem is not None:
                raise DocgenError(M.site_label("unsafe_page", page=f"{where}（{location}）", problem=problem))
            if known is not None and content:
                known.passed(content)
        for content in pieces:
            assert known is not None
            known.passed(content)
        entries.clear()
        pieces.clear()

    def add(doc: Any, alone: bool) -> None:
        """Queue an entry unless found clean before: by its own digest (`alone`), or as part of a piece (not)."""
        if not isinstance(doc, dict):
            raise search_index.Unreadable("an entry is not an object")
        texts = [str(doc.get(key, "")) for key in ("title", "text")]
        content = Verdicts.of("\0".join(["search", *texts]).encode("utf-8", "surrogatepass")) if alone and known is not None else ""
        if not content or known is None or not known.seen(content):
            entries.append((str(doc.get("location", "")), texts, content))

    cut = _cuts(index, layout) if known is not None else None
    try:
        for piece in _pieces(index, cut) if cut is not None else ():
            assert known is not None
            content = Verdicts.of(_PIECE + piece)
            if known.seen(content):
                continue
            for kind, doc in search_index.read(b'{"docs":[' + piece + b"]}"):
                if kind == "doc":
                    add(doc, False)
            pieces.append(content)
            if len(entries) >= _INDEX_BATCH:
                check()
    except search_index.Unreadable:  # not cut into lists of entries after all: read the index whole
        entries.clear()
        pieces.clear()
        cut = None
    try:
        for kind, doc in search_index.read(index) if cut is None else ():
            if kind != "doc":
                continue
            add(doc, True)
            if len(entries) >= _INDEX_BATCH:
                check()
    except search_index.Unreadable as exc:
        raise DocgenError(M.site_label("unreadable_index", page=where, reason=str(exc))) from exc
    check()


def check_site(output: Path, known: Verdicts | None = None, workers: int | None = 1, layout: Path | None = None) -> int:
    """Check every page, the search index and the sitemap of a built site; raise naming the first bad page.

    `known`: pages and search entries found clean before (by content digest, verdicts.Verdicts with `basis()`): not
    checked again, so a rebuild after one edit checks the pages that changed. `workers`: processes checking at once
    (None: one per core, when PARALLEL_FROM pages are to be checked: at 10,000 projects this check is minutes of one
    core); the digests are taken here, and only the pages not known are handed out. `layout`: the search index's
    layout (`_check_index`). Returns the number of pages."""
    pages = sorted(output.rglob("*.html"))
    todo: list[tuple[Path, str]] = []
    for page in pages:
        content = (known.of_file(page) or Verdicts.of(page.read_bytes())) if known is not None else ""
        if known is None or not known.seen(content):
            todo.append((page, content))
    problems = fork_map(lambda item: page_problem(item[0].read_bytes().decode("utf-8")), todo, workers, least=PARALLEL_FROM)
    for (page, content), problem in zip(todo, problems, strict=True):
        if problem is not None:
            raise DocgenError(M.site_label("unsafe_page", page=page.relative_to(output).as_posix(), problem=problem))
        if known is not None:
            known.passed(content)
    index = output / "search" / "search_index.json"
    if index.is_file():
        _check_index(index, output, known, workers, layout)
    sitemap = output / "sitemap.xml"
    if sitemap.is_file():
        try:
            ET.fromstring(sitemap.read_bytes())
        except ET.ParseError as exc:
            raise DocgenError(M.site_label("unsafe_page", page="sitemap.xml", problem=str(exc))) from exc
    return len(pages)

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

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import nh3

from .. import messages as M
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
_BAD_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.I)
_FORBIDDEN = {"iframe", "frame", "object", "embed", "base", "applet"}
#: Material's inline scripts (base.html): the page's scope, the anchor fix, and its JSON configuration.
_THEME_SCRIPTS = ("__md_scope=", "var target=document.getElementById(location.hash")


class _Inventory(HTMLParser):
    """Every tag, attribute and URL scheme of a fragment; and, for a whole page, whatever would run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.schemes: set[str] = set()
        self.problems: list[str] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            value = value or ""
            scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
            if scheme:
                self.schemes.add(scheme[1].lower())
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in _URL_ATTRIBUTES and _BAD_URL.match(value):
                self.problems.append(f"<{tag} {name}={value[:20]}>")
        if tag in _FORBIDDEN:
            self.problems.append(f"<{tag}>")
        if tag == "script":
            self._script = dict(attrs)
            src = self._script.get("src")
            if src is not None and (re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:|//)", src) or "assets/" not in src):
                self.problems.append(f"<script src={src[:40]}>")

    def handle_data(self, data: str) -> None:
        script = self._script
        if script is None or script.get("src") is not None:
            return
        self._script = None
        if script.get("type") == "application/json" and script.get("id") == "__config":
            return
        if not data.strip().startswith(_THEME_SCRIPTS):
            self.problems.append(f"<script>{data.strip()[:40]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


def _inventory(html: str) -> _Inventory:
    found = _Inventory()
    found.feed(html)
    found.close()
    return found


def clean_content(fragment: str) -> str:
    """The fragment as the allow-list keeps it (nh3): no script, no event handler, no javascript:/data: URL."""
    return nh3.clean(fragment, tags=set(TAGS), attributes=ATTRIBUTES, url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True)


def content_changed(fragment: str) -> bool:
    """Would the allow-list remove anything? Compared with the same serialiser allowing all the fragment holds.

    Event handlers and script URLs are also looked for directly: nh3 drops some of them even when allowed, so the
    comparison alone would not see them.
    """
    found = _inventory(fragment)
    if found.problems:
        return True
    everything = nh3.clean(
        fragment,
        tags=found.tags | TAGS,
        clean_content_tags=set(),
        attributes={"*": found.attributes | _SHARED, **ATTRIBUTES},
        url_schemes=found.schemes | URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return clean_content(fragment) != everything


def page_problem(html: str) -> str | None:
    """What is wrong with one built page (None: nothing): its content would be changed, or its shell would run code."""
    match = _ARTICLE.search(html)
    if match is not None and content_changed(match[2]):
        return M.site_label("unsafe_content")
    shell = html if match is None else html[: match.start(2)] + html[match.end(2) :]
    problems = _inventory(shell).problems
    return problems[0] if problems else None


def basis() -> str:
    """What a page's verdict rests on besides docgen's own code (verdicts.Verdicts): the sanitiser's version."""
    return f"nh3 {version('nh3')}"


#: The fewest pages worth checking on every core (forking the workers costs a few tens of milliseconds).
PARALLEL_FROM = 200


def _entry_problem(texts: list[str]) -> str | None:
    return M.site_label("unsafe_content") if any(content_changed(text) for text in texts) else None


def check_site(output: Path, known: Verdicts | None = None, workers: int | None = 1) -> int:
    """Check every page, the search index and the sitemap of a built site; raise naming the first bad page.

    `known`: pages and search entries found clean before (by content digest, verdicts.Verdicts with `basis()`): not
    checked again, so a rebuild after one edit checks the pages that changed. `workers`: processes checking at once
    (None: one per core, when PARALLEL_FROM pages are to be checked: at 10,000 projects this check is minutes of one
    core); the digests are taken here, and only the pages not known are handed out. Returns the number of pages."""
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
        entries: list[tuple[str, list[str], str]] = []  # (location, title and text, content digest) of those not known
        for doc in json.loads(index.read_text(encoding="utf-8")).get("docs", []):
            texts = [str(doc.get(key, "")) for key in ("title", "text")]
            content = Verdicts.of("\0".join(["search", *texts]).encode("utf-8", "surrogatepass")) if known is not None else ""
            if known is None or not known.seen(content):
                entries.append((str(doc.get("location", "")), texts, content))
        found = fork_map(lambda entry: _entry_problem(entry[1]), entries, workers, least=PARALLEL_FROM * 30)
        for (location, _, content), problem in zip(entries, found, strict=True):
            if problem is not None:
                where = f"{index.relative_to(output).as_posix()}（{location}）"
                raise DocgenError(M.site_label("unsafe_page", page=where, problem=problem))
            if known is not None:
                known.passed(content)
    sitemap = output / "sitemap.xml"
    if sitemap.is_file():
        try:
            ET.fromstring(sitemap.read_bytes())
        except ET.ParseError as exc:
            raise DocgenError(M.site_label("unsafe_page", page="sitemap.xml", problem=str(exc))) from exc
    return len(pages)

"""Adversarial property tests for site/htmlscan.py: generated fragments built from what docgen's escaping lets
through (entities with and without `;`, quotes and `<` in attributes, CJK, CR, form feed, NUL, case, `</p >`,
self-closing and nested tags, blank-line rules, `markdown=`) must give md_in_html's stash and the search parser's
sections exactly, or be declined."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser

from docgen.site import htmlscan

from .test_htmlscan import EXTENSIONS, _sections, raw_blocks_agree

NAMES = ["div", "DIV", "p", "P", "table", "td", "tr", "span", "a", "br", "img", "h2", "pre", "code", "details", "ul",
         "li", "section", "b", "Table", "summary", "object", "sub", "hr", "HR", "h1", "th", "script", "Style", "title"]  # fmt: skip
ATTR_VALUES = ['"1"', "'block'", '"a>b"', "'<'", "'a/'",
               '"x"', "'y'", '"a&amp;b"', '"&#39;"', "'\"'", '"\'"', '"&lt;"', '"a&ampb"', '"&#x110000;"', '""',
               '"中文"', '"a\nb"', '"&#0;"', '"&#xD800;"', '"&notit;"', '"markdown"']  # fmt: skip
TEXTS = ["文字", "a", " ", "   ", "    ", "\t", "\n", "\n\n", "\n \n", "\r\n", "\r", "\x0c", "\x00", "\u3000", "\u00a0",
         "&amp;", "&amp", "&AMP;", "&#39;", "&#39", "&#x27;", "&#x;", "&#;", "&#x110000;", "&#0;", "&#128;", "&lt;",
         "&notit;", "&eacute", "&", ";", "# 标题", "- 列表", "*", "`", "    代码", "!!! note", ">", "=", '"', "'",
         "&#xD800;", "&#65;&#x41;", "&a.b;", "&x-y;"]  # fmt: skip


SPACES = ["", " ", "\n", "  ", "\t"]
ATTR_NAMES = ["class", "title", "id", "data-x", "Href", "markdown", "MarkDown", "x:y", "data-search-exclude"]


@st.composite
def tags(draw: st.DrawFn, name: str | None = None, closing: bool | None = None) -> str:
    """A start or end tag (of `name`, or any): spaced, cased, valued, quoted and self-closed in many ways."""
    name = name or draw(st.sampled_from(NAMES))
    if draw(st.booleans()) if closing is None else closing:
        return "</" + name + draw(st.sampled_from(SPACES)) + ">"
    attrs = ""
    for _ in range(draw(st.integers(0, 2))):
        attrs += draw(st.sampled_from(SPACES[1:])) + draw(st.sampled_from(ATTR_NAMES))
        if draw(st.booleans()):
            attrs += "=" + draw(st.sampled_from(ATTR_VALUES))
    return "<" + name + attrs + draw(st.sampled_from(["", "", "", " ", "/", " /"])) + ">"


@st.composite
def elements(draw: st.DrawFn) -> str:
    """A closed element, nested up to three deep: most of what docgen writes, so that most fragments are read."""
    name = draw(st.sampled_from(NAMES))
    inner = st.one_of(st.sampled_from(TEXTS), tags(), elements()) if draw(st.integers(0, 3)) else st.sampled_from(TEXTS)
    return draw(tags(name, False)) + "".join(draw(st.lists(inner, max_size=3))) + draw(tags(name, True))


#: Lines, each indented 0 to 4 spaces (md_in_html opens a raw block at most 3 spaces in), joined by line breaks and
#: blank lines (a raw block must be followed by one).
lines = st.tuples(
    st.sampled_from(["", " ", "   ", "    ", "\t"]), st.lists(st.one_of(elements(), elements(), tags(), st.sampled_from(TEXTS)), max_size=4)
).map(lambda line: line[0] + "".join(line[1]))
fragments = st.tuples(
    st.lists(lines, max_size=8), st.lists(st.sampled_from(["\n", "\n\n", "\n\n", "\n  \n", "\r\n\r\n"]), min_size=8, max_size=8)
).map(lambda parts: "".join(line + gap for line, gap in zip(*parts, strict=False)))


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(fragments)
def test_raw_blocks_agree_or_decline(text: str) -> None:
    raw_blocks_agree(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(fragments)
def test_search_sections_agree_or_decline(text: str) -> None:
    for html in (text, markdown.Markdown(extensions=EXTENSIONS).convert(text)):
        fast = _outcome(html, htmlscan.feed)
        assert fast is None or fast == _outcome(html, HTMLParser.feed), html


def _outcome(html: str, feed: Callable[[Parser, str], object]) -> Any:
    """The search parser's sections of `html` fed by `feed`, or the error it raised (Material's parser fails on some
    nestings docgen never writes: then both ways must fail alike); None when `feed` declined."""
    parser = Parser()
    try:
        if feed(parser, html) is False:
            return None
        parser.close()
    except Exception as exc:  # noqa: BLE001 - compared, not hidden
        return repr(exc)
    return _sections(parser)

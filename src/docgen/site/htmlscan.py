"""docgen's own HTML on a page read without `html.parser`, giving exactly what MkDocs' parsers would give, or None.

Most of a department folder's page is HTML that docgen's templates write (tables, escaped by construction) and
Python-Markdown's `md_in_html` parses with `html.parser` only to find where each raw block ends and to stash it
unchanged; Material's search plugin then parses the whole converted page with `html.parser` again to cut it into
sections. Both are pure Python, a tag at a time: about half of a page's CPU. Well-formed HTML — every `<` opening a
plain tag with quoted or no attribute values, no comments, declarations, scripts or styles — is cut into the same
tokens by one regular expression; the page's own parsers' handlers then get the same calls, or the same stash, as
from `html.parser`. Anything else (a page a person could have written otherwise) answers None, and the parser runs
as before. Used by the pages' renderer (site/pages.py) only; tests/site/test_htmlscan.py compares both ways.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

#: A plain tag: `</name>`, or `<name attr="v" attr='v' attr>` or `<name …/>` (ASCII spaces only: html.parser ends
#: a tag's name at those alone). Groups: end tag's name; start tag's name, its attributes, its closing slash.
_TAG = re.compile(
    r"<(?:/([a-zA-Z][a-zA-Z0-9]*)[ \t\n\r\f]*"
    r"|([a-zA-Z][a-zA-Z0-9]*)((?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:=(?:\"[^\"<>]*\"|'[^'<>]*'))?)*)[ \t\n\r\f]*(/?))>"
)
_ATTR = re.compile(r"[ \t\n\r\f]+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:=(\"[^\"<>]*\"|'[^'<>]*'))?")
#: Elements whose content html.parser reads otherwise (as text); for md_in_html also the one element Python-Markdown
#: treats as always empty. A longer name beginning so is refused too: that costs a parse, no more. (Comments,
#: declarations and processing instructions are no plain tags: their `<` is refused by `_tags`.)
_SPECIAL = "script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext"
_REFUSED = re.compile(rf"</?(?i:{_SPECIAL})")
_REFUSED_IN_MARKDOWN = re.compile(rf"</?(?i:{_SPECIAL}|hr)")
#: A character reference without its `;`, which html.parser would add.
_BARE_CHARREF = re.compile(r"&#(?!(?:[0-9]+|[xX][0-9a-fA-F]+);)")
#: Python-Markdown's htmlparser.blank_line_re: a blank line after a raw block.
_BLANK = re.compile(r"(?:[ ]*\n){2}")


def _tags(text: str, refused: re.Pattern[str] = _REFUSED) -> list[re.Match[str]] | None:
    """Every tag of `text`; None when some `<` does not open a plain tag (comments, declarations, processing
    instructions included), or the text holds `refused` elements or a character reference without its `;`: what
    html.parser reads in other ways."""
    if refused.search(text) or ("&#" in text and _BARE_CHARREF.search(text)):
        return None
    tags = list(_TAG.finditer(text))
    return tags if len(tags) == text.count("<") else None  # each tag holds one `<`: so each `<` opens one


def raw_blocks(md: Any, source: str) -> str | None:
    """What md_in_html's HtmlBlockPreprocessor makes of `source` when no tag asks for Markdown inside it (its raw
    blocks stashed in `md.htmlStash`, in order), or None, stashing nothing, when `source` is not that simple: a
    tag that is not plain, a `markdown` attribute, a raw block not followed by a blank line or never closed, an
    empty block-level tag at the start of a line."""
    tags = _tags(source, _REFUSED_IN_MARKDOWN)
    if tags is None:
        return None
    block = set(md.block_level_elements)
    blocks: list[tuple[int, int]] = []  # (start, end) of each raw block
    stack: list[str] = []
    start = 0
    for tag in tags:
        closing, name, attrs, slash = tag.groups()
        if closing is not None:
            closing = closing.lower()
        else:
            name = name.lower()
            if "markdown" in attrs.lower():
                return None
        if stack:  # inside a raw block: as HTMLExtractor keeps its stack
            if closing is None:
                if not slash:
                    stack.append(name)
            elif closing in stack:
                while stack.pop() != closing:
                    pass
                if not stack:
                    if not _BLANK.match(source, tag.end()):
                        return None
                    blocks.append((start, tag.end()))
        elif closing is None and name in block and _at_line_start(source, tag.start()):
            if slash:
                return None
            stack, start = [name], tag.start()
    if stack:
        return None
    parts: list[str] = []
    last = 0
    for start, end in blocks:
        parts += [source[last:start], "\n", md.htmlStash.store(source[start:end] + "\n"), "\n\n"]
        last = end
    parts.append(source[last:])
    return "".join(parts)


def _at_line_start(text: str, at: int) -> bool:
    """Python-Markdown's HTMLExtractor.at_line_start: at most three spaces before `at` on its line."""
    line = text.rfind("\n", 0, at) + 1
    return at - line <= 3 and not text[line:at].strip()


def feed(parser: Any, html: str) -> bool:
    """Call `parser`'s (an html.parser.HTMLParser with convert_charrefs) handlers as `parser.feed(html)` and
    `parser.close()` would; False, having called none, when `html` is not that simple."""
    tags = _tags(html)
    if tags is None:
        return False
    last = 0
    for tag in tags:
        at = tag.start()
        if last < at:
            parser.handle_data(unescape(html[last:at]))
        closing, name, attrs, slash = tag.groups()
        if closing is not None:
            parser.handle_endtag(closing.lower())
        else:
            # html.parser's attributes: names in lower case, values unquoted and unescaped, None without a value
            pairs = [(key.lower(), unescape(value[1:-1]) if value else None) for key, value in _ATTR.findall(attrs)]
            (parser.handle_startendtag if slash else parser.handle_starttag)(name.lower(), pairs)
        last = tag.end()
    if last < len(html):
        parser.handle_data(unescape(html[last:]))
    return True

"""site/htmlscan.py reads a page's HTML without html.parser only when it gives exactly what the parsers give: the
same text and stash as md_in_html, the same sections as Material's search parser; otherwise it declines (None /
False) and leaves the stash or the parser untouched. Checked here on plain and hostile fragments; on every page of a
generated site in tests/site/test_pages.py."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import markdown
import pytest
from markdown.extensions import md_in_html
from material.plugins.search.plugin import Parser

from docgen.site import htmlscan

#: The site's Markdown extensions (site/templates/mkdocs.yml.j2), without toc's options.
EXTENSIONS = ["toc", "tables", "attr_list", "md_in_html", "admonition", "pymdownx.details"]

TABLE = (
    '<div class="dg-form"><table>\n<thead><tr><th>指标</th><th colspan="2">值</th></tr></thead>\n<tbody>\n<tr class="x">'
    "<td>a &amp; b</td><td>&#39;c&#x27;</td><td><a href=\"../x.html\" title='t'>d</a><br>e<br/></td></tr>\n</tbody>\n</table></div>"
)

#: Fragments the fast path reads (True) or must decline (False).
FRAGMENTS: list[tuple[str, bool]] = [
    (f"# 标题\n\n{TABLE}\n\n正文\n", True),
    (f"{TABLE}\n\n{TABLE}\n\n## 二\n\n{TABLE}\n", True),
    ('<p class="dg-breadcrumb" data-search-exclude><a href="a.html">期</a> › 101</p>\n\n<span class="dg-light"></span>已提交\n', True),
    ("文字 <div>不在行首</div> 文字\n\n   <div>三个空格</div>\n\n    <div>四个空格</div>\n", True),
    ("<div><div>嵌套</div>\n\n空行之后</div>\n\n尾\n", True),
    ("<div>\n<p>未闭合的 p\n</div>\n\n尾\n", True),
    ("<DIV Class='Up'>大写</DIV>\n\n尾\n", True),
    ("</div> 孤立的结束标记\n\n<span>行内</span>\n", True),
    ('!!! failure "退回"\n    原因 &lt;x&gt;\n\n<div>后</div>\n\n', True),
    ("", True),
    (f"{TABLE}\n紧接着的文字\n", False),  # no blank line after the block: the parser keeps a tail
    ("<div>未闭合\n\n尾\n", False),
    ('<div markdown="1">\n*强调*\n</div>\n\n', False),
    ("<div markdown>\n*强调*\n</div>\n\n", False),
    ("<!-- 注释 -->\n\n<div>x</div>\n\n", False),
    ("<div>x<!-- c --></div>\n\n", False),
    ("<?php x ?>\n\n", False),
    ("<!DOCTYPE html>\n\n", False),
    ("<![CDATA[x]]>\n\n", False),
    ("<hr>\n\n<div>x</div>\n\n", False),
    ("<div>x<hr/>y</div>\n\n", False),
    ("<div><script>if (a<b) {}</script></div>\n\n", False),
    ("<div><style>p>a{}</style></div>\n\n", False),
    ("<div><textarea><b></textarea></div>\n\n", False),
    ("<div>&#39 没有分号</div>\n\n", False),
    ("<div>&#x27</div>\n\n", False),
    ("<div>a < b</div>\n\n", False),
    ("a <b 不是标记\n\n", False),
    ('<div title="a>b">x</div>\n\n', False),
    ("<div title=a>x</div>\n\n", False),
    ('<div title = "a">x</div>\n\n', False),
    ('<div\u3000title="a">x</div>\n\n', False),
    ("<div/>\n\n", False),
    ("</>\n\n", False),
    ("<a-b>x</a-b>\n\n", False),
    ("`<div>代码</div>`\n\n", True),
]


def _parsed(text: str) -> tuple[str, list[Any], str | None, list[Any]]:
    """md_in_html's own parser's text and stash; htmlscan's text and stash, from two fresh converters."""
    slow, fast = markdown.Markdown(extensions=EXTENSIONS), markdown.Markdown(extensions=EXTENSIONS)
    source = "\n".join(slow.preprocessors["normalize_whitespace"].run(text.split("\n")))
    parser = md_in_html.HTMLExtractorExtra(slow)
    parser.feed(source)
    parser.close()
    return "".join(parser.cleandoc), slow.htmlStash.rawHtmlBlocks, htmlscan.raw_blocks(fast, source), fast.htmlStash.rawHtmlBlocks


def _sections(parser: Parser) -> list[tuple[str, list[str], list[str], float, str | None, bool]]:
    return [(repr(s), s.title, s.text, s.depth, s.id, s.is_excluded()) for s in parser.data]


def search_sections(html: str) -> tuple[list[Any], list[Any] | None]:
    """The search plugin's sections of `html` read by html.parser, and by htmlscan (None: declined)."""
    slow, fast = Parser(), Parser()
    HTMLParser.feed(slow, html)  # html.parser's own, whatever the class's feed
    slow.close()
    if not htmlscan.feed(fast, html):
        assert _sections(fast) == []
        return _sections(slow), None
    return _sections(slow), _sections(fast)


def raw_blocks_agree(text: str) -> bool:
    """htmlscan's raw blocks are md_in_html's, or it declined having stashed nothing; whether it read `text`."""
    slow, slow_stash, fast, fast_stash = _parsed(text)
    if fast is None:
        assert fast_stash == []
        return False
    assert (fast, fast_stash) == (slow, slow_stash)
    return True


@pytest.mark.parametrize(("text", "read"), FRAGMENTS)
def test_raw_blocks_are_md_in_html_s_or_declined(text: str, read: bool) -> None:
    assert raw_blocks_agree(text) is read


@pytest.mark.parametrize(("text", "read"), FRAGMENTS)
def test_search_sections_are_html_parser_s_or_declined(text: str, read: bool) -> None:
    html = markdown.Markdown(extensions=EXTENSIONS).convert(text)
    slow, fast = search_sections(html)
    assert fast is None or fast == slow


@pytest.mark.parametrize(
    "html",
    [
        '<h1 id="t">标题<a class="headerlink" href="#t" title="Permanent link">&para;</a></h1>\n<p>甲 &amp; 乙</p>',
        '<p>前言</p>\n<h2 id="a">一</h2>\n<div data-search-exclude><table><tr><td>不索引</td></tr></table></div>\n<p>x<br/>y</p>',
        '<img src="a"/><h2 id="b">二</h2><ul><li><code>c</code></li><li> </li></ul><pre><code>a\n b</code></pre><p class="linenodiv">1</p>',
        '<div><h3 id="n">嵌套</h3><p>里</p></div><p>外 &lt;x&gt; &#39;q&#39; &amp</p>\n   \n<p></p>',
        "<P>大写 <B>粗</B></P><sub>1</sub><sup>2</sup><object>o</object>尾 &",
    ],
)
def test_search_sections_of_converted_pages(html: str) -> None:
    slow, fast = search_sections(html)
    assert fast == slow


def test_declined_html_is_left_to_html_parser() -> None:
    slow, fast = search_sections("<p>a</p><!-- c --><script>x<y</script>")
    assert fast is None and slow


#: Pieces of which random texts are made: tags (block and inline, nested, unclosed, orphan), text, entities,
#: line breaks and indents — what can make html.parser or md_in_html end a block elsewhere.
PIECES = ["<div>", "</div>", "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<p>", "</p>", "<span>", "</span>",
          '<a href="x">', "</a>", "<br>", "<br/>", '<td colspan="2">', "<TD>", "</TD>", "文字", "a", " ", "   ", "    ",
          "\n", "\n\n", "\n  \n", "&amp;", "&#39;", "&lt;", "# 标题", "- 列表", "&", "*", "<h2 id=\"h\">", "</h2>"]  # fmt: skip


def test_random_texts_agree_with_the_parsers() -> None:
    import random

    rng = random.Random(18)
    read = 0
    for _ in range(1500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 24)))
        read += raw_blocks_agree(text)
        slow, fast = search_sections(markdown.Markdown(extensions=EXTENSIONS).convert(text))
        assert fast is None or fast == slow
        slow, fast = search_sections(text)
        assert fast is None or fast == slow
    assert read > 600  # most are read, not declined

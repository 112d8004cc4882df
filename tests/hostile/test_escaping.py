"""Hostile text in every user field, through every output context: the site (one build for this module, also opened
in headless Chromium), `docgen diff`'s Markdown, `--format github` workflow commands, and the escaping functions."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from docgen import escape, report
from docgen.check.findings import Finding
from docgen.cli import cli
from docgen.errors import DocgenError
from docgen.site import sanitise
from tests.site.browser import CHROMIUM, FLAGS, serve

from .repo import PAYLOADS, dept_code, make_hostile_repo

TODAY = "2025-07-20"


def shown(text: str) -> str:
    """What a reader sees of a field: whitespace (line breaks included) squeezed."""
    return re.sub(r"\s+", " ", text).strip()


def text_of(html: str) -> str:
    body = html[html.index("<article") : html.rindex("</article>")]
    return shown(unescape(re.sub(r"<[^>]+>", " ", body)))


@dataclass
class Site:
    root: Path
    site: Path

    def page(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Site:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("hostile")
    make_hostile_repo(root)
    result = CliRunner().invoke(cli, ["site", "--root", str(root), "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Site(root, root / "site")


# --- the escaping functions -----------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_escape_leaves_no_markup(payload: str) -> None:
    out = str(escape.markdown(payload))
    assert not set("<>[]{}`*_|\n\r") & set(out)
    assert unescape(out) == payload.replace("\n", " ")
    assert "<br>" in escape.markdown_lines("a\nb") and "\n" not in escape.markdown_lines("a\r\nb")


def test_block_starts_and_urls() -> None:
    assert str(escape.markdown("# x")) == "&#35; x" and str(escape.markdown("1. x")) == "1&#46; x"
    assert str(escape.markdown("1.5万元")) == "1.5万元"  # not a list: left as written
    assert str(escape.url_path('a/x"><img src=x>#?(1).md')) == "a/x%22%3E%3Cimg%20src%3Dx%3E%23%3F%281%29.md"
    assert escape.markdown_code("a`b") == "``a`b``"
    assert escape.workflow_data("50%\r\n::error::x") == "50%25%0D%0A::error::x"
    assert escape.workflow_property("a:b,c\n") == "a%3Ab%2Cc%0A"
    assert escape.xml("<a>&\x0b\x01") == "&lt;a&gt;&amp;"


# --- the built site -----------------------------------------------------------------------------


class _Scan(HTMLParser):
    """What in a page would run: event handlers, script URLs, scripts carrying a payload."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value}>")
            if name in ("href", "src", "xlink:href", "action", "formaction") and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.I
            ):
                self.problems.append(f"<{tag} {name}={value}>")
        self.in_script = tag == "script"
        if tag in ("iframe", "object", "embed", "img"):
            self.problems.append(f"<{tag}>")  # docgen's pages have no images: any is injected

    def handle_data(self, data: str) -> None:
        if self.in_script and "__pwned" in data:
            self.problems.append(f"<script>{data[:40]}")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def test_no_page_holds_executable_injection(built: Site) -> None:
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 3 * len(PAYLOADS)
    for page in pages:
        scan = _Scan()
        scan.feed(page.read_text(encoding="utf-8"))
        assert not scan.problems, (page, scan.problems)
        assert sanitise.page_problem(page.read_text(encoding="utf-8")) is None, page


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_every_field_is_shown_as_written(built: Site, index: int) -> None:
    payload, dept = shown(PAYLOADS[index]), dept_code(index)
    project = text_of(built.page(f"2025-06/{dept}/{dept}-2025-001.html"))
    # 项目名称, 主管部门, 预算单位, 起止时间, 目标, every indicator text, every report section, 审核意见 (unit, reviewer, opinion)
    assert project.count(payload) >= 20, project
    department = text_of(built.page(f"2025-06/{dept}/index.html"))
    assert department.count(payload) >= 8 and f"{payload}（{dept}）" in department
    assert f"{payload} 未报" in text_of(built.page(f"2025-06/{dept}/{dept}-2025-002.html"))  # roster only
    assert f"{payload} 未报" in text_of(built.page("2025-06/index.html"))
    assert f"{payload} 提交" in text_of(built.page("recent.html"))  # the commit's subject
    title = re.search(r"<title>(.*?)</title>", built.page(f"2025-06/{dept}/{dept}-2025-001.html"), re.S)
    assert title is not None and unescape(title[1]).startswith(payload)


def test_commit_author_is_text(built: Site) -> None:
    html = built.page("recent.html")
    authors = re.findall(r'<span class="dg-who">(.*?)</span>', html)
    assert authors and all("<" not in a for a in authors)
    assert any("onerror=alert(window.__pwned=1) 作者" in unescape(a) for a in authors)


def test_search_index_and_sitemap(built: Site) -> None:
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text"):
            assert not sanitise.content_changed(doc[key]), doc
            assert "<script" not in doc[key] and "<img" not in doc[key] and "<svg" not in doc[key]
    import xml.etree.ElementTree as ET

    ET.fromstring((built.site / "sitemap.xml").read_bytes())


def test_sanitiser_fails_the_build_on_a_hole(tmp_path: Path) -> None:
    article = '<article class="md-content__inner md-typeset"><h1>x</h1>{}</article>'
    for hole in (
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "<script>alert(1)</script>",
        '<p onclick="x">p</p>',
    ):
        page = f"<html><head><title>t</title></head><body>{article.format(hole)}</body></html>"
        assert sanitise.page_problem(page) is not None, hole
        (tmp_path / "p.html").write_text(page, encoding="utf-8")
        with pytest.raises(DocgenError, match=r"p\.html"):
            sanitise.check_site(tmp_path)
    assert sanitise.page_problem("<html><body><img src=x onerror=alert(1)></body></html>") is not None  # in the shell too
    assert sanitise.page_problem('<html><head><script src="https://evil.example/x.js"></script></head></html>') is not None


#: Markup a clerk's text must never become, in the contexts where parsers disagree (raw text, foreign content,
#: malformed tags): each one is a hole in docgen's content, whatever a browser would make of it.
HOLES_IN_CONTEXT = (
    "<title><script>alert(1)</script></title>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<noscript><img src=x onerror=alert(1)></noscript>",
    "<style><img src=x onerror=alert(1)></style>",
    "<svg><title><img src=x onerror=alert(1)></title></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<svg><a href="javascript:alert(1)"><text x="1">x</text></a></svg>',
    '<x-widget onclick="alert(1)">y</x-widget>',
    "<img/src=x/onerror=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>">',
    "<ScRiPt>alert(1)</sCrIpT>",
    "<p>a</p><!--><img src=x onerror=alert(1)>-->",
    '<div title="</div><img src=x onerror=alert(1)>">x</div><img src=y onerror=alert(2)>',
    "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "<table><tr><td>1</td><img src=x onerror=alert(1)></tr></table>",
    # a frameset before any text replaces the body of a document: the fragment must be read as a fragment
    "<frameset><svg onload=alert(1)>",
    '  <frameset><a href="javascript:alert(1)">x</a>',
    "<div><frameset><details open ontoggle=alert(1)></details></div>",
    # what a browser strips from a URL before its scheme (C0 controls and spaces at the ends; tabs and breaks anywhere)
    '<a href="&#1;javascript:alert(1)">x</a>',
    '<a href="&#x1f;javascript:alert(1)">x</a>',
    '<svg><a xlink:href="&#14;javascript:alert(1)">x</a></svg>',
    '<a href="java&#9;script:alert(1)">x</a>',
    '<a href="java&NewLine;script:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    # a declarative shadow root: its content is not in the tree
    '<template shadowrootmode="open"><img src=x onerror=alert(1)></template>',
    "hello <img src=x onerror=alert(1)>",
    "<b>\ud800</b>",  # a lone surrogate (it can come from a search index's JSON): refused, not a crash
)


@pytest.mark.parametrize("hole", HOLES_IN_CONTEXT)
def test_a_hole_is_found_in_every_parsing_context(hole: str) -> None:
    assert sanitise.content_changed(hole), hole
    page = f'<html><body><article class="md-content__inner md-typeset">{hole}</article></body></html>'
    assert sanitise.page_problem(page) is not None, hole


@pytest.mark.parametrize(
    "shell",
    [
        '<template shadowrootmode="open"><img src=x onerror=alert(1)></template>',
        '<script src="\\\\evil.example/assets/x.js"></script>',
        '<a href="&#1;javascript:alert(1)">x</a>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    ],
)
def test_a_hole_in_the_shell_is_found_as_a_browser_reads_it(shell: str) -> None:
    assert sanitise.page_problem(f"<html><head></head><body><header>x</header>{shell}</body></html>") is not None, shell


@pytest.mark.parametrize("tail", ["<svg onload=alert(1) ", "<a href=javascript:alert(1)// "])
def test_a_tag_left_open_at_the_end_of_the_content_is_read_as_the_page_closes_it(tail: str) -> None:
    page = f'<html><body><header>x</header><article class="md-content__inner md-typeset"><p>x</p>{tail}</article></body></html>'
    assert sanitise.page_problem(page) is not None, tail


def test_docgen_s_own_markup_passes() -> None:
    for fine in (
        '<svg viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg"><polyline points="0,0 1,1"/><circle cx="1" cy="1" r="1"/></svg>',
        '<table><thead><tr><th colspan="2">预算</th></tr></thead><tbody><tr><td>1 &lt; 2 &amp; a=b</td></tr></tbody></table>',
        "<p>写成文字的标记：&lt;script&gt;alert(1)&lt;/script&gt; onclick=1</p>",
        '<a href="../101/101-2025-0001.html" download>附件</a><span style="width: 40%"></span>',
    ):
        assert not sanitise.content_changed(fine), fine


@given(st.text(alphabet=st.characters(blacklist_characters="<", blacklist_categories=("Cs",)), max_size=200))
def test_a_text_without_a_tag_is_left_as_it_is_by_both_cleanings(text: str) -> None:
    """content_changed does not parse a fragment without "<": the allow-list and a cleaner allowing every tag write
    it the same (nothing for either to remove)."""
    import nh3

    everything = nh3.clean(text, tags={"script", "iframe", *sanitise.TAGS}, clean_content_tags=set(), link_rel=None)
    assert sanitise.clean_content(text) == everything
    assert not sanitise.content_changed(text)


# --- headless Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(built: Site) -> Iterator[str]:
    with serve(built.site) as url:
        yield url


def test_no_payload_runs_in_a_browser(built: Site, server: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

    dialogs: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            tab = browser.new_page()
            tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for page in sorted(built.site.rglob("*.html")):
                tab.goto(f"{server}/{page.relative_to(built.site).as_posix()}", wait_until="load")
                tab.hover("article h1") if tab.locator("article h1").count() else None  # { onmouseover } on a heading
                assert tab.evaluate("window.__pwned === undefined"), page
                assert not dialogs, (page, dialogs)
        finally:
            browser.close()


# --- docgen diff and --format github ----------------------------------------------------------------


def test_diff_markdown_shows_no_markup(built: Site) -> None:
    result = CliRunner().invoke(cli, ["diff", "HEAD~3", "HEAD", "--root", str(built.root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = result.output
    for raw in ("<script", "<img", "<svg", "<a ", "](", "{ onerror", "{: onclick"):
        assert raw not in text, raw
    assert shown(unescape(PAYLOADS[-3])) in shown(unescape(text))  # the roster's and files' names, as text
    tables = [line for line in text.splitlines() if line.startswith("| ")]
    assert tables and all(line.count(" | ") == 3 for line in tables)  # a pipe in a value adds no column


def test_github_format_one_command_per_finding(built: Site) -> None:
    forged = Finding("x.yaml", 1, 1, "E201", "error", "值\n::error file=x::forged\r\n::warning::again")
    lines = report.render([forged, forged], "github", 1).splitlines()
    assert len(lines) == 2 and all(line.startswith("::error file=x.yaml,") for line in lines)
    runner = CliRunner()
    as_json = runner.invoke(cli, ["validate", "--format", "json", str(built.root / "submissions")], catch_exceptions=False)
    count = len(json.loads(as_json.stdout)["findings"])
    github = runner.invoke(cli, ["validate", "--format", "github", str(built.root / "submissions")], catch_exceptions=False)
    commands = github.stdout.splitlines()
    assert len(commands) == count > 0
    assert all(re.match(r"^::(error|warning|notice) file=[^:,]+,line=\d+,col=\d+,title=[A-Z]\d+::", line) for line in commands)

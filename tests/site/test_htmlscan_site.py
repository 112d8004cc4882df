"""A submission with hostile text, published through the renderer that reads docgen's own HTML without html.parser
(site/htmlscan.py), gives the site MkDocs runs give (html.parser throughout), byte for byte, search index included;
the hostile page is really read the fast way; and the publication check (site/sanitise.py) still refuses markup that
got onto such a page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import markdown
import pytest

from docgen.errors import DocgenError
from docgen.site import generate as S
from docgen.site import sanitise

from .conftest import generated_sources
from .test_htmlscan import EXTENSIONS, raw_blocks_agree, search_sections
from .test_incremental import tree

#: What a clerk may type where docgen writes text: markup, entities with and without `;`, quotes, comments,
#: md_in_html's `markdown` attribute and blank lines, out-of-range and NUL character references (control characters
#: are refused by validation: they are in tests/site/test_htmlscan_adversarial.py).
HOSTILE = [
    "<script>alert(1)</script>",
    "&#39 &amp x &#x110000; &#0; &notit &#x;",
    "\"'><img src=x onerror=alert(1)>",
    '</div>\n\n<div markdown="1">*x*</div>\n\n',
    "<!-- c --> <?php ?> <![CDATA[x]]> <hr>",
    "a < b > c </p > <DIV>' \u3000 \n 中文 &#xD800; &AMP; &#128;",
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site sources of 12 generated projects, one with hostile text in its free texts."""

    def edit(projects: list[Path]) -> None:
        projects[0].write_text(_hostile_remarks(projects[0].read_text(encoding="utf-8")), encoding="utf-8")

    return generated_sources(tmp_path_factory, "hostile", 12, edit)


def _hostile_remarks(text: str) -> str:
    """The project's remarks (备注) and its goal made hostile, one HOSTILE text each (JSON strings: YAML's too)."""
    lines = text.split("\n")
    bad = iter(HOSTILE * 2)
    for i, line in enumerate(lines):
        if line.startswith("    备注: "):
            lines[i] = "    备注: " + json.dumps(next(bad, ""), ensure_ascii=False)
    return "\n".join(lines).replace("按计划推进", "按计划推进 <b>粗</b> &amp; &#39 ", 1)


def test_hostile_pages_are_read_the_fast_way_and_equal_mkdocs_runs(hostile: Path, tmp_path: Path) -> None:
    page = (hostile / "docs" / "2025-06" / "101" / "101-2025-0000.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "onerror" in page
    assert raw_blocks_agree(page)  # read by htmlscan, not declined: the comparison below is of the new path
    slow, fast = search_sections(markdown.Markdown(extensions=EXTENSIONS).convert(page))
    assert fast == slow
    check = lambda folder: sanitise.check_site(folder)  # noqa: E731
    assert S.run_mkdocs(hostile, tmp_path / "rendered", batch=5, check=check) == 2
    assert S.run_mkdocs(hostile, tmp_path / "runs", batch=5, check=check, render=False) > 2
    rendered, runs = tree(tmp_path / "rendered"), tree(tmp_path / "runs")
    assert sorted(rendered) == sorted(runs)
    assert [name for name in runs if rendered[name] != runs[name]] == []
    html = rendered["2025-06/101/101-2025-0000.html"].decode("utf-8")
    assert "onerror" in html and "<script>alert" not in html and "<img src=x" not in html


def test_markup_on_a_fast_read_page_is_still_refused(hostile: Path, tmp_path: Path) -> None:
    """A template that let a user's markup through: htmlscan stashes it as md_in_html would, and the check refuses."""
    source = tmp_path / "src"
    shutil.copytree(hostile, source)
    page = source / "docs" / "2025-06" / "101" / "101-2025-0000.md"
    before = page.read_text(encoding="utf-8")
    text = before.replace('<td class="dg-tick">√</td>', '<td class="dg-tick"><img src="x" onerror="alert(1)">√</td>', 1)
    assert text != before
    page.write_text(text, encoding="utf-8")
    assert raw_blocks_agree(text)
    with pytest.raises(DocgenError):
        S.run_mkdocs(source, tmp_path / "site", batch=5, check=sanitise.check_site)
    assert not (tmp_path / "site").exists()

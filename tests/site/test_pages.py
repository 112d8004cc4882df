"""The department folders' pages rendered through MkDocs' page machinery set up once (site/pages.py) are the pages
MkDocs runs make: on a generated site of a few hundred projects every file, the search index included, is the same
byte for byte; a renderer that cannot run falls back to the runs."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from docgen.site import generate as S

from .conftest import generated_sources
from .test_incremental import tree


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site sources of 240 generated projects (build/site-src), written by `docgen site` itself."""
    return generated_sources(tmp_path_factory, "generated", 240)


def test_rendered_pages_equal_mkdocs_runs_byte_for_byte(generated: Path, tmp_path: Path) -> None:
    assert S.run_mkdocs(generated, tmp_path / "rendered", batch=60) == 2
    assert S.run_mkdocs(generated, tmp_path / "runs", batch=60, render=False) == 1 + 5  # 250 pages in runs of ≤ 60
    rendered, runs = tree(tmp_path / "rendered"), tree(tmp_path / "runs")
    assert sorted(rendered) == sorted(runs)
    assert len([name for name in runs if name.startswith("2025-06/") and name.endswith(".html")]) == 240 + 10 + 1
    assert [name for name in runs if rendered[name] != runs[name]] == []


def test_a_renderer_that_cannot_run_falls_back_to_mkdocs_runs(generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the MkDocs installed is not the one the renderer drives (its guard), the pages are built in runs."""
    older = S._PAGES.replace("from docgen.site.pages", "import mkdocs; mkdocs.__version__ = '1.7.0'\nfrom docgen.site.pages")
    monkeypatch.setattr(S, "_PAGES", older)
    assert S.run_mkdocs(generated, tmp_path / "fallback", batch=60) == 1 + 5
    assert tree(tmp_path / "fallback") == tree(generated.parent.parent / "site")


def test_every_generated_page_is_read_without_html_parser(generated: Path) -> None:
    """The renderer's shortcut (site/htmlscan.py) is taken on every department folder's page docgen writes, and
    gives what the parsers give: a template that wrote HTML it declines would silently cost the time again."""
    from .test_htmlscan import EXTENSIONS, raw_blocks_agree, search_sections

    pages = S._folder_pages(generated / "docs")
    assert len(pages) == 250
    for page in pages:
        text = (generated / "docs" / page).read_text(encoding="utf-8")
        assert raw_blocks_agree(text), page
        slow, fast = search_sections(markdown.Markdown(extensions=EXTENSIONS).convert(text))
        assert fast == slow, page


def test_the_main_run_reads_the_overview_pages_without_html_parser(generated: Path) -> None:
    """The main run (the pages over every submission: a row per project) takes the renderer's shortcut too
    (`pages.quicken`) on the home page; that its site equals one built without it is the byte-for-byte test above.
    (A period's page is declined: its chart's SVG <title> is read by html.parser, as htmlscan refuses it.)"""
    from .test_htmlscan import EXTENSIONS, raw_blocks_agree, search_sections

    docs = generated / "docs"
    for page in ("index.md", "recent.md"):
        text = (docs / page).read_text(encoding="utf-8")
        assert raw_blocks_agree(text), page
        slow, fast = search_sections(markdown.Markdown(extensions=EXTENSIONS).convert(text))
        assert fast == slow, page


def test_quicken_leaves_a_mkdocs_it_does_not_know_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """A MkDocs without the machinery the shortcuts replace runs without them, rather than failing the main run."""
    from markdown.extensions import md_in_html  # type: ignore[import-untyped]
    from mkdocs.structure import pages as mkdocs_pages

    from docgen.site import pages

    monkeypatch.delattr(mkdocs_pages, "_RawHTMLPreprocessor")
    monkeypatch.delattr(md_in_html, "HtmlBlockPreprocessor")
    pages.quicken()  # nothing to replace: no error

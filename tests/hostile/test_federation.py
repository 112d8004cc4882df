"""An upper level rolls up the export of a hostile repository (`docgen merge --from`): every payload reaches the
Markdown page, the HTML page, the workbook and summary.json as text, never as markup, a link, a script or a formula."""

from __future__ import annotations

import io
import json
import shutil
from html.parser import HTMLParser

import openpyxl
import pytest
from click.testing import CliRunner

from docgen import api
from docgen.cli import cli

from .repo import PAYLOADS, make_hostile_repo


@pytest.fixture(scope="module")
def rolled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path_factory.mktemp("hostile-federation")
    (folder / "repo").mkdir()
    make_hostile_repo(folder / "repo")
    [export] = api.export_data(folder / "repo", "sqlite", folder / "x.sqlite", region="<b>县</b> | x")
    api.export_data(folder / "repo", "csv", folder / "y", region="[y](javascript:alert(1))")
    city = folder / "city"
    city.mkdir()
    result = CliRunner().invoke(cli, ["merge", "--root", str(city), "--from", str(export), "--from", str(folder / "y")])
    assert result.exit_code == 0, result.output
    out = city / "build" / "federation"
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_the_html_page_runs_nothing(rolled: dict[str, bytes]) -> None:
    """Parsed as a browser would: only the page's own elements and attributes, every payload left as text."""

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: set[tuple[str, str]] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.found |= {(tag, "")} | {(tag, name) for name, _ in attrs}

    parser = Tags()
    page = rolled["index.html"].decode("utf-8")
    parser.feed(page)
    own = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "table", "thead", "tbody", "tr", "th", "td", "p"}
    assert {tag for tag, _ in parser.found} <= own
    assert {name for _, name in parser.found} <= {"", "lang", "charset", "http-equiv", "content", "class"}
    assert "default-src 'none'" in page  # and a policy that would stop a script if one slipped through


def test_the_markdown_page_keeps_every_table_row_whole(rolled: dict[str, bytes]) -> None:
    md = rolled["汇总.md"].decode("utf-8")
    assert "<script" not in md and "<img" not in md and "](javascript" not in md and "{:" not in md
    for block in md.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        assert len({row.count("|") for row in rows}) <= 1, block  # a payload's 「|」 never adds a cell


def test_the_workbook_and_json_keep_payloads_as_text(rolled: dict[str, bytes]) -> None:
    book = openpyxl.load_workbook(io.BytesIO(rolled["汇总表.xlsx"]))
    texts = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)
    summary = json.loads(rolled["summary.json"])
    names = {d["name"] for p in summary["periods"] for r in p["regions"] for d in r["departments"]}
    for payload in PAYLOADS:
        if "\n" not in payload:  # a department name is one line in the export too
            assert payload in names, payload
            assert payload in texts, payload

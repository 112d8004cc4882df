"""The 汇总表 writes every text as text: a name typed as XlsxWriter's rich-text markup (<r>…</r>) is no markup."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest

from docgen.render import rollup

HOSTILE = [
    "<r><t>伪造</t></r>",
    '<r><rPr><b/></rPr><t xml:space="preserve">x</t></r><r><t>y</t></r>',
    "<r></t></si><si><t>注入</t></r>",
    "<r>&amp;</r>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_shaped_like_rich_text_markup_reads_back_as_typed(text: str) -> None:
    sheet = rollup.Sheet(
        name="汇总",
        title=text,
        subtitle=text,
        columns=[("name", rollup.TEXT), ("code", rollup.TEXT)],
        rows=[{"name": text, "code": "101-2025-001"}],
        total={"name": text, "code": ""},
        note=text,
    )
    data = rollup.workbook([sheet])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # every part is well-formed XML, none carries the text as markup
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(archive.read(name))
        shared = archive.read("xl/sharedStrings.xml").decode("utf-8")
    assert "<t>伪造</t>" not in shared and "<si><t>注入</t>" not in shared
    ws = openpyxl.load_workbook(io.BytesIO(data), rich_text=False).active
    assert ws.cell(1, 1).value == text  # title
    assert ws.cell(2, 1).value == text  # subtitle
    assert ws.cell(4, 1).value == text  # the row
    assert ws.cell(5, 1).value == text  # the total
    assert ws.cell(7, 1).value == text  # the note

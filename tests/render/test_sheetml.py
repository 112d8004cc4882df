"""附件2/附件3 written from prepared parts (render/sheetml.py) against the same workbook drawn cell by cell with
XlsxWriter (`xlsx.xlsxwriter_bytes`, the writer before it): on every demo and profile demo submission, and on the
variants that exercise the rest of the print set-up (a table broken across pages, a restyled tables.yaml), the two
workbooks reopened with openpyxl agree attribute by attribute — and, byte for byte. Then hostile texts: nothing a
submission says can break the XML or change the sheet's structure."""

from __future__ import annotations

import dataclasses
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen import api
from docgen.check.load import load_file
from docgen.evaluate.evaluation import Evaluation, evaluate
from docgen.form import forms, model
from docgen.form.model import Project
from docgen.render import templates, xlsx
from tests.conftest import ROOT

TABLES = templates.BUILTIN / templates.TABLES_YAML


def _profile_evaluations() -> Iterator[tuple[str, Evaluation]]:
    for profile_id in forms.builtin_ids():
        folder = ROOT / "examples" / "profiles" / profile_id / "submissions"
        for path in sorted(folder.rglob("*.yaml")):
            if path.name == "名单.yaml":
                continue
            kind = "department" if path.name == "部门整体.yaml" else "project"
            doc, findings = load_file(path)
            assert doc is not None, findings
            yield f"{profile_id}/{path.stem}", evaluate(model.build(kind, path, doc.data, forms.builtin(profile_id).form(kind)))


def _demo_evaluations(demo: api.Result) -> Iterator[tuple[str, Evaluation]]:
    for sub in [*demo.departments, *demo.projects]:
        yield str(sub.path), evaluate(sub)


def _font(cell: Any) -> tuple[Any, ...]:
    f = cell.font
    return (f.name, f.sz, f.b, f.i, f.charset, f.family, f.scheme, f.u, f.color.theme if f.color is not None else None)


def _border(cell: Any) -> tuple[Any, ...]:
    b = cell.border
    return tuple((side.style, side.color.auto if side.color is not None else None) for side in (b.left, b.right, b.top, b.bottom))


def _alignment(cell: Any) -> tuple[Any, ...]:
    a = cell.alignment
    return (a.horizontal, a.vertical, a.wrap_text, a.indent, a.text_rotation, a.shrink_to_fit)


def _fill(cell: Any) -> tuple[Any, ...]:
    return (cell.fill.fill_type, cell.fill.fgColor.rgb, cell.fill.bgColor.rgb)


def _attributes(data: bytes) -> dict[str, Any]:
    """Everything a reader of the workbook sees, as openpyxl reads it back."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    props = book.properties
    out: dict[str, Any] = {
        "properties": (props.title, props.subject, props.creator, props.lastModifiedBy, props.created, props.modified),
        "sheets": book.sheetnames,
    }
    for ws in book.worksheets:
        cells = {
            cell.coordinate: (
                cell.value,
                cell.data_type,
                cell.number_format,
                _font(cell),
                _border(cell),
                _alignment(cell),
                _fill(cell),
                (cell.protection.locked, cell.protection.hidden),
            )
            for row in ws.iter_rows()
            for cell in row
        }
        setup, margins, options = ws.page_setup, ws.page_margins, ws.print_options
        out[ws.title] = {
            "dimensions": ws.dimensions,
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "rows": {r: (d.height, d.customHeight) for r, d in ws.row_dimensions.items()},
            "columns": {k: (d.min, d.max, d.width, d.customWidth) for k, d in ws.column_dimensions.items()},
            "page": (setup.orientation, setup.paperSize, setup.scale, setup.fitToWidth, setup.fitToHeight),
            "fit": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
            "margins": (margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer),
            "options": (options.horizontalCentered, options.verticalCentered, options.gridLines, options.headings),
            "titles": (ws.print_title_rows, ws.print_title_cols, ws.print_area),
            "footer": (ws.oddFooter.left.text, ws.oddFooter.center.text, ws.oddFooter.right.text, ws.oddHeader.center.text),
            "view": (ws.sheet_view.showGridLines, ws.sheet_view.tabSelected, ws.freeze_panes),
            "breaks": [(b.id, b.max, b.man) for b in ws.row_breaks.brk],
        }
    return out


def _same(ev: Evaluation, tables: Path = TABLES) -> None:
    ours, reference = xlsx.workbook_bytes(ev, tables), xlsx.xlsxwriter_bytes(ev, tables)
    assert _attributes(ours) == _attributes(reference)
    assert ours == reference  # and, as it stands, the very bytes (a zip of the same parts, in the same order)


def test_every_demo_workbook_is_the_xlsxwriter_one(demo: api.Result) -> None:
    cases = list(_demo_evaluations(demo))
    assert len(cases) > 10
    for name, ev in cases:
        try:
            _same(ev)
        except AssertionError as exc:
            raise AssertionError(name) from exc


def test_every_profile_demo_workbook_is_the_xlsxwriter_one() -> None:
    cases = list(_profile_evaluations())
    assert {name.split("/")[0] for name, _ in cases} >= {"national-2019", "hubei", "shuozhou-county", "shuozhou-district"}
    for name, ev in cases:
        try:
            _same(ev)
        except AssertionError as exc:
            raise AssertionError(name) from exc


def test_a_table_broken_across_pages_is_the_xlsxwriter_one(project: Project) -> None:
    """Manual row breaks, a fixed print scale, no fit to page; split labels."""
    tall = dataclasses.replace(project, indicators=tuple(dataclasses.replace(i, deviation="说明。" * 30) for i in project.indicators))
    ev = evaluate(tall)
    assert xlsx.laid_out(ev, templates.table_style(TABLES))[2].breaks
    _same(ev)


def test_a_restyled_tables_template_is_the_xlsxwriter_one(project: Project, tmp_path: Path) -> None:
    """Other fonts, bold headers, other number formats, portrait, other margins, no footer."""
    text = TABLES.read_text(encoding="utf-8")
    text = text.replace("{name: 宋体, size: 10}", "{name: 仿宋, size: 11}")
    text = text.replace("header: {name: 黑体, size: 10}", "header: {name: 黑体, size: 10, bold: true}")
    text = text.replace('"#,##0.00_)"', '"0.00"').replace("orientation: landscape", "orientation: portrait")
    text = text.replace("left: 1.5", "left: 2.0")
    text = re.sub(r'  footer: "[^"]*"[^\n]*\n', "", text)
    restyled = tmp_path / templates.TABLES_YAML
    restyled.write_text(text, encoding="utf-8")
    style = templates.table_style(restyled)
    assert style["page"]["orientation"] == "portrait" and "footer" not in style["page"]
    _same(evaluate(project), restyled)


HOSTILE = (
    "</c><c>&amp; ]]> <![CDATA[x]]> & < > \" '",
    "\x00\x01\x08\x0b\x0c\r\x1f NUL and friends _x0041_ _X00e9_ \t tab \n line",
    "<r><t>not rich text</t></r>",
    "  leading and trailing  ",
    "\ufffe\uffff",
    "长" * 40000,
    "😀" * 20000,
)


def _decode(text: str) -> str:
    """A shared string as Excel shows it: each _xHHHH_ decoded, left to right in one pass (so _x005F_x0041_ is the
    text _x0041_); openpyxl decodes only some of them."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), text)


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_stays_text(project: Project, hostile: str) -> None:
    first = dataclasses.replace(project.indicators[0], name=hostile, remark=hostile)
    sub = dataclasses.replace(project, name=hostile, target=hostile, indicators=(first, *project.indicators[1:]))
    data = xlsx.workbook_bytes(evaluate(sub), TABLES)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():  # every part is well-formed XML: no text ended an element or opened one
            ET.fromstring(archive.read(name))
        sheet = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
        strings = ET.fromstring(archive.read("xl/sharedStrings.xml"))
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    reference = xlsx.xlsxwriter_bytes(evaluate(sub), TABLES)
    with zipfile.ZipFile(io.BytesIO(reference)) as archive:
        reference_sheet = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
        reference_strings = archive.read("xl/sharedStrings.xml")
    # the structure is the writer's alone: the cells of the XlsxWriter workbook, no cell inside a cell, no rich text
    assert not sheet.findall(".//m:c/m:c", ns) and not sheet.findall(".//m:is", ns) and not strings.findall(".//m:r", ns)
    assert [c.get("r") for c in sheet.iter(f"{{{ns['m']}}}c")] == [c.get("r") for c in reference_sheet.iter(f"{{{ns['m']}}}c")]
    if hostile.startswith("<r>"):  # XlsxWriter would take it for rich-text markup: drawn as two escaped runs there
        assert (
            b"<r><t>not rich text</t></r>" not in reference_strings
            and b"r&gt;&lt;t&gt;not rich text&lt;/t&gt;&lt;/r&gt;" in reference_strings
        )
        assert openpyxl.load_workbook(io.BytesIO(reference)).active["C3"].value == hostile
    else:  # where XlsxWriter escapes, it escapes as we do
        assert data == reference
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    expected = hostile
    if len(expected.encode("utf-16-le")) // 2 > 32767:  # Excel's limit: cut where XlsxWriter cuts, on a character
        expected = expected[: 32767 if expected[0] == "长" else 16383]
    shown = [_decode("".join(si.itertext())) for si in strings.findall("m:si", ns)]
    index = {value: i for i, value in enumerate(shown)}
    assert expected in index  # read back as written: 项目名称, 年度绩效目标, the indicator's name and remark
    cells = {c.get("r"): c for c in sheet.iter(f"{{{ns['m']}}}c")}
    for ref in ("C3", "C14"):
        assert cells[ref].get("t") == "s" and cells[ref].findtext("m:v", namespaces=ns) == str(index[expected])
        assert ws[ref].data_type == "s" and isinstance(ws[ref].value, str)
    assert openpyxl.load_workbook(io.BytesIO(data)).properties.subject is not None

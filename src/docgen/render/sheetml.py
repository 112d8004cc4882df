"""A one-sheet .xlsx written from prepared parts, as the .docx is (render/docx.py): the sheet's XML straight from
the laid-out cells, the parts every workbook shares made once per process.

Why: XlsxWriter builds an object per cell, writes a blank cell object for every cell a merged range covers and
escapes every attribute; for 附件2/附件3 that was ~70 % of a workbook's CPU (docs/performance.md). Here a workbook
is its cells written once as XML text, and the parts that do not change from one submission to the next (styles,
theme, content types, relationships) are prepared and compressed once — by XlsxWriter itself (render/xlsx.py
`_parts`), so Excel sees the styles it has always seen. The sheet XML follows XlsxWriter's own writer element for element
(cell order, merged ranges' covered cells, row spans, heights and widths rounded to whole pixels, print set-up,
defined names, document properties, the zip's records), so the same input gives the bytes XlsxWriter gives
(tests/render/test_sheetml.py compares the two on every demo and profile).

Escaping by construction: every text (cells, properties, the footer, the sheet's name) goes through
escape.spreadsheet (XML text; forbidden characters as _xHHHH_), never raw into the XML.
"""

from __future__ import annotations

import dataclasses
import math
import struct
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from xlsxwriter.utility import quote_sheetname, xl_col_to_name

from ..escape import spreadsheet as text
from ..escape import spreadsheet_attribute as attribute

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Excel's limits: a cell holds 32,767 UTF-16 units (XlsxWriter truncates; so do we); a footer 255.
MAX_TEXT = 32767
MAX_FOOTER = 255
#: Excel's defaults, in pixels: row height 20 (15 pt); a column 64 wide, its "0" 7 wide plus 5 of padding.
DEFAULT_ROW_PX = 20
DEFAULT_COLUMN_PX = 64
DIGIT_PX = 7
PADDING_PX = 5
MAX_BREAKS = 1023
#: The invariant parts, by name: what `Parts` holds, in the order they go into the archive around the rest.
SHARED = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/theme/theme1.xml",
)

#: Every part, in the order XlsxWriter puts them into the archive.
ARCHIVE = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/workbook.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/theme/theme1.xml",
    "docProps/core.xml",
    "docProps/app.xml",
)

Key = Hashable
Value = str | float | None


@dataclass(frozen=True)
class Cell:
    """A cell or merged range (0-based, inclusive), its value (a text, a number, or None: blank) and its format key."""

    row: int
    col: int
    last_row: int
    last_col: int
    value: Value
    key: Key


@dataclass(frozen=True)
class Page:
    """Print set-up: A4, centred across; `scale` None means fit on one page, else a fixed scale with manual breaks
    before the rows in `breaks` (0-based). `titles` are the rows repeated on every page (0-based, inclusive)."""

    landscape: bool
    margins: tuple[float, float, float, float]  # inches: left, right, top, bottom
    scale: int | None
    breaks: tuple[int, ...]
    titles: tuple[int, int]
    footer: str | None


@dataclass(frozen=True)
class Properties:
    """The document's properties (docProps/core.xml, app.xml's company): dated, never stamped with the time."""

    title: str
    subject: str
    author: str
    company: str
    created: datetime


@dataclass(frozen=True)
class _Entry:
    """One part as it goes into the zip: compressed once (the shared parts: once per process)."""

    name: bytes
    crc: int
    size: int
    deflated: bytes

    @classmethod
    def of(cls, name: str, data: bytes) -> _Entry:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)  # as zipfile deflates
        return cls(name.encode("ascii"), zlib.crc32(data), len(data), compressor.compress(data) + compressor.flush())


@dataclass(frozen=True)
class Parts:
    """The parts every workbook of one style shares (names: SHARED), for the format keys in the order the sheet
    first uses them (that order numbers the styles, `s="1"` …), compressed once."""

    entries: dict[str, _Entry]

    @classmethod
    def of(cls, data: dict[str, bytes]) -> Parts:
        return cls({name: _Entry.of(name, data[name]) for name in SHARED})


#: The zip records as zipfile writes them to a seekable file (no data descriptor, no zip64, no extra field):
#: version 2.0, deflated, dated 1980-01-01 00:00, files -rw------- made on this system.
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20
_DEFLATED = 8
_DOS_DATE = (ZIP_DATE[0] - 1980) << 9 | ZIP_DATE[1] << 5 | ZIP_DATE[2]
_SYSTEM = zipfile.ZipInfo().create_system
_MODE = 0o600 << 16


def _zip(entries: Sequence[_Entry]) -> bytes:
    """The archive of these entries, in order: the bytes zipfile writes for them (tests compare), without
    compressing again what was compressed once."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        sizes = (e.crc, len(e.deflated), e.size, len(e.name))
        header = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, 0, _DEFLATED, 0, _DOS_DATE, *sizes, 0)
        out += (header, e.name, e.deflated)
        central += (
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, _SYSTEM, _VERSION, 0, 0, _DEFLATED, 0, _DOS_DATE, *sizes, 0, 0, 0, 0, _MODE, offset),
            e.name,
        )
        offset += len(header) + len(e.name) + len(e.deflated)
    directory = b"".join(central)
    return b"".join(out) + directory + _END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), offset, 0)


def _utf16_truncate(value: str, limit: int) -> str:
    """The longest start of `value` of at most `limit` UTF-16 units (Excel counts a character above U+FFFF twice)."""
    if len(value) <= limit // 2:
        return value
    length = 0
    for index, char in enumerate(value):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > limit:
            return value[:index]
    return value


def _utf16_len(value: str) -> int:
    return sum(2 if ord(char) > 0xFFFF else 1 for char in value)


def _number(value: float) -> str:
    return f"{value:.16G}"


def _row_px(points: float) -> int:
    return int(points * 4.0 / 3.0 + 0.5)


def _column_px(width: float) -> int:
    if width == 0:
        return 0
    if width < 1:
        return int(width * (DIGIT_PX + PADDING_PX) + 0.5)
    return int(width * DIGIT_PX + 0.5) + PADDING_PX


class _Sheet:
    """The grid as written: later writes replace earlier ones, as in a worksheet; shared strings in write order."""

    def __init__(self) -> None:
        self.table: dict[int, dict[int, tuple[str, Key, str]]] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.strings: dict[str, int] = {}
        self.string_count = 0

    def put(self, cell: Cell) -> None:
        merged = cell.last_row > cell.row or cell.last_col > cell.col
        if merged:
            self.merges.append((cell.row, cell.col, cell.last_row, cell.last_col))
            for row in range(cell.row, cell.last_row + 1):
                line = self.table.setdefault(row, {})
                for col in range(cell.col, cell.last_col + 1):
                    line[col] = ("", cell.key, "")
        value = cell.value
        if isinstance(value, float):
            # a figure is finite by construction (evaluate/figures.py); Excel has no NaN or infinity: a blank then
            entry = ("n", cell.key, _number(value)) if math.isfinite(value) else ("", cell.key, "")
        elif value:
            value = _utf16_truncate(value, MAX_TEXT)
            index = self.strings.setdefault(value, len(self.strings))
            self.string_count += 1
            entry = ("s", cell.key, str(index))
        elif merged:
            return
        else:
            entry = ("", cell.key, "")
        self.table.setdefault(cell.row, {})[cell.col] = entry


def _cols(widths: Sequence[float]) -> str:
    """<cols>: adjacent columns of the same width as one range, widths as Excel stores them (whole pixels)."""
    out: list[str] = []
    pixels = [_column_px(w) for w in widths]
    start = 0
    for index in range(1, len(pixels) + 1):
        if index < len(pixels) and pixels[index] == pixels[start]:
            continue
        px = pixels[start]
        custom = ' customWidth="1"' if px != DEFAULT_COLUMN_PX else ""
        out.append(f'<col min="{start + 1}" max="{index}" width="{(px * 256 // DIGIT_PX) / 256.0:.16g}"{custom}/>')
        start = index
    return f"<cols>{''.join(out)}</cols>" if out else ""


def _sheet_xml(grid: _Sheet, widths: Sequence[float], heights: Sequence[float], page: Page, order: dict[Key, int]) -> str:
    """The worksheet part; `order` collects the format keys in first use (their style numbers)."""
    table = grid.table
    last_row = max([len(heights) - 1, *table])
    last_col = max([0, *(max(line) for line in table.values() if line)])
    names = [xl_col_to_name(c) for c in range(last_col + 1)]
    spans: dict[int, str] = {}
    for block in range(0, last_row + 1, 16):
        cols = [c for r in range(block, min(block + 16, last_row + 1)) for c in table.get(r, ())]
        if cols:
            spans[block // 16] = f' spans="{min(cols) + 1}:{max(cols) + 1}"'
    rows: list[str] = []
    for r in range(last_row + 1):
        line = table.get(r)
        if not line and r >= len(heights):
            continue
        head = f'<row r="{r + 1}"{spans.get(r // 16, "")}'
        if r < len(heights) and (px := _row_px(heights[r])) != DEFAULT_ROW_PX:
            head += f' ht="{px * 0.75:.16g}" customHeight="1"'
        if not line:
            rows.append(head + "/>")
            continue
        cells = [head, ">"]
        number = str(r + 1)
        for c in sorted(line):
            kind, key, data = line[c]
            style = order.get(key)
            if style is None:
                style = order[key] = len(order) + 1
            ref = names[c] + number
            if kind == "s":
                cells.append(f'<c r="{ref}" s="{style}" t="s"><v>{data}</v></c>')
            elif kind == "n":
                cells.append(f'<c r="{ref}" s="{style}"><v>{data}</v></c>')
            else:
                cells.append(f'<c r="{ref}" s="{style}"/>')
        cells.append("</row>")
        rows.append("".join(cells))
    dimension = "A1" if last_row == 0 and last_col == 0 else f"A1:{names[last_col]}{last_row + 1}"
    fit = page.scale is None
    out = [
        HEAD,
        f'<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit else "",
        f'<dimension ref="{dimension}"/>',
        '<sheetViews><sheetView showGridLines="0" tabSelected="1" workbookViewId="0"/></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
        _cols(widths),
        "<sheetData>",
        *rows,
        "</sheetData>",
    ]
    if grid.merges:
        refs = "".join(f'<mergeCell ref="{xl_col_to_name(c)}{r + 1}:{xl_col_to_name(lc)}{lr + 1}"/>' for r, c, lr, lc in grid.merges)
        out.append(f'<mergeCells count="{len(grid.merges)}">{refs}</mergeCells>')
    left, right, top, bottom = page.margins
    out.append('<printOptions horizontalCentered="1"/>')
    out.append(f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" header="0.3" footer="0.3"/>')
    scale = "" if fit or page.scale == 100 else f' scale="{page.scale}"'
    orientation = "landscape" if page.landscape else "portrait"
    out.append(f'<pageSetup paperSize="9"{scale} orientation="{orientation}"/>')
    if page.footer is not None:
        out.append(f"<headerFooter><oddFooter>{text(page.footer)}</oddFooter></headerFooter>")
    breaks = sorted(set(page.breaks) - {0})[:MAX_BREAKS]
    if breaks:
        brks = "".join(f'<brk id="{b}" max="16383" man="1"/>' for b in breaks)
        out.append(f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">{brks}</rowBreaks>')
    out.append("</worksheet>")
    return "".join(out)


def _shared_strings(grid: _Sheet) -> str:
    items = []
    for value in grid.strings:
        escaped = text(value)  # a control character at either end is no longer space once escaped, as in Excel
        space = ' xml:space="preserve"' if escaped[:1].isspace() or escaped[-1:].isspace() else ""
        items.append(f"<si><t{space}>{escaped}</t></si>")
    return f'{HEAD}<sst xmlns="{MAIN}" count="{grid.string_count}" uniqueCount="{len(grid.strings)}">{"".join(items)}</sst>'


def _names(name: str, rows: int, cols: int, titles: tuple[int, int]) -> list[tuple[str, str]]:
    """The defined names, in Excel's order: the print area, then the rows repeated on every page."""
    sheet = quote_sheetname(name)
    area = f"{sheet}!$A$1:${xl_col_to_name(cols - 1)}${rows}" if rows > 1 or cols > 1 else f"{sheet}!$A$1"
    return [("Print_Area", area), ("Print_Titles", f"{sheet}!${titles[0] + 1}:${titles[1] + 1}")]


def _workbook_xml(name: str, names: list[tuple[str, str]]) -> str:
    defined = "".join(f'<definedName name="_xlnm.{kind}" localSheetId="0">{text(ref)}</definedName>' for kind, ref in names)
    return (
        f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        '<fileVersion appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/>'
        '<workbookPr defaultThemeVersion="124226"/>'
        '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
        f'<sheets><sheet name="{attribute(name)}" sheetId="1" r:id="rId1"/></sheets>'
        f"<definedNames>{defined}</definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _core_xml(props: Properties) -> str:
    stamp = props.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{HEAD}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text(props.title)}</dc:title><dc:subject>{text(props.subject)}</dc:subject>"
        f"<dc:creator>{text(props.author)}</dc:creator><cp:lastModifiedBy>{text(props.author)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )


def _app_xml(name: str, names: list[tuple[str, str]], company: str) -> str:
    titles = [name, *(f"{ref.split('!', 1)[0]}!{kind}" for kind, ref in names)]
    parts = "".join(f"<vt:lpstr>{text(title)}</vt:lpstr>" for title in titles)
    return (
        f'{HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        '<HeadingPairs><vt:vector size="4" baseType="variant">'
        "<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>"
        "<vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant>"
        f"<vt:variant><vt:i4>{len(names)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
        f'<TitlesOfParts><vt:vector size="{len(titles)}" baseType="lpstr">{parts}</vt:vector></TitlesOfParts>'
        f"<Company>{text(company)}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>"
    )


def workbook(
    name: str,
    widths: Sequence[float],
    heights: Sequence[float],
    cells: Iterable[Cell],
    page: Page,
    props: Properties,
    parts: Callable[[tuple[Key, ...]], Parts],
) -> bytes:
    """The .xlsx of one sheet `name`: cells in write order (a later one replaces an earlier one where they meet),
    row heights in points, column widths in Excel's character units; `parts` gives the shared parts for the
    format keys in the order the sheet first uses them. Identical bytes for identical input."""
    grid = _Sheet()
    for cell in cells:
        grid.put(cell)
    order: dict[Key, int] = {}
    footer = None if page.footer is None else page.footer.replace("&[Picture]", "&G")
    if footer is not None and (_utf16_len(footer) > MAX_FOOTER or "&G" in footer):
        footer = None  # as XlsxWriter: too long for Excel, or asking for a picture there is none of
    sheet = _sheet_xml(grid, widths, heights, dataclasses.replace(page, footer=footer), order)
    shared = parts(tuple(order)).entries
    names = _names(name, len(heights), len(widths), page.titles)
    written = {
        "xl/worksheets/sheet1.xml": sheet,
        "xl/workbook.xml": _workbook_xml(name, names),
        "xl/sharedStrings.xml": _shared_strings(grid),
        "docProps/core.xml": _core_xml(props),
        "docProps/app.xml": _app_xml(name, names, props.company),
    }
    return _zip([shared[part] if part in shared else _Entry.of(part, written[part].encode("utf-8")) for part in ARCHIVE])

"""The 汇总表 written from prepared parts, as 附件2/附件3 are (render/sheetml.py): each sheet's rows straight into
its compressed XML part, the parts that do not depend on the rows (workbook, properties, styles, the sheets'
views, filters, merges and print set-up) written by XlsxWriter itself on a skeleton without the rows.

Why: the city's 汇总表 lists every project and every finding (10,000 rows and ~44,000 at 10,000 projects) and is
rewritten by every edit; XlsxWriter keeps an object per cell and took ~10 s and the build's peak memory for it
(issue 18). Here a row is a line of text and the sheet is compressed as it is written. The bytes are XlsxWriter's
(tests/render/test_rollup_xml.py compares the two writers); a text XlsxWriter would take for its rich-text markup
(<r>…</r>) is left to XlsxWriter (`Markup`), which rollup.write_text already handles.

The city's two long sheets in `docgen build` are written from `Piece`s instead: each department's rows written and
compressed alone, kept in the user's cache while the department is unchanged (rollup_parts.py), and spliced into the
sheet's compressed part as they are. A build after one edit wrote all ~57,000 rows again at 10,000 projects (~2.5 s
of CPU); now it writes one department's. So that a piece does not depend on where it lands or on what came before
it, its rows carry no row or cell numbers (readers count them, as the format allows), its texts are inline (no
index into the workbook's shared strings) and its styles come from one fixed table (`_Styles.fixed`). That
workbook is not XlsxWriter's bytes but the same cells (tests compare them as a reader sees them), and the same
bytes however its pieces were made, cold or kept.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from .. import __version__
from .. import messages as M
from ..escape import spreadsheet as text
from ..evaluate import figures as compute
from ..form import numbers as N
from .rollup import (  # at the top, not in each function: an import in `Preparer` cost ~10 % of laying out a row
    _HEADER,
    _NOTE,
    _SUBTITLE,
    _TITLE,
    COUNT,
    FIXED_DATE,
    LIGHT,
    LINE_HEIGHT,
    MONEY,
    RATE,
    TEXT,
    Sheet,
    _cell_spec,
    _width,
    light_label,
    text_lines,
)
from .sheetml import MAX_TEXT, _Entry, _row_px, _utf16_truncate, _zip

DEFAULT_ROW_PX = 20
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


class Markup(Exception):
    """A text XlsxWriter would write as rich-text markup: the workbook goes through XlsxWriter (rollup.write_text)."""


class _Styles:
    """Style numbers as XlsxWriter gives them: in order of first use in the sheets' XML, one per distinct format."""

    def __init__(self, spec_of: Callable[[Any], dict[str, Any]]) -> None:
        self.spec_of = spec_of
        self.by_key: dict[Any, int] = {}
        self.by_spec: dict[str, int] = {}
        self.order: list[dict[str, Any]] = []

    def xf(self, key: Any) -> int:
        found = self.by_key.get(key)
        if found is None:
            spec = self.spec_of(key)
            canonical = json.dumps(spec, sort_keys=True, ensure_ascii=False)
            found = self.by_spec.get(canonical)
            if found is None:
                found = self.by_spec[canonical] = len(self.by_spec) + 1
                self.order.append(spec)
            self.by_key[key] = found
        return found

    @classmethod
    def fixed(cls) -> _Styles:
        """Every format a 汇总表 can use, numbered in one order whatever the sheets hold: a `Piece` written alone
        has the style numbers of the workbook it is spliced into."""
        styles = cls(_spec)
        for key in [("title",), ("subtitle",), ("header",), ("note",)]:
            styles.xf(key)
        for total in (False, True):
            for kind in (TEXT, MONEY, RATE, COUNT, LIGHT):
                styles.xf((kind, total, None))
            for light in M.LIGHT_NAMES:
                styles.xf((LIGHT, total, light))
        return styles


class _Strings:
    """The shared strings in order of writing, as XlsxWriter's table counts them."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def of(self, value: str) -> int:
        if value.startswith("<r>") and value.endswith("</r>"):
            raise Markup
        if len(value) > MAX_TEXT // 2:
            value = _utf16_truncate(value, MAX_TEXT)
        self.count += 1
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.index)
        return found

    def part(self) -> bytes:
        items = []
        for value in self.index:
            escaped = text(value)
            space = ' xml:space="preserve"' if escaped[:1].isspace() or escaped[-1:].isspace() else ""
            items.append(f"<si><t{space}>{escaped}</t></si>")
        return f'{HEAD}<sst xmlns="{MAIN}" count="{self.count}" uniqueCount="{len(self.index)}">{"".join(items)}</sst>'.encode()


class _Part:
    """One part compressed as it is written, as zipfile would compress it whole."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.chunks: list[bytes] = []
        self.crc = 0
        self.size = 0

    def write(self, data: str) -> None:
        raw = data.encode("utf-8")
        self.crc = zlib.crc32(raw, self.crc)
        self.size += len(raw)
        self.chunks.append(self.compressor.compress(raw))

    def splice(self, piece: Piece) -> None:
        """`piece`'s rows as they were compressed: the stream so far flushed to a byte boundary, the piece's
        blocks (never the last), then a fresh stream, as deflate streams joined so are one stream."""
        if not piece.size:
            return
        self.chunks += (self.compressor.flush(zlib.Z_SYNC_FLUSH), piece.deflated)
        self.compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.crc = crc32_combine(self.crc, piece.crc, piece.size)
        self.size += piece.size

    def entry(self) -> _Entry:
        self.chunks.append(self.compressor.flush())
        return _Entry(self.name.encode("ascii"), self.crc, self.size, b"".join(self.chunks))


# --- the CRC-32 of two texts joined, from theirs (zlib's crc32_combine, which Python's zlib does not offer) ----------

_POLY = 0xEDB88320  # the CRC-32 polynomial, bits reflected


def _times(a: int, b: int) -> int:
    """a times b modulo the polynomial (bits reflected: x^0 is the top bit)."""
    product, bit = 0, 1 << 31
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _powers() -> list[int]:
    out = [1 << 30]  # x^1
    for _ in range(31):
        out.append(_times(out[-1], out[-1]))
    return out


_X_2N = _powers()  # x^(2^n) modulo the polynomial


def crc32_combine(first: int, second: int, length: int) -> int:
    """The CRC-32 of a text whose start has CRC `first` and whose `length` bytes after it have CRC `second`."""
    factor, n = 1 << 31, 3  # x^0; `length` bytes are 8 * length bits: x^(2^3) per byte
    while length:
        if length & 1:
            factor = _times(_X_2N[n & 31], factor)
        length >>= 1
        n += 1
    return _times(factor, first) ^ second


@dataclass(frozen=True)
class Piece:
    """One department's rows on one of the city's long sheets, written and compressed alone (`piece`): `rows`
    rows of `width` cells, `size` bytes of XML with CRC `crc`, `deflated` (a raw deflate stream, byte-aligned and
    not ended)."""

    rows: int
    width: int
    crc: int
    size: int
    deflated: bytes

    def check(self) -> str:
        """What tells a piece read back from the cache from a damaged one (rollup_parts.decode)."""
        seal = hashlib.blake2b(f"{self.rows},{self.width},{self.crc},{self.size},".encode(), digest_size=16)
        seal.update(self.deflated)
        return seal.hexdigest()


@dataclass(frozen=True)
class Pieces:
    """A long sheet's rows (rollup.Sheet.prepared): its departments' pieces in order."""

    pieces: tuple[Piece, ...]

    def __repr__(self) -> str:  # in the key of an unchanged workbook (rollup._Keys): their seals, not their bytes
        return f"Pieces({[piece.check() for piece in self.pieces]})"

    def __len__(self) -> int:
        return sum(piece.rows for piece in self.pieces)


def _inline(value: str) -> str:
    """A text as an inline string, as the shared strings table would hold it (`_Strings`)."""
    if len(value) > MAX_TEXT // 2:
        value = _utf16_truncate(value, MAX_TEXT)
    escaped = text(value)
    space = ' xml:space="preserve"' if escaped[:1].isspace() or escaped[-1:].isspace() else ""
    return f"<t{space}>{escaped}</t>"


def piece(rows: Iterable[Prepared], width: int) -> Piece:
    """Prepared rows of `width` cells as a `Piece`: the XML `_emit` writes for them, without row and cell numbers
    and with inline texts, in the styles of `_Styles.fixed`. A text is escaped once however often it comes (a
    department's name, a rule's code, a light: most cells of a department's rows)."""
    number = _Styles.fixed().by_key
    templates: dict[Any, tuple[str, tuple[bool, ...]]] = {}
    heights: dict[int, str] = {}
    inline: dict[str, str] = {}
    out: list[str] = []
    count = 0
    for lines, sig, cells in rows:
        if len(cells) != width:  # rows prepared for other columns: never written misaligned
            raise ValueError(width)
        made = templates.get(sig)
        if made is None:
            cell_xml = (
                f'<c s="{number[key]}" t="inlineStr"><is>{{}}</is></c>' if is_text else f'<c s="{number[key]}"><v>{{}}</v></c>'
                for key, is_text in sig
            )
            made = templates[sig] = ("".join(cell_xml), tuple(is_text for _, is_text in sig))
        template, texts = made
        ht = heights.get(lines)
        if ht is None:
            px = _row_px(LINE_HEIGHT * lines + 2) if lines > 1 else DEFAULT_ROW_PX
            ht = heights[lines] = f' ht="{px * 0.75:.16g}" customHeight="1"' if px != DEFAULT_ROW_PX else ""
        values = []
        for value, is_text in zip(cells, texts, strict=True):
            if is_text:
                xml = inline.get(value)
                if xml is None:
                    xml = inline[value] = _inline(value)
                value = xml
            values.append(value)
        out.append(f"<row{ht}>{template.format(*values)}</row>")
        count += 1
    raw = "".join(out).encode("utf-8")
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    deflated = compressor.compress(raw) + compressor.flush(zlib.Z_SYNC_FLUSH) if raw else b""
    return Piece(count, width, zlib.crc32(raw), len(raw), deflated)


def _number(value: float) -> str:
    return f"{value:.16G}"


class _Writer:
    """One sheet's rows as XlsxWriter writes them: spans per 16 rows, heights in whole pixels, cells by column."""

    def __init__(self, part: _Part, styles: _Styles, strings: _Strings, names: list[str]) -> None:
        self.part, self.styles, self.strings, self.names = part, styles, strings, names
        self.block: list[tuple[int, int | None, list[str], int, int]] = []
        self.block_index = 0
        self.templates: dict[Any, tuple[str, tuple[bool, ...]]] = {}  # a prepared row's kind of cells -> its XML to fill

    def row(self, r: int, height: float | None, cells: list[str], first: int, last: int) -> None:
        if r // 16 != self.block_index:
            self.flush()
            self.block_index = r // 16
        px = _row_px(height) if height is not None else None
        self.block.append((r, px, cells, first, last))

    def flush(self) -> None:
        if not self.block:
            return
        spans = f' spans="{min(b[3] for b in self.block) + 1}:{max(b[4] for b in self.block) + 1}"'
        out = []
        for r, px, cells, _, _ in self.block:
            ht = f' ht="{px * 0.75:.16g}" customHeight="1"' if px is not None and px != DEFAULT_ROW_PX else ""
            out.append(f'<row r="{r + 1}"{spans}{ht}>{"".join(cells)}</row>')
        self.part.write("".join(out))
        self.block = []

    def string(self, ref: str, key: Any, value: str) -> str:
        return f'<c r="{ref}" s="{self.styles.xf(key)}" t="s"><v>{self.strings.of(value)}</v></c>'

    def blank(self, ref: str, key: Any) -> str:
        return f'<c r="{ref}" s="{self.styles.xf(key)}"/>'

    def number(self, ref: str, key: Any, value: str) -> str:
        """A number cell; `value` as `_number` writes it."""
        return f'<c r="{ref}" s="{self.styles.xf(key)}"><v>{value}</v></c>'


def _merged(w: _Writer, r: int, last: int, key: Any, value: str, height: float | None) -> None:
    number = str(r + 1)
    cells = [w.string(w.names[0] + number, key, value)]
    cells += [w.blank(w.names[c] + number, key) for c in range(1, last + 1)]
    w.row(r, height, cells, 0, last)


#: A data row made ready to write (`Preparer`): how many lines it needs, each cell's style key with whether it is a text
#: (else a number), and each cell's text or number (as `_number` writes it). The city's 汇总表 writes a department's
#: rows so into its `Piece`s (rollup_parts.py).
Prepared = tuple[int, tuple[tuple[Any, bool], ...], tuple[str, ...]]


class Preparer:
    """A sheet's rows made ready to write (`Prepared`), before they are numbered, styled and put in the shared
    strings. What each column needs (its style keys, its room for text) is worked out once a
    sheet, not once a cell: the rows of the department edited are prepared twice after one edit (its 汇总表 and its
    part of the city's), ~5,700 rows at 10,000 projects."""

    def __init__(self, columns: Sequence[tuple[str, str]], total: bool = False) -> None:
        self.plan = [
            (key, kind, _width(key, kind) - 1, ((TEXT, total, None), True), ((kind, total, None), True), ((kind, total, None), False))
            for key, kind in columns
        ]
        self.lights = {light: ((LIGHT, total, light), True) for light in (None, *M.LIGHT_NAMES)}

    def __call__(self, values: dict[str, Any]) -> Prepared:
        sig: list[tuple[Any, bool]] = []
        out: list[str] = []
        needed = 1
        get = values.get
        for key, kind, room, as_text, as_none, as_number in self.plan:
            value = get(key)
            if kind == TEXT:
                sig.append(as_text)
                if isinstance(value, str):
                    out.append(str(value))
                    if 2 * len(value) > room:  # else it fits on one line (text_lines)
                        needed = max(needed, text_lines(value, room))
                else:
                    out.append("" if value is None else str(value))
            elif kind == LIGHT:
                sig.append(self.lights[value if value in M.LIGHT_NAMES else None])
                out.append(light_label(values, key) if value is not None else "")
            elif value is None:
                sig.append(as_none)
                out.append(N.NO_VALUE)
            elif isinstance(value, str):
                sig.append(as_text)
                out.append(value)
            elif kind == RATE:
                sig.append(as_number)
                out.append(_number(float(compute.fraction(Decimal(value)))))
            else:
                sig.append(as_number)
                out.append(_number(float(value)))
        return needed, tuple(sig), tuple(out)


def widened(prefix: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]], ready: Iterable[Prepared]) -> Iterator[Prepared]:
    """Rows made ready (`ready`, from their values `rows`) for columns that `prefix` now comes before: a
    department's rows in the city's 汇总表, which gives its code and name first."""
    prepare = Preparer(prefix)
    for values, (lines, sig, cells) in zip(rows, ready, strict=True):
        more, head, first = prepare(values)
        yield max(more, lines), head + sig, first + cells


def _emit(w: _Writer, r: int, prepared: Prepared, last: int) -> None:
    """A prepared row written as row `r`."""
    lines, sig, out = prepared
    made = w.templates.get(sig)
    if made is None:  # the row's XML with its number and values left to fill: styles numbered in order of first use
        cells = []
        for col, (key, is_text) in enumerate(sig):
            ref, xf, kind = w.names[col] + "{0}", w.styles.xf(key), ' t="s"' if is_text else ""
            cells.append(f'<c r="{ref}" s="{xf}"{kind}><v>{{{col + 1}}}</v></c>')
        made = w.templates[sig] = ("".join(cells), tuple(is_text for _, is_text in sig))
    template, texts = made
    of = w.strings.of  # in the cells' order, as the shared strings are counted
    values = [of(value) if is_text else value for value, is_text in zip(out, texts, strict=True)]
    w.row(r, LINE_HEIGHT * lines + 2 if lines > 1 else None, [template.format(r + 1, *values)], 0, last)


def _sheet(part: _Part, sheet: Sheet, head: str, tail: str, styles: _Styles, strings: _Strings) -> None:
    """A sheet as rollup._written_by_xlsxwriter draws it: title and subtitle merged, the header, the rows, the total,
    a blank row and the note."""
    columns = sheet.shown
    words = sheet.form.words if sheet.form is not None else str
    last = len(columns) - 1
    end = 3 + sheet.size + (1 if sheet.total is not None else 0)
    bottom = end + 1 if sheet.note else end - 1
    dimension = "A1" if bottom == 0 and last == 0 else f"A1:{xl_col_to_name(last)}{bottom + 1}"
    part.write(_DIMENSION.sub(f'<dimension ref="{dimension}"/>', head, count=1))
    names = [xl_col_to_name(c) for c in range(last + 1)]
    w = _Writer(part, styles, strings, names)
    _merged(w, 0, last, ("title",), sheet.title, 28)
    _merged(w, 1, last, ("subtitle",), sheet.subtitle, None)
    w.row(2, 45, [w.string(names[col] + "3", ("header",), sheet.header(key)) for col, (key, _) in enumerate(columns)], 0, last)
    if sheet.ready is not None and len(sheet.ready) != len(sheet.rows):
        raise ValueError(sheet.name)
    for index, prepared in enumerate(sheet.ready if sheet.ready is not None else map(Preparer(columns), sheet.rows)):
        if len(prepared[2]) != len(columns):  # rows prepared for other columns: never written misaligned
            raise ValueError(sheet.name)
        _emit(w, 3 + index, prepared, last)
    if sheet.prepared is not None:
        w.flush()
        for each in sheet.prepared.pieces:
            if each.width != len(columns):  # rows prepared for other columns: never written misaligned
                raise ValueError(sheet.name)
            part.splice(each)
    if sheet.total is not None:
        _emit(w, 3 + sheet.size, Preparer(columns, total=True)(sheet.total), last)
    if sheet.note:
        w.row(end + 1, None, [w.string(f"A{end + 2}", ("note",), words(sheet.note))], 0, 0)
    w.flush()
    part.write(tail)


def _spec(key: Any) -> dict[str, Any]:
    fixed = {"title": _TITLE, "subtitle": _SUBTITLE, "header": _HEADER, "note": _NOTE}
    return dict(fixed[key[0]]) if len(key) == 1 else _cell_spec(*key)


def _skeleton(sheets: Sequence[Sheet], specs: Sequence[dict[str, Any]] | None) -> dict[str, bytes]:
    """XlsxWriter's parts for these sheets without their rows (`specs` None), or its styles for these formats in
    this order of first use."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": FIXED_DATE, "author": "docgen", "comments": f"docgen {__version__}"})
    if specs is not None:
        ws = book.add_worksheet()
        for row, spec in enumerate(specs):
            ws.write_blank(row, 0, None, book.add_format(spec))
        ws.write_string(len(specs), 0, "-")
    for sheet in sheets if specs is None else ():
        ws = book.add_worksheet(sheet.name)
        columns = sheet.shown
        last = len(columns) - 1
        ws.merge_range(0, 0, 0, last, None)
        ws.merge_range(1, 0, 1, last, None)
        ws.write_string(0, 0, "-")
        for col, (key, kind) in enumerate(columns):
            ws.set_column(col, col, _width(key, kind))
        end = 3 + sheet.size
        ws.autofilter(2, 0, max(end - 1, 2), last)
        ws.freeze_panes(3, sheet.frozen_columns)
        ws.set_landscape()
        ws.set_paper(8)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(2)
    book.close()
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The 汇总表's .xlsx: the bytes rollup._written_by_xlsxwriter gives for the same sheets. Raises Markup for a
    text XlsxWriter would take for rich text."""
    if any(len(sheet.shown) < 2 for sheet in sheets):
        raise Markup  # a one-column sheet: XlsxWriter refuses to merge a single cell; left to it
    skeleton = _skeleton(sheets, None)
    styles = _Styles.fixed() if any(sheet.prepared is not None for sheet in sheets) else _Styles(_spec)
    strings = _Strings()
    parts: dict[str, _Entry] = {}
    for index, sheet in enumerate(sheets, start=1):
        name = f"xl/worksheets/sheet{index}.xml"
        xml = skeleton[name].decode("utf-8")
        start, stop = xml.index("<sheetData>") + len("<sheetData>"), xml.index("</sheetData>")
        part = _Part(name)
        _sheet(part, sheet, xml[:start], xml[stop:], styles, strings)
        parts[name] = part.entry()
    parts["xl/sharedStrings.xml"] = _Entry.of("xl/sharedStrings.xml", strings.part())
    parts["xl/styles.xml"] = _Entry.of("xl/styles.xml", _skeleton((), styles.order)["xl/styles.xml"])
    return _zip([parts[name] if name in parts else _Entry.of(name, data) for name, data in skeleton.items()])

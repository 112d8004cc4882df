"""Every demo 附件2/附件3 printed through the real LibreOffice and read back from the PDF's word boxes and border lines.

Structure only, never coordinates: the page count is the one paginate planned, every page holds table rows (never
only the header or the notes), the three notes sit together on the last page, every amount stands whole, no word
crosses a cell border, and each page carries its 「第 n 页，共 N 页」.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from docgen import api
from docgen.evaluate.evaluation import evaluate
from docgen.form import vocabulary as F
from docgen.form.model import Project
from docgen.render import layout, paths, pdf, templates, xlsx
from docgen.render.paginate import Plan

pytestmark = pytest.mark.skipif(
    pdf.soffice() is None or not all(shutil.which(t) for t in ("pdftotext", "pdftocairo")),
    reason="LibreOffice (soffice) or poppler-utils (pdftotext, pdftocairo) not installed; .ci/run installs them",
)


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Printed:
    name: str
    sheet: layout.Sheet
    plan: Plan
    words: list[Word]
    lines: list[list[tuple[float, float, float, float]]]  # per page: border segments (x0, y0, x1, y1)

    def page_text(self, page: int) -> str:
        return "".join(w.text for w in self.words if w.page == page)


def read_words(path: Path) -> list[Word]:
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for page, body in enumerate(html.split("<page ")[1:]):
        pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
        for x0, y0, x1, y1, text in re.findall(pattern, body):
            found.append(Word(page, float(x0), float(y0), float(x1), float(y1), unescape(text)))
    return found


def read_lines(path: Path, pages: int, tmp: Path) -> list[list[tuple[float, float, float, float]]]:
    """The stroked straight segments LibreOffice draws as cell borders, in the same top-down points as pdftotext."""
    out = []
    for page in range(1, pages + 1):
        svg = tmp / f"{path.stem}-{page}.svg"
        subprocess.run(["pdftocairo", "-svg", "-f", str(page), "-l", str(page), str(path), str(svg)], check=True)
        segments = []
        for d, matrix in re.findall(r'<path style="fill:none;[^"]*" d="([^"]+)" transform="matrix\(([^)]+)\)"', svg.read_text()):
            a, _, _, dd, e, f = (float(v) for v in matrix.split(","))
            numbers = [float(v) for v in re.findall(r"-?[\d.]+", d)]
            if len(numbers) == 4:
                x0, y0, x1, y1 = numbers
                segments.append((a * x0 + e, dd * y0 + f, a * x1 + e, dd * y1 + f))
        out.append(segments)
    return out


@pytest.fixture(scope="module")
def printed(demo: api.Result, tpl: templates.Templates, tmp_path_factory: pytest.TempPathFactory) -> list[Printed]:
    """Every demo 附件2 and 附件3, as docgen writes them, converted in one LibreOffice run."""
    tmp = tmp_path_factory.mktemp("print")
    style_path = tpl.path(templates.TABLES_YAML)
    style = templates.table_style(style_path)
    made = []
    for sub in (*demo.projects, *demo.departments):
        ev = evaluate(sub)
        name = f"{'附件2-' + sub.code if isinstance(sub, Project) else '附件3-' + sub.department_code}"
        source = tmp / f"{name}.xlsx"
        source.write_bytes(xlsx.workbook_bytes(ev, style_path))
        sheet, _, plan = xlsx.laid_out(ev, style)
        made.append((name, source, sheet, plan))
    converted = pdf.convert([m[1] for m in made], tmp, tpl.path(templates.FONTS_CONF))
    assert not converted.problems, converted.problems
    result = []
    for name, source, sheet, plan in made:
        target = paths.pdf(source)
        words = read_words(target)
        pages = max(w.page for w in words) + 1
        result.append(Printed(name, sheet, plan, words, read_lines(target, pages, tmp)))
    return result


def test_the_demo_has_its_twenty_one_tables_and_some_break(printed: list[Printed]) -> None:
    assert len(printed) == 21  # 16 附件2 (one 涉密, rendered here all the same) and 5 附件3
    assert any(p.plan.breaks for p in printed) and any(not p.plan.breaks for p in printed)


def test_page_count_is_the_planned_one_with_page_numbers(printed: list[Printed]) -> None:
    for p in printed:
        pages = len(p.plan.breaks) + 1
        assert max(w.page for w in p.words) + 1 == pages, p.name
        for page in range(pages):
            assert f"第{page + 1}页，共{pages}页" in p.page_text(page), (p.name, page)


def _cell_texts(p: Printed, rows: range, styles: set[str]) -> list[str]:
    return [
        re.sub(r"\s+", "", c.value)
        for c in p.sheet.cells
        if c.row in rows and c.style in styles and isinstance(c.value, str) and c.value.strip()
    ]


def test_no_page_holds_only_headers_or_notes(printed: list[Printed]) -> None:
    """Every page shows table rows of its own: the indicator names (or identity) planned for it appear on it."""
    for p in printed:
        for page, rows in enumerate(p.plan.pages(p.sheet.rows)):
            own = _cell_texts(p, range(rows.start, min(rows.stop, p.sheet.body_end)), {"text", "center", "label"})
            own = [t for t in own if t not in _cell_texts(p, range(p.sheet.header_rows[0], p.sheet.header_rows[1] + 1), {"header"})]
            assert own, (p.name, page)
            text = p.page_text(page)
            assert any(t[:6] in text for t in own), (p.name, page)


def test_notes_stand_together_on_the_last_page_with_rows_above(printed: list[Printed]) -> None:
    for p in printed:
        last = len(p.plan.breaks)
        for note in F.TABLE_NOTES:
            head = re.sub(r"\s+", "", note)[:12]
            assert [page for page in range(last + 1) if head in p.page_text(page)] == [last], (p.name, note)
        assert p.plan.pages(p.sheet.rows)[-1].start < p.sheet.body_end  # at least one table row above the notes


def test_header_repeats_and_level1_labels_are_on_every_page_they_span(printed: list[Printed]) -> None:
    for p in printed:
        first_indicator_page = next(
            i for i, rows in enumerate(p.plan.pages(p.sheet.rows)) if p.sheet.header_rows[1] in rows or rows.start > p.sheet.header_rows[1]
        )
        for page in range(first_indicator_page, len(p.plan.breaks) + 1):
            assert "一级指标" in p.page_text(page) and "备注" in p.page_text(page), (p.name, page)
        for page, rows in enumerate(p.plan.pages(p.sheet.rows)):
            for cell in p.sheet.cells:
                if cell.style == "label" and cell.col == 1 and cell.row in rows and cell.row > p.sheet.header_rows[1]:
                    assert isinstance(cell.value, str) and cell.value in p.page_text(page), (p.name, page, cell.value)


def test_amounts_stand_whole(printed: list[Printed]) -> None:
    for p in printed:
        shown = {w.text for w in p.words if w.page == 0}
        amounts = [c.value for c in p.sheet.cells if c.style == "money" and isinstance(c.value, Decimal)]
        assert amounts, p.name
        for amount in amounts:
            assert f"{amount:,.2f}" in shown, (p.name, amount)


def test_no_word_crosses_a_cell_border(printed: list[Printed]) -> None:
    """A vertical border through a word's box, or a horizontal one through it, means text cut or overflowing."""
    eps = 0.6
    for p in printed:
        assert all(p.lines), p.name  # the borders were found (else this test could not fail)
        amount = next(w for w in p.words if w.page == 0 and re.fullmatch(r"[\d,]+\.\d\d", w.text))
        widened = Word(0, amount.x0 - 200, amount.y0, amount.x1 + 200, amount.y1, amount.text)
        assert _crosses(widened, p.lines[0], eps), p.name  # a word spilling into its neighbours would be caught
        for w in p.words:
            assert not _crosses(w, p.lines[w.page], eps), (p.name, w.page, w.text)


def _crosses(w: Word, lines: list[tuple[float, float, float, float]], eps: float) -> bool:
    for x0, y0, x1, y1 in lines:
        if abs(x0 - x1) < 0.01 and w.x0 + eps < x0 < w.x1 - eps and min(y0, y1) < (w.y0 + w.y1) / 2 < max(y0, y1):
            return True
        if abs(y0 - y1) < 0.01 and w.y0 + eps < y0 < w.y1 - eps and min(x0, x1) < (w.x0 + w.x1) / 2 < max(x0, x1):
            return True
    return False


def test_vertical_labels_read_verbatim_top_down(printed: list[Printed]) -> None:
    """The stacked 「项目资金预算安排及执行进度（万元）」 prints one character a line, all of it, in order."""
    for p in printed:
        label = F.PROJECT_BUDGET_BLOCK if p.name.startswith("附件2") else F.DEPARTMENT_BUDGET_BLOCK
        column = sorted((w for w in p.words if w.page == 0 and len(w.text) == 1 and w.text in label), key=lambda w: w.y0)
        stacked = "".join(w.text for w in column if abs(w.x0 - column[0].x0) < 3) if column else ""
        assert label in stacked, (p.name, stacked)

"""Measure how LibreOffice prints the demo's 附件2/附件3: the numbers behind tables.yaml's `print:` section.

Renders every demo table as docgen writes it, converts it to PDF and reads the word boxes back
(`pdftotext -bbox-layout`) and the border lines (`pdftocairo -svg`). Prints, per table, the pages printed against
the pages planned, the scale LibreOffice printed at (a straight-line fit of the words' vertical centres against the
rows' planned centres: its slope is the scale, its spread says whether the row heights docgen set are the ones
printed); then the scale at which the table's printed width would fill the page width, and the line pitch of
wrapped text per point of font size. Run it after changing
fonts, column widths or fonts.conf, and copy the numbers into tables.yaml (docs/printing.md).

    .venv/bin/python tools/measure_print.py
"""

from __future__ import annotations

import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from docgen import api  # noqa: E402
from docgen.evaluate.evaluation import evaluate  # noqa: E402
from docgen.render import paths, pdf, templates, xlsx  # noqa: E402
from docgen.render.paginate import A4_PT, CM_TO_PT  # noqa: E402


def lines_of(pdf_path: Path) -> list[list[list[tuple[float, float, str]]]]:
    """Per page, per text block (a cell's wrapped text is one block), each line: (top, bottom, text)."""
    html = subprocess.run(["pdftotext", "-bbox-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for body in html.split("<page ")[1:]:
        blocks = []
        for block in re.findall(r"<block [^>]*>(.*?)</block>", body, re.S):
            found = []
            for line in re.findall(r"<line [^>]*>(.*?)</line>", block, re.S):
                words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', line)
                if words:
                    found.append((float(words[0][0]), float(words[0][1]), "".join(unescape(w[2]) for w in words)))
            blocks.append(found)
        pages.append(blocks)
    return pages


def table_width(pdf_path: Path, tmp: Path) -> float:
    """The printed width of the table on page 1: from its leftmost to its rightmost border line."""
    svg = tmp / (pdf_path.stem + ".svg")
    subprocess.run(["pdftocairo", "-svg", "-f", "1", "-l", "1", str(pdf_path), str(svg)], check=True)
    xs = []
    for d, matrix in re.findall(r'<path style="fill:none;[^"]*" d="([^"]+)" transform="matrix\(([^)]+)\)"', svg.read_text()):
        a, _, _, _, e, _ = (float(v) for v in matrix.split(","))
        numbers = [float(v) for v in re.findall(r"-?[\d.]+", d)]
        if len(numbers) == 4:
            xs += [a * numbers[0] + e, a * numbers[2] + e]
    return max(xs) - min(xs)


def main() -> int:
    if pdf.soffice() is None:
        print("LibreOffice (soffice) is not installed")
        return 1
    os.chdir(ROOT)
    result = api.check([ROOT / api.SUBMISSIONS])
    tpl = templates.find(ROOT)
    style = templates.table_style(tpl.path(templates.TABLES_YAML))
    body_size = float(style["fonts"]["body"]["size"])
    with tempfile.TemporaryDirectory() as tmp:
        made = []
        for index, sub in enumerate((*result.projects, *result.departments)):
            ev = evaluate(sub)
            source = Path(tmp) / f"{index:02d}.xlsx"
            source.write_bytes(xlsx.workbook_bytes(ev, tpl.path(templates.TABLES_YAML)))
            made.append((sub, source, *xlsx.laid_out(ev, style)))
        converted = pdf.convert([m[1] for m in made], Path(tmp), tpl.path(templates.FONTS_CONF))
        if converted.problems:
            print(*converted.problems, sep="\n")
            return 1
        scales, pitches = [], []
        for sub, source, sheet, heights, plan in made:
            pages = lines_of(paths.pdf(source))
            tops = [sum(heights[:r]) for r in range(len(heights) + 1)]
            texts = [c.value for c in sheet.cells if isinstance(c.value, str)]
            single = {  # one-row cells whose text is unique, on the first page
                c.value: (tops[c.row] + tops[c.row + 1]) / 2
                for c in sheet.cells
                if c.row == c.last_row
                and c.row < (plan.breaks or (sheet.rows,))[0]
                and isinstance(c.value, str)
                and texts.count(c.value) == 1
            }
            points = [(single[text], (top + bottom) / 2) for block in pages[0] for top, bottom, text in block if text in single]
            slope = statistics.linear_regression([p[0] for p in points], [p[1] for p in points]).slope if len(points) > 2 else 0.0
            spread = max(
                abs(y - (statistics.mean(p[1] for p in points) + slope * (x - statistics.mean(p[0] for p in points)))) for x, y in points
            )
            usable = A4_PT[1] - (float(style["page"]["margins_cm"]["left"]) + float(style["page"]["margins_cm"]["right"])) * CM_TO_PT
            scales.append(usable / (table_width(paths.pdf(source), Path(tmp)) / slope))  # the scale that fills the width
            for block in (b for page in pages for b in page if len(b) > 1 and slope):  # a wrapped body cell's lines
                size = (block[0][1] - block[0][0]) / slope
                if 1.15 < size / body_size < 1.45:  # a body-size line box (ascent + descent ≈ 1.3 em)
                    pitches.extend((b[0] - a[0]) / slope / body_size for a, b in itertools.pairwise(block))
            name = getattr(sub, "code", getattr(sub, "department_code", "?"))
            print(f"{name}: {len(pages)} page(s), planned {len(plan.breaks) + 1}; scale {slope:.3f}; rows off by ≤ {spread:.1f} pt")
        if scales:
            print(f"width_scale (the scale at which the 13 columns fill the page width): {min(scales):.3f}–{max(scales):.3f}")
        if pitches:
            print(f"line_factor (median line pitch ÷ font size in wrapped cells): {statistics.median(pitches):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

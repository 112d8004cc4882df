"""Rendering throughput for N synthetic projects: docgen's stack next to the naive one, measured in the same run.

    python benchmarks/render.py [N] [--jobs J] [--naive-n M]      (defaults: 1000 projects, every core, M = N)

Prints, per project and per kind (.xlsx 附件2, .docx 附件1): the single-core cost of docgen's writers (XlsxWriter
from the layout description; the body XML on the reference .docx) and of the simple stack (openpyxl, and python-docx
with the reference document opened once per process, filled paragraph by paragraph and cell by cell); then the
wall time of rendering all attachments of N projects on J processes for both stacks; then `docgen build` as a user
runs it: full, unchanged, and after editing one submission.
Targets: all attachments of 1,000 projects under 20 s wall on 2 cores; a rebuild after one edit under 2 s.
"""

from __future__ import annotations

import argparse
import copy
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt
from generate import generate
from openpyxl.styles import Alignment, Border, Font, Side

from docgen import api
from docgen.evaluate.evaluation import evaluate
from docgen.form import vocabulary as F
from docgen.form.model import Department, Project
from docgen.render import docx as render_docx
from docgen.render import engine as render
from docgen.render import layout, templates
from docgen.render import xlsx as render_xlsx

ROOT = Path(__file__).resolve().parents[1]
TPL = templates.find(ROOT)
REFERENCE, TABLES = TPL.path(templates.REPORT_DOCX), TPL.path(templates.TABLES_YAML)

# --- the naive stack: what one would write first ---------------------------------------------

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def naive_xlsx(sub: Project | Department) -> bytes:
    """openpyxl, cell by cell, from a blank workbook; same cells, merges, formats and print set-up."""
    sheet = layout.place(evaluate(sub))
    style = templates.table_style(TABLES)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet.form.sheet
    for col, width in enumerate(layout.WIDTHS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = width
    for row, height in enumerate(render_xlsx.row_heights(sheet, style["fonts"]), start=1):
        ws.row_dimensions[row].height = height
    for cell in sheet.cells:
        role, props = render_xlsx.STYLES[cell.style]
        font = style["fonts"][role]
        value = cell.value
        if cell.merged:
            ws.merge_cells(start_row=cell.row + 1, start_column=cell.col + 1, end_row=cell.last_row + 1, end_column=cell.last_col + 1)
        target = ws.cell(cell.row + 1, cell.col + 1)
        if value is not None:
            target.value = (
                float(value / 100)
                if cell.style == "rate" and not isinstance(value, str)
                else (float(value) if not isinstance(value, str) else value)
            )
            if isinstance(value, str) and value[:1] in "=+-@":
                target.data_type = "s"
        target.font = Font(name=font["name"], size=font["size"], bold=bool(font.get("bold")))
        target.alignment = Alignment(horizontal=props.get("align"), vertical="center", wrap_text=props.get("text_wrap", False))
        if props.get("border"):
            for r in range(cell.row, cell.last_row + 1):
                for c in range(cell.col, cell.last_col + 1):
                    ws.cell(r + 1, c + 1).border = BORDER
        if cell.style in ("money", "rate"):
            target.number_format = style["number_formats"][cell.style]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{sheet.header_rows[0] + 1}:{sheet.header_rows[1] + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _font(run: object, name: str, size: float) -> None:
    run.font.name = name  # type: ignore[attr-defined]
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # type: ignore[attr-defined]


class OpenedOnce:
    """python-docx as a competent engineer would use it for 1,000 reports: the reference document opened once, its
    body put back before each report (not parsed again from the file), then filled paragraph by paragraph and saved."""

    def __init__(self) -> None:
        self.document = docx.Document(str(REFERENCE))
        self.body = self.document.element.body
        self.pristine = [copy.deepcopy(child) for child in self.body]

    def __call__(self, sub: Project | Department) -> bytes:
        for child in list(self.body):
            self.body.remove(child)
        for child in self.pristine:
            self.body.append(copy.deepcopy(child))
        document = self.document
        section = document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        _font(document.add_paragraph().add_run(render_docx.title(sub)), "方正小标宋简体", 22)
        texts = render_docx.section_texts(evaluate(sub))
        for s in F.REPORT_SECTIONS:
            _font(document.add_paragraph().add_run(s.heading), "黑体" if s.level == 1 else "楷体_GB2312", 16)
            for text in texts.get(s.key, []) if s.key else []:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.first_line_indent = Pt(32)
                _font(paragraph.add_run(text), "仿宋_GB2312", 16)
            if s.key == "预算执行情况分析":
                for table_data in render_docx.draft.budget_tables(evaluate(sub)):
                    rows = list(table_data.rows.items())
                    table = document.add_table(rows=len(rows) + 1, cols=9)
                    table.style = "Table Grid"
                    for c, header in enumerate([table_data.label, *render_docx.BUDGET_COLUMNS]):
                        table.cell(0, c).text = header
                    for r, (label, fig) in enumerate(rows, start=1):
                        table.cell(r, 0).text = label
                        for c, name in enumerate(render_docx.BUDGET_COLUMNS, start=1):
                            table.cell(r, c).text = render_docx._figure(getattr(fig, name), name.endswith(("rate", "progress")))
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


_OPENED: OpenedOnce | None = None


def naive_docx(sub: Project | Department) -> bytes:
    """python-docx with the template opened once per process (OpenedOnce), not once per document."""
    global _OPENED
    if _OPENED is None:
        _OPENED = OpenedOnce()
    return _OPENED(sub)


# --- measuring ----------------------------------------------------------------------------


def per_project(label: str, func, subs: list) -> float:
    """CPU milliseconds per project on one core (CPU time: fair on a machine shared with other work)."""
    start = time.process_time()
    for sub in subs:
        func(sub)
    ms = (time.process_time() - start) * 1000 / len(subs)
    print(f"  {label:<52} {ms:8.2f} ms/project (CPU)")
    return ms


def _naive_chunk(subs: list, out: str) -> None:
    for sub in subs:
        base = Path(out) / re.sub(r"\W", "_", sub.code if isinstance(sub, Project) else sub.department_code)
        base.with_suffix(".xlsx").write_bytes(naive_xlsx(sub))
        base.with_suffix(".docx").write_bytes(naive_docx(sub))


def naive_wall(subs: list, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        size = max(1, len(subs) // (jobs * 8))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_naive_chunk, [subs[i : i + size] for i in range(0, len(subs), size)], [out] * (len(subs) // size + 1)))
        return time.perf_counter() - start


def timed(label: str, func) -> object:
    start = time.perf_counter()
    value = func()
    print(f"  {label:<52} {time.perf_counter() - start:8.2f} s wall")
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--naive-n", type=int, help="projects for the naive stack's wall time (default: N)")
    parser.add_argument("--edits", type=int, default=12, help="rebuilds after one edit each, for the median (default: 12)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="docgen-render-bench-"))
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")  # docgen's per-file cache: cold, and gone afterwards
    try:
        generate(root, args.n)
        shutil.copytree(ROOT / "schema", root / "schema")
        result = api.check([root / "submissions"])
        assert result.ok, result.errors[:3]
        projects, subs = result.projects, [*result.departments, *result.projects]
        print(
            f"{len(projects)} projects + {len(result.departments)} departments, {os.cpu_count()} cores, jobs={args.jobs} "
            "(shared machine: other work may be running)\n"
        )

        sample = projects[: min(100, len(projects))]
        print("Per project, one core (first 100 projects):")
        ours_x = per_project(
            "附件2 .xlsx  docgen: sheet XML + prepared parts", lambda s: render_xlsx.workbook_bytes(evaluate(s), TABLES), sample
        )
        per_project(
            "附件2 .xlsx  docgen before: XlsxWriter cell by cell", lambda s: render_xlsx.xlsxwriter_bytes(evaluate(s), TABLES), sample
        )
        ours_d = per_project(
            "附件1 .docx  docgen: body XML on reference .docx", lambda s: render_docx.document_bytes(evaluate(s), REFERENCE), sample
        )
        naive_x = per_project("附件2 .xlsx  naive: openpyxl cell by cell", naive_xlsx, sample)
        naive_d = per_project("附件1 .docx  python-docx, template opened once", naive_docx, sample)
        same = all(
            render_xlsx.workbook_bytes(evaluate(s), TABLES) == render_xlsx.workbook_bytes(evaluate(s), TABLES)
            and render_docx.document_bytes(evaluate(s), REFERENCE) == render_docx.document_bytes(evaluate(s), REFERENCE)
            for s in sample[:10]
        )
        first_x, first_d = naive_xlsx(sample[0]), naive_docx(sample[0])
        time.sleep(1.1)  # openpyxl and python-docx stamp the save time, to the second
        naive_same = first_x == naive_xlsx(sample[0]) and first_d == naive_docx(sample[0])
        print(f"  byte-identical when rendered again a second later: docgen {same}, naive {naive_same}")
        print(f"  per project (.xlsx + .docx): docgen {ours_x + ours_d:.2f} ms, naive {naive_x + naive_d:.2f} ms\n")

        print(f"All attachments of {len(subs)} submissions, {args.jobs} processes:")
        out = root / "build-direct"
        evaluations = [evaluate(s) for s in subs]
        report = timed(
            "docgen render stage (render.render_all)",
            lambda: render.render_all(evaluations, out, TPL, render.Options(force=True, jobs=args.jobs, digests=result.digests)),
        )
        n_naive = args.naive_n or len(subs)
        seconds = naive_wall(subs[:n_naive], args.jobs)
        scaled = seconds * len(subs) / n_naive
        extra = f" (measured on {n_naive}, scaled)" if n_naive < len(subs) else ""
        print(f"  {'naive stack (openpyxl + python-docx)':<52} {scaled:8.2f} s wall{extra}")
        print(
            f"  docgen in workers (CPU): {report.milliseconds['xlsx'] / len(subs):.2f} ms/.xlsx, "  # type: ignore[attr-defined]
            f"{report.milliseconds['docx'] / len(subs):.2f} ms/.docx per submission\n"
        )  # type: ignore[attr-defined]

        print("`docgen build` in a fresh process, as a user runs it (validate all, summary.json, render what changed, bundles):")
        command = [sys.executable, "-m", "docgen", "build", "--jobs", str(args.jobs)]
        # as on a user's machine, Python keeps compiled bytecode: where PYTHONDONTWRITEBYTECODE is set (as on
        # our sandboxes), every run would compile docgen's own modules again (~0.1 s)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        if "PYTHONDONTWRITEBYTECODE" in os.environ:
            print("  (PYTHONDONTWRITEBYTECODE is set here; unset for these runs so bytecode is cached, as by default)")

        def build(*extra: str) -> str:
            return subprocess.run([*command, *extra], cwd=root, env=env, capture_output=True, text=True, check=True).stderr

        timed("full build (--force)", lambda: build("--force"))
        timed("rebuild, nothing changed", build)
        # one edit at a time, to a different project each time: the VM's speed varies, so a median of many
        log = ""
        seconds = []
        for index in range(args.edits):
            edited = root / projects[(len(projects) // 2 + index * 37) % len(projects)].path
            text = edited.read_text(encoding="utf-8")
            edited.write_text(
                re.sub(r"支出数: ([0-9.]+)", lambda m: f"支出数: {float(m.group(1)) / 2:.2f}", text, count=1), encoding="utf-8"
            )
            start = time.perf_counter()
            log = build()
            seconds.append(time.perf_counter() - start)
        seconds.sort()
        print(
            f"  {'rebuild after editing one submission':<52} {statistics.median(seconds):8.2f} s wall, median of {len(seconds)} "
            f"(fastest {seconds[0]:.2f} s, slowest {seconds[-1]:.2f} s)"
        )
        print("  " + next(line for line in str(log).splitlines() if line.startswith("附件：")))
        timed(
            "docgen validate only, for reference",
            lambda: subprocess.run([sys.executable, "-m", "docgen", "validate"], cwd=root, capture_output=True, check=True),
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""PDF through the real LibreOffice: the text is there (pdftotext) and every table fits one page wide.

Page counts depend on the fonts installed, so they are not pinned; what must hold on any machine is that no table
is split across pages by columns: every printed page of a table carries its leftmost and its rightmost header.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

from docgen import api
from docgen.evaluate import draft
from docgen.evaluate.evaluation import evaluate
from docgen.form import vocabulary as F
from docgen.form.model import Department, Project
from docgen.render import docx, paths, pdf, templates
from tests.conftest import ROOT, build_file_tree

pytestmark = pytest.mark.skipif(
    pdf.soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext (poppler-utils) not installed; .ci/run installs them",
)

FOLDER = "2025-06/104-朔州市交通运输局"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo department built once with --pdf."""
    from tests.render.conftest import DEMO_DEPARTMENT, ROOT, pool_confidential

    tree = tmp_path_factory.mktemp("pdf")
    period = tree / "submissions" / "2025-06"
    shutil.copytree(ROOT / "submissions" / "2025-06" / DEMO_DEPARTMENT, period / DEMO_DEPARTMENT)
    shutil.copy(ROOT / "submissions" / "2025-06" / "名单.yaml", period / "名单.yaml")
    pool_confidential(tree)
    result = api.build(tree, pdf=True)
    assert not result.rendered.problems, result.rendered.problems
    assert len(result.rendered.pdfs) == 8
    return tree / "build"


def pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


def page_size(path: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match
    return float(match[1]), float(match[2])


def words_within_page(path: Path) -> bool:
    """Every word's box lies inside its page (pdftotext -bbox)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html)[1])  # type: ignore[index]
    return all(float(x0) >= 0 and float(x1) <= width for x0, x1 in re.findall(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"', html))


def test_project_table_pdf(built: Path) -> None:
    path = built / FOLDER / "附件2-104-2025-001-农村公路养护工程.pdf"
    texts = pages(path)
    assert "市级项目支出绩效运行监控表" in texts[0] and "（2025年1-6月）" in texts[0]
    assert "项目名称" in texts[0] and "全年预计支出数" in texts[0]
    assert "1-6月支出进度%" in texts[0]  # header cells wrap; pdftotext interleaves their lines
    assert all("一级指标" in t and "备注" in t for t in texts), "a page of the indicator table lost its first or last column"
    assert "如果“完全不可能完成”，请在备注中提出拟采取的措施。" in texts[-1]
    width, height = page_size(path)
    assert width > height  # A4 landscape
    assert words_within_page(path)


def test_department_table_pdf(built: Path) -> None:
    path = built / FOLDER / "附件3-104-朔州市交通运输局-部门整体.pdf"
    texts = pages(path)
    assert "市级部门整体支出绩效运行监控表" in texts[0] and "主管部门（单位）及代码" in texts[0]
    assert "其中：一般公共预算资金" in texts[0] and "其中：基本支出" in texts[0]
    assert all("一级指标" in t and "备注" in t for t in texts)
    assert words_within_page(path)


def test_report_pdf(built: Path) -> None:
    path = built / FOLDER / "附件1-104-2025-001-农村公路养护工程.pdf"
    texts = pages(path)
    whole = "".join(texts)
    for heading in ("一、项目（部门）基本情况", "（一）预算执行情况分析", "四、绩效监控结果分析", "五、其他需要说明的事项"):
        assert heading in whole
    assert [f"—{n}—" in t for n, t in enumerate(texts, start=1)] == [True] * len(texts)  # 「— 1 —」 on every page
    (project,) = [p for p in api.check([built.parent / "submissions"]).projects if p.code == "104-2025-001"]
    assert_tables_whole(path, project)
    width, height = page_size(path)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    assert words_within_page(path)


def test_report_pdf_signs_off_on_the_page_of_its_last_section(built: Path) -> None:
    """The 落款, 成文日期 and contact block travel with the last section: never a page holding only the signature."""
    for path in sorted((built / FOLDER).glob("附件1-*.pdf")):
        last = pages(path)[-1]
        assert "五、其他需要说明的事项" in last and "单位负责人：" in last and "联系电话：" in last, path.name
        assert last.index("五、其他需要说明的事项") < last.index("年月日") < last.index("单位负责人：") < last.index("填报人："), path.name


def test_department_report_pdf(built: Path) -> None:
    path = built / FOLDER / "附件1-104-朔州市交通运输局-部门整体.pdf"
    (department,) = [d for d in api.check([built.parent / "submissions"]).departments if d.department_code == "104"]
    assert_tables_whole(path, department)


# --- 附件1's budget tables, read back from the PDF ----------------------------------------------------------

#: Amounts of 100,000.00 万元 and more, up to the 9,999,999.99 that must still fit: in 资金总额 of 小计 and 全年预计支出数.
BIG_DEPARTMENT = """\
年度: 2025
截至月份: 12
主管部门: 朔州市大额测试局
主管部门代码: "901"
资金按类型:
  一般公共预算资金: {上年结转: 100000.00, 本年预算: 8000000.00, 下达数: 7999999.99, 支出数: 4000000.00, 全年预计支出数: 8000000.00}
  国有资本经营预算资金: {上年结转: 23456.78, 本年预算: 976543.21, 下达数: 976543.21, 支出数: 567890.12, 全年预计支出数: 999999.99}
  社会保险基金预算资金: {上年结转: 0, 本年预算: 900000.00, 下达数: 900000.00, 支出数: 432109.87, 全年预计支出数: 1000000.00}
  单位资金: {上年结转: 0, 本年预算: 0, 下达数: 0, 支出数: 0, 全年预计支出数: 0}
资金按用途:
  基本支出: {上年结转: 23456.78, 本年预算: 876543.21, 下达数: 876543.21, 支出数: 432109.87, 全年预计支出数: 899999.99}
  项目支出: {上年结转: 100000.00, 本年预算: 9000000.00, 下达数: 8999999.99, 支出数: 4567890.12, 全年预计支出数: 9100000.00}
年度绩效目标: 保障部门正常运转。
绩效指标:
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 保障在职人员数, 年度指标值: 120人, 指标完成情况: 120人,
     全年指标预计完成情况: 120人, 完成目标可能性: 确定能}
"""
BIG_ROSTER = """\
年度: 2025
截至月份: 12
截止日期: "2026-01-31"
部门:
  - {主管部门: 朔州市大额测试局, 主管部门代码: "901", 预算单位: [朔州市大额测试局本级], 应报项目: []}
"""


def test_big_amounts_stand_whole_in_their_cells(tmp_path: Path, chdir: Callable[[Path], None]) -> None:
    """A department's 表1 and 表2 with amounts up to 9,999,999.99 万元: no figure breaks, nothing leaves the text block."""
    build_file_tree(tmp_path, {"submissions/2025-12/901-大额局/部门整体.yaml": BIG_DEPARTMENT, "submissions/2025-12/名单.yaml": BIG_ROSTER})
    chdir(tmp_path)
    result = api.check([tmp_path / "submissions"])
    assert result.ok
    (department,) = result.departments
    tpl = templates.find(ROOT)
    source = tmp_path / "附件1.docx"
    source.write_bytes(docx.document_bytes(evaluate(department), tpl.path(templates.REPORT_DOCX)))
    converted = pdf.convert([source], tmp_path, tpl.path(templates.FONTS_CONF))
    assert not converted.problems, converted.problems
    tables = assert_tables_whole(paths.pdf(source), department)
    assert "9,999,999.99" in tables and "100,000.00" in tables


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    text: str


def words(path: Path) -> list[Word]:
    """Every word pdftotext finds, page by page, in the order the PDF draws them."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page, body in enumerate(html.split("<page ")[1:]):
        for x0, y0, x1, text in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body):
            out.append(Word(page, float(x0), float(y0), float(x1), unescape(text)))
    return out


def text_block(docx_path: Path) -> tuple[float, float, float, float]:
    """Left, right, top and bottom of the page's text block in points, from the .docx's section."""
    with zipfile.ZipFile(docx_path) as archive:
        document = archive.read("word/document.xml").decode()
    size = {k: int(v) / 20 for k, v in re.findall(r'w:(w|h)="(\d+)"', re.search(r"<w:pgSz [^>]*>", document)[0])}  # type: ignore[index]
    margin = {k: int(v) / 20 for k, v in re.findall(r'w:(left|right|top|bottom)="(\d+)"', re.search(r"<w:pgMar [^>]*>", document)[0])}  # type: ignore[index]
    return margin["left"], size["w"] - margin["right"], margin["top"], size["h"] - margin["bottom"]


def grids(docx_path: Path) -> list[list[float]]:
    """Each table's column widths in points."""
    with zipfile.ZipFile(docx_path) as archive:
        document = archive.read("word/document.xml").decode()
    return [
        [int(w) / 20 for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', grid)]
        for grid in re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", document)
    ]


def expected_columns(table: draft.BudgetTable) -> list[list[str]]:
    """The figures each column of a budget table shows: amounts with thousands separators, rates with 「%」."""
    shown = [fig for index, (label, fig) in enumerate(table.rows.items()) if index == 0 or label in table.given]
    columns = []
    for column in docx.BUDGET_COLUMNS:
        values = [getattr(fig, column) for fig in shown]
        rate = column.endswith(("rate", "progress"))
        columns.append([F.NO_RATE if v is None else f"{v:.2f}%" if rate else f"{v:,.2f}" for v in values])
    return columns


FIGURE = re.compile(r"[\d,.]+%?|—")
TOLERANCE = 1.0  # points: LibreOffice places the table on the margin to within a fraction of a point


def assert_tables_whole(path: Path, sub: Project | Department) -> str:
    """Every figure of every budget table stands whole, as one word, inside its own column and the text block.

    Each table is found by its caption (draft.budget_tables) and ends at the next caption or the heading after
    「（一）预算执行情况分析」, wherever the pages break. Returns the figures found, joined, for further checks.
    """
    docx_path = path.with_suffix(".docx")
    left, right, top, bottom = text_block(docx_path)
    stream = [w for w in words(path) if top - TOLERANCE <= w.y0 <= bottom]  # the text block: not the page numbers
    joined = "".join(w.text for w in stream)
    starts = list(itertools.accumulate((len(w.text) for w in stream), initial=0))

    def span(text: str, after: int = 0) -> tuple[int, int]:
        """The first and last index of the words that spell `text` (spaces dropped), from word `after` on."""
        at = joined.index(text.replace(" ", ""), starts[after])
        first = max(i for i, start in enumerate(starts[:-1]) if start <= at)
        last = max(i for i, start in enumerate(starts[:-1]) if start < at + len(text.replace(" ", "")))
        return first, last

    tables = draft.budget_tables(evaluate(sub))
    sections = [s.heading for s in F.REPORT_SECTIONS]
    after_tables = sections[sections.index(next(s.heading for s in F.REPORT_SECTIONS if s.key == draft.EXECUTION)) + 1]
    found = []
    for number, (table, grid) in enumerate(zip(tables, grids(docx_path), strict=True)):
        _, begin = span(table.caption)
        end, _ = span(tables[number + 1].caption if number + 1 < len(tables) else after_tables, begin + 1)
        region = stream[begin + 1 : end]
        assert all(left - TOLERANCE <= w.x0 and w.x1 <= right + TOLERANCE for w in region), "a word of the table leaves the text block"
        edges = list(itertools.accumulate(grid, initial=left))
        figures = [w for w in region if FIGURE.fullmatch(w.text)]
        for column, expected in enumerate(expected_columns(table), start=1):
            inside = [w for w in figures if edges[column] <= (w.x0 + w.x1) / 2 < edges[column + 1]]
            assert sorted(w.text for w in inside) == sorted(expected), f"{table.caption}: column {column} shows other figures"
            assert all(edges[column] - TOLERANCE <= w.x0 and w.x1 <= edges[column + 1] + TOLERANCE for w in inside)
        assert len(figures) == sum(map(len, expected_columns(table))), f"{table.caption}: a figure broke into pieces"
        found.extend(w.text for w in figures)
    return " ".join(found)


def test_pdfs_join_the_bundle_and_are_not_redone(built: Path) -> None:
    bundle = paths.bundle(built, api.check([built.parent / "submissions"]).projects[0].period, "104", "朔州市交通运输局")
    with zipfile.ZipFile(bundle) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 8
    again = api.build(built.parent, pdf=True)
    assert again.rendered.pdfs == [] and again.rendered.written == []

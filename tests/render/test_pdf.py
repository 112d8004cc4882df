"""PDF through the real LibreOffice: the text is there (pdftotext) and every table fits one page wide.

Page counts depend on the fonts installed, so they are not pinned; what must hold on any machine is that no table
is split across pages by columns: every printed page of a table carries its leftmost and its rightmost header.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from docgen import api, paths, pdf

pytestmark = pytest.mark.skipif(
    pdf.soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext (poppler-utils) not installed; .ci/run installs them",
)

FOLDER = "2025-06/104-朔州市交通运输局"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo department built once with --pdf."""
    from tests.render.conftest import DEMO_DEPARTMENT, ROOT

    tree = tmp_path_factory.mktemp("pdf")
    period = tree / "submissions" / "2025-06"
    shutil.copytree(ROOT / "submissions" / "2025-06" / DEMO_DEPARTMENT, period / DEMO_DEPARTMENT)
    shutil.copy(ROOT / "submissions" / "2025-06" / "名单.yaml", period / "名单.yaml")
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
    table_page = next(t for t in texts if "资金来源" in t)
    assert "全年预计" in table_page and "47.22%" in table_page  # the budget table fits the text width
    width, height = page_size(path)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    assert words_within_page(path)


def test_pdfs_join_the_bundle_and_are_not_redone(built: Path) -> None:
    bundle = paths.bundle(built, api.check([built.parent / "submissions"]).projects[0].period, "104", "朔州市交通运输局")
    with zipfile.ZipFile(bundle) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 8
    again = api.build(built.parent, pdf=True)
    assert again.rendered.pdfs == [] and again.rendered.written == []

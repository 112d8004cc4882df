"""`docgen build --pdf` through the real LibreOffice: one PDF per department (cover, 目录, continuous 「— n —»), the
same bytes build after build, and a plain build that keeps the PDFs of unchanged attachments.

Read back with pdftotext page by page: where each part begins is found by its own title, never assumed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen import api
from docgen.render import pdf
from tests.render.conftest import CONFIDENTIAL_CODE, DEMO_DEPARTMENT, POOLED, ROOT, pool_confidential

pytestmark = pytest.mark.skipif(
    pdf.soffice() is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext (poppler-utils) not installed; .ci/run installs them",
)

PERIOD = "2025-06"
DOSSIER = f"build/{PERIOD}/104-朔州市交通运输局-2025年1-6月绩效监控报告.pdf"
BUNDLE = f"build/{PERIOD}/104-朔州市交通运输局-2025年1-6月绩效监控报告.zip"
FOLDER = f"build/{PERIOD}/104-朔州市交通运输局"
PROJECTS = {"104-2025-001": "农村公路养护工程", "104-2025-002": "国省干线公路安全生命防护工程", "104-2025-004": "城乡公交一体化运营补贴"}
NUMBER = re.compile(r"—(\d+)—")


def tree(base: Path) -> Path:
    """The demo's 交通运输局 with three 涉密 projects (so its 部门整体 is built, pooled) and the roster."""
    period = base / api.SUBMISSIONS / PERIOD
    shutil.copytree(ROOT / api.SUBMISSIONS / PERIOD / DEMO_DEPARTMENT, period / DEMO_DEPARTMENT)
    shutil.copy(ROOT / api.SUBMISSIONS / PERIOD / "名单.yaml", period / "名单.yaml")
    pool_confidential(base)
    return base


def build(root: Path, **options: object) -> api.Built:
    result = api.build(root, pdf=True, **options)  # type: ignore[arg-type]
    assert not result.rendered.problems, result.rendered.problems
    return result


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tree(tmp_path_factory.mktemp("dossier-a"))
    result = build(root)
    assert [p.name for p in result.rendered.dossiers] == [Path(DOSSIER).name]
    return root


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory, first: Path) -> Path:
    """The same submissions built in another folder, from nothing: no cache, no earlier build."""
    root = tree(tmp_path_factory.mktemp("dossier-b"))
    build(root)
    return root


def pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f")[:-1]]


def printed_number(page: str) -> int | None:
    numbers = NUMBER.findall(page)
    assert len(numbers) <= 1, f"two page numbers on one page: {numbers}"
    return int(numbers[0]) if numbers else None


def contents(page: str) -> list[tuple[str, int]]:
    """The 目录's entries with their page numbers, read from its text: 「…（附件1）……5」."""
    return [(title, int(number)) for title, number in re.findall(r"([^。）录]*（附件\d）)[.…·]+(\d+)", page)]


def test_dossier_opens_with_its_cover_and_contents(first: Path) -> None:
    texts = pages(first / DOSSIER)
    cover = texts[0]
    for line in ("朔州市交通运输局", "2025年1-6月绩效监控报告", "报送单位：朔州市交通运输局（代码104）", "监控期间：2025年1-6月"):
        assert line in cover
    assert "报送日期：2025年6月30日" in cover and "（盖章）" in cover  # the period's last day, and room for the seal
    assert texts[1].startswith("目录") and "一、部门整体支出绩效监控分析报告（附件1）" in texts[1]
    assert printed_number(texts[0]) is None and printed_number(texts[1]) is None  # cover and 目录 carry no number
    assert texts[2].startswith("朔州市交通运输局部门整体支出绩效监控分析报告") or "部门整体支出绩效监控分析报告" in texts[2][:40]


def assert_contents_match(path: Path, projects: list[str]) -> None:
    """Every 目录 entry's page number is the printed 「— n —」 of the page where that part's title stands, the numbers
    run on through every part, and the last page is the end of the last 附件2 (its notes)."""
    texts = pages(path)
    body = texts[2:]
    numbers = [printed_number(page) for page in body]
    assert numbers == list(range(1, len(body) + 1)), "「— n —」 must run on through every part"
    listed = contents(texts[1])
    assert len(listed) == 2 + 2 * len(projects)
    starts = [n for _, n in listed]
    assert starts == sorted(starts) and starts[0] == 1 and len(set(starts)) == len(starts)
    department = [n for title, n in listed if title.startswith(("一、", "二、"))]
    assert "部门整体支出绩效监控分析报告" in body[department[0] - 1][:60]
    assert "市级部门整体支出绩效运行监控表" in body[department[1] - 1]
    assert "市级部门整体支出绩效运行监控表" not in body[department[1] - 2]
    project_parts = [n for title, n in listed if title.startswith("项目支出")]
    for (report, table), name in zip(zip(project_parts[::2], project_parts[1::2], strict=True), projects, strict=True):
        assert name in body[report - 1][:80], f"{name}: 附件1 is not on page {report}"
        assert "市级项目支出绩效运行监控表" in body[table - 1] and name in body[table - 1]
        assert "市级项目支出绩效运行监控表" not in body[table - 2]  # the page before is the end of its 附件1
    assert "如果“完全不可能完成”" in body[-1] and "如果“完全不可能完成”" not in body[project_parts[-1] - 2]


def test_contents_point_to_where_each_part_starts(first: Path) -> None:
    assert_contents_match(first / DOSSIER, list(PROJECTS.values()))


def test_a_part_that_paginates_anew_is_numbered_anew(tmp_path: Path) -> None:
    """教育局's 附件2 of 学前教育 takes two pages with its own footer and one with the dossier's (a footer's height
    follows its font): the dossier counts the numbered pages again, so its 目录 still points to the right pages."""
    period = tmp_path / api.SUBMISSIONS / PERIOD
    shutil.copytree(ROOT / api.SUBMISSIONS / PERIOD / "101-教育局", period / "101-教育局")
    shutil.copy(ROOT / api.SUBMISSIONS / PERIOD / "名单.yaml", period / "名单.yaml")
    result = build(tmp_path)
    assert len(result.rendered.dossiers) == 1
    names = ["城乡义务教育家庭经济困难学生生活补助", "朔州市第一中学教学楼抗震加固改造工程", "学前教育发展资金（普惠性民办幼儿园奖补）"]
    assert_contents_match(result.rendered.dossiers[0], names)


def test_dossier_holds_only_what_is_published(first: Path) -> None:
    whole = "".join(pages(first / DOSSIER))
    for code, name in [(CONFIDENTIAL_CODE, "交通战备应急通信保障专项"), *POOLED]:
        assert code not in whole and name not in whole
    assert "另有涉密项目3个，按保密规定另行报送" in whole
    reader = PdfReader(first / DOSSIER)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "目　录" and len(outline) == 1 + 2 + 2 * len(PROJECTS)
    assert not any(CONFIDENTIAL_CODE in title for title in outline)
    with zipfile.ZipFile(first / BUNDLE) as archive:
        published = {Path(n).name for n in archive.namelist() if n.endswith((".docx", ".xlsx"))}
    assert len(published) == 2 + 2 * len(PROJECTS)


def test_two_pdf_builds_give_the_same_bytes(first: Path, second: Path) -> None:
    """Built from nothing in two folders: every PDF, the dossier and the zip are byte-identical."""
    made = sorted(p.relative_to(first).as_posix() for p in (first / "build").rglob("*") if p.suffix in (".pdf", ".zip"))
    assert len(made) == 1 + 1 + 2 * (1 + len(PROJECTS))  # dossier, zip, and the PDFs
    for name in made:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs between two builds"
    info = PdfReader(first / DOSSIER).metadata
    assert info is not None and info["/CreationDate"] == info["/ModDate"] == "D:20250630000000+08'00'"
    assert "/Metadata" not in PdfReader(first / FOLDER / "附件1-104-2025-001-农村公路养护工程.pdf").trailer["/Root"]


def test_plain_build_keeps_the_pdfs_of_unchanged_attachments(second: Path) -> None:
    before = {p: p.read_bytes() for p in (second / "build").rglob("*.pdf")}
    plain = api.build(second)
    assert plain.rendered.written == [] and plain.rendered.removed == [] and plain.rendered.pdfs_removed == []
    assert {p: p.read_bytes() for p in (second / "build").rglob("*.pdf")} == before
    with zipfile.ZipFile(second / BUNDLE) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 2 * (1 + len(PROJECTS))
    source = second / api.SUBMISSIONS / PERIOD / DEMO_DEPARTMENT / "104-2025-001.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("全市农村公路", "全市的农村公路", 1), encoding="utf-8")
    changed = api.build(second)
    gone = sorted(p.name for p in changed.rendered.pdfs_removed)
    assert gone == sorted([Path(DOSSIER).name, "附件1-104-2025-001-农村公路养护工程.pdf", "附件2-104-2025-001-农村公路养护工程.pdf"])
    kept = {p for p in before if p.exists()}
    assert len(kept) == len(before) - 3 and all(p.read_bytes() == before[p] for p in kept)
    from docgen.report import build_lines

    said = "\n".join(build_lines(changed.rendered, second / "build", None))
    assert "旧 PDF 已删除" in said and "附件1-104-2025-001-农村公路养护工程.pdf" in said and "过期" not in said


def test_contents_number_hundreds_of_projects_as_chinese_numerals() -> None:
    """A department of a province-sized tree files over a hundred projects: the 目录 counts on (一百零一 …), where
    it once printed 「十十」 for the hundredth and stopped the build at the hundred-and-tenth."""
    from docgen.render.dossier import _numeral

    expected = {1: "一", 10: "十", 15: "十五", 20: "二十", 99: "九十九", 100: "一百", 101: "一百零一", 110: "一百一十"}
    expected |= {115: "一百一十五", 1000: "一千", 1010: "一千零一十", 1100: "一千一百", 10001: "一万零一"}
    assert {number: _numeral(number) for number in expected} == expected

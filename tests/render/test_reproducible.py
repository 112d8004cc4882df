"""What keeps PDFs reproducible and numbers the dossier's parts, without LibreOffice: pypdf's own PDFs, and the
attachments docgen renders, reopened."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader, PdfWriter

from docgen.check.load import load_file
from docgen.errors import UsageError
from docgen.evaluate.evaluation import evaluate
from docgen.form.model import Period, Project, SignOff
from docgen.form.model import build as build_model
from docgen.render import bundle, dates, docx, dossier, pdf, templates, xlsx
from tests.conftest import ROOT

JUNE = Period(2025, 6)
DEMO_DEPARTMENT = Path("submissions/2025-06/101-教育局/部门整体.yaml")


def clock_pdf(width: float = 200) -> bytes:
    """A PDF the way LibreOffice leaves one: dated by the clock, with XMP metadata."""
    writer = PdfWriter()
    writer.add_blank_page(width, 200)
    writer.add_metadata({"/CreationDate": f"D:{datetime.now():%Y%m%d%H%M%S}Z", "/Producer": "LibreOffice 7.4"})
    writer.xmp_metadata = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><xmp:CreateDate>now</xmp:CreateDate></x:xmpmeta>'
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_normalised_pdfs_carry_the_datas_date_and_a_content_id() -> None:
    when = dates.document_date(JUNE, {})
    one, two = pdf.normalise(clock_pdf(), when), pdf.normalise(clock_pdf(), when)
    assert one == two
    reader = PdfReader(io.BytesIO(one))
    assert reader.metadata is not None and reader.metadata["/CreationDate"] == "D:20250630000000+08'00'"
    assert reader.metadata["/ModDate"] == reader.metadata["/CreationDate"] and reader.metadata["/Producer"] == "LibreOffice 7.4"
    assert "/Metadata" not in reader.trailer["/Root"]
    other = PdfReader(io.BytesIO(pdf.normalise(clock_pdf(width=300), when)))
    assert reader.trailer["/ID"][0] != other.trailer["/ID"][0]  # the /ID follows the content
    assert reader.trailer["/ID"][0] != b"\0" * 16


def test_the_date_comes_from_source_date_epoch_or_the_period() -> None:
    assert dates.document_date(Period(2024, 2), {}) == datetime(2024, 2, 29, tzinfo=dates.CHINA)  # a leap year's February
    assert dates.document_date(JUNE, {"SOURCE_DATE_EPOCH": "1767225600"}).isoformat() == "2026-01-01T08:00:00+08:00"
    assert dates.zip_date(datetime(1970, 1, 2, tzinfo=dates.CHINA)) == (1980, 1, 1, 0, 0, 0)  # a zip cannot be older
    assert dates.written_date(dates.document_date(JUNE, {})) == "2025年6月30日"
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        dates.document_date(JUNE, {"SOURCE_DATE_EPOCH": "1e9"})


def test_numbered_table_restarts_its_pages_where_its_part_begins(project: Project, tpl: templates.Templates, tmp_path: Path) -> None:
    data = xlsx.workbook_bytes(evaluate(project), tpl.path(templates.TABLES_YAML))
    path = tmp_path / "t.xlsx"
    path.write_bytes(dossier.numbered_xlsx(data, 7))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.page_setup.firstPageNumber == 7 and sheet.page_setup.useFirstPageNumber
    assert sheet.oddFooter.center.text == "— &P —" and not sheet.oddFooter.left.text
    assert sheet.page_setup.orientation == "landscape"  # the rest of the page setup stays
    (tmp_path / "plain.xlsx").write_bytes(data)
    assert not openpyxl.load_workbook(tmp_path / "plain.xlsx").worksheets[0].page_setup.useFirstPageNumber


def test_numbered_report_restarts_its_pages_with_centred_numbers(project: Project, tpl: templates.Templates) -> None:
    data = docx.document_bytes(evaluate(project), tpl.path(templates.REPORT_DOCX))
    with zipfile.ZipFile(io.BytesIO(dossier.numbered_docx(data, 5))) as archive:
        document = archive.read(docx.DOCUMENT).decode()
        footers = [archive.read(n).decode() for n in archive.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
    sect = document[document.rindex("<w:sectPr") :]
    assert sect.count("<w:pgNumType") == 1 and '<w:pgNumType w:start="5"/><w:cols' in sect
    assert footers and all('<w:jc w:val="center"/>' in f and "PAGE" in f for f in footers)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<w:pgNumType" not in archive.read(docx.DOCUMENT).decode()


def test_contents_say_why_the_department_is_not_there(project: Project) -> None:
    files = [Path("附件1-x.docx"), Path("附件2-x.xlsx"), Path("附件2-x.pdf")]
    withheld = bundle.Group(JUNE, "101", "朔州市教育局", [(project, files)], confidential=3, department_withheld=True)
    lines = [e.text for e in dossier.entries(withheld)]
    assert lines[0].endswith("按保密规定另行报送") and lines[1] == "二、项目支出绩效监控分析报告（1个）"
    assert lines[-1] == "另有涉密项目3个，按保密规定另行报送，不在本报告中。"
    assert dossier.parts(withheld) == files[:2]
    missing = bundle.Group(JUNE, "101", "朔州市教育局", [(project, files)])
    texts = [e.text for e in dossier.entries(missing)]
    assert texts[0].endswith("本期未报送") and "涉密" not in "".join(texts)


def test_the_cover_is_dated_by_the_departments_own_date_when_it_gives_one(tpl: templates.Templates) -> None:
    """报送日期 is never before the 成文日期 of the report it carries (101's 部门整体 is signed 2025-07-10)."""
    department = build_model("department", DEMO_DEPARTMENT, load_file(ROOT / DEMO_DEPARTMENT)[0].data)  # type: ignore[union-attr]
    when = dates.document_date(JUNE)
    files = [Path("附件1-x.docx"), Path("附件3-x.xlsx")]
    starts = {files[0]: 1, files[1]: 4}
    signed = bundle.Group(JUNE, "101", "朔州市教育局", [(department, files)])
    unsigned = bundle.Group(JUNE, "101", "朔州市教育局", [(replace(department, sign_off=SignOff()), files)])
    assert "报送日期：2025年7月10日" in _cover_text(dossier.cover_docx(tpl.path(templates.REPORT_DOCX), signed, when, starts))
    assert "报送日期：2025年6月30日" in _cover_text(dossier.cover_docx(tpl.path(templates.REPORT_DOCX), unsigned, when, starts))


def _cover_text(docx_bytes: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", z.read("word/document.xml").decode("utf-8")))


def test_a_bundle_is_written_as_it_is_made_and_whole_or_not_at_all(project: Project, tmp_path: Path) -> None:
    """A department's .zip is streamed to its file (output.atomic), never held in memory: the same archive every
    time, and an attachment that cannot be read halfway leaves the last bundle as it was, with no temporary beside it."""
    build = tmp_path / "build"
    files = []
    for name, size in (("附件1-x.docx", 300_000), ("附件2-x.xlsx", 200_000)):
        (tmp_path / name).write_bytes(bytes(range(256)) * (size // 256))
        files.append(tmp_path / name)
    group = bundle.Group(JUNE, "101", "朔州市教育局", [(project, files)])
    target = bundle.write(build, group)
    first = target.read_bytes()
    assert bundle.write(build, group).read_bytes() == first
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert [archive.read(n) for n in names[1:]] == [f.read_bytes() for f in files]
    files[1].unlink()
    with pytest.raises(FileNotFoundError):
        bundle.write(build, group)
    assert target.read_bytes() == first
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_a_bundle_written_again_copies_what_it_holds_unchanged_and_is_the_bundle_written_whole(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one edit a department's bundle is written again from the last one (engine._bundled names what it holds
    unchanged): those attachments are copied from it, header and bytes, never read (gone from the folder, they are
    still copied), the others and 目录.txt written anew, and the bytes are those of the bundle written whole from the
    files. A bundle that is not one as `write` leaves it, or of another date, is written whole."""
    folder = tmp_path / "files"
    folder.mkdir()

    def attachment(name: str, seed: int) -> Path:
        (folder / name).write_bytes(bytes([seed]) * (3000 + seed) + name.encode())
        return folder / name

    first = [attachment(f"附件{n}-{i}.{kind}", 10 * i + n) for i in range(6) for n, kind in ((1, "docx"), (2, "xlsx"))]
    target = bundle.write(tmp_path / "build", bundle.Group(JUNE, "101", "朔州市教育局", [(project, first)]))
    earlier = target.read_bytes()
    changed, added = attachment(first[3].name, 99), attachment("附件1-9.docx", 9)
    now = [*first[:5], *first[6:9], added, *first[9:]]  # one changed, one gone, one new between the others
    unchanged = {p.name: p.stat().st_size for p in now if p not in (changed, added)}
    group = bundle.Group(JUNE, "101", "朔州市教育局", [(project, now)])
    whole = bundle.write(tmp_path / "whole", group).read_bytes()

    target.write_bytes(b"PK not a bundle")  # not one as `write` leaves it: written whole
    assert bundle.write(tmp_path / "build", group, unchanged).read_bytes() == whole
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1751328000")  # another date: every entry written anew
    dated = bundle.write(tmp_path / "dated", group).read_bytes()
    assert bundle.write(tmp_path / "build", group, unchanged).read_bytes() == dated
    monkeypatch.delenv("SOURCE_DATE_EPOCH")

    target.write_bytes(earlier)
    for name in unchanged:
        (folder / name).unlink()  # copied from the last bundle: not read
    assert bundle.write(tmp_path / "build", group, unchanged).read_bytes() == whole
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None and len(archive.namelist()) == 1 + len(now)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]

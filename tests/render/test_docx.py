"""附件1 reopened with python-docx: sections verbatim, drafts where empty, GB/T 9704 page and fonts, same bytes."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from docgen.errors import EnvironmentProblem
from docgen.evaluate.evaluation import evaluate
from docgen.form import vocabulary as F
from docgen.form.model import Amounts, Department, Project
from docgen.render import docx as render_docx
from docgen.render import templates
from tests.conftest import ROOT


def document_of(sub: Project | Department, tpl: templates.Templates, extra: dict[str, str] | None = None) -> Document:
    return docx.Document(io.BytesIO(render_docx.document_bytes(evaluate(sub), tpl.path(templates.REPORT_DOCX), extra)))


def blank(sub: Project | Department) -> Project | Department:
    """The submission with no narrative at all: everything drafted or marked."""
    return dataclasses.replace(sub, report=dict.fromkeys(F.REPORT_KEYS, ""))


def paragraphs(document: Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def body_after(document: Document, heading: str) -> list[str]:
    """Body paragraphs from a heading up to the next heading."""
    out, inside = [], False
    for style, text in paragraphs(document):
        if style.startswith("Heading") or style == "Signature":
            inside = text == heading
        elif inside:
            out.append(text)
    return out


def test_title_and_sections_in_order(project: Project, tpl: templates.Templates) -> None:
    document = document_of(project, tpl)
    items = paragraphs(document)
    assert items[0] == ("Title", f"{project.name}项目\n支出绩效监控分析报告")
    assert items[1] == ("Subtitle", "（2025年度）")
    headings = [(style, text) for style, text in items if style.startswith("Heading")]
    assert headings == [(f"Heading {s.level}", s.heading) for s in F.REPORT_SECTIONS]
    assert items[-4:] == [
        ("Signature", project.unit),
        ("Signature", "2025年7月8日"),  # 成文日期 as GB/T 9704 writes it: no leading zeros
        ("Body Text", "单位负责人：\u3000\u3000\u3000\u3000"),  # not given: left blank to write by hand
        ("Body Text", "填报人：张丽\u3000\u3000联系电话：0349-2035678"),
    ]


def test_narrative_is_used_as_written(project: Project, tpl: templates.Templates) -> None:
    document = document_of(project, tpl)
    assert body_after(document, "（一）预算执行情况分析")[0] == project.report["预算执行情况分析"].strip()
    assert body_after(document, "（一）监控总体结论") == [project.report["监控总体结论"].strip()]
    assert body_after(document, "五、其他需要说明的事项") == ["无。"]


def test_empty_sections_are_drafted_from_the_figures(project: Project, tpl: templates.Templates) -> None:
    document = document_of(blank(project), tpl)
    execution = body_after(document, "（一）预算执行情况分析")
    assert execution[0] == (
        "截至6月底，项目年度预算安排1,135.50万元，其中上年结转35.50万元、本年预算1,100.00万元，已下达980.00万元，"
        "下达率89.09%；已支出510.55万元，支出进度44.96%，低于序时进度（50.00%）5.04个百分点。"
    )
    assert "中央财政资金安排860.00万元、已支出412.35万元、支出进度47.95%" in execution[1]
    assert execution[-2].startswith("预计全年支出1,135.50万元，占安排数的100.00%") and execution[-2].endswith("具体情况见表1。")
    assert execution[-1] == "表1  项目资金预算执行情况（单位：万元）"
    targets = body_after(document, "（二）绩效目标实现情况分析")
    assert targets[0].startswith("项目共设置绩效指标7项，其中产出指标4项、效益指标2项、满意度指标1项。")
    assert "确定能完成6项，有可能完成1项" in targets[0]
    assert any(t.endswith("有可能完成年度目标。偏差原因：过程方面，部分学校补助发放通知不及时，家长知晓度不高。") for t in targets)
    assert [t[:2] for t in targets[1:]] == [f"{n}．" for n in range(1, 8)]  # the ladder's third level under （二）
    basic = body_after(document, "一、项目（部门）基本情况")
    assert basic[0].startswith(f"{project.name}项目（项目代码：{project.code}）由预算单位{project.unit}组织实施")
    assert body_after(document, "（一）监控总体结论") == ["（未填写）"]


def test_budget_table(project: Project, tpl: templates.Templates) -> None:
    (table,) = document_of(project, tpl).tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    headers = [text.replace("\n", "") for text in rows[0]]  # a header breaks only where messages.py allows (「\u200b」)
    assert headers[:4] == ["资金来源", "上年结转", "本年预算", "小计（安排数）"] and headers[4] == "1-6月下达数"
    assert "小计\n（安排数）" in rows[0] or "小计（安排数）" in rows[0]
    assert rows[1] == ["资金总额", "35.50", "1,100.00", "1,135.50", "980.00", "89.09%", "510.55", "44.96%", "1,135.50"]
    labels = [r[0].replace("\n", "") for r in rows[1:]]  # a long row name takes lines of equal length
    assert labels == ["资金总额", "中央财政资金", "市级财政资金"]  # rows not written are left out
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats if the table breaks


def test_budget_table_widths_come_from_the_figures(department: Department, tpl: templates.Templates) -> None:
    """Columns fill the text block; figures too wide for the style's 10 pt shrink the table's text, never below 7 pt."""
    big = Amounts(Decimal("123456.78"), Decimal("9876543.21"), Decimal("9876543.21"), Decimal("4999999.99"), Decimal("9999999.99"))
    sizes = []
    for sub in (department, dataclasses.replace(department, tables={**department.tables, "funds_by_type": {"一般公共预算资金": big}})):
        table = document_of(sub, tpl).tables[0]._tbl
        widths = [int(col.get(qn("w:w"))) for col in table.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) == render_docx.TEXT_WIDTH_TWIPS
        (size,) = {int(sz.get(qn("w:val"))) for sz in table.iter(qn("w:sz"))} or {20}  # one size for every cell
        sizes.append(size)
        assert "\u200b" not in "".join(table.itertext())
    assert 20 >= sizes[0] > sizes[1] >= render_docx.MIN_TABLE_SIZE


def test_zero_budget_never_divides(project: Project, tpl: templates.Templates) -> None:
    empty = dataclasses.replace(blank(project), tables={"funds": {"其他资金": Amounts(carried_over=Decimal(0))}})
    document = document_of(empty, tpl)
    execution = body_after(document, "（一）预算执行情况分析")
    assert execution[0] == "截至6月底，项目年度预算安排0.00万元，已下达0.00万元；已支出0.00万元。"
    assert [c.text for c in document.tables[0].rows[1].cells][5] == F.NO_RATE


def test_extra_sections_fill_only_what_the_submission_leaves_empty(project: Project, tpl: templates.Templates) -> None:
    extra = {"监控总体结论": "项目总体运行正常。\n预算执行略慢于序时进度。", "偏差原因分析": "（来自预警）"}
    sub = dataclasses.replace(project, report={**project.report, "监控总体结论": ""})
    document = document_of(sub, tpl, extra)
    assert body_after(document, "（一）监控总体结论") == ["项目总体运行正常。", "预算执行略慢于序时进度。"]
    assert body_after(document, "（二）预算执行和绩效目标出现偏差的原因分析") == [project.report["偏差原因分析"].strip()]


def test_department_report(department: Department, tpl: templates.Templates) -> None:
    document = document_of(blank(department), tpl)
    assert paragraphs(document)[0] == ("Title", "朔州市教育局部门整体支出绩效监控分析报告")  # 20 characters: one line
    execution = body_after(document, "（一）预算执行情况分析")
    assert execution[0].startswith("截至6月底，部门年度预算安排25,772.30万元")
    assert any(t.startswith("按支出用途分，基本支出安排") for t in execution)
    assert document.tables[1].rows[0].cells[0].text == "支出用途"
    assert len(document.tables) == 2


def test_page_is_gbt9704(project: Project, tpl: templates.Templates) -> None:
    section = document_of(project, tpl).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [37, 35, 28, 26]
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"  # the PAGE field's placeholder between two 一字线
    assert "PAGE" in footer._p.xml and section.even_page_footer.paragraphs[0].text == "— 1 —"


@pytest.mark.parametrize(
    ("style", "east_asia", "size"),
    [
        ("Normal", "仿宋_GB2312", 16),
        ("Title", "方正小标宋简体", 22),
        ("Heading 1", "黑体", 16),
        ("Heading 2", "楷体_GB2312", 16),
    ],
)
def test_east_asian_fonts_are_set(project: Project, tpl: templates.Templates, style: str, east_asia: str, size: int) -> None:
    styles = document_of(project, tpl).styles
    chain = styles[style]
    while chain is not None and (chain.element.rPr is None or chain.element.rPr.rFonts is None):
        chain = chain.base_style
    assert chain is not None and chain.element.rPr.rFonts.get(qn("w:eastAsia")) == east_asia
    sized = styles[style]
    while sized.font.size is None:
        sized = sized.base_style
    assert sized.font.size.pt == size


def test_body_has_fixed_line_spacing(project: Project, tpl: templates.Templates) -> None:
    normal = document_of(project, tpl).styles["Normal"].paragraph_format
    assert normal.line_spacing.pt == pytest.approx(28.95)
    assert str(normal.line_spacing_rule) in ("EXACTLY (4)", "WD_LINE_SPACING.EXACTLY")


def test_font_table_names_stand_ins(tpl: templates.Templates) -> None:
    with zipfile.ZipFile(tpl.path(templates.REPORT_DOCX)) as archive:
        fonts = archive.read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_same_input_same_bytes(project: Project, department: Department, tpl: templates.Templates) -> None:
    reference = tpl.path(templates.REPORT_DOCX)
    for sub in (project, blank(department)):
        assert render_docx.document_bytes(evaluate(sub), reference) == render_docx.document_bytes(evaluate(sub), reference)


def test_reference_docx_is_reproducible(tmp_path: Path) -> None:
    """The committed builtin_templates/report.docx is exactly what tools/make_report_docx.py writes."""
    spec = importlib.util.spec_from_file_location("make_report_docx", ROOT / "tools" / "make_report_docx.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(tmp_path / "report.docx")
    assert (tmp_path / "report.docx").read_bytes() == (templates.BUILTIN / templates.REPORT_DOCX).read_bytes()


def _rewrite(source: Path, target: Path, change: dict[str, tuple[str, str]]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename in change:
                data = data.decode().replace(*change[info.filename]).encode()
            new.writestr(info, data)
    return target


def test_styles_are_found_by_name_after_a_resave(project: Project, tpl: templates.Templates, tmp_path: Path) -> None:
    """Chinese Word renames style ids (Heading1 -> 1) when a department re-saves the reference; names stay."""
    renamed = _rewrite(
        tpl.path(templates.REPORT_DOCX), tmp_path / "report.docx", {"word/styles.xml": ('w:styleId="Heading1"', 'w:styleId="1"')}
    )
    document = docx.Document(io.BytesIO(render_docx.document_bytes(evaluate(project), renamed)))
    assert next(p.text for p in document.paragraphs if p.style.name == "Heading 1") == "一、项目（部门）基本情况"


def test_reference_missing_a_style_is_a_clear_error(project: Project, tpl: templates.Templates, tmp_path: Path) -> None:
    broken = _rewrite(
        tpl.path(templates.REPORT_DOCX),
        tmp_path / "report.docx",
        {"word/styles.xml": ('<w:name w:val="caption"/>', '<w:name w:val="题注2"/>')},
    )
    with pytest.raises(EnvironmentProblem, match="缺少样式：caption"):
        render_docx.document_bytes(evaluate(project), broken)
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    with pytest.raises(EnvironmentProblem, match="无法使用"):
        render_docx.document_bytes(evaluate(project), tmp_path / "bad.docx")


def test_page_size_in_reference(tpl: templates.Templates) -> None:
    section = docx.Document(str(tpl.path(templates.REPORT_DOCX))).sections[0]
    assert section.page_width == Mm(210) or abs(section.page_width.mm - 210) < 0.1


def test_long_title_breaks_where_the_sense_allows(project: Project, tpl: templates.Templates) -> None:
    long_name = dataclasses.replace(project, name="学前教育发展资金（普惠性民办幼儿园奖补）")
    assert render_docx.title(long_name, lines=True) == "学前教育发展资金（普惠性民办幼儿园奖补）\n项目支出绩效监控分析报告"
    short = dataclasses.replace(project, name="农村公路养护工程")
    assert render_docx.title(short, lines=True) == "农村公路养护工程项目支出绩效监控分析报告"


def test_identity_stands_first_whoever_wrote_the_basic_section(project: Project, tpl: templates.Templates) -> None:
    """The clerk's own 「基本情况」 follows the identity: name, code, unit, department and term are always stated."""
    basic = body_after(document_of(project, tpl), "一、项目（部门）基本情况")
    assert basic[0] == (
        f"{project.name}项目（项目代码：{project.code}）由预算单位{project.unit}组织实施，主管部门为{project.department}，"
        f"项目起止时间为{project.span}。"
    )
    assert basic[1] == project.report["基本情况"].strip().splitlines()[0].strip()
    unknown = body_after(document_of(dataclasses.replace(project, span=""), tpl), "一、项目（部门）基本情况")
    assert unknown[0].endswith("主管部门为朔州市教育局，项目起止时间未填报。")  # never guessed


def test_sign_off_left_blank_where_the_submission_gives_none(project: Project, tpl: templates.Templates) -> None:
    from docgen.form.model import SignOff

    items = paragraphs(document_of(dataclasses.replace(project, sign_off=SignOff()), tpl))
    blank = "\u3000" * 4
    assert items[-3:] == [
        ("Signature", f"{blank}年\u3000\u3000月\u3000\u3000日"),
        ("Body Text", f"单位负责人：{blank}"),
        ("Body Text", f"填报人：{blank}\u3000\u3000联系电话：{blank}"),
    ]

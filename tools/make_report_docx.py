"""Write report.docx beside this script: the reference document whose styles and page set-up every 附件1 report uses.

Run it once after changing a setting below: `python tools/make_report_docx.py` (or give an
output path, e.g. a project's own templates/report.docx). The output is byte-identical for the same settings (fixed
zip timestamps), so the committed .docx can be checked against this script. It is a tool of the source checkout and
is not shipped in the wheel; the wheel carries the report.docx it wrote.
A department may instead open report.docx in Word or WPS, change the styles (keep their names) and save it.

Layout per GB/T 9704-2012 (党政机关公文格式): A4; 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; 22 lines of 28
characters; title in 2号小标宋, body in 3号仿宋, level-1 headings 3号黑体, level-2 3号楷体; page numbers in 4号半角
宋体 as 「— 1 —」, 7 mm below the text block, odd pages right and even pages left, one character in from the edge.

Font names are settings: Word uses them where installed; the font table names a stand-in (w:altName) and the
GB2312 character set, so Word and WPS substitute a font of the same kind where one is missing.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parents[1] / "src" / "docgen" / "render" / "builtin_templates" / "report.docx"

# --- settings -----------------------------------------------------------------------------

MM = 1440 / 25.4  # twips per millimetre
PAGE = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26, "header": 15, "footer": 21}
LINE_PITCH = 579  # twips: 225 mm ÷ 22 lines ≈ 28.95 pt, 固定值
LATIN = "Times New Roman"

#: Style role -> (font, size in half-points). 三号 16 pt = 32, 二号 22 pt = 44, 四号 14 pt = 28, 五号 10.5 pt = 21.
FONTS = {
    "body": ("仿宋_GB2312", 32),
    "title": ("方正小标宋简体", 44),
    "subtitle": ("楷体_GB2312", 32),
    "heading1": ("黑体", 32),
    "heading2": ("楷体_GB2312", 32),
    "caption": ("黑体", 24),
    "table": ("仿宋_GB2312", 20),
    "footer": ("宋体", 28),
}

#: Font table: name -> (stand-in, panose, family, pitch). charset 86 = GB2312.
FONT_TABLE = {
    "仿宋_GB2312": ("仿宋", "02010609030101010101", "modern", "fixed"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "方正小标宋简体": ("宋体", "02000000000000000000", "script", "variable"),
    "楷体_GB2312": ("楷体", "02010609030101010101", "modern", "fixed"),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
}

SAMPLE = (
    ("Title", "××项目支出绩效监控分析报告"),
    ("Subtitle", "（2025年度）"),
    ("heading 1", "一、项目（部门）基本情况"),
    ("Body Text", "正文用3号仿宋字体，每面22行，每行28个字，首行缩进2字。本文件只提供样式：生成报告时，正文由数据填写。"),
    ("heading 1", "二、预算执行和绩效目标实现情况分析"),
    ("heading 2", "（一）预算执行情况分析"),
    ("caption", "表1  预算执行情况（万元）"),
    ("Table Text", "表格文字用10磅仿宋字体"),
    ("Signature", "××单位"),
)

# --- XML parts ----------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def twips(mm: float) -> int:
    return round(mm * MM)


def rfonts(east_asia: str, latin: str = LATIN) -> str:
    """Latin slots and the East Asian slot: python-docx's font API sets only the former."""
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" w:cs="{latin}"/>'


def run_props(role: str, *, bold: bool = False, latin: str = LATIN) -> str:
    font, size = FONTS[role]
    return f'<w:rPr>{rfonts(font, latin)}{"<w:b/><w:bCs/>" if bold else ""}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'


OFF_GRID = '<w:snapToGrid w:val="0"/>'  # titles, captions and tables keep their own spacing, not the 22-line grid


def exact(line: int = LINE_PITCH, before: int = 0, after: int = 0) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="exact"/>'


INDENT2 = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'


# Child elements below follow the order of the ECMA-376 schema (pPr: keepNext … snapToGrid, spacing, ind, jc,
# outlineLvl): Word refuses a document whose elements are out of order.


def style(kind: str, sid: str, name: str, ppr: str = "", rpr: str = "", *, based: str | None = "Normal", extra: str = "") -> str:
    based_on = f'<w:basedOn w:val="{based}"/>' if based else ""
    ppr_xml = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    return f'<w:style w:type="{kind}" w:styleId="{sid}"><w:name w:val="{name}"/>{based_on}{extra}<w:qFormat/>{ppr_xml}{rpr}</w:style>'


def styles_xml() -> str:
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    body = [
        style("paragraph", "Normal", "Normal", f'<w:widowControl/>{exact()}<w:jc w:val="both"/>', run_props("body"), based=None),
        style(
            "paragraph",
            "Title",
            "Title",
            f'<w:keepNext/>{OFF_GRID}{exact(line=700)}<w:jc w:val="center"/><w:outlineLvl w:val="9"/>',
            run_props("title"),
        ),
        style("paragraph", "Subtitle", "Subtitle", f'<w:keepNext/>{exact(after=LINE_PITCH)}<w:jc w:val="center"/>', run_props("subtitle")),
        style(
            "paragraph",
            "Heading1",
            "heading 1",
            f'<w:keepNext/><w:keepLines/>{INDENT2}<w:outlineLvl w:val="0"/>',
            run_props("heading1"),
            extra='<w:next w:val="BodyText"/>',
        ),
        style(
            "paragraph",
            "Heading2",
            "heading 2",
            f'<w:keepNext/><w:keepLines/>{INDENT2}<w:outlineLvl w:val="1"/>',
            run_props("heading2"),
            extra='<w:next w:val="BodyText"/>',
        ),
        style("paragraph", "BodyText", "Body Text", INDENT2, ""),
        style(
            "paragraph",
            "Caption",
            "caption",
            f'<w:keepNext/>{OFF_GRID}{exact(line=400, before=120, after=60)}<w:jc w:val="center"/>',
            run_props("caption"),
        ),
        style(
            "paragraph",
            "TableText",
            "Table Text",
            f'{OFF_GRID}<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
            run_props("table"),
        ),
        style("paragraph", "Signature", "Signature", f'{exact(before=LINE_PITCH)}<w:ind w:right="1280"/><w:jc w:val="right"/>', ""),
        style(
            "paragraph",
            "Footer",
            "footer",
            f'{OFF_GRID}<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>',
            run_props("footer", latin="宋体"),
        ),
        (
            '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>'
            '<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
        ),
        (
            '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:unhideWhenUsed/>'
            '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        ),
        (
            f'<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:pPr>'
            f'{OFF_GRID}<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:tblPr><w:jc w:val="center"/>'
            f'<w:tblBorders>{border}</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
            '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        ),
    ]
    defaults = (
        f'<w:docDefaults><w:rPrDefault><w:rPr>{rfonts(FONTS["body"][0])}<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>'
        '<w:spacing w:before="0" w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>'
    )
    return f'{DECL}<w:styles xmlns:w="{W}">{defaults}{"".join(body)}</w:styles>'


def font_table_xml() -> str:
    fonts = [
        (
            f'<w:font w:name="{LATIN}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/>'
            '<w:pitch w:val="variable"/></w:font>'
        )
    ]
    for name, (alt, panose, family, pitch) in FONT_TABLE.items():
        fonts.append(
            f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    return f'{DECL}<w:fonts xmlns:w="{W}">{"".join(fonts)}</w:fonts>'


def settings_xml() -> str:
    return (
        f'{DECL}<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="640"/><w:evenAndOddHeaders/>'
        '<w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/>'
        "<w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/>"
        '<w:useFELayout/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        '</w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/><w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
        "</w:settings>"
    )


def footer_xml(align: str) -> str:
    """「— 1 —」 with a PAGE field; one character (14 pt = 280 twips) in from the outer edge."""
    indent = '<w:ind w:right="280"/>' if align == "right" else '<w:ind w:left="280"/>'
    dash = '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    tail = '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
    return (
        f'{DECL}<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Footer"/>{indent}<w:jc w:val="{align}"/></w:pPr>'
        f"{dash}{field}{tail}</w:p></w:ftr>"
    )


def section_xml() -> str:
    p = PAGE
    return (
        f'<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        f'<w:pgSz w:w="{twips(p["width"])}" w:h="{twips(p["height"])}"/>'
        f'<w:pgMar w:top="{twips(p["top"])}" w:right="{twips(p["right"])}" w:bottom="{twips(p["bottom"])}" w:left="{twips(p["left"])}" '
        f'w:header="{twips(p["header"])}" w:footer="{twips(p["footer"])}" w:gutter="0"/>'
        f'<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="{LINE_PITCH}"/></w:sectPr>'
    )


def document_xml() -> str:
    ids = {
        "Title": "Title",
        "Subtitle": "Subtitle",
        "heading 1": "Heading1",
        "heading 2": "Heading2",
        "Body Text": "BodyText",
        "caption": "Caption",
        "Table Text": "TableText",
        "Signature": "Signature",
    }
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{ids[name]}"/></w:pPr><w:r><w:t>{escape(text)}</w:t></w:r></w:p>' for name, text in SAMPLE
    )
    return f'{DECL}<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{paragraphs}{section_xml()}</w:body></w:document>'


CONTENT_TYPES = (
    f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = (
    f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"'
    ' Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
DOCUMENT_RELS = (
    f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rIdStyles" Type="{REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{REL}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFonts" Type="{REL}/fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rIdFooterOdd" Type="{REL}/footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterEven" Type="{REL}/footer" Target="footer2.xml"/>'
    "</Relationships>"
)
CORE = (
    f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>附件1 参考样式</dc:title><dc:creator>docgen</dc:creator></cp:coreProperties>'
)
APP = (
    f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>docgen</Application></Properties>"
)


def parts() -> dict[str, str]:
    return {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "docProps/core.xml": CORE,
        "docProps/app.xml": APP,
        "word/document.xml": document_xml(),
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/styles.xml": styles_xml(),
        "word/settings.xml": settings_xml(),
        "word/fontTable.xml": font_table_xml(),
        "word/footer1.xml": footer_xml("right"),
        "word/footer2.xml": footer_xml("left"),
    }


def write(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts().items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)

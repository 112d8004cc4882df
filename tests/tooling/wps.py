"""A workbook as WPS 表格 saves it, reproduced byte-wise on a docgen (or openpyxl) .xlsx: WPS Office is not
installable here (no Linux package in /work/.library/env), so the traits its .xlsx files are known to carry are written
into the zip parts directly. Each trait is one function; `wps_resave` applies them all.

What WPS writes differently (from public traces: WPS-made files quoted in issue trackers and in documents carrying
its metadata — see docs/import.md, 「WPS」, for what is verified and what is not):
- docProps/app.xml: <Application>WPS 表格</Application> (Excel writes 「Microsoft Excel」), and its own AppVersion;
- docProps/custom.xml with the property KSOProductBuildVer (「2052-11.1.0.…」: 2052 is the zh-CN locale id), with its
  content-type override and package relationship;
- a wrong <dimension ref="A1"/> on every sheet (openpyxl's read-only mode then reads only A1 unless the dimensions
  are reset: langgenius/dify#1039);
- strings written inline (t="inlineStr", <is><t>…</t></is>) rather than through sharedStrings.xml;
- its own number formats (the Chinese accounting format 「_ * #,##0.00_ ;…」 and 「0.00_ 」 with a trailing space);
- the default cell style named 「常规」 rather than 「Normal」;
- <extLst> entries in its own namespace (http://www.wps.cn/officeDocument/2017/etCustomData) in workbook.xml.
"""

from __future__ import annotations

import re
import zipfile
from html import escape, unescape
from pathlib import Path

WPS_APP = "WPS 表格"
BUILD = "2052-11.1.0.14309"
CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
    f"<vt:lpwstr>{BUILD}</vt:lpwstr></property></Properties>"
)
ACCOUNTING = '_ * #,##0.00_ ;_ * \\-#,##0.00_ ;_ * "-"??_ ;_ @_ '
EXT = (
    '<extLst><ext uri="{FE6A4E8A-8BDC-4E18-9F1B-5C6A2C5E29F1}" xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData">'
    '<etc:wbCustomData><etc:wbDefaultFont val="宋体"/></etc:wbCustomData></ext></extLst>'
)


def _app(xml: str) -> str:
    xml = re.sub(r"<Application>[^<]*</Application>", f"<Application>{WPS_APP}</Application>", xml)
    if "<AppVersion>" in xml:
        return re.sub(r"<AppVersion>[^<]*</AppVersion>", "<AppVersion>12.0000</AppVersion>", xml)
    return xml.replace("</Properties>", "<AppVersion>12.0000</AppVersion></Properties>")


def _content_types(xml: str) -> str:
    override = (
        '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
    )
    return xml.replace("</Types>", override + "</Types>")


def _rels(xml: str) -> str:
    rel = (
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
        'Target="docProps/custom.xml"/>'
    )
    return xml.replace("</Relationships>", rel + "</Relationships>")


def _shared(xml: str) -> list[str]:
    """The shared strings in order, each as its plain text (rich runs joined)."""
    return ["".join(unescape(t) for t in re.findall(r"<t[^>]*>(.*?)</t>", si, re.S)) for si in re.findall(r"<si>(.*?)</si>", xml, re.S)]


def _sheet(xml: str, strings: list[str]) -> str:
    """Every shared-string cell written inline, and the wrong dimension WPS writes."""

    def inline(found: re.Match[str]) -> str:
        attrs = found.group(1).replace(' t="s"', "")
        text = escape(strings[int(found.group(2))], quote=False)
        return f'<c{attrs} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'

    xml = re.sub(r'<c((?: [a-zA-Z:]+="[^"]*")*? t="s"(?: [a-zA-Z:]+="[^"]*")*)><v>(\d+)</v></c>', inline, xml)
    return re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', xml)


def _styles(xml: str) -> str:
    xml = re.sub(r'(<numFmt numFmtId="\d+" formatCode=")#,##0\.00[^"]*(")', lambda m: m.group(1) + escape(ACCOUNTING) + m.group(2), xml)
    xml = xml.replace('formatCode="0.00"', 'formatCode="0.00_ "')
    return xml.replace('<cellStyle name="Normal"', '<cellStyle name="常规"')


def _workbook(xml: str) -> str:
    return xml.replace("</workbook>", EXT + "</workbook>") if "<extLst>" not in xml else xml


def wps_resave(source: Path, target: Path) -> Path:
    """`source` with every WPS trait written into its parts, as `target` (the zip's other parts byte for byte)."""
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    strings = _shared(parts["xl/sharedStrings.xml"].decode("utf-8")) if "xl/sharedStrings.xml" in parts else []
    edits = {
        "docProps/app.xml": _app,
        "[Content_Types].xml": _content_types,
        "_rels/.rels": _rels,
        "xl/styles.xml": _styles,
        "xl/workbook.xml": _workbook,
    }
    out: dict[str, bytes] = {}
    for name, data in parts.items():
        if name in edits:
            data = edits[name](data.decode("utf-8")).encode("utf-8")
        elif name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
            data = _sheet(data.decode("utf-8"), strings).encode("utf-8")
        out[name] = data
    out["docProps/custom.xml"] = CUSTOM.encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in out.items():
            archive.writestr(name, data)
    return target

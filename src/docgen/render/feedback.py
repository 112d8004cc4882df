"""The bureau's 审核结果反馈 to one department, as a .docx in the official style of 附件1 (GB/T 9704).

The letter is written into the same reference document as 附件1 (templates/report.docx: A4, GB/T 9704 margins,
the 「— 1 —」 footers, 方正小标宋 title, 仿宋 body), with its styles found by name: the opinions on each submission,
each returned or red item with its reason, the 整改 required with deadlines and the 结果应用 decided. What it says
is decided by the caller (api.feedback) as plain texts (`Letter`), already free of 涉密 names and codes; this module
only lays them out. The same letter gives the same bytes: no clock, fixed zip dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import messages as M
from ..escape import xml as escape
from ..form.model import Period
from . import paths
from .docx import _paragraph, package, reference


@dataclass(frozen=True)
class Letter:
    """One department's feedback for one period, as the texts to print (each item one paragraph)."""

    period: Period
    code: str
    department: str
    overview: str
    opinions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # each 退回 or red submission, with its reason
    rectifications: list[str] = field(default_factory=list)  # the 整改 required, with deadlines
    applications: list[str] = field(default_factory=list)
    dated: str = ""  # 「2025年8月20日」: the date the letter carries (dates.written_date)


def title(letter: Letter) -> str:
    """「2025年1-6月绩效运行监控审核结果反馈」."""
    return M.review_text("feedback_title", year=letter.period.year, month=letter.period.month)


def body_xml(letter: Letter, styles: dict[str, str]) -> str:
    """The letter's body: title, salutation, introduction, four numbered parts, closing, signature and date."""
    body = styles["body"]
    out = [
        _paragraph(styles["title"], title(letter)),
        _flush_left(body, M.review_text("feedback_salutation", department=letter.department)),
        _paragraph(body, M.review_text("feedback_intro", year=letter.period.year, month=letter.period.month)),
        _paragraph(body, letter.overview),
    ]
    parts = (
        ("feedback_opinions", letter.opinions),
        ("feedback_problems", letter.problems),
        ("feedback_rectify", letter.rectifications),
        ("feedback_applications", letter.applications),
    )
    for number, (heading, items) in enumerate(parts, start=1):
        out.append(_paragraph(styles["heading1"], M.ladder(1, number) + M.review_text(heading), keep_next=True))
        texts = [f"{M.ladder(3, i)}{text}" for i, text in enumerate(items, start=1)] or [M.review_text("feedback_none")]
        out.extend(_paragraph(body, text) for text in texts)
    out.append(_paragraph(body, M.review_text("feedback_closing"), keep_next=True))
    out.append(_paragraph(styles["signature"], M.review_text("feedback_signature"), keep_next=True))
    out.append(_paragraph(styles["signature"], letter.dated, before=0))
    return "".join(out)


def _flush_left(style: str, text: str) -> str:
    """The 主送机关 line: at the left margin, without the body's first-line indent (GB/T 9704 7.3.2)."""
    return _paragraph(style, text, "left").replace("<w:jc ", '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc ', 1)  # before jc


def _core(letter: Letter) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title(letter))}</dc:title><dc:subject>{escape(letter.period.label)}</dc:subject>"
        f"<dc:creator>{escape(M.review_text('feedback_signature'))}</dc:creator>"
        f"<cp:keywords>{escape(letter.department)}</cp:keywords></cp:coreProperties>"
    ).encode()


def document_bytes(letter: Letter, reference_path: Path) -> bytes:
    """The .docx of one letter, in memory; identical bytes for identical input."""
    ref = reference(reference_path)
    return package(ref, body_xml(letter, ref.styles), _core(letter))


def target(build: Path, letter: Letter) -> Path:
    """build/2025-06/审核结果反馈-101-朔州市教育局.docx."""
    return paths.feedback(build, letter.period, letter.code, letter.department)

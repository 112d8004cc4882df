"""附件1's text, section by section, whoever wrote it: the submission, the warnings engine's draft, or docgen's draft.

One place decides what each section says, so the .docx and the site's copy of 附件1 never differ; each section
knows whether it was drafted, so a reader of the site can tell the unit's words from the system's. 「一、基本情况」
always opens with the identity (name, code, unit, department, term), whoever wrote the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .. import messages as M
from ..form import vocabulary as F
from . import draft
from .evaluation import Evaluation

#: Sections the submission may leave empty, and what stands there then (besides a draft or an extra text).
OPTIONAL_SECTIONS = frozenset({"绩效监控延伸情况", "其他需要说明的事项"})


@dataclass(frozen=True)
class SectionText:
    """The paragraphs of one 附件1 section, and whether the system drafted them (the identity is never counted)."""

    paragraphs: tuple[str, ...]
    drafted: bool = False


def paragraphs(text: str) -> tuple[str, ...]:
    """A clerk's narrative: one paragraph per non-empty line, indentation dropped (the style indents)."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def section_texts(ev: Evaluation, extra: Mapping[str, str] | None = None) -> dict[str, SectionText]:
    """Each section key's text: the submission's, else an extra drafted text (the warnings engine's 「四、」), else
    docgen's own draft from the figures, else 「无。」 or 「（未填写）」."""
    sub = ev.submission
    drafted = draft.drafts(ev)
    texts: dict[str, SectionText] = {}
    for key in F.REPORT_KEYS:
        if sub.report.get(key):
            texts[key] = SectionText(paragraphs(sub.report[key]))
        elif extra and extra.get(key, "").strip():
            texts[key] = SectionText(paragraphs(extra[key]), drafted=True)
        elif key in drafted:
            texts[key] = SectionText(tuple(drafted[key]), drafted=True)
        else:
            texts[key] = SectionText((M.label("none") if key in OPTIONAL_SECTIONS else M.label("not_filled"),))
    basic = texts[draft.BASIC]
    texts[draft.BASIC] = SectionText((draft.identity(sub), *basic.paragraphs), basic.drafted)
    return texts

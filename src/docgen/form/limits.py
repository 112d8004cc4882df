"""The bounds on what docgen reads from a committed YAML file, all in one place.

Every submission, roster and rules file arrives in a pull request, so it is read as hostile: without
bounds, a 600-byte alias bomb or a 5,000-digit number drives `docgen validate` (and the pre-commit hook,
and CI) out of memory or into an internal error. Each bound is far above anything a real file needs (the
demo's largest submission is ~7 KB with 10 indicators; a city's roster lists ~2,000 projects in ~0.5 MB),
and each has its own E1xx code so a clerk sees exactly which one a file broke, at the line it broke it.
"""

from __future__ import annotations

import re

from . import vocabulary as F

#: Bytes in one submission or rules file (1 MiB: ~150 times the demo's largest).
MAX_FILE_BYTES = 1 << 20
#: Bytes in a roster (名单.yaml), which lists every project of the city (or province) for a period: 16 MiB holds a
#: province's 100,000 projects (~14 MiB, benchmarks/generate.py; a large city's ~2,000 are ~0.5 MiB). Measured: reading
#: a 14 MiB roster peaks at ~410 MiB (PyYAML's composed nodes) and keeps ~190 MiB (data and positions), 6.3 s of CPU.
MAX_ROSTER_BYTES = 16 << 20
#: Bytes `docgen fmt` rewrites: ruamel's round trip takes ~8 s a MiB (every submission fits; a roster larger is left as is).
MAX_FMT_BYTES = 1 << 20
#: Levels of nesting (the forms need 5: 部门 / item / 应报项目 / item / 项目代码).
MAX_DEPTH = 20
#: Items in one list: indicators of a project, departments or projects of a roster (5,000: no form has more than hundreds).
MAX_ITEMS = 5_000
#: Keys in one mapping (the largest form has ~20).
MAX_KEYS = 500
#: Digits in one number, as written (an amount in 万元 needs ~12; more overflows what the tables and Word can show).
MAX_DIGITS = 20
#: Decimal places an amount in 万元 may have: 6 reach one fen (0.000001 万元 = 0.01 元), so 「80元」 is 0.008 万元
#: exactly; the forms and every output still show two (numbers.py).
MAX_MONEY_PLACES = 6
#: Characters in one text value: a whole 附件1 section fits many times over (a page of Chinese is ~800).
MAX_TEXT_CHARS = 100_000
#: Characters in one key (the forms' longest key is 8).
MAX_KEY_CHARS = 200
#: Characters in a name (项目名称, 预算单位, 主管部门 …; the schema's maxLength): real names stay under ~60.
MAX_NAME_CHARS = 200
#: Characters a text may have where it goes into one cell of 附件2/附件3: Excel holds at most 32,767 in a cell and
#: a row at most 409 pt high, and a row never breaks across printed pages, so more is cut silently. Measured with
#: the grid's widths at the body font (10 pt, line factor 1.45: 27 lines in 409 pt): the 年度绩效目标 row (columns
#: C-M, ~65 characters a line) holds ~1,760 characters, 偏差原因分析 (H-I, ~11 a line) ~295, 备注 (M, ~7 a line)
#: ~190. The bounds leave room for line breaks and Latin text; the demo's longest are 123, 108 and 119.
MAX_TARGET_CHARS = 1_500
MAX_DEVIATION_CHARS = 250
MAX_REMARK_CHARS = 150
#: The default profile (form/profiles/shuozhou-city.yaml) gives each to its field (max_chars, with in_cell: the
#: check reports E220, too long for the form, rather than a plain length, E213); tests/form/test_forms.py keeps
#: them equal.
#: Characters in a code (项目代码, 主管部门代码).
MAX_CODE_CHARS = 50
#: Schema findings listed per file: past this many, the first ones already show what is wrong throughout.
MAX_FINDINGS = 200

#: Spreadsheets read by `docgen import` (tooling/sheets.py), checked before any XML is parsed: a filled 附件2 is
#: ~20 KB (docgen's own) to ~200 KB (an office's, with styles and a logo); a city's execution export ~1 MB.
MAX_WORKBOOK_BYTES = 20 << 20
#: All parts of a workbook once unpacked (a zip bomb is small packed and huge unpacked; images count here) ...
MAX_WORKBOOK_UNPACKED = 64 << 20
#: ... and its XML parts, which openpyxl holds in memory as cells (~1 KiB each): 8 MiB is ~100,000 cells, ~300 MB.
MAX_WORKBOOK_XML = 8 << 20
#: Parts in one workbook's zip (a real one has ~10-40).
MAX_WORKBOOK_PARTS = 1_000
#: Unpacked ÷ packed size of one part above 1 MiB: XML compresses ~10-30x; a bomb, thousands.
MAX_ZIP_RATIO = 200
#: Sheets in one workbook, rows and columns in one sheet, cells with a value in the whole workbook (the form has
#: 13 columns and ~40 rows; an execution export a few thousand rows).
MAX_SHEETS = 100
MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLUMNS = 200
MAX_WORKBOOK_CELLS = 200_000

#: Code points an XML document (.docx, .xlsx, the site) cannot carry: C0 controls other than tab, newline and carriage
#: return, the non-characters U+FFFE/U+FFFF and lone surrogates (which only YAML's "\uD800" escapes can produce).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: Unicode's format characters (category Cf: zero-width spaces and joiners, bidi controls, U+FEFF …), as ranges:
#: a regex finds one ~20x faster than asking unicodedata character by character, in every text of every file.
#: tests/form/test_limits.py checks the ranges against this Python's unicodedata.
FORMAT_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
FORMAT_CHARS = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in FORMAT_RANGES) + "]")
#: Either kind at once: nearly every text holds neither, so one search clears it and only a hit is told apart.
UNPRINTABLE = re.compile(XML_INVALID.pattern[:-1] + FORMAT_CHARS.pattern[1:])
#: A superset of UNPRINTABLE for the one question asked of every file's whole text (`printable`): its BMP ranges,
#: and every character beyond the BMP. re tests a character against a class's ranges beyond the BMP one by one,
#: so UNPRINTABLE spends ~80 us on a 2 KiB submission in Chinese and this ~9 us; a text with a character beyond
#: the BMP (rare: an emoji, a rare Han character) is then asked the exact question.
_MAYBE_UNPRINTABLE = re.compile(
    XML_INVALID.pattern[:-1] + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in FORMAT_RANGES if b <= 0xFFFF) + "\\U00010000-\\U0010ffff]"
)


def printable(text: str) -> bool:
    """Whether `text` has no character UNPRINTABLE finds (the same answer, sooner for a text that is clean)."""
    return _MAYBE_UNPRINTABLE.search(text) is None or UNPRINTABLE.search(text) is None


#: What a code (项目代码, 主管部门代码) may hold: a code is matched to the roster by its exact text, so a look-alike
#: (U+2011 for «-», a fullwidth digit) would make a 涉密 project a different, unlisted one.
CODE_CHARS = re.compile(r"[A-Za-z0-9_.-]+")
CODE_PATTERN = r"^[A-Za-z0-9_.-]+$"


def max_bytes(file_name: str) -> int:
    """The size bound of a file, by its name: the roster is allowed more, it lists the whole city."""
    return MAX_ROSTER_BYTES if file_name == F.ROSTER_FILE else MAX_FILE_BYTES


#: What stands in for a code point `visible` removes: seen, so a reader knows something was there.
REPLACEMENT_CHAR = "\ufffd"


def visible(text: str) -> str:
    """`text` with XML-invalid and format characters (bidi controls, U+FFFE …) replaced by U+FFFD: for text docgen did
    not check itself (commit messages, author names, old versions of a file) that reaches the site or the diff."""
    return UNPRINTABLE.sub(REPLACEMENT_CHAR, text) if UNPRINTABLE.search(text) else text

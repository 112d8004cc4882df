"""One escaping function per output context: every text from a submission, roster or commit is untrusted.

    markdown(text)        Markdown source, in text or inside raw HTML (the site's pages, `docgen diff`)
    markdown_lines(text)  the same, keeping line breaks as <br> (table cells, commit bodies, opinions)
    markdown_code(text)   a Markdown code span (`docgen diff`'s file paths)
    html(text)            HTML text and attribute values that no Markdown processor reads
    url_path(path)        a relative page path placed in a link (Markdown or HTML)
    xml(text)             XML text (the .docx parts)
    spreadsheet(text)     XML text of a SpreadsheetML part (附件2/附件3's cells, properties, footer: render/sheetml.py)
    spreadsheet_attribute(text)  an attribute value of one (the sheet's name)
    workflow_data(text)   the message of a GitHub Actions workflow command (`::error …::<data>`)
    workflow_property(text)  a property value of one (`file=`, `title=`)
    GitLab Code Quality is JSON written by json.dumps: nothing to add.

Markdown escaping writes the dangerous characters as numeric character references (&#91; for «[»): Python-Markdown
passes an entity through untouched, in plain text, link text, headings and raw HTML alike, and the browser shows the
character. So one function is right both where Markdown reads the text and inside the pages' raw HTML blocks, and no
backslash ever shows. Line breaks are replaced (a blank line would end a raw HTML block and start Markdown again);
a character that would start a block (#, >, -, 1.) is written as an entity when the text opens with it.

The site's templates escape by construction: their Jinja environment passes every `{{ … }}` through `markdown`
unless the value is `Markup` (docgen's own generated markup), see site._environment.
"""

from __future__ import annotations

import re
from html import escape as _escape_html
from urllib.parse import quote

from markupsafe import Markup

#: Markdown's inline metacharacters (and attr_list's braces, tables' pipe, admonitions' «!»): always entities.
#: HTML's & < > " ' are escaped before, by markupsafe.
_INLINE = {ord(c): f"&#{ord(c)};" for c in "\\`*_[]{}|!~^"}
_NEWLINE = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
#: What opens a block when it starts a line: heading, quote, list, rule, setext underline, details, definition, table.
_BLOCK_START = re.compile(r"^(\s*)(?:([#>+\-=?:])|(\d+)([.)])(?=\s|$))")
_URL_UNSAFE = re.compile(r"[\x00-\x2c\x3a-\x40\x5b-\x5e\x60\x7b-\x7d\x7f\s]")
#: Control characters Python-Markdown or a browser would act on (STX/ETX are Python-Markdown's placeholders).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _block_start(text: str) -> str:
    def entity(match: re.Match[str]) -> str:
        lead, mark, digits, dot = match.groups()
        return lead + (f"&#{ord(mark)};" if mark else f"{digits}&#{ord(dot)};")

    return _BLOCK_START.sub(entity, text, count=1)


def _markdown(text: object, newline: str) -> Markup:
    if isinstance(text, Markup):
        return text
    escaped = str(Markup.escape("" if text is None else str(text)))
    escaped = _CONTROL.sub("", escaped).translate(_INLINE)
    return Markup(_block_start(_NEWLINE.sub(newline, escaped)))


def markdown(text: object) -> Markup:
    """User text for a Markdown page, on one line: shown exactly as written, never as Markdown or HTML.

    >>> str(markdown("# [x](javascript:alert(1)) <b>"))
    '&#35; &#91;x&#93;(javascript:alert(1)) &lt;b&gt;'
    """
    return _markdown(text, " ")


def markdown_lines(text: object) -> Markup:
    """As `markdown`, line breaks kept as <br> (a Markdown table cell, a commit body, an opinion)."""
    return _markdown(text, "<br>")


def markdown_code(text: str) -> str:
    """User text as a Markdown code span, on one line: fenced with more backticks than it holds (CommonMark), so a
    backtick inside cannot end the span; inside a span nothing else is markup."""
    line = _NEWLINE.sub(" ", _CONTROL.sub("", text))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", line)), default=0) + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"


def markdown_forms(text: str) -> set[str]:
    """Every form `text` can take in a page escaped here (whole value, inside a longer one, one line or several,
    in a link's path): what a redactor that looks for a word in the written pages must look for."""
    inline = _NEWLINE.sub(" ", _CONTROL.sub("", str(Markup.escape(text))).translate(_INLINE))
    forms = {text, inline, _block_start(inline), str(markdown_lines(text)), str(url_path(text))}
    return {form for form in forms if form}


def html(text: object) -> Markup:
    """User text for HTML that no Markdown processor reads: & < > " ' as entities (Jinja's autoescape)."""
    return Markup.escape("" if text is None else text)


def url_path(path: str) -> Markup:
    """A relative path for a link's target: ASCII other than letters, digits, / - . _ ~ percent-encoded, so no «)»,
    «"», space, «#» or «?» ends or redirects it. Chinese stays readable (browsers and MkDocs take it as it is);
    MkDocs decodes the rest when it checks a link."""
    return Markup(_URL_UNSAFE.sub(lambda m: quote(m[0], safe=""), path))


def xml(text: str) -> str:
    """&, < and > as entities, for XML text (xml.sax.saxutils.escape would import urllib: ~15 ms per build)."""
    return _escape_html(_CONTROL.sub("", text).replace("\x0b", "").replace("\x0c", ""), quote=False)


def xml_attribute(text: str) -> str:
    """A double-quoted XML attribute value: as `xml`, and « " » as a reference."""
    return xml(text).replace('"', "&quot;")


#: What SpreadsheetML writes as Excel's _xHHHH_ escape: the control characters XML 1.0 forbids (tab and line feed
#: are kept; carriage return is encoded, as Excel does), lone surrogates and the non-characters U+FFFE, U+FFFF.
_SPREADSHEET_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
#: A text that already reads as an escape (「_x0041_」) keeps its underscore, escaped, so it is not decoded.
_SPREADSHEET_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_SPREADSHEET_SPECIAL = re.compile("[&<>_\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def spreadsheet(text: str) -> str:
    """XML text of a SpreadsheetML part, as Excel and XlsxWriter write it: & < > as entities, every character XML
    forbids as _xHHHH_ (Excel decodes it back; openpyxl too), a literal _xHHHH_ kept by escaping its underscore
    (_x005F_). Never raw markup: XlsxWriter passes a cell text that starts with <r> and ends with </r> through
    unescaped, as rich text; here every text is text.

    >>> spreadsheet("</c><c>&\\x00_x0041_")
    '&lt;/c&gt;&lt;c&gt;&amp;_x0000__x005F_x0041_'
    """
    if not _SPREADSHEET_SPECIAL.search(text):
        return text
    text = _SPREADSHEET_ESCAPE.sub(r"_x005F\1", text)
    text = _SPREADSHEET_FORBIDDEN.sub(lambda m: f"_x{ord(m[0]):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def spreadsheet_attribute(text: str) -> str:
    """An attribute value of a SpreadsheetML part: as `spreadsheet`, and « " » and line feeds as references."""
    return spreadsheet(text).replace('"', "&quot;").replace("\n", "&#xA;")


def workflow_data(text: str) -> str:
    """The message of a GitHub workflow command, per GitHub's encoding: % CR LF as %25 %0D %0A (one line, always)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property value of a GitHub workflow command: as data, and «:» «,» as %3A %2C (they end a property)."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


#: Where GitHub or GitLab would turn plain text of a comment into a mention, a cross-reference or a link (@user,
#: #12, !12 merge requests, ~label, %milestone, $snippet, &epic, bare URLs): a zero-width space after the sign
#: keeps the text as written and the forge quiet. Their reference filters read the rendered text, where an
#: entity is already the character again, so `markdown`'s entities alone would not stop them.
_REFERENCE = re.compile(r"([@#!~%$&])(?=[\w/-])|(:)(?=//)|(?<=www)(\.)", re.IGNORECASE)
_ZWSP = "\u200b"


def comment(text: object) -> Markup:
    """User text (a commit message, an author's name) for a Markdown comment posted on GitHub or GitLab: as
    `markdown`, on one line (no quick action such as GitLab's 「/approve」 can start a line), and no mention,
    reference or autolink."""
    raw = "" if text is None else str(text)
    return markdown(_REFERENCE.sub(lambda m: next(g for g in m.groups() if g) + _ZWSP, raw))

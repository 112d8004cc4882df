"""The one redactor for confidential (涉密) projects, and the scan of what is about to be published.

    Secrets()                  names, codes, former names and distinctive figures of 涉密 projects
      .add(code, name)         a project's code and name (or a former name: code None)
      .add_figure(value)       an amount of a 涉密 project, kept only when distinctive (`distinctive`)
      .redact(text)            every name and code, in every form an output writes it, replaced by ＊＊＊
      .found_in(text)          the first name or code present (for a check; never printed to users)
      .figure_in(text)         the first distinctive figure present
    scan(folder, secrets, skip=…)   (file, kind) of the first published file holding a secret, or None

Forms: a word is looked for as written, XML/HTML-escaped (&amp; &quot; &#34; &#39;), Markdown-escaped (escape.py's
numeric entities, &#91;), URL-encoded (%E6%B6%89…, escape.url_path) and JSON-escaped (\\" and \\uXXXX), so a name
holding `"`, `&`, `<` or `[` cannot slip past in any artefact.

Boundaries: a name is matched wherever its text occurs. A code is matched unless it continues a longer code: an
ASCII letter or digit (or «-» and one) right before or after it. Never `\\w`, which counts Chinese characters as
word characters, so 「项目104-2025-003的」 holds the code. The publication check uses the same patterns on text whose
entities and percent-escapes have been decoded, and on Office files' and zips' XML (tags removed, and tags as spaces).
Figures are not looked for in an Office file's layout attributes (`_member_texts`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from . import escape, search_index
from . import messages as M
from .children import fork_map
from .verdicts import Verdicts

REPLACEMENT = M.site_label("redacted")
#: A figure is distinctive when it has at least this many significant digits (1,234.56, 123.00, 60.25 and 60.20 yes;
#: 200.00, 260.00, 5.50 no). Amounts a public submission also prints are never distinctive (discard_figures).
SIGNIFICANT = 3
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_TAG = re.compile(r"<[^>]*>")
_OFFICE = (".docx", ".xlsx", ".zip", ".pptx")
T = TypeVar("T")
_TEXT_LIMIT = 64 * 1024 * 1024  # a member larger than this is read in part (its first 64 MiB)


def forms(word: str) -> set[str]:
    """Every way an output of docgen can write `word`: raw, escaped for XML/HTML/Markdown, URL- and JSON-encoded."""
    found = set(escape.markdown_forms(word))
    found |= {
        escape.xml(word),
        html.escape(word, quote=True),
        str(escape.html(word)),
        quote(word, safe=""),
        quote(word, safe="/"),
        json.dumps(word, ensure_ascii=False)[1:-1],
        json.dumps(word, ensure_ascii=True)[1:-1],
    }
    return {f for f in found if f}


def distinctive(value: Decimal) -> bool:
    """An amount worth hiding: at least SIGNIFICANT significant digits once printed with two decimals."""
    digits = f"{abs(value):.2f}".replace(".", "").strip("0")
    return len(digits) >= SIGNIFICANT


def figure_forms(value: Decimal) -> set[str]:
    """An amount as docgen prints it: 「1,234.56」 (attachments, site), 「1234.56」 (JSON), 「1234.5」 (a workbook's cell)."""
    plain = f"{value:.2f}"
    normal = format(value.quantize(Decimal("0.01")).normalize(), "f")
    return {plain, f"{value:,.2f}", normal, plain.rstrip("0").rstrip(".")}


def _code_pattern(form: str) -> str:
    before = r"(?<![A-Za-z0-9])(?<![A-Za-z0-9]-)" if _ASCII_WORD.match(form[0]) else ""
    after = r"(?!-?[A-Za-z0-9])" if _ASCII_WORD.match(form[-1]) else ""
    return before + re.escape(form) + after


#: A run of digits, points and commas starting with a digit, not right after a point or comma (`figure_pattern`'s
#: look-behind): a figure starts at such a run's start and never inside one.
_NUMBER_RUN = re.compile(r"(?<![0-9.,])[0-9][0-9.,]*")
_NUMBER_ANY = re.compile(r"[0-9][0-9.,]*")
_DOUBLE_MARK = re.compile(r"[.,][.,]")


def _figure_at(number: str, found: set[str]) -> str | None:
    """The figure of `found` that a run of digits, points and commas starts with, as `figure_pattern` would match it:
    the whole run, or the run up to a «.»/«,» not followed by a digit (「1,234.56。」 「60.25,」); longest first."""
    if number in found:
        return number
    if number[-1] not in ".," and _DOUBLE_MARK.search(number) is None:
        return None  # no «.»/«,» that a figure could end before
    for end in range(len(number) - 1, 0, -1):
        if number[end] in ".," and (end + 1 == len(number) or number[end + 1] not in _DIGITS) and number[:end] in found:
            return number[:end]
    return None


_DIGITS = frozenset("0123456789")
_ASCII_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _code_bounded(text: str, start: int, end: int) -> bool:
    """`_code_pattern`'s boundaries: no ASCII letter or digit (or «-» and one) right before or after the code."""
    before = text[max(0, start - 2) : start] if text[start] in _ASCII_ALNUM else ""
    after = text[end : end + 2] if text[end - 1] in _ASCII_ALNUM else ""
    return not (_continues(before[::-1]) or _continues(after))


def _continues(near: str) -> bool:
    """Whether the characters next to a code (nearest first) continue it: a letter or digit, or «-» and one."""
    return bool(near) and (near[0] in _ASCII_ALNUM or (near[:1] == "-" and near[1:2] in _ASCII_ALNUM and len(near) == 2))


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of `words`, nested by common prefix: re tries a position in time that
    follows the words' length, not their number, and skips positions whose character starts no word."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


class Secrets:
    """Names and codes (with former names) and distinctive figures of the 涉密 projects of one repository."""

    def __init__(self) -> None:
        self.codes: set[str] = set()  # as written
        self.names: set[str] = set()
        self.paths: set[str] = set()
        self.figures: set[Decimal] = set()
        self._words: set[str] = set()  # every form of every name and code
        self._code_forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._figure_pattern: re.Pattern[str] | None = None
        self._trie: tuple[re.Pattern[str], dict[str, list[tuple[str, bool]]]] | None = None
        self._figure_forms: set[str] | None = None

    def __bool__(self) -> bool:
        return bool(self.codes or self.names)

    def add(self, code: object = None, name: object = None, path: object = None) -> None:
        """A 涉密 project's code and name (either may be None: a former name); `path` its file."""
        if isinstance(code, str) and code.strip():
            self.codes.add(code.strip())
            self._code_forms |= forms(code.strip())
        if isinstance(name, str) and name.strip():
            self.names.add(name.strip())
            self._words |= forms(name.strip())
        if path is not None:
            self.paths.add(str(path))
        self._pattern = self._trie = None

    def add_word(self, word: str) -> None:
        """Another spelling of a code that an output uses (a file-name-safe form): matched like a code."""
        if word:
            self._code_forms.add(word)
            self._pattern = self._trie = None

    def add_figure(self, value: Decimal) -> None:
        if distinctive(value):
            self.figures.add(abs(value))
            self._figure_pattern = self._figure_forms = None

    def discard_figures(self, values: Iterable[Decimal]) -> None:
        """Amounts a public submission prints too: not a secret's fingerprint (their presence proves nothing)."""
        before = len(self.figures)
        self.figures -= {abs(v) for v in values}
        if len(self.figures) != before:
            self._figure_pattern = self._figure_forms = None

    def digest(self) -> str:
        """What is hidden, as one digest (for caches keyed by their inputs)."""
        text = "\n".join(sorted(self.codes | self.names | self._code_forms) + sorted(str(f) for f in self.figures))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def words_digest(self) -> str:
        """What the redactor replaces (names, codes and their forms), without the figures: a page that never prints a
        secret figure depends on this only, so a changed 涉密 amount does not make every page new (site/keep.py)."""
        text = "\n".join(sorted(self.codes | self.names | self._code_forms | self._words) + sorted(self.paths))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def hides(self, code: str | None = None, path: object = None) -> bool:
        return (code is not None and code.strip() in self.codes) or (path is not None and str(path) in self.paths)

    @property
    def pattern(self) -> re.Pattern[str] | None:
        if self._pattern is None and (self._words or self._code_forms):
            alternatives = [(len(w), re.escape(w)) for w in self._words]
            alternatives += [(len(w), _code_pattern(w)) for w in self._code_forms]
            self._pattern = re.compile("|".join(p for _, p in sorted(alternatives, key=lambda a: -a[0])))
        return self._pattern

    @property
    def figure_pattern(self) -> re.Pattern[str] | None:
        if self._figure_pattern is None and self.figures:
            words = sorted({f for v in self.figures for f in figure_forms(v)}, key=len, reverse=True)
            self._figure_pattern = re.compile(r"(?<![0-9.,])(?:" + "|".join(re.escape(w) for w in words) + r")(?![0-9]|[.,][0-9])")
        return self._figure_pattern

    def redact(self, text: str) -> str:
        """`text` with every name and code of a 涉密 project, in any of its forms, replaced by ＊＊＊."""
        pattern = self.pattern
        return pattern.sub(REPLACEMENT, text) if pattern is not None and text else text

    def found_in(self, text: str) -> str | None:
        """The first name or code in `text`: the same match as `pattern.search`, in time linear in the text.

        `pattern` is an alternation that Python's re tries branch by branch at every position (its code branches
        open with a look-behind, which also defeats re's first-character skip): minutes over a site of 1,000 pages.
        Here one trie of every form finds where some form starts, and only there are the forms checked."""
        if not text or not (self._words or self._code_forms):
            return None
        finder, starts = self._finder()
        pos = 0
        while (hit := finder.search(text, pos)) is not None:
            i = hit.start()
            for form, bounded in starts[text[i]]:  # longest first, as `pattern` tries them
                if text.startswith(form, i) and (not bounded or _code_bounded(text, i, i + len(form))):
                    return form
            pos = i + 1
        return None

    def _finder(self) -> tuple[re.Pattern[str], dict[str, list[tuple[str, bool]]]]:
        if self._trie is None:
            starts: dict[str, list[tuple[str, bool]]] = defaultdict(list)
            for form in self._words:
                starts[form[0]].append((form, False))
            for form in self._code_forms:
                starts[form[0]].append((form, True))
            for forms_ in starts.values():
                forms_.sort(key=lambda f: (-len(f[0]), f[1]))
            self._trie = (re.compile(_trie_pattern({f for f, _ in (x for v in starts.values() for x in v)})), dict(starts))
        return self._trie

    def typed_in(self, texts: Iterable[str]) -> set[Decimal]:
        """The figures of this list that `texts` print, each as the publication check would see it (as written and
        once entity-decoded): whether a figure is seen in a text does not depend on the other figures, so the union
        over several texts is what discarding them one text after another leaves out."""
        probe = Secrets()
        probe.figures = set(self.figures)
        if self._figure_forms is None:
            self._figure_forms = {f for v in self.figures for f in figure_forms(v)}
        probe._figure_forms = self._figure_forms  # shared until the probe drops one (then its own, recomputed)
        for text in texts:
            for variant in dict.fromkeys((text, html.unescape(text))):
                while (hit := probe.figure_in(variant)) is not None:
                    before = len(probe.figures)
                    try:
                        probe.discard_figures([Decimal(hit.replace(",", ""))])
                    except ArithmeticError:
                        break
                    if len(probe.figures) == before:
                        break
        return self.figures - probe.figures

    def figure_in(self, text: str) -> str | None:
        """The first distinctive figure in `text`: the same match as `figure_pattern.search`, by looking up each run of
        digits, commas and points (a figure never starts or ends inside one) instead of trying every form everywhere."""
        if not text or not self.figures:
            return None
        if self._figure_forms is None:
            self._figure_forms = {f for v in self.figures for f in figure_forms(v)}
        found = self._figure_forms
        # a quick pass over the distinct runs (without the look-behind: a superset), then the exact one where it hits
        if not any(_figure_at(number, found) for number in set(_NUMBER_ANY.findall(text))):
            return None
        for run in _NUMBER_RUN.finditer(text):
            hit = _figure_at(run.group(0), found)
            if hit is not None:
                return hit
        return None


def redact_fields(value: T, redact: Callable[[str], str]) -> T:
    """A copy of a record (frozen dataclasses, tuples, lists, dicts) with every text passed through `redact`:
    a public submission's narrative that names a 涉密 project reaches its attachments redacted."""
    if isinstance(value, str):
        return redact(value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # a field marked `redact: False` (the form a submission was filled in on) is docgen's text, not the user's
        fields = (f for f in dataclasses.fields(value) if f.init and f.metadata.get("redact", True))
        changes = {f.name: redact_fields(getattr(value, f.name), redact) for f in fields}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(redact_fields(v, redact) for v in value)  # type: ignore[return-value]
    if isinstance(value, list):
        return [redact_fields(v, redact) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: redact_fields(v, redact) for k, v in value.items()}  # type: ignore[return-value]
    return value


# --- the publication check ---------------------------------------------------------------------------


#: A run of percent-escapes: what `unquote` decodes (as UTF-8, errors replaced), everything else left as it is.
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _unquote(text: str) -> str:
    """`urllib.parse.unquote(text)`, decoding only the runs of escapes: unquote sends every stretch of ASCII through
    a bytes round trip, which made it most of the publication scan of a site whose links are percent-encoded
    Chinese paths. The same result (tests/test_redact_scan.py compares them)."""
    if "%" not in text:
        return text
    return _ESCAPES.sub(lambda run: bytes.fromhex(run[0].replace("%", "")).decode("utf-8", "replace"), text)


def _decoded(text: str) -> Iterator[str]:
    """The text, and the text with entities and percent-escapes decoded (twice: «&amp;#91;»)."""
    yield text
    once = html.unescape(_unquote(text))
    yield once
    yield html.unescape(_unquote(once))


#: Members of an Office file or zip whose markup is the file format's own (worksheets, document, styles, drawings,
#: relationships): their attribute values are layout (row heights `ht="22.5"`, column widths, offsets), not figures.
_FORMAT_MARKUP = (".xml", ".rels", ".vml")


def _texts(path: Path, data: bytes | None = None) -> Iterator[tuple[str, bool]]:
    """What a reader of `path` (whose bytes are `data`, when already read) can see: its text, or for an Office file
    or zip every member (names included), each with whether figures are looked for in it (`_member_texts`)."""
    data = path.read_bytes() if data is None else data
    if path.suffix.lower() in _OFFICE or data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    yield info.filename, True
                    with archive.open(info) as member:
                        yield from _member_texts(member.read(_TEXT_LIMIT), info.filename)
            return
        except zipfile.BadZipFile:
            pass
    yield from _member_texts(data[:_TEXT_LIMIT], path.name)


def _member_texts(data: bytes, name: str) -> Iterator[tuple[str, bool]]:
    """A member's texts, each with whether figures are looked for in it.

    Names and codes are looked for everywhere, tags and attributes included: an Office file carries text in
    attributes that a reader sees (a hyperlink's target in a .rels, a sheet's name, a document property), and a
    name or code has no layout look-alike. Figures are looked for in an Office/zip XML member's text content only
    (tags and attribute values removed): there attributes are layout (`ht="22.5"`, `width="14.7"`), and one equal
    to a secret amount would fail every build. Other files (HTML, SVG, Markdown, JSON) are searched whole, as
    docgen writes figures into their attributes (`data-sort`, `title`, `aria-label`)."""
    if data[:4] == b"PK\x03\x04":  # a zip inside a zip (a bundle holding attachments)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    yield info.filename, True
                    yield from _member_texts(archive.read(info), info.filename)
            return
        except zipfile.BadZipFile:
            pass
    text = data.decode("utf-8", "replace")
    markup = "<" in text
    yield text, not (markup and name.lower().endswith(_FORMAT_MARKUP))
    if markup:
        yield _TAG.sub("", text), True  # text split over runs or cells joined
        yield _TAG.sub(" ", text), True


def scan_file(path: Path, secrets: Secrets, data: bytes | None = None, figures: bool = True) -> str | None:
    """'name' (a name or code) or 'figure' when `path` (its bytes `data`, if read) holds a secret; None when it holds
    none. `figures` False: names and codes only (a word list's numbers are its words' frequencies)."""
    for text, with_figures in _texts(path, data):
        for variant in _decoded(text):
            if secrets.found_in(variant):
                return "name"
            if figures and with_figures and secrets.figure_in(variant):
                return "figure"
    return None


def _index_parts(path: Path) -> Iterator[bytes]:
    """The site's search index as the parts scanned apart: each entry of its "docs", then its frame (the rest of the
    object), each encoded as the file encodes it, read one entry at a time (search_index.py: ~100 MB at 10,000
    projects), so that an edit rescans the entries that changed (verdicts) and an index larger than _TEXT_LIMIT is
    scanned whole. A secret cannot span two entries: between them are only `},{`. Raises search_index.Unreadable."""
    for kind, value in search_index.read(path):
        separators = (",", ":") if kind == "doc" else None
        yield json.dumps(value, ensure_ascii=False, separators=separators).encode("utf-8", "surrogatepass")


#: parts of the search index handed to the scanning workers at once: enough for both cores, few enough to hold
_INDEX_BATCH = 20_000


#: The fewest files worth scanning on every core (forking the workers costs a few tens of milliseconds).
PARALLEL_FROM = 200


def _scan_part(path: Path, part: bytes | None, secrets: Secrets, figures: bool = True) -> str | None:
    """What one part of a file holds (None: nothing); `part` None: the whole file, read here."""
    return scan_file(path, secrets, path.read_bytes() if part is None else part, figures)


def _shipped(path: Path, folder: Path, theme: Path | None) -> bool:
    """Whether `path` is, byte for byte, the file at the same place under `theme` (the installed theme's own files,
    which MkDocs copies into the site as they are): nothing of the submissions can be in it, and a secret whole-number
    figure matches a bare number in the theme's JavaScript (lunr's tinyseg.js holds ~10 % of the integers up to
    10,000), which stopped a clean site."""
    if theme is None:
        return False
    own = theme / path.relative_to(folder)
    try:
        return own.is_file() and own.stat().st_size == path.stat().st_size and own.read_bytes() == path.read_bytes()
    except OSError:
        return False


def _salt(path: Path, words: frozenset[Path]) -> bytes:
    """What a verdict on `path`'s bytes also rests on: its suffix (whether figures are looked for in markup attributes
    depends on it, _member_texts) and whether it is a word list (no figures looked for)."""
    return (b"words\0" if path in words else b"") + path.suffix.lower().encode("utf-8", "surrogatepass") + b"\0"


def scan(
    folder: Path,
    secrets: Secrets,
    skip: Iterable[Path] = (),
    known: Verdicts | None = None,
    workers: int | None = 1,
    theme: Path | None = None,
    words: frozenset[Path] = frozenset(),
) -> tuple[Path, str] | None:
    """The first file under `folder` (not under `skip`) that holds a secret, with what it holds; None when clean.

    `known`: the contents found clean before against these very secrets (verdicts.Verdicts, basis
    `secrets.digest()`): such a file is not scanned again, only its name is; the clean ones of this run are added.
    `workers`: processes scanning at once (None: one per core, when PARALLEL_FROM files or parts are to be scanned);
    the files are read and their verdicts looked up here, and only what is not known is handed out. `theme`: the
    installed theme's files, the site's own copies of which are not read (`_shipped`); their names are checked.
    `words`: word lists docgen cuts from an installed package (the site's jieba.txt, by the path `folder` gives it):
    searched for names and codes, not figures: their numbers are word frequencies (~350,000 of them)."""
    if not folder.is_dir() or not (secrets or secrets.figures):
        return None
    skipped = [p.resolve() for p in skip]
    todo: list[tuple[Path, bytes | None, str]] = []  # (file, its part (None: the whole file), content digest)
    indexes: set[str] = set()  # digests of the search indexes' JSON scanned clean, entry by entry, in this scan

    def flush() -> tuple[Path, str] | None:
        found = fork_map(lambda item: _scan_part(item[0], item[1], secrets, item[0] not in words), todo, workers, least=PARALLEL_FROM)
        for (path, _, content), kind in zip(todo, found, strict=True):
            if kind is not None:
                return path, kind
            if known is not None:
                known.passed(content)
        todo.clear()
        return None

    def part(path: Path, data: bytes | None) -> None:
        """Queue one part (None: the whole file, read by the worker) unless found clean before."""
        whole = path.read_bytes() if data is None and known is not None else data
        content = Verdicts.of(_salt(path, words) + (whole or b"")) if known is not None else ""
        if known is None or not known.seen(content):
            todo.append((path, data, content))

    def index(path: Path) -> tuple[Path, str] | None:
        """The search index entry by entry, a batch at a time; read whole where it cannot be read so. The offline copy
        (search_index.js) is the index itself after a prefix: scanned once when they are equal."""
        try:
            body = search_index.body_digest(path)
            if body in indexes:
                return None
            for data in _index_parts(path):
                part(path, data)
                if len(todo) >= _INDEX_BATCH and (hit := flush()) is not None:
                    return hit
            hit = flush()
        except search_index.Unreadable:
            todo.clear()
            part(path, None)
            return flush()
        if hit is None:
            indexes.add(body)
        return hit

    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if skipped and any(path.resolve().is_relative_to(s) for s in skipped):
            continue
        if any(secrets.found_in(variant) for variant in _decoded(path.relative_to(folder).as_posix())):
            return flush() or (path, "name")
        if _shipped(path, folder, theme):
            continue
        if search_index.is_index(path):
            hit = flush() or index(path)
            if hit is not None:
                return hit
            continue
        if known is not None and known.files is not None:
            # one part, the whole file: its digest by its stat signature, read only when it changed (verdicts.FileDigests)
            whole = known.of_file(path, _salt(path, words))
            if whole is not None:
                if not known.seen(whole):
                    todo.append((path, None, whole))
                continue
        part(path, None)
    return flush()

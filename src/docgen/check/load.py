"""Read one YAML file into plain data plus a map of where every value stands.

Measured (benchmarks/validate.py): PyYAML's C composer is ~20x faster than ruamel's round-trip
loader and its nodes carry line/column marks, so reading uses it; ruamel's round-trip mode is kept
for the one command that rewrites files (`fmt`). Walking the nodes ourselves lets us keep money as
`Decimal` (never float), keep dates as the text typed, and report duplicate keys, which the
ordinary constructors silently drop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import yaml

from ..files import read_regular
from ..form import limits
from ..messages import label
from .findings import Finding, error

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader with its tag resolution trimmed to what the safe schema uses: the composer calls these three
    methods for every node (~190,000 calls for 1,000 submissions, ~0.2 s of the benchmark's CPU), and the safe
    schema has no path resolvers, so the generic bookkeeping around them does nothing but cost."""

    _by_first: ClassVar[dict[str, tuple[tuple[str, re.Pattern[str]], ...]]] = {
        first: tuple(rules) for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items() if first is not None
    }
    _tags: ClassVar[dict[type, str]] = {
        yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
        yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
        yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    }

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            for tag, regexp in self._by_first.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return self._tags[kind]


class _Reader(_Loader):
    """`_Loader` for `load_text`, whose walk resolves the tags itself: the C composer asks `resolve` for the tag of
    every node (~200 a submission), and a Python method there cost ~20 % of composing. Here the question is only
    packed, in C (a slice holds its three arguments: kind, value, implicit), and `_tag` answers it for the scalars
    the walk reads; a mapping's or sequence's tag is never read."""

    resolve = slice  # type: ignore[assignment]


_BY_FIRST = _Loader._by_first


def _tag(node: yaml.Node) -> str:
    """The tag `_Loader.resolve` gives a node `_Reader` composed (an explicit tag as written)."""
    tag: Any = node.tag
    if not isinstance(tag, slice):
        return str(tag)
    return _implicit(node.value) if tag.step[0] else _STR  # step[0]: a plain scalar without a tag


def _implicit(text: str) -> str:
    """The tag the safe schema's implicit resolvers give a plain scalar, by its first character (`_STR`: a text); one
    decision for the composer's walk (`_tag`) and the quick reader (`_plain`)."""
    for resolved, regexp in _BY_FIRST.get(text[:1], ()):
        if regexp.match(text):
            return resolved
    return _STR


JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

_SCALAR = yaml.ScalarNode
_STR = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_MERGE = "tag:yaml.org,2002:merge"
_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.?[0-9]+([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*\.$")


@dataclass
class Document:
    """A loaded file: its data, and 1-based (line, column) of each value and each mapping key."""

    path: Path  # relative to the project root (workspace.py) when checked through api; as given otherwise
    data: Any
    positions: dict[JsonPath, Position] = field(default_factory=dict)
    key_positions: dict[JsonPath, Position] = field(default_factory=dict)
    root: Path | None = field(default=None, compare=False, repr=False)  # the project root `path` is relative to

    def pack(self) -> dict[str, Any]:
        """Plain data for the per-file cache (cache.dumps): the path, the data, and the
        position tables as flat runs of ints in the order a walk of the data visits them (their paths are not
        stored: `unpack` walks the data again, and only when a position is first asked for)."""
        values, keys = _walk(self.data)
        pos, key_pos = self.positions, self.key_positions
        try:
            return {"path": str(self.path), "data": self.data, "pos": _flat(pos, values), "keys": _flat(key_pos, keys)}
        except KeyError:  # the data no longer matches its tables (changed after loading): no tables, reload on use
            return {"path": str(self.path), "data": self.data, "pos": [], "keys": []}

    @classmethod
    def unpack(cls, packed: Any) -> Document:
        """The Document `pack` gave; ValueError/TypeError/KeyError when `packed` is not such (a cache miss)."""
        path, data, pos, keys = packed["path"], packed["data"], packed["pos"], packed["keys"]
        if not (isinstance(path, str) and isinstance(pos, list) and isinstance(keys, list)):
            raise TypeError(packed)
        doc = object.__new__(cls)  # its fields set at once: the position tables are filled on first use (__getattr__)
        doc.__dict__.update(path=Path(path), data=data, root=None, _packed=(pos, keys))
        return doc

    def __getattr__(self, name: str) -> Any:
        """Only called for attributes not set: the position tables of an unpacked document, rebuilt now."""
        packed = self.__dict__.get("_packed")
        if name not in ("positions", "key_positions") or packed is None:
            raise AttributeError(name)
        del self.__dict__["_packed"]
        values, keys = _walk(self.data)
        pos, key_pos = packed
        if len(pos) == 2 * len(values) and len(key_pos) == 2 * len(keys) and all(type(n) is int for n in (*pos, *key_pos)):
            self.positions = dict(zip(values, zip(pos[::2], pos[1::2], strict=True), strict=True))
            self.key_positions = dict(zip(keys, zip(key_pos[::2], key_pos[1::2], strict=True), strict=True))
        else:  # tables that do not fit the data: read the file again for them (never seen in practice)
            fresh, _ = load_file(self.path, self.root)
            self.positions = fresh.positions if fresh is not None else {}
            self.key_positions = fresh.key_positions if fresh is not None else {}
        return self.__dict__[name]

    def position(self, path: JsonPath, *, key: bool = False) -> Position:
        """Where `path` stands; falls back to the nearest ancestor that has a position."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))


def _walk(data: Any) -> tuple[list[JsonPath], list[JsonPath]]:
    """Every value's path and every mapping key's path, in the order _Walker records them."""
    values: list[JsonPath] = []
    keys: list[JsonPath] = []

    def visit(value: Any, path: JsonPath) -> None:
        values.append(path)
        if isinstance(value, dict):
            for key, child in value.items():
                keys.append(at := (*path, key))
                visit(child, at)
        elif isinstance(value, list):
            for index, child in enumerate(value):
                visit(child, (*path, index))

    visit(data, ())
    return values, keys


def _flat(table: dict[JsonPath, Position], order: list[JsonPath]) -> list[int]:
    if len(table) != len(order):
        raise KeyError(len(order))
    return [n for path in order for n in table[path]]


class _Refused(Exception):
    """A bound the file breaks that leaves no usable shape (depth, list length, keys): stop reading it."""


def _mark(node: yaml.Node | yaml.Event) -> Position:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Walker:
    """Turns composed nodes into plain data, within `limits`: each node is visited once, so a bound is met
    before anything grows (aliases never get here: `_anchors` refuses them before composing)."""

    def __init__(self, doc: Document, clean: bool = False) -> None:
        self.doc = doc
        self.findings: list[Finding] = []
        self.clean = clean  # the whole text has no unprintable character: no key or value needs looking at for one

    def refuse(self, node: yaml.Node, code: str, **args: Any) -> NoReturn:
        self.findings.append(error(self.doc.path, *_mark(node), code, **args))
        raise _Refused

    def value(self, node: yaml.Node, path: JsonPath) -> Any:
        self.doc.positions[path] = _mark(node)
        if len(path) > limits.MAX_DEPTH:
            self.refuse(node, "E110", limit=limits.MAX_DEPTH)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if len(node.value) > limits.MAX_ITEMS:
                self.refuse(node, "E111", count=len(node.value), limit=limits.MAX_ITEMS)
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: JsonPath) -> dict[str, Any]:
        if len(node.value) > limits.MAX_KEYS:
            self.refuse(node, "E112", count=len(node.value), limit=limits.MAX_KEYS)
        result: dict[str, Any] = {}
        positions, key_positions = self.doc.positions, self.doc.key_positions
        deep, clean, scalar = len(path) >= limits.MAX_DEPTH, self.clean, self.scalar
        for key_node, value_node in node.value:  # the loop every key of every file runs: marks read inline
            mark = key_node.start_mark
            line, col = mark.line + 1, mark.column + 1
            if key_node.__class__ is _SCALAR and key_node.value == "<<" and _tag(key_node) == _MERGE:
                self.findings.append(error(self.doc.path, line, col, "E106"))
                continue
            if key_node.__class__ is not _SCALAR:  # `? [a, b]: …`: a clerk never means it
                self.refuse(key_node, "E102", detail=_YAML_PROBLEMS["complex key"])
            key = str(key_node.value)
            if len(key) > limits.MAX_KEY_CHARS:
                self.refuse(key_node, "E114", count=len(key), limit=limits.MAX_KEY_CHARS)
            if not clean:
                self.unprintable(key_node, key, key)
            child = (*path, key)
            if key in result:
                first = key_positions[child][0]
                self.findings.append(error(self.doc.path, line, col, "E103", key=key, first=first))
                continue
            key_positions[child] = (line, col)
            if deep or value_node.__class__ is not _SCALAR:
                result[key] = self.value(value_node, child)
            else:  # `value` for a scalar within the depth, without the call (most of a file's values)
                mark = value_node.start_mark
                positions[child] = (mark.line + 1, mark.column + 1)
                result[key] = scalar(value_node, child)
        return result

    def unprintable(self, node: yaml.Node, text: str, name: str) -> None:
        """Characters no .docx/.xlsx/web page can hold (a NUL, U+FFFE …): refused here, so every output opens."""
        if self.clean or limits.printable(text):
            return
        bad = limits.XML_INVALID.search(text)
        if bad:
            found = f"U+{ord(bad.group()):04X}"
            self.findings.append(error(self.doc.path, *_mark(node), "E214", field=name, char=found))
        invisible = limits.FORMAT_CHARS.search(text)
        if invisible is not None:  # a zero-width space or a bidi control: two texts that look the same, or a code disguised
            found = f"U+{ord(invisible.group()):04X}"
            self.findings.append(error(self.doc.path, *_mark(node), "E217", field=name, char=found))

    def scalar(self, node: yaml.Node, path: JsonPath) -> Any:
        text, tag = node.value, node.tag
        if isinstance(tag, slice):  # `_tag`, without the call for a text no implicit resolver starts with (most)
            tag = _tag(node) if tag.step[0] and text[:1] in _BY_FIRST else _STR
        if tag == _STR and len(text) <= limits.MAX_TEXT_CHARS and self.clean:
            return text  # most values: text within its bound in a file with no unprintable character
        value = _typed(text, tag)
        if value is _TOO_LONG:
            self.findings.append(error(self.doc.path, *_mark(node), "E113", value=_clip(text), limit=limits.MAX_DIGITS))
            return text
        if value is not text:
            return value
        # str, timestamp (dates stay as typed), sexagesimal and other oddities stay text
        if len(text) > limits.MAX_TEXT_CHARS:
            self.findings.append(error(self.doc.path, *_mark(node), "E114", count=len(text), limit=limits.MAX_TEXT_CHARS))
        if not self.clean:  # the field's name only when a character may have to be named in it
            self.unprintable(node, text, next((p for p in reversed(path) if isinstance(p, str)), "文件"))
        return text


#: What `_typed` gives for a number with more digits than MAX_DIGITS: the walker reports it (E113), the quick reader
#: leaves the file to the composer.
_TOO_LONG = object()


def _typed(text: str, tag: str) -> Any:
    """A plain scalar's value by its resolved tag, one decision for both readers: None, a bool, an int, a `Decimal`
    (money is never a float), or `text` itself (the very object) for a text, a date (kept as typed) or anything else;
    `_TOO_LONG` for a number too long to read."""
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return text.lower() in ("true", "yes", "on", "y")
    if tag == "tag:yaml.org,2002:int" and _INT.match(text):
        return _TOO_LONG if _too_long(text) else int(text.replace("_", ""))
    if tag == "tag:yaml.org,2002:float" and _FLOAT.match(text):
        return _TOO_LONG if _too_long(text) else Decimal(text.replace("_", ""))
    return text


def _too_long(number: str) -> bool:
    """More digits than MAX_DIGITS, or a magnitude (exponent included) beyond 10**MAX_DIGITS either way.

    Checked on the text, before int() (which refuses 4,300 digits and more) or Decimal (whose huge values
    later overflow the tables) ever see it.
    """
    if len(number) <= limits.MAX_DIGITS and "e" not in number and "E" not in number:
        return False  # no more digits than characters, and no exponent: every number a clerk types
    mantissa, _, exponent = number.lower().partition("e")
    digits = sum(c.isdigit() for c in mantissa)
    if digits > limits.MAX_DIGITS or len(exponent) > 5:
        return True
    if not exponent:
        return False
    value = Decimal(number.replace("_", ""))
    return value != 0 and abs(value.adjusted()) > limits.MAX_DIGITS


def _clip(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "…"


def _anchors(path: Path, text: str) -> list[Finding]:
    """Anchors (&) and aliases (*), found in the parser's events before any node is composed: a 600-byte
    alias bomb expands to gigabytes, and clerks never need either. Only parsed when the text has & or *."""
    if "&" not in text and "*" not in text:
        return []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                return [error(path, *_mark(event), "E109")]
    except yaml.YAMLError:
        return []  # composing reports the syntax error, with its place
    return []


def decode(path: Path, raw: bytes) -> tuple[str | None, list[Finding]]:
    """UTF-8 (with or without BOM) only: report the first bad byte's line and column."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [error(path, line, col, "E101", byte=f"0x{raw[exc.start]:02X}")]


def load_text(path: Path, text: str) -> tuple[Document | None, list[Finding]]:
    """Read `text` into a Document; every problem becomes a Finding, never an exception. A plain file is read by
    its lines (`_quick`), anything else composed by PyYAML (`_composed`): the same Document either way.

    Within `limits`: a file too large, with an anchor or alias, nested too deep, with too many items or keys is
    refused with one located finding (E108-E112); a number or text too long is reported (E113, E114) and kept as text.
    """
    limit = limits.max_bytes(path.name)
    if len(text) > limit // 4 and len(text.encode("utf-8", "surrogatepass")) > limit:
        return None, [error(path, 1, 1, "E108", size=_size(len(text.encode("utf-8", "surrogatepass"))), limit=_size(limit))]
    quick = _quick(path, text)
    if quick is not None:
        return quick, []
    return _composed(path, text)


def _composed(path: Path, text: str) -> tuple[Document | None, list[Finding]]:
    """`load_text` by PyYAML's C composer and `_Walker`: every file the quick reader leaves, with every message."""
    refused = _anchors(path, text)
    if refused:
        return None, refused
    doc = Document(path=path, data=None)
    loader = _Reader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        lines = text.splitlines()
        slip = _colon_slip(lines, exc) if mark is not None else None
        if slip is not None:  # 「项目名称：xx」 or 「项目名称:xx」: PyYAML blames the next line for a missing colon
            return None, [error(path, slip[0], slip[1], "E102", detail=slip[2])]
        detail = _translate_yaml_problem(" ".join(filter(None, [exc.context, exc.problem])))
        start = exc.context_mark
        scanning = "quoted scalar" in (exc.context or "")
        if scanning and start is not None and mark is not None and start.line != mark.line:
            detail += f"（问题从第 {start.line + 1} 行开始）"
        return None, [error(path, line, col, "E102", detail=detail)]
    except yaml.reader.ReaderError as exc:  # a control character: point at it
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        return None, [error(path, line, col, "E102", detail=_YAML_PROBLEMS["control characters are not allowed"])]
    except yaml.YAMLError:
        return None, [error(path, 1, 1, "E102", detail=_translate_yaml_problem(""))]
    finally:
        loader.dispose()
    if node is None:
        return None, [error(path, 1, 1, "E104")]
    # a character can only come from the text itself or from an escape (「"\\u200b"」): with neither, no value has one
    walker = _Walker(doc, clean="\\" not in text and limits.printable(text))
    try:
        doc.data = walker.value(node, ())
    except _Refused:
        return None, walker.findings
    if not isinstance(doc.data, dict):
        walker.findings.append(error(path, *doc.positions[()], "E105"))
        return None, walker.findings
    return doc, walker.findings


#: What the quick reader leaves to the composer: a tab, a line break other than LF, an anchor or alias, an escape,
#: the C1 controls libyaml refuses, a byte-order mark inside the text, and any character `limits.printable` would
#: have to look at (a text with an emoji is read by the composer).
_AWKWARD = re.compile(
    "[\t\r&*\\\\\x7f-\x9f\u2028\u2029\ufeff"
    # and, in the same search, limits.printable's superset of what E214/E217 name (any character beyond the BMP too)
    + limits.XML_INVALID.pattern[1:-1]
    + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in limits.FORMAT_RANGES if b <= 0xFFFF)
    + "\\U00010000-\\U0010ffff]"
)
#: A document marker (`---` or `...` alone or before a space, at a line's start) anywhere in the text: libyaml ends or
#: starts a document there, so `... b: 2` is not a key (found by the hostile review of the quick reader).
_MARKER = re.compile(r"^(?:---|\.\.\.)(?: |$)", re.M)
#: A block mapping's entry as the quick reader takes it: a plain key that needs no quoting, then `:` and a space
#: or the line's end (the key's first character is none of YAML's indicators; `-` only before a digit).
_ENTRY = re.compile(r"([^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*|-[0-9][^:#,\[\]{}]*):(?: +(.*))?$")
#: One `key: value` of a one-line flow mapping, `{` or `,` and spaces already read: a plain key, then a quoted
#: value or a plain one that holds no flow indicator, and the `,` or `}` after it.
_FLOW_ENTRY = re.compile(
    r"([^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}'\"]*): +"
    r"(\"[^\"]*\"|'[^']*'|[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}'\"]*|-[0-9][^:#,\[\]{}'\"]*) *([,}])"
)
#: One item of a one-line flow sequence, `[` or `,` and spaces already read.
_FLOW_ITEM = re.compile(r"(\"[^\"]*\"|'[^']*'|[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}'\"]*|-[0-9][^:#,\[\]{}'\"]*) *([,\]])")
#: What may follow a value on its line: spaces, and a comment after at least one of them.
_TAIL = re.compile(r"(?: +(?:#.*)?)?$")
#: A literal block's header after the key: `|` or `|-`, then spaces and a comment.
_LITERAL = re.compile(r"\|(-?)(?: +(?:#.*)?)?$")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


class _Unusual(Exception):
    """The quick reader met something outside the plain subset it reads: the composer reads the file instead."""


def _quick(path: Path, text: str) -> Document | None:
    """The Document the composer and `_Walker` would make of `text`, or None when `text` is not in the plain subset
    every clerk's file is in (docgen fmt's block style, one-line flow rows, plain and quoted one-line scalars,
    literal blocks, comments) or when reading it would report anything: then `load_text` composes it, and every
    message, position and refusal is the composer's. Issue 18: libyaml made a Python node and two marks for every
    value, ~0.5 ms of a project file's ~1.7 ms in a worker; reading the lines costs a fraction of that.
    tests/check/test_quick.py compares the two on every file of the test corpora and on mutated files."""
    if _AWKWARD.search(text) is not None or _MARKER.search(text) is not None:
        return None
    reader = _Lines(path, text)
    try:
        return reader.document()
    except (_Unusual, IndexError):
        return None


class _Lines:
    """The quick reader (`_quick`): block structure by indentation, one line at a time."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.at = 0  # the line being read
        self.positions: dict[JsonPath, Position] = {}
        self.key_positions: dict[JsonPath, Position] = {}

    def document(self) -> Document:
        indent = self.next()
        if indent != 0 or self.lines[self.at].startswith(("---", "...")):
            raise _Unusual
        data = self.mapping(0, ())
        if self.next() >= 0:
            raise _Unusual
        doc = Document(path=self.path, data=data)
        doc.positions, doc.key_positions = self.positions, self.key_positions
        return doc

    def next(self) -> int:
        """Moves to the next line with content (not blank, not only a comment); its indentation, or -1 at the end."""
        lines, at = self.lines, self.at
        while at < len(lines):
            line = lines[at]
            body = line.lstrip(" ")
            if body and body[0] != "#":
                self.at = at
                return len(line) - len(body)
            at += 1
        self.at = at
        return -1

    def mapping(self, indent: int, path: JsonPath) -> dict[str, Any]:
        """A block mapping whose keys stand at column `indent` (0-based), its first key on the current line."""
        if len(path) >= limits.MAX_DEPTH:
            raise _Unusual  # its values would be too deep (E110)
        result: dict[str, Any] = {}
        lines, positions, key_positions = self.lines, self.positions, self.key_positions
        count = len(lines)
        at = self.at
        positions[path] = (at + 1, indent + 1)
        column = indent + 1
        while True:
            line = lines[at]
            entry = _ENTRY.match(line, indent)
            if entry is None:
                raise _Unusual
            key, rest = entry.groups()
            if key in result or key == "<<" or len(key) > limits.MAX_KEY_CHARS or key[-1] == " " or len(result) >= limits.MAX_KEYS:
                raise _Unusual  # E103, E106, E114, a key the composer reads otherwise, E112 (left as soon as met)
            child = (*path, key)
            number = at + 1
            key_positions[child] = (number, column)
            first = rest[0] if rest else "#"
            if first not in _INDICATORS:  # a plain value (most): `inline` without the call
                positions[child] = (number, len(line) - len(rest) + 1)
                cut = rest.find(" #")
                text = (rest if cut < 0 else rest[:cut]).rstrip(" ")
                if ": " in text or text[-1] == ":" or len(text) > limits.MAX_TEXT_CHARS:
                    raise _Unusual
                result[key] = text if text[0] not in _BY_FIRST else _plain(text)
                at += 1
            else:
                if first == "#":
                    self.at = at + 1
                    below = self.next()
                    if below <= indent:
                        raise _Unusual  # an empty value, or a sequence not indented under its key
                    if lines[self.at][below] == "-":
                        result[key] = self.sequence(below, child)
                    else:
                        result[key] = self.mapping(below, child)
                else:
                    result[key] = self.inline(rest, at, entry.start(2), indent, child)
                at = self.at
            while at < count:  # `next`, without the call
                line = lines[at]
                body = line.lstrip(" ")
                if body and body[0] != "#":
                    break
                at += 1
            else:
                self.at = at
                return result
            self.at = at
            below = len(line) - len(body)
            if below < indent:
                return result
            if below > indent:
                raise _Unusual

    def sequence(self, indent: int, path: JsonPath) -> list[Any]:
        """A block sequence whose dashes stand at column `indent`, its first on the current line."""
        if len(path) >= limits.MAX_DEPTH:
            raise _Unusual  # its items would be too deep (E110)
        items: list[Any] = []
        lines = self.lines
        self.positions[path] = (self.at + 1, indent + 1)
        while True:
            at = self.at
            line = lines[at]
            if line[indent + 1] != " ":
                raise _Unusual
            column = indent + 2
            while line[column] == " ":
                column += 1
            child = (*path, len(items))
            if len(items) >= limits.MAX_ITEMS or line[column] in "-#":
                raise _Unusual
            if _ENTRY.match(line, column) is not None:
                items.append(self.mapping(column, child))
            else:
                items.append(self.inline(line[column:], at, column, indent, child))
            below = self.next()
            if below < indent:
                return items
            if below > indent or lines[self.at][indent] != "-":
                raise _Unusual

    def inline(self, rest: str, at: int, column: int, indent: int, path: JsonPath) -> Any:
        """The value that starts on line `at` at `column` (`rest`: the line from there), in a collection at `indent`
        (whose own depth was checked: this one is within MAX_DEPTH)."""
        self.positions[path] = (at + 1, column + 1)
        self.at = at + 1
        first = rest[0]
        if first == "|":
            return self.literal(rest, indent)
        if first == "{":
            return self.flow_mapping(at, column, path)
        if first == "[":
            return self.flow_sequence(at, column, path)
        if first == '"' or first == "'":
            end = rest.find(first, 1)
            if end < 0 or _TAIL.match(rest, end + 1) is None or (first == "'" and rest[end + 1 : end + 2] == "'"):
                raise _Unusual
            return _text(rest[1:end])
        if first in _INDICATORS and not (first == "-" and rest[1:2].isdigit()):
            raise _Unusual
        cut = rest.find(" #")
        text = (rest if cut < 0 else rest[:cut]).rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise _Unusual
        return _plain(text)

    def literal(self, header: str, indent: int) -> str:
        """A literal block (`|`, or `|-` without its last line break) whose lines follow the current one."""
        form = _LITERAL.match(header)
        if form is None:
            raise _Unusual
        lines, at = self.lines, self.at
        parts: list[str] = []
        step = -1
        last = -1  # the last line with content
        while at < len(lines):
            line = lines[at]
            if line == "":
                parts.append("")
                at += 1
                continue
            body = line.lstrip(" ")
            depth = len(line) - len(body)
            if not body:
                raise _Unusual  # a line of spaces only: their meaning depends on the block's indentation
            if step < 0:
                if depth <= indent:
                    raise _Unusual  # an empty block
                step = depth
            elif depth < step:
                break
            parts.append(line[step:])
            last = at
            at += 1
        if last < 0:
            raise _Unusual
        if at - 1 > last:  # the empty lines after its last line: clipped (`|`) or stripped (`|-`)
            del parts[len(parts) - (at - 1 - last) :]
        self.at = at
        text = "\n".join(parts)
        if not form.group(1) and last + 1 < len(lines):
            text += "\n"
        return _text(text)

    def flow_mapping(self, at: int, column: int, path: JsonPath) -> dict[str, Any]:
        """A flow mapping that opens and closes on this line: `{key: value, …}`."""
        result: dict[str, Any] = {}
        key_positions, positions = self.key_positions, self.positions

        def entry(line: str, pos: int) -> re.Match[str]:
            found = _FLOW_ENTRY.match(line, pos)
            if found is None:
                raise _Unusual
            key, value = found.group(1), found.group(2)
            if key in result or key == "<<" or key[-1] == " " or len(key) > limits.MAX_KEY_CHARS or len(result) >= limits.MAX_KEYS:
                raise _Unusual  # a key too long is the composer's to refuse (E114; past 1,024 characters, E102)
            child = (*path, key)
            if len(child) > limits.MAX_DEPTH:
                raise _Unusual
            key_positions[child] = (at + 1, pos + 1)
            positions[child] = (at + 1, found.start(2) + 1)
            result[key] = _text(value[1:-1]) if value[0] in "\"'" else _plain(value.rstrip(" "))
            return found

        _flow(self.lines[at], column, "}", entry)
        return result

    def flow_sequence(self, at: int, column: int, path: JsonPath) -> list[Any]:
        """A flow sequence that opens and closes on this line: `[item, …]`."""
        items: list[Any] = []
        positions = self.positions

        def item(line: str, pos: int) -> re.Match[str]:
            found = _FLOW_ITEM.match(line, pos)
            if found is None or len(items) >= limits.MAX_ITEMS:
                raise _Unusual
            child = (*path, len(items))
            if len(child) > limits.MAX_DEPTH:
                raise _Unusual
            positions[child] = (at + 1, pos + 1)
            value = found.group(1)
            items.append(_text(value[1:-1]) if value[0] in "\"'" else _plain(value.rstrip(" ")))
            return found

        _flow(self.lines[at], column, "]", item)
        return items


def _flow(line: str, column: int, closer: str, each: Callable[[str, int], re.Match[str]]) -> None:
    """The one-line flow collection opened at `column` of `line`: `each` reads one member where it starts and returns
    its match, whose last group is the `,` or `closer` after it; only spaces and a comment may follow the closer."""
    pos = column + 1
    while line[pos] == " ":
        pos += 1
    if line[pos] == closer:
        end = pos + 1
    else:
        while True:
            found = each(line, pos)
            end = found.end()
            if found.group(found.re.groups) == closer:  # its last group: the `,` or the closer
                break
            pos = end
            while line[pos] == " ":
                pos += 1
    if _TAIL.match(line, end) is None:
        raise _Unusual


def _text(text: str) -> str:
    """A quoted or literal value: text, within its bound (beyond it the composer's path reports E114)."""
    if len(text) > limits.MAX_TEXT_CHARS:
        raise _Unusual
    return text


def _plain(text: str) -> Any:
    """A plain scalar's value as `_Walker.scalar` gives it in a clean file, or _Unusual where it would report."""
    if len(text) > limits.MAX_TEXT_CHARS:
        raise _Unusual
    value = _typed(text, _implicit(text))
    if value is _TOO_LONG:
        raise _Unusual  # the composer's path reports it (E113)
    return value


#: What a file's path may not hold (E116): a byte that is not UTF-8 (os.listdir gives it as a lone surrogate), which
#: summary.json, the 汇总表 and the site cannot write, and the control characters (a newline, ESC …), which would
#: start a forged line or a terminal's escape sequence wherever a finding names the file.
_UNNAMEABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def read_bounded(path: Path, root: Path | None = None) -> tuple[bytes | None, list[Finding]]:
    """The bytes of a committed file if its path can be named (else E116) and it is a regular file (else E115) within
    its bound (else E108, limits.max_bytes).

    `path` names the file in findings; with `root`, it is relative to that folder (the project root)."""
    if _UNNAMEABLE.search(str(path)):
        return None, [error(path, 1, 1, "E116")]
    limit = limits.max_bytes(path.name)
    file = root / path if root is not None else path
    try:
        raw = read_regular(file, limit)
        size = file.stat().st_size if raw is not None and len(raw) > limit else 0
    except OSError as exc:
        return None, [error(path, 1, 1, "E100", detail=exc.strerror or str(exc))]
    if raw is None:
        return None, [error(path, 1, 1, "E115")]
    if len(raw) > limit:
        return None, [error(path, 1, 1, "E108", size=_size(max(size, len(raw))), limit=_size(limit))]
    return raw, []


def load_file(path: Path, root: Path | None = None) -> tuple[Document | None, list[Finding]]:
    """Read, decode and parse one file; every failure becomes an E1xx finding, never an exception.

    A symlink, or anything else that is not a regular file, is refused (E115) without being read. With `root`,
    `path` is relative to it (the project root) and the document carries both.
    """
    raw, findings = read_bounded(path, root)
    if raw is None:
        return None, findings
    return load_bytes(path, raw, root)


def load_bytes(path: Path, raw: bytes, root: Path | None = None) -> tuple[Document | None, list[Finding]]:
    """Decode and parse the bytes already read from `path` (see `load_file`)."""
    text, findings = decode(path, raw)
    if text is None:
        return None, findings
    doc, findings = load_text(path, text)
    if doc is not None:
        doc.root = root
    return doc, findings


def _size(count: int) -> str:
    return f"{count / (1 << 20):.1f} MiB" if count >= 1 << 20 else f"{count / 1024:.0f} KiB"


_YAML_PROBLEMS = {
    "complex key": "键只能是文字（不能用「? 」、列表或「键: 值」作键）",
    "found character '\\t' that cannot start any token": "不能用 Tab 键缩进，请改用空格",
    "found a tab character": "不能用 Tab 键缩进，请改用空格",
    "while scanning a quoted scalar": "引号没有成对（缺少另一半引号）",
    "mapping values are not allowed": "此处不能出现冒号（值中含有“: ”时请用引号括起来，或检查缩进）",
    "could not find expected ':'": "缺少冒号“:”（每一项应写成「键: 值」）",
    "found duplicate anchor": "锚点重复",
    "expected <block end>, but found": "缩进不一致，请检查本行与上一行的缩进",
    "did not find expected key": "缩进不一致、缺少「键:」，或上方有没成对的引号，请检查本行及上面几行",
    "found unexpected end of stream": "文件意外结束（可能缺少引号或括号的另一半）",
    "invalid Unicode character escape code": "引号内的 \\u 转义不是有效的字符（如 \\uD800），请删除",
    "found unknown escape character": "引号内含有无法识别的转义字符（\\），请改用单引号",
    "expected a single document in the stream": "一个文件只能包含一个文档（删除多余的「---」）",
    "expected ',' or ']'": "方括号 [ ] 没有成对，或列表各项之间缺少逗号",
    "expected ',' or '}'": "花括号 { } 没有成对，或各项之间缺少逗号",
    "while parsing a flow": "方括号或花括号内的写法有误（检查是否成对、各项之间是否用逗号分隔）",
    "found undefined alias": "引用了不存在的锚点（* 开头的值请加引号）",
    "found character that cannot start any token": "此处有不能作为开头的字符（如 @、`、%），请把整个值用引号括起来",
    "block sequence entries are not allowed here": "此处不能出现列表项「- 」，请检查缩进",
    "found unexpected ':'": "多余的冒号，请把含冒号的值用引号括起来",
    "control characters are not allowed": "文件中有不可见的控制字符，请删除",
}


#: A key line whose colon is full-width (「项目名称：xx」) or has no space after it (「项目名称:xx」, 「项目名称:"xx"」).
_SLIPPED_KEY = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:：#'\"\-][^:：#'\"]*?)\s*(?P<colon>：|:(?=[^\s]))")


def _colon_slip(lines: list[str], exc: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """The line, column and diagnosis of a mistyped colon near a YAML error, or None.

    PyYAML reports 「could not find expected ':'」 on the line *after* a key whose colon it could not read, and
    「mapping values are not allowed」 on the line after a full-width colon in a list; the culprit is the line the
    key started on (the error's context) or the one above.
    """
    problem = exc.problem_mark
    if problem is None:
        return None
    first = exc.context_mark.line if exc.context_mark is not None else max(0, problem.line - 1)
    for number in range(first, min(problem.line + 1, len(lines))):
        match = _SLIPPED_KEY.match(lines[number])
        if match is None:
            continue
        column = match.start("colon") + 1
        name = "fullwidth_colon_key" if match["colon"] == "：" else "colon_without_space"
        return number + 1, column, label(name, key=match["key"])
    return None


def _translate_yaml_problem(detail: str) -> str:
    for english, chinese in _YAML_PROBLEMS.items():
        if english in detail:
            return chinese
    return "格式有误，请检查本行附近的缩进、冒号、引号和括号"

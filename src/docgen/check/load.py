"""Read one YAML file into plain data plus a map of where every value stands.

Measured (benchmarks/validate.py): PyYAML's C composer is ~20x faster than ruamel's round-trip
loader and its nodes carry line/column marks, so reading uses it; ruamel's round-trip mode is kept
for the one command that rewrites files (`fmt`). Walking the nodes ourselves lets us keep money as
`Decimal` (never float), keep dates as the text typed, and report duplicate keys, which the
ordinary constructors silently drop.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..messages import hint
from .findings import Finding, error

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9][0-9_]*)?\.?[0-9]+([eE][-+]?[0-9]+)?$|^[-+]?[0-9][0-9_]*\.$")


@dataclass
class Document:
    """A loaded file: its data, and 1-based (line, column) of each value and each mapping key."""

    path: Path
    data: Any
    positions: dict[JsonPath, Position] = field(default_factory=dict)
    key_positions: dict[JsonPath, Position] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the per-file cache, worker processes) with its position tables as one opaque blob.

        A rebuild asks where something stands in a handful of files only; unpickling the tables of all 1,000
        was two thirds of reading the cache (benchmarks/render.py). They are unpacked on first use.
        """
        return {"path": self.path, "data": self.data, "packed": pickle.dumps((self.positions, self.key_positions), protocol=5)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path, self.data, self._packed = state["path"], state["data"], state["packed"]

    def __getattr__(self, name: str) -> Any:
        """Only called for attributes not set: the position tables of an unpickled document, unpacked now."""
        packed = self.__dict__.get("_packed")
        if name not in ("positions", "key_positions") or packed is None:
            raise AttributeError(name)
        self.positions, self.key_positions = pickle.loads(packed)
        del self._packed
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


class _Walker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.findings: list[Finding] = []

    def value(self, node: yaml.Node, path: JsonPath) -> Any:
        self.doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: JsonPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                self.findings.append(error(self.doc.path, line, col, "E106"))
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(self.scalar(key_node))
            key = str(key)
            child = (*path, key)
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key in result:
                first = self.doc.key_positions[child][0]
                self.findings.append(error(self.doc.path, line, col, "E103", key=key, first=first))
                continue
            self.doc.key_positions[child] = (line, col)
            result[key] = self.value(value_node, child)
        return result

    @staticmethod
    def scalar(node: yaml.Node) -> Any:
        text, tag = node.value, node.tag
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() in ("true", "yes", "on", "y")
        if tag == "tag:yaml.org,2002:int" and _INT.match(text):
            return int(text.replace("_", ""))
        if tag == "tag:yaml.org,2002:float" and _FLOAT.match(text):
            try:
                return Decimal(text.replace("_", ""))
            except InvalidOperation:  # pragma: no cover - regex admits only decimals
                return text
        # str, timestamp (dates stay as typed), sexagesimal and other oddities stay text
        return text


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
    """Compose `text` and build a Document; every problem becomes a Finding, never an exception."""
    doc = Document(path=path, data=None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = _translate_yaml_problem(" ".join(filter(None, [exc.context, exc.problem])))
        lines = text.splitlines()
        if mark is not None and any("：" in lines[n] for n in range(max(0, mark.line - 1), min(len(lines), mark.line + 1))):
            detail += hint("fullwidth_colon")
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
    walker = _Walker(doc)
    doc.data = walker.value(node, ())
    if not isinstance(doc.data, dict):
        walker.findings.append(error(path, *doc.positions[()], "E105"))
        return None, walker.findings
    return doc, walker.findings


def load_file(path: Path) -> tuple[Document | None, list[Finding]]:
    """Read, decode and parse one file; every failure becomes an E1xx finding, never an exception."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(path, 1, 1, "E100", detail=exc.strerror or str(exc))]
    text, findings = decode(path, raw)
    if text is None:
        return None, findings
    return load_text(path, text)


_YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": "不能用 Tab 键缩进，请改用空格",
    "found a tab character": "不能用 Tab 键缩进，请改用空格",
    "while scanning a quoted scalar": "引号没有成对（缺少另一半引号）",
    "mapping values are not allowed": "此处不能出现冒号（值中含有“: ”时请用引号括起来，或检查缩进）",
    "could not find expected ':'": "缺少冒号“:”（每一项应写成「键: 值」）",
    "found duplicate anchor": "锚点重复",
    "expected <block end>, but found": "缩进不一致，请检查本行与上一行的缩进",
    "did not find expected key": "缩进不一致、缺少「键:」，或上方有没成对的引号，请检查本行及上面几行",
    "found unexpected end of stream": "文件意外结束（可能缺少引号或括号的另一半）",
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


def _translate_yaml_problem(detail: str) -> str:
    for english, chinese in _YAML_PROBLEMS.items():
        if english in detail:
            return chinese
    return "格式有误，请检查本行附近的缩进、冒号、引号和括号"

"""Canonical form of a submission (`docgen fmt`): every rewrite of a file clerks edit ends here (`docgen import` too).

Canonical form, decided once (README 「docgen fmt」):
- keys in the order of the form, taken from the schema (which `forms` generates), unknown keys last
  in the order typed; comment lines above a key move with it;
- block style everywhere (one item per line; a flow row `{上年结转: 0, …}` is expanded): a Chinese
  input method types 「，」 for 「,」 inside braces, and one amount per line gives line-level diffs;
- indentation 2 (list dashes indented 2 under their key);
- money as typed, normalised without changing its value: no `+`, `_`, exponent or bare `.5`, at
  most two decimals where the value allows (12.500 → 12.50; 12.345 stays: validate reports it);
- every comment kept, the `$schema` modeline included; line endings and a BOM kept as found.

Two passes: ruamel's round-trip dump (style, indentation, numbers) and then a text pass that
permutes the line blocks of out-of-order mappings, because moving keys inside ruamel's comment
model would misplace the comments written above them. Before anything is written, the result is
checked: the data read by docgen's own loader must be equal and every comment must still be there.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from .. import messages as M
from ..check.findings import Finding, error
from ..check.load import _Loader, decode, load_text
from ..check.ruleset import schema_for
from ..check.validate import kind_of
from ..form import limits
from ..form.forms import Profile
from ..form.schema import Schema

BOM = "\ufeff"


@dataclass
class Formatted:
    """One file's outcome: its canonical text, or the findings that stopped it (file untouched)."""

    path: Path
    before: str
    after: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.after is None

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


class _Money(str):
    """An amount's canonical text, written as a plain YAML number."""

    tag = "tag:yaml.org,2002:float"


def money_text(value: int | Decimal) -> str:
    """The amount as typed but tidy: same value, at most two decimals unless more are needed."""
    if isinstance(value, int):
        return str(value)
    typed = max(0, -int(value.as_tuple().exponent))
    needed = 0 if value == 0 else max(0, -int(value.normalize().as_tuple().exponent))
    return f"{value:.{max(needed, min(typed, 2))}f}"


def _yaml() -> YAML:
    rt = YAML()
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 1 << 16  # never fold a long Chinese sentence onto a second line

    def money(representer: Any, data: _Money) -> Any:
        tag = "tag:yaml.org,2002:int" if data.lstrip("-").isdigit() else _Money.tag
        return representer.represent_scalar(tag, str(data))

    rt.representer.add_representer(_Money, money)
    return rt


# --- schema lookups -----------------------------------------------------------------------


def _child(node: Schema | None, step: str | int) -> Schema | None:
    if not node:
        return None
    child = node.get("items") if isinstance(step, int) else node.get("properties", {}).get(step)
    return child if isinstance(child, dict) else None


def _is_number(node: Schema | None) -> bool:
    """An amount: a number, or (form/schema.or_not_reported) a number or the text 「未填报」."""
    kind = node.get("type") if node else None
    return kind == "number" or (isinstance(kind, list) and "number" in kind)


def _order(node: Schema | None, keys: list[str]) -> list[str]:
    """Keys as the form orders them; keys the form does not know keep their order, after the rest."""
    known = list((node or {}).get("properties", {}))
    rank = {key: i for i, key in enumerate(known)}
    return sorted(keys, key=lambda k: (rank.get(k, len(known)), keys.index(k)))


# --- pass 1: ruamel (block style, numbers, indentation) ------------------------------------


def _comment(value: str) -> CommentToken:
    return CommentToken(value, CommentMark(0), None)


def _last_slot(node: CommentedMap | CommentedSeq) -> tuple[Any, Any]:
    """The collection and key/index of the last scalar written inside `node`."""
    while True:
        last = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        value = node[last]
        if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
            node = value
            continue
        return node, last


def _unflow(parent: CommentedMap | CommentedSeq, key: Any, node: CommentedMap | CommentedSeq) -> None:
    """Expand a flow collection; its end-of-line comment stays on the key, lines after it after its items."""
    node.fa.set_block_style()
    slot = parent.ca.items.get(key)
    token = slot[2] if isinstance(parent, CommentedMap) and slot else None
    if token is None or not len(node):
        return
    eol, _, rest = token.value.partition("\n")
    head = _comment(eol + "\n") if eol.strip() else None
    parent.ca.items[key][2] = head
    node.ca.comment = [head, None]
    if rest:
        owner, last = _last_slot(node)
        index = 2 if isinstance(owner, CommentedMap) else 0
        entry = owner.ca.items.setdefault(last, [None, None, None, None])
        previous = entry[index].value if entry[index] is not None else "\n"
        entry[index] = _comment(previous + rest)


def _normalise(node: Any, data: Any, schema: Schema | None) -> None:
    """Block style for every collection, canonical text for every amount (schema type number)."""
    if isinstance(node, CommentedMap):
        items: Any = [(k, str(k)) for k in node]
    elif isinstance(node, CommentedSeq):
        items = [(i, i) for i in range(len(node))]
    else:
        return
    for key, step in items:
        value = node[key]
        sub_data = _at(data, step)
        sub_schema = _child(schema, step)
        if isinstance(value, (CommentedMap, CommentedSeq)):
            _normalise(value, sub_data, sub_schema)
            if value.fa.flow_style():
                _unflow(node, key, value)
        elif _is_number(sub_schema) and isinstance(sub_data, (int, Decimal)) and not isinstance(sub_data, bool):
            node[key] = _Money(money_text(sub_data))


def _at(data: Any, step: str | int) -> Any:
    try:
        return data[step]
    except (KeyError, IndexError, TypeError):
        return None


# --- pass 2: text (key order) -------------------------------------------------------------


def _content_lines(text: str) -> set[int]:
    """Lines holding YAML content (not blank, not only a comment); block scalars count whole."""
    lines: set[int] = set()
    for token in yaml.scan(text, Loader=_Loader):
        start, end = token.start_mark, token.end_mark
        if end.index <= start.index:
            continue
        last = end.line - 1 if end.column == 0 and end.line > start.line else end.line
        lines.update(range(start.line, last + 1))
    return lines


def _unordered(node: yaml.Node, schema: Schema | None) -> list[tuple[yaml.MappingNode, list[int]]]:
    """The block mappings whose keys are not in canonical order, in document order, none inside another.

    An unordered mapping's own insides are looked at in the next round, after it has been permuted; so the
    mappings returned never overlap, and permuting them from the last up leaves the earlier ones' lines in place.
    """
    if isinstance(node, yaml.MappingNode):
        keys = [str(k.value) for k, _ in node.value]
        wanted = _order(schema, keys)
        if keys != wanted and not node.flow_style:
            return [(node, [keys.index(k) for k in wanted])]
        return [found for key, value in node.value for found in _unordered(value, _child(schema, str(key.value)))]
    if isinstance(node, yaml.SequenceNode):
        return [found for item in node.value for found in _unordered(item, _child(schema, 0))]
    return []


def _permute(lines: list[str], content: set[int], node: yaml.MappingNode, order: list[int]) -> list[str]:
    """Move each entry's lines (with the comment lines above it) into `order`, in `lines` itself."""
    starts = [key.start_mark.line for key, _ in node.value]
    end_mark = node.end_mark
    bounds = [*starts[1:], min(end_mark.line, len(lines))]
    chunks: list[list[str]] = []
    begins: list[int] = []
    begin = starts[0]
    for start, bound in zip(starts, bounds, strict=True):
        end = next(line for line in range(bound - 1, start - 1, -1) if line in content)  # the entry's last content line
        begins.append(begin)
        chunks.append(lines[begin : end + 1])
        begin = end + 1
    column = node.value[0][0].start_mark.column
    prefix = lines[starts[0]][:column]
    if prefix.strip():  # the first key shares its line with a list dash: the dash stays first
        chunks[0][0] = " " * column + chunks[0][0][column:]
        first = order[0]
        at = starts[first] - begins[first]
        chunks[first][at] = prefix + chunks[first][at][column:]
    lines[starts[0] : begin] = [line for i in order for line in chunks[i]]  # same count: the lines after stay where they are
    return lines


def _reorder(text: str, schema: Schema) -> str:
    """Permute every unordered mapping, a round per level of nesting: one compose per round, not per mapping
    (per mapping, a file of 5,000 unordered indicators took minutes)."""
    for _ in range(100):
        root = yaml.compose(text, Loader=_Loader)
        found = _unordered(root, schema) if root is not None else []
        if not found:
            return text
        lines, content = text.splitlines(keepends=True), _content_lines(text)
        for node, order in reversed(found):  # from the last up: a permutation keeps the line count of its span
            lines = _permute(lines, content, node, order)
        text = "".join(lines)
    raise RuntimeError("key order did not settle")  # pragma: no cover - each round orders one level of nesting


# --- checks -------------------------------------------------------------------------------


def _comment_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every comment: a `#` outside any scalar, at a line start or after a blank."""
    scalars = [(t.start_mark.index, t.end_mark.index) for t in yaml.scan(text, Loader=_Loader) if isinstance(t, yaml.ScalarToken)]
    found, at, span = [], 0, 0
    while (at := text.find("#", at)) != -1:
        while span < len(scalars) and scalars[span][1] <= at:
            span += 1
        inside = span < len(scalars) and scalars[span][0] <= at
        if not inside and (at == 0 or text[at - 1] in " \t\n"):
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            found.append((at, end))
            at = end
        else:
            at += 1
    return found


def comments(text: str) -> list[str]:
    """Every comment's text, in order (what `fmt` promises to keep)."""
    return [text[start:end].rstrip() for start, end in _comment_spans(text)]


def _inline_gaps(text: str) -> str:
    """Two spaces between content and a comment at the end of its line; a comment's own text is kept."""
    for start, _ in reversed(_comment_spans(text)):
        line_start = text.rfind("\n", 0, start) + 1
        content = text[line_start:start].rstrip(" \t")
        if content.strip():
            text = text[: line_start + len(content)] + "  " + text[start:]
    return text


def format_text(path: Path, text: str, profile: Profile | None = None) -> Formatted:
    """Canonical form of `text`, or the reasons it cannot be formatted; never raises on bad input. The key and row
    order is the schema's of the repository's `profile` (Hubei's fund rows in Hubei's order), else the default's."""
    result = Formatted(path, text)
    body = text.removeprefix(BOM)
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > limits.MAX_FMT_BYTES:  # ruamel's round trip is ~8 s per MiB: a larger roster is left as it is
        result.findings = [error(path, 1, 1, "F103", size=f"{size / (1 << 20):.1f} MiB", limit=f"{limits.MAX_FMT_BYTES >> 20} MiB")]
        return result
    doc, problems = load_text(path, body)
    if doc is None or any(f.is_error for f in problems):
        result.findings = problems
        return result
    newline = body.find("\n")
    crlf = newline > 0 and body[newline - 1] == "\r"
    body = body.replace("\r\n", "\n")
    kind = kind_of(path)
    schema = schema_for(kind, profile)
    rt = _yaml()
    try:
        tree = rt.load(body)
        _normalise(tree, doc.data, schema)
        out = io.StringIO()
        rt.dump(tree, out)
        new = _inline_gaps(_reorder(out.getvalue(), schema))
    except Exception as exc:  # noqa: BLE001 - ruamel rejects what PyYAML accepted (rare): refuse, never guess
        result.findings = [error(path, 1, 1, "F102", detail=M.label("fmt_internal", detail=f"{type(exc).__name__}: {exc}"))]
        return result
    problem = _lost(body, new, doc.data, path)
    if problem:
        result.findings = [problem]
        return result
    if crlf:
        new = new.replace("\n", "\r\n")
    result.after = (BOM if text.startswith(BOM) else "") + new
    return result


def _lost(before: str, after: str, data: Any, path: Path) -> Finding | None:
    """Why `after` is not safe to write (a value or a comment would be lost), or None."""
    doc, problems = load_text(path, after)
    if doc is None or problems or doc.data != data:
        return error(path, 1, 1, "F102", detail=M.label("fmt_value_changed"))
    missing = Counter(comments(before)) - Counter(comments(after))
    for start, end in _comment_spans(before):
        if before[start:end].rstrip() in missing:
            line = before.count("\n", 0, start) + 1
            column = start - before.rfind("\n", 0, start)
            return error(path, line, column, "F102", detail=M.label("fmt_comment_lost", comment=before[start:end].rstrip()))
    return None


def format_file(path: Path, profile: Profile | None = None) -> Formatted:
    """Read and format one file, turning unreadable or undecodable bytes into findings rather than exceptions."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Formatted(path, "", findings=[error(path, 1, 1, "E100", detail=exc.strerror or str(exc))])
    text, problems = decode(path, raw)
    if text is None:
        return Formatted(path, "", findings=problems)
    # decode() drops a BOM; keep it in `before` so that "unchanged" means the same bytes
    return format_text(path, raw.decode("utf-8"), profile)

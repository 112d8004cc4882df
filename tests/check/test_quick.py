"""The quick reader (check/load._quick) against PyYAML's composer: for every text it takes, the same data (types
included), the same positions of every value and key, and no finding the composer would have reported."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from benchmarks.generate import department_yaml, project_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.check import load
from docgen.form import limits
from tests.conftest import ROOT

P = Path("x.yaml")


def _same_as_composer(text: str) -> bool:
    """Whether `_quick` took `text`; fails when what it made differs from the composer's Document."""
    quick = load._quick(P, text)
    if quick is None:
        return False
    doc, findings = load._composed(P, text)
    assert findings == []
    assert doc is not None
    assert repr(quick.data) == repr(doc.data)  # repr: Decimal('1.0') is not 1, True is not 1
    assert quick.positions == doc.positions
    assert quick.key_positions == doc.key_positions
    assert list(quick.positions) == list(doc.positions) and list(quick.key_positions) == list(doc.key_positions)
    return True


def _corpus() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.yaml") if ".venv" not in p.parts and "node_modules" not in p.parts and p.is_file())


def _texts() -> list[str]:
    out = []
    for path in _corpus():
        try:
            out.append(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            continue
    return out


def test_every_yaml_file_of_the_repository_reads_as_composed() -> None:
    taken = sum(_same_as_composer(text) for text in _texts())
    assert taken >= 100  # the demo, the examples and most cases are plain: the quick reader must take them


def test_the_demo_submissions_and_the_generated_tree_are_read_quickly() -> None:
    demo = sorted((ROOT / "submissions").rglob("*.yaml"))
    assert demo and all(_same_as_composer(p.read_text(encoding="utf-8")) for p in demo)
    rng = random.Random(18)
    generated = [project_yaml(rng, f"101-2025-{i:04d}", "101", "教育局", "朔州市教育局本级") for i in range(50)]
    assert all(_same_as_composer(text) for text in [*generated, department_yaml("101", "教育局")])


def test_a_literal_block_keeps_its_lines_and_ending() -> None:
    for text in ("a: |\n  x\n\n  y\n\n\nb: 1\n", "a: |-\n  x\n  # not a comment\n", "a: |\n  x", "a: |\n\n  x\n", "k:\n  - |\n    z\n"):
        assert _same_as_composer(text), text
    doc = load._quick(P, "a: |\n  x\n\n  y\n\n\nb: 1\n")
    assert doc is not None and doc.data == {"a": "x\n\ny\n", "b": 1}


def test_values_keep_their_types_and_places() -> None:
    text = 'a: 1\nb: 1.50\nc: "1.50"\nd: yes\ne: ~\nf: 2025-07-31\ng: 1:30\nh: [x, "y", 3]\ni: {p: 0, q: \'z\'}  # c\n'
    assert _same_as_composer(text)
    doc = load._quick(P, text)
    assert doc is not None
    assert doc.data["b"] == Decimal("1.50") and doc.data["c"] == "1.50" and doc.data["d"] is True and doc.data["e"] is None
    assert doc.positions[("i", "q")] == (9, 14)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # E103
        "<<: {a: 1}\n",  # E106
        "a: &x 1\nb: *x\n",  # E109
        "a:\n  - 1\n   - 2\n",  # bad indentation
        "a: 'it''s'\n",
        "a: b: c\n",
        'a: "x\\u200b"\n',  # an escape: E217 from the composer
        "a:\tb\n",
        "a: x\n  y\n",  # a plain scalar over two lines
        "a:\n",  # empty value
        "- 1\n- 2\n",  # not a mapping: E105
        "a: " + "9" * 30 + "\n",  # E113
        "a: |\n   \n  x\n",  # a line of spaces in a literal block
        "---\na: 1\n",
        "a: {b: [1]}\n",
        "a: x\r\nb: y\r\n",
    ],
)
def test_what_it_leaves_to_the_composer(text: str) -> None:
    assert load._quick(P, text) is None


_PIECES = [
    ":", ": ", " #", "#", "-", "- ", "  ", " ", "\n", "\n  ", "\n- ", "'", '"', "''", "{", "}", "[", "]", ",", ", ",
    "|", "|-", "|+", ">", "?", "!", "!!str ", "%", "@", "`", "~", "null", "0x1F", "1e5", "1_000", "1:30", ".5", "-5",
    "+5", "yes", "No", "<<", "---", "...", "\u3000", "é", "2025-07-31", "\n\n", "\n#c\n", "a: b", "x:", "0", "1.0",
    "\t", "\\", "\x85", "\ufeff", "&a", "*a", "9" * 25,
]  # fmt: skip


def _mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        what = rng.randrange(5)
        if what == 0:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(_PIECES) + text[at:]
        elif what == 1 and len(text) > 2:
            at = rng.randrange(len(text) - 1)
            text = text[:at] + text[at + rng.randint(1, 4) :]
        elif what == 2:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif what == 3:
            i = rng.randrange(len(lines))
            lines[i] = " " * rng.choice([1, 2, 4]) + lines[i] if rng.random() < 0.5 else lines[i][rng.choice([1, 2]) :]
            text = "\n".join(lines)
        else:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def test_mutated_files_read_as_composed_or_are_left_to_the_composer() -> None:
    rng = random.Random(2025)
    bases = [t for t in _texts() if load._quick(P, t) is not None and len(t) < 20_000]
    bases.append(project_yaml(rng, "101-2025-0001", "101", "教育局", "朔州市教育局本级"))
    taken = 0
    for _ in range(4000):
        taken += _same_as_composer(_mutate(rng, rng.choice(bases)))
    assert taken > 500  # many mutations (a changed value, a moved comment) stay plain


_ALPHABET = st.sampled_from(
    ["a", "b", "年度", "值", "1", "0", ".", "-", " ", "  ", "\n", ":", ": ", "#", "'", '"', "[", "]", "{", "}", ",", "|", "~", "y"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_any_text_reads_as_composed_or_is_left_to_the_composer(text: str) -> None:
    _same_as_composer(text)


def test_a_character_limits_printable_refuses_is_left_to_the_composer() -> None:
    """E214/E217 are the composer's path's: the quick reader never takes a text with such a character."""
    for code in [*range(0x10000), *range(0x10000, 0x110000, 97), *(b for _, b in limits.FORMAT_RANGES)]:
        char = chr(code)
        if not limits.printable(char):
            assert load._quick(P, f"a: x{char}y\n") is None, hex(code)


@pytest.mark.parametrize(
    "text",
    [
        "a: {" + "k" * 201 + ": 1}\n",  # a flow key over MAX_KEY_CHARS: E114
        "a: {" + "k" * 1100 + ": 1}\n",  # past libyaml's 1,024 characters a key is a syntax error: E102
        "a: 1\n... b: 2\n",  # a document end where a key would be: E102
        "a:\n  x: 1\n... b: 2\n",
        "a: |\n  x\n... b: 2\n",
        "a: 1\n---\nb: 2\n",
    ],
)
def test_a_text_the_composer_refuses_is_never_taken_quickly(text: str) -> None:
    """Found by a hostile review: each of these the composer refuses, so `load_text` must refuse it too, at the
    composer's place, rather than read it quickly into a Document."""
    assert load._quick(P, text) is None
    assert load.load_text(P, text) == load._composed(P, text)
    doc, findings = load.load_text(P, text)
    assert doc is None or findings

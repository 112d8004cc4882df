from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from docgen.cache import dumps, loads
from docgen.check.load import Document, _Loader, load_file, load_text
from tests.conftest import ROOT

P = Path("x.yaml")


def test_positions_are_one_based_for_values_and_keys() -> None:
    doc, problems = load_text(P, "a: 1\nb:\n  c: [x, y]\n")
    assert not problems and doc is not None
    assert doc.positions[("a",)] == (1, 4)
    assert doc.key_positions[("b", "c")] == (3, 3)
    assert doc.positions[("b", "c", 1)] == (3, 10)


def test_position_falls_back_to_nearest_ancestor() -> None:
    doc, _ = load_text(P, "a:\n  b: 1\n")
    assert doc is not None
    assert doc.position(("a", "b", "missing")) == (2, 6)


def test_money_is_decimal_never_float() -> None:
    doc, _ = load_text(P, "x: 2169.51\ny: 0.1\nz: 12\n")
    assert doc is not None
    assert doc.data == {"x": Decimal("2169.51"), "y": Decimal("0.1"), "z": 12}
    assert isinstance(doc.data["x"], Decimal)


def test_dates_and_sexagesimal_stay_as_typed() -> None:
    doc, _ = load_text(P, "d: 2025-07-31\nt: 1:30\n")
    assert doc is not None
    assert doc.data == {"d": "2025-07-31", "t": "1:30"}


def test_duplicate_key_is_reported_with_both_lines() -> None:
    doc, problems = load_text(P, "a: 1\nb: 2\na: 3\n")
    assert [(f.code, f.line, f.column) for f in problems] == [("E103", 3, 1)]
    assert "第 1 行" in problems[0].message
    assert doc is not None and doc.data["a"] == 1


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes("\ufeff项目名称: 测试\n".encode())
    doc, problems = load_file(path)
    assert not problems and doc is not None and doc.data == {"项目名称": "测试"}


def test_gbk_file_points_at_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes("a: 1\nb: 测试\n".encode("gbk"))
    doc, problems = load_file(path)
    assert doc is None
    assert [(f.code, f.line, f.column) for f in problems] == [("E101", 2, 4)]


def test_syntax_error_has_line_and_chinese_message() -> None:
    doc, problems = load_text(P, "a: 1\nb: [1, 2\nc: 3\n")
    assert doc is None
    assert problems[0].code == "E102" and problems[0].line >= 2
    assert "YAML 格式错误" in problems[0].message


@pytest.mark.parametrize(
    ("text", "line", "column", "says"),
    [
        ("a: 1\n项目名称：测试\nb: 2\n", 2, 5, "全角冒号"),
        ("a: 1\n项目名称:测试\nb: 2\n", 2, 5, "缺少空格"),
        ('a: 1\n项目名称:"测试"\nb: 2\n', 2, 5, "缺少空格"),
        ("a: 1\n项目名称：测试\n", 2, 5, "全角冒号"),  # the last line: nothing below to blame
        ("a: 1\nl:\n  - x：1\n    y: 2\n", 3, 6, "全角冒号"),  # in a list: PyYAML stumbles on the next line
    ],
)
def test_a_mistyped_colon_is_reported_on_its_own_line_as_what_it_is(text: str, line: int, column: int, says: str) -> None:
    doc, problems = load_text(P, text)
    assert doc is None and [(f.code, f.line, f.column) for f in problems] == [("E102", line, column)]
    assert says in problems[0].message and "缺少冒号" not in problems[0].message


@pytest.mark.parametrize("text", ["a: 1\n偏差原因分析: 过程方面：资金未到位\n", "a: 1\nurl: http://x.cn\n", "a: '项目名称:测试'\n"])
def test_colons_inside_values_are_left_alone(text: str) -> None:
    doc, problems = load_text(P, text)
    assert problems == [] and doc is not None


def test_missing_file_is_a_finding_not_an_exception(tmp_path: Path) -> None:
    doc, problems = load_file(tmp_path / "nope.yaml")
    assert doc is None and problems[0].code == "E100"


def test_a_cached_document_unpacks_its_positions_only_when_asked() -> None:
    """The per-file cache holds 1,000 documents; their position tables stay packed until a finding needs one."""
    doc, findings = load_file(ROOT / "submissions/2025-06/101-教育局/101-2025-001.yaml")
    assert doc is not None and not findings
    copy = Document.unpack(loads(dumps(doc.pack())))  # as the cache writes and reads it
    assert "positions" not in vars(copy) and "key_positions" not in vars(copy)
    assert copy.position(("绩效指标", 0, "指标完成情况")) == doc.position(("绩效指标", 0, "指标完成情况")) != (1, 1)
    assert copy.position(("资金",), key=True) == doc.position(("资金",), key=True)
    assert copy == doc


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789._-+eExXoOabfnlNTYyrsu~:< 中", max_size=10),
        st.sampled_from(["", "~", "null", "Yes", "off", "0x1F", "0o17", "1_000", "-.5", ".inf", ".NaN", "2025-06-30", "1:30"]),
        st.sampled_from(["<<", "=", "12e3", "+7", "0b101", "190:20:30", "2001-12-14t21:59:43.10-05:00"]),
    )
)
def test_trimmed_loader_tags_scalars_as_the_safe_loader_does(text: str) -> None:
    """The loader's trimmed resolver (load._Loader) gives every scalar the tag PyYAML's safe loader gives it."""
    source = f"v: {text}\nw: [{text}]\n"
    try:
        theirs = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return
    ours = yaml.compose(source, Loader=_Loader)

    def tags(node: yaml.Node) -> list[str]:
        children = node.value if isinstance(node.value, list) else []
        return [node.tag, *(t for child in children for part in (child if isinstance(child, tuple) else (child,)) for t in tags(part))]

    assert tags(ours) == tags(theirs)

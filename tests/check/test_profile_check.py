"""A profile file is checked like a submission: its schema (draft-07, Chinese help), then what a schema cannot say,
every mistake at once and each at its line and column (tests/check/profile_cases/ is the bad-profile corpus)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from click.testing import CliRunner

from docgen import cli
from docgen.check import profile as P
from docgen.form import forms
from tests.conftest import ROOT, build_file_tree

CASES = Path(__file__).parent / "profile_cases"

#: Each case of the corpus: every mistake it holds, as (line, column, code), and nothing else.
EXPECTED: dict[str, set[tuple[int, int, str]]] = {
    "duplicate-labels": {(8, 30, "E711"), (15, 70, "E711")},
    "extends-a-path": {(1, 1, "E702")},
    "identity-rows": {(10, 50, "E716"), (10, 78, "E717")},
    "likelihood-scale": {(5, 1, "E719"), (7, 25, "E712"), (8, 67, "E704")},
    "missing-fields": {(7, 5, "E715"), (7, 5, "E718")},
    "not-a-block": {(2, 5, "E703"), (8, 9, "E704"), (9, 9, "E703")},
    "overlapping-columns": {(8, 7, "E710")},
    "period-and-rules": {(6, 12, "E703"), (7, 9, "E713"), (9, 20, "E720"), (10, 3, "E714")},
    "tick-not-an-answer": {(5, 1, "E719")},
    "unknown-column-field": {(8, 15, "E709")},
    "unknown-key": {(5, 1, "E704")},
    "unknown-shared-field": {(8, 27, "E706"), (8, 36, "E706")},
}


def test_the_corpus_is_complete() -> None:
    assert sorted(p.stem for p in CASES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_every_mistake_is_reported_at_its_place(case: str) -> None:
    profile, found = P.check_file(CASES / f"{case}.yaml")
    assert profile is None
    assert {(f.line, f.column, f.code) for f in found} == EXPECTED[case]
    assert all(f.is_error and f.path.endswith(f"{case}.yaml") for f in found)
    assert all("\\u" not in f.message and "{" not in f.message.replace("{month}", "").replace("{…}", "") for f in found)


def test_missing_fields_names_each_one() -> None:
    _, found = P.check_file(CASES / "missing-fields.yaml")
    assert sorted(f.message.split("「")[-1].rstrip("」") for f in found if f.code == "E715") == ["department_code", "month"]


@pytest.mark.parametrize("profile_id", forms.builtin_ids())
def test_every_builtin_passes_its_own_check(profile_id: str) -> None:
    profile, found = P.check_file(forms.builtin_path(profile_id))
    assert found == [] and profile is not None
    assert profile == forms.builtin(profile_id)  # the checked loader and the built-in loader agree (same digest)


def _properties(node: Any) -> list[dict[str, Any]]:
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out.extend(value.values())
            out.extend(_properties(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(_properties(value))
    return out


def test_the_profile_schema_is_draft7_with_chinese_help_everywhere() -> None:
    schema = P.profile_schema()
    jsonschema_rs.Draft7Validator(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    props = _properties(schema)
    assert len(props) > 60
    for prop in props:
        assert any("\u4e00" <= c <= "\u9fff" for c in prop["title"] + prop["description"]), prop
    # every field a profile may write has its help: a field added to the dataclasses without one fails here
    missing = [p for p in props if p["title"] == p["description"] and p["title"].isascii()]
    assert not missing


def test_the_schema_is_exported_beside_the_forms(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.cli, ["schema", "--export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    exported = json.loads((tmp_path / "profile.schema.json").read_text(encoding="utf-8"))
    assert exported == P.profile_schema()
    assert (ROOT / "schema" / "profile.schema.json").read_text(encoding="utf-8") == json.dumps(
        P.profile_schema(), ensure_ascii=False, indent=2
    ) + "\n"


def test_profile_check_reports_every_mistake_and_exits_1(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"submissions/.keep": "", "profiles/表.yaml": (CASES / "period-and-rules.yaml").read_text(encoding="utf-8")})
    result = CliRunner().invoke(cli.cli, ["profile", "check", str(tmp_path / "profiles" / "表.yaml")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if " 错误 E7" in line]
    assert [line.split(" 错误 ")[1].split()[0] for line in lines] == ["E703", "E713", "E720", "E714"]
    assert all(line.split(":")[1:3] != ["1", "1"] for line in lines)


def test_profile_check_passes_a_good_file(tmp_path: Path) -> None:
    build_file_tree(tmp_path, {"submissions/.keep": "", "表.yaml": "extends: shuozhou-city\nid: ours\nname: 我们的表\nlevel: 州本级\n"})
    result = CliRunner().invoke(cli.cli, ["profile", "check", str(tmp_path / "表.yaml")])
    assert result.exit_code == 0, result.output
    assert "ours" in result.output and "州本级" in result.output


def _check_text(tmp_path: Path, text: str) -> list[Any]:
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    return P.check_file(tmp_path / "p.yaml")[1]


def test_a_column_past_the_grid_says_so_not_that_it_overlaps_itself(tmp_path: Path) -> None:
    text = (CASES / "overlapping-columns.yaml").read_text(encoding="utf-8")
    text = text.replace("first: 3, last: 4", "first: 11, last: 13")
    [found] = _check_text(tmp_path, text)
    assert found.code == "E710"
    assert "超出了本表" in found.message and "重叠" not in found.message
    [found] = _check_text(tmp_path, (CASES / "overlapping-columns.yaml").read_text(encoding="utf-8"))
    assert "与列「本年预算」重叠" in found.message and "超出" not in found.message


def test_e760_lists_each_replaceable_term_once_and_unambiguously(tmp_path: Path) -> None:
    text = "extends: shuozhou-city\nid: case\nname: 措辞\nlevel: 县级\nwording:\n  terms:\n    不存在的说法: 别的\n"
    [found] = _check_text(tmp_path, text)
    assert found.code == "E760"
    listed = found.message.split("可替换：")[1].rstrip("）")
    terms = [t.strip("「」") for t in listed.split("」、「")]
    assert terms == list(forms.DEFAULT_TERMS) and len(set(terms)) == len(terms)
    assert "「支出数、下达数」" in listed


def test_the_profile_docs_name_the_right_codes_and_demos() -> None:
    docs = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    assert "阈值不是该规则可设的（E720）" in docs
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "`examples/profiles/` 是" in line)
    assert all(
        d.name in line
        for d in (ROOT / "examples" / "profiles").iterdir()
        if d.is_dir() and d.name not in ("shuozhou-county", "shuozhou-district")
    )

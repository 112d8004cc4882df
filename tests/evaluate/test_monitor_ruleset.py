"""The rules file: complete defaults, overrides key by key, and errors reported like a submission's (file:line)."""

from __future__ import annotations

import json
from pathlib import Path

from docgen.check import ruleset as R
from docgen.check.load import load_file
from docgen.evaluate import monitor
from tests.conftest import ROOT, build_file_tree


def test_packaged_defaults_are_valid_and_complete() -> None:
    ruleset, findings = monitor.load_rules(None)
    assert findings == [] and ruleset is not None
    doc, _ = load_file(R.default_path())
    assert doc is not None and R.complete(doc.data[R.RULES_KEY]) == []
    assert set(ruleset.rules) == set(R.SPECS)
    for rule in ruleset.rules.values():
        assert rule.category == R.SPECS[rule.code].category and rule.message and rule.advice and rule.explain
        assert set(R.placeholders(rule.message) or []) <= set(R.SPECS[rule.code].placeholders)


def test_the_repositorys_rules_file_is_valid_and_names_every_rule() -> None:
    """schema/rules.yaml is the city's tunable copy (docgen rules --init): it must stay valid and complete."""
    path = ROOT / "schema" / "rules.yaml"
    ruleset, findings = monitor.load_rules(path)
    assert findings == [] and ruleset is not None
    doc, _ = load_file(path)
    assert doc is not None and R.complete(doc.data[R.RULES_KEY]) == []
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=rules.schema.json")


def test_overrides_merge_key_by_key(tmp_path: Path) -> None:
    path = (
        build_file_tree(tmp_path, {"rules.yaml": "规则:\n  W401:\n    阈值:\n      红灯低于: 50\n  W405:\n    启用: false\n"})
        / "rules.yaml"
    )
    ruleset, findings = monitor.load_rules(path)
    assert findings == [] and ruleset is not None
    assert ruleset["W401"].thresholds == {"红灯低于": 50, "黄灯低于": 80}  # the other threshold keeps its default
    assert ruleset["W401"].message == monitor.load_rules(None)[0]["W401"].message  # type: ignore[index]
    assert not ruleset["W405"].enabled and ruleset.source[-1] == str(path)


BAD_RULES = """规则:
  W401:
    阈值:
      红灯低于: 90
      黄灯底于: 80
    消息: 「{row}」支出太慢 {rate}
  W404:
    阈值:
      黄灯不低于: 50
  W499:
    启用: false
  W421:
    消息: 少了括号 {name
  W424:
    阈值:
      有可能: 橙灯
"""


def test_errors_are_reported_with_file_line_and_column(tmp_path: Path) -> None:
    path = build_file_tree(tmp_path, {"rules.yaml": BAD_RULES}) / "rules.yaml"
    ruleset, findings = monitor.load_rules(path)
    assert ruleset is None
    found = [(f.line, f.column, f.code) for f in findings]
    assert found == [
        (4, 7, "E322"),  # 红灯低于 90 above 黄灯低于 80 (the default)
        (5, 7, "E203"),  # 黄灯底于: did you mean 黄灯低于
        (6, 9, "E320"),  # {rate} is not a placeholder of W401
        (9, 7, "E322"),  # 黄灯不低于 50 above 红灯不低于 30 (the default)
        (10, 3, "E203"),  # W499 is no rule
        (13, 9, "E321"),  # unbalanced brace
        (16, 12, "E205"),  # 橙灯 is no light
    ]
    messages = {f.code: f.message for f in findings}
    assert "是不是「黄灯低于」" in messages["E203"] or "是不是「W429」" in messages["E203"]
    assert "{rate}" in messages["E320"] and "{spend_progress}" in messages["E320"]
    assert all(f.path == str(path) and f.is_error for f in findings)


def test_validate_checks_a_rules_file_like_a_submission(run, chdir, tmp_path: Path) -> None:
    chdir(build_file_tree(tmp_path, {"schema/rules.yaml": BAD_RULES}))
    result = run("validate", "schema/rules.yaml")
    assert result.exit_code == 1
    assert "schema/rules.yaml:6:9: 错误 E320" in result.stdout and "Traceback" not in result.output


def test_a_broken_rules_file_stops_monitoring_and_fails_validation(run, chdir, tmp_path: Path) -> None:
    from tests.cli.test_commands import tree

    chdir(tree(tmp_path, **{"schema/rules.yaml": BAD_RULES}))
    result = run("validate")
    assert result.exit_code == 1
    assert "schema/rules.yaml:10:3: 错误 E203" in result.stdout and "警告 W4" not in result.stdout


def test_rules_command_lists_the_rules_in_force(run, chdir, tmp_path: Path) -> None:
    chdir(build_file_tree(tmp_path, {"schema/rules.yaml": "规则:\n  W403:\n    阈值:\n      黄灯不低于: 40\n"}))
    result = run("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[0] == "代码" and len(lines) == len(R.SPECS) + 2
    assert "W403\t及时性\t上年结转资金较大\t黄灯不低于 40\t是\t是" in lines
    assert "W411\t合规性\t超预算\t红灯\t是\t否" in lines
    assert "schema/rules.yaml" in lines[-1]


def test_rules_init_copies_the_defaults_once(run, chdir, tmp_path: Path) -> None:
    chdir(tmp_path)
    assert run("rules", "--init").exit_code == 0
    copied = tmp_path / "schema" / "rules.yaml"
    assert monitor.load_rules(copied)[1] == []
    again = run("rules", "--init")
    assert again.exit_code == 2 and "已存在" in again.stderr


def test_missing_rules_file_is_a_usage_error(run, chdir, tmp_path: Path) -> None:
    chdir(tmp_path)
    result = run("rules", "--rules", "nope.yaml")
    assert result.exit_code == 2 and "找不到规则文件" in result.stderr


def test_rules_schema_documents_every_placeholder() -> None:
    schema = json.loads((ROOT / "schema" / "rules.schema.json").read_text(encoding="utf-8"))
    for code, spec in R.SPECS.items():
        description = schema["properties"]["规则"]["properties"][code]["properties"]["消息"]["description"]
        assert all("{" + p + "}" in description for p in spec.placeholders)

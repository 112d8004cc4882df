"""Editor support: Chinese help in the schemas, the modeline, `docgen schema`, and the committed VS Code set-up."""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from docgen.check import ruleset as schema_module
from docgen.check.validate import kind_of
from docgen.cli import cli

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def nodes(node: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property and list item of a schema, with a readable path."""
    for key, child in node.get("properties", {}).items():
        yield f"{path}/{key}", child
        yield from nodes(child, f"{path}/{key}")
    if isinstance(node.get("items"), dict):
        yield f"{path}[]", node["items"]
        yield from nodes(node["items"], f"{path}[]")


@pytest.mark.parametrize("kind", sorted(schema_module.SCHEMAS))
def test_every_field_has_chinese_help_for_hover(kind: str) -> None:
    top = schema_module.schema_for(kind)
    assert CJK.search(top["title"]) and CJK.search(top["description"])
    for path, node in nodes(top):
        assert CJK.search(node.get("title", "")), f"{kind}{path}: no Chinese title"
        assert CJK.search(node.get("description", "")), f"{kind}{path}: no Chinese description"


@pytest.mark.parametrize("kind", sorted(schema_module.SCHEMAS))
def test_values_offer_choices_or_examples_that_are_themselves_valid(kind: str) -> None:
    """What completion offers (enum values, the first example) must pass validation."""
    for path, node in nodes(schema_module.schema_for(kind)):
        kinds = node.get("type") if isinstance(node.get("type"), list) else [node.get("type")]
        if path == "/$schema" or {"object", "array", "boolean"} & set(kinds):  # a table or list that may be 「未填报」 too
            continue
        choices = node.get("enum") or node.get("examples")
        assert choices, f"{kind}{path}: neither enum nor examples"
        for value in choices:
            jsonschema.validate(value, {k: v for k, v in node.items() if k not in ("examples",)})


def test_schema_command_prints_and_exports(tmp_path: Path) -> None:
    for kind in schema_module.SCHEMAS:
        code, out, _ = invoke("schema", kind)
        assert code == 0 and json.loads(out) == schema_module.schema_for(kind)
        assert "\\u" not in out, "Chinese is written as Chinese"
    code, out, _ = invoke("schema", "--export", str(tmp_path / "s"))
    exported = [*schema_module.SCHEMA_FILES.values(), schema_module.PROFILE_SCHEMA_FILE]  # and a profile file's own
    assert code == 0 and sorted(out.split()) == sorted(str(tmp_path / "s" / n) for n in exported)
    assert {p.name for p in (tmp_path / "s").iterdir()} == set(exported)


def test_new_files_carry_a_modeline_that_reaches_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    monkeypatch.chdir(tmp_path)
    new = ("--period", "2025-06", "--department-code", "199", "--department", "朔州市测试局")
    assert invoke("new", "project", *new, "--code", "199-2025-001", "--name", "测试项目", "--unit", "朔州市测试局本级")[0] == 0
    assert invoke("new", "department", *new)[0] == 0
    for name, kind in (("199-2025-001.yaml", "project"), ("部门整体.yaml", "department")):
        path = tmp_path / "submissions/2025-06/199-朔州市测试局" / name
        match = MODELINE.match(path.read_text(encoding="utf-8").splitlines()[0])
        assert match, f"{name} does not start with the modeline"
        assert (path.parent / match[1]).resolve() == (tmp_path / "schema" / schema_module.SCHEMA_FILES[kind]).resolve()


def test_demo_files_carry_a_modeline_to_the_right_schema() -> None:
    for path in (ROOT / "submissions").rglob("*.yaml"):
        match = MODELINE.match(path.read_text(encoding="utf-8").splitlines()[0])
        assert match, f"{path} has no modeline"
        assert (path.parent / match[1]).resolve() == (ROOT / "schema" / schema_module.SCHEMA_FILES[kind_of(path)]).resolve()


# --- .vscode: what the YAML extension and VS Code read ------------------------------------------


def yaml_ls_matches(pattern: str, uri: str) -> bool:
    """yaml-language-server's file match: `*` becomes `.*`, anchored at the end of the document URI."""
    regex = re.sub(r"[-\\{}+?|^$.,\[\]()#\s]", lambda m: "\\" + m.group(0), pattern).replace("*", ".*") + "$"
    return re.search(regex, uri) is not None


def file_uris(path: Path) -> list[str]:
    """A file's URI as editors send it: VS Code percent-encodes non-ASCII names; some clients do not."""
    posix = path.as_posix()
    return ["file://" + posix, "file://" + urllib.parse.quote(posix)]


def test_vscode_settings_map_each_kind_of_file_to_exactly_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    for schema_path in mapping:
        assert (ROOT / schema_path).is_file()
    by_kind = {kind: f"./schema/{name}" for kind, name in schema_module.SCHEMA_FILES.items()}
    samples = [
        *(ROOT / "submissions").rglob("*.yaml"),
        ROOT / "submissions/2025-06/101-教育局/部门整体.yaml",
        ROOT / "submissions/2026-12/205-卫生健康委/205-2026-017.yaml",
        ROOT / "submissions/2026-12/名单.yaml",
    ]
    for sample in samples:
        for uri in file_uris(sample):
            matched = [schema for schema, patterns in mapping.items() if any(yaml_ls_matches(p, uri) for p in patterns)]
            assert matched == [by_kind[kind_of(sample)]], (uri, matched)
    assert settings["yaml.schemaStore.enable"] is False, "no catalogue fetched from the internet on an intranet"
    assert settings["[yaml]"]["editor.tabSize"] == 2


def test_vscode_recommends_the_yaml_extension() -> None:
    extensions = json.loads((ROOT / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def test_vscode_tasks_put_docgen_findings_in_the_problems_panel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    project = tmp_path / "submissions/2025-06/101-教育局/101-2025-001.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("支出数: 412.35", "支出数: 412.35万元"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke("validate")
    assert code == 1
    tasks = json.loads((ROOT / ".vscode/tasks.json").read_text(encoding="utf-8"))["tasks"]
    matchers = tasks[0]["problemMatcher"]
    for line in out.splitlines():
        hits = [(m["severity"], re.match(m["pattern"]["regexp"], line)) for m in matchers]
        hits = [(severity, match) for severity, match in hits if match]
        assert len(hits) == 1, line
        severity, match = hits[0]
        assert (
            (tmp_path / match[1]).is_file()
            and int(match[2]) >= 1
            and severity == ("error" if " 错误 " in line else "info" if " 提示 " in line else "warning")
        )
    for task in tasks:
        assert invoke(*task["command"].split()[1:2], "--help")[0] == 0

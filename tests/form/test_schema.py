from __future__ import annotations

import json

import jsonschema

from docgen.check import ruleset
from tests.conftest import ROOT


def test_committed_schema_files_match_the_generator() -> None:
    """schema/*.json is what editors read: regenerate with `docgen schema --export schema/`."""
    for kind, name in ruleset.SCHEMA_FILES.items():
        committed = json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))
        assert committed == ruleset.schema_for(kind), f"schema/{name} is stale: run docgen schema --export schema/"


def test_schemas_are_valid_draft07_with_chinese_help_everywhere() -> None:
    for kind in ruleset.SCHEMA_FILES:
        doc = ruleset.schema_for(kind)
        jsonschema.Draft7Validator.check_schema(doc)
        assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"

        def walk(node: dict, path: str, kind: str = kind) -> None:
            for key, sub in node.get("properties", {}).items():
                if key == "$schema":
                    continue
                assert sub.get("title"), f"{kind}: {path}/{key} has no title"
                assert sub.get("description") or sub.get("enum"), f"{kind}: {path}/{key} has no description"
                walk(sub, f"{path}/{key}")
            if "items" in node:
                walk(node["items"], path + "[]")

        walk(doc, "")

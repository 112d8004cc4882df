"""One list of field kinds: what a profile file may write as a field's `kind` is what schema.py can turn into a node."""

from __future__ import annotations

import pytest

from docgen.check.profile import HELP, profile_schema
from docgen.form import forms, schema


def test_the_profile_schema_offers_exactly_the_kinds_the_schema_generator_knows() -> None:
    offered = profile_schema()["definitions"]["Field"]["properties"]["kind"]["enum"]
    assert offered == list(schema.NODES) == list(schema.KINDS)
    assert HELP["Field.kind"][1] == "、".join(schema.KINDS)  # the editor's help lists the same kinds


@pytest.mark.parametrize("kind", schema.KINDS)
def test_every_offered_kind_gives_a_schema_node(kind: str) -> None:
    """A kind the profile schema accepts never reaches a generator that cannot place it (「reviews」 once could)."""
    form = forms.builtin().form("project")
    extra = {"table": {"name": "funds"}, "records": {"items": (forms.Field("unit", "name"),)}}.get(kind, {})
    field = forms.Field(**{"name": "project_name", "kind": kind, **extra})
    node = schema.NODES[kind](field, form)
    assert isinstance(node, dict) and node


def test_a_kind_no_generator_knows_is_refused_by_the_profile_schema() -> None:
    assert "reviews" not in schema.KINDS  # was offered, and `_node` would have failed on it

"""Profiles: the forms described as data (form/profiles/*.yaml), loaded by forms.py into the frozen dataclasses."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from docgen.form import forms
from docgen.form import vocabulary as F


@pytest.mark.parametrize("profile_id", forms.builtin_ids())
def test_every_builtin_profile_loads(profile_id: str) -> None:
    profile = forms.builtin(profile_id)
    assert profile.id == profile_id
    assert set(profile.forms) == {"project", "department", "roster"}
    raw = forms.merged(forms.builtin_data(profile_id))["forms"]["project"]["title"]
    if "{level}" in raw:  # a title that names the level says it (the national form's title names none)
        assert profile.level in profile.forms["project"].title
    assert "{level}" not in profile.forms["project"].title
    assert "{level}" not in profile.forms["department"].title
    assert {lk.role for lk in profile.likelihoods} == set(forms.ROLES)
    assert profile.digest and len(profile.digest) == 16


def test_the_default_profile_is_the_vocabulary_the_code_reads() -> None:
    """The labels vocabulary.py keeps for code and templates are the default profile's, not a second description."""
    profile = forms.DEFAULT
    assert profile.id == forms.DEFAULT_PROFILE == "shuozhou-city"
    project, department = profile.forms["project"], profile.forms["department"]
    assert project.title == "市级项目支出绩效运行监控表"
    assert department.title == "市级部门整体支出绩效运行监控表"
    assert project.budget is not None and project.budget.label == F.PROJECT_BUDGET_BLOCK
    assert department.budget is not None and department.budget.label == F.DEPARTMENT_BUDGET_BLOCK
    assert project.table("funds").rows == F.PROJECT_FUND_ROWS
    assert department.table("funds_by_use").rows == F.DEPT_FUND_ROWS_BY_USE
    assert profile.answers == F.LIKELIHOODS
    assert (profile.answer("certain"), profile.answer("possible"), profile.answer("impossible")) == (F.CERTAIN, F.POSSIBLE, F.IMPOSSIBLE)
    headings = [(s.heading, s.key, s.level) for s in F.REPORT_SECTIONS]
    assert [(s.heading, s.key, s.level) for s in project.report] == headings
    assert [(s.heading, s.key, s.level) for s in department.report] == headings
    notes = next(b for b in project.blocks if isinstance(b, forms.Notes))
    assert notes.texts == F.TABLE_NOTES
    assert {c.field: c.header for c in forms.BUDGET_COLUMNS} == F.BUDGET_HEADERS
    headers = {c.field: c.group or c.header for c in forms.INDICATOR_COLUMNS}
    assert headers == F.INDICATOR_HEADERS
    assert [c.header for c in forms.INDICATOR_COLUMNS if c.kind == "tick"] == list(F.LIKELIHOODS)
    assert {f.name: f.key for f in forms.ROW_FIELDS} == F.ROW_EXTRA_FIELDS
    assert forms.FORMS["project"] is project
    assert profile.period.months(6) == "1-6月" and profile.period.months(1) == "1月"


def test_a_profile_extends_a_builtin_and_changes_only_what_it_says() -> None:
    profile = forms.build_profile({"extends": "shuozhou-city", "id": "x", "name": "某县", "level": "县级"})
    base = forms.DEFAULT
    assert profile.forms["project"].title == "县级项目支出绩效运行监控表"
    assert profile.forms["project"].blocks[1:] == base.forms["project"].blocks[1:]
    assert profile.forms["project"].fields == base.forms["project"].fields
    assert profile.digest != base.digest


def test_the_digest_follows_the_content_not_the_layout() -> None:
    data = copy.deepcopy(forms.builtin_data("shuozhou-city"))
    assert forms.build_profile(data).digest == forms.DEFAULT.digest
    data["notes"] = [*data["notes"], "4．另加的一条注释。"]
    assert forms.build_profile(data).digest != forms.DEFAULT.digest


def _broken(change: dict[str, Any]) -> forms.ProfileError:
    data = {"extends": "shuozhou-city", **change}
    with pytest.raises(forms.ProfileError) as caught:
        forms.build_profile(data)
    return caught.value


def test_the_loader_names_where_a_profile_is_wrong() -> None:
    error = _broken({"extends": "../../etc/passwd"})
    assert error.code == "E702"
    error = _broken({"period": {"rounds": "六月"}})
    assert (error.code, error.where) == ("E703", ("period", "rounds"))
    error = _broken({"likelihoods": [{"answer": "能", "role": "certain", "why": True}]})
    assert (error.code, error.where) == ("E704", ("likelihoods", 0, "why"))
    data = copy.deepcopy(forms.builtin_data("shuozhou-city"))
    data["forms"]["project"]["fields"].append("unknown_shared")
    with pytest.raises(forms.ProfileError) as caught:
        forms.build_profile(data)
    assert caught.value.code == "E706" and caught.value.where[:3] == ("forms", "project", "fields")

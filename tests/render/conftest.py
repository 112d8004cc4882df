"""Fixtures for the renderer tests: the demo submissions, checked once, and a small copy of them to build."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen import api
from docgen.form.model import Department, Project
from docgen.render import templates
from tests.conftest import ROOT

DEMO_DEPARTMENT = "104-交通运输局"  # four projects, one of them 涉密, and the department file
CONFIDENTIAL_CODE = "104-2025-003"


@pytest.fixture(scope="session")
def demo() -> api.Result:
    before = Path.cwd()
    os.chdir(ROOT)
    try:
        result = api.check([ROOT / api.SUBMISSIONS])
    finally:
        os.chdir(before)
    assert result.ok
    return result


@pytest.fixture(scope="session")
def project(demo: api.Result) -> Project:
    """The demo's first project: two fund rows, one deviation, every 一级 kind."""
    return next(p for p in demo.projects if p.code == "101-2025-001")


@pytest.fixture(scope="session")
def department(demo: api.Result) -> Department:
    return next(d for d in demo.departments if d.department_code == "101")


@pytest.fixture(scope="session")
def tpl() -> templates.Templates:
    return templates.find(ROOT)


def publish_single_confidential(root: Path) -> None:
    """k = 1 in root/schema/rules.yaml: the render tests build 104's 部门整体 although the department has one 涉密
    project (by default, k = 3, it is withheld: tests/hostile/test_confidential.py)."""
    (root / "schema").mkdir(exist_ok=True)
    (root / "schema" / "rules.yaml").write_text("规则: {}\n涉密汇总最少项目数: 1\n", encoding="utf-8")


@pytest.fixture
def small_tree(tmp_path: Path) -> Iterator[Path]:
    """One demo department (with its 涉密 project) and the roster, copied into tmp_path; cwd is tmp_path."""
    period = tmp_path / api.SUBMISSIONS / "2025-06"
    shutil.copytree(ROOT / api.SUBMISSIONS / "2025-06" / DEMO_DEPARTMENT, period / DEMO_DEPARTMENT)
    shutil.copy(ROOT / api.SUBMISSIONS / "2025-06" / "名单.yaml", period / "名单.yaml")
    publish_single_confidential(tmp_path)
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)

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


POOLED = (("104-2025-005", "交通战备物资储备专项"), ("104-2025-006", "交通战备通道维护专项"))


def pool_confidential(root: Path) -> None:
    """Two more 涉密 projects in root's 104 (file and roster): with three of them (k = 3) the department's 部门整体 is
    built, pooled, which the render tests read; with the demo's one alone it is withheld (tests/hostile/test_confidential.py)."""
    period = root / api.SUBMISSIONS / "2025-06"
    secret = (period / DEMO_DEPARTMENT / "104-2025-003.yaml").read_text(encoding="utf-8")
    roster = (period / "名单.yaml").read_text(encoding="utf-8")
    anchor = '      - 项目代码: "104-2025-004"'
    for code, name in POOLED:
        text = secret.replace("104-2025-003", code).replace("交通战备应急通信保障专项", name)
        (period / DEMO_DEPARTMENT / f"{code}.yaml").write_text(text, encoding="utf-8")
        entry = f'      - 项目代码: "{code}"\n        项目名称: {name}\n        预算单位: 朔州市交通运输局本级\n        涉密: true\n'
        roster = roster.replace(anchor, entry + anchor)
    (period / "名单.yaml").write_text(roster, encoding="utf-8")


@pytest.fixture
def small_tree(tmp_path: Path) -> Iterator[Path]:
    """One demo department (with its 涉密 project) and the roster, copied into tmp_path; cwd is tmp_path."""
    period = tmp_path / api.SUBMISSIONS / "2025-06"
    shutil.copytree(ROOT / api.SUBMISSIONS / "2025-06" / DEMO_DEPARTMENT, period / DEMO_DEPARTMENT)
    shutil.copy(ROOT / api.SUBMISSIONS / "2025-06" / "名单.yaml", period / "名单.yaml")
    pool_confidential(tmp_path)
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)

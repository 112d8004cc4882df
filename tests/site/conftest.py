"""A small real repository of submissions with known history, and the status site built from it once.

What it holds, and what the tests expect from it:
- 101 朔州市教育局: 101-2025-001 valid, edited (支出数 60.2 → 95.00), an indicator added, then moved to another
  folder; 101-2025-002 confidential (roster and file), committed with its name in the message;
  101-2025-003 expected but missing; 101-2025-004 broken (a required key misspelt); 部门整体 valid.
- 102 朔州市卫生健康委员会: 102-2025-001 confidential in its file only; no 部门整体 (missing).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from benchmarks.generate import generate

from docgen import api
from docgen.site import generate as S
from tests.history.gitrepo import INDICATOR, PROJECT, GitRepo
from tests.site.browser import CHROMIUM, FLAGS

PERIOD = "submissions/2025-06"
EDU = f"{PERIOD}/101-教育局"
MOVED = f"{PERIOD}/101-市教育局"
HEALTH = f"{PERIOD}/102-卫健委"
TODAY = date(2025, 7, 20)
SECRETS = ("涉密保障工程", "101-2025-002", "卫生应急物资储备", "102-2025-001")

ROSTER = """\
年度: 2025
截至月份: 6
截止日期: "2025-07-31"
部门:
  - 主管部门: 朔州市教育局
    主管部门代码: "101"
    预算单位: [朔州市教育局本级]
    应报项目:
      - {项目代码: "101-2025-001", 项目名称: 城乡义务教育家庭经济困难学生生活补助, 预算单位: 朔州市教育局本级}
      - {项目代码: "101-2025-002", 项目名称: 涉密保障工程, 预算单位: 朔州市教育局本级, 涉密: true}
      - {项目代码: "101-2025-003", 项目名称: 校园安全改造, 预算单位: 朔州市教育局本级}
      - {项目代码: "101-2025-004", 项目名称: 教师培训, 预算单位: 朔州市教育局本级}
  - 主管部门: 朔州市卫生健康委员会
    主管部门代码: "102"
    预算单位: [朔州市卫生健康委员会本级]
    应报项目:
      - {项目代码: "102-2025-001", 项目名称: 卫生应急物资储备, 预算单位: 朔州市卫生健康委员会本级}
"""

DEPARTMENT = """\
年度: 2025
截至月份: 6
主管部门: 朔州市教育局
主管部门代码: "101"
资金按类型:
  一般公共预算资金: {上年结转: 100, 本年预算: 5000, 下达数: 4000, 支出数: 2400, 全年预计支出数: 5000}
资金按用途:
  基本支出: {上年结转: 50, 本年预算: 2500, 下达数: 2000, 支出数: 1200, 全年预计支出数: 2500}
  项目支出: {上年结转: 50, 本年预算: 2500, 下达数: 2000, 支出数: 1200, 全年预计支出数: 2500}
年度绩效目标: 全面完成年度各项工作任务。
绩效指标:
  - 一级指标: 满意度指标
    二级指标: 服务对象满意度指标
    三级指标: 服务对象满意度
    年度指标值: ≥90%
    指标完成情况: 92%
    全年指标预计完成情况: 92%
    完成目标可能性: 确定能
"""


def project(code: str, name: str, *, confidential: bool = False, department: str = "朔州市教育局", dept_code: str = "101") -> str:
    text = PROJECT.replace('"101-2025-001"', f'"{code}"').replace("城乡义务教育家庭经济困难学生生活补助", name)
    text = text.replace("朔州市教育局", department).replace('主管部门代码: "101"', f'主管部门代码: "{dept_code}"')
    return text.replace("资金:\n", "涉密: true\n资金:\n") if confidential else text


def make_repo(root: Path) -> GitRepo:
    repo = GitRepo(root)
    repo.write(f"{PERIOD}/名单.yaml", ROSTER)
    repo.write(f"{EDU}/101-2025-001.yaml", PROJECT)
    repo.write(f"{EDU}/部门整体.yaml", DEPARTMENT)
    repo.write(f"{EDU}/101-2025-004.yaml", project("101-2025-004", "教师培训").replace("项目年度绩效目标:", "项目年度目标:"))
    repo.commit("首次报送 2025年1-6月")
    repo.write(f"{EDU}/101-2025-002.yaml", project("101-2025-002", "涉密保障工程", confidential=True))
    repo.write(
        f"{HEALTH}/102-2025-001.yaml",
        project("102-2025-001", "卫生应急物资储备", confidential=True, department="朔州市卫生健康委员会", dept_code="102").replace(
            "朔州市卫生健康委员会本级", "朔州市卫生健康委员会本级"
        ),
    )
    repo.commit("报送涉密保障工程和卫生应急物资储备（101-2025-002）", author="李会计", email="li@example.cn")
    repo.edit(f"{EDU}/101-2025-001.yaml", "支出数: 60.2", "支出数: 95.00")
    repo.commit("更新6月支出数")
    repo.edit(f"{EDU}/101-2025-001.yaml", "绩效指标:\n", "绩效指标:\n" + INDICATOR)
    repo.commit("补充时效指标")
    repo.move(f"{EDU}/101-2025-001.yaml", f"{MOVED}/101-2025-001.yaml")
    repo.commit("教育局目录改名", author="王科长", email="wang@example.cn")
    return repo


def fake_attachments(root: Path) -> None:
    """Stand-ins for what `docgen build` renders for 101-2025-001 (an .xlsx and its .pdf; no .docx), where paths puts
    them, and for 101's 部门整体 as a build made them before its 涉密 project was one (withheld now: never published)."""
    from docgen import api
    from docgen.render import paths

    checked = api.check([root / "submissions"])
    [model] = [p for p in checked.projects if p.code == "101-2025-001"]
    xlsx = paths.attachments(root / "build", model)["xlsx"]
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    xlsx.write_bytes(b"xlsx stand-in")
    xlsx.with_suffix(".pdf").write_bytes(b"pdf stand-in")
    [overall] = [d for d in checked.departments if d.department_code == "101"]
    for left in paths.attachments(root / "build", overall).values():
        left.write_bytes(b"totals with the secret's money")


@dataclass
class Built:
    root: Path
    site: Path
    output: str
    exit_code: int

    def page(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")


def generated_sources(factory: pytest.TempPathFactory, name: str, count: int, edit: Callable[[list[Path]], None] | None = None) -> Path:
    """The site sources (build/site-src) of `count` generated projects in a fresh git repository, written by `docgen
    site` itself with a cache of their own; `edit` is given the project files first."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = factory.mktemp(name)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    projects = generate(root, count)
    if edit is not None:
        edit(projects)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root.parent / "cache"))
        api.site(root, today=TODAY)
    return root / S.SOURCE


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The site built once through the CLI (`docgen site --today 2025-07-20`), for every test that reads it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    from click.testing import CliRunner

    from docgen.cli import cli

    root = tmp_path_factory.mktemp("sitebuild")
    make_repo(root)
    fake_attachments(root)
    result = CliRunner().invoke(cli, ["site", "--root", str(root), "--today", TODAY.isoformat()], catch_exceptions=False)
    return Built(root, root / "site", result.output, result.exit_code)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, once per test file; the test is skipped without either."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (Debian package `chromium`; .ci/run installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()

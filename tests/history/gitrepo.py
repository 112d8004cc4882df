"""Real git repositories in tmp_path with fixed authors and dates, and the submissions committed to them."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

DEPT = "submissions/2025-06/101-教育局"
PROJECT_PATH = f"{DEPT}/101-2025-001.yaml"
ROSTER_PATH = "submissions/2025-06/名单.yaml"

ROSTER = """\
年度: 2025
截至月份: 6
截止日期: "2025-07-31"
部门:
  - 主管部门: 朔州市教育局
    主管部门代码: "101"
    预算单位: [朔州市教育局本级]
    应报项目:
      - 项目代码: "101-2025-001"
        项目名称: 城乡义务教育家庭经济困难学生生活补助
        预算单位: 朔州市教育局本级
      - 项目代码: "101-2025-002"
        项目名称: 教师培训
        预算单位: 朔州市教育局本级
"""

PROJECT = """\
年度: 2025
截至月份: 6
项目名称: 城乡义务教育家庭经济困难学生生活补助
项目代码: "101-2025-001"
主管部门: 朔州市教育局
主管部门代码: "101"
预算单位: 朔州市教育局本级
资金:
  中央财政资金: {上年结转: 0, 本年预算: 200.00, 下达数: 200.00, 支出数: 60.2, 全年预计支出数: 200.00}
项目年度绩效目标: 按标准足额发放生活补助。
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 资助学生人数
    年度指标值: ≥1000人
    指标完成情况: 600人
    全年指标预计完成情况: 1000人
    完成目标可能性: 确定能
  - 一级指标: 满意度指标
    二级指标: 服务对象满意度指标
    三级指标: 受助学生家长满意度
    年度指标值: ≥90%
    指标完成情况: 88%
    全年指标预计完成情况: 89%
    完成目标可能性: 有可能
    偏差原因分析: 部分学校通知不及时。
"""

INDICATOR = """\
  - 一级指标: 产出指标
    二级指标: 时效指标
    三级指标: 补助发放及时率
    年度指标值: ≥95%
    指标完成情况: 96%
    全年指标预计完成情况: 98%
    完成目标可能性: 确定能
"""


class GitRepo:
    """A repository whose commits have known authors and dates (so shas and outputs are exact)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = 0
        self.run("init", "-q", "-b", "main")

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        base.update({"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})})
        return subprocess.run(["git", *args], cwd=self.root, env=base, check=True, capture_output=True, text=True).stdout

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def edit(self, path: str, old: str, new: str) -> None:
        text = (self.root / path).read_text(encoding="utf-8")
        assert old in text, old
        self.write(path, text.replace(old, new, 1))

    def move(self, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.run("mv", old, new)

    def commit(self, message: str, author: str = "张会计", email: str = "zhang@example.cn") -> str:
        self.clock += 1
        date = f"2025-07-{self.clock:02d}T10:00:00+08:00"
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": date,
        }
        self.run("add", "-A")
        self.run("commit", "-q", "-m", message, env=env)
        return self.run("rev-parse", "HEAD").strip()


def review_loop_repo(where: Path) -> Path:
    """examples/review-loop's repository (two periods, the review folder, commits by unit and bureau), made at `where`
    by its own make_repo.py, as its README tells a reader to."""
    script = Path(__file__).resolve().parents[2] / "examples/review-loop/make_repo.py"
    spec = importlib.util.spec_from_file_location("make_repo", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made: Path = module.make(where)
    return made

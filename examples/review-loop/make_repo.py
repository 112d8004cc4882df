"""Make the review-loop demo a git repository whose history is the loop itself, with fixed dates and authors.

    python examples/review-loop/make_repo.py /tmp/review-loop

Copies this folder's submissions/ to the new folder and commits them in the order the loop runs: the roster and the
approved targets (批复目标), the units' reports (教育局 before the 截止日期 2025-07-31, 卫生健康委员会 after it: a late
submitter), the reviewers' opinions (a 退回), the 整改 and 结果应用 (a 调整目标 among them); then the September period,
where the returned project passes again and a 整改 item is overdue. A last report stays on a branch (`draft-102`): a
草稿, not on the main branch.
Same input, same commits (the shas do not change from run to run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (date, author, message, paths relative to submissions/), in the order the loop runs.
STEPS = (
    ("2025-07-10T09:00:00+08:00", "市财政局", "2025年1-6月报送名单", ["2025-06/名单.yaml"]),
    ("2025-07-10T09:30:00+08:00", "市财政局", "教育局 2025年项目绩效目标批复（docgen import-targets）", ["2025-06/批复目标/101.yaml"]),
    ("2025-07-20T10:00:00+08:00", "教育局", "教育局 2025年1-6月报送", ["2025-06/101-教育局"]),
    ("2025-07-25T16:00:00+08:00", "教育局", "教育局审核本部门报送", ["2025-06/审核/101-101.yaml"]),
    ("2025-08-03T11:00:00+08:00", "卫生健康委员会", "卫生健康委员会 2025年1-6月报送（逾期）", ["2025-06/102-卫生健康委员会"]),
    ("2025-08-05T15:00:00+08:00", "市财政局", "市财政局审核：101-2025-002 退回修改", ["2025-06/审核/财政局-101.yaml"]),
    ("2025-08-10T15:00:00+08:00", "市财政局", "市财政局审核卫生健康委员会", ["2025-06/审核/财政局-102.yaml"]),
    ("2025-08-12T09:30:00+08:00", "教育局", "教育局整改台账", ["2025-06/审核/整改-101.yaml"]),
    ("2025-08-20T17:00:00+08:00", "市财政局", "结果应用：调减预算、暂缓拨款、调整目标", ["2025-06/审核/结果应用-101.yaml"]),
    ("2025-10-08T09:00:00+08:00", "市财政局", "2025年1-9月报送名单", ["2025-09/名单.yaml"]),
    ("2025-10-20T10:00:00+08:00", "教育局", "教育局 2025年1-9月报送", ["2025-09/101-教育局", "2025-09/审核/整改-101.yaml"]),
    ("2025-10-28T10:00:00+08:00", "卫生健康委员会", "卫生健康委员会 2025年1-9月报送", ["2025-09/102-卫生健康委员会"]),
    ("2025-11-05T15:00:00+08:00", "市财政局", "市财政局审核：101-2025-002 通过", ["2025-09/审核/财政局-101.yaml"]),
)
DRAFT = "2025-09/102-卫生健康委员会/102-2025-003.yaml"  # committed on a branch only


MODELINE = "# yaml-language-server: $schema="


def _git(dest: Path, *args: str, when: str = "2025-07-01T00:00:00+08:00", author: str = "docgen") -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME=author,
        GIT_AUTHOR_EMAIL="demo@example.cn",
        GIT_AUTHOR_DATE=when,
        GIT_COMMITTER_NAME=author,
        GIT_COMMITTER_EMAIL="demo@example.cn",
        GIT_COMMITTER_DATE=when,
    )
    subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)


def make(dest: Path) -> Path:
    """The demo repository at `dest` (which must not exist yet); returns it."""
    shutil.copytree(HERE / "submissions", dest / "submissions")
    for path in (dest / "submissions").rglob("*.yaml"):  # the $schema links as in a repository of its own (two levels up here)
        text = path.read_text(encoding="utf-8")
        if text.startswith(MODELINE + "../../"):
            path.write_text(MODELINE + text.removeprefix(MODELINE + "../../"), encoding="utf-8")
    shutil.copy(HERE / ".gitignore", dest / ".gitignore")
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", ".gitignore")
    _git(dest, "commit", "-q", "-m", "仓库")
    draft = dest / "submissions" / DRAFT
    held = draft.read_bytes()
    draft.unlink()
    for when, author, message, paths in STEPS:
        _git(dest, "add", *(f"submissions/{p}" for p in paths))
        _git(dest, "commit", "-q", "-m", message, when=when, author=author)
    _git(dest, "checkout", "-q", "-b", "draft-102")
    draft.write_bytes(held)
    _git(dest, "add", f"submissions/{DRAFT}")
    _git(dest, "commit", "-q", "-m", "卫生健康委员会：重大传染病防控经费（草稿）", when="2025-10-29T10:00:00+08:00", author="卫生健康委员会")
    _git(dest, "checkout", "-q", "main")  # the README's commands run on main, where the draft is not
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2 or Path(sys.argv[1]).exists():
        sys.exit("用法：python examples/review-loop/make_repo.py <新目录>（目录不能已存在）")
    print(make(Path(sys.argv[1])))

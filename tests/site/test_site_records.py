"""`docgen site` plans from the streamed check's records (each project as its identity and record, read whole only in
the worker that renders its page) and publishes what the site planned from the models publishes, byte for byte."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from docgen import api
from docgen.site import generate as S
from tests.history.gitrepo import review_loop_repo

from .test_incremental import tree

TODAY = date(2025, 11, 10)
SEPTEMBER = "submissions/2025-09"


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def both(root: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The sources and the site of `root`, built cold from the records and then cold from the models."""
    out = []
    for records in (True, False):
        shutil.rmtree(root / "site", ignore_errors=True)
        shutil.rmtree(root / "build", ignore_errors=True)
        api.site(root, today=TODAY, cache=False, records=records)
        out.append({**tree(root / S.SOURCE / "docs"), **{f"site/{k}": v for k, v in tree(root / "site").items()}})
    return out[0], out[1]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review loop's two periods (approved targets, 结果应用, review records, history), with a 涉密 project (file and
    roster), one 涉密 in its file only (E311: flawed), two files claiming one code (E309: flawed, shown) and a file
    that breaks the schema (no model)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root: Path = review_loop_repo(tmp_path_factory.mktemp("records") / "repo")
    edit(root, f"{SEPTEMBER}/101-教育局/101-2025-002.yaml", "涉密: false", "涉密: true")
    line = '      - 项目代码: "101-2025-002"\n        项目名称: 朔州市第一中学教学楼抗震加固改造工程\n'
    edit(root, f"{SEPTEMBER}/名单.yaml", line, line + "        涉密: true\n")
    edit(root, f"{SEPTEMBER}/102-卫生健康委员会/102-2025-002.yaml", "涉密: false", "涉密: true")
    folder = root / SEPTEMBER / "101-教育局"
    shutil.copy(folder / "101-2025-003.yaml", folder / "101-2025-003-copy.yaml")
    edit(root, f"{SEPTEMBER}/102-卫生健康委员会/102-2025-001.yaml", "项目年度绩效目标:", "项目年度目标:")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "涉密、重复和有错误的报送"], cwd=root, check=True)
    return root


def test_the_site_from_records_equals_the_site_from_models(repo: Path) -> None:
    _, view = api._site_checked(api.Workspace.at(repo), cache=False)
    assert view is not None and view.result.flawed_projects  # planned from the records, with flawed projects
    from_records, from_models = both(repo)
    assert from_records.keys() == from_models.keys()
    assert [name for name in from_records if from_records[name] != from_models[name]] == []
    docs = "\n".join(v.decode("utf-8", "replace") for k, v in from_records.items() if k.endswith(".md"))
    assert "有错误" in docs and "批复目标与报送" in docs
    assert "抗震加固" not in docs  # the 涉密 project's name, on no page of either period

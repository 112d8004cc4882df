"""build/ is published: neither `docgen feedback` nor `docgen export` may put there what the 涉密 rules withhold.

The review-loop demo with 101-2025-002 and 101-2025-003 marked 涉密 (file and roster, both periods): 教育局 holds two
涉密 projects, fewer than k = 3, so its 部门整体 (附件3) is withheld. Its feedback letter counts and lists only the
public submissions and gives no light or finding of its 部门整体; its 附件3 is not exported, and the summary says so."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from docgen import api
from docgen.cli import cli
from tests.history.gitrepo import review_loop_repo

SECRETS = ("101-2025-002", "101-2025-003")
EDU = "101-教育局"


def _make(where: Path) -> Path:
    made: Path = review_loop_repo(where)
    for period in ("2025-06", "2025-09"):
        folder = made / "submissions" / period
        for code in SECRETS:
            path = folder / EDU / f"{code}.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace("涉密: false", "涉密: true"), encoding="utf-8")
        roster = folder / "名单.yaml"
        text = roster.read_text(encoding="utf-8")
        for code in SECRETS:
            text = re.sub(rf'(项目代码: "{code}"\n(?:        .*\n)*?        预算单位: .*\n)', r"\1        涉密: true\n", text)
        roster.write_text(text, encoding="utf-8")
    subprocess.run(["git", "-C", str(made), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(made), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "涉密"], check=True)
    return made


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    made = _make(tmp_path / "repo")
    result = api.check([made / "submissions"])
    assert ("2025-06", "101") in api.confidential.withheld_departments(result)  # the setup is what the tests mean
    return made


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def test_the_feedback_letter_counts_and_lists_only_public_submissions(repo: Path) -> None:
    done = CliRunner().invoke(cli, ["feedback", "--period", "2025-06", "--root", str(repo)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    letters = sorted((repo / "build").rglob("审核结果反馈-101-*.docx"))
    assert len(letters) == 1
    text = _docx_text(letters[0])
    # one public project (101-2025-001) and the 部门整体: counted as such, never the 4 that include the 涉密 ones
    assert "应报项目 1 个，已报送 2 份" in text, text
    assert "应报项目 3 个" not in text and "已报送 4 份" not in text
    for code in SECRETS:
        assert code not in text
    # the withheld 部门整体 gives no light and no indicator finding (they are its figures)
    assert not re.search(r"部门整体（[^）]*）：红灯", text), text
    for path in (repo / "build").rglob("*"):  # nothing under build/ names a 涉密 code
        if path.suffix == ".docx":
            assert not any(code in _docx_text(path) for code in SECRETS)


def test_export_leaves_out_a_withheld_departments_whole_department_form(repo: Path) -> None:
    done = CliRunner().invoke(cli, ["export", "--period", "2025-06", "--root", str(repo)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    out = repo / "build" / "export" / "2025-06"
    books = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert books and not any(p.startswith(f"{EDU}/附件3") for p in books), books
    assert any(p.startswith("102-") and "/附件3" in p for p in books), books  # a department without 涉密 keeps its own
    assert "部门整体（附件3）1 份未导出" in done.stderr  # the summary says what was left out, and why
    for path in out.rglob("*.xlsx"):
        book = openpyxl.load_workbook(path)
        cells = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None)
        assert not any(code in cells for code in SECRETS)


def test_export_of_the_next_period_carries_no_withheld_figures(repo: Path) -> None:
    done = CliRunner().invoke(cli, ["export", "--period", "2025-09", "--department", "101", "--root", str(repo)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    out = repo / "build" / "export" / "2025-09"
    assert not list(out.rglob("附件3*.xlsx"))

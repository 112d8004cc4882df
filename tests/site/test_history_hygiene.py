"""The site's history (recent.html, the project page) shows neither personal data (填报人, 联系电话, 单位负责人: 附件1
only) nor a bidi control or non-character from git (a commit message, an author, an old version of a file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import cli
from tests.history.gitrepo import PROJECT, PROJECT_PATH, ROSTER, ROSTER_PATH, GitRepo

PERSONAL = ("李明哲", "张小红", "13912345678", "13800001111")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = GitRepo(tmp_path_factory.mktemp("hygiene"))
    repo.write(ROSTER_PATH, ROSTER)
    repo.write(PROJECT_PATH, PROJECT + '填报人: 李明哲\n联系电话: "13912345678"\n')
    repo.commit("首次报送")
    repo.edit(PROJECT_PATH, "填报人: 李明哲", "填报人: 张小红")
    repo.edit(PROJECT_PATH, '联系电话: "13912345678"', '联系电话: "13800001111"')
    repo.edit(PROJECT_PATH, "支出数: 60.2", "支出数: 95")
    repo.commit("更换填报人")
    repo.edit(PROJECT_PATH, "按标准足额发放生活补助。", '"按标准\\u202e足额\\ufffe发放生活补助。"')
    repo.commit("改目标\u202e伪装", author="张\u202e会计")
    result = CliRunner().invoke(cli, ["site", "--root", str(repo.root), "--today", "2025-07-20"], catch_exceptions=False)
    assert (repo.root / "site" / "recent.html").is_file(), result.output
    return repo.root / "site"


def _published(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.suffix in (".html", ".json", ".js"))


def test_personal_data_never_reaches_the_site(site: Path) -> None:
    published = _published(site)
    assert not [word for word in PERSONAL if word in published]
    assert "95.00" in (site / "recent.html").read_text(encoding="utf-8")  # silent: the other change of that commit shows


def test_bidi_controls_from_git_are_shown_as_a_marker(site: Path) -> None:
    recent = (site / "recent.html").read_text(encoding="utf-8")
    assert "改目标\ufffd伪装" in recent  # firing: the message is there, its override replaced
    published = _published(site)
    assert "\u202e" not in published and "\ufffe" not in published
    assert "首次报送" in recent or "更换填报人" in recent  # silent: clean messages unchanged

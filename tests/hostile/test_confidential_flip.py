"""A project made 涉密 after `docgen build` and `docgen site`: the next build is not refused for the last site's page
of it in build/site-src (which the site replaces); it removes those sources, says why and what to do, and nothing
涉密 is left in build/, nor in site/ once `docgen site` runs again. Real child processes, as CI runs them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.hostile.test_confidential import artefacts
from tests.hostile.test_outputs import TODAY, docgen

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from generate import generate

CODE = "103-2025-0012"  # the project made 涉密; alone in its department, so its department's totals are withheld too
NOTICE = "是上次 docgen site 生成的站点源文件"


def secrets_of(path: Path) -> list[str]:
    """What must never be published of the project: its code, and its 本年预算 figures (the generator's, distinctive)."""
    figures = re.findall(r"本年预算: ([0-9]+\.[0-9]+)", path.read_text(encoding="utf-8"))
    return [CODE, *(f"{float(f):.2f}" for f in figures)]


def found(root: Path, secrets: list[str], folders: tuple[str, ...]) -> list[str]:
    return sorted(
        {
            f"{where}: {s}"
            for where, text in artefacts(root, {})
            if where.startswith(folders)
            for s in secrets
            if re.search(rf"(?<![0-9.]){re.escape(s)}(?![0-9])", text)
        }
    )


def flip(root: Path, *, file: bool, roster: bool) -> None:
    path = next((root / "submissions").rglob(f"{CODE}.yaml"))
    if file:
        path.write_text(path.read_text(encoding="utf-8") + "涉密: true\n", encoding="utf-8")
    if roster:
        listed = next((root / "submissions").rglob("名单.yaml"))
        text = listed.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if f'"{CODE}"' in line)
        listed.write_text(text.replace(line, line.removesuffix("}") + ", 涉密: true}"), encoding="utf-8")


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    generate(root, 20)
    for command in (("build",), ("site", "--today", TODAY)):
        assert docgen(root, *command).returncode == 0
    return root


def test_a_build_after_the_flip_removes_the_last_sites_sources_and_goes_on(tree: Path) -> None:
    secrets = secrets_of(next((tree / "submissions").rglob(f"{CODE}.yaml")))
    assert found(tree, secrets, ("site/", "build/site-src/"))  # public until now: the test looks for the right things
    flip(tree, file=True, roster=True)
    built = docgen(tree, "build")
    said = built.stdout + built.stderr
    assert built.returncode == 0, said
    notice = next(line for line in said.splitlines() if NOTICE in line)
    assert "docgen site" in notice and CODE not in notice  # says what to do, names no page of it (its name has the code)
    assert not (tree / "build" / "site-src").exists()
    assert found(tree, secrets, ("build/",)) == []
    site = docgen(tree, "site", "--today", TODAY)
    assert site.returncode == 0, site.stdout + site.stderr
    assert (tree / "build" / "site-src").is_dir()
    assert found(tree, secrets, ("build/", "site/")) == []
    assert not list((tree / "site").rglob("*汇总表*"))  # the site publishes no 汇总表: a stale one never reaches it
    again = docgen(tree, "build")
    assert again.returncode == 0 and NOTICE not in again.stdout + again.stderr


def test_a_site_before_the_build_publishes_nothing_of_it_either(tree: Path) -> None:
    secrets = secrets_of(next((tree / "submissions").rglob(f"{CODE}.yaml")))
    flip(tree, file=True, roster=True)
    site = docgen(tree, "site", "--today", TODAY)
    assert site.returncode == 0 and found(tree, secrets, ("site/", "build/site-src/")) == []
    built = docgen(tree, "build")
    assert built.returncode == 0 and NOTICE not in built.stdout + built.stderr
    assert found(tree, secrets, ("build/", "site/")) == []


def test_a_flag_in_the_roster_only_is_e311_at_the_file_and_the_site_shows_nothing_of_it(tree: Path) -> None:
    secrets = secrets_of(next((tree / "submissions").rglob(f"{CODE}.yaml")))
    flip(tree, file=False, roster=True)
    built = docgen(tree, "build")
    said = built.stdout + built.stderr
    assert built.returncode == 1 and "E311" in said and NOTICE not in said and "发布检查" not in said
    site = docgen(tree, "site", "--today", TODAY)
    assert site.returncode == 0 and found(tree, secrets, ("site/", "build/site-src/")) == []

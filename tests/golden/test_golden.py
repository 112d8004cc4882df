"""Golden snapshots: the demo's outputs, normalised (normalise.py), equal to tests/golden/snapshots/.

The referee for refactorings: a move that leaves outputs alone passes; a deliberate change of output fails here
until someone runs `pytest tests/golden --update-golden` and reviews `git diff tests/golden`. See README.md.
"""

from __future__ import annotations

import difflib
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from docgen import api
from tests.conftest import GOLDEN_UPDATES, ROOT
from tests.golden.normalise import dumps, normalise
from tests.history.gitrepo import GitRepo

SNAPSHOTS = Path(__file__).parent / "snapshots"
TODAY = date(2025, 7, 20)  # the site's 「生成日期」 and days to the deadline
SITE_SOURCE = "build/site-src/docs"
#: The site pages kept: home, the period's dashboard, one department (with a 涉密 project left out), one project
#: with warnings, and the timeline of recent changes (from the one fixed-date commit below).
#: 104 has one 涉密 project, so its page withholds the department's totals; 103's page shows them.
SITE_PAGES = (
    "index.md",
    "2025-06/index.md",
    "2025-06/103/index.md",
    "2025-06/104/index.md",
    "2025-06/104/104-2025-002.md",
    "recent.md",
)
SUFFIX = ".json"
FLAG = "--update-golden"


def _outputs(root: Path) -> list[str]:
    """Every output compared, as root-relative paths: build/ (its hidden caches and the site sources left out),
    and the chosen site pages."""
    site_source = (root / SITE_SOURCE).parent
    found = [
        p.relative_to(root).as_posix()
        for p in (root / api.BUILD).rglob("*")
        if p.is_file() and not p.name.startswith(".") and site_source not in p.parents
    ]
    return sorted(found + [f"{SITE_SOURCE}/{page}" for page in SITE_PAGES])


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The demo built once in a temporary copy (`docgen build`, then `docgen site`): output path -> snapshot text."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the site's history needs it")
    root = tmp_path_factory.mktemp("golden")
    for folder in (api.SUBMISSIONS, "schema"):  # no templates/: docgen's own, from the package
        shutil.copytree(ROOT / folder, root / folder)
    repo = GitRepo(root)  # one commit with a fixed author and date: the site's history shows it
    repo.run("add", api.SUBMISSIONS)
    repo.commit("首次报送 2025年1-6月")
    before = Path.cwd()
    os.chdir(root)  # as `docgen build` is run: from the repository
    try:
        api.build(root, jobs=1)
        api.site(root, today=TODAY)
    finally:
        os.chdir(before)
    return {name: dumps(normalise(root / name, root)) for name in _outputs(root)}


def _snapshot(name: str) -> Path:
    return SNAPSHOTS / (name + SUFFIX)


def _stored() -> list[str]:
    return sorted(p.relative_to(SNAPSHOTS).as_posix()[: -len(SUFFIX)] for p in SNAPSHOTS.rglob("*" + SUFFIX))


def _record(config: pytest.Config, line: str) -> None:
    config.stash.setdefault(GOLDEN_UPDATES, []).append(line)


def _diff(name: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"snapshot {name}", f"output {name}", n=2)
    return "".join(lines)


@pytest.fixture(autouse=True)
def _updating(request: pytest.FixtureRequest) -> None:
    if request.config.getoption(FLAG):
        request.config.stash.setdefault(GOLDEN_UPDATES, [])


@pytest.mark.parametrize("name", _stored())
def test_output_matches_its_snapshot(name: str, golden: dict[str, str], request: pytest.FixtureRequest) -> None:
    update = request.config.getoption(FLAG)
    path = _snapshot(name)
    if name not in golden:
        if update:
            path.unlink()
            for folder in path.parents:  # empty folders of removed snapshots go too
                if folder == SNAPSHOTS or any(folder.iterdir()):
                    break
                folder.rmdir()
            _record(request.config, f"removed  {path.relative_to(ROOT)}")
            return
        pytest.fail(
            f"snapshot {path.relative_to(ROOT)} has no output: the demo no longer writes {name}\n"
            f"If that is intended, run `pytest tests/golden {FLAG}` and review `git diff tests/golden` before committing.",
            pytrace=False,
        )
    stored = path.read_text(encoding="utf-8")
    if stored == golden[name]:
        return
    if update:
        path.write_text(golden[name], encoding="utf-8")
        _record(request.config, f"updated  {path.relative_to(ROOT)}")
        return
    pytest.fail(
        f"{name} differs from its golden snapshot:\n{_diff(name, stored, golden[name])}\n"
        f"If the change is intended, run `pytest tests/golden {FLAG}` and review `git diff tests/golden` before committing.",
        pytrace=False,
    )


def test_every_output_has_a_snapshot(golden: dict[str, str], request: pytest.FixtureRequest) -> None:
    new = sorted(set(golden) - set(_stored()))
    if request.config.getoption(FLAG):
        for name in new:
            path = _snapshot(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(golden[name], encoding="utf-8")
            _record(request.config, f"added    {path.relative_to(ROOT)}")
        return
    assert not new, (
        f"outputs with no golden snapshot: {', '.join(new)}\n"
        f"If they are intended, run `pytest tests/golden {FLAG}` and review `git diff tests/golden` before committing."
    )

"""Golden snapshots of each built-in profile's demo (examples/profiles/<id>/): its outputs under its own profile.

The demo chooses its profile in its docgen.yaml; nothing else tells docgen that it is a 县级 or 区级 repository. Each
demo is built in a temporary copy (`api.build`, then `api.site` with today = 2025-07-20 after one fixed commit) and
every output, normalised as in test_golden.py, is compared with tests/golden/profiles/<id>/. `--update-golden`
rewrites, adds and removes them as there (see README.md).
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from docgen import api
from tests.conftest import GOLDEN_UPDATES, ROOT
from tests.golden.normalise import dumps, normalise
from tests.golden.test_golden import FLAG, SUFFIX, TODAY, _diff
from tests.history.gitrepo import GitRepo

DEMOS = ROOT / "examples" / "profiles"
SNAPSHOTS = Path(__file__).parent / "profiles"
SITE_SOURCE = "build/site-src/docs"
SITE_PAGES = ("index.md", "2025-06/index.md", "2025-06/101/index.md", "guide/submit.md", "guide/forms.md")
#: The 区级 and 县级 demos (the national and Hubei demos have theirs in test_profile_demos.py).
PROFILES = ("shuozhou-county", "shuozhou-district")
assert date(2025, 7, 20) == TODAY


def _outputs(root: Path) -> list[str]:
    site_source = (root / SITE_SOURCE).parent
    found = [
        p.relative_to(root).as_posix()
        for p in (root / api.BUILD).rglob("*")
        if p.is_file() and not p.name.startswith(".") and site_source not in p.parents
    ]
    return sorted(found + [f"{SITE_SOURCE}/{page}" for page in SITE_PAGES])


@pytest.fixture(scope="module", params=PROFILES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """One demo built once in a temporary copy: (profile id, output path -> snapshot text)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the site's history needs it")
    profile_id = request.param
    root = tmp_path_factory.mktemp(profile_id)
    shutil.copytree(DEMOS / profile_id, root, dirs_exist_ok=True)
    repo = GitRepo(root)
    repo.run("add", api.SUBMISSIONS, "docgen.yaml")
    repo.commit("首次报送 2025年1-6月")
    before = Path.cwd()
    os.chdir(root)
    try:
        api.build(root, jobs=1)
        api.site(root, today=TODAY)
    finally:
        os.chdir(before)
    return profile_id, {name: dumps(normalise(root / name, root)) for name in _outputs(root)}


def _stored(profile_id: str) -> list[str]:
    folder = SNAPSHOTS / profile_id
    return sorted(p.relative_to(folder).as_posix()[: -len(SUFFIX)] for p in folder.rglob("*" + SUFFIX))


def test_the_demo_matches_its_snapshots(built: tuple[str, dict[str, str]], request: pytest.FixtureRequest) -> None:
    """Every output equals its snapshot, every snapshot has its output (with --update-golden: made so, and listed)."""
    profile_id, outputs = built
    folder = SNAPSHOTS / profile_id
    update = request.config.getoption(FLAG)
    problems = []
    for name in sorted(set(outputs) | set(_stored(profile_id))):
        path = folder / (name + SUFFIX)
        stored = path.read_text(encoding="utf-8") if path.is_file() else None
        if stored == outputs.get(name):
            continue
        if update:
            if name in outputs:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(outputs[name], encoding="utf-8")
            else:
                path.unlink()
            request.config.stash.setdefault(GOLDEN_UPDATES, []).append(f"wrote    {path.relative_to(ROOT)}")
            continue
        if stored is None:
            problems.append(f"{name}: an output with no snapshot")
        elif name not in outputs:
            problems.append(f"{name}: a snapshot with no output")
        else:
            problems.append(_diff(name, stored, outputs[name]))
    assert not problems, "\n".join(problems) + f"\nIf intended, run `pytest tests/golden {FLAG}` and review `git diff tests/golden`."


def test_the_titles_and_wording_follow_the_level(built: tuple[str, dict[str, str]]) -> None:
    """The demo's docgen.yaml alone makes its 附件 titles, roll-ups and site say 县级/区级, and never 市级."""
    profile_id, outputs = built
    level = {"shuozhou-county": "县级", "shuozhou-district": "区级"}[profile_id]
    area = "全" + level[0]
    attachment2 = next(text for name, text in outputs.items() if "/附件2-" in name)
    attachment3 = next(text for name, text in outputs.items() if "/附件3-" in name)
    assert f"{level}项目支出绩效运行监控表" in attachment2
    assert f"{level}部门整体支出绩效运行监控表" in attachment3
    city = next(name for name in outputs if name.endswith("绩效监控汇总表.xlsx") and "/101-" not in name)
    assert Path(city).name.startswith(f"{area}-")
    assert f"{level}部门预算绩效运行监控汇总表" in outputs[city]
    assert f"本站汇总{level}部门" in outputs[f"{SITE_SOURCE}/index.md"]
    assert f"{area}预算执行" in outputs[f"{SITE_SOURCE}/2025-06/index.md"]
    for name, text in outputs.items():
        assert "市级项目支出" not in text and "市级部门整体" not in text and "市级部门预算" not in text, name

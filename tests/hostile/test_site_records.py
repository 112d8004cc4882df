"""`docgen site` planned from the streamed check's records (api._RecordsView), attacked as a clerk submitting by pull
request would: the hostile 涉密 corpus (a flag only in the file, only in the roster, a code 涉密 in one period and
public in another, a public text naming a secret), a department holding only broken files (YAML, schema, non-UTF-8,
a link out of the repository, a file over its bound), an empty period, and a file changed between the check and
the page worker. The records must give the very 涉密 list and the very site the models give, and a changed file
is refused (E840), never rendered."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from docgen import api, confidential
from docgen.errors import DocgenError
from docgen.form import limits
from docgen.site import generate as S
from docgen.workspace import Workspace
from tests.history.gitrepo import GitRepo
from tests.hostile.test_confidential import PERIOD, PUBLIC, S1, S2, S4, SECRETS, project, write_corpus
from tests.site.test_incremental import tree

TODAY = date(2025, 7, 20)
BROKEN = "305-局"
#: the broken files of a department that holds nothing else (name -> bytes), each listed on the roster
BROKEN_FILES = {
    "305-2025-001.yaml": "项目名称: [未闭合\n项目代码: '305-2025-001\n".encode(),
    "305-2025-002.yaml": project("305-2025-002", "公开缺字段项目", "305", PUBLIC["301"][2]).replace("资金:", "资金明细:").encode(),
    "305-2025-003.yaml": project("305-2025-003", "公开编码项目", "305", PUBLIC["301"][2]).encode("gb18030"),
    "305-2025-005.yaml": b"# " + b"x" * (limits.MAX_FILE_BYTES + 10) + b"\n",
}
OUTSIDE = "外部机密工程"  # what the link out of the repository points at: never read, never shown
TYPED = S2[2][2]  # S2's 支出数, typed into a public project's text


def hostile_repo(where: Path) -> GitRepo:
    where.mkdir()
    repo = GitRepo(where)
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    write_corpus(repo, file_only=S1[1], roster_only=S4[1])  # two flawed secrets (E311), each flagged in one place only
    code, name, funds = PUBLIC["302"]  # a public text typing a secret figure from the start: public (no oracle)
    repo.write(f"{PERIOD}/302-局/{code}.yaml", project(code, name, "302", funds, text=f"偏差原因：涉及{TYPED}万元调整。"))
    repo.run("reset", "-q", "--soft", "HEAD~1")  # not a change in the public history: only its text makes it public
    repo.commit("报送；道路改造改名并定为涉密")
    earlier = "submissions/2025-05/301-局"  # S1 a period before, flagged nowhere: its code hides it there too
    repo.write(f"{earlier}/{S1[1]}.yaml", project(S1[1], S1[0], "301", S1[2]).replace("截至月份: 6", "截至月份: 5"))
    code, name, funds = PUBLIC["301"]
    repo.write(f"{earlier}/{code}.yaml", project(code, name, "301", funds).replace("截至月份: 6", "截至月份: 5"))
    roster = (where / PERIOD / "名单.yaml").read_text(encoding="utf-8")
    listed = "".join(
        f'      - {{项目代码: "305-2025-00{i}", 项目名称: 公开坏文件{i}, 预算单位: 局305本级, 涉密: false}}\n' for i in range(1, 6)
    )
    department = '  - 主管部门: 局305\n    主管部门代码: "305"\n    预算单位: [局305本级]\n    应报项目:\n'
    repo.write(f"{PERIOD}/名单.yaml", roster + department + listed)
    for name_, data in BROKEN_FILES.items():
        (where / PERIOD / BROKEN / name_).parent.mkdir(parents=True, exist_ok=True)
        (where / PERIOD / BROKEN / name_).write_bytes(data)
    (where.parent / "outside.yaml").write_text(project("305-2025-004", OUTSIDE, "305", PUBLIC["301"][2]), encoding="utf-8")
    (where / PERIOD / BROKEN / "305-2025-004.yaml").symlink_to(where.parent / "outside.yaml")
    repo.write("submissions/2025-07/名单.yaml", '年度: 2025\n截至月份: 7\n截止日期: "2025-08-31"\n部门: []\n')  # nothing due yet
    repo.commit("坏文件、空的月份")
    return repo


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return hostile_repo(tmp_path_factory.mktemp("records-hostile") / "repo").root


def secrets_of(root: Path, records: bool) -> confidential.Secrets:
    """The 涉密 list `docgen site` publishes by, planned from the records or from the models."""
    result, view = api._site_checked(Workspace.at(root), cache=False, records=records)
    assert (view is not None) == records
    load, amounts = (view.load, view.printed) if view is not None else (None, None)
    return confidential.secrets(root, result, load=load, amounts=amounts)


def test_the_records_give_the_models_secrets(hostile: Path) -> None:
    from_records, from_models = secrets_of(hostile, True), secrets_of(hostile, False)
    assert from_records.digest() == from_models.digest()
    assert (from_records.codes, from_records.figures) == (from_models.codes, from_models.figures)
    for name, code, _ in SECRETS:
        assert from_records.hides(code) and from_records.found_in(name), code  # each, flawed or valid, in the list
    assert from_records.figure_in(f"涉及{TYPED}万元") is None  # typed in a public text (read whole from its file)
    assert from_records.figure_in(f"涉及{S2[2][0]}万元") is not None  # the rest of S2 stays secret


def site_of(root: Path, records: bool) -> dict[str, bytes]:
    for folder in ("site", "build"):
        shutil.rmtree(root / folder, ignore_errors=True)
    api.site(root, today=TODAY, cache=False, records=records)
    return {**tree(root / S.SOURCE / "docs"), **{f"site/{k}": v for k, v in tree(root / "site").items()}}


def test_the_site_from_records_is_the_site_from_models(hostile: Path) -> None:
    from_records, from_models = site_of(hostile, True), site_of(hostile, False)
    assert sorted(from_records) == sorted(from_models)
    assert [name for name in from_records if from_records[name] != from_models[name]] == []
    published = "\n".join(v.decode("utf-8", "replace") for k, v in from_records.items() if not k.endswith((".png", ".woff2", ".gz")))
    for name, code, _ in SECRETS:
        assert name not in published and code not in published, code
    assert OUTSIDE not in published
    page = from_records[f"{PERIOD.removeprefix('submissions/')}/305/index.md"].decode("utf-8")
    assert page.count("有错误") >= len(BROKEN_FILES) + 1, page  # every broken file listed as 有错误, the link too
    for code in ("E101", "E108", "E115"):  # YAML, over its bound, a link: each with its message on its page
        assert any(code in v.decode("utf-8", "replace") for k, v in from_records.items() if k.startswith("2025-06/305/")), code


def test_a_file_changed_after_the_check_is_refused_not_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clerk's file rewritten (涉密 now, a new name) while `docgen site` runs, after its check and before its page is
    rendered: the page worker finds the bytes are not the checked ones and refuses (E840); the new name, which the
    涉密 list planned from the check does not know, is on no page."""
    repo = hostile_repo(tmp_path / "repo")
    code, name, funds = PUBLIC["302"]
    path = repo.root / PERIOD / "302-局" / f"{code}.yaml"
    checked = api._site_checked

    def then_rewritten(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = checked(*args, **kwargs)
        path.write_text(project(code, "改名后的机密工程", "302", funds, secret=True), encoding="utf-8")
        return out

    monkeypatch.setattr(api, "_site_checked", then_rewritten)
    with pytest.raises(DocgenError, match=r"E840|校验之后被改动"):
        api.site(repo.root, today=TODAY, cache=False)
    written = [p for p in (repo.root / "build").rglob("*") if p.is_file()] + [p for p in (repo.root / "site").rglob("*") if p.is_file()]
    assert not any("改名后的机密工程".encode() in p.read_bytes() for p in written)
    assert name  # the public name it had: checked, so a page may hold it; the new bytes may not


def warm_then_cold(root: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The site from the records with the user's cache warm from the last site, then the cold site from the models."""
    subprocess.run(["git", "commit", "-qam", "更正"], cwd=root, check=True)
    api.site(root, today=TODAY, cache=True)
    warm = {**tree(root / S.SOURCE / "docs"), **{f"site/{k}": v for k, v in tree(root / "site").items()}}
    cold = site_of(root, records=False)
    api.site(root, today=TODAY, cache=True)  # the cache warm again for the next edit
    return warm, cold


def test_a_warm_site_from_records_after_edits_is_the_cold_site_from_models(tmp_path: Path) -> None:
    """The user's cache (pages kept, verdicts, history) warm from a site before; then, one at a time, the 文号 of a
    目标调整 record (its findings stay: the difference is still justified), a 批复目标 value, and a project made 涉密
    (file and roster). Each next site from the records shows the change, as the cold site from the models does, byte
    for byte: no page is kept by a key that missed what its rows against the approved targets are compared from."""
    from tests.history.gitrepo import review_loop_repo

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = review_loop_repo(tmp_path / "repo")
    api.site(root, today=TODAY, cache=True)
    adjusted_page = "2025-06/101/101-2025-003.md"
    before = (root / S.SOURCE / "docs" / adjusted_page).read_bytes()
    adjusted = root / "submissions/2025-06/审核/结果应用-101.yaml"
    adjusted.write_text(adjusted.read_text(encoding="utf-8").replace("朔财绩〔2025〕15号", "朔财绩〔2025〕16号", 1), encoding="utf-8")
    warm, cold = warm_then_cold(root)
    assert [name for name in sorted({*warm, *cold}) if warm.get(name) != cold.get(name)] == []
    assert warm[adjusted_page] != before and "朔财绩〔2025〕16号" in warm[adjusted_page].decode("utf-8")

    approved = root / "submissions/2025-06/批复目标/101.yaml"
    approved.write_text(approved.read_text(encoding="utf-8").replace("≥12000人", "≥13000人", 1), encoding="utf-8")
    warm, cold = warm_then_cold(root)
    assert [name for name in sorted({*warm, *cold}) if warm.get(name) != cold.get(name)] == []
    assert "≥13000人" in warm["2025-06/101/101-2025-001.md"].decode("utf-8")

    secret = "朔州市第一中学教学楼抗震加固改造工程"
    assert secret in (root / "site" / "2025-09" / "101" / "index.html").read_text(encoding="utf-8")
    for period in ("2025-06", "2025-09"):
        project_file = root / f"submissions/{period}/101-教育局/101-2025-002.yaml"
        project_file.write_text(project_file.read_text(encoding="utf-8").replace("涉密: false", "涉密: true", 1), encoding="utf-8")
        roster = root / f"submissions/{period}/名单.yaml"
        line = f"        项目名称: {secret}\n"
        roster.write_text(roster.read_text(encoding="utf-8").replace(line, line + "        涉密: true\n", 1), encoding="utf-8")
    warm, cold = warm_then_cold(root)
    assert [name for name in sorted({*warm, *cold}) if warm.get(name) != cold.get(name)] == []
    pages = "\n".join(v.decode("utf-8", "replace") for k, v in warm.items() if k.endswith((".md", ".html", ".json", ".xml")))
    assert secret not in pages


@pytest.mark.parametrize("records", [True, False], ids=["records", "models"])
def test_a_code_secret_only_in_a_flawed_file_withholds_an_earlier_periods_totals(tmp_path: Path, records: bool) -> None:
    """S1 public in 2025-05 and 涉密 in 2025-06 by its file alone (E311: refused, 涉密 until fixed): 涉密 in every period
    as when both flags agree, so 301's 2025-05 部门整体 totals (S1 = total - the rest) are withheld, from the records
    as from the models."""
    from tests.hostile.test_confidential import department

    (tmp_path / "repo").mkdir()
    repo = GitRepo(tmp_path / "repo")
    repo.write("README.md", "corpus\n")
    repo.commit("init")
    write_corpus(repo, file_only=S1[1])
    earlier = "submissions/2025-05/301-局"
    repo.write(f"{earlier}/{S1[1]}.yaml", project(S1[1], S1[0], "301", S1[2]).replace("截至月份: 6", "截至月份: 5"))
    code, name, funds = PUBLIC["301"]
    repo.write(f"{earlier}/{code}.yaml", project(code, name, "301", funds).replace("截至月份: 6", "截至月份: 5"))
    repo.write(f"{earlier}/部门整体.yaml", department("301", "8765.43").replace("截至月份: 6", "截至月份: 5"))
    repo.commit("2025年1-5月")
    result, _ = api._site_checked(Workspace.at(repo.root), cache=False, records=records)
    assert ("2025-05", "301") in confidential.withheld_departments(result)
    site_of(repo.root, records)
    published = (repo.root / "site" / "2025-05" / "301" / "index.html").read_text(encoding="utf-8")
    assert "8765.43" not in published and "8,765.43" not in published
    assert S1[0] not in published and name in published

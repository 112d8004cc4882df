"""`docgen site` after an edit renders only the project pages whose sources changed, and publishes what a cold build
would: the same files, byte for byte (sitemap.xml.gz compared unpacked: gzip stamps the time)."""

from __future__ import annotations

import gc
import gzip
import shutil
from pathlib import Path
from typing import Any

import pytest

from docgen import api
from docgen.errors import DocgenError
from docgen.output import UnsafeOutput
from docgen.site import generate as S

from .conftest import EDU, MOVED, PERIOD, TODAY, fake_attachments, make_repo, project

KEPT = "2025-06/101/101-2025-004.html"  # a page the edits below do not touch
EDITED = "2025-06/101/101-2025-001.html"


def tree(folder: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            files[path.relative_to(folder).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
    return files


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The site fixture's repository, its site built cold in runs of one project page (the incremental regime)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setattr(S, "BATCH", 1)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    git = make_repo(tmp_path / "repo")
    git.write(".gitignore", "build/\nsite/\n")
    git.commit("输出目录不入库")
    api.site(git.root, today=TODAY)
    assert (git.root / S.SOURCE / S.BUILT).is_file()
    return git


def cold(root: Path) -> dict[str, bytes]:
    """The site of `root` as it stands, built from nothing (no record of a previous build, no previous site)."""
    shutil.rmtree(root / "site")
    (root / S.SOURCE / S.BUILT).unlink()
    api.site(root, today=TODAY)
    return tree(root / "site")


def test_one_edit_rebuilds_only_its_page_and_equals_a_cold_build(repo) -> None:  # type: ignore[no-untyped-def]
    site = repo.root / "site"
    kept, edited = (site / KEPT).stat().st_ino, (site / EDITED).stat().st_ino
    api.site(repo.root, today=TODAY)  # nothing changed: every project page kept as it was
    assert (site / KEPT).stat().st_ino == kept and (site / EDITED).stat().st_ino == edited
    repo.edit(f"{MOVED}/101-2025-001.yaml", "支出数: 95.00", "支出数: 97.50")
    repo.commit("更新6月支出数 97.50")
    api.site(repo.root, today=TODAY)
    assert (site / KEPT).stat().st_ino == kept  # not rendered again
    assert (site / EDITED).stat().st_ino != edited and "97.50" in (site / EDITED).read_text(encoding="utf-8")
    incremental = tree(site)
    assert incremental == cold(repo.root)


def test_the_plan_is_frozen_while_the_site_is_built_and_thawed_after(repo, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The checked tree and the plan are out of the collector's walks while MkDocs runs and the site is checked
    (api.site, build_site), and back in them once docgen site returns, whether it built the site or stopped."""
    frozen: list[int] = []
    run = S.run_mkdocs

    def observed(*args: Any, **kwargs: Any) -> int:
        frozen.append(gc.get_freeze_count())
        if len(frozen) > 1:
            raise DocgenError("stopped while MkDocs runs")
        return run(*args, **kwargs)

    monkeypatch.setattr(S, "run_mkdocs", observed)
    api.site(repo.root, today=TODAY)
    assert frozen[-1] > 0 and gc.get_freeze_count() == 0
    with pytest.raises(DocgenError, match="stopped"):
        api.site(repo.root, today=TODAY)
    assert frozen[-1] > 0 and gc.get_freeze_count() == 0


def test_one_edit_rebuilds_its_department_s_page_not_the_others(repo) -> None:  # type: ignore[no-untyped-def]
    """A department page lists its projects' figures: the edited project's department page is built again, another
    department's page is kept as it was (built.json), and the site equals a cold build."""
    site = repo.root / "site"
    own, other = site / "2025-06/101/index.html", site / "2025-06/102/index.html"
    before, listed = (own.stat().st_ino, other.stat().st_ino), own.read_bytes()
    repo.edit(f"{MOVED}/101-2025-001.yaml", "支出数: 95.00", "支出数: 97.50")
    repo.commit("更新6月支出数 97.50")
    api.site(repo.root, today=TODAY)
    assert other.stat().st_ino == before[1]  # not rendered again
    assert own.stat().st_ino != before[0] and own.read_bytes() != listed
    incremental = tree(site)
    assert incremental == cold(repo.root)


def test_an_edited_search_index_keeps_no_page(repo) -> None:  # type: ignore[no-untyped-def]
    """The kept pages' search entries are taken from the last site's index only while it is the index that build
    published (its digest in built.json): an edited one, here naming a kept page otherwise, keeps nothing."""
    site = repo.root / "site"
    kept = (site / KEPT).stat().st_ino
    index = site / "search" / "search_index.json"
    index.write_text(index.read_text(encoding="utf-8").replace(KEPT, "2025-06/101/elsewhere.html"), encoding="utf-8")
    api.site(repo.root, today=TODAY)
    assert (site / KEPT).stat().st_ino != kept  # built again
    assert KEPT in (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert tree(site) == cold(repo.root)


def test_a_project_made_confidential_leaves_every_page_and_the_index(repo) -> None:  # type: ignore[no-untyped-def]
    site = repo.root / "site"
    name = "城乡义务教育家庭经济困难学生生活补助"
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert EDITED in index and name in index.replace("\u200b", "")  # the index separates words by U+200B
    kept = (site / KEPT).stat().st_ino
    repo.edit(f"{MOVED}/101-2025-001.yaml", "资金:\n", "涉密: true\n资金:\n")
    repo.commit("101-2025-001 定为涉密")
    api.site(repo.root, today=TODAY)
    assert (site / KEPT).stat().st_ino == kept  # the incremental path was taken
    assert not (site / EDITED).exists()
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".js", ".xml"):
            text = path.read_text(encoding="utf-8").replace("\u200b", "")
            assert name not in text and "101-2025-001" not in text, path
    incremental = tree(site)
    assert incremental == cold(repo.root)
    assert not (repo.root / EDU / "101-2025-001.yaml").exists()  # the file lives in the moved folder


def test_unchanged_folders_and_downloads_move_into_the_new_site(repo, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """After one edit, another department's folder and the downloads are the last site's, moved whole (not built
    again, not copied: a download is build/'s very file); a new site that fails its checks puts them back, and the last
    site stays as it was."""
    fake_attachments(repo.root)
    api.site(repo.root, today=TODAY)
    site = repo.root / "site"
    [download] = list((site / "downloads").rglob("*.xlsx"))
    built = repo.root / "build" / download.relative_to(site / "downloads")
    assert download.stat().st_ino == built.stat().st_ino  # linked from build/, never copied by MkDocs
    folders = {path: path.stat().st_ino for path in (site / "2025-06" / "102", site / "downloads")}
    repo.edit(f"{MOVED}/101-2025-001.yaml", "支出数: 95.00", "支出数: 97.50")
    repo.commit("更新6月支出数 97.50")
    api.site(repo.root, today=TODAY)
    assert {path: path.stat().st_ino for path in folders} == folders
    assert download.stat().st_ino == built.stat().st_ino and "97.50" in (site / EDITED).read_text(encoding="utf-8")
    before = tree(site)

    def fails(*args: Any, **kwargs: Any) -> int:
        raise DocgenError("refused")

    repo.edit(f"{MOVED}/101-2025-001.yaml", "支出数: 97.50", "支出数: 98.25")
    repo.commit("更新6月支出数 98.25")
    with monkeypatch.context() as patched:
        patched.setattr(S.sanitise, "check_site", fails)
        with pytest.raises(DocgenError, match="refused"):
            api.site(repo.root, today=TODAY)
    assert tree(site) == before and {path: path.stat().st_ino for path in folders} == folders
    assert not [p for p in repo.root.iterdir() if p.name.startswith(".site")]  # no half-built site left beside it
    api.site(repo.root, today=TODAY)
    assert "98.25" in (site / EDITED).read_text(encoding="utf-8")
    assert {path: path.stat().st_ino for path in folders} == folders
    assert tree(site) == cold(repo.root)


def test_links_planted_in_the_kept_downloads_are_removed_or_refused_never_published(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """build/site-src/docs/downloads stays from one site to the next (build/ may be committed): a link in it to a file
    outside the repository, at its top or further down, is removed and nothing it points at is published; a link to
    a folder stops the site (as any linked output folder does), the last site staying as it was."""
    fake_attachments(repo.root)
    api.site(repo.root, today=TODAY)
    outside = tmp_path / "outside"
    (outside / "inner").mkdir(parents=True)
    (outside / "secret.txt").write_text("不应发布", encoding="utf-8")
    (outside / "inner" / "deep.txt").write_text("不应发布", encoding="utf-8")
    downloads = repo.root / S.SOURCE / "docs" / "downloads"
    [deeper] = {path.parent for path in downloads.rglob("*.xlsx")}
    planted = [downloads / "secret.txt", deeper / "secret.txt"]
    for link in planted:
        link.symlink_to(outside / "secret.txt")
    api.site(repo.root, today=TODAY)
    assert not [link for link in planted if link.is_symlink()]
    published = tree(repo.root / "site")
    assert not [name for name, data in published.items() if "不应发布".encode() in data or name.endswith("secret.txt")]
    (deeper / "folder").symlink_to(outside / "inner")
    with pytest.raises(UnsafeOutput):
        api.site(repo.root, today=TODAY)
    assert tree(repo.root / "site") == published
    (deeper / "folder").unlink()
    assert tree(repo.root / "site") == cold(repo.root)


# --- the Markdown of unchanged project pages is kept (site/keep.py) ---------------------------------------------

EXTRA = ("101-2025-005", "学生营养餐补助"), ("101-2025-006", "校舍维修")


def docs(root: Path) -> dict[str, bytes]:
    return tree(root / S.SOURCE / "docs")


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The site fixture's repository with two more public projects, its site built once with the cache."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    git = make_repo(tmp_path / "repo")
    git.write(".gitignore", "build/\nsite/\n")
    line = '      - {项目代码: "101-2025-004", 项目名称: 教师培训, 预算单位: 朔州市教育局本级}\n'
    extra = "".join(f'      - {{项目代码: "{code}", 项目名称: {name}, 预算单位: 朔州市教育局本级}}\n' for code, name in EXTRA)
    git.edit(f"{PERIOD}/名单.yaml", line, line + extra)
    for code, name in EXTRA:
        git.write(f"{MOVED}/{code}.yaml", project(code, name))
    git.commit("补报两个项目")
    assert api.site(git.root, today=TODAY).model.kept == 0  # nothing recorded yet: every page rendered
    return git


def edit_figure(git: Any) -> None:
    git.edit(f"{MOVED}/101-2025-005.yaml", "支出数: 60.2", "支出数: 61.75")
    git.commit("更新101-2025-005支出数")


def edit_roster(git: Any) -> None:
    git.edit(f"{PERIOD}/名单.yaml", '截止日期: "2025-07-31"', '截止日期: "2025-07-15"')
    git.commit("截止日期提前")


def edit_department(git: Any) -> None:
    git.edit(f"{EDU}/部门整体.yaml", "支出数: 2400", "支出数: 2450")
    git.commit("部门整体支出数")


def edit_secret_figure(git: Any) -> None:
    git.edit(f"{EDU}/101-2025-002.yaml", "支出数: 60.2", "支出数: 61.35")
    git.commit("涉密项目支出数")


def make_secret(git: Any) -> None:
    git.edit(f"{MOVED}/101-2025-006.yaml", "资金:\n", "涉密: true\n资金:\n")
    git.edit(f"{PERIOD}/名单.yaml", '"101-2025-006", 项目名称: 校舍维修,', '"101-2025-006", 涉密: true, 项目名称: 校舍维修,')
    git.commit("101-2025-006 定为涉密")


@pytest.mark.parametrize(
    ("change", "some_kept"),
    [(edit_figure, True), (edit_roster, False), (edit_department, None), (edit_secret_figure, True), (make_secret, False)],
)
def test_kept_markdown_equals_a_cold_build(kept, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change, some_kept) -> None:  # type: ignore[no-untyped-def]
    """After each kind of change, the Markdown written (kept or rendered) is what a build from nothing writes."""
    change(kept)
    built = api.site(kept.root, today=TODAY)
    if some_kept is not None:
        assert (built.model.kept > 0) is some_kept
    after = docs(kept.root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache"))  # no record, no history cache
    shutil.rmtree(kept.root / "site")
    shutil.rmtree(kept.root / S.SOURCE)
    assert api.site(kept.root, today=TODAY).model.kept == 0
    assert after == docs(kept.root)


def test_a_new_day_or_an_edited_page_is_rendered_again(kept) -> None:  # type: ignore[no-untyped-def]
    page = kept.root / S.SOURCE / "docs" / "2025-06" / "101" / "101-2025-005.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<script>planted</script>\n", encoding="utf-8")
    api.site(kept.root, today=TODAY)
    assert "planted" not in page.read_text(encoding="utf-8")  # its bytes no longer had the recorded digest
    assert api.site(kept.root, today=TODAY).model.kept == 5  # nothing changed: every project page kept (5 pages)
    assert api.site(kept.root, today=TODAY.replace(day=21)).model.kept == 0


def test_one_edit_renders_only_its_department_s_pages_and_the_overviews(kept, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Department and overview pages are keyed before rendering, as project pages are: nothing changed renders no
    page; one edited figure renders its project's page, its department's page, its period's page, the home page and
    最近更新 (a new commit), keeps every other page (the same inode: moved from the last docs/), and the Markdown and the
    site equal a cold build's."""
    nothing = api.site(kept.root, today=TODAY)
    assert nothing.model.rendered == [] and nothing.model.kept == 5
    folder = kept.root / S.SOURCE / "docs"
    before = {p: (folder / p).stat().st_ino for p in docs(kept.root) if p.endswith(".md")}
    edit_figure(kept)
    built = api.site(kept.root, today=TODAY)
    touched = ["2025-06/101/101-2025-005.md", "2025-06/101/index.md", "2025-06/index.md", "index.md", "recent.md"]
    assert built.model.rendered == sorted(touched)
    after = {p: (folder / p).stat().st_ino for p in docs(kept.root) if p.endswith(".md")}
    assert after.keys() == before.keys()
    assert {p for p in after if after[p] != before[p]} == set(touched)  # every other page is the last build's file
    assert "61.75" in (folder / "2025-06/101/101-2025-005.md").read_text(encoding="utf-8")
    markdown, site = docs(kept.root), tree(kept.root / "site")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache"))
    shutil.rmtree(kept.root / "site")
    shutil.rmtree(kept.root / S.SOURCE)
    assert len(api.site(kept.root, today=TODAY).model.rendered) == len(before)
    assert markdown == docs(kept.root) and site == tree(kept.root / "site")


def test_a_confidential_flag_in_the_roster_renders_every_page_that_could_show_it(kept) -> None:  # type: ignore[no-untyped-def]
    """Marking a project 涉密 in the roster alone changes the 涉密 list: every page is rendered again (any of them could
    name it), its page is gone, and neither its name nor its code is on any page of the sources or the site."""
    kept.edit(f"{PERIOD}/名单.yaml", '"101-2025-006", 项目名称: 校舍维修,', '"101-2025-006", 涉密: true, 项目名称: 校舍维修,')
    kept.commit("101-2025-006 在名单中定为涉密")
    built = api.site(kept.root, today=TODAY)
    assert built.model.kept == 0 and "2025-06/101/index.md" in built.model.rendered and "index.md" in built.model.rendered
    assert "2025-06/101/101-2025-006.md" not in built.model.rendered
    assert not (kept.root / S.SOURCE / "docs" / "2025-06" / "101" / "101-2025-006.md").exists()
    for name, data in [*docs(kept.root).items(), *tree(kept.root / "site").items()]:
        if name.endswith((".md", ".html", ".json", ".xml")):
            text = data.decode("utf-8")
            assert "校舍维修" not in text and "101-2025-006" not in text, name

"""The publication scan and the sanitiser remember clean files by content (verdicts.py): what changed is checked again,
and so is everything when the 涉密 list changes; the faster decoding reads exactly as urllib's unquote."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest

from docgen import redact
from docgen.cache import Store
from docgen.errors import DocgenError
from docgen.redact import Secrets, scan
from docgen.site import sanitise
from docgen.verdicts import Verdicts

NAME = "某涉密工程建设项目"
CODE = "101-2025-077"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    return Store(tmp_path / "repo")


def secrets(*names: str) -> Secrets:
    found = Secrets()
    for name in names:
        found.add(CODE, name)
    found.add_figure(Decimal("4321.75"))
    return found


def test_unquote_reads_as_urllib() -> None:
    pieces = ["%", "%E4", "%B8", "%AD", "%e6", "%96", "%87", "a", "中", "%2", "%G1", "%%", "%41", "%ff", "%C3", "%A9", " ", "%0a", "%80"]
    rng = random.Random(18)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert redact._unquote(text) == unquote(text), text


def test_a_percent_encoded_name_is_still_found(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "page.html").write_text(f'<a href="x/{redact.quote(NAME)}.html">链接</a>', encoding="utf-8")
    assert scan(folder, secrets(NAME)) == (folder / "page.html", "name")


def test_clean_files_are_remembered_and_a_change_is_scanned_again(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text("<p>公开项目 支出 12.50 万元</p>", encoding="utf-8")
    found = secrets(NAME)
    first = Verdicts(store, "published", found.digest())
    assert scan(folder, found, known=first) is None
    first.save()
    again = Verdicts(store, "published", found.digest())
    assert len(again.known) == 1  # the page's verdict, kept in the user's cache
    page.write_text(f"<p>公开项目 支出 12.50 万元，另见{NAME}</p>", encoding="utf-8")  # changed: read again
    assert scan(folder, found, known=again) == (page, "name")
    page.write_text("<p>支出 4,321.75 万元</p>", encoding="utf-8")
    assert scan(folder, found, known=Verdicts(store, "published", found.digest())) == (page, "figure")


def test_a_changed_secret_list_rescans_everything(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text("<p>城市道路维修工程</p>", encoding="utf-8")
    before = secrets(NAME)
    known = Verdicts(store, "published", before.digest())
    assert scan(folder, before, known=known) is None
    known.save()
    after = secrets(NAME, "城市道路维修工程")  # the project on the page became 涉密
    assert Verdicts(store, "published", after.digest()).known == set()
    assert scan(folder, after, known=Verdicts(store, "published", after.digest())) == (page, "name")


def test_a_damaged_or_foreign_record_is_a_miss(store: Store) -> None:
    known = Verdicts(store, "published", "x")
    known.passed("0" * 64)
    known.save()
    assert known.file is not None
    known.file.write_text('{"key": "x", "clean": [1, 2', encoding="utf-8")
    assert Verdicts(store, "published", "x").known == set()
    known.file.write_text('{"key": "another", "clean": ["' + "0" * 64 + '"]}', encoding="utf-8")
    assert Verdicts(store, "published", "x").known == set()


def test_a_disabled_store_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    known = Verdicts(Store(tmp_path, enabled=False), "published", "x")
    known.passed("0" * 64)
    known.save()
    assert not (tmp_path / "cache").exists()


def test_the_sanitiser_checks_a_page_again_once_it_changes(tmp_path: Path, store: Store) -> None:
    page = tmp_path / "site" / "a.html"
    page.parent.mkdir()
    article = '<article class="md-content__inner md-typeset">{}</article>'
    page.write_text(article.format("<p>公开</p>"), encoding="utf-8")
    known = Verdicts(store, "sanitise", sanitise.basis())
    assert sanitise.check_site(page.parent, known) == 1
    known.save()
    page.write_text(article.format("<p onclick=alert(1)>公开</p>"), encoding="utf-8")
    with pytest.raises(DocgenError):
        sanitise.check_site(page.parent, Verdicts(store, "sanitise", sanitise.basis()))


def test_the_search_index_is_scanned_entry_by_entry_and_whole(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "site"
    (folder / "search").mkdir(parents=True)
    index = folder / "search" / "search_index.json"
    docs = [{"location": f"p{i}.html", "title": f"项目{i}", "text": "公开内容 " * 50} for i in range(300)]
    index.write_text(json.dumps({"config": {"lang": ["zh"]}, "docs": docs}, ensure_ascii=False), encoding="utf-8")
    found = secrets(NAME)
    known = Verdicts(store, "published", found.digest())
    assert scan(folder, found, known=known) is None
    assert len(known.clean) == 301  # the frame and each entry, each with its own verdict
    docs[299]["text"] += NAME  # the last entry: a changed entry is scanned again
    index.write_text(json.dumps({"config": {"lang": ["zh"]}, "docs": docs}, ensure_ascii=False), encoding="utf-8")
    assert scan(folder, found, known=known) == (index, "name")
    script = folder / "search" / "search_index.js"
    script.write_text("var __index = " + index.read_text(encoding="utf-8"), encoding="utf-8")
    index.unlink()
    assert scan(folder, found) == (script, "name")


def test_a_search_index_with_a_key_twice_is_scanned_as_one_text(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    (folder / "search").mkdir(parents=True)
    hidden = json.dumps([{"location": "x.html", "title": NAME, "text": ""}], ensure_ascii=False)
    (folder / "search" / "search_index.json").write_text(f'{{"docs": {hidden}, "docs": []}}', encoding="utf-8")
    assert scan(folder, secrets(NAME)) is not None


def test_the_theme_s_own_files_are_not_read_but_a_changed_copy_is(tmp_path: Path) -> None:
    """A secret whole-number figure is a bare number in lunr's tinyseg.js: the site's unchanged copy of a theme file
    holds nothing of ours and is not read (a clean site was refused); a copy that differs is scanned as any file."""
    theme, folder = tmp_path / "theme", tmp_path / "site"
    for root in (theme, folder):
        (root / "assets" / "lunr").mkdir(parents=True)
        (root / "assets" / "lunr" / "tinyseg.js").write_text("var t={a:2461,b:-1378};", encoding="utf-8")
    found = Secrets()
    found.add_figure(Decimal("2461"))
    assert scan(folder, found) == (folder / "assets" / "lunr" / "tinyseg.js", "figure")
    assert scan(folder, found, theme=theme) is None
    (folder / "assets" / "lunr" / "tinyseg.js").write_text("var t={a:2461,b:-1378};//", encoding="utf-8")
    assert scan(folder, found, theme=theme) is not None
    (folder / "assets" / "lunr" / "tinyseg.js").write_text("var t={a:2461,b:-1378};", encoding="utf-8")
    (folder / "assets" / "page.html").write_text("<p>2461</p>", encoding="utf-8")  # not the theme's: scanned
    assert scan(folder, found, theme=theme) is not None


def test_the_search_index_is_read_in_batches_to_its_end(tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """search_index.py streams the index: a secret in a late batch, or in the frame after "docs", is found as well."""
    monkeypatch.setattr(redact, "_INDEX_BATCH", 50)
    folder = tmp_path / "site"
    (folder / "search").mkdir(parents=True)
    index = folder / "search" / "search_index.json"
    docs = [{"location": f"p{i}.html", "title": f"项目{i}", "text": "公开内容"} for i in range(300)]
    index.write_text(json.dumps({"docs": docs, "config": {"lang": ["zh"]}}, ensure_ascii=False), encoding="utf-8")
    known = Verdicts(store, "published", secrets(NAME).digest())
    assert scan(folder, secrets(NAME), known=known) is None
    assert len(known.clean) == 301
    docs[260]["text"] = NAME
    index.write_text(json.dumps({"docs": docs, "config": {"lang": ["zh"]}}, ensure_ascii=False), encoding="utf-8")
    assert scan(folder, secrets(NAME), known=known) == (index, "name")
    docs[260]["text"] = "公开内容"
    index.write_text(json.dumps({"docs": docs, "config": {"lang": ["zh"], "note": NAME}}, ensure_ascii=False), encoding="utf-8")
    assert scan(folder, secrets(NAME), known=known) == (index, "name")


@pytest.mark.parametrize(
    "text",
    [
        '{"docs": [{"text": "公开"}], "config": {"note": "NAME"',  # cut short in the frame, which is never handed out
        '{"docs": [{"text": "\\ud800NAME"}]}',  # a lone surrogate escape: ijson would read it as "?"
        '{"docs": [{"text": "公开"}]} {"text": "NAME"}',  # something after the index: only a whole read sees it
        'var x = {"docs": [{"text": "NAME"}]}',
    ],
)
def test_a_search_index_that_cannot_be_read_entry_by_entry_is_scanned_whole(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "site"
    (folder / "search").mkdir(parents=True)
    (folder / "search" / "search_index.json").write_text(text.replace("NAME", NAME), encoding="utf-8")
    assert scan(folder, secrets(NAME)) is not None


def test_the_sanitiser_reads_the_search_index_in_batches_and_refuses_one_it_cannot_read(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sanitise, "_INDEX_BATCH", 40)
    folder = tmp_path / "site"
    (folder / "search").mkdir(parents=True)
    index = folder / "search" / "search_index.json"
    docs = [{"location": f"p{i}.html", "title": f"项目{i}", "text": "公开内容"} for i in range(200)]
    index.write_text(json.dumps({"config": {}, "docs": docs}, ensure_ascii=False), encoding="utf-8")
    known = Verdicts(store, "sanitise", sanitise.basis())
    assert sanitise.check_site(folder, known) == 0
    docs[170]["text"] = "<img src=x onerror=alert(1)>"
    index.write_text(json.dumps({"config": {}, "docs": docs}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DocgenError, match=r"p170\.html"):
        sanitise.check_site(folder, known)
    index.write_text('{"config": {}, "docs": [{"text": "<script>alert(1)</script>", "text": "公开"}]}', encoding="utf-8")
    with pytest.raises(DocgenError, match="搜索索引"):  # json would keep the last text: the first would go unchecked
        sanitise.check_site(folder, known)
    index.write_text('{"config": {}, "docs": [{"text": "\\ud800<b>x</b>"}]}', encoding="utf-8")
    with pytest.raises(DocgenError, match="搜索索引"):  # ijson would read the lone surrogate as "?"
        sanitise.check_site(folder, known)


def test_a_word_list_is_searched_for_names_not_figures(tmp_path: Path, store: Store) -> None:
    """The site's jieba.txt (jieba's dictionary cut by frequency) holds ~350,000 word frequencies: a secret whole-number
    figure among them refused a clean site. It is searched for names and codes only; a verdict on it says so."""
    folder = tmp_path / "site-src"
    folder.mkdir()
    words = folder / "jieba.txt"
    words.write_text("项目 2461 n\n工程 1378 n\n", encoding="utf-8")
    found = secrets(NAME)
    found.add_figure(Decimal("2461"))
    assert scan(folder, found) == (words, "figure")
    known = Verdicts(store, "published", found.digest())
    assert scan(folder, found, known=known, words=frozenset({words})) is None
    assert scan(folder, found, known=known) == (words, "figure")  # its names-only verdict is not a whole one
    words.write_text(f"项目 2461 n\n{NAME} 3 n\n", encoding="utf-8")
    assert scan(folder, found, words=frozenset({words})) == (words, "name")


def test_a_number_in_a_public_findings_message_is_not_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A public project's warning states a difference computed from its own figures: equal to a 涉密 amount only by
    coincidence, it is public (else the site fails its publication check); a W414 sum of a department is not."""
    import dataclasses

    from docgen import api, confidential

    from .site.conftest import EDU, make_repo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    repo = make_repo(tmp_path / "repo")
    repo.edit(f"{EDU}/101-2025-002.yaml", "支出数: 60.2", "支出数: 4321.75")  # the 涉密 project's own amount
    repo.commit("涉密项目支出数")
    result = api.check([repo.root / "submissions"])
    secret = Decimal("4321.75")
    assert secret in confidential.secrets(repo.root, result).figures
    public = next(p for p in result.projects if not p.confidential)
    said = f"全年预计支出比安排数少 {secret:,.2f} 万元"
    for code, kept in (("W404", False), ("W414", True)):
        finding = dataclasses.replace(next(f for f in result.findings), path=str(public.path), code=code, message=said)
        checked = dataclasses.replace(result, findings=[*result.findings, finding])
        assert (secret in confidential.secrets(repo.root, checked).figures) is kept


def test_a_rate_computed_from_a_public_projects_figures_is_not_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The drafted 附件1 text of a public project prints its 全年预计支出 as a share of 安排数 (「占安排数的80.85%」):
    computed from its own figures, it is public even when it equals a 涉密 amount (at 10,000 projects one did, and
    `docgen site` stopped on its own drafted text). Any other number stays secret."""
    from docgen import api, confidential
    from docgen.workspace import Workspace

    from .site.conftest import EDU, MOVED, make_repo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    repo = make_repo(tmp_path / "repo")
    repo.edit(f"{MOVED}/101-2025-001.yaml", "全年预计支出数: 200.00", "全年预计支出数: 161.70")  # 80.85 % of 200
    for secret, public in (("80.85", True), ("80.87", False)):
        repo.edit(f"{EDU}/101-2025-002.yaml", "支出数: 60.2", f"支出数: {secret}")  # the 涉密 project's own amount
        result = api.check([repo.root / "submissions"])
        assert (Decimal(secret) in confidential.secrets(repo.root, result).figures) is not public
        # as `docgen build` decides it from the records (api._RecordsView): the same
        streamed = api.check([repo.root / "submissions"], stream=True, figures=True, built=True)
        view = api._RecordsView.of(Workspace.at(repo.root), streamed)
        assert (Decimal(secret) in view.secrets(Store(repo.root)).figures) is not public
        repo.edit(f"{EDU}/101-2025-002.yaml", f"支出数: {secret}", "支出数: 60.2")

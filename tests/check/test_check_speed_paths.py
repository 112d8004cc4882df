"""The two ways a large tree is checked faster (worker processes, the per-file cache) give the same findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docgen import api
from docgen.check import validate
from tests.conftest import ROOT


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def _findings() -> list[str]:
    return [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in api.check([Path("submissions")]).findings]


def test_worker_processes_find_what_one_process_finds(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _findings()
    monkeypatch.setattr(validate, "PARALLEL_FROM", 1)
    assert _findings() == serial


def test_cache_gives_the_same_findings_and_follows_edits(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _findings()
    monkeypatch.setattr(validate, "CACHE_FROM", 1)
    assert _findings() == fresh  # fills the cache
    assert list((demo / "cache" / "docgen").glob("check-*/*.jsonl"))
    assert _findings() == fresh  # read from the cache
    source = demo / "submissions/2025-06/101-教育局/101-2025-001.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("年度: 2025", "年度: 二〇二五", 1), encoding="utf-8")
    edited = _findings()
    assert any("E204" in line and "101-2025-001.yaml:2:" in line for line in edited)
    monkeypatch.setattr(validate, "CACHE_FROM", 10**6)
    assert _findings() == edited


def test_a_damaged_cache_is_ignored(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = _findings()
    monkeypatch.setattr(validate, "CACHE_FROM", 1)
    _findings()
    for file in (demo / "cache" / "docgen").glob("check-*/*.jsonl"):
        file.write_bytes(b"not a shard")
    assert _findings() == fresh


def test_kept_monitoring_results_follow_the_file_the_rules_and_the_roster(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project's monitoring results are kept between runs (cache.Shelf): every input they depend on renews them."""

    def kept_and_fresh() -> list[str]:
        monkeypatch.setattr(validate, "CACHE_FROM", 1)
        kept = _findings()
        monkeypatch.setattr(validate, "CACHE_FROM", 10**6)
        assert kept == _findings()
        return kept

    first = kept_and_fresh()
    assert list((demo / "cache" / "docgen").glob("monitor-*/*.jsonl"))
    assert kept_and_fresh() == first  # this time read back

    project = demo / "submissions/2025-06/101-教育局/101-2025-001.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("    支出数: 412.35\n", "    支出数: 41.23\n", 1), encoding="utf-8")
    edited = kept_and_fresh()
    assert edited != first
    project.write_text(text, encoding="utf-8")

    (demo / "schema").mkdir()
    (demo / "schema" / "rules.yaml").write_text("规则:\n  W401:\n    阈值:\n      黄灯低于: 99\n", encoding="utf-8")
    stricter = kept_and_fresh()
    assert sum(": W401 " in line for line in stricter) > sum(": W401 " in line for line in first)

    roster = demo / "submissions/2025-06/名单.yaml"
    before = roster.read_text(encoding="utf-8")
    moved = before.replace(
        "教学楼抗震加固改造工程\n        预算单位: 朔州市第一中学\n", "教学楼抗震加固改造工程\n        预算单位: 朔州市教育局本级\n", 1
    )
    assert moved != before
    roster.write_text(moved, encoding="utf-8")
    assert any("101-2025-002.yaml" in line and "W413" in line for line in kept_and_fresh())
    assert not any("101-2025-002.yaml" in line and "W413" in line for line in stricter)


def test_files_outside_the_working_folder_are_not_cached(
    demo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The hook checks a temporary export of the staged files: caching it would leave new entries on every commit.
    The cache is the project's the user stands in (workspace.py): files of another project are not kept."""
    monkeypatch.setattr(validate, "CACHE_FROM", 1)
    monkeypatch.chdir(tmp_path_factory.mktemp("work"))  # outside the project
    assert api.check([demo / "submissions"]).files[0].parts[0] == ".."
    assert not (demo / "cache").exists()


def test_files_are_found_in_the_order_paths_sort(tmp_path: Path) -> None:
    """api.discover sorts texts as Paths sort, by their parts: a folder 「a」's files come before those of 「a-b」 and
    「a.b」, although 「-」 and 「.」 come before 「/」 as characters; hidden names and other suffixes are left out."""
    names = ["a/x.yaml", "a-b/x.yaml", "a.b/x.yml", "a b/x.yaml", "a/b/x.yaml", "a/b-c.yaml", "ab.yaml"]
    names += ["a/.h.yaml", "a/x.txt", ".g/x.yaml"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    found = api.discover([tmp_path])
    expected = sorted(
        (tmp_path / n for n in names if not any(part.startswith(".") for part in Path(n).parts) and n.endswith((".yaml", ".yml"))),
    )
    assert [Path(p) for p in found] == expected
    assert found != sorted(found)  # the plain order of the texts is another

"""`docgen site` spreads its per-page work over the cores (project pages written, pages sanitised, the 涉密 scan): the
site it publishes is the one a single process publishes, byte for byte, and a bad page or a leak is still found,
named as a single process names it (the first in name order)."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docgen import api, children, redact
from docgen.errors import DocgenError
from docgen.site import generate as S
from docgen.site import sanitise

from .conftest import TODAY, make_repo
from .test_incremental import KEPT, tree


def test_fork_map_runs_in_workers_in_order_and_sees_this_process_memory() -> None:
    held = {i: i * i for i in range(50)}  # never sent: the workers are forked with it
    found = children.fork_map(lambda i: (held[i], os.getpid()), list(range(50)), 2)
    assert [square for square, _ in found] == [i * i for i in range(50)]
    assert {pid for _, pid in found} - {os.getpid()}, "nothing ran in a worker"
    assert children.fork_map(lambda i: (i, os.getpid()), [1, 2, 3], least=10) == [(i, os.getpid()) for i in (1, 2, 3)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's; elsewhere trim_heap does nothing")
def test_trim_heap_gives_the_freed_heap_back_before_workers_are_forked() -> None:
    """What a stage let go is given back to the system (children.trim_heap), so a worker forked next does not start
    with it counted in its resident size: blocks freed between blocks still held stay in the C heap until then."""
    code = textwrap.dedent(
        """
        import ctypes, sys
        from docgen import children
        def rss():
            return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
        ctypes.CDLL(None).mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD: 64 KiB blocks from the heap, as glibc picks
        freed, kept = [], []
        for i in range(3000):  # 190 MiB in blocks of 64 KiB, each followed by a small one that stays
            freed.append(bytearray(64 * 1024))
            kept.append(bytearray(1024))
        del freed
        before = rss()
        children.trim_heap()
        print(before, rss())
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = map(int, done.stdout.split())
    assert before - after > 150, (before, after)


def test_fork_map_passes_an_error_on() -> None:
    def fail(i: int) -> int:
        if i == 7:
            raise ValueError("seven")
        return i

    with pytest.raises(ValueError, match="seven"):
        children.fork_map(fail, list(range(20)), 2)


def _rss_mib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return int(status.read().split("VmRSS:")[1].split()[0]) // 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc to read a worker's resident size")
def test_fork_map_workers_collect_the_cycles_each_item_leaves() -> None:
    """A page's template context holds reference cycles; a worker that never collected kept every page it wrote
    (739 MiB a worker at 10,000 projects). Each item here leaves ~2 MiB in a cycle: 300 of them, kept, would be
    ~600 MiB a worker. The parent runs without automatic collection, as a build's parent may."""

    def cycle(_: int) -> tuple[bool, int]:
        node: list[object] = [bytearray(2 << 20), [[i] for i in range(2000)]]  # a page's many small objects
        node.append(node)  # freed only by the collector
        return gc.isenabled(), _rss_mib()

    was = gc.isenabled()
    gc.disable()
    try:
        before = gc.get_freeze_count()
        found = children.fork_map(cycle, list(range(300)), 2)
        assert gc.get_freeze_count() == before, "the parent's heap is left as it was (frozen only while forking)"
    finally:
        (gc.enable if was else gc.disable)()
    start = _rss_mib()
    assert max(rss for _, rss in found) < start + 200, "a worker kept the garbage of the items it ran"
    assert all(enabled for enabled, _ in found)


def test_fork_map_inside_a_freeze_leaves_it_to_its_owner() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        children.fork_map(lambda i: i, list(range(20)), 2)
        assert gc.get_freeze_count() >= frozen, "fork_map unfroze what api.build froze"
    finally:
        gc.unfreeze()


@pytest.fixture
def everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every per-page step on two workers, however small the site and however many cores this machine has."""
    monkeypatch.setattr(S, "PARALLEL_FROM", 0)
    monkeypatch.setattr(S, "PAGES_PER_TASK", 1)
    monkeypatch.setattr(sanitise, "PARALLEL_FROM", 0)
    monkeypatch.setattr(redact, "PARALLEL_FROM", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_the_site_built_on_workers_is_the_site_built_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, everywhere: None
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "repo").mkdir()
    root = make_repo(tmp_path / "repo").root
    monkeypatch.setattr(S, "BATCH", 1)  # the incremental regime: pages kept from the last build
    api.site(root, today=TODAY)
    parallel = tree(root / "site")
    kept = (root / "site" / KEPT).stat().st_ino
    api.site(root, today=TODAY)  # nothing changed: every verdict known, every project page kept
    assert tree(root / "site") == parallel and (root / "site" / KEPT).stat().st_ino == kept
    for module in (S, sanitise, redact):
        monkeypatch.setattr(module, "PARALLEL_FROM", 10**9)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    shutil.rmtree(root / "site")
    shutil.rmtree(root / S.SOURCE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-serial"))
    api.site(root, today=TODAY)
    assert tree(root / "site") == parallel
    assert any(name.startswith("2025-06/101/101-2025-") for name in parallel)


def test_a_bad_page_is_found_by_the_workers_and_the_first_is_named(tmp_path: Path, everywhere: None) -> None:
    article = '<html><body><article class="md-content__inner md-typeset"><h1>x</h1>{}</article></body></html>'
    for i in range(30):
        (tmp_path / f"p{i:02d}.html").write_text(article.format(f"<p>{i}</p>"), encoding="utf-8")
    for name in ("p17.html", "p25.html"):
        (tmp_path / name).write_text(article.format('<img src="x" onerror="alert(1)">'), encoding="utf-8")
    with pytest.raises(DocgenError, match=r"p17\.html"):
        sanitise.check_site(tmp_path, workers=None)
    (tmp_path / "p17.html").write_text(article.format("<p>17</p>"), encoding="utf-8")
    (tmp_path / "p25.html").write_text(article.format("<p>25</p>"), encoding="utf-8")
    assert sanitise.check_site(tmp_path, workers=None) == 30


def test_a_leak_is_found_by_the_workers_and_the_first_file_is_named(tmp_path: Path, everywhere: None) -> None:
    secrets = redact.Secrets()
    secrets.add("101-2025-002", "涉密保障工程")
    for i in range(30):
        (tmp_path / f"p{i:02d}.html").write_text(f"<p>第{i}页</p>", encoding="utf-8")
    (tmp_path / "p21.html").write_text("<p>涉密保障工程</p>", encoding="utf-8")
    (tmp_path / "p28.html").write_text("<p>101-2025-002</p>", encoding="utf-8")
    hit = redact.scan(tmp_path, secrets, workers=None)
    assert hit is not None and hit[0].name == "p21.html"
    (tmp_path / "p21.html").unlink()
    (tmp_path / "p28.html").unlink()
    assert redact.scan(tmp_path, secrets, workers=None) is None


def test_the_search_segmentation_remembered_in_a_mkdocs_run_is_jieba_s_own() -> None:
    """The MkDocs children segment Chinese through a memo (S.SEGMENT_MEMO): the words are jieba's, the same text
    twice is segmented once, and a call with options is jieba's own."""
    pytest.importorskip("jieba")
    import subprocess
    import sys

    texts = ["项目支出进度低于时间进度", "部门整体支出绩效运行监控表", "项目支出进度低于时间进度"]
    show = f"import json; texts = {texts!r}; print(json.dumps([list(jieba.cut(t.encode('utf-8'))) for t in texts], ensure_ascii=False))"
    plain = "import jieba; jieba.setLogLevel(60); " + show
    memo = S.SEGMENT_MEMO + "jieba.setLogLevel(60)\n" + show + "; print(jieba.cut.memo.cache_info().hits)"
    expected = subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True, check=True).stdout.split("\n")[0]
    found = subprocess.run([sys.executable, "-c", memo], capture_output=True, text=True, check=True).stdout.split("\n")
    assert found[0] == expected and "支出" in expected
    assert found[1] == "1"
    searched = subprocess.run(
        [sys.executable, "-c", S.SEGMENT_MEMO + "print(list(jieba.cut('支出进度', cut_all=True)) == list(_cut('支出进度', cut_all=True)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert searched.stdout.strip().endswith("True")

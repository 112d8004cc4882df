"""One cache layer: cache.Store, keyed by the project root and docgen's code; `docgen clean`, `--no-cache`; each
submission read once per build."""

from __future__ import annotations

import collections
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from docgen import cache, output
from docgen.check import validate
from tests.conftest import ROOT


@pytest.fixture
def demo(tmp_path: Path, chdir: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "submissions", tmp_path / "submissions")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(validate, "CACHE_FROM", 1)  # the demo is small: cache it as a large tree would be
    chdir(tmp_path)
    return tmp_path


def _entries(demo: Path) -> list[str]:
    home = demo / "cache" / "docgen"
    return sorted(p.name.rsplit("-", 1)[0] for p in home.iterdir()) if home.is_dir() else []


def test_one_store_per_project_root_outside_the_repository(demo: Path, run) -> None:
    assert run("validate").exit_code == 0
    # validate keeps each project's outcome of one pass (evaluate/stream.py), the other files' checks (the roster's),
    # and, for files older than a second when it starts, their signatures (cache.settled_signature)
    assert set(_entries(demo)) - {"signatures"} == {"check", "stream"}
    assert run("check").exit_code == 0
    assert set(_entries(demo)) - {"signatures"} == {"check", "monitor", "stream"}
    store = cache.Store(demo)
    kinds = {p.name for p in store.entries()} - {f"signatures-{store.key}"}
    assert kinds == {f"check-{store.key}", f"monitor-{store.key}", f"stream-{store.key}"}
    assert not any(".cache" in p.parts or p.name == "cache" for p in (demo / "submissions").rglob("*"))
    other = cache.Store(demo / "submissions")
    assert other.key != store.key and other.entries() == []


def test_no_cache_neither_reads_nor_writes(demo: Path, run) -> None:
    first = run("--no-cache", "validate")
    assert first.exit_code == 0 and _entries(demo) == []
    run("validate")
    for shard in (demo / "cache" / "docgen").rglob("*.jsonl"):
        shard.write_text("garbage", encoding="utf-8")
    stamp = {p: p.stat().st_mtime_ns for p in (demo / "cache" / "docgen").rglob("*.jsonl")}
    assert run("--no-cache", "validate").stdout == first.stdout
    assert {p: p.stat().st_mtime_ns for p in (demo / "cache" / "docgen").rglob("*.jsonl")} == stamp


def test_malformed_entries_are_misses(demo: Path, run) -> None:
    fresh = run("validate", "--format", "json").stdout
    for shard in (demo / "cache" / "docgen").rglob("*.jsonl"):
        header = shard.read_text(encoding="utf-8").split("\n", 1)[0]
        shard.write_text(header + '\n["submissions/x", "k", {"a": [1, 2\n', encoding="utf-8")
    assert run("validate", "--format", "json").stdout == fresh


def test_a_shard_line_that_is_not_utf8_is_a_miss_and_the_others_still_hit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard is read as bytes and each line decoded only when asked for: one damaged line costs that file a recheck."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    paths = ["submissions/2025-06/101-教育局/101-2025-0001.yaml", "submissions/2025-06/101-教育局/101-2025-0002.yaml"]
    shelf = cache.Store(tmp_path).shelf("stream", paths)
    for path in paths:
        shelf.put(path, "k", {"amount": Decimal("1.50"), "path": path})
    shelf.save()
    (shard,) = (tmp_path / "cache").rglob("*.jsonl")
    first = f'{paths[0]}","k",{{"amount"'.encode()
    shard.write_bytes(shard.read_bytes().replace(first, first[:-7] + b'"\xff\xfe"', 1))
    again = cache.Store(tmp_path).shelf("stream", paths)
    assert again.holds(paths[0]) and again.get(paths[0], "k") is None
    assert again.get(paths[1], "k") == {"amount": Decimal("1.50"), "path": paths[1]}


def test_an_entry_given_as_utf8_bytes_is_kept_as_the_same_line_as_its_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check worker sends its cache entry as UTF-8 bytes (half the text's size in the parent): the shard written is
    the one the text would have written, byte for byte, and reads back the same value."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = "submissions/2025-06/101-教育局/101-2025-0001.yaml"
    value = {"名称": "校舍维修", "amount": Decimal("1.50"), "notes": ["\u2028", 'a "quoted" word']}
    written = []
    for encoded in (cache.dumps(value), cache.dumps(value).encode("utf-8")):
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        shelf = cache.Store(tmp_path).shelf("stream", [path])
        shelf.put_encoded(path, "k", encoded)
        shelf.save()
        (shard,) = (tmp_path / "cache").rglob("*.jsonl")
        written.append(shard.read_bytes())
        assert cache.Store(tmp_path).shelf("stream", [path]).get(path, "k") == value
    assert written[0] == written[1]


def test_a_line_taken_is_let_go_and_still_written_back_when_its_shard_is_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The streamed check takes each entry once (Shelf.take) and the shelf lets the line go. A shard that changes
    afterwards is written with the lines taken from it, in their places; a shard that does not change is not written
    again; the entry of a file no longer there is dropped even from a shard whose lines were all taken."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    a = [f"submissions/2025-06/101-教育局/101-2025-000{i}.yaml" for i in range(3)]
    b = ["submissions/2025-06/102-民政局/102-2025-0001.yaml", "submissions/2025-06/102-民政局/102-2025-0002.yaml"]
    shelf = cache.Store(tmp_path).shelf("stream", a + b)
    for path in a + b:
        shelf.put(path, "k", [path])
    shelf.save()
    shard_a, shard_b = (shelf.folder / shelf._shard(a[0]), shelf.folder / shelf._shard(b[0]))
    before_a, before_b = shard_a.read_bytes(), shard_b.read_bytes()

    again = cache.Store(tmp_path).shelf("stream", a + b[:1])  # b[1] is gone
    assert [again.take(path, "k") for path in a + b[:1]] == [[path] for path in a + b[:1]]
    assert not any(again.holds(path) for path in a + b[:1]) and again.take(a[0], "k") is None  # let go
    again.put(a[1], "k", ["changed"])
    again.save()
    assert shard_a.read_bytes() == before_a.replace(cache.dumps([a[1]]).encode(), cache.dumps(["changed"]).encode())
    assert shard_b.read_bytes().split(b"\n") == [*before_b.split(b"\n")[:2], b""]  # b[1]'s line dropped

    unchanged = shard_a.stat().st_ino, shard_b.stat().st_ino  # written through a new file and a rename
    third = cache.Store(tmp_path).shelf("stream", a + b[:1])
    assert [third.take(path, "k") for path in a + b[:1]] == [[a[0]], ["changed"], [a[2]], [b[0]]]
    third.save()  # nothing changed and nothing dropped: nothing written
    assert (shard_a.stat().st_ino, shard_b.stat().st_ino) == unchanged


def test_a_shard_released_is_written_then_and_a_later_entry_joins_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold streamed check releases a folder's shard once its last file came back (Shelf.release): written at once
    and let go; an entry put afterwards is saved beside the ones written, and a shard released unchanged is not
    written."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    a = [f"submissions/2025-06/101-教育局/101-2025-000{i}.yaml" for i in range(2)]
    b = ["submissions/2025-06/102-民政局/102-2025-0001.yaml"]
    shelf = cache.Store(tmp_path).shelf("stream", a + b)
    shelf.put(a[0], "k", ["first"])
    shelf.release(a[0])
    shard_a = shelf.folder / shelf._shard(a[0])
    assert shard_a.is_file() and not shelf.holds(a[0])  # written now, held no more
    assert not (shelf.folder / shelf._shard(b[0])).exists()
    shelf.put(a[1], "k", ["second"])
    shelf.put(b[0], "k", ["third"])
    shelf.save()
    again = cache.Store(tmp_path).shelf("stream", a + b)
    assert [again.get(path, "k") for path in a + b] == [["first"], ["second"], ["third"]]
    inode = shard_a.stat().st_ino
    again.release(a[0])  # nothing put: nothing written
    again.save()
    assert shard_a.stat().st_ino == inode


def test_a_path_that_is_not_utf8_is_kept_without_a_crash_and_read_back_as_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    odd = os.fsdecode(b"submissions/2025-06/101/\xff.yaml")  # a lone surrogate, as os.listdir gives such a name
    shelf = cache.Store(tmp_path).shelf("stream", [odd, "submissions/2025-06/101/a.yaml"])
    shelf.put(odd, "k", [1])
    shelf.put("submissions/2025-06/101/a.yaml", "k", [2])
    shelf.save()
    again = cache.Store(tmp_path).shelf("stream", [odd, "submissions/2025-06/101/a.yaml"])
    assert again.get(odd, "k") is None and again.get("submissions/2025-06/101/a.yaml", "k") == [2]


def test_every_key_carries_the_code_digest(demo: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    run("validate")
    shards = list((demo / "cache" / "docgen").rglob("*.jsonl"))
    assert shards and all(cache.code_digest() in s.read_text(encoding="utf-8").split("\n", 1)[0] for s in shards)
    monkeypatch.setattr(cache, "code_digest", lambda: "another docgen")
    shelf = cache.Store(demo).shelf("check", ["submissions/2025-06/名单.yaml"])
    assert shelf.get("submissions/2025-06/名单.yaml", cache.file_digest(demo / "submissions/2025-06/名单.yaml")) is None


def test_clean_removes_this_projects_cache_and_with_outputs_build_and_site(demo: Path, run, chdir) -> None:
    assert run("build", "--jobs", "1").exit_code == 0
    (demo / "site").mkdir()
    assert _entries(demo)
    chdir(demo / "submissions" / "2025-06")  # from a subfolder too
    cleaned = run("clean")
    assert cleaned.exit_code == 0 and "已删除缓存" in cleaned.stdout
    assert _entries(demo) == [] and (demo / "build").is_dir()
    nothing = run("clean")
    assert nothing.exit_code == 0 and "没有需要删除的内容" in nothing.stdout
    outputs = run("clean", "--outputs")
    assert outputs.exit_code == 0 and not (demo / "build").exists() and not (demo / "site").exists()
    assert f"已删除：{os.path.join('..', '..', 'build')}" in outputs.stdout
    assert (demo / "submissions" / "2025-06" / "名单.yaml").is_file()


def test_clean_refuses_a_build_folder_that_leads_outside(demo: Path, run, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "keep.txt").write_text("keep", encoding="utf-8")
    (demo / "build").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(output.OutsideOutput):
        output.remove(demo / "build" / "keep.txt", demo / "build")
    result = run("clean", "--outputs")
    assert (elsewhere / "keep.txt").is_file()  # the link is removed, never followed
    assert result.exit_code == 0 and not (demo / "build").exists()


@pytest.fixture
def reads() -> Iterator[collections.Counter[str]]:
    """How many times each submission file is opened (Python's audit hook sees every open)."""
    counts: collections.Counter[str] = collections.Counter()
    active = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if active[0] and event == "open" and isinstance(args[0], str | os.PathLike):
            name = os.fsdecode(args[0])  # type: ignore[arg-type]
            if name.endswith(".yaml") and "submissions" in name:
                counts[os.path.abspath(name)] += 1

    sys.addaudithook(hook)  # cannot be removed: switched off below
    yield counts
    active[0] = False


def test_each_submission_is_read_once_per_build(demo: Path, run, reads: collections.Counter[str], monkeypatch) -> None:
    monkeypatch.setattr(validate, "CACHE_FROM", 10**6)
    assert run("build", "--jobs", "1", "--force").exit_code == 0
    # a build from the records (api._RecordsView) holds no project's model: the check reads each file once, and a
    # project is read again only to render its attachments and, for the 涉密 check, to walk its texts (a 涉密 one: for
    # its figures); rosters and 部门整体 once
    projects = {name for name in reads if not name.endswith(("名单.yaml", "部门整体.yaml"))}
    assert reads and {reads[name] for name in set(reads) - projects} == {1}, reads
    assert {reads[name] for name in projects} == {2, 3}, reads
    reads.clear()
    monkeypatch.setattr(validate, "CACHE_FROM", 1)
    (demo / "build" / "summary.json").unlink()  # an output gone: the whole check again, not the last build's report
    time.sleep(cache.SETTLED_NS / 1e9)  # the demo's files settled (cache.settled_signature): this build may vouch for them
    assert run("build", "--jobs", "1").exit_code == 0  # with the cache: still once (nothing to render, texts walked)
    counted = dict(reads)  # before reading them here (the hook counts these opens too)
    secret = {name for name in counted if Path(name).parent.name != "2025-06" and "涉密: true" in Path(name).read_text(encoding="utf-8")}
    assert secret and {counted[name] for name in secret} == {2}, counted  # and a 涉密 one for its figures
    assert {counted[name] for name in set(counted) - secret} == {1}, counted
    reads.clear()
    assert run("build", "--jobs", "1").exit_code == 0  # nothing changed since: no submission is opened at all
    assert not reads, reads


def test_a_walk_after_a_walk_lists_again_only_the_folders_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cache.Walk with `before` (docgen build's walk of build/ after the build): a folder whose own signature is
    unchanged keeps its listing, and the digest is the one a fresh walk gives, whatever changed below."""
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # the folders are a moment old: count them settled
    for department in ("a", "b", "c"):
        for name in ("1.xlsx", "2.docx"):
            (tmp_path / "out" / "p" / department).mkdir(parents=True, exist_ok=True)
            (tmp_path / "out" / "p" / department / name).write_text(department + name, encoding="utf-8")
    (tmp_path / "out" / "summary.json").write_text("{}", encoding="utf-8")
    first = cache.Walk(tmp_path, ["out", "missing.json"])
    assert first.digest == cache.tree_signature(tmp_path, ["out", "missing.json"]) and first.reread == 5
    time.sleep(0.05)
    output.write_text(tmp_path / "out" / "p" / "a" / "1.xlsx", "rewritten")  # an atomic rename: folder a changes
    (tmp_path / "out" / "p" / "b" / "2.docx").unlink()  # folder b changes
    (tmp_path / "out" / "p" / "c" / "new").mkdir()  # folder c changes, and has a new folder
    (tmp_path / "out" / "p" / "c" / "new" / "3.zip").write_text("zip", encoding="utf-8")
    again = cache.Walk(tmp_path, ["out", "missing.json"], before=first)
    assert again.digest == cache.Walk(tmp_path, ["out", "missing.json"]).digest != first.digest
    assert again.reread == 4  # a, b, c and c/new; not out/ nor out/p
    time.sleep(0.05)
    (tmp_path / "out" / "p" / "c" / "new" / "4.zip").write_text("zip", encoding="utf-8")  # below an unchanged folder
    third = cache.Walk(tmp_path, ["out", "missing.json"], before=again)
    assert third.digest == cache.Walk(tmp_path, ["out", "missing.json"]).digest != again.digest
    assert third.reread == 1  # only c/new: out/p/c itself did not change, its sub-folder is stat'ed and listed again


def test_a_walk_vouches_only_for_settled_files(tmp_path: Path) -> None:
    """Walk.settled is cache.settled_signature as the walk saw the file: None while it is within SETTLED_NS of the walk."""
    (tmp_path / "s").mkdir()
    old, new = tmp_path / "s" / "old.yaml", tmp_path / "s" / "new.yaml"
    old.write_text("a: 1\n", encoding="utf-8")
    new.write_text("a: 2\n", encoding="utf-8")
    os.utime(old, (time.time() - 60, time.time() - 60))
    now = time.time_ns()
    walk = cache.Walk(tmp_path, ["s"], since_ns=now + 2 * cache.SETTLED_NS)  # as if the walk began two seconds later
    assert walk.saw("s/old.yaml") and walk.saw("s/new.yaml") and not walk.saw("s/none.yaml")
    later = now + 2 * cache.SETTLED_NS
    assert walk.settled("s/old.yaml") == cache.settled_signature(old, later) is not None
    assert walk.settled("s/new.yaml") == cache.settled_signature(new, later)
    assert cache.Walk(tmp_path, ["s"], since_ns=now).digest is None  # new.yaml was written within the second


def test_a_walk_goes_on_past_a_file_that_has_not_settled(tmp_path: Path) -> None:
    """One just-edited file leaves the walk without a digest, but every other file still has its settled signature
    (the streamed check takes them from the walk instead of stat'ing each again), also in folders walked after it."""
    for folder in ("a", "b"):
        (tmp_path / "s" / folder).mkdir(parents=True)
    files = {name: tmp_path / "s" / name for name in ("a/1.yaml", "a/2.yaml", "b/3.yaml")}
    for path in files.values():
        path.write_text("a: 1\n", encoding="utf-8")
    time.sleep(1.1)  # the change times a walk reads cannot be set back: the others are older than the edit by > 1 s
    files["a/1.yaml"].write_text("a: 2\n", encoding="utf-8")  # edited just now: sorted first of all
    now = os.lstat(files["a/1.yaml"]).st_ctime_ns + 1  # the walk begins just after the edit
    walk = cache.Walk(tmp_path, ["s"], since_ns=now)
    assert walk.digest is None and walk.saw("s/a/1.yaml") and walk.settled("s/a/1.yaml") is None
    for name in ("a/2.yaml", "b/3.yaml"):
        assert walk.settled(f"s/{name}") == cache.settled_signature(files[name], now) is not None
    assert "s/a" not in walk.folders  # a folder with an unsettled file is never kept for a later walk's listing


def test_a_tail_is_kept_after_its_value_and_handed_back_unparsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shelf.put_encoded's tail: written after the value, never parsed by get or take, given back as its bytes by
    take_apart (the streamed check's record texts); a line without one gives b""."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    paths = ["submissions/2025-06/101-教育局/101-2025-0001.yaml", "submissions/2025-06/101-教育局/101-2025-0002.yaml"]
    shelf = cache.Store(tmp_path).shelf("stream", paths)
    tail = cache.dumps({"text": "第一行\n第二行\x1f「引号」"}).encode()
    shelf.put_encoded(paths[0], "k", cache.dumps([1, "一"]), tail)
    shelf.put_encoded(paths[1], "k", cache.dumps([2]))
    shelf.save()
    assert cache.Store(tmp_path).shelf("stream", paths).get(paths[0], "k") == [1, "一"]
    again = cache.Store(tmp_path).shelf("stream", paths)
    assert again.take_apart(paths[0], "k") == ([1, "一"], tail)
    assert again.take_apart(paths[1], "k") == ([2], b"")
    third = cache.Store(tmp_path).shelf("stream", paths)
    assert third.take_apart(paths[0], "other key") == (None, b"")


def test_a_mark_is_kept_beside_its_value_and_replaced_without_encoding_it_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shelf.put_encoded's mark (the streamed check's file signatures): given by parse with the key and value, never
    part of what get or take_apart read; `marked` gives the same line with another mark, value and tail as they were;
    a mark with a control character (which would end it early) is not kept."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    paths = [f"submissions/2025-06/101-教育局/101-2025-000{i}.yaml" for i in range(3)]
    shelf = cache.Store(tmp_path).shelf("stream", paths)
    tail = cache.dumps({"text": "「引号」"}).encode()
    shelf.put_encoded(paths[0], "k", cache.dumps([1, "一"]), tail, mark="120:1:2:3:4")
    shelf.put_encoded(paths[1], "k", cache.dumps([2]), mark="5:6:7:8:9")
    shelf.put_encoded(paths[2], "k", cache.dumps([3]), mark="a\x1fb")
    shelf.save()
    again = cache.Store(tmp_path).shelf("stream", paths)
    assert again.get(paths[0], "k") == [1, "一"]
    line = again.take_line(paths[0])
    assert line is not None and again.parse(paths[0], line) == ("k", [1, "一"], tail, "120:1:2:3:4")
    assert again.parse(paths[1], line) == (None, None, b"", "")  # another path's line
    remarked = cache.Shelf.marked(line, "121:1:2:3:4")
    assert again.parse(paths[0], remarked) == ("k", [1, "一"], tail, "121:1:2:3:4")
    again.put_line(paths[0], remarked)
    assert again.take_apart(paths[1], "k") == ([2], b"")
    again.save()
    third = cache.Store(tmp_path).shelf("stream", paths)
    assert third.parse(paths[0], third.take_line(paths[0]))[3] == "121:1:2:3:4"
    assert third.parse(paths[1], third.take_line(paths[1]))[1:] == ([2], b"", "5:6:7:8:9")
    assert third.parse(paths[2], third.take_line(paths[2])) == ("k", [3], b"", "")

"""Sharded builds (issue 18, item 3): N shards merged equal one build byte for byte; a bad set of records writes nothing."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from docgen import shard

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import generate

SECRET = "101-2025-0030"  # one 涉密 project: its department pools fewer than k, so its 部门整体 is withheld too


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def epoch() -> Iterator[None]:
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1751328000"  # 2025-07-01: dates in every output fixed (render/dates.py)
    yield
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH")
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory, epoch: None) -> Path:
    """A generated tree of 40 projects in 10 departments, one of them 涉密 (file and roster agree)."""
    root = tmp_path_factory.mktemp("tree") / "repo"
    generate(root, 40)
    period = root / "submissions" / "2025-06"
    secret = next(period.rglob(f"{SECRET}.yaml"))
    secret.write_text(secret.read_text(encoding="utf-8") + "涉密: true\n", encoding="utf-8")
    roster = period / "名单.yaml"
    text = roster.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if f'"{SECRET}"' in line)
    roster.write_text(text.replace(line, line.removesuffix("}") + ", 涉密: true}"), encoding="utf-8")
    return root


def invoke(*args: str) -> Result:
    from click.testing import CliRunner

    from docgen.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def checkout(tree: Path, where: Path) -> Path:
    """A runner's own checkout of the same revision (CI jobs never share a working folder)."""
    shutil.copytree(tree / "submissions", where / "submissions")
    return where


@pytest.fixture(scope="module")
def single(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    repo = checkout(tree, tmp_path_factory.mktemp("single"))
    result = invoke("build", "--root", str(repo))
    assert result.exit_code == 0, result.output
    return files(repo / "build")


@pytest.fixture(scope="module")
def sharded(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], list[Path]]:
    """Run the N shards of the tree, each in its own checkout; returns their folders (build/ and shards/ inside)."""
    done: dict[int, list[Path]] = {}

    def run(n: int) -> list[Path]:
        if n not in done:
            done[n] = []
            for k in range(1, n + 1):
                repo = checkout(tree, tmp_path_factory.mktemp(f"shard-{k}-of-{n}"))
                result = invoke("build", "--root", str(repo), "--shard", f"{k}/{n}")
                assert result.exit_code == 0, result.output
                assert f"第 {k}/{n} 片" in result.output
                assert not (repo / "build" / "summary.json").exists()  # the city's outputs are the merge's
                done[n].append(repo)
        return done[n]

    return run


def merge_tree(tree: Path, where: Path, shards: list[Path]) -> Path:
    """The merge job: a checkout, with every shard's build/ unpacked into its build/ (as CI artifacts are)."""
    repo = checkout(tree, where)
    for one in shards:
        shutil.copytree(one / "build", repo / "build", dirs_exist_ok=True)
    return repo


def records(shards: list[Path]) -> list[str]:
    return [str(p) for one in shards for p in sorted((one / "shards").glob("*.json"))]


@pytest.mark.parametrize("n", [1, 2, 4])
def test_merged_shards_equal_one_build_byte_for_byte(n: int, tree: Path, tmp_path: Path, single, sharded) -> None:
    shards = sharded(n)
    repo = merge_tree(tree, tmp_path, shards)
    result = invoke("merge", "--root", str(repo), *records(shards))
    assert result.exit_code == 0, result.output
    assert f"已合并 {n} 片" in result.output
    merged = files(repo / "build")
    assert sorted(merged) == sorted(single)
    assert [name for name in merged if merged[name] != single[name]] == []
    assert not any(SECRET in name for name in merged)  # the 涉密 rules hold after merging
    summary = json.loads(merged["summary.json"])
    assert summary["periods"][0]["confidential_excluded"] == 1


def test_every_department_is_in_exactly_one_shard(tree: Path, sharded) -> None:
    shards = sharded(4)
    owners: dict[str, int] = {}
    for k, one in enumerate(shards, start=1):
        data = json.loads(next((one / "shards").glob("*.json")).read_text(encoding="utf-8"))
        for sub in data["submissions"]:
            assert owners.setdefault(sub["department"], k) == k
    assert sorted(owners) == [str(c) for c in range(101, 111)]
    assert {owners[d] for d in owners} == {shard.shard_of(d, 4) for d in owners}


def test_assignment_depends_on_the_code_alone() -> None:
    # documented in docs/sharding.md: SHA-256 of the code, first 8 bytes big-endian, modulo N, plus 1
    assert [shard.shard_of(c, 4) for c in ("101", "102", "103", "104")] == [
        int.from_bytes(__import__("hashlib").sha256(c.encode()).digest()[:8], "big") % 4 + 1 for c in ("101", "102", "103", "104")
    ]
    assert shard.shard_of("101", 1) == 1
    assert shard.parse_spec("2/4") == (2, 4)


@pytest.mark.parametrize("spec", ["0/2", "3/2", "2", "a/b", "1/999"])
def test_bad_shard_spec_is_a_usage_error(spec: str, tree: Path, tmp_path: Path) -> None:
    repo = checkout(tree, tmp_path)
    result = invoke("build", "--root", str(repo), "--shard", spec)
    assert result.exit_code == 2
    assert "写法不对" in result.output
    assert not (repo / "build").exists()


def test_record_inside_build_is_refused(tree: Path, tmp_path: Path) -> None:
    repo = checkout(tree, tmp_path)
    result = invoke("build", "--root", str(repo), "--shard", "1/2", "--record", str(repo / "build" / "r.json"))
    assert result.exit_code == 2 and "build/ 之外" in result.output
    assert not (repo / "build").exists()


def _refused(repo: Path, args: list[str], words: str) -> None:
    before = files(repo / "build")
    result = invoke("merge", "--root", str(repo), *args)
    assert result.exit_code == 1, result.output
    assert words in result.output, result.output
    assert files(repo / "build") == before  # nothing half-written


def test_a_missing_shard_writes_nothing(tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path, shards)
    _refused(repo, records(shards)[:1], "缺少分片记录：第 2/2 片")


def test_a_duplicated_shard_writes_nothing(tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path, shards)
    one, two = records(shards)
    copy = tmp_path / "again.json"
    shutil.copy(one, copy)
    _refused(repo, [one, two, str(copy)], "出现了两次")


def test_shards_of_different_counts_do_not_merge(tree: Path, tmp_path: Path, sharded) -> None:
    repo = merge_tree(tree, tmp_path, sharded(2))
    _refused(repo, [records(sharded(2))[0], *records(sharded(4))[1:]], "分片总数不同")


def test_shards_of_another_revision_do_not_merge(tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path, shards)
    source = next((repo / "submissions").rglob("101-2025-0000.yaml"))
    source.write_text(source.read_text(encoding="utf-8") + "# 改过\n", encoding="utf-8")
    _refused(repo, records(shards), "另一版本的报送文件")


def _tampered(tmp_path: Path, record: str, change: Callable[[dict], None]) -> str:  # type: ignore[type-arg]
    data = json.loads(Path(record).read_text(encoding="utf-8"))
    change(data)
    target = tmp_path / Path(record).name
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(target)


def test_a_tampered_figure_is_found(tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path / "repo", shards)

    def change(data: dict) -> None:  # type: ignore[type-arg]
        entry = next(s["entry"] for s in data["submissions"] if s["entry"])
        entry["light"] = "绿" if entry.get("light") != "绿" else "红"

    one, two = records(shards)
    _refused(repo, [_tampered(tmp_path, one, change), two], "不一致")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.update(version=1), "格式版本为 1"),  # 1 named 涉密 files by their paths
        (lambda d: d.update(shard=3), "/shard 处的值不合规定"),
        (lambda d: d["outputs"][0].update(path="../../etc/passwd"), "/outputs/0/path 处的值不合规定"),
        (lambda d: d["submissions"][0].update(digest="x"), "/submissions/0/digest 处的值不合规定"),
        (lambda d: d.update(extra=1), "/ 处的值不合规定"),
        (lambda d: d.update(of=3), "分片总数不同"),
        (lambda d: d["submissions"][0].update(department="999"), "不一致"),
    ],
)
def test_a_corrupted_record_is_refused(change, words: str, tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path / "repo", shards)
    one, two = records(shards)
    _refused(repo, [_tampered(tmp_path, one, change), two], words)


def test_a_record_that_is_not_json_is_refused(tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path / "repo", shards)
    one, two = records(shards)
    broken = tmp_path / "broken.json"
    broken.write_bytes(Path(one).read_bytes()[:100])
    _refused(repo, [str(broken), two], "不是 UTF-8 的 JSON")


def test_a_missing_or_altered_department_output_is_found(tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path / "repo", shards[:1])  # the second shard's build/ never arrived
    _refused(repo, records(shards), "不存在")
    repo = merge_tree(tree, tmp_path / "again", shards)
    bundle = next((repo / "build").rglob("*.zip"))
    bundle.write_bytes(bundle.read_bytes() + b"x")
    _refused(repo, records(shards), "内容与记录不同")


def test_records_with_their_shard_numbers_swapped_are_refused(tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path / "repo", shards)
    one, two = records(shards)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    swapped = [_tampered(tmp_path / "a", one, lambda d: d.update(shard=2)), _tampered(tmp_path / "b", two, lambda d: d.update(shard=1))]
    _refused(repo, swapped, "应由第")


def test_a_record_names_no_confidential_file(tree: Path, sharded) -> None:
    """Records are CI artifacts, often public: a 涉密 file is named by a keyed hash, never by its path or code."""
    raw = b"".join(Path(r).read_bytes() for n in (1, 2, 4) for r in records(sharded(n)))
    assert SECRET.encode() not in raw
    hidden = [s for r in records(sharded(1)) for s in json.loads(Path(r).read_text(encoding="utf-8"))["submissions"] if s["confidential"]]
    assert len(hidden) == 1 and hidden[0]["path"].startswith(shard.HIDDEN) and hidden[0]["entry"] is None
    assert hidden[0]["digest"] == hidden[0]["path"].removeprefix(shard.HIDDEN)


def test_a_changed_confidential_file_is_found_without_being_named(tree: Path, tmp_path: Path, sharded) -> None:
    shards = sharded(2)
    repo = merge_tree(tree, tmp_path, shards)
    secret = next((repo / "submissions").rglob(f"{SECRET}.yaml"))
    secret.write_text(secret.read_text(encoding="utf-8") + "# 改过\n", encoding="utf-8")
    before = files(repo / "build")
    result = invoke("merge", "--root", str(repo), *records(shards))
    assert result.exit_code == 1 and "另一版本的报送文件" in result.output, result.output
    assert SECRET not in result.output
    assert files(repo / "build") == before


def test_relative_record_paths_are_read_from_the_repository_root(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--record and merge's records, relative, mean the same file wherever the command runs (docs/sharding.md)."""
    repo = checkout(tree, tmp_path)
    monkeypatch.chdir(repo / "submissions")
    result = invoke("build", "--root", str(repo), "--shard", "1/1", "--record", "records/one.json")
    assert result.exit_code == 0, result.output
    assert (repo / "records" / "one.json").is_file() and not (repo / "submissions" / "records").exists()
    result = invoke("merge", "--root", str(repo), "records/one.json")
    assert result.exit_code == 0, result.output
    assert (repo / "build" / "summary.json").is_file()


def test_a_shard_and_the_merge_hold_records_not_every_projects_model(tree: Path, tmp_path: Path, sharded) -> None:
    """Issue 18 at 100,000 projects: a shard and the merge read the streamed records, as `build` does: a public
    project is held as its identity (no tables, no indicators), and only the 涉密 one is read whole."""
    from docgen import api

    repo = checkout(tree, tmp_path / "shard")
    done = api.build_shard(repo, (1, 2))
    public = [p for p in done.result.projects if not p.confidential]
    assert len(public) == 39 and all(not p.tables and not p.indicators for p in public)
    assert [bool(p.tables) for p in done.result.projects if p.confidential] == [True]
    merged = api.merge([Path(r) for r in records(sharded(2))], merge_tree(tree, tmp_path / "merge", sharded(2)))
    assert len(merged.result.projects) == 40 and all(not p.tables for p in merged.result.projects if not p.confidential)
